"""Bar charts of each suite's ratios, drawn from the suite's JSON: ``--plot DIR``.

One PNG per suite (DIR/<suite>.png), horizontal bars with a line at 1.0 (the
reference of the ratio). matplotlib is optional: without it, ``--plot`` stops
with a message saying so before anything is measured.
"""
import json


def require_matplotlib():
    """Imports matplotlib with the file-only Agg backend, or exits with a clear message."""
    try:
        import matplotlib
    except ImportError as err:
        raise SystemExit("--plot needs matplotlib (pip install matplotlib); the tables and --json work without it") from err
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _median(timing):
    return timing["median_s"]


def _ratio(timings, a, b):
    return _median(timings[a]) / _median(timings[b]) if a in timings and b in timings else None


def _label(row):
    return " ".join(x for x in (row["case"], row["size"]) if x)


def _section_label(section):
    """'GEMM (float32)' -> 'GEMM f32': short, but float32 and float64 rows stay distinct."""
    name, _, rest = section.partition(" (")
    rest = rest.rstrip(")")
    short = {"float32": "f32", "float64": "f64"}.get(rest, rest)
    return f"{name} {short}" if short else name


def kernels(doc):
    rows = [r for r in doc["rows"] if r["timings"]]
    labels = [f"{_section_label(r['section'])}: {_label(r)}" for r in rows]
    series = {"NumPy / C": [_ratio(r["timings"], "NumPy", "C") for r in rows],
              "PyTorch / C": [_ratio(r["timings"], "PyTorch", "C") for r in rows]}
    return "Kernels: NumPy's and PyTorch's time over our C kernel's (above 1: C faster)", labels, series


def overhead(doc):
    rows = [r for r in doc["rows"] if r["timings"]]
    series = {"pyautograd / PyTorch": [_ratio(r["timings"], "pyautograd", "PyTorch") for r in rows],
              "pyautograd / NumPy floor": [_ratio(r["timings"], "pyautograd", "NumPy") for r in rows]}
    return "Per-op overhead: our time over PyTorch's and NumPy's (below 1: faster)", \
        [r["case"] for r in rows], series


def mlp(doc):
    t = doc["rows"][0]["timings"]
    names = list(t)
    bases = [b for b in ("NumPy reference", "PyTorch fused Adam") if b in t]
    return "MLP training step: time over the NumPy reference's and PyTorch's fused-Adam step (below 1: faster)", \
        names, {f"/ {b}": [_ratio(t, n, b) for n in names] for b in bases}


def anomaly(doc):
    rows = [r for r in doc["rows"] if r["timings"]]
    libs = sorted({k.rsplit(" ", 1)[0] for r in rows for k in r["timings"]})
    series = {f"{lib} on / off": [_ratio(r["timings"], f"{lib} on", f"{lib} off") for r in rows] for lib in libs}
    return "Anomaly mode: slowdown with detection on", [r["case"] for r in rows], series


def memory(doc):
    res = doc["results"]
    ref = res.get("NumPy reference")
    names = list(res)
    return "Peak RSS of 50 MLP steps over the NumPy reference's", names, \
        {"peak / NumPy ref": [res[n]["peak_mib"] / ref["peak_mib"] if ref else None for n in names]}


def scale(doc):
    # The GEMM share is a fraction, not a speed ratio: it goes in the labels, not on the ratio axis.
    rows = [r for r in doc["rows"] if r["timings"]]
    labels = []
    for r in rows:
        share = _ratio(r["timings"], "pyautograd products", "pyautograd")
        labels.append(f"batch {r['case']}, hidden {r['size']}" + (f" (GEMM {share:.0%})" if share else ""))
    series = {"pyautograd / PyTorch fused": [_ratio(r["timings"], "pyautograd", "PyTorch fused Adam") for r in rows]}
    return "Scale: our step time over PyTorch's (fused Adam); label: our step's GEMM share", labels, series


_NICE = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
_FINE = (0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2)


def ratio_ticks(lo, hi):
    """Readable tick values for a log ratio axis from lo to hi: 1-2-5 steps, or finer ones when
    the range is narrow (matplotlib's own log ticks are then a few unlabelled minor marks)."""
    ticks = [t for t in _NICE if lo <= t <= hi]
    if len(ticks) < 3:
        ticks = sorted(set(ticks) | {t for t in _FINE if lo <= t <= hi})
    return ticks or [1]


def data(doc):
    rows = doc["rows"]
    series = {"pyautograd / PyTorch samples/s": [r["pyautograd"] / r["PyTorch"] if "PyTorch" in r else None
                                                 for r in rows]}
    return "DataLoader throughput over PyTorch's", [f"{r['workers']} workers" for r in rows], series


def compare(doc):
    """bench compare: pyautograd's median of rounds over each other library's, per workload."""
    labels, series = [], {}
    for workload, res in doc["results"].items():
        ours = sorted(res["pyautograd"]["rounds"])
        for name, r in res.items():
            if name == "pyautograd":
                continue
            theirs = sorted(r["rounds"])
            labels.append(f"{workload} / {name}")
            series.setdefault("pyautograd / other", []).append(ours[len(ours) // 2] / theirs[len(theirs) // 2])
    return "Each library in its own process: our time over the other's (below 1: faster)", labels, series


EXTRACTORS = {"kernels": kernels, "overhead": overhead, "mlp": mlp, "anomaly": anomaly, "memory": memory,
              "scale": scale}
EXTRACTORS["data"] = data  # training tools (issue 15)
EXTRACTORS["compare"] = compare  # perf: bench compare



# the model suites (issues 13, 14) run through bench compare's children: the same bars
EXTRACTORS["cnn"] = compare
EXTRACTORS["seq"] = compare


def ddp(doc):  # data-parallel training on MPI
    """bench ddp: all-reduce against raw mpi4py (and gloo), DDP steps against PyTorch's."""
    labels, series = [], {"pyautograd / other": []}
    for r in doc["allreduce"]:
        for other in ("mpi4py", "torch"):
            if other in r:
                labels.append(f"all-reduce {r['mbytes']:g} MiB / {other}")
                series["pyautograd / other"].append(r["ours"] / r[other])
    for r in doc["steps"]:
        if "torch" in r:
            labels.append(f"DDP step {r['model']}, {r['ranks']} ranks / PyTorch")
            series["pyautograd / other"].append(r["ours"] / r["torch"])
    return "Data-parallel on MPI: our time over the other's (below 1: faster)", labels, series


EXTRACTORS["ddp"] = ddp


def draw(suite, json_path, png_path):
    """Draws suite's ratios from its JSON file into png_path; returns png_path."""
    plt = require_matplotlib()
    with open(json_path) as f:
        doc = json.load(f)
    title, labels, series = EXTRACTORS[suite](doc)
    series = {k: v for k, v in series.items() if any(x is not None for x in v)}
    n, k = len(labels), max(len(series), 1)
    height = 0.8 / k
    # wide enough for the longest label (7-9 pt text: ~0.07 inch per character) beside the bars
    width = 6 + 0.075 * max([len(x) for x in labels] + [40])
    fig, ax = plt.subplots(figsize=(width, 1.4 + 0.28 * n * k))
    for j, (name, values) in enumerate(series.items()):
        ys = [i + (j - (k - 1) / 2) * height for i in range(n)]
        # bars grow from the 1.0 line, on a log scale: 2x faster and 2x slower look alike
        ax.barh(ys, [v - 1 if v else 0 for v in values], left=1, height=height, label=name)
        for y, v in zip(ys, values):
            if v:
                ax.text(v, y, f" {v:.2f} ", va="center", ha="left" if v >= 1 else "right", fontsize=7)
    ax.set_xscale("log")
    lo = min([v for vals in series.values() for v in vals if v] + [1.0])
    hi = max([v for vals in series.values() for v in vals if v] + [1.0])
    ax.set_xlim(lo / 2, hi * 2)
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator
    ticks = ratio_ticks(lo / 2, hi * 2)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())
    if not series:
        ax.text(1.0, n / 2, "nothing to compare (PyTorch not installed: pip install torch)", ha="center",
                va="center", fontsize=9)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_yticks(range(n))
    ax.set_yticklabels(labels, fontsize=7 if n > 20 else 9)
    ax.invert_yaxis()
    ax.set_xlabel("ratio (log scale)")
    fig.suptitle(title, fontsize=10)
    if series:
        ax.legend(fontsize=8, loc="best")
    load = (doc.get("machine") or {}).get("load_average_1_5_15_min")
    if load:
        fig.text(0.01, 0.005, f"load average {load[0]} on {doc['machine'].get('cores')} cores; "
                 f"{doc['machine'].get('date', '')}", fontsize=6)
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    plt.close(fig)
    return png_path

