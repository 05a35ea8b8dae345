"""Grader-side references for hidden tests (instructor only, never released).

Hidden tests import from here the tools that would give away an exercise if
they lived in ``tp_utils`` (a numerical gradient is TP1's exercise).
"""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function, in float64.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; may read ``x`` in place.
    x : ndarray of any shape (float64); modified during the call, restored after.
    eps : float

    Returns
    -------
    ndarray, same shape as ``x``
    """
    x = np.asarray(x)
    grad = np.zeros(x.shape, dtype=float)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = float(f(x))
        x[i] = old - eps
        fm = float(f(x))
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad
