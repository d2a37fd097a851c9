"""Named result tuples of multi-output ops, like torch.return_types (``values, indices = x.max(1)``)."""


def _structseq(name, fields):
    """A tuple subclass with named fields, printed as PyTorch prints its return types."""

    def __new__(cls, seq):
        seq = tuple(seq)
        if len(seq) != len(fields):
            raise TypeError(f"torch.return_types.{name} takes a {len(fields)}-sequence "
                            f"({len(seq)}-sequence given)")
        return tuple.__new__(cls, seq)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    def __reduce__(self):
        return (type(self), (tuple(self),))

    namespace = {"__slots__": (), "__new__": __new__, "__repr__": __repr__, "__reduce__": __reduce__,
                 "__doc__": f"The result of {name}: ({', '.join(fields)}), a tuple with named fields.",
                 "__module__": __name__, "n_fields": len(fields), "n_sequence_fields": len(fields),
                 "n_unnamed_fields": 0, "_fields": tuple(fields)}
    for i, f in enumerate(fields):
        namespace[f] = property(lambda self, i=i: self[i], doc=f"Field {i} of the result: {f}.")
    return type(name, (tuple,), namespace)


max = _structseq("max", ("values", "indices"))  # noqa: A001 -- PyTorch's name
min = _structseq("min", ("values", "indices"))  # noqa: A001 -- PyTorch's name

# surface issue 12: the selection ops' results
topk = _structseq("topk", ("values", "indices"))
sort = _structseq("sort", ("values", "indices"))
kthvalue = _structseq("kthvalue", ("values", "indices"))
median = _structseq("median", ("values", "indices"))
mode = _structseq("mode", ("values", "indices"))
cummax = _structseq("cummax", ("values", "indices"))
cummin = _structseq("cummin", ("values", "indices"))
linalg_slogdet = _structseq("linalg_slogdet", ("sign", "logabsdet"))

# torch.linalg's decompositions (issue 12)
svd = _structseq("svd", ("U", "S", "V"))
qr = _structseq("qr", ("Q", "R"))
linalg_svd = _structseq("linalg_svd", ("U", "S", "Vh"))
linalg_eigh = _structseq("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_qr = _structseq("linalg_qr", ("Q", "R"))
linalg_lstsq = _structseq("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
linalg_inv_ex = _structseq("linalg_inv_ex", ("inverse", "info"))
linalg_cholesky_ex = _structseq("linalg_cholesky_ex", ("L", "info"))
linalg_solve_ex = _structseq("linalg_solve_ex", ("result", "info"))
linalg_lu_factor = _structseq("linalg_lu_factor", ("LU", "pivots"))
linalg_lu_factor_ex = _structseq("linalg_lu_factor_ex", ("LU", "pivots", "info"))
linalg_lu = _structseq("linalg_lu", ("P", "L", "U"))
triangular_solve = _structseq("triangular_solve", ("solution", "cloned_coefficient"))
lu_unpack = _structseq("lu_unpack", ("P", "L", "U"))
_lu_with_info = _structseq("_lu_with_info", ("LU", "pivots", "info"))
aminmax = _structseq("aminmax", ("min", "max"))  # issue 12
