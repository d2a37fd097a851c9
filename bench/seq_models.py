"""The models of ``python -m bench seq``, written once against a torch-like module (pyautograd or
PyTorch): a character-level LSTM language model and nanoGPT's GPT (pre-norm blocks, causal
scaled_dot_product_attention, GELU MLP, weight tying), plus the seeded weights both libraries
start from."""
import math

import numpy as np


def char_lstm(lib, vocab, embed, hidden, layers):
    """Embedding -> LSTM (layers, hidden) -> Linear to the vocabulary."""
    nn = lib.nn

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(vocab, embed)
            self.lstm = nn.LSTM(embed, hidden, layers, batch_first=True)
            self.head = nn.Linear(hidden, vocab)

        def forward(self, idx):
            out, _ = self.lstm(self.emb(idx))
            return self.head(out)
    return CharLSTM()


def gpt(lib, vocab, block, n_layer, n_head, n_embd):
    """nanoGPT's model (no dropout, no biases in LayerNorm kept simple: bias=True), lm_head tied
    to the token embedding."""
    nn, F = lib.nn, lib.nn.functional

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(n_embd, 3 * n_embd)
            self.c_proj = nn.Linear(n_embd, n_embd)

        def forward(self, x):
            B, T, C = x.shape
            q, k, v = self.c_attn(x).split(n_embd, dim=2)
            q, k, v = (t.view(B, T, n_head, C // n_head).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(n_embd)
            self.attn = Attention()
            self.ln_2 = nn.LayerNorm(n_embd)
            self.c_fc = nn.Linear(n_embd, 4 * n_embd)
            self.c_proj = nn.Linear(4 * n_embd, n_embd)

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(vocab, n_embd)
            self.wpe = nn.Embedding(block, n_embd)
            self.blocks = nn.ModuleList([Block() for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.lm_head = nn.Linear(n_embd, vocab, bias=False)
            self.lm_head.weight = self.wte.weight  # weight tying

        def forward(self, idx):
            T = idx.shape[1]
            x = self.wte(idx) + self.wpe(lib.arange(T))
            for b in self.blocks:
                x = b(x)
            return self.lm_head(self.ln_f(x))
    return GPT()


def seeded_state(model, seed=0):
    """{name: float32 array} drawn once (normal * 0.02, biases 0, norms 1), so both libraries start
    from the same weights."""
    return seeded_arrays(((name, tuple(p.shape)) for name, p in model.state_dict().items()), seed)


def seeded_arrays(shapes, seed=0):
    """seeded_state from (name, shape) pairs in state_dict order (for a process without a library)."""
    rng = np.random.default_rng(seed)
    state = {}
    for name, shape in shapes:
        if name.endswith("bias"):
            state[name] = np.zeros(shape, np.float32)
        elif "ln" in name or "norm" in name:
            state[name] = np.ones(shape, np.float32)
        else:
            scale = 0.02 if len(shape) > 1 and "lstm" not in name else 1 / math.sqrt(shape[-1])
            state[name] = (rng.standard_normal(shape) * scale).astype(np.float32)
    return state


def load(lib, model, state):
    model.load_state_dict({k: lib.tensor(v) for k, v in state.items()})
    return model


# -- the workloads: sizes (full, --quick) and one step, for any library or the NumPy reference --

def lstm_sizes(quick):
    return dict(vocab=65, embed=64, hidden=64 if quick else 256, layers=2, seq=16 if quick else 64,
                batch=4 if quick else 32)


def gpt_sizes(quick):
    return dict(vocab=65, block=16 if quick else 64, n_layer=2 if quick else 4, n_head=4, n_embd=64 if quick else 128,
                batch=4 if quick else 16)


def sdpa_lengths(quick):
    return (128, 256) if quick else (256, 1024)


def tokens(s, seed):
    """(input, target) token ids, (batch, sequence length) each, for sizes `s`."""
    rng = np.random.default_rng(seed)
    shape = (s["batch"], s["seq"] if "seq" in s else s["block"])
    return rng.integers(0, s["vocab"], shape), rng.integers(0, s["vocab"], shape)


def train_step(lib, model, opt, idx, target, vocab):
    """One step: cross-entropy over every position, backward, the optimizer's step."""
    x, y = lib.tensor(idx), lib.tensor(target)

    def step():
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(x).reshape(-1, vocab), y.reshape(-1))
        loss.backward()
        opt.step()
        return loss
    return step


def lstm_state(s):
    """char_lstm's seeded weights, from its sizes alone (state_dict's names and order)."""
    shapes = [("emb.weight", (s["vocab"], s["embed"]))]
    for k in range(s["layers"]):
        inp = s["embed"] if k == 0 else s["hidden"]
        shapes += [(f"lstm.weight_ih_l{k}", (4 * s["hidden"], inp)), (f"lstm.weight_hh_l{k}", (4 * s["hidden"], s["hidden"])),
                   (f"lstm.bias_ih_l{k}", (4 * s["hidden"],)), (f"lstm.bias_hh_l{k}", (4 * s["hidden"],))]
    shapes += [("head.weight", (s["vocab"], s["hidden"])), ("head.bias", (s["vocab"],))]
    return seeded_arrays(shapes)


def lstm_step(lib, quick):
    """One char-LSTM language-model training step (Adam) in lib."""
    s = lstm_sizes(quick)
    idx, target = tokens(s, 0)
    model = load(lib, char_lstm(lib, s["vocab"], s["embed"], s["hidden"], s["layers"]), lstm_state(s))
    return train_step(lib, model, lib.optim.Adam(model.parameters(), lr=1e-3), idx, target, s["vocab"])


def gpt_step(lib, quick):
    """One GPT training step (AdamW, weight decay 0.1) in lib."""
    s = gpt_sizes(quick)
    idx, target = tokens(s, 1)
    model = gpt(lib, s["vocab"], s["block"], s["n_layer"], s["n_head"], s["n_embd"])
    load(lib, model, seeded_state(model))
    opt = lib.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
    return train_step(lib, model, opt, idx, target, s["vocab"])


def sdpa_arrays(L):
    """q, k, v and the output gradient: (4, 4, L, 32) float32."""
    rng = np.random.default_rng(2)
    return [rng.standard_normal((4, 4, L, 32)).astype(np.float32) for _ in range(4)]


def sdpa_step(lib, L):
    """Causal scaled_dot_product_attention forward and backward in lib."""
    q, k, v, g = sdpa_arrays(L)
    tq, tk, tv = (lib.tensor(a, requires_grad=True) for a in (q, k, v))
    tg = lib.tensor(g)

    def step():
        lib.nn.functional.scaled_dot_product_attention(tq, tk, tv, is_causal=True).backward(tg)
    return step
