"""Hints for a wrong answer: which common slip turns the expected value into yours.

``check_array`` says *that* an answer is wrong; these checks also try to say *why*, when
the answer is the expected value up to a classic slip::

    dS is wrong at index (0, 1): got 0.9, expected 0.3 (...). Hint: your value is
    N = 3 times the expected one: a sum over the examples where a mean is needed (1/N missing)?

Slips recognised: a factor N (or 1/N) when the batch size ``n`` is given, a factor 2 or 1/2,
the opposite sign, the transpose, and any wrong value the caller names (``candidates``, e.g.
a softmax normalised over the wrong axis). Nothing here computes an answer: the hints only
compare your value with the expected one (and with the candidates the caller passes).
"""
import numpy as np

from .testing import check_array, check_scalar


def _close(a, b, rtol, atol):
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def slip_hint(value, expected, n=None, factors=None, candidates=(), rtol=1e-5, atol=1e-8):
    """One sentence naming the slip that turns ``expected`` into ``value``, or "" if none fits.

    Parameters
    ----------
    value, expected : array_like or number
        The student's value and the right one.
    n : int, optional
        The batch size: a factor N or 1/N is then recognised.
    factors : dict {float: str}, optional
        More factors to try, each with its hint (e.g. ``{2 / C: "a mean over the N x C entries?"}``).
    candidates : sequence of (array_like, str)
        Wrong values the caller can name: if ``value`` is close to one, its hint is given.
    rtol, atol : float
        How close "close" is.
    """
    try:
        v = np.asarray(value, dtype=float)
        e = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return ""
    if not np.all(np.isfinite(v)):
        return ""
    for wrong, hint in candidates:
        w = np.asarray(wrong, dtype=float)
        if _close(v, w, rtol, atol) and not _close(e, w, rtol, atol):
            return hint
    tries = []
    if n is not None and n > 1:
        tries += [(n, f"your value is N = {n} times the expected one: a sum over the examples where a "
                      "mean is needed (the 1/N is missing)?"),
                  (1 / n, f"your value is the expected one divided by N = {n}: is the 1/N applied twice?")]
    tries += list((factors or {}).items())
    tries += [(2.0, "your value is twice the expected one: a factor 2 too many (a 1/2 forgotten, or a "
                    "term counted twice)?"),
              (0.5, "your value is half the expected one: a factor 2 missing?"),
              (-1.0, "your value is the opposite of the expected one: a sign error?")]
    if not np.allclose(e, 0.0, atol=atol):
        for factor, hint in tries:
            if factor != 1 and _close(v, factor * e, rtol, atol):
                return hint
    if e.ndim == 2 and e.shape[0] == e.shape[1] and _close(v.T, e, rtol, atol) and not _close(v, e, rtol, atol):
        return "your value is the transpose of the expected one: indices swapped, or a missing .T?"
    return ""


def with_hint(check, name, value, expected, check_tol, hint_tol, **hint_args):
    """``check(name, value, expected, **check_tol)``; on failure, its message plus the hint of
    :func:`slip_hint` (called with ``hint_tol`` and ``hint_args``) when one fits."""
    try:
        check(name, value, expected, **check_tol)
    except AssertionError as err:
        hint = slip_hint(value, expected, **hint_tol, **hint_args)
        if not hint:
            raise
        sep = "\n" if "\n" in str(err) else " "
        raise AssertionError(f"{err}{sep}Hint: {hint}") from None


def check_array_hinted(name, value, expected, rtol=1e-6, atol=1e-8, n=None, factors=None, candidates=()):
    """``check_array``, and on failure a hint from :func:`slip_hint` when one fits."""
    with_hint(check_array, name, value, expected, dict(rtol=rtol, atol=atol),
              dict(rtol=max(rtol, 1e-5), atol=max(atol, 1e-8)), n=n, factors=factors, candidates=candidates)


def check_scalar_hinted(name, value, expected, rtol=1e-6, atol=1e-8, n=None, factors=None, candidates=()):
    """``check_scalar``, and on failure a hint from :func:`slip_hint` when one fits."""
    with_hint(check_scalar, name, value, expected, dict(rtol=rtol, atol=atol),
              dict(rtol=max(rtol, 1e-5), atol=max(atol, 1e-8)), n=n, factors=factors, candidates=candidates)


def check_rows_sum_to_one(name, P):
    """Check that every row of ``P`` sums to 1; says so when its columns do instead."""
    P = np.asarray(P, dtype=float)
    rows = P.sum(axis=-1)
    if np.allclose(rows, 1.0):
        return
    hint = ""
    if P.ndim == 2 and np.allclose(P.sum(axis=0), 1.0):
        hint = (" Its columns sum to 1 instead: normalised over axis 0 (the examples) where each row, "
                "one example, should be (axis=1)?")
    elif np.isclose(P.sum(), 1.0):
        hint = " The whole array sums to 1: divided by the sum of every entry instead of each row's sum?"
    raise AssertionError(f"the rows of {name} should each sum to 1; their sums are {np.round(rows, 6)}.{hint}")


def check_layer_grads(name, grads, shapes):
    """Check a list of per-layer gradient dicts: length, no ``None``, keys, then shapes.

    Parameters
    ----------
    name : str
        How the list is called in the message, e.g. ``"grads"``.
    grads : object
        What the student's backward pass returned.
    shapes : list of dict {key: shape}
        The expected shape of each gradient, layer by layer.
    """
    from .testing import check_shape
    if not isinstance(grads, list):
        raise AssertionError(f"{name} should be a list with one dict per layer, got a {type(grads).__name__}.")
    if len(grads) != len(shapes):
        raise AssertionError(f"{name} has {len(grads)} entries for {len(shapes)} layers: one dict per layer.")
    missing = [i for i, g in enumerate(grads) if g is None]
    if missing:
        raise AssertionError(
            f"{name}[{missing[0]}] is None: no gradient was stored for layer {missing[0]} (of {len(shapes)}): "
            "did your loop over the layers skip one? (reversed(range(L)) goes from L - 1 down to 0 included)")
    for i, (g, expected) in enumerate(zip(grads, shapes)):
        if not isinstance(g, dict):
            raise AssertionError(f"{name}[{i}] should be a dict with the keys {sorted(expected)}, "
                                 f"got a {type(g).__name__}.")
        for key, shape in expected.items():
            if key not in g:
                raise AssertionError(f"{name}[{i}] has no key {key!r}; it has {sorted(g)}.")
            check_shape(f"{name}[{i}][{key!r}]", g[key], shape)
