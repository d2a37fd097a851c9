"""The sequence-model benchmark: ``python -m bench seq [--quick] [--json PATH] [--plot DIR]``.

Four cases (bench/seq_models.py), each candidate in its own fresh process per round (``bench
compare``'s children), against PyTorch (same thread count) and a hand-written NumPy reference
(bench/seq_reference.py):

* ``lstm``: a character-level LSTM language model training step: embedding 64, 2-layer LSTM
  hidden 256, sequence 64, batch 32, cross-entropy, Adam;
* ``gpt``: a GPT training step: nanoGPT's model at 4 layers, 4 heads, 128 embedding, block 64,
  batch 16, AdamW, weight tying (no NumPy reference: its backward by hand would be a second model);
* ``sdpa`` and ``sdpa_long``: scaled_dot_product_attention alone (causal, batch 4 x 4 heads,
  head size 32, float32) at sequence 256 and 1024, forward + backward.

Then, in this process, the peak memory one attention forward + backward allocates (tracemalloc,
which sees NumPy's buffers), ours and the reference's, against the size of the full score matrix.

--quick shrinks every case (sequence 16, batch 4, hidden 64; attention at 128 and 256).
"""
import tracemalloc

import pyautograd

from . import compare, seq_models, seq_reference


def peak_bytes(fn):
    """The peak of traced allocations (NumPy buffers included) during fn()."""
    fn()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(args):
    status = compare.run(args, "seq", "Sequence models")
    if args.only and "sdpa" not in args.only:
        return status
    print()
    print("Peak traced allocation of one SDPA forward + backward (float32) vs the full score matrix:")
    print()
    print("| L | score matrix MiB | pyautograd peak MiB | NumPy reference peak MiB |")
    print("|---|---|---|---|")
    for L in seq_models.sdpa_lengths(args.quick):
        scores = 4 * 4 * L * L * 4
        ours, ref = peak_bytes(seq_models.sdpa_step(pyautograd, L)), peak_bytes(seq_reference.sdpa_call(L))
        print(f"| {L} | {scores / 2**20:.1f} | {ours / 2**20:.1f} | {ref / 2**20:.1f} |")
    return status
