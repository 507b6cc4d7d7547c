"""The MLP of Karpathy's makemore (part 2, after Bengio et al. 2003), as written for
PyTorch with torch.nn: the three previous characters of a name, each embedded in 10
dimensions (nn.Embedding(27, 10)), flattened, a 200-unit tanh layer, logits over the 27
characters; F.cross_entropy on random minibatches of 32, SGD at lr 0.1 (0.01 for the last
quarter) for 5,000 steps; then the train and dev losses and 20 sampled names.

    python makemore_mlp.py [STEPS]                       (PyTorch)
    python -m tinygrad_scores.run makemore_mlp.py [STEPS] (ours: the same file)
"""

import os
import random
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

max_steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
batch_size = 32
block_size = 3  # context length: how many characters do we take to predict the next one?
n_embd = 10  # the dimensionality of the character embedding vectors
n_hidden = 200  # the number of neurons in the hidden layer of the MLP

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "names.txt")) as f:
    words = f.read().splitlines()

# build the vocabulary of characters and mappings to/from integers
chars = sorted(list(set("".join(words))))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(itos)


def build_dataset(words):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]  # crop and append
    X = torch.tensor(X)
    Y = torch.tensor(Y)
    return X, Y


random.seed(42)
random.shuffle(words)
n1 = int(0.8 * len(words))
n2 = int(0.9 * len(words))
Xtr, Ytr = build_dataset(words[:n1])  # 80%
Xdev, Ydev = build_dataset(words[n1:n2])  # 10%
Xte, Yte = build_dataset(words[n2:])  # 10%


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.C = nn.Embedding(vocab_size, n_embd)
        self.net = nn.Sequential(
            nn.Linear(n_embd * block_size, n_hidden),
            nn.Tanh(),
            nn.Linear(n_hidden, vocab_size),
        )

    def forward(self, x):
        emb = self.C(x)  # (B, block_size, n_embd)
        return self.net(emb.view(emb.shape[0], -1))


torch.manual_seed(2147483647)
model = MLP()
print(sum(p.nelement() for p in model.parameters()), "parameters")
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, [max_steps * 3 // 4], gamma=0.1)

lossi = []
for i in range(max_steps):
    # minibatch construct
    ix = torch.randint(0, Xtr.shape[0], (batch_size,))
    Xb, Yb = Xtr[ix], Ytr[ix]
    # forward pass
    logits = model(Xb)
    loss = F.cross_entropy(logits, Yb)
    # backward pass
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    scheduler.step()
    # track stats
    if i % 1000 == 0:
        print(f"{i:7d}/{max_steps:7d}: {loss.item():.4f}")
    lossi.append(loss.log10().item())


@torch.no_grad()
def split_loss(split):
    x, y = {"train": (Xtr, Ytr), "val": (Xdev, Ydev), "test": (Xte, Yte)}[split]
    model.eval()
    loss = F.cross_entropy(model(x), y)
    print(split, f"{loss.item():.4f}")


split_loss("train")
split_loss("val")

# sample from the model
g = torch.Generator().manual_seed(2147483647 + 10)
for _ in range(20):
    out = []
    context = [0] * block_size
    while True:
        logits = model(torch.tensor([context]))
        probs = F.softmax(logits, dim=1)
        ix = torch.multinomial(probs, num_samples=1, generator=g).item()
        context = context[1:] + [ix]
        out.append(ix)
        if ix == 0:
            break
    print("".join(itos[i] for i in out))
first, last = lossi[0], sum(lossi[-20:]) / len(lossi[-20:])
print(f"first loss {10**first:.4f}, last loss {10**last:.4f}")
