"""The sub-pixel super-resolution network of pytorch/examples (super_resolution/) on synthetic
smooth pictures: Conv2d with tuple kernel / stride / padding, nn.PixelShuffle, orthogonal_
initialisation scaled by calculate_gain('relu'), low-resolution inputs made with F.interpolate
(bilinear and bicubic, align_corners=False) and F.avg_pool2d, MSELoss, PSNR by
10 * log10(1 / mse), checkpoints of the whole model saved with torch.save(model, path) and loaded
back for super_resolve.py's inference with .clamp(0, 1); the network beats bicubic upsampling."""

import argparse
import math
import os
import shutil
import tempfile
from math import log10

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.init as init
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser(description="PyTorch Super Res Example")
parser.add_argument("--upscale_factor", type=int, default=2, help="super resolution upscale factor")
parser.add_argument("--batchSize", type=int, default=16, help="training batch size")
parser.add_argument("--testBatchSize", type=int, default=32, help="testing batch size")
parser.add_argument("--nEpochs", type=int, default=50, help="number of epochs to train for")
parser.add_argument("--lr", type=float, default=0.01, help="Learning Rate. Default=0.01")
parser.add_argument("--seed", type=int, default=123, help="random seed to use. Default=123")
opt = parser.parse_args()
print(opt)
torch.manual_seed(opt.seed)
device = torch.device("cpu")


class Net(nn.Module):
    def __init__(self, upscale_factor):
        super(Net, self).__init__()
        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(1, 16, (5, 5), (1, 1), (2, 2))
        self.conv2 = nn.Conv2d(16, 16, (3, 3), (1, 1), (1, 1))
        self.conv3 = nn.Conv2d(16, 8, (3, 3), (1, 1), (1, 1))
        self.conv4 = nn.Conv2d(8, upscale_factor**2, (3, 3), (1, 1), (1, 1))
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)
        self._initialize_weights()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        x = self.pixel_shuffle(self.conv4(x))
        return x

    def _initialize_weights(self):
        init.orthogonal_(self.conv1.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv2.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv3.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv4.weight)


def pictures(n, size=16):
    """Smooth random pictures in [0, 1]: sums of a few random sinusoids."""
    ys = torch.linspace(0, 1, size).view(1, size, 1)
    xs = torch.linspace(0, 1, size).view(1, 1, size)
    out = torch.zeros(n, size, size)
    for _ in range(3):
        fy, fx, phase = (
            torch.rand(n, 1, 1) * 6,
            torch.rand(n, 1, 1) * 6,
            torch.rand(n, 1, 1) * 2 * math.pi,
        )
        out += torch.sin(2 * math.pi * (fy * ys + fx * xs) / 3 + phase)
    out = (out - out.amin(dim=(1, 2), keepdim=True)) / (
        out.amax(dim=(1, 2), keepdim=True) - out.amin(dim=(1, 2), keepdim=True)
    )
    return out.unsqueeze(1)


def make_set(n):
    target = pictures(n)
    low = F.interpolate(
        target, scale_factor=1 / opt.upscale_factor, mode="bilinear", align_corners=False
    )
    return TensorDataset(low, target)


train_set, test_set = make_set(192), make_set(64)
assert train_set[0][0].shape == (1, 8, 8) and train_set[0][1].shape == (1, 16, 16)
assert torch.allclose(
    F.avg_pool2d(test_set.tensors[1], 2), test_set.tensors[0], atol=1e-6
)  # bilinear at 1/2 = 2x2 mean
training_data_loader = DataLoader(
    dataset=train_set, num_workers=0, batch_size=opt.batchSize, shuffle=True
)
testing_data_loader = DataLoader(
    dataset=test_set, num_workers=0, batch_size=opt.testBatchSize, shuffle=False
)

print("===> Building model")
model = Net(upscale_factor=opt.upscale_factor).to(device)
criterion = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=opt.lr)
w = model.conv2.weight.view(16, -1)
assert torch.allclose(
    w @ w.T, torch.eye(16) * init.calculate_gain("relu") ** 2, atol=1e-4
)  # orthogonal rows


def train(epoch):
    epoch_loss = 0
    for iteration, batch in enumerate(training_data_loader, 1):
        input, target = batch[0].to(device), batch[1].to(device)
        optimizer.zero_grad()
        loss = criterion(model(input), target)
        epoch_loss += loss.item()
        loss.backward()
        optimizer.step()
    print(
        "===> Epoch {} Complete: Avg. Loss: {:.4f}".format(
            epoch, epoch_loss / len(training_data_loader)
        )
    )


def test():
    avg_psnr = 0
    with torch.no_grad():
        for batch in testing_data_loader:
            input, target = batch[0].to(device), batch[1].to(device)
            prediction = model(input)
            mse = criterion(prediction, target)
            psnr = 10 * log10(1 / mse.item())
            avg_psnr += psnr
    avg_psnr /= len(testing_data_loader)
    print("===> Avg. PSNR: {:.4f} dB".format(avg_psnr))
    return avg_psnr


tmp = tempfile.mkdtemp()


def checkpoint(epoch):
    model_out_path = os.path.join(tmp, "model_epoch_{}.pth".format(epoch))
    torch.save(model, model_out_path)
    return model_out_path


for epoch in range(1, opt.nEpochs + 1):
    train(epoch)
    psnr = test()
    if epoch % 10 == 0:
        path = checkpoint(epoch)

# bicubic upsampling of the same inputs, the baseline to beat
low, high = test_set.tensors
bicubic = F.interpolate(
    low, scale_factor=opt.upscale_factor, mode="bicubic", align_corners=False
).clamp(0, 1)
psnr_bicubic = 10 * log10(1 / F.mse_loss(bicubic, high).item())
print("bicubic PSNR: {:.4f} dB, network: {:.4f} dB".format(psnr_bicubic, psnr))
bilinear = F.interpolate(low, scale_factor=opt.upscale_factor, mode="bilinear", align_corners=False)
print("bilinear PSNR: {:.4f} dB".format(10 * log10(1 / F.mse_loss(bilinear, high).item())))
assert psnr > psnr_bicubic + 1.0, (psnr, psnr_bicubic)

# super_resolve.py: load the whole model and upscale one picture
loaded = torch.load(path, weights_only=False)
loaded.eval()
img = low[:1]
out = loaded(img).clamp(0, 1)
assert out.shape == (1, 1, 16, 16)
out_img_y = out[0].detach().numpy()
out_img_y *= 255.0
out_img_y = out_img_y.clip(0, 255)
assert out_img_y.dtype.name == "float32" and out_img_y.shape == (1, 16, 16)
assert torch.equal(loaded(img), model(img))
shutil.rmtree(tmp)
print("ok")
