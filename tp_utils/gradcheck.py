"""Compare an analytic gradient with a numerical one, and say it in plain words.

This module does not compute numerical gradients (that is an exercise of TP1):
it compares two arrays you already have. TP1's ``gradient_check`` is the relative
error of CS231n, entry by entry, then its largest value::

    rel = max_i ( |a_i - n_i| / max(1e-8, |a_i| + |n_i|) )

That formula raises false alarms on tiny entries: a central difference with step
eps = 1e-6 carries a rounding error of about 1e-16 |f| / eps ~ 1e-10 (for a loss f
of order 1) whatever the size of the entry, so an exact analytic entry of 1e-7 shows
a relative error of 1e-3. The report here is **scale-aware**: each entry's error is
measured against at least a thousandth of the gradient's scale::

    scale = max(1, max_j |n_j|)
    rel   = max_i ( |a_i - n_i| / max(|a_i| + |n_i|, FLOOR * scale) ),   FLOOR = 1e-3

so an entry a thousand times smaller than the largest one (or than 1) is judged at
that level, where the noise of the numerical gradient is below 1e-7, and a wrong
entry of any size still shows (its error is of the order of the entry itself).
Rule of thumb for this number: below 1e-6 the gradient is right; above 1e-2 it is
wrong; in between, look closer (a kink such as ReLU at 0, or float32 inputs).
"""
import numpy as np

RIGHT, WRONG = 1e-6, 1e-2
FLOOR = 1e-3


def relative_error(analytic, numeric, floor=FLOOR):
    """Entry-wise scale-aware relative error, same shape as the inputs.

    Parameters
    ----------
    analytic, numeric : array_like, same shape
    floor : float
        Each entry's error is divided by at least ``floor * max(1, max|numeric|)``;
        ``floor=0`` gives the plain CS231n formula (TP1's ``gradient_check``, floor 1e-8).

    Returns
    -------
    ndarray, same shape: ``|a - n| / max(|a| + |n|, floor * max(1, max|n|), 1e-8)``
    """
    a = np.asarray(analytic, dtype=float)
    n = np.asarray(numeric, dtype=float)
    scale = max(1.0, float(np.max(np.abs(n)))) if n.size and np.all(np.isfinite(n)) else 1.0
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), max(1e-8, floor * scale))


def gradient_report(analytic, numeric, name="gradient", worst=3, floor=FLOOR):
    """Describe how far an analytic gradient is from a numerical one.

    Parameters
    ----------
    analytic, numeric : array_like, same shape
    name : str
        What the gradient is of (used in the message).
    worst : int
        How many of the worst entries to list.
    floor : float
        See :func:`relative_error`.

    Returns
    -------
    (float, str)
        The maximum scale-aware relative error and a few lines explaining it.
    """
    a, n = np.asarray(analytic), np.asarray(numeric)
    if a.shape != n.shape:
        return np.inf, f"{name}: analytic shape {a.shape} differs from numerical shape {n.shape}."
    rel = relative_error(a, n, floor=floor)
    top = float(rel.max()) if rel.size else 0.0
    if not np.isfinite(top):
        top = np.inf
    verdict = ("looks right" if top < RIGHT else "is wrong" if top > WRONG
               else "is borderline: look closer (a kink such as ReLU at 0? float32?)")
    lines = [f"{name} {verdict}: max relative error {top:.2e} (scale-aware, floor {floor:g} x max(1, max|numerical|))."]
    if top >= RIGHT and rel.size:
        order = np.argsort(np.nan_to_num(rel, nan=np.inf), axis=None)[::-1][:worst]
        for flat in order:
            idx = np.unravel_index(flat, rel.shape)
            i = tuple(int(k) for k in idx) if rel.ndim else ()
            lines.append(f"  at index {i}: analytic {a[idx]:.6g}, numerical {n[idx]:.6g} "
                         f"(relative error {rel[idx]:.1e})")
        with np.errstate(all="ignore"):
            ratio = np.sum(a * n) / max(np.sum(n * n), 1e-300)
            if np.allclose(a, -n, rtol=1e-4, atol=1e-9):
                lines.append("  The analytic gradient is the opposite of the numerical one: a sign error?")
            elif abs(ratio - 1) > 1e-3 and abs(ratio) > 1e-12 and np.allclose(a, ratio * n, rtol=1e-4, atol=1e-9):
                lines.append(f"  The analytic gradient is {ratio:.4g} times the numerical one: "
                             "a missing or extra constant factor (1/N? 2?)")
    return top, "\n".join(lines)


def check_gradient(name, analytic, numeric, tol=1e-5, floor=FLOOR):
    """Raise ``AssertionError`` with an explanation if the scale-aware relative error exceeds ``tol``."""
    top, text = gradient_report(analytic, numeric, name, floor=floor)
    if not top <= tol:
        raise AssertionError(text)
    return top
