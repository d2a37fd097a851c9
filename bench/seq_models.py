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
    rng = np.random.default_rng(seed)
    state = {}
    for name, p in model.state_dict().items():
        shape = tuple(p.shape)
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
