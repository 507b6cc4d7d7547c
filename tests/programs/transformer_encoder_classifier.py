"""A Transformer encoder sequence classifier as in PyTorch's tutorials: nn.Embedding scaled
by sqrt(d_model), the tutorial's sinusoidal PositionalEncoding module (a registered buffer),
nn.TransformerEncoder of batch_first nn.TransformerEncoderLayer with gelu, a padding mask for
variable-length sequences (nn.utils.rnn.pad_sequence), masked mean pooling, AdamW and a
warm-up LambdaLR. The task: is token 1 more frequent than token 2 in the sequence?"""

import math
import random

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
from tinygrad_scores.nn.utils.rnn import pad_sequence

random.seed(0)
torch.manual_seed(0)
VOCAB, PAD = 8, 0


def example():
    n = random.randint(4, 12)
    tokens = [random.randint(1, VOCAB - 1) for _ in range(n)]
    if tokens.count(1) == tokens.count(2):
        tokens[0] = random.choice([1, 2])
        if tokens.count(1) == tokens.count(2):
            tokens.append(1)
    return torch.tensor(tokens), int(tokens.count(1) > tokens.count(2))


def batch_of(pairs):
    seqs = [s for s, _ in pairs]
    x = pad_sequence(seqs, batch_first=True, padding_value=PAD)
    return x, x == PAD, torch.tensor([y for _, y in pairs])


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=64):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        return self.dropout(x + self.pe[:, : x.size(1)])


class Classifier(nn.Module):
    def __init__(self, d_model=32, nhead=4, layers=2):
        super().__init__()
        self.d_model = d_model
        self.embed = nn.Embedding(VOCAB, d_model, padding_idx=PAD)
        self.pos = PositionalEncoding(d_model, dropout=0.0)
        layer = nn.TransformerEncoderLayer(
            d_model, nhead, dim_feedforward=64, dropout=0.0, activation="gelu", batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.head = nn.Linear(d_model, 2)

    def forward(self, x, pad_mask):
        h = self.pos(self.embed(x) * math.sqrt(self.d_model))
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        return self.head((h * keep).sum(1) / keep.sum(1))


model = Classifier()
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / 20))
criterion = nn.CrossEntropyLoss()
test = batch_of([example() for _ in range(200)])

for step in range(150):
    x, pad, y = batch_of([example() for _ in range(32)])
    loss = criterion(model(x, pad), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()

model.eval()
with torch.no_grad():
    x, pad, y = test
    accuracy = (model(x, pad).argmax(1) == y).float().mean().item()
print(f"final loss {loss.item():.3f}, test accuracy {accuracy:.3f}")
assert accuracy > 0.85, accuracy
print("ok")
