"""A character-level LSTM language model in the style of the char-rnn tutorials: a string
turned into index tensors, nn.Embedding -> 2-layer nn.LSTM (batch_first, dropout) ->
nn.Linear, trained with CrossEntropyLoss and Adam with gradient clipping on random windows,
hidden state carried between chunks with .detach(); then it generates text one character at
a time from a prompt (greedy, then sampled with torch.multinomial)."""

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F

torch.manual_seed(0)

text = "the quick brown fox jumps over the lazy dog. " * 40
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
itos = {i: c for c, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)


class CharLSTM(nn.Module):
    def __init__(self, vocab, embed=16, hidden=64, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True, dropout=0.1)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embed(x), state)
        return self.head(out), state


model = CharLSTM(len(chars))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
seq_len, batch = 24, 16


def get_batch():
    starts = torch.randint(0, len(data) - seq_len - 1, (batch,))
    x = torch.stack([data[s : s + seq_len] for s in starts.tolist()])
    y = torch.stack([data[s + 1 : s + seq_len + 1] for s in starts.tolist()])
    return x, y


losses = []
for step in range(120):
    x, y = get_batch()
    logits, _ = model(x)
    loss = F.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    losses.append(loss.item())
print(f"loss {losses[0]:.3f} -> {sum(losses[-10:]) / 10:.3f}")
assert sum(losses[-10:]) / 10 < 0.3 * losses[0]

# truncated BPTT over consecutive chunks, carrying the state detached
state = None
for i in range(0, 4 * seq_len, seq_len):
    chunk = data[i : i + seq_len].unsqueeze(0)
    logits, state = model(chunk, state)
    state = tuple(s.detach() for s in state)
    assert state[0].shape == (2, 1, 64) and state[1].shape == (2, 1, 64)


def generate(prompt, n, sample=False):
    model.eval()
    with torch.no_grad():
        x = torch.tensor([[stoi[c] for c in prompt]])
        logits, state = model(x)
        out = prompt
        for _ in range(n):
            probs = F.softmax(logits[0, -1], dim=-1)
            nxt = torch.multinomial(probs, 1).item() if sample else probs.argmax().item()
            out += itos[nxt]
            logits, state = model(torch.tensor([[nxt]]), state)
    model.train()
    return out


greedy = generate("the quick", 60)
print("greedy:", repr(greedy))
print("sampled:", repr(generate("the lazy", 40, sample=True)))
assert "brown fox jumps over" in greedy, greedy
print("ok")
