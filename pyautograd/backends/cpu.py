"""torch.backends.cpu: what the CPU offers."""
def get_cpu_capability():
    """The SIMD level the C kernels may use ("AVX2"/"AVX512" via per-function clones, else "DEFAULT")."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as f:
            flags = f.read()
    except OSError:
        return "DEFAULT"
    if " avx512f" in flags:
        return "AVX512"
    if " avx2" in flags:
        return "AVX2"
    return "DEFAULT"
