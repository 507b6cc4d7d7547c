"""Device-agnostic code and model surgery: `device = "cuda" if torch.cuda.is_available() else
"cpu"`, model.to(device) / tensor.to(device), model.apply(init_weights) with nn.init,
named_parameters, freezing the encoder with requires_grad_(False) and an optimizer over
filter(lambda p: p.requires_grad, ...), an autoencoder trained with MSELoss, and intermediate
activations captured with register_forward_hook."""

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.optim as optim

device = "cuda" if torch.cuda.is_available() else "cpu"
print(f"Using {device} device")
torch.manual_seed(0)


class AutoEncoder(nn.Module):
    def __init__(self, d=16, code=4):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d, 12), nn.Tanh(), nn.Linear(12, code))
        self.decoder = nn.Sequential(nn.Linear(code, 12), nn.Tanh(), nn.Linear(12, d))

    def forward(self, x):
        return self.decoder(self.encoder(x))


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


# Data on a 4-dimensional subspace of R^16, so a 4-unit code can hold it.
basis = torch.randn(4, 16)
data = (torch.randn(256, 4) @ basis).to(device)

model = AutoEncoder().to(device)
model.apply(init_weights)
assert next(model.parameters()).device == data.device
assert all(float(m.bias.abs().sum()) == 0.0 for m in model.modules() if isinstance(m, nn.Linear))
bound = (6 / (16 + 12)) ** 0.5
assert model.encoder[0].weight.abs().max().item() <= bound
names = [name for name, _ in model.named_parameters()]
assert names[:2] == ["encoder.0.weight", "encoder.0.bias"] and len(names) == 8
print(model)

criterion = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=1e-2)
first = criterion(model(data), data).item()
for epoch in range(200):
    optimizer.zero_grad()
    loss = criterion(model(data), data)
    loss.backward()
    optimizer.step()
print(f"reconstruction mse {first:.4f} -> {loss.item():.4f}")
assert loss.item() < first / 5, (first, loss.item())

# Freeze the encoder and fine-tune only the decoder.
model.zero_grad()
for param in model.encoder.parameters():
    param.requires_grad_(False)
frozen = [p.clone() for p in model.encoder.parameters()]
trainable = filter(lambda p: p.requires_grad, model.parameters())
optimizer = optim.SGD(trainable, lr=1e-2)
assert sum(p.numel() for p in model.parameters() if p.requires_grad) == 4 * 12 + 12 + 12 * 16 + 16
for _ in range(20):
    optimizer.zero_grad()
    loss = criterion(model(data), data)
    loss.backward()
    optimizer.step()
for before, after in zip(frozen, model.encoder.parameters()):
    assert torch.equal(before, after) and after.grad is None

# Moving results back for plotting / numpy.
codes = model.encoder(data).detach().cpu().numpy()
assert codes.shape == (256, 4)
x = torch.ones(2, 16, device=device)
assert model(x).shape == (2, 16) and x.is_cuda is False
# Capture the code layer's activations with a forward hook, then remove it.
activation = {}


def get_activation(name):
    def hook(model, input, output):
        activation[name] = output.detach()

    return hook


handle = model.encoder[2].register_forward_hook(get_activation("code"))
with torch.no_grad():
    output = model(data[:8])
assert activation["code"].shape == (8, 4)
assert torch.allclose(activation["code"], model.encoder(data[:8]))
handle.remove()
activation.clear()
model(data[:8])
assert activation == {}

model.cpu()
model.float()
sd = model.state_dict()
model.zero_grad(set_to_none=True)
assert all(p.grad is None for p in model.parameters())
assert sd["encoder.0.weight"].dtype == torch.float32
print("ok")
