"""Answer checks that explain what is wrong: type, then shape, then values.

Every check raises ``AssertionError`` with one sentence a student can act on,
for instance::

    dW has shape (10, 784); expected (784, 10): did you forget a transpose?
"""
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
        hint = f": same number of entries, so a reshape or a missing/extra axis (e.g. (n,) vs (1, n))?"
    elif value.ndim == len(shape) - 1 and value.shape == shape[1:]:
        hint = ": one axis is missing; did you sum or average over the batch axis?"
    elif value.ndim == len(shape) + 1 and value.shape[1:] == shape:
        hint = ": one axis too many; should it be summed over the batch (axis 0)?"
    elif value.ndim == len(shape) + 1 and value.shape[:-1] == shape:
        hint = ": a matrix where a vector was expected; an outer product, or a missing sum over the last axis?"
    raise AssertionError(f"{name} has shape {value.shape}; expected {shape}{hint}")


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
            f"{name} contains {value[idx]} at index {idx} where {expected[idx]:.6g} was expected: "
            "an overflow (exp of a large number?) or a division by zero?")
    close = np.isclose(value, expected, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        err = np.where(close, 0, np.abs(value.astype(float) - expected))
        idx = np.unravel_index(np.argmax(err), err.shape)
        where = f" at index {tuple(int(i) for i in idx)}" if expected.ndim else ""
        raise AssertionError(
            f"{name} is wrong{where}: got {value[idx]:.6g}, expected {expected[idx]:.6g} "
            f"({int((~close).sum())} of {close.size} entries differ).")


def check_scalar(name, value, expected, rtol=1e-6, atol=1e-8):
    """Check that ``value`` is a real number close to ``expected``."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if value is None:
        raise AssertionError(f"{name} is None: did you forget a `return`?")
    if not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool):
        raise AssertionError(f"{name} should be a number, got {_describe(value)}.")
    if not np.isfinite(value):
        raise AssertionError(f"{name} is {value}; expected {expected:.6g}.")
    if not np.isclose(value, expected, rtol=rtol, atol=atol):
        raise AssertionError(f"{name} is {value:.6g}; expected {expected:.6g}.")
