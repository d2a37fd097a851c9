"""How much of the PyTorch API that real code uses pyautograd has.

Reads api-usage.json (the ranked names of ../shared/API-USAGE.md: per category, each name
with the number of corpus files that use it) and prints, per category, the share of names
present weighted by those file counts, then the missing names, heaviest first, each with
the reason it is missing where one is known (another issue owns it, or no CPU engine can
honour it).

Presence is API-USAGE.md's test: the same dotted path exists on pyautograd, reached by
getattr or by importing a submodule -- ``pyautograd.X`` (torch), ``pyautograd.nn.functional.X``
(F), ``pyautograd.nn.X`` (nn), ``pyautograd.optim.X``, ``pyautograd.optim.lr_scheduler.X``,
``pyautograd.utils.data.X``, and ``hasattr(pyautograd.Tensor, X)`` (Tensor). It says nothing
of signatures or behaviour: the op database and the tests do.

Usage::

    python -m tools.api_coverage [PATH_TO_api-usage.json] [--missing N] [--category NAME]

PATH defaults to ../shared/api-usage.json relative to the repository root (or to the file the
PYAUTOGRAD_API_USAGE environment variable names).
"""
import argparse
import importlib
import json
import os
import pathlib
import re
import sys
import warnings

ROOT = pathlib.Path(__file__).resolve().parents[1]
# ../shared/api-usage.json beside the checkout, or the file PYAUTOGRAD_API_USAGE names.
DEFAULT_JSON = pathlib.Path(os.environ.get("PYAUTOGRAD_API_USAGE") or ROOT.parent / "shared" / "api-usage.json")

# category -> the pyautograd module a name is looked up on (Tensor: the class).
ROOTS = {"Tensor": None, "torch": "pyautograd", "F": "pyautograd.nn.functional", "nn": "pyautograd.nn",
         "optim": "pyautograd.optim", "lr_scheduler": "pyautograd.optim.lr_scheduler",
         "data": "pyautograd.utils.data"}

# Why a name is missing, by the first matching prefix of "category:name" (other issues own
# these areas, or a CPU-only engine has nothing honest to put behind the name).
REASONS = (
    ("torch:distributed.", "distributed training (issue 16's area; it built DDP on MPI, not RPC, FSDP, "
                           "DTensor or distributed checkpoints)"),
    ("nn:parallel.", "distributed training (its own issue)"),
    ("nn:SyncBatchNorm", "distributed training (its own issue)"),
    ("data:DistributedSampler", "data loading (its own issue)"),
    ("data:distributed.", "data loading (its own issue)"),
    ("torch:fx.", "graph capture (torch.fx): a later compiler step"),
    ("torch:onnx", "interop (its own issue)"),
    ("torch:utils.tensorboard", "interop (its own issue)"),
    ("torch:utils.checkpoint", "training tools (its own issue)"),
    ("Tensor:values", "sparse-tensor accessor in PyTorch; the corpus reads the .values of max/topk/sort results, "
                      "which pyautograd returns"),
    ("Tensor:indices", "sparse-tensor accessor in PyTorch; the corpus reads the .indices of max/topk/sort results, "
                       "which pyautograd returns"),
    ("Tensor:index", "corpus hits are list/str .index"),
    ("Tensor:sparse_mask", "sparse tensors: not supported"), ("Tensor:to_sparse", "sparse tensors: not supported"),
    ("Tensor:coalesce", "sparse tensors: not supported"),
    ("torch:xpu.", "other accelerators: none here"),
    ("torch:float8", "float8 dtypes: not supported"), ("torch:qint8", "quantization: not supported"),
    ("torch:quantization.", "quantization: not supported"), ("torch:backends.quantized", "quantization: not supported"),
    ("torch:nested.", "nested tensors: not supported"), ("torch:jagged", "nested tensors: not supported"),
    ("torch:ByteStorage", "storages: tensors are NumPy arrays"), ("torch:storage.", "storages: tensors are NumPy arrays"),
    ("torch:autograd.forward_ad", "dual tensors: not provided (the engine is reverse mode; func.jvp/jacfwd "
                                  "compute forward-mode derivatives by the double-vjp trick)"),
    ("torch:jit.", "TorchScript programs (load/trace/annotations): not supported"),
    ("torch:futures.", "async RPC futures (issue 16's area; RPC is not built)"),
    ("torch:utils.mobile_optimizer", "mobile export: not planned"), ("torch:classes.", "C++ extensions: not supported"),
    ("torch:cuda.", "needs a CUDA device"), ("torch:mps.", "needs an MPS device"),
    ("torch:backends.cuda.sdp", "sequence models and attention (their own issue)"),
    ("torch:serialization.", "pickle-based checkpoint loading: pyautograd's format has no pickle"),
    ("nn:init.dirac_", "convolution / pooling / resampling layers (their own issue)"),
    ("nn:EmbeddingBag", "sequence models and attention (their own issue)"),
    ("optim:", "optimizers (training issue)"),
    ("lr_scheduler:", "schedulers (training issue)"),
    ("data:", "data loading (training issue)"),
)
_CONV = ("Conv", "conv", "Pool", "pool", "Upsample", "interpolate", "PixelShuffle", "Pad", "grid_sample",
         "unfold", "Fold", "InstanceNorm", "GroupNorm", "group_norm", "BatchNorm3d", "Dropout2d", "Dropout3d",
         "LazyConv", "LazyBatchNorm")
_SEQ = ("RNN", "LSTM", "GRU", "rnn", "Transformer", "MultiheadAttention", "attention", "scaled_dot_product",
        "multi_head_attention", "RMSNorm", "rms_norm")


def reason(category, name):
    """Why `name` is missing, or "" when no reason is recorded (then it is this issue's to add)."""
    key = f"{category}:{name}"
    for prefix, why in REASONS:
        if key.startswith(prefix):
            return why
    if category in ("nn", "F"):
        if any(part in name for part in _CONV):
            return "convolution / pooling / resampling layers (their own issue)"
        if any(part in name for part in _SEQ):
            return "sequence models and attention (their own issue)"
    return ""


def present(category, name):
    """Whether `name` exists at the same dotted path on pyautograd (API-USAGE.md's presence test)."""
    if category == "Tensor":
        from pyautograd import Tensor
        return hasattr(Tensor, name)
    obj = importlib.import_module(ROOTS[category])
    path = ROOTS[category]
    for part in name.split("."):
        path = f"{path}.{part}"
        with warnings.catch_warnings():  # deprecated aliases (has_mps) warn when read
            warnings.simplefilter("ignore")
            found = hasattr(obj, part)
            obj = getattr(obj, part) if found else obj
        if found:
            continue
        try:
            obj = importlib.import_module(path)
        except ImportError:
            return False
    return True


def other_issue(category, name):
    """Whether another issue owns `name` (its recorded reason names an issue)."""
    return re.search(r"\bissue\b", reason(category, name)) is not None


def coverage(usage):
    """{category: (weighted share, have count, total count, [missing entries, heaviest first],
    weighted share over the names no other issue owns)}."""
    out = {}
    for category, entries in usage.items():
        total = sum(e["files"] for e in entries)
        missing = [e for e in entries if not present(category, e["name"])]
        lost = sum(e["files"] for e in missing)
        share = (total - lost) / total if total else 1.0
        owned = sum(e["files"] for e in entries if other_issue(category, e["name"]))
        lost_here = sum(e["files"] for e in missing if not other_issue(category, e["name"]))
        here = (total - owned - lost_here) / (total - owned) if total > owned else 1.0
        missing.sort(key=lambda e: (-e["files"], -e["occurrences"], e["name"]))
        out[category] = (share, len(entries) - len(missing), len(entries), missing, here)
    return out


def load(path):
    """The parsed api-usage.json at `path`."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def report(cov, missing_limit=None, only=None):
    """The printed report, as lines."""
    lines = ["category       file-weighted   names      without names other issues own"]
    for category, (share, have, count, _, here) in cov.items():
        lines.append(f"{category:<14} {share:6.1%}          {have:>3}/{count:<3}    {here:6.1%}")
    for category, (_, _, _, missing, _) in cov.items():
        if only and category != only or not missing:
            continue
        shown = missing if missing_limit is None else missing[:missing_limit]
        lines.append(f"\nmissing in {category} ({len(missing)}), by files using them:")
        for e in shown:
            why = reason(category, e["name"])
            lines.append(f"  {e['files']:4d}  {e['name']}" + (f"    -- {why}" if why else ""))
        if len(shown) < len(missing):
            lines.append(f"  ... {len(missing) - len(shown)} more (--missing 0 lists all)")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.api_coverage", description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_JSON), help="api-usage.json")
    parser.add_argument("--missing", type=int, default=25, help="missing names listed per category (0: all)")
    parser.add_argument("--category", help="list the missing names of this category only")
    args = parser.parse_args(argv)
    if not pathlib.Path(args.path).exists():
        print(f"api_coverage: {args.path} not found (pass the path to api-usage.json)", file=sys.stderr)
        return 2
    cov = coverage(load(args.path))
    print("\n".join(report(cov, args.missing or None, args.category)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
