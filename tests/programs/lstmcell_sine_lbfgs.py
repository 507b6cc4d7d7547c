"""PyTorch's time-sequence-prediction example, smaller: sine waves with random phases, a
Sequence module of two nn.LSTMCell stepped by hand over time (h_t, c_t initialised with
torch.zeros, outputs torch.cat-ed), in double precision, trained with optim.LBFGS(lr=0.8)
and a closure; then it predicts the future by feeding its own output back."""

import numpy as np

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.optim as optim

np.random.seed(0)
torch.manual_seed(0)

T, L, N = 20, 60, 8
x = np.empty((N, L), np.int64)
x[:] = np.array(range(L)) + np.random.randint(-4 * T, 4 * T, N).reshape(N, 1)
data = np.sin(x / 1.0 / T).astype("float64")
inputs, target = torch.from_numpy(data[2:, :-1]), torch.from_numpy(data[2:, 1:])
test_input, test_target = torch.from_numpy(data[:2, :-1]), torch.from_numpy(data[:2, 1:])


class Sequence(nn.Module):
    def __init__(self, hidden=24):
        super().__init__()
        self.hidden = hidden
        self.lstm1 = nn.LSTMCell(1, hidden)
        self.lstm2 = nn.LSTMCell(hidden, hidden)
        self.linear = nn.Linear(hidden, 1)

    def forward(self, input, future=0):
        outputs = []
        n = input.size(0)
        h_t = torch.zeros(n, self.hidden, dtype=torch.double)
        c_t = torch.zeros(n, self.hidden, dtype=torch.double)
        h_t2 = torch.zeros(n, self.hidden, dtype=torch.double)
        c_t2 = torch.zeros(n, self.hidden, dtype=torch.double)
        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for _ in range(future):
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        return torch.cat(outputs, dim=1)


seq = Sequence().double()
criterion = nn.MSELoss()
optimizer = optim.LBFGS(seq.parameters(), lr=0.8, max_iter=15)
with torch.no_grad():
    first = criterion(seq(test_input), test_target).item()
for i in range(4):

    def closure():
        optimizer.zero_grad()
        out = seq(inputs)
        loss = criterion(out, target)
        loss.backward()
        return loss

    loss = optimizer.step(closure)
    print(f"step {i}: loss {loss.item():.6f}")

with torch.no_grad():
    future = 20
    pred = seq(test_input, future=future)
    test_loss = criterion(pred[:, :-future], test_target).item()
print(f"test loss {first:.4f} -> {test_loss:.6f}; predicted {pred.shape[1]} steps")
assert pred.shape == (2, L - 1 + future)
assert test_loss < 0.05 * first, (first, test_loss)
print("ok")
