"""The sequence-model benchmark: ``python -m bench seq [--quick] [--json PATH] [--plot DIR]``.

Three cases, each timed interleaved in one process (medians over rounds), against PyTorch (same
thread count) and a hand-written NumPy reference (bench/seq_reference.py):

* a character-level LSTM language model training step: embedding 64, 2-layer LSTM hidden 256,
  sequence 64, batch 32, cross-entropy, Adam;
* a GPT training step: nanoGPT's model at 4 layers, 4 heads, 128 embedding, block 64, batch 16,
  AdamW, weight tying (no NumPy reference: its backward by hand would be a second model);
* scaled_dot_product_attention alone (causal, batch 4 x 4 heads, head size 32, float32) at
  sequence 256 and 1024, forward + backward; plus the peak memory the forward + backward
  allocates (tracemalloc, which sees NumPy's buffers) against the size of the full score matrix.

--quick shrinks every case (sequence 16, batch 4, hidden 64; attention at 128 and 256).
"""
import sys
import time
import tracemalloc

import numpy as np

import pyautograd
import pyautograd.kernels as K

from . import _harness, machine, seq_models, seq_reference

OURS, TORCH, REF = "pyautograd", "PyTorch", "NumPy reference"


def _lstm_sizes(quick):
    return dict(vocab=65, embed=64, hidden=64 if quick else 256, layers=2, seq=16 if quick else 64,
                batch=4 if quick else 32)


def _gpt_sizes(quick):
    return dict(vocab=65, block=16 if quick else 64, n_layer=2 if quick else 4, n_head=4, n_embd=64 if quick else 128,
                batch=4 if quick else 16)


def _train_step(lib, model, opt, idx, target, vocab):
    x, y = lib.tensor(idx), lib.tensor(target)

    def step():
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(x).reshape(-1, vocab), y.reshape(-1))
        loss.backward()
        opt.step()
        return loss
    return step


def lstm_candidates(torch, quick):
    s = _lstm_sizes(quick)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, s["vocab"], (s["batch"], s["seq"]))
    target = rng.integers(0, s["vocab"], (s["batch"], s["seq"]))
    state = None
    cands = {}
    for name, lib in ((OURS, pyautograd), (TORCH, torch)):
        if lib is None:
            continue
        model = seq_models.char_lstm(lib, s["vocab"], s["embed"], s["hidden"], s["layers"])
        state = state or seq_models.seeded_state(model)
        seq_models.load(lib, model, state)
        opt = lib.optim.Adam(model.parameters(), lr=1e-3)
        cands[name] = _train_step(lib, model, opt, idx, target, s["vocab"])
    trainer = seq_reference.CharLSTMTrainer(state, s["layers"])
    cands[REF] = lambda: trainer.step(idx, target)
    return cands, s


def gpt_candidates(torch, quick):
    s = _gpt_sizes(quick)
    rng = np.random.default_rng(1)
    idx = rng.integers(0, s["vocab"], (s["batch"], s["block"]))
    target = rng.integers(0, s["vocab"], (s["batch"], s["block"]))
    state, cands = None, {}
    for name, lib in ((OURS, pyautograd), (TORCH, torch)):
        if lib is None:
            continue
        model = seq_models.gpt(lib, s["vocab"], s["block"], s["n_layer"], s["n_head"], s["n_embd"])
        state = state or seq_models.seeded_state(model)
        seq_models.load(lib, model, state)
        opt = lib.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
        cands[name] = _train_step(lib, model, opt, idx, target, s["vocab"])
    return cands, s


def _sdpa_arrays(L):
    rng = np.random.default_rng(2)
    return [rng.standard_normal((4, 4, L, 32)).astype(np.float32) for _ in range(4)]


def sdpa_candidates(torch, L):
    q, k, v, g = _sdpa_arrays(L)
    cands = {}
    for name, lib in ((OURS, pyautograd), (TORCH, torch)):
        if lib is None:
            continue
        tq, tk, tv = (lib.tensor(a, requires_grad=True) for a in (q, k, v))
        tg = lib.tensor(g)

        def step(lib=lib, tq=tq, tk=tk, tv=tv, tg=tg):
            out = lib.nn.functional.scaled_dot_product_attention(tq, tk, tv, is_causal=True)
            out.backward(tg)
        cands[name] = step
    cands[REF] = lambda: seq_reference.sdpa_step(q, k, v, g)
    return cands


def peak_bytes(fn):
    """The peak of traced allocations (NumPy buffers included) during fn()."""
    fn()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _table(rows):
    head = ["case", "size", f"{OURS} ms median (min)", f"{TORCH} ms", f"{REF} ms", f"{OURS} / {TORCH}",
            f"{OURS} / {REF}"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        t = row.timings

        def cell(n, t=t):
            return f"{t[n].median * 1e3:.2f} ({t[n].min * 1e3:.2f})" if n in t else "—"

        def ratio(n, t=t):
            return f"{t[OURS].median / t[n].median:.2f}x" if n in t and OURS in t else "—"
        lines.append("| " + " | ".join([row.case, row.size, cell(OURS), cell(TORCH), cell(REF), ratio(TORCH),
                                        ratio(REF)]) + " |")
    return "\n".join(lines)


def run(args):
    settings = _harness.settings_from(args, sample_seconds=0.3, repeats=5)
    torch = None if args.no_torch else machine.import_torch(K.get_num_threads())
    header = machine.print_header("Sequence models", args.quick, torch)
    print(_harness.clock_note(settings))
    print()
    rows, start = [], time.perf_counter()
    cases = [("char-LSTM LM step", lambda: lstm_candidates(torch, args.quick)),
             ("GPT step", lambda: gpt_candidates(torch, args.quick))]
    for case, make in cases:
        if args.only and args.only not in case:
            continue
        cands, s = make()
        size = ", ".join(f"{k} {v}" for k, v in s.items())
        rows.append(_harness.Row("sequence models", case, size, _harness.measure(cands, settings)))
    memory = []
    for L in ((128, 256) if args.quick else (256, 1024)):
        case = "SDPA fwd+bwd"
        if args.only and args.only not in case:
            continue
        cands = sdpa_candidates(torch, L)
        rows.append(_harness.Row("sequence models", case, f"(4, 4, {L}, 32) causal", _harness.measure(cands, settings)))
        scores = 4 * 4 * L * L * 4
        memory.append((L, scores, peak_bytes(cands[OURS]), peak_bytes(cands[REF])))
    print(f"measured in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print(_table(rows))
    print()
    print("Peak traced allocation of one SDPA forward + backward (float32) vs the full score matrix:")
    print()
    print("| L | score matrix MiB | pyautograd peak MiB | NumPy reference peak MiB |")
    print("|---|---|---|---|")
    for L, scores, ours, ref in memory:
        print(f"| {L} | {scores / 2**20:.1f} | {ours / 2**20:.1f} | {ref / 2**20:.1f} |")
    if args.json:
        _harness.write_json(args.json, header, settings, rows)
    return 0
