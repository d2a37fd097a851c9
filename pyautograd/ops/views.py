"""In-place writes through views of tensors that are part of a graph.

Writing into a view (``y[:, 0] *= 2``, ``x[mask] = v`` on a slice) must
rewrite the *base's* history the way PyTorch's CopySlices does, so that the
base, the view and the written value all get PyTorch's gradients. That
machinery belongs to the in-place and views work; until it lands, such a
write raises instead of producing silently wrong gradients.
"""


def check_view_inplace(view, name):
    """Refuses an in-place write through a view of a tensor that takes part in autograd."""
    raise RuntimeError(
        f"{name}: in-place modification of a view of a tensor that requires grad is not supported yet "
        f"in pyautograd (it would need the base's history rewritten). Modify a clone instead: "
        f"y = x.clone(); y[...] = ...")


def rebase_view(view, result):
    """Never reached while check_view_inplace refuses such writes."""
    check_view_inplace(view, "in-place")
