"""The variational autoencoder of pytorch/examples (vae/main.py) on synthetic binary "images":
reparameterization with randn_like, binary_cross_entropy(reduction='sum') plus the KL term,
DataLoader over TensorDataset, train()/eval(), no_grad, sampling from the prior, and a
state_dict round trip through a temporary directory."""

import argparse
import os
import tempfile

import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser(description="VAE Example")
parser.add_argument("--batch-size", type=int, default=32, metavar="N")
parser.add_argument("--epochs", type=int, default=6, metavar="N")
parser.add_argument("--no-accel", action="store_true")
parser.add_argument("--seed", type=int, default=1, metavar="S")
parser.add_argument("--log-interval", type=int, default=4, metavar="N")
args = parser.parse_args()

torch.manual_seed(args.seed)
device = torch.device("cpu")
kwargs = {"num_workers": 0, "pin_memory": False}


# 8x8 binary pictures: a random bar (row or column) plus noise
def make_images(n):
    images = torch.zeros(n, 1, 8, 8)
    which = torch.randint(0, 8, (n,))
    rows = torch.rand(n) < 0.5
    for i in range(n):
        if rows[i]:
            images[i, 0, which[i], :] = 1.0
        else:
            images[i, 0, :, which[i]] = 1.0
    flips = torch.rand(n, 1, 8, 8) < 0.05
    return torch.where(flips, 1.0 - images, images)


train_loader = DataLoader(
    TensorDataset(make_images(256), torch.zeros(256)),
    batch_size=args.batch_size,
    shuffle=True,
    **kwargs,
)
test_loader = DataLoader(
    TensorDataset(make_images(64), torch.zeros(64)), batch_size=args.batch_size, **kwargs
)


class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc21 = nn.Linear(32, 4)
        self.fc22 = nn.Linear(32, 4)
        self.fc3 = nn.Linear(4, 32)
        self.fc4 = nn.Linear(32, 64)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


model = VAE().to(device)
optimizer = optim.Adam(model.parameters(), lr=1e-2)


def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction="sum")
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD


def train(epoch):
    model.train()
    train_loss = 0
    for batch_idx, (data, _) in enumerate(train_loader):
        data = data.to(device)
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print(
                "Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(
                    epoch,
                    batch_idx * len(data),
                    len(train_loader.dataset),
                    100.0 * batch_idx / len(train_loader),
                    loss.item() / len(data),
                )
            )
    average = train_loss / len(train_loader.dataset)
    print("====> Epoch: {} Average loss: {:.4f}".format(epoch, average))
    return average


def test(epoch):
    model.eval()
    test_loss = 0
    with torch.no_grad():
        for i, (data, _) in enumerate(test_loader):
            data = data.to(device)
            recon_batch, mu, logvar = model(data)
            test_loss += loss_function(recon_batch, data, mu, logvar).item()
            if i == 0:
                n = min(data.size(0), 8)
                comparison = torch.cat([data[:n], recon_batch.view(args.batch_size, 1, 8, 8)[:n]])
                assert comparison.shape == (2 * n, 1, 8, 8)
    test_loss /= len(test_loader.dataset)
    print("====> Test set loss: {:.4f}".format(test_loss))
    return test_loss


losses = []
for epoch in range(1, args.epochs + 1):
    losses.append(train(epoch))
    test_loss = test(epoch)
    with torch.no_grad():
        sample = torch.randn(16, 4).to(device)
        sample = model.decode(sample).cpu()
        assert sample.shape == (16, 64) and 0.0 <= sample.min().item() <= sample.max().item() <= 1.0

# an untrained decoder gives about 64 * log 2 = 44.4 nats per picture
assert losses[-1] < 0.75 * losses[0], losses
assert test_loss < 30.0, test_loss

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "vae.pt")
    torch.save(model.state_dict(), path)
    restored = VAE()
    restored.load_state_dict(torch.load(path, weights_only=True))
    restored.eval()
    x = next(iter(test_loader))[0]
    with torch.no_grad():
        mu_a, _ = model.encode(x.view(-1, 64))
        mu_b, _ = restored.encode(x.view(-1, 64))
    assert torch.equal(mu_a, mu_b)
print("ok")
