"""Answer checks that explain what is wrong: type, then shape, then values.

Every check raises ``AssertionError`` with one sentence a student can act on,
for instance::

    dW has shape (784, 10); expected (10, 784): did you forget a transpose (.T)?

(a weight matrix is (n_out, n_in), as everywhere in the course: here 10 outputs, 784 inputs)
"""
import warnings

import numpy as np


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"a {type(value).__name__}"


def check_shape(name, value, shape):
    """Check that ``value`` is a numpy array of shape ``shape``.

    Parameters
    ----------
    name : str
        How the student calls this array (used in the message).
    value : object
        What the student's code returned.
    shape : tuple of int
        The expected shape.
    """
    if value is None:
        raise AssertionError(f"{name} is None: did you forget a `return`?")
    if not isinstance(value, np.ndarray):
        raise AssertionError(
            f"{name} should be a numpy array of shape {tuple(shape)}, got {_describe(value)}.")
    shape = tuple(shape)
    if value.shape == shape:
        return
    hint = ""
    if value.ndim == 2 and value.shape[::-1] == shape:
        hint = ": did you forget a transpose (.T)?"
    elif value.size == int(np.prod(shape)):
        hint = ": same number of entries, so a reshape or a missing/extra axis (e.g. (n,) vs (1, n))?"
    elif value.ndim == len(shape) - 1 and value.shape == shape[1:]:
        hint = ": one axis is missing; did you sum or average over the batch axis?"
    elif value.ndim == len(shape) + 1 and value.shape[1:] == shape:
        hint = ": one axis too many; should it be summed over the batch (axis 0)?"
    elif value.ndim == len(shape) + 1 and value.shape[:-1] == shape:
        hint = ": a matrix where a vector was expected; an outer product, or a missing sum over the last axis?"
    raise AssertionError(f"{name} has shape {value.shape}; expected {shape}{hint}")


def _num(v):
    """A number with all the digits its dtype holds (float32: 9, float64: 17, shortest that round-trips)."""
    v = np.asarray(v)[()]
    if isinstance(v, np.generic):
        return f"{str(v)} ({v.dtype})"
    return repr(v)


def _precision(value, expected, idx, rtol, atol, bad, total):
    """The sentence of a value mismatch: both values in full, their errors and the tolerance."""
    v, e = np.asarray(value, dtype=float)[idx], np.asarray(expected, dtype=float)[idx]
    err = abs(v - e)
    rel = f"{err / abs(e):.2e}" if e != 0 else "inf (expected 0)"
    with np.errstate(all="ignore"):
        all_err = np.abs(np.asarray(value, dtype=float) - np.asarray(expected, dtype=float))
    max_err = float(np.nanmax(all_err)) if all_err.size else err
    return (f"got {_num(np.asarray(value)[idx])}, expected {_num(np.asarray(expected)[idx])}: "
            f"absolute error {err:.2e}, relative error {rel} (allowed: {atol:.1e} + {rtol:.1e} x |expected|); "
            f"{bad} of {total} entries differ, largest absolute error {max_err:.2e}.")


def check_array(name, value, expected, rtol=1e-6, atol=1e-8):
    """Check type, shape, finiteness and values of an array answer.

    Parameters
    ----------
    name : str
        How the student calls this array (used in the message).
    value : array_like
        What the student's code returned.
    expected : array_like
        The reference value, same shape.
    rtol, atol : float
        Tolerances, as in ``numpy.isclose``: ``|value - expected| <= atol + rtol * |expected|``.
        A tiny ``atol`` (e.g. 1e-300) asks for relative accuracy, also where values are tiny.

    A mismatch names the worst entry (the one furthest outside the tolerance), with both values
    in full precision and their dtypes, the absolute and relative errors, and the largest
    absolute error over all entries.
    """
    expected = np.asarray(expected)
    if np.isscalar(value) and expected.ndim == 0:
        value = np.asarray(value)
    check_shape(name, value, expected.shape)
    if not np.issubdtype(value.dtype, np.number) and value.dtype != bool:
        raise AssertionError(f"{name} has dtype {value.dtype}; expected numbers.")
    bad = ~np.isfinite(value) & np.isfinite(expected)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(
            f"{name} contains {value[idx]} at index {idx} where {_num(expected[idx])} was expected: "
            "an overflow (exp of a large number?) or a division by zero?")
    close = np.isclose(value, expected, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        with np.errstate(all="ignore"):
            excess = np.abs(value.astype(float) - expected) / (atol + rtol * np.abs(expected.astype(float)))
        excess = np.where(close, 0, np.nan_to_num(excess, nan=np.inf))
        idx = np.unravel_index(np.argmax(excess), excess.shape)
        where = f" at index {tuple(int(i) for i in idx)}" if expected.ndim else ""
        raise AssertionError(f"{name} is wrong{where}: "
                             + _precision(value, expected, idx, rtol, atol, int((~close).sum()), close.size))


def check_scalar(name, value, expected, rtol=1e-6, atol=1e-8):
    """Check that ``value`` is a real number close to ``expected``."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if value is None:
        raise AssertionError(f"{name} is None: did you forget a `return`?")
    if not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool):
        raise AssertionError(f"{name} should be a number, got {_describe(value)}.")
    if not np.isfinite(value):
        raise AssertionError(f"{name} is {value}; expected {expected!r}.")
    if not np.isclose(value, expected, rtol=rtol, atol=atol):
        err = abs(float(value) - float(expected))
        rel = f"{err / abs(expected):.2e}" if expected != 0 else "inf (expected 0)"
        raise AssertionError(f"{name} is {_num(value)}; expected {_num(np.float64(expected))}: absolute error "
                             f"{err:.2e}, relative error {rel} (allowed: {atol:.1e} + {rtol:.1e} x |expected|).")


# ------------------------------------------------------------------ overflow under np.errstate
_WHY = {
    "overflow": "somewhere it computes exp of a large positive number (exp overflows above 709.78 in "
                "float64, 88.7 in float32): rewrite the formula so that exp only sees -|x| <= 0",
    "divide": "it takes the log of 0 (a value that underflowed to 0 first, e.g. log(sigmoid(x)) for "
              "x = -1e4) or divides by 0: compute the log directly from a stable formula",
    "invalid": "it computes inf - inf, inf / inf or 0 * inf: a value overflowed to inf first; "
               "rewrite the formula so that exp only sees -|x| <= 0",
}
WHERE_TRAP = ("Careful: np.where(cond, a, b) computes both a and b on the whole array before choosing, "
              "so the branch it does not keep still overflows; compute z = np.exp(-np.abs(x)) once, or use masks.")


def _kind(err):
    text = str(err)
    for kind in ("overflow", "divide", "invalid"):
        if kind in text:
            return kind
    return "overflow" if isinstance(err, OverflowError) else "invalid"


def _fails_alone(func, x, kwargs):
    """The entries of ``x`` on which ``func`` alone raises (for an element-wise function)."""
    found = []
    for value in x.ravel():
        one = np.full((1,) * x.ndim, value, dtype=x.dtype)
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"), warnings.catch_warnings():
                warnings.simplefilter("error", RuntimeWarning)
                func(one.copy(), **kwargs)
        except (FloatingPointError, ArithmeticError, RuntimeWarning):
            found.append(value)
        except Exception:
            pass
        if len(found) >= 4:
            break
    return found


def call_strict(name, func, x, elementwise=True, **kwargs):
    """``func(x, **kwargs)`` with numpy's floating-point checks on; explain what overflowed.

    Inside, an overflow, a division by zero or an invalid value raises instead of giving
    ``inf`` or ``nan`` with a ``RuntimeWarning`` (``np.errstate(over="raise", ...)``). When it
    does, the ``AssertionError`` says which inputs make ``func`` fail (for an element-wise
    ``func``), what went wrong, and the ``np.where`` trap.

    Parameters
    ----------
    name : str
        The call as the student would write it, e.g. ``"sigmoid(x)"``.
    func : callable
    x : ndarray
        The input.
    elementwise : bool
        Whether ``func`` works entry by entry: then each entry of ``x`` is tried alone to name
        the culprits.

    Returns
    -------
    What ``func(x, **kwargs)`` returns.
    """
    x = np.asarray(x)
    pristine = x.copy()   # func gets x itself: a caller can still see whether func modified it
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"), warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            return func(x, **kwargs)
    except (FloatingPointError, ArithmeticError, RuntimeWarning) as err:
        x = pristine
        culprits = _fails_alone(func, x, kwargs) if elementwise and x.ndim else []
        inputs = (f"for x = {', '.join(f'{float(v):g}' for v in culprits)}" if culprits
                  else f"for an input with |x| up to {float(np.max(np.abs(x))):g}" if x.size else "")
        raise AssertionError(f"{name} failed {inputs} ({type(err).__name__}: {err}): "
                             f"{_WHY[_kind(err)]}. {WHERE_TRAP}") from None
