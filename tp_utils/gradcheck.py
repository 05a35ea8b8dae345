"""Compare an analytic gradient with a numerical one, and say it in plain words.

This module does not compute numerical gradients (that is an exercise of TP1):
it compares two arrays you already have, with the relative error of CS231n,
taken entry by entry, then its largest value::

    rel = max_i ( |a_i - n_i| / max(1e-8, |a_i| + |n_i|) )

Rule of thumb: below 1e-7 the gradient is right; above 1e-2 it is wrong; in
between, look closer (a kink such as ReLU at 0, or float32 inputs).
"""
import numpy as np

RIGHT, WRONG = 1e-7, 1e-2


def relative_error(analytic, numeric):
    """Entry-wise relative error, same shape as the inputs.

    Parameters
    ----------
    analytic, numeric : array_like, same shape
    """
    a = np.asarray(analytic, dtype=float)
    n = np.asarray(numeric, dtype=float)
    return np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))


def gradient_report(analytic, numeric, name="gradient", worst=3):
    """Describe how far an analytic gradient is from a numerical one.

    Parameters
    ----------
    analytic, numeric : array_like, same shape
    name : str
        What the gradient is of (used in the message).
    worst : int
        How many of the worst entries to list.

    Returns
    -------
    (float, str)
        The maximum relative error and a few lines explaining it.
    """
    a, n = np.asarray(analytic), np.asarray(numeric)
    if a.shape != n.shape:
        return np.inf, f"{name}: analytic shape {a.shape} differs from numerical shape {n.shape}."
    rel = relative_error(a, n)
    top = float(rel.max()) if rel.size else 0.0
    verdict = ("looks right" if top < RIGHT else "is wrong" if top > WRONG
               else "is borderline: look closer (a kink such as ReLU at 0? float32?)")
    lines = [f"{name} {verdict}: max relative error {top:.2e}."]
    if top >= RIGHT and rel.size:
        order = np.argsort(rel, axis=None)[::-1][:worst]
        for flat in order:
            idx = np.unravel_index(flat, rel.shape)
            i = tuple(int(k) for k in idx) if rel.ndim else ()
            lines.append(f"  at index {i}: analytic {a[idx]:.6g}, numerical {n[idx]:.6g} "
                         f"(relative error {rel[idx]:.1e})")
        ratio = np.sum(a * n) / max(np.sum(n * n), 1e-300)
        if np.allclose(a, -n, rtol=1e-4, atol=1e-9):
            lines.append("  The analytic gradient is the opposite of the numerical one: a sign error?")
        elif abs(ratio - 1) > 1e-3 and abs(ratio) > 1e-12 and np.allclose(a, ratio * n, rtol=1e-4, atol=1e-9):
            lines.append(f"  The analytic gradient is {ratio:.4g} times the numerical one: "
                         "a missing or extra constant factor (1/N? 2?)")
    return top, "\n".join(lines)


def check_gradient(name, analytic, numeric, tol=1e-5):
    """Raise ``AssertionError`` with an explanation if the relative error exceeds ``tol``."""
    top, text = gradient_report(analytic, numeric, name)
    if not top <= tol:
        raise AssertionError(text)
    return top
