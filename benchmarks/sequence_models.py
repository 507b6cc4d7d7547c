"""Sequence-model training steps against PyTorch eager, each framework in its own process.

- lstm-lm: the word-language-model example's step: Embedding(10000, 200), a 2-layer
  LSTM(200, 200), Linear(200, 10000), sequence 35, batch 20; cross-entropy, backward,
  clip_grad_norm_(0.25), SGD.
- gpt: the GPT of Karpathy's lecture at a small size: vocabulary 65, n_embd 64, 4 heads
  written by hand (tril mask, masked_fill, softmax), 2 blocks, block 32, batch 16, Adam.
- gpt-sdpa: the same with nanoGPT's attention (one qkv Linear, F.scaled_dot_product_attention
  with is_causal=True).

The model code below is written once against the ``torch`` API and run by both processes
(``import tinygrad_scores as torch`` in ours). The parent sends each worker "run k" in
interleaved rounds and reads back its seconds, so only one process computes at a time.

    python -m benchmarks.sequence_models [--threads 1|2] [--rounds 7]
        [--torch-python /work/torchvenv/bin/python] [--only lstm-lm]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

MODELS = ("lstm-lm", "gpt", "gpt-sdpa")


def build(torch, name):
    """(model, one training step) for ``name``, on fixed random data."""
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(0)
    if name == "lstm-lm":
        vocab, seq, batch = 10000, 35, 20

        class LM(nn.Module):
            def __init__(self):
                super().__init__()
                self.encoder = nn.Embedding(vocab, 200)
                self.rnn = nn.LSTM(200, 200, 2)
                self.decoder = nn.Linear(200, vocab)

            def forward(self, x, hidden):
                out, hidden = self.rnn(self.encoder(x), hidden)
                return self.decoder(out).view(-1, vocab), hidden

        model = LM()
        opt = torch.optim.SGD(model.parameters(), lr=20)
        x = torch.randint(0, vocab, (seq, batch))
        y = torch.randint(0, vocab, (seq * batch,))
        hidden = (torch.zeros(2, batch, 200), torch.zeros(2, batch, 200))

        def step():
            model.zero_grad()
            out, _ = model(x, hidden)
            loss = F.cross_entropy(out, y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 0.25)
            opt.step()

        return step
    vocab, n_embd, n_head, n_layer, block, batch = 65, 64, 4, 2, 32, 16
    head_size = n_embd // n_head

    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.key = nn.Linear(n_embd, head_size, bias=False)
            self.query = nn.Linear(n_embd, head_size, bias=False)
            self.value = nn.Linear(n_embd, head_size, bias=False)
            self.register_buffer("tril", torch.tril(torch.ones(block, block)))

        def forward(self, x):
            _, t, c = x.shape
            k, q = self.key(x), self.query(x)
            wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
            wei = wei.masked_fill(self.tril[:t, :t] == 0, float("-inf"))
            return F.softmax(wei, dim=-1) @ self.value(x)

    class HandHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleList([Head() for _ in range(n_head)])
            self.proj = nn.Linear(n_embd, n_embd)

        def forward(self, x):
            return self.proj(torch.cat([h(x) for h in self.heads], dim=-1))

    class SdpaHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(n_embd, 3 * n_embd)
            self.c_proj = nn.Linear(n_embd, n_embd)

        def forward(self, x):
            b, t, c = x.shape
            q, k, v = self.c_attn(x).split(n_embd, dim=2)
            q, k, v = (z.view(b, t, n_head, head_size).transpose(1, 2) for z in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.sa = HandHeads() if name == "gpt" else SdpaHeads()
            self.ffwd = nn.Sequential(
                nn.Linear(n_embd, 4 * n_embd), nn.ReLU(), nn.Linear(4 * n_embd, n_embd)
            )
            self.ln1, self.ln2 = nn.LayerNorm(n_embd), nn.LayerNorm(n_embd)

        def forward(self, x):
            x = x + self.sa(self.ln1(x))
            return x + self.ffwd(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, n_embd)
            self.pos = nn.Embedding(block, n_embd)
            self.blocks = nn.Sequential(*[Block() for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.head = nn.Linear(n_embd, vocab)

        def forward(self, idx, targets):
            b, t = idx.shape
            x = self.tok(idx) + self.pos(torch.arange(t))
            logits = self.head(self.ln_f(self.blocks(x)))
            return F.cross_entropy(logits.view(b * t, vocab), targets.view(b * t))

    model = GPT()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randint(0, vocab, (batch, block))
    y = torch.randint(0, vocab, (batch, block))

    def step():
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step


def worker(framework, name, threads):
    if framework == "torch":
        import torch

        torch.set_num_threads(threads)
    else:
        import tinygrad_scores as torch

        torch.set_num_threads(threads)
    step = build(torch, name)
    for _ in range(3):
        step()  # compile, allocate, warm the caches
    if framework == "ours":
        from tinygrad_scores import kernels

        kernels.wait_for_builds()
    print("ready", flush=True)
    for line in sys.stdin:
        k = int(line.split()[1])
        step()  # untimed: wake this process's threads
        t0 = time.perf_counter()
        for _ in range(k):
            step()
        print((time.perf_counter() - t0) / k, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=5, help="steps per timed block")
    parser.add_argument("--torch-python", default="/work/torchvenv/bin/python")
    parser.add_argument("--only", choices=MODELS)
    parser.add_argument("--worker", nargs=2, metavar=("FRAMEWORK", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker[0], args.worker[1], args.threads)
    here = os.path.abspath(__file__)
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), NUMBA_NUM_THREADS=str(args.threads))
    env["TINYGRAD_SCORES_QUIET"] = "1"
    print("| model | threads | PyTorch eager ms | ours ms | ours / PyTorch |")
    print("| --- | --- | --- | --- | --- |")
    for name in [args.only] if args.only else MODELS:
        pythons = {"torch": args.torch_python, "ours": sys.executable}
        procs = {
            fw: subprocess.Popen(
                [py, here, "--threads", str(args.threads), "--worker", fw, name],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            for fw, py in pythons.items()
        }
        for p in procs.values():
            assert p.stdout.readline().strip() == "ready"
        times = {fw: [] for fw in procs}
        for _ in range(args.rounds):
            for fw, p in procs.items():
                p.stdin.write(f"run {args.steps}\n")
                p.stdin.flush()
                times[fw].append(float(p.stdout.readline()))
        for p in procs.values():
            p.stdin.close()
            p.wait()
        t, o = (statistics.median(times[fw]) * 1e3 for fw in ("torch", "ours"))
        spread = max(times["ours"]) / min(times["ours"])
        row = f"| {name} | {args.threads} | {t:.2f} | {o:.2f} | {o / t:.2f} |"
        print(f"{row}  (ours max/min {spread:.2f})")
    return None


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
