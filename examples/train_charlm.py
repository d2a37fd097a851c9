"""Train a small character-level language model (a GPT, or an LSTM) with pyautograd, then sample.

The text is examples/data/declaration.txt (the Declaration of Independence and the Gettysburg
Address, public domain, 9.6 KB; see examples/data/README.md), so nothing is downloaded.

The script is written as a PyTorch user would write it -- only the import differs, and
tests/test_examples.py runs it under PyTorch too (`import torch`):

* ``--model gpt`` (default): a nanoGPT-style decoder: token and position embeddings, pre-norm
  blocks of causal self-attention (F.scaled_dot_product_attention(is_causal=True)) and a GELU MLP,
  final LayerNorm, a head tied to the token embedding; AdamW.
* ``--model lstm``: Embedding -> 2-layer nn.LSTM -> Linear; Adam.

Output (in --out): checkpoint.pt (model, optimizer and vocabulary), loss_curve.png (train and
validation loss; needs matplotlib), and sampled text printed at the end. A tqdm progress bar
when tqdm is installed, else a line every eval interval.

Sampling draws each next character from softmax(logits / temperature) with a small NumPy helper
(`sample_next`), so it does not depend on torch.multinomial.

Usage::

    python examples/train_charlm.py                         # GPT, 1500 steps, out: ./runs/train_charlm
    python examples/train_charlm.py --model lstm
    python examples/train_charlm.py --quick --out /tmp/lm   # a few-second run for CI
"""
import argparse
import math
import os
import sys
from pathlib import Path

import numpy as np

import pyautograd as torch
import pyautograd.nn as nn
import pyautograd.nn.functional as F

TEXT = Path(__file__).resolve().parent / "data" / "declaration.txt"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", choices=("gpt", "lstm"), default="gpt")
    p.add_argument("--steps", type=int, default=1500, help="optimizer steps (default 1500)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--block", type=int, default=64, help="context length in characters (default 64)")
    p.add_argument("--embed", type=int, default=128, help="embedding width (default 128)")
    p.add_argument("--layers", type=int, default=4, help="GPT blocks / LSTM layers (default 4; LSTM uses 2)")
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--eval-every", type=int, default=100)
    p.add_argument("--sample-chars", type=int, default=300)
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=os.path.join("runs", "train_charlm"))
    p.add_argument("--quick", action="store_true", help="a short run for CI (small model, 80 steps)")
    args = p.parse_args(argv)
    if args.quick:
        args.steps, args.batch_size, args.block, args.embed, args.layers = 80, 16, 32, 48, 2
        args.eval_every, args.sample_chars = 40, 120
    return args


# -- data --------------------------------------------------------------------------------------------


def load_text():
    """(encoded text as an int64 array, vocabulary as a sorted list of characters)."""
    text = TEXT.read_text(encoding="utf-8")
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    return np.array([index[c] for c in text], dtype=np.int64), chars


def get_batch(data, block, batch, rng):
    """Random windows: inputs (batch, block) and the next characters as targets."""
    starts = rng.integers(0, len(data) - block - 1, size=batch)
    x = np.stack([data[s:s + block] for s in starts])
    y = np.stack([data[s + 1:s + block + 1] for s in starts])
    return torch.tensor(x), torch.tensor(y)


# -- models -------------------------------------------------------------------------------------------


class CausalSelfAttention(nn.Module):
    def __init__(self, embed, heads):
        super().__init__()
        self.heads = heads
        self.c_attn = nn.Linear(embed, 3 * embed)
        self.c_proj = nn.Linear(embed, embed)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))


class Block(nn.Module):
    def __init__(self, embed, heads):
        super().__init__()
        self.ln_1 = nn.LayerNorm(embed)
        self.attn = CausalSelfAttention(embed, heads)
        self.ln_2 = nn.LayerNorm(embed)
        self.mlp = nn.Sequential(nn.Linear(embed, 4 * embed), nn.GELU(), nn.Linear(4 * embed, embed))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """nanoGPT's decoder, small."""

    def __init__(self, vocab, block, embed, layers, heads):
        super().__init__()
        self.block = block
        self.wte = nn.Embedding(vocab, embed)
        self.wpe = nn.Embedding(block, embed)
        self.blocks = nn.ModuleList([Block(embed, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(embed)
        self.lm_head = nn.Linear(embed, vocab, bias=False)
        self.lm_head.weight = self.wte.weight  # weight tying
        for name, p in self.named_parameters():
            if p.dim() == 2 and name != "wpe.weight":
                nn.init.normal_(p, mean=0.0, std=0.02)

    def forward(self, idx):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))


class CharLSTM(nn.Module):
    def __init__(self, vocab, embed, hidden, layers):
        super().__init__()
        self.block = None  # any context length
        self.emb = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, idx):
        out, _ = self.lstm(self.emb(idx))
        return self.head(out)


def build(args, vocab):
    """(model, optimizer) for --model."""
    if args.model == "gpt":
        model = GPT(vocab, args.block, args.embed, args.layers, args.heads)
        return model, torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    model = CharLSTM(vocab, args.embed, 2 * args.embed, 2)
    return model, torch.optim.Adam(model.parameters(), lr=args.lr)


# -- training ------------------------------------------------------------------------------------------


def loss_on(model, x, y):
    logits = model(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def evaluate(model, data, args, rng, batches=4):
    model.eval()
    with torch.no_grad():
        losses = [loss_on(model, *get_batch(data, args.block, args.batch_size, rng)).item() for _ in range(batches)]
    model.train()
    return float(np.mean(losses))


def progress_bar(total):
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="step", dynamic_ncols=True)


def plot_losses(history, path, title):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no loss curve (pip install matplotlib)")
        return False
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(np.arange(1, len(history["train"]) + 1), history["train"], alpha=0.4, lw=0.8, label="train (per step)")
    ax.plot(history["eval_step"], history["val"], marker="o", ms=3, label="validation")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


# -- sampling ---------------------------------------------------------------------------------------------


def sample_next(probs, rng):
    """One index drawn from the probability vector `probs` (a NumPy array)."""
    probs = np.asarray(probs, dtype=np.float64)
    return int(rng.choice(len(probs), p=probs / probs.sum()))


def generate(model, chars, length, temperature, rng, start="\n"):
    """`length` characters sampled one at a time after `start`."""
    index = {c: i for i, c in enumerate(chars)}
    ids = [index[c] for c in start]
    model.eval()
    with torch.no_grad():
        for _ in range(length):
            context = ids[-model.block:] if model.block else ids
            logits = model(torch.tensor([context]))[0, -1] / temperature
            ids.append(sample_next(F.softmax(logits, dim=-1).numpy(), rng))
    model.train()
    return "".join(chars[i] for i in ids[len(start):])


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    data, chars = load_text()
    split = int(0.9 * len(data))
    train, val = data[:split], data[split:]
    model, optimizer = build(args, len(chars))
    n_params = sum(p.numel() for p in model.parameters())
    print(f"text: {len(data)} characters, vocabulary {len(chars)}; model {args.model}, {n_params} parameters")
    history = {"train": [], "val": [], "eval_step": []}
    first_val = evaluate(model, val, args, rng)
    bar = progress_bar(args.steps)
    for step in range(1, args.steps + 1):
        x, y = get_batch(train, args.block, args.batch_size, rng)
        loss = loss_on(model, x, y)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        history["train"].append(loss.item())
        if step % args.eval_every == 0 or step == args.steps:
            history["val"].append(evaluate(model, val, args, rng))
            history["eval_step"].append(step)
            if bar is None:
                print(f"step {step:5d}/{args.steps}: train {loss.item():.3f}, val {history['val'][-1]:.3f}")
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
    if bar is not None:
        bar.close()
    path = os.path.join(args.out, "checkpoint.pt")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "chars": "".join(chars),
                "args": {"model": args.model, "block": args.block, "embed": args.embed, "layers": args.layers,
                         "heads": args.heads}}, path)
    checkpoint = torch.load(path)
    fresh, _ = build(args, len(checkpoint["chars"]))
    fresh.load_state_dict(checkpoint["model"])
    x, y = get_batch(val, args.block, args.batch_size, np.random.default_rng(123))
    fresh.eval()
    model.eval()
    with torch.no_grad():
        same = loss_on(fresh, x, y).item() == loss_on(model, x, y).item()
    model.train()
    if not same:
        sys.exit("checkpoint check FAILED: the reloaded model gives another loss")
    print(f"checkpoint: {path} (reloaded: same loss)")
    if plot_losses(history, os.path.join(args.out, "loss_curve.png"), f"char-level {args.model}"):
        print(f"loss curve: {os.path.join(args.out, 'loss_curve.png')}")
    print("sample:")
    print(generate(model, chars, args.sample_chars, args.temperature, rng))
    final = history["val"][-1]
    print(f"validation loss: {first_val:.3f} -> {final:.3f} nats/char after {args.steps} steps "
          f"(uniform guess: {math.log(len(chars)):.3f})")
    if args.quick and not final < first_val - 0.5:
        sys.exit("--quick: the validation loss did not drop by 0.5 nats")


if __name__ == "__main__":
    main()
