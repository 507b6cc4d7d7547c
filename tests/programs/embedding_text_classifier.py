"""A bag-of-embeddings text classifier: a vocabulary dict, token ids padded into a LongTensor,
nn.Embedding(padding_idx=0), masked mean pooling, nn.LayerNorm, CrossEntropyLoss, Adam, with
a collate_fn DataLoader over a list of (tokens, label) pairs; then the text classification
tutorial's model: nn.EmbeddingBag over concatenated token ids with offsets (cumsum), weights
initialised with uniform_ / zero_, SGD with StepLR."""

import random

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
from tinygrad_scores.utils.data import DataLoader

random.seed(0)
torch.manual_seed(0)

positive = ["good", "great", "fine", "happy", "love", "excellent"]
negative = ["bad", "awful", "sad", "hate", "poor", "terrible"]
neutral = ["the", "a", "movie", "was", "it", "and", "plot", "actors"]
vocab = {"<pad>": 0}
for word in positive + negative + neutral:
    vocab[word] = len(vocab)


def sentence(label):
    words = random.choices(neutral, k=random.randint(3, 6))
    words += random.choices(positive if label == 1 else negative, k=random.randint(1, 2))
    random.shuffle(words)
    return words


samples = [(sentence(lbl), lbl) for lbl in [random.randint(0, 1) for _ in range(400)]]
train, test = samples[:300], samples[300:]


def collate_batch(batch):
    lengths = [len(words) for words, _ in batch]
    ids = torch.zeros(len(batch), max(lengths), dtype=torch.long)
    for i, (words, _) in enumerate(batch):
        ids[i, : len(words)] = torch.tensor([vocab[w] for w in words])
    labels = torch.tensor([label for _, label in batch], dtype=torch.int64)
    return ids, labels


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.norm = nn.LayerNorm(embed_dim)
        self.fc = nn.Linear(embed_dim, num_class)

    def forward(self, ids):
        mask = (ids != 0).unsqueeze(-1).float()
        summed = (self.embedding(ids) * mask).sum(dim=1)
        pooled = summed / mask.sum(dim=1).clamp(min=1.0)
        return self.fc(self.norm(pooled))


model = TextClassifier(len(vocab), 16, 2)
assert model.embedding.weight[0].abs().sum().item() == 0.0  # padding row starts at zero
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
train_loader = DataLoader(train, batch_size=16, shuffle=True, collate_fn=collate_batch)
test_loader = DataLoader(test, batch_size=32, shuffle=False, collate_fn=collate_batch)

for epoch in range(10):
    model.train()
    total_acc, total_count = 0, 0
    for idx, (ids, label) in enumerate(train_loader):
        optimizer.zero_grad()
        predicted_label = model(ids)
        loss = F.cross_entropy(predicted_label, label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()
        total_acc += (predicted_label.argmax(1) == label).sum().item()
        total_count += label.size(0)
    print(f"| epoch {epoch:3d} | accuracy {total_acc / total_count:8.3f}")


def evaluate(dataloader):
    model.eval()
    total_acc, total_count = 0, 0
    with torch.no_grad():
        for ids, label in dataloader:
            predicted_label = model(ids)
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
    return total_acc / total_count


accuracy = evaluate(test_loader)
print(f"test accuracy {accuracy:.3f}")
assert accuracy > 0.9, accuracy
assert model.embedding.weight.grad[0].abs().sum().item() == 0.0  # padding row gets no gradient
ids, _ = collate_batch([(["great", "movie"], 1)])
probs = F.softmax(model(ids), dim=1)
assert probs.shape == (1, 2) and abs(probs.sum().item() - 1.0) < 1e-6
assert probs.argmax(1).item() == 1


def collate_offsets(batch):
    label_list, text_list, offsets = [], [], [0]
    for words, label in batch:
        label_list.append(label)
        processed_text = torch.tensor([vocab[w] for w in words], dtype=torch.int64)
        text_list.append(processed_text)
        offsets.append(processed_text.size(0))
    label_list = torch.tensor(label_list, dtype=torch.int64)
    offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
    text_list = torch.cat(text_list)
    return label_list, text_list, offsets


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        embedded = self.embedding(text, offsets)
        return self.fc(embedded)


labels, text, offsets = collate_offsets(train[:3])
assert offsets[0].item() == 0 and text.numel() == sum(len(w) for w, _ in train[:3])
model = TextClassificationModel(len(vocab), 16, 2)
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=5)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
loader = DataLoader(train, batch_size=16, shuffle=True, collate_fn=collate_offsets)
for epoch in range(3):
    model.train()
    for label, text, offsets in loader:
        optimizer.zero_grad()
        predicted_label = model(text, offsets)
        loss = criterion(predicted_label, label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
    scheduler.step()
model.eval()
total_acc = 0
with torch.no_grad():
    for label, text, offsets in DataLoader(test, batch_size=32, collate_fn=collate_offsets):
        total_acc += (model(text, offsets).argmax(1) == label).sum().item()
print(f"EmbeddingBag test accuracy {total_acc / len(test):.3f}")
assert total_acc / len(test) > 0.9
print("ok")
