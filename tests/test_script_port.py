"""A script written for PyTorch, in the style of the widely copied character-level GPT tutorials,
runs with only its import changed: CUDA probing, torch.backends flags, a causal mask from
tril, masked_fill, topk + multinomial sampling, torch.compile, a disabled GradScaler, autocast
on "cuda" (disabled), LazyLinear, legacy Variable, .cpu()/.item() reads. Run on both engines
when torch is installed, with the same seed-independent checks."""
import contextlib
import warnings

import pytest

import pyautograd


def run_script(torch):
    nn, F = torch.nn, torch.nn.functional
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cudnn.benchmark = False
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.manual_seed(1337)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(1337)
    text = "hello world, hello tensors. " * 20
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    block, embd, vocab = 8, 16, len(chars)

    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.key, self.query, self.value = (nn.Linear(embd, embd, bias=False) for _ in range(3))
            self.register_buffer("tril", torch.tril(torch.ones(block, block)))

        def forward(self, x):
            B, T, C = x.shape
            k, q = self.key(x), self.query(x)
            wei = q @ k.transpose(-2, -1) * C ** -0.5
            wei = wei.masked_fill(self.tril[:T, :T] == 0, float("-inf"))
            return F.softmax(wei, dim=-1) @ self.value(x)

    class Tiny(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, embd)
            self.pos = nn.Embedding(block, embd)
            self.head = Head()
            self.ln = nn.LayerNorm(embd)
            self.out = nn.LazyLinear(vocab)

        def forward(self, idx, targets=None):
            B, T = idx.shape
            x = self.tok(idx) + self.pos(torch.arange(T, device=device))
            logits = self.out(self.ln(x + self.head(x)))
            if targets is None:
                return logits, None
            return logits, F.cross_entropy(logits.view(B * T, vocab), targets.view(B * T))

        @torch.no_grad()
        def generate(self, idx, n, top_k=3):
            for _ in range(n):
                logits, _ = self(idx[:, -block:])
                logits = logits[:, -1, :]
                v, _ = torch.topk(logits, top_k)
                logits[logits < v[:, [-1]]] = -float("inf")
                nxt = torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)
                idx = torch.cat((idx, nxt), dim=1)
            return idx

    model = Tiny().to(device)
    model(torch.zeros((1, block), dtype=torch.long, device=device))  # materializes LazyLinear
    model = torch.compile(model, backend="eager")  # PyTorch: no C++ build in a test; here: always eager
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaler = torch.cuda.amp.GradScaler(enabled=(device == "cuda"))
        ctx = contextlib.nullcontext() if device == "cpu" else torch.autocast(device_type=device,
                                                                              dtype=torch.float16)
    losses = []
    for step in range(60):  # noqa: B007 (the script as its author wrote it)
        ix = torch.randint(len(data) - block, (8,))
        x = torch.stack([data[i:i + block] for i in ix]).to(device)
        y = torch.stack([data[i + 1:i + block + 1] for i in ix]).to(device)
        with ctx:
            _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        losses.append(loss.cpu().item())
    start = torch.autograd.Variable(torch.zeros((1, 1), dtype=torch.long))
    out = model.generate(start.to(device), 20)[0].tolist()
    return losses, "".join(chars[i] for i in out), device


@pytest.mark.parametrize("engine", ["pyautograd", "torch"])
def test_the_script_runs_and_learns(engine):
    lib = pyautograd if engine == "pyautograd" else pytest.importorskip("torch")
    losses, sample, device = run_script(lib)
    assert device == "cpu"
    assert losses[-1] < 0.6 * losses[0], (losses[0], losses[-1])
    assert len(sample) == 21 and set(sample) <= set("hello world, hello tensors. ")
