"""The classic curve-fitting regression: x = torch.linspace(...).unsqueeze(1), noisy y, a Net
with one hidden layer using F.relu, nn.MSELoss, Adam; prediction with detach().numpy()."""

import numpy as np

import tinygrad_scores as torch
import tinygrad_scores.nn.functional as F
from tinygrad_scores import nn, optim

torch.manual_seed(1)

x = torch.unsqueeze(torch.linspace(-1, 1, 200), dim=1)
y = x.pow(2) + 0.1 * torch.rand(x.size())
assert x.shape == (200, 1) and y.shape == x.shape


class Net(nn.Module):
    def __init__(self, n_feature, n_hidden, n_output):
        super(Net, self).__init__()
        self.hidden = nn.Linear(n_feature, n_hidden)
        self.predict = nn.Linear(n_hidden, n_output)

    def forward(self, x):
        x = F.relu(self.hidden(x))
        x = self.predict(x)
        return x


net = Net(n_feature=1, n_hidden=20, n_output=1)
optimizer = optim.Adam(net.parameters(), lr=0.02, betas=(0.9, 0.99))
loss_func = nn.MSELoss()

for t in range(300):
    prediction = net(x)
    loss = loss_func(prediction, y)
    if t == 0:
        first = loss.item()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if t % 100 == 0:
        print(f"step {t} loss {loss:.4f}")

prediction = net(x).detach().numpy()
target = y.numpy()
assert isinstance(prediction, np.ndarray) and prediction.shape == (200, 1)
mse = float(((prediction - target) ** 2).mean())
print(f"final mse {mse:.5f}")
assert mse < 0.005 and mse < first / 10, (first, mse)
# numpy round trip: torch.from_numpy shares memory
arr = np.arange(3, dtype=np.float32)
t = torch.from_numpy(arr)
arr[0] = 7.0
assert t[0].item() == 7.0 and t.dtype == torch.float32
print("ok")
