"""The cubic fit with nn: features x^p stacked by unsqueeze/pow, nn.Sequential(Linear, Flatten),
MSELoss(reduction='sum'), model.zero_grad() and a manual update over model.parameters()."""

import math

import tinygrad_scores as torch

torch.manual_seed(0)
x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
assert xx.shape == (2000, 3) and tuple(xx.size()) == (2000, 3)

model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1),
)
loss_fn = torch.nn.MSELoss(reduction="sum")

learning_rate = 1e-6
losses = []
for t in range(2000):
    y_pred = model(xx)
    assert y_pred.shape == (2000,)
    loss = loss_fn(y_pred, y)
    losses.append(loss.item())
    if t % 500 == 99:
        print(t, loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

linear_layer = model[0]
print(
    f"Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + "
    f"{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3"
)
assert len(list(model.parameters())) == 2
assert linear_layer.weight.shape == (1, 3) and linear_layer.bias.shape == (1,)
assert losses[-1] < losses[0] / 10 and losses[-1] < 50, (losses[0], losses[-1])
assert abs(linear_layer.weight[:, 0].item() - 0.857) < 0.1
print("ok")
