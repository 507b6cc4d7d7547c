"""nanoGPT's train.py and sample.py as run on a laptop without a GPU (its training loop kept,
its model swapped for a one-block transformer): config globals collected by type, dtype picked
by torch.cuda.is_bf16_supported(), torch.backends.cuda.matmul.allow_tf32, a ptdtype dict naming
torch.bfloat16, nullcontext() instead of autocast on the CPU, torch.cuda.amp.GradScaler(enabled=
(dtype == 'float16')) (it warns and disables itself), np.memmap uint16 data with get_batch,
meta.pkl, inspect.signature(torch.optim.AdamW) for `fused`, gradient accumulation, the cosine
schedule with warmup written into param_groups, scaler.unscale_ + clip_grad_norm_, a checkpoint
dict (model, optimizer, model_args, iter_num, best_val_loss tensor, config) resumed with
map_location and the '_orig_mod.' prefix strip, and sample.py's generation."""

import inspect
import math
import os
import pickle
import shutil
import tempfile
import warnings
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
from torch.nn import functional as F

# -----------------------------------------------------------------------------
# default config values
out_dir = tempfile.mkdtemp()
eval_interval = 50
log_interval = 25
eval_iters = 10
always_save_checkpoint = False
init_from = "scratch"  # 'scratch' or 'resume'
dataset = "synthetic_char"
gradient_accumulation_steps = 2
batch_size = 16
block_size = 16
n_embd = 32
n_head = 2
dropout = 0.0
bias = False
learning_rate = 3e-3
max_iters = 150
weight_decay = 1e-1
beta1 = 0.9
beta2 = 0.99
grad_clip = 1.0
decay_lr = True
warmup_iters = 20
lr_decay_iters = 150
min_lr = 3e-4
device = "cpu"
dtype = "bfloat16" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "float16"
compile = False  # noqa: A001  (nanoGPT's name)
# -----------------------------------------------------------------------------
config_keys = [
    k
    for k, v in globals().items()
    if not k.startswith("_") and isinstance(v, (int, float, bool, str))
]
config = {k: globals()[k] for k in config_keys}
assert dtype == "float16" and config["block_size"] == 16
# -----------------------------------------------------------------------------

# the data, as prepare.py writes it: uint16 token ids in train.bin / val.bin, and meta.pkl
text = "".join(f"{a} plus {b} is {a + b}.\n" for a in range(10) for b in range(10)) * 4
chars = sorted(list(set(text)))
stoi = {ch: i for i, ch in enumerate(chars)}
itos = {i: ch for i, ch in enumerate(chars)}
data_dir = os.path.join(out_dir, dataset)
os.makedirs(data_dir, exist_ok=True)
ids = np.array([stoi[c] for c in text], dtype=np.uint16)
n = len(ids)
ids[: int(n * 0.9)].tofile(os.path.join(data_dir, "train.bin"))
ids[int(n * 0.9) :].tofile(os.path.join(data_dir, "val.bin"))
with open(os.path.join(data_dir, "meta.pkl"), "wb") as f:
    pickle.dump({"vocab_size": len(chars), "itos": itos, "stoi": stoi}, f)

tokens_per_iter = gradient_accumulation_steps * batch_size * block_size
print(f"tokens per iteration will be: {tokens_per_iter:,}")
os.makedirs(out_dir, exist_ok=True)
torch.manual_seed(1337)
torch.backends.cuda.matmul.allow_tf32 = True
torch.backends.cudnn.allow_tf32 = True
device_type = "cuda" if "cuda" in device else "cpu"
ptdtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]
ctx = (
    nullcontext()
    if device_type == "cpu"
    else torch.amp.autocast(device_type=device_type, dtype=ptdtype)
)


def get_batch(split):
    if split == "train":
        data = np.memmap(os.path.join(data_dir, "train.bin"), dtype=np.uint16, mode="r")
    else:
        data = np.memmap(os.path.join(data_dir, "val.bin"), dtype=np.uint16, mode="r")
    ix = torch.randint(len(data) - block_size, (batch_size,))
    x = torch.stack([torch.from_numpy((data[i : i + block_size]).astype(np.int64)) for i in ix])
    y = torch.stack(
        [torch.from_numpy((data[i + 1 : i + 1 + block_size]).astype(np.int64)) for i in ix]
    )
    if device_type == "cuda":
        x, y = (
            x.pin_memory().to(device, non_blocking=True),
            y.pin_memory().to(device, non_blocking=True),
        )
    else:
        x, y = x.to(device), y.to(device)
    return x, y


@dataclass
class GPTConfig:
    block_size: int = 16
    vocab_size: int = 64
    n_embd: int = 32
    n_head: int = 2
    dropout: float = 0.0
    bias: bool = False


class TinyGPT(nn.Module):
    """One pre-norm block around nn.MultiheadAttention with a causal mask; tied head."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.attn = nn.MultiheadAttention(
            config.n_embd, config.n_head, dropout=config.dropout, bias=config.bias, batch_first=True
        )
        self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = nn.Sequential(
            nn.Linear(config.n_embd, 4 * config.n_embd),
            nn.GELU(),
            nn.Linear(4 * config.n_embd, config.n_embd),
        )
        self.ln_f = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.wte.weight = self.lm_head.weight
        mask = torch.triu(
            torch.ones(config.block_size, config.block_size, dtype=torch.bool), diagonal=1
        )
        self.register_buffer("mask", mask, persistent=False)

    def get_num_params(self, non_embedding=True):
        n_params = sum(p.numel() for p in self.parameters())
        return n_params - self.wpe.weight.numel() if non_embedding else n_params

    def forward(self, idx, targets=None):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device)
        x = self.wte(idx) + self.wpe(pos)
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, attn_mask=self.mask[:t, :t], need_weights=False)[0]
        x = x + self.mlp(self.ln_2(x))
        x = self.ln_f(x)
        if targets is not None:
            logits = self.lm_head(x)
            loss = F.cross_entropy(
                logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1
            )
        else:
            logits = self.lm_head(x[:, [-1], :])
            loss = None
        return logits, loss

    def configure_optimizers(self, weight_decay, learning_rate, betas, device_type):
        param_dict = {pn: p for pn, p in self.named_parameters()}
        param_dict = {pn: p for pn, p in param_dict.items() if p.requires_grad}
        decay_params = [p for n, p in param_dict.items() if p.dim() >= 2]
        nodecay_params = [p for n, p in param_dict.items() if p.dim() < 2]
        optim_groups = [
            {"params": decay_params, "weight_decay": weight_decay},
            {"params": nodecay_params, "weight_decay": 0.0},
        ]
        num_decay_params = sum(p.numel() for p in decay_params)
        num_nodecay_params = sum(p.numel() for p in nodecay_params)
        print(
            f"num decayed parameter tensors: {len(decay_params)}, with {num_decay_params:,} parameters"
        )
        print(
            f"num non-decayed parameter tensors: {len(nodecay_params)}, with {num_nodecay_params:,} parameters"
        )
        fused_available = "fused" in inspect.signature(torch.optim.AdamW).parameters
        use_fused = fused_available and device_type == "cuda"
        extra_args = dict(fused=True) if use_fused else dict()
        optimizer = torch.optim.AdamW(optim_groups, lr=learning_rate, betas=betas, **extra_args)
        print(f"using fused AdamW: {use_fused}")
        return optimizer

    @torch.no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None):
        for _ in range(max_new_tokens):
            idx_cond = (
                idx if idx.size(1) <= self.config.block_size else idx[:, -self.config.block_size :]
            )
            logits, _ = self(idx_cond)
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float("Inf")
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1)
            idx = torch.cat((idx, idx_next), dim=1)
        return idx


def train(init_from, max_iters):
    iter_num = 0
    best_val_loss = 1e9
    meta_path = os.path.join(data_dir, "meta.pkl")
    with open(meta_path, "rb") as f:
        meta_vocab_size = pickle.load(f)["vocab_size"]
    model_args = dict(
        n_embd=n_embd,
        n_head=n_head,
        block_size=block_size,
        bias=bias,
        vocab_size=None,
        dropout=dropout,
    )
    if init_from == "scratch":
        model_args["vocab_size"] = meta_vocab_size
        model = TinyGPT(GPTConfig(**model_args))
    else:
        ckpt_path = os.path.join(out_dir, "ckpt.pt")
        checkpoint = torch.load(ckpt_path, map_location=device)
        checkpoint_model_args = checkpoint["model_args"]
        for k in ["n_embd", "n_head", "block_size", "bias", "vocab_size"]:
            model_args[k] = checkpoint_model_args[k]
        model = TinyGPT(GPTConfig(**model_args))
        state_dict = checkpoint["model"]
        unwanted_prefix = "_orig_mod."
        for k, v in list(state_dict.items()):
            if k.startswith(unwanted_prefix):
                state_dict[k[len(unwanted_prefix) :]] = state_dict.pop(k)
        model.load_state_dict(state_dict)
        iter_num = checkpoint["iter_num"]
        best_val_loss = checkpoint["best_val_loss"]
    model.to(device)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scaler = torch.cuda.amp.GradScaler(enabled=(dtype == "float16"))
    assert not scaler.is_enabled() and any(
        "CUDA is not available" in str(w.message) for w in caught
    )
    optimizer = model.configure_optimizers(weight_decay, learning_rate, (beta1, beta2), device_type)
    if init_from == "resume":
        optimizer.load_state_dict(checkpoint["optimizer"])
    checkpoint = None
    if compile:
        model = torch.compile(model)

    @torch.no_grad()
    def estimate_loss():
        out = {}
        model.eval()
        for split in ["train", "val"]:
            losses = torch.zeros(eval_iters)
            for k in range(eval_iters):
                X, Y = get_batch(split)
                with ctx:
                    logits, loss = model(X, Y)
                losses[k] = loss.item()
            out[split] = losses.mean()
        model.train()
        return out

    def get_lr(it):
        if it < warmup_iters:
            return learning_rate * (it + 1) / (warmup_iters + 1)
        if it > lr_decay_iters:
            return min_lr
        decay_ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
        assert 0 <= decay_ratio <= 1
        coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))
        return min_lr + coeff * (learning_rate - min_lr)

    X, Y = get_batch("train")
    raw_model = model
    first = None
    while True:
        lr = get_lr(iter_num) if decay_lr else learning_rate
        for param_group in optimizer.param_groups:
            param_group["lr"] = lr
        if iter_num % eval_interval == 0:
            losses = estimate_loss()
            print(
                f"step {iter_num}: train loss {losses['train']:.4f}, val loss {losses['val']:.4f}"
            )
            first = losses["val"] if first is None else first
            if losses["val"] < best_val_loss or always_save_checkpoint:
                best_val_loss = losses["val"]
                if iter_num > 0:
                    checkpoint = {
                        "model": raw_model.state_dict(),
                        "optimizer": optimizer.state_dict(),
                        "model_args": model_args,
                        "iter_num": iter_num,
                        "best_val_loss": best_val_loss,
                        "config": config,
                    }
                    print(f"saving checkpoint to {out_dir}")
                    torch.save(checkpoint, os.path.join(out_dir, "ckpt.pt"))
        for micro_step in range(gradient_accumulation_steps):
            with ctx:
                logits, loss = model(X, Y)
                loss = loss / gradient_accumulation_steps
            X, Y = get_batch("train")
            scaler.scale(loss).backward()
        if grad_clip != 0.0:
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
        if iter_num % log_interval == 0:
            lossf = loss.item() * gradient_accumulation_steps
            print(f"iter {iter_num}: loss {lossf:.4f}, lr {lr:.2e}")
        iter_num += 1
        if iter_num > max_iters:
            break
    return raw_model, first, best_val_loss, iter_num


model, first_val, best_val, iters = train("scratch", max_iters)
print(f"number of parameters: {model.get_num_params() / 1e6:.2f}M")
assert isinstance(best_val, torch.Tensor) and best_val.item() < 0.6 * first_val.item(), (
    first_val,
    best_val,
)
saved = torch.load(os.path.join(out_dir, "ckpt.pt"), map_location=device)
assert saved["iter_num"] > 0 and saved["config"]["batch_size"] == batch_size
assert torch.equal(saved["best_val_loss"], best_val) and "mask" not in saved["model"]
# resume for a few more iterations from the checkpoint
resumed, _, best_after, iters_after = train("resume", saved["iter_num"] + 10)
assert iters_after == saved["iter_num"] + 11 and best_after.item() <= best_val.item() + 0.5

# sample.py
resumed.eval()
start_ids = [stoi[c] for c in "3 plus 4 is "]
x = torch.tensor(start_ids, dtype=torch.long, device=device)[None, ...]
with torch.no_grad():
    with ctx:
        y = resumed.generate(x, 4, temperature=0.8, top_k=5)
completion = "".join(itos[i] for i in y[0].tolist())
print(completion)
print("---------------")
assert y.shape == (1, len(start_ids) + 4) and completion.startswith("3 plus 4 is ")
shutil.rmtree(out_dir)
print("ok")
