"""gradcheck and gradgradcheck: a function's analytical gradients against finite differences.

``gradcheck(func, inputs)`` compares, for every output of ``func`` that requires grad
and every input that requires grad, the Jacobian that autograd computes (one
vector-Jacobian product per output element, through ``autograd.grad``) with central
differences: each input element is moved by -eps and +eps in its storage (the version
counter is not bumped, as PyTorch perturbs ``.data``) and ``func`` is evaluated again.
Fast mode compares the scalars ``v^T J u`` for random unit vectors u and v instead (one
finite difference per input, one backward pass per output) and, when one disagrees,
recomputes just that (input, output) pair element by element, so the error can still
name the element. Then, as PyTorch does, it checks that the backward is reentrant (two
passes agree within ``nondet_tol``), that a zero grad_output gives zero gradients, and
that undefined output gradients are handled.

``gradgradcheck(func, inputs)`` runs gradcheck on
``autograd.grad(func(*inputs), inputs, grad_outputs, create_graph=True)``, with random
grad_outputs from a seeded generator (failures reproduce).

Failures raise ``GradcheckError`` naming the output and the input, the worst element as
an index into each, both values and their difference, and the Jacobians around it.
"""
import warnings

import numpy as np

from .. import _dtype
from .._random import default_generator
from .._tensor import Tensor
from ..graph.backward import grad as _grad
from ..graph.node import Node

_FAST_SEED = 20210310  # u and v of fast mode: fixed, so a failure reproduces
_GRAD_OUTPUTS_SEED = 20170925  # gradgradcheck's random grad_outputs
_WINDOW = 2  # Jacobian rows/columns shown on each side of the worst element
_NOT_DOUBLE = ("Input #{} requires gradient and is not a double precision floating point or complex. "
               "This check will likely fail if all the inputs are not of double precision floating "
               "point or complex. ")


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a check fails."""


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True,
              fast_mode=False, masked=None):
    """Checks the gradients of ``func`` at ``inputs`` against finite differences.

    Args:
        func: a callable taking the inputs and returning a Tensor or a tuple of Tensors.
            An object with a ``parameters()`` method (an nn.Module) has its parameters
            that require grad checked too, as extra inputs after ``inputs``.
        inputs: a Tensor or a tuple of arguments; tensors with requires_grad=True are
            checked (they should be float64), everything else is passed through.
        eps: the finite-difference step.
        atol, rtol: an analytical entry a passes against the numerical n when
            ``|a - n| <= atol + rtol * |n|``.
        raise_exception: raise GradcheckError on failure (else return False).
        nondet_tol: how far two backward passes with the same inputs may differ.
        check_undefined_grad: check that undefined (None) output gradients are handled.
        check_grad_dtypes: fail when a gradient's dtype differs from its input's.
        check_backward_ad: must stay True (only reverse mode exists here).
        fast_mode: compare v^T J u for random unit u, v (cheaper); a failure is then
            localized by checking the failing (input, output) pair element by element.
        masked: accepted for compatibility (there are no sparse tensors).
        check_forward_ad, check_batched_grad, check_batched_forward_grad: not
            supported (no forward AD, no vmap): True raises NotImplementedError.

    Returns:
        True if every check passed; False on failure when raise_exception is False.

    Example::

        >>> x = torch.randn(3, dtype=torch.float64, requires_grad=True)
        >>> torch.autograd.gradcheck(torch.sin, (x,))
        True
    """
    _refuse(check_forward_ad=check_forward_ad, check_batched_grad=check_batched_grad,
            check_batched_forward_grad=check_batched_forward_grad)
    if not check_backward_ad:
        raise AssertionError("Expected at least one of check_forward_ad or check_backward_ad to be True")
    del masked  # dense tensors only: nothing is masked
    with _HeldState(func) as held:
        func, inputs, names = _bind_parameters(held, func, _as_tuple(inputs))
        labels = _Labels(names)
        checker = _Checker(func, inputs, labels, eps=eps, atol=atol, rtol=rtol, nondet_tol=nondet_tol,
                           check_grad_dtypes=check_grad_dtypes)
        return _verdict(checker, fast_mode, check_undefined_grad, raise_exception)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False, masked=False):
    """Checks the second-order gradients of ``func`` at ``inputs`` against finite differences.

    Runs gradcheck on ``(inputs, grad_outputs) -> autograd.grad(func(*inputs), inputs,
    grad_outputs, create_graph=True)``, so both the gradient's dependence on the inputs
    and on grad_outputs are checked.

    Args:
        func, inputs: as for gradcheck.
        grad_outputs: the gradients fed to func's differentiable outputs; None draws
            them uniformly from [-1, 1) with a fixed seed (requires_grad=True).
        gen_non_contig_grad_outputs: make the drawn grad_outputs non-contiguous.
        check_rev_over_rev: must stay True; check_fwd_over_rev and check_batched_grad
            are not supported (True raises NotImplementedError).
        The other arguments are passed to gradcheck.

    Returns:
        True if every check passed; False on failure when raise_exception is False.
    """
    _refuse(check_fwd_over_rev=check_fwd_over_rev, check_batched_grad=check_batched_grad)
    if not check_rev_over_rev:
        raise AssertionError("Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True")
    del masked
    with _HeldState(func) as held:
        return _gradgradcheck(held, func, _as_tuple(inputs), grad_outputs, gen_non_contig_grad_outputs,
                              dict(eps=eps, atol=atol, rtol=rtol, nondet_tol=nondet_tol,
                                   check_grad_dtypes=check_grad_dtypes),
                              fast_mode, check_undefined_grad, raise_exception)


def _gradgradcheck(held, module, inputs, grad_outputs, non_contiguous, options, fast_mode, check_undefined_grad,
                   raise_exception):
    func, inputs, names = _bind_parameters(held, module, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(_GRAD_OUTPUTS_SEED)
        grad_outputs = tuple(_random_grad_output(o, rng, non_contiguous)
                             for o in _differentiable(_outputs_of(func(*inputs))))
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_in, n_out = len(inputs), len(grad_outputs)
    diff = [i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad]
    kept = []  # which inputs' gradients the last call returned (undefined ones are dropped)

    def first_derivatives(*args):
        outputs = _differentiable(_outputs_of(func(*args[:n_in])))
        grads = _grad(outputs, tuple(args[i] for i in diff), args[n_in:], create_graph=True,
                      allow_unused=True)
        kept[:] = [i for i, g in zip(diff, grads) if g is not None]
        return tuple(g for g in grads if g is not None)

    labels = _Labels(names, first_order=(n_in, n_out, kept))
    checker = _Checker(first_derivatives, inputs + tuple(grad_outputs), labels, **options)
    return _verdict(checker, fast_mode, check_undefined_grad, raise_exception)


def _verdict(checker, fast_mode, check_undefined_grad, raise_exception):
    try:
        checker.run(fast_mode, check_undefined_grad)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _refuse(**flags):
    for name, value in flags.items():
        if value:
            raise NotImplementedError(
                f"gradcheck: {name}=True is not supported by pyautograd (it has no forward-mode AD and "
                f"no vmap); leave it False. Reverse-mode gradients are checked by default.")


def _refuse_complex(what, tensors):
    """Complex inputs and outputs are refused, never skipped: the finite differences here move
    real numbers only, and a complex output left out would pass unchecked. PyTorch splits
    them into real and imaginary parts; here the function is wrapped to do it."""
    for k, t in tensors:
        if t._data.dtype.kind == "c":
            raise NotImplementedError(
                f"gradcheck: {what} {k} is complex ({t.dtype}); pyautograd's gradcheck checks real inputs "
                f"and outputs only. Check the function through its real parts instead, e.g. "
                f"lambda x: torch.view_as_real(f(torch.view_as_complex(x))) on a float64 input of last dim 2.")


# -- arguments --------------------------------------------------------------------------


def _is_tensor(x):
    return isinstance(x, Tensor)


def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _outputs_of(result):
    outputs = _as_tuple(result)
    for i, o in enumerate(outputs):
        if not _is_tensor(o):
            raise TypeError(f"gradcheck: func must return a Tensor or a tuple of Tensors, but output {i} "
                            f"is a {type(o).__name__}")
    return outputs


def _differentiable(outputs):
    return tuple(o for o in outputs if o.requires_grad)


def _bind_parameters(func, module, inputs):
    """(func', inputs', names): a Module's parameters that require grad become extra inputs.

    func (the held-state caller of `module`) is what gets called; `module` is asked for its
    parameters. func' takes inputs + parameters and calls func with the inputs alone: the
    module reads its parameters itself, and they are the very tensors gradcheck perturbs.
    names maps an input position to the parameter's name.
    """
    params = getattr(module, "parameters", None)
    if not callable(params):
        return func, inputs, {}
    named = getattr(module, "named_parameters", None)
    pairs = list(named()) if callable(named) else [(str(k), p) for k, p in enumerate(params())]
    given = {id(x) for x in inputs}
    extra = [(name, p) for name, p in pairs if p.requires_grad and id(p) not in given]
    if not extra:
        return func, inputs, {}
    n = len(inputs)

    def with_parameters(*args):
        return func(*args[:n])

    names = {n + k: name for k, (name, _) in enumerate(extra)}
    return with_parameters, inputs + tuple(p for _, p in extra), names


class _HeldState:
    """Calls func with a module's train-mode randomness and state held fixed.

    gradcheck compares evaluations of func: a dropout mask drawn afresh, or batch-norm
    statistics updated, at each one would make them disagree. So when func has buffers (an
    nn.Module), the global random generator's state and every buffer are put back, before
    each call, as they were when the check began (same dropout mask, same statistics), and
    once more when it ends, so the check leaves the module and the generator as it found them.
    A plain function is called as it is.
    """

    def __init__(self, func):
        self.func = func
        named_modules = getattr(func, "named_modules", None)
        self.active = callable(named_modules)
        if not self.active:
            return
        self.generator = default_generator
        self.rng_state = default_generator.get_state()
        self.buffers = [(mod, name, buf, buf._data.copy()) for _, mod in named_modules()
                        for name, buf in list(mod.named_buffers(recurse=False))]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.active:
            self.restore()
        return False

    def restore(self):
        """The generator state and buffers as they were at the start (a buffer the module replaced
        is put back too)."""
        self.generator.set_state(self.rng_state)
        for mod, name, buf, values in self.buffers:
            if getattr(mod, name, None) is not buf:
                setattr(mod, name, buf)
            np.copyto(buf._data, values)

    def __call__(self, *args):
        if self.active:
            self.restore()
        return self.func(*args)


def _random_grad_output(output, rng, non_contiguous):
    npd = output._data.dtype if output.is_floating_point() else _dtype.float64.numpy_dtype
    shape = output._data.shape
    values = rng.uniform(-1.0, 1.0, shape).astype(npd)
    if non_contiguous and values.ndim and values.size > 1:
        wide = np.zeros(shape[:-1] + (2 * shape[-1],), npd)
        wide[..., ::2] = values
        values = wide[..., ::2]
    return Tensor._make(values, True)


class _Labels:
    """Names for inputs and outputs in messages: positions in func's arguments and results,
    plus module parameter names, or (gradgradcheck) what the first derivatives are."""

    def __init__(self, parameter_names, first_order=None):
        self.parameter_names = parameter_names
        self.first_order = first_order

    def input(self, i):
        if self.first_order is not None and i >= self.first_order[0]:
            return f"input {i} (grad_outputs[{i - self.first_order[0]}])"
        if i in self.parameter_names:
            return f"input {i} (parameter {self.parameter_names[i]!r})"
        return f"input {i}"

    def output(self, j):
        if self.first_order is not None:
            kept = self.first_order[2]
            if j < len(kept):
                return f"output {j} (the gradient w.r.t. {self.input(kept[j])})"
        return f"output {j}"

    @staticmethod
    def short(label):
        """'input 1 (...)' -> 'input1', for element names like input1[2, 0]."""
        return label.split(" (")[0].replace(" ", "")


# -- the checks ---------------------------------------------------------------------------


class _Checker:
    """One gradcheck run: func, its inputs, the outputs at the unperturbed inputs."""

    def __init__(self, func, inputs, labels, *, eps, atol, rtol, nondet_tol, check_grad_dtypes):
        self.func = func
        self.inputs = inputs
        self.labels = labels
        self.eps, self.atol, self.rtol, self.nondet_tol = eps, atol, rtol, nondet_tol
        self.check_grad_dtypes = check_grad_dtypes
        self.diff = [i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad]
        # Set by run(): func's outputs at the inputs as given, their (shape, dtype), and the
        # positions of the floating-point ones and of those that require grad.
        self.outputs, self.meta, self.float_outs, self.diff_outs = (), [], [], []

    def run(self, fast_mode, check_undefined_grad):
        """Every check; raises GradcheckError at the first failure."""
        self._check_inputs()
        self.outputs = _outputs_of(self.func(*self.inputs))
        _refuse_complex("output", [(j, o) for j, o in enumerate(self.outputs) if o.requires_grad])
        self.meta = [(o._data.shape, o._data.dtype) for o in self.outputs]
        self.float_outs = [j for j, o in enumerate(self.outputs) if o.is_floating_point()]
        self.diff_outs = [j for j, o in enumerate(self.outputs) if o.requires_grad]
        if not self.diff_outs:
            self._check_no_differentiable_outputs(fast_mode)
            return
        if fast_mode:
            self._fast()
        else:
            self._slow()
        self._check_zero_grad_output()
        if check_undefined_grad:
            self._check_undefined_grad()

    def _check_inputs(self):
        _refuse_complex("input", [(i, self.inputs[i]) for i in self.diff])
        for i in self.diff:
            x = self.inputs[i]
            if x._data.dtype != np.float64:
                warnings.warn(_NOT_DOUBLE.format(i), UserWarning, stacklevel=4)
            # (NumPy gives empty arrays zero strides: nothing there can overlap.)
            if x._data.size and any(st == 0 and sz > 1 for st, sz in zip(x._data.strides, x._data.shape)):
                raise RuntimeError(
                    f"The {i}th input has a dimension with stride 0. gradcheck only supports inputs that "
                    f"are non-overlapping to be able to compute the numerical gradients correctly. You "
                    f"should call .contiguous on the input before passing it to gradcheck.")
            if not x._data.flags.writeable:
                raise RuntimeError(f"gradcheck perturbs input {i} in place, but its storage is read-only "
                                   f"(shape {list(x._data.shape)}); pass a copy, e.g. x.clone()")
        if not self.diff:
            raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of "
                             "them have requires_grad=True.")

    # -- numerical side ------------------------------------------------------------------

    def _evaluate(self, outs):
        """func at the current input values: the data of outputs `outs`, copied (they may be
        views of an input that is about to move), as float64."""
        results = _outputs_of(self.func(*self.inputs))
        got = {}
        for j in outs:
            o = results[j] if j < len(results) else None
            shape, dtype = self.meta[j]
            if o is None or o._data.shape != shape or o._data.dtype != dtype:
                what = "missing" if o is None else f"shape {list(o._data.shape)}, dtype {o._data.dtype}"
                raise AssertionError(
                    f"Expected `func` to return outputs with the same shape and dtype when inputs are "
                    f"perturbed by {self.eps}, but output {j} went from shape {list(shape)}, dtype {dtype} "
                    f"to {what}.")
            got[j] = np.array(o._data, dtype=np.float64).reshape(-1)
        return got

    def _difference(self, data, delta, outs):
        """(f(x + delta) - f(x - delta)) / (2 eps) for outputs `outs`, moving `data` in place."""
        orig = data.copy()
        try:
            data[...] = orig - delta
            lo = self._evaluate(outs)
            data[...] = orig + delta
            hi = self._evaluate(outs)
        finally:
            data[...] = orig
        return {j: (hi[j] - lo[j]) / (2 * self.eps) for j in outs}

    def _numerical_jacobian(self, i, outs):
        """{output j: (numel of input i, numel of output j) array} by central differences."""
        data = self.inputs[i]._data
        jac = {j: np.zeros((data.size, int(np.prod(self.meta[j][0], dtype=np.int64)))) for j in outs}
        for r, idx in enumerate(np.ndindex(*data.shape)):
            orig = data[idx]
            try:
                data[idx] = orig - self.eps
                lo = self._evaluate(outs)
                data[idx] = orig + self.eps
                hi = self._evaluate(outs)
            finally:
                data[idx] = orig
            for j in outs:
                jac[j][r] = (hi[j] - lo[j]) / (2 * self.eps)
        return jac

    # -- analytical side -------------------------------------------------------------------

    def _vjps(self, j, vectors):
        """[(numel of input i, len(vectors)) array per differentiable input i]: row c holds
        vectors[c]^T J from autograd.grad; also the first size or dtype problem seen."""
        output = self.outputs[j]
        diff = [self.inputs[i] for i in self.diff]
        mats = [np.zeros((x._data.size, len(vectors))) for x in diff]
        problem = None
        for c, vec in enumerate(vectors):
            grads = _grad(output, diff, Tensor._make(vec, False), retain_graph=True, allow_unused=True)
            for k, (x, g) in enumerate(zip(diff, grads)):
                if g is None:
                    continue
                if g._data.shape != x._data.shape:
                    problem = problem or ("size", k, g)
                    continue
                if g._data.dtype != x._data.dtype:
                    problem = problem or ("dtype", k, g)
                mats[k][:, c] = g._data.reshape(-1)
        return mats, problem

    def _analytical(self, j, vectors, one_hot=True):
        """_vjps twice (the backward must be reentrant), checking gradient sizes and dtypes."""
        first, problem = self._vjps(j, vectors)
        second, _ = self._vjps(j, vectors)
        if problem is not None:
            kind, k, g = problem
            x = self.inputs[self.diff[k]]
            where = f"the gradient of {self.labels.output(j)} w.r.t. {self.labels.input(self.diff[k])}"
            if kind == "size":
                raise GradcheckError(f"Analytical gradient has incorrect size: {where} has shape "
                                     f"{list(g._data.shape)}, but the input has shape {list(x._data.shape)}")
            if self.check_grad_dtypes:
                raise GradcheckError(f"Gradient has dtype mismatch: {where} has dtype {g._data.dtype}, but "
                                     f"the input has dtype {x._data.dtype}")
        for k, (a, b) in enumerate(zip(first, second)):
            if a.size and _spread(a, b).max() > self.nondet_tol:
                raise GradcheckError(self._nondeterminism_message(j, k, a, b, one_hot))
        return first

    def _one_hots(self, j):
        shape, dtype = self.meta[j]
        vectors = []
        for c in range(int(np.prod(shape, dtype=np.int64))):
            vec = np.zeros(shape, dtype)
            vec.flat[c] = 1
            vectors.append(vec)
        return vectors

    # -- slow and fast mode -------------------------------------------------------------------

    def _slow(self):
        numerical = {i: self._numerical_jacobian(i, self.diff_outs) for i in self.diff}
        for j in self.diff_outs:
            analytical = self._analytical(j, self._one_hots(j))
            for k, i in enumerate(self.diff):
                a, n = analytical[k], numerical[i][j]
                close = np.isclose(a, n, rtol=self.rtol, atol=self.atol)
                if not close.all():
                    raise GradcheckError(self._mismatch_message(i, j, a, n, close))

    def _fast(self):
        rng = np.random.default_rng(_FAST_SEED)
        us = {i: _unit(rng, self.inputs[i]._data.size) for i in self.diff}
        vs = {j: _unit(rng, self._numel(j)) for j in self.diff_outs}
        numerical = {}
        for i in self.diff:
            data = self.inputs[i]._data
            ju = self._difference(data, (self.eps * us[i]).reshape(data.shape), self.diff_outs)
            numerical[i] = {j: float(vs[j] @ ju[j]) for j in self.diff_outs}
        for j in self.diff_outs:
            shape, dtype = self.meta[j]
            vj = self._analytical(j, [vs[j].reshape(shape).astype(dtype)], one_hot=False)
            for k, i in enumerate(self.diff):
                a, n = float(vj[k][:, 0] @ us[i]), numerical[i][j]
                # |v^T (A - N) u| may reach atol * sum(u) * sum(v) when every entry is atol off.
                atol = self.atol * float(us[i].sum()) * float(vs[j].sum())
                if not np.isclose(a, n, rtol=self.rtol, atol=atol):
                    raise GradcheckError(self._fast_mismatch_message(i, j, k, a, n, atol))

    def _numel(self, j):
        return int(np.prod(self.meta[j][0], dtype=np.int64))

    # -- the other checks ----------------------------------------------------------------

    def _check_no_differentiable_outputs(self, fast_mode):
        """No output requires grad: then the numerical gradient must be zero too."""
        if fast_mode:
            rng = np.random.default_rng(_FAST_SEED)
            for i in self.diff:
                data = self.inputs[i]._data
                delta = (self.eps * _unit(rng, data.size)).reshape(data.shape)
                for j, ju in self._difference(data, delta, self.float_outs).items():
                    if ju.size and np.abs(ju).max() > self.nondet_tol:
                        raise GradcheckError(
                            f"Numerical gradient for function expected to be zero: no output requires grad, "
                            f"but {self.labels.output(j)} changes when {self.labels.input(i)} moves "
                            f"(largest directional derivative {np.abs(ju).max():.6g})")
            return
        for i in self.diff:
            for j, jac in self._numerical_jacobian(i, self.float_outs).items():
                nonzero = np.flatnonzero(jac)
                if nonzero.size:
                    r, c = np.unravel_index(nonzero[0], jac.shape)
                    raise GradcheckError(
                        f"Numerical gradient for function expected to be zero: no output requires grad, but "
                        f"d {self._element(j, c, False)} / d {self._element(i, r, True)} = {jac[r, c]:.6g} "
                        f"numerically. Is a differentiable path cut (detach, .data, numpy)?")

    def _check_zero_grad_output(self):
        """The backward must be multiplied by grad_output: zeros in, zeros out."""
        outputs = [self.outputs[j] for j in self.diff_outs]
        zeros = [Tensor._make(np.zeros(o._data.shape, o._data.dtype), False) for o in outputs]
        diff = [self.inputs[i] for i in self.diff]
        grads = _grad(outputs, diff, zeros, allow_unused=True)
        for i, x, g in zip(self.diff, diff, grads):
            if g is None:
                continue
            if g._data.shape != x._data.shape:
                raise GradcheckError(f"grad is incorrect size: the gradient w.r.t. {self.labels.input(i)} has "
                                     f"shape {list(g._data.shape)}, the input {list(x._data.shape)}")
            if g._data.dtype != x._data.dtype:
                raise GradcheckError(f"grad is incorrect type: the gradient w.r.t. {self.labels.input(i)} has "
                                     f"dtype {g._data.dtype}, the input {x._data.dtype}")
            if np.any(g._data != 0):
                r = int(np.flatnonzero(g._data.reshape(-1) != 0)[0])
                raise GradcheckError(
                    f"backward not multiplied by grad_output: with every grad_output zero, the gradient "
                    f"w.r.t. {self.labels.input(i)} is {g._data.reshape(-1)[r]:.6g} at "
                    f"{self._element(i, r, True)}")

    def _check_undefined_grad(self):
        """Backward must cope with undefined (None) output gradients: all at once, and one at a
        time when there are several outputs, giving None or zero input gradients."""
        cases = [None] + (list(range(len(self.diff_outs))) if len(self.diff_outs) > 1 else [])
        diff = [self.inputs[i] for i in self.diff]
        for undefined in cases:
            outputs = _differentiable(_outputs_of(self.func(*self.inputs)))
            outputs = [_undefined_grad(o) if undefined is None or k == undefined else o
                       for k, o in enumerate(outputs)]
            zeros = [Tensor._make(np.zeros(o._data.shape, o._data.dtype), False) for o in outputs]
            which = ("every output" if undefined is None
                     else self.labels.output(self.diff_outs[undefined]))
            try:
                grads = _grad(outputs, diff, zeros, allow_unused=True)
            except RuntimeError as exc:
                raise GradcheckError(f"Expected backward function to handle undefined output grads: with an "
                                     f"undefined gradient for {which}, backward raised: {exc}") from exc
            for i, g in zip(self.diff, grads):
                if g is not None and np.any(g._data != 0):
                    raise GradcheckError(
                        f"Expected all input grads to be undefined or zero when all output grads are undefined "
                        f"or zero: with an undefined gradient for {which}, the gradient w.r.t. "
                        f"{self.labels.input(i)} is nonzero")

    # -- messages ------------------------------------------------------------------------

    def _element(self, pos, flat, is_input):
        """'input1[2, 0]': element `flat` (row-major) of input or output `pos`."""
        label = self.labels.input(pos) if is_input else self.labels.output(pos)
        shape = self.inputs[pos]._data.shape if is_input else self.meta[pos][0]
        return _Labels.short(label) + _index(flat, shape)

    def _describe(self, pos, is_input):
        label = self.labels.input(pos) if is_input else self.labels.output(pos)
        shape, dtype = ((self.inputs[pos]._data.shape, self.inputs[pos]._data.dtype) if is_input
                        else self.meta[pos])
        return f"{label}: shape {list(shape)}, {dtype}"

    def _mismatch_message(self, i, j, a, n, close):
        """The slow-mode failure: the worst entry, its values, and both Jacobians around it."""
        allowed = self.atol + self.rtol * np.abs(n)
        excess = np.abs(a - n) / allowed
        excess[np.isnan(excess)] = np.inf
        r, c = np.unravel_index(int(np.argmax(excess)), a.shape)
        num, ana = float(n[r, c]), float(a[r, c])
        ratio = f"; analytical / numerical = {ana / num:.6g}" if num != 0 and ana != 0 else ""
        lines = [
            f"Jacobian mismatch for {self.labels.output(j)} with respect to {self.labels.input(i)}",
            f"  {self._describe(i, True)}; {self._describe(j, False)}",
            f"  worst element: d {self._element(j, c, False)} / d {self._element(i, r, True)}",
            f"    numerical:  {num!r}",
            f"    analytical: {ana!r}",
            f"    difference: {abs(ana - num)!r} (allowed: atol + rtol * |numerical| = "
            f"{allowed[r, c]:.3g}{ratio})",
            f"  entries outside the tolerance (atol={self.atol}, rtol={self.rtol}): "
            f"{int((~close).sum())} of {a.size}",
        ]
        lines += self._windows(i, j, a, n, r, c)
        return "\n".join(lines)

    def _windows(self, i, j, a, n, r, c):
        shape_in, shape_out = self.inputs[i]._data.shape, self.meta[j][0]
        rows = range(max(0, r - _WINDOW), min(a.shape[0], r + _WINDOW + 1))
        cols = range(max(0, c - _WINDOW), min(a.shape[1], c + _WINDOW + 1))
        name_in = _Labels.short(self.labels.input(i))
        name_out = _Labels.short(self.labels.output(j))
        head = (f"  The Jacobians near it (row = element of {name_in}, column = element of {name_out}, "
                f"* marks the worst; rows {rows[0]}..{rows[-1]} of 0..{a.shape[0] - 1}, "
                f"columns {cols[0]}..{cols[-1]} of 0..{a.shape[1] - 1}, elements in row-major order):")
        tables = [_cells(mat, rows, cols, (r, c), lambda q: _index(q, shape_in), lambda q: _index(q, shape_out))
                  for mat in (n, a)]
        width = max(len(s) for cells in tables for row in cells for s in row)
        truncated = rows[0] > 0 or cols[0] > 0 or rows[-1] + 1 < a.shape[0] or cols[-1] + 1 < a.shape[1]
        out = [head]
        for title, cells in zip(("numerical", "analytical"), tables):
            out.append(f"  {title}:")
            out += ["    " + "  ".join(s.rjust(width) for s in row) for row in cells]
            if truncated:
                out.append("    (truncated)")
        return out

    def _fast_mismatch_message(self, i, j, k, a, n, atol):
        """The fast-mode failure, then the element-wise check of that one (input, output) pair."""
        lines = [
            f"Jacobian mismatch for {self.labels.output(j)} with respect to {self.labels.input(i)} in fast "
            f"mode (v^T J u for random unit vectors u over the input, v over the output):",
            f"  {self._describe(i, True)}; {self._describe(j, False)}",
            f"    numerical:  {n!r}",
            f"    analytical: {a!r}",
            f"    difference: {abs(a - n)!r} (allowed: {atol + self.rtol * abs(n):.3g})",
            "  Rechecking this pair element by element (slow mode):",
        ]
        numerical = self._numerical_jacobian(i, [j])[j]
        analytical = self._analytical(j, self._one_hots(j))[k]
        close = np.isclose(analytical, numerical, rtol=self.rtol, atol=self.atol)
        if close.all():
            lines.append(f"  every element agrees within atol={self.atol}, rtol={self.rtol}: slow mode would "
                         f"pass. The projection amplified small differences; use fast_mode=False.")
            return "\n".join(lines)
        slow = self._mismatch_message(i, j, analytical, numerical, close)
        lines += ["  " + line for line in slow.splitlines()]
        return "\n".join(lines)

    def _nondeterminism_message(self, j, k, a, b, one_hot):
        i = self.diff[k]
        diff = _spread(a, b)
        r, c = np.unravel_index(int(np.argmax(diff)), a.shape)
        vector = f"grad_output one at {self._element(j, c, False)}" if one_hot else "grad_output v"
        return (f"Backward is not reentrant, i.e., running backward with same input and grad_output multiple "
                f"times gives different values: for {self.labels.output(j)} with respect to "
                f"{self.labels.input(i)}, the two passes differ by {float(diff[r, c])!r} at "
                f"{self._element(i, r, True)} ({vector}: {float(a[r, c])!r}, then {float(b[r, c])!r}). "
                f"The tolerance for nondeterminism (nondet_tol) was {self.nondet_tol}.")


def _spread(a, b):
    """|a - b| elementwise, 0 where both agree exactly (equal infinities, NaN in both: a NaN
    that comes back every time is deterministic), inf where only one is NaN."""
    with np.errstate(invalid="ignore"):
        d = np.abs(a - b)
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    d[same] = 0.0
    d[np.isnan(d)] = np.inf
    return d


def _unit(rng, n):
    u = rng.random(n)
    norm = np.linalg.norm(u)
    return u / norm if norm > 0 else u


def _index(flat, shape):
    return "[" + ", ".join(str(int(q)) for q in np.unravel_index(flat, shape)) + "]" if shape else "[]"


def _cells(mat, rows, cols, mark, row_name, col_name):
    """The text cells of mat[rows][:, cols] with row and column headers, the `mark` cell starred."""
    cells = [[""] + [col_name(c) for c in cols]]
    for r in rows:
        cells.append([row_name(r)] + [f"{mat[r, c]:.6g}" + ("*" if (r, c) == mark else "") for c in cols])
    return cells


class _UndefinedGradBackward(Node):
    """Passes its input through forward; sends an undefined (None) gradient back."""

    __slots__ = ()

    def name(self):
        return "UndefinedGradBackward"

    def apply(self, grad_outputs):
        return [None]


def _undefined_grad(t):
    """t, whose gradient arrives at its producer as undefined (PyTorch's UndefinedGrad)."""
    edge = (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t._accumulator(), 0)
    out = Tensor._make(t._data, True)
    out.grad_fn = _UndefinedGradBackward((edge,))
    return out
