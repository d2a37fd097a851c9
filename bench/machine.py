"""The header of every benchmark report: what ran, on what, when.

CPU model, cores, load, NumPy and the BLAS it calls, Python, pyautograd (and
whether its C kernels loaded), PyTorch when present, the thread counts each
library was given, and the date. Timings mean little without it.
"""
import datetime
import os
import platform
import sys

import numpy as np

import pyautograd
import pyautograd.kernels as K


def cpu_model():
    """The CPU's model name (from /proc/cpuinfo on Linux), or platform's best guess."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags():
    """The SIMD features that decide which kernel clones run (avx2, fma, avx512f), as found."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return [x for x in ("avx2", "fma", "avx512f") if x in flags]
    except OSError:
        pass
    return []


def usable_cores():
    """Cores this process may run on (its affinity mask where the OS reports one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def blas_info():
    """NumPy's BLAS: name and version from np.show_config, thread count from threadpoolctl if installed."""
    info = {}
    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["name"], info["version"] = deps.get("name"), deps.get("version")
    except Exception:  # NumPy < 1.25 has no dict mode; the header just says less
        pass
    try:
        import threadpoolctl
    except ImportError:
        env = [f"{k}={os.environ[k]}" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
               if k in os.environ]
        info["threads"] = ", ".join(env) if env else "library default (threadpoolctl not installed)"
    else:
        for pool in threadpoolctl.threadpool_info():
            if pool.get("user_api") == "blas":
                info["threads"] = pool.get("num_threads")
                info.setdefault("name", pool.get("internal_api"))
                break
    return info


def torch_info(torch):
    """PyTorch's version and thread count, or None when it is not installed (`torch`: the module,
    or the {"version", "threads"} of torch_in_children)."""
    if torch is None or isinstance(torch, dict):
        return torch
    return {"version": torch.__version__, "threads": torch.get_num_threads()}


def torch_timings(suite, keys, settings, threads):
    """{key: {candidate: {"samples", "number"}} or {"error": text}}: `suite`'s PyTorch candidates for
    each case key, timed in one fresh process (bench/_torch_child.py) with `threads` threads (set
    for every library through the environment, as bench compare's children) and the same settings."""
    import dataclasses  # import here: the three suites that time PyTorch apart need these, not the others
    import json
    import subprocess

    from . import compare
    env, root = compare.child_env(threads)
    spec = {"suite": suite, "threads": threads, "settings": dataclasses.asdict(settings), "cases": list(keys)}
    proc = subprocess.run([sys.executable, "-m", "bench._torch_child", json.dumps(spec)], env=env, cwd=root,
                          capture_output=True, text=True, timeout=3600, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench {suite}: the PyTorch process failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def torch_in_children(threads):
    """{"version", "threads"} of the PyTorch that child processes will import, without importing it
    here (a suite that times pyautograd in this process keeps PyTorch out of it); None when absent."""
    import importlib.metadata  # import here: only the suites that measure PyTorch elsewhere ask
    try:
        return {"version": importlib.metadata.version("torch"), "threads": threads}
    except importlib.metadata.PackageNotFoundError:
        return None


def load_average():
    """The 1, 5 and 15 minute load averages, rounded (None where the OS has none)."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return [round(x, 2) for x in load] if load else None


def describe(torch=None):
    """The machine header as a dict (JSON-ready)."""
    return {
        "cpu": cpu_model(),
        "cpu_flags": cpu_flags(),
        "cores": usable_cores(),
        "load_average_1_5_15_min": load_average(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_info(),
        "pyautograd": pyautograd.__version__,
        "pyautograd_c_kernels": K.c_available(),
        "pyautograd_threads": K.get_num_threads(),
        "torch": torch_info(torch),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def import_torch(threads):
    """PyTorch with `threads` threads when it is installed (a comparison only), else None."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


_header_printed = [False]


def print_header(title, quick, torch=None):
    """Prints a suite's title (marked quick for --quick runs) and, the first time in a process,
    the machine header (markdown; `bench all` shows it once); returns the header dict."""
    header = describe(torch)
    print(f"## {title}" + (" (quick)" if quick else ""))
    print()
    if _header_printed[0]:
        print("(machine as above)")
    else:
        print(markdown(header))
        _header_printed[0] = True
    print()
    return header


def markdown(header):
    """The header as a markdown bullet list."""
    blas = header["blas"]
    torch = header["torch"]
    load = header["load_average_1_5_15_min"]
    lines = [
        f"- CPU: {header['cpu']} ({', '.join(header['cpu_flags']) or 'no AVX2'}), {header['cores']} cores"
        + (f", load average {load[0]} / {load[1]} / {load[2]} (1 / 5 / 15 min)" if load else ""),
        f"- Python {header['python']}, NumPy {header['numpy']} with {blas.get('name', '?')} "
        f"{blas.get('version', '')} (threads: {blas.get('threads', '?')})",
        f"- pyautograd {header['pyautograd']}, C kernels "
        + ("loaded" if header["pyautograd_c_kernels"] else "NOT loaded (NumPy fallback)")
        + f", {header['pyautograd_threads']} threads",
        "- PyTorch " + (f"{torch['version']}, {torch['threads']} threads" if torch else "not installed"),
        f"- Date: {header['date']}",
    ]
    if load and load[0] > header["cores"]:
        lines.append(f"- **The machine was shared while measuring** (load {load[0]} on {header['cores']} cores): "
                     f"threaded kernels wait for descheduled threads, so their medians are inflated; "
                     f"compare with --threads 1")
    return "\n".join(lines)
