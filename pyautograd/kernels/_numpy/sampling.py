"""Sampling kernels: categorical and Bernoulli draws from a NumPy Generator (NumPy only)."""
import numpy as np

__all__ = ["multinomial", "bernoulli"]


def multinomial(probs, num_samples, replacement, gen):
    """int64 category indices drawn from each row of `probs` (non-negative weights, not
    necessarily normalized); without replacement, each row's draws are distinct."""
    rows = probs.reshape(-1, probs.shape[-1]).astype(np.float64)
    out = np.empty((rows.shape[0], num_samples), np.int64)
    for r, w in enumerate(rows):
        p = w / w.sum()
        if replacement:
            out[r] = gen.choice(p.size, size=num_samples, replace=True, p=p)
        else:
            # Sequential draws without replacement = the top num_samples of log(u)/w (Efraimidis-Spirakis).
            with np.errstate(divide="ignore"):
                keys = np.log(gen.random(p.size)) / p
            out[r] = np.argsort(-keys, kind="stable")[:num_samples]
    return out.reshape(probs.shape[:-1] + (num_samples,))


def bernoulli(probs, gen):
    """1 where a uniform draw falls below `probs` (elementwise), else 0, in probs' dtype."""
    return (gen.random(probs.shape) < probs).astype(probs.dtype)
