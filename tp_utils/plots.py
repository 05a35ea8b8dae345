"""Plotting helpers for the notebooks.

Each helper takes ``ax=None``, draws on it (a new one if None) and returns it, so
a notebook can compose figures. No helper calls ``plt.show()``.
"""
import matplotlib.pyplot as plt
import numpy as np


def _axes(ax):
    return plt.gca() if ax is None else ax


def plot_function_and_derivative(f, df, x=None, name="f", ax=None):
    """Draw a function and its derivative on the same axes (TP1).

    Parameters
    ----------
    f, df : callable
        Element-wise functions: ``f(x)`` and ``df(x)`` return arrays of the shape of ``x``.
    x : ndarray of shape (n,), optional
        Where to evaluate them; default 400 points in [-6, 6].
    name : str
        The function's name, used in the legend (``name`` and ``name'``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    x = np.linspace(-6, 6, 400) if x is None else np.asarray(x)
    ax.plot(x, f(x), label=f"{name}(x)")
    ax.plot(x, df(x), "--", label=f"{name}'(x)")
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("x")
    ax.set_title(name)
    ax.legend()
    return ax


def plot_error_vs_eps(eps, errors, label=None, ax=None, guides=False):
    """Log-log plot of the error of a numerical derivative against the step ``eps`` (TP1).

    Call it once per method (forward, central, ...) on the same ``ax``.

    Parameters
    ----------
    eps : ndarray of shape (k,), positive
        The steps tried.
    errors : ndarray of shape (k,)
        ``|numerical - exact|`` for each step; zeros are drawn at 1e-20.
    label : str, optional
        Legend entry for this curve.
    ax : matplotlib Axes, optional
    guides : bool
        Also draw dashed grey slopes ``eps`` and ``eps**2`` (truncation error of the
        forward and central differences) and ``1e-16 / eps`` (rounding error).

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    eps = np.asarray(eps, dtype=float)
    errors = np.maximum(np.abs(np.asarray(errors, dtype=float)), 1e-20)
    ax.loglog(eps, errors, "o-", ms=3, label=label, gid="error-vs-eps")
    if guides:
        for y, text in ((eps, r"$\varepsilon$"), (eps ** 2, r"$\varepsilon^2$"),
                        (1e-16 / eps, r"$10^{-16}/\varepsilon$")):
            ax.loglog(eps, y, ":", color="grey", lw=1)
            ax.annotate(text, (eps[-1], y[-1]), color="grey", fontsize=8)
    # zoom on the error curves (all of them, if called several times), not on the guides
    ys = np.concatenate([line.get_ydata() for line in ax.get_lines() if line.get_gid() == "error-vs-eps"])
    ax.set_ylim(max(1e-18, ys.min() / 10), max(1.0, ys.max() * 10))
    ax.set_xlabel(r"step $\varepsilon$")
    ax.set_ylabel("absolute error")
    ax.grid(True, which="major", alpha=0.3)
    if label is not None:
        ax.legend()
    return ax


def plot_timings(sizes, timings, ax=None, speedup=True):
    """Log-log plot of running time against batch size, one line per method (TP3).

    Parameters
    ----------
    sizes : sequence of int, length k
        The batch sizes N (x axis).
    timings : dict {label: sequence of float, length k}
        Seconds per call of each method, one value per size, e.g.
        ``{"loop": [...], "vectorised": [...]}``.
    ax : matplotlib Axes, optional
    speedup : bool
        If there are at least two methods, write the speed-up of the last method
        over the first one (``time_first / time_last``, e.g. ``x37``) next to each
        point of the last curve.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    sizes = np.asarray(sizes, dtype=float)
    curves = {label: np.asarray(t, dtype=float) for label, t in timings.items()}
    for label, t in curves.items():
        if t.shape != sizes.shape:
            raise ValueError(f"timings[{label!r}] has {t.size} values for {sizes.size} sizes")
        ax.loglog(sizes, np.maximum(t, 1e-9), "o-", ms=4, label=label)
    if speedup and len(curves) >= 2:
        labels = list(curves)
        first, last = curves[labels[0]], curves[labels[-1]]
        ratio = first / np.maximum(last, 1e-12)
        for n, t, r in zip(sizes, last, ratio):
            ax.annotate(f"x{r:.0f}" if r >= 10 else f"x{r:.1f}", (n, max(t, 1e-9)),
                        textcoords="offset points", xytext=(0, -12), ha="center", fontsize=8)
        ax.set_title(f"{labels[-1]} is x{ratio[-1]:.0f} faster than {labels[0]} at N = {sizes[-1]:.0f}")
    ax.set_xlabel("batch size N")
    ax.set_ylabel("seconds per call")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return ax


def plot_layer_std(stds, ax=None, logy=True):
    """Standard deviation of the activations, layer after layer, one line per setting (TP3).

    Parameters
    ----------
    stds : dict {label: sequence of float}
        ``stds[label][i]`` is the standard deviation of the activations ``A`` of
        layer ``i + 1`` (layer 1 is the first hidden layer).
    ax : matplotlib Axes, optional
    logy : bool
        Logarithmic y axis (vanishing activations show as a straight descent);
        zeros are drawn at 1e-30.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    for label, s in stds.items():
        s = np.asarray(s, dtype=float)
        layers = np.arange(1, s.size + 1)
        ax.plot(layers, np.maximum(s, 1e-30) if logy else s, "o-", ms=4, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel("std of the activations")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return ax
