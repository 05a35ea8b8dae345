"""Plotting helpers for the notebooks.

They follow scikit-learn's convention: each helper takes ``ax=None``, draws on ``ax``
(on a new figure if it is None, never on the current axes) and returns what it drew on,
so that a notebook can compose figures::

    fig, axes = plt.subplots(1, 2)
    plot_curves(losses, ax=axes[0])
    plot_decision_boundary(predict, X, y, ax=axes[1])

- one-panel helpers return their matplotlib ``Axes``;
- helpers that draw several panels (the learning curves, the image grids) take and return
  an array of ``Axes``, one per panel;
- ``plot_confusion_matrix`` returns scikit-learn's ``ConfusionMatrixDisplay`` (its ``ax_``
  is the Axes).

No helper calls ``plt.show()``.
"""
import matplotlib.pyplot as plt
import numpy as np


def _axes(ax):
    """``ax``, or the Axes of a new figure if ``ax`` is None."""
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _panels(n, ax, n_cols, size):
    """The Axes of a grid of ``n`` image panels, their frames hidden.

    ``ax`` given: any array of at least ``n`` Axes, returned as an ndarray of its own
    shape (a single Axes as shape (1, 1)). ``ax`` None: a new figure of
    ``ceil(n / n_cols)`` rows and ``n_cols`` columns, each panel ``size`` inches wide.

    Returns ``(axes, flat)``: the ndarray of Axes and the same Axes as a flat array.
    """
    if ax is None:
        n_cols = max(1, min(n_cols, n))
        n_rows = int(np.ceil(n / n_cols))
        _, ax = plt.subplots(n_rows, n_cols, figsize=(size * n_cols, (size + 0.25) * n_rows), squeeze=False)
    axes = np.asarray(ax, dtype=object)
    if axes.ndim == 0:
        axes = axes.reshape(1, 1)
    flat = axes.ravel()
    if flat.size < n:
        raise ValueError(f"{n} panels to draw but {flat.size} axes given")
    for a in flat:
        a.set_axis_off()
    return axes, flat


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
        Where to draw; by default on a new figure.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.
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

    Call it once per method (forward, central, ...) on the same Axes::

        ax = plot_error_vs_eps(eps, forward_errors, label="forward")
        plot_error_vs_eps(eps, central_errors, label="central", ax=ax)

    Parameters
    ----------
    eps : ndarray of shape (k,), positive
        The steps tried.
    errors : ndarray of shape (k,)
        ``|numerical - exact|`` for each step; zeros are drawn at 1e-20.
    label : str, optional
        Legend entry for this curve.
    ax : matplotlib Axes, optional
        Where to draw; by default on a new figure.
    guides : bool
        Also draw dotted grey slopes ``eps`` and ``eps**2`` (truncation error of the
        forward and central differences) and ``1e-16 / eps`` (rounding error).

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.
    """
    eps = np.asarray(eps, dtype=float).ravel()
    errors = np.asarray(errors, dtype=float).ravel()
    if eps.shape != errors.shape:
        raise ValueError(f"{eps.size} steps eps but {errors.size} errors: give one error per step.")
    if not np.all(eps > 0):
        raise ValueError("every step eps must be positive (it is drawn on a log axis).")
    ax = _axes(ax)
    errors = np.maximum(np.abs(errors), 1e-20)
    ax.loglog(eps, errors, "o-", ms=3, label=label, gid="error-vs-eps")
    if guides:
        big, small = np.argmax(eps), np.argmin(eps)
        for y, text, at in ((eps, r"$\varepsilon$", big), (eps ** 2, r"$\varepsilon^2$", big),
                            (1e-16 / eps, r"$10^{-16}/\varepsilon$", small)):
            ax.loglog(eps, y, ":", color="grey", lw=1)
            ax.annotate(text, (eps[at], y[at]), color="grey", fontsize=8)
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
        Where to draw; by default on a new figure.
    speedup : bool
        If there are at least two methods, write the speed-up of the last method
        over the first one (``time_first / time_last``, e.g. ``x37``) next to each
        point of the last curve.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.
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
        def times(r):
            return f"x{r:.0f}" if r >= 10 else f"x{r:.1f}"
        for n, t, r in zip(sizes, last, ratio):
            ax.annotate(times(r), (n, max(t, 1e-9)),
                        textcoords="offset points", xytext=(0, -12), ha="center", fontsize=8)
        ax.set_title(f"{labels[-1]} is {times(ratio[-1])} faster than {labels[0]} at N = {sizes[-1]:.0f}")
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
        Where to draw; by default on a new figure.
    logy : bool
        Logarithmic y axis (vanishing activations show as a straight descent);
        zeros are drawn at 1e-30.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.
    """
    if logy:
        stds = {label: np.maximum(np.asarray(s, dtype=float), 1e-30) for label, s in stds.items()}
    return plot_curves(stds, ax, xlabel="layer", ylabel="std of the activations", logy=logy, style="o-")


# ----------------------------------------------------------------------------- TP4: training
def plot_curves(curves, ax=None, xlabel="epoch", ylabel="loss", logy=False, title=None, style="-"):
    """Several curves on one axes, e.g. the training loss for several learning rates (TP4).

    Parameters
    ----------
    curves : dict {label: sequence of float}
        One curve per entry, drawn against 1, 2, ... (the epochs).
    ax : matplotlib Axes, optional
        Where to draw; by default on a new figure.
    xlabel, ylabel, title : str
    logy : bool
        Logarithmic y axis; non-finite values (a diverging run) are not drawn.
    style : str
        matplotlib format string, e.g. ``"o-"`` for markers on the points.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.
    """
    ax = _axes(ax)
    for label, values in curves.items():
        v = np.asarray(values, dtype=float)
        v = np.where(np.isfinite(v), v, np.nan)
        ax.plot(np.arange(1, v.size + 1), v, style, ms=4, label=str(label))
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def plot_learning_curves(history, ax=None, metrics=("loss", "acc")):
    """Learning curves: each metric on the training and the validation data, per epoch (TP4).

    Parameters
    ----------
    history : dict {name: list of float}
        As returned by ``train``: ``"loss"``, ``"acc"`` and, if there was
        validation data, ``"val_loss"``, ``"val_acc"`` (one value per epoch).
    ax : array-like of matplotlib Axes, optional
        At least one Axes per metric drawn (any shape, read row by row; e.g. a row of
        ``plt.subplots(2, 2)``); by default a new figure with one column per metric.
    metrics : sequence of str
        Which metrics to draw (those missing from ``history`` are skipped).

    Returns
    -------
    axes : ndarray of matplotlib Axes, of shape (n_metrics,)
        The Axes drawn on, ``axes[i]`` for the i-th metric drawn.
    """
    metrics = [m for m in metrics if m in history]
    if ax is None:
        _, ax = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.2), squeeze=False)
    axes = np.atleast_1d(np.asarray(ax, dtype=object)).ravel()
    if len(axes) < len(metrics):
        raise ValueError(f"{len(metrics)} metrics to draw but {len(axes)} axes given")
    names = {"loss": "loss (cross-entropy)", "acc": "accuracy"}
    for a, m in zip(axes, metrics):
        train = np.asarray(history[m], dtype=float)
        epochs = np.arange(1, train.size + 1)
        a.plot(epochs, train, label="train")
        if f"val_{m}" in history and len(history[f"val_{m}"]):
            val = np.asarray(history[f"val_{m}"], dtype=float)
            a.plot(np.arange(1, val.size + 1), val, "--", label="validation")
        a.set_xlabel("epoch")
        a.set_ylabel(names.get(m, m))
        a.grid(True, alpha=0.3)
        a.legend()
    return axes[:len(metrics)]


def plot_decision_boundary(predict, X, y, ax=None, resolution=200, margin=0.5):
    """Decision regions of a 2-D classifier, with the data on top (TP4).

    Parameters
    ----------
    predict : callable
        ``predict(points)`` with ``points`` of shape (M, 2) returns either class
        probabilities of shape (M, K) or labels of shape (M,).
    X : array of shape (N, 2)
        The data (only two features: a plane).
    y : int array of shape (N,)
        Their labels (the colours of the points).
    ax : matplotlib Axes, optional
        Where to draw; by default on a new figure.
    resolution : int
        Grid points per axis.
    margin : float
        How far the grid extends beyond the data.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.
    """
    from sklearn.inspection import DecisionBoundaryDisplay

    ax = _axes(ax)
    X, y = np.asarray(X), np.asarray(y)
    x0 = np.linspace(X[:, 0].min() - margin, X[:, 0].max() + margin, resolution)
    x1 = np.linspace(X[:, 1].min() - margin, X[:, 1].max() + margin, resolution)
    xx0, xx1 = np.meshgrid(x0, x1)
    grid = np.c_[xx0.ravel(), xx1.ravel()].astype(X.dtype if X.dtype.kind == "f" else float)
    out = np.asarray(predict(grid))
    binary = out.ndim == 2 and out.shape[1] == 2
    if binary:  # binary: the probability of class 1, shaded
        response = out[:, 1]
        display = DecisionBoundaryDisplay(xx0=xx0, xx1=xx1, n_classes=2,
                                          response=response.reshape(xx0.shape))
        display.plot(ax=ax, plot_method="contourf", cmap="RdBu_r", alpha=0.6,
                     levels=np.linspace(0, 1, 11))
    else:  # the predicted class, one colour per class (as the points)
        response = out.argmax(axis=1) if out.ndim == 2 else out
        ax.pcolormesh(xx0, xx1, response.reshape(xx0.shape), cmap="tab10", vmin=0, vmax=9,
                      alpha=0.3, shading="auto")
    if binary:
        ax.contour(xx0, xx1, response.reshape(xx0.shape), levels=[0.5], colors="k", linewidths=1)
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu_r", vmin=0, vmax=1, s=12,
                   edgecolors="k", linewidths=0.3)
    else:
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap="tab10", vmin=0, vmax=9, s=12,
                   edgecolors="k", linewidths=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def plot_confusion_matrix(y_true, y_pred, ax=None, normalize=None, labels=None):
    """Confusion matrix (matrice de confusion): row = true class, column = predicted class (TP4).

    Parameters
    ----------
    y_true, y_pred : int arrays of shape (N,)
    ax : matplotlib Axes, optional
        Where to draw; by default on a new figure.
    normalize : {None, "true", "pred", "all"}
        As in scikit-learn: counts (None) or fractions per row / column / overall.
    labels : sequence, optional
        The classes to show (default: all that appear).

    Returns
    -------
    display : sklearn.metrics.ConfusionMatrixDisplay
        ``display.ax_`` is the Axes drawn on, ``display.confusion_matrix`` the matrix,
        of shape (K, K), and ``display.text_`` the numbers written in its cells.
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    ax = _axes(ax)
    display = ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, labels=labels, normalize=normalize, ax=ax, colorbar=False,
        values_format=".2f" if normalize else "d", cmap="Blues")
    ax.set_title(f"accuracy {np.mean(np.asarray(y_true) == np.asarray(y_pred)):.1%}")
    return display


def plot_image_grid(images, titles=None, ax=None, n_cols=8, shape=(28, 28), cmap="gray_r"):
    """A grid of small images, each with an optional title (TP4).

    Parameters
    ----------
    images : array of shape (n, h*w) or (n, h, w)
        One image per row (e.g. MNIST digits of 784 pixels).
    titles : sequence of str, optional, length n
    ax : array-like of matplotlib Axes, optional
        At least n Axes (any shape, filled row by row); by default a new figure of
        ``ceil(n / n_cols)`` rows and ``n_cols`` columns.
    n_cols : int
    shape : (h, w)
        Image shape when the rows are flat.
    cmap : str

    Returns
    -------
    axes : ndarray of matplotlib Axes, of shape (n_rows, n_cols) or the shape of ``ax``
        The Axes drawn on, image i in ``axes.flat[i]``; the panels left over stay blank.
    """
    images = np.asarray(images)
    axes, flat = _panels(len(images), ax, n_cols, size=1.2)
    for i, img in enumerate(images):
        flat[i].imshow(img.reshape(shape), cmap=cmap)
        if titles is not None:
            flat[i].set_title(titles[i], fontsize=8)
    return axes


def plot_worst_mistakes(X, y_true, proba, k=16, ax=None, n_cols=8, shape=(28, 28)):
    """The k misclassified images the network was most confident about (TP4).

    "Worst" means the lowest probability given to the true class. Each title
    reads ``pred 3 (0.97) / true 5``.

    Parameters
    ----------
    X : array of shape (N, h*w), the images (one per row)
    y_true : int array of shape (N,)
    proba : array of shape (N, K), the predicted class probabilities
    k : int, how many to show (fewer if there are fewer mistakes)
    ax : array-like of matplotlib Axes, optional
        At least ``min(k, number of mistakes)`` Axes (at least one); by default a new
        figure, whose title then says how many mistakes there are.
    n_cols : int
    shape : (h, w)

    Returns
    -------
    axes : ndarray of matplotlib Axes, of shape (n_rows, n_cols) or the shape of ``ax``
        The Axes drawn on, the i-th worst mistake in ``axes.flat[i]``; with no mistake
        at all, ``axes.flat[0]`` says "no mistakes".
    """
    y_true, proba = np.asarray(y_true), np.asarray(proba)
    pred = proba.argmax(axis=1)
    wrong = np.flatnonzero(pred != y_true)
    worst = wrong[np.argsort(proba[wrong, y_true[wrong]], kind="stable")][:k]
    if len(worst) == 0:
        axes, flat = _panels(1, ax, n_cols=1, size=2.0)
        flat[0].text(0.5, 0.5, "no mistakes", ha="center", va="center", transform=flat[0].transAxes)
        return axes
    titles = [f"pred {pred[i]} ({proba[i, pred[i]]:.2f})\ntrue {y_true[i]}" for i in worst]
    axes = plot_image_grid(np.asarray(X)[worst], titles, ax=ax, n_cols=n_cols, shape=shape)
    if ax is None:  # our own figure: say how many mistakes there are
        fig = axes.flat[0].figure
        fig.suptitle(f"{len(worst)} worst of {len(wrong)} mistakes", fontsize=10)
        fig.tight_layout()
    return axes


def plot_weight_images(W, ax=None, n=32, n_cols=8, shape=(28, 28)):
    """First-layer weights as images: row i of W is what hidden unit i looks for (TP4).

    Blue: positive weight (this pixel on excites the unit), red: negative; each image
    has its own symmetric colour scale.

    Parameters
    ----------
    W : array of shape (n_hidden, h*w)
        First-layer weights, course convention (n_out, n_in).
    ax : array-like of matplotlib Axes, optional
        At least ``min(n, n_hidden)`` Axes; by default a new figure of ``n_cols`` columns.
    n : int, how many hidden units to show
    n_cols : int
    shape : (h, w)

    Returns
    -------
    axes : ndarray of matplotlib Axes, of shape (n_rows, n_cols) or the shape of ``ax``
        The Axes drawn on, unit i in ``axes.flat[i]``.
    """
    W = np.asarray(W)
    if W.ndim != 2 or W.shape[1] != int(np.prod(shape)):
        raise ValueError(f"W has shape {W.shape}; expected (n_hidden, {int(np.prod(shape))}), "
                         "one row per hidden unit (did you pass W.T?)")
    W = W[:n]
    axes, flat = _panels(len(W), ax, n_cols, size=1.0)
    for i, w in enumerate(W):
        m = float(np.abs(w).max()) or 1.0
        flat[i].imshow(w.reshape(shape), cmap="RdBu", vmin=-m, vmax=m)
        flat[i].set_title(f"unit {i}", fontsize=7)
    return axes


def plot_random_search(results, ax=None, x="lr", y="weight_decay", score="val_acc"):
    """A random search's configurations, on log axes, coloured by their score (TP4).

    Parameters
    ----------
    results : list of dict
        One dict per configuration, with at least the keys ``x``, ``y`` and ``score``,
        e.g. ``{"lr": 0.3, "weight_decay": 1e-4, "val_acc": 0.91}``.
    ax : matplotlib Axes, optional
        Where to draw; by default on a new figure.
    x, y : str
        The two hyper-parameters drawn (both on a logarithmic axis).
    score : str
        The value that colours each point; the best (largest) one is circled.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.
    """
    ax = _axes(ax)
    xs = np.array([r[x] for r in results], dtype=float)
    ys = np.array([r[y] for r in results], dtype=float)
    cs = np.array([r[score] for r in results], dtype=float)
    points = ax.scatter(xs, ys, c=cs, cmap="viridis", s=60, edgecolors="k", linewidths=0.5)
    ax.figure.colorbar(points, ax=ax, label=score)
    best = int(np.nanargmax(cs))
    ax.scatter(xs[best], ys[best], s=220, facecolors="none", edgecolors="r", linewidths=1.5,
               label=f"best: {score} {cs[best]:.3g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.legend(loc="best")
    ax.grid(True, alpha=0.3)
    return ax


# ----------------------------------------------------------------------------- TP5: convolutions
def plot_filters(W, ax=None, channel=0, n_cols=8):
    """Convolution filters as small images, one panel per filter (TP5).

    Blue: positive weight, red: negative; one symmetric colour scale for all the filters,
    so that they can be compared.

    Parameters
    ----------
    W : array of shape (C_out, C_in, kH, kW)
        Conv weights, course convention: one filter per index of the first axis.
    ax : array-like of matplotlib Axes, optional
        At least C_out Axes (any shape, filled row by row); by default a new figure of
        ``n_cols`` columns.
    channel : int
        Which input channel of each filter to show (0 for grey images such as MNIST).
    n_cols : int

    Returns
    -------
    axes : ndarray of matplotlib Axes, of shape (n_rows, n_cols) or the shape of ``ax``
        The Axes drawn on, filter o in ``axes.flat[o]``.
    """
    W = np.asarray(W, dtype=float)
    if W.ndim != 4:
        raise ValueError(f"W has shape {W.shape}; expected (C_out, C_in, kH, kW), one filter per row.")
    if not 0 <= channel < W.shape[1]:
        raise ValueError(f"channel {channel} does not exist: the filters have {W.shape[1]} input channel(s).")
    m = float(np.abs(W[:, channel]).max()) or 1.0
    axes, flat = _panels(len(W), ax, n_cols, size=1.1)
    for o, w in enumerate(W[:, channel]):
        flat[o].imshow(w, cmap="RdBu", vmin=-m, vmax=m)
        flat[o].set_title(f"filter {o}", fontsize=7)
    return axes


def plot_feature_maps(maps, image=None, ax=None, n_cols=9, cmap="viridis"):
    """The feature maps of one image, one panel per channel, optionally after the image itself (TP5).

    Each map has its own colour scale, from its minimum to its maximum.

    Parameters
    ----------
    maps : array of shape (C, H_out, W_out)
        The output of a layer for one image (e.g. ``A1[n]`` of a batch ``A1`` of shape (N, C, H, W)).
    image : array of shape (H, W), optional
        The input image, drawn first (in grey).
    ax : array-like of matplotlib Axes, optional
        At least C Axes (C + 1 with ``image``); by default a new figure of ``n_cols`` columns.
    n_cols : int
    cmap : str

    Returns
    -------
    axes : ndarray of matplotlib Axes, of shape (n_rows, n_cols) or the shape of ``ax``
        The Axes drawn on: the image (if given) then map c, row by row.
    """
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3:
        raise ValueError(f"maps has shape {maps.shape}; expected (C, H_out, W_out), the maps of one image "
                         "(index the batch first: A[n]).")
    panels = ([("input", np.asarray(image, dtype=float), "gray_r")] if image is not None else []) + \
             [(f"map {c}", m, cmap) for c, m in enumerate(maps)]
    axes, flat = _panels(len(panels), ax, n_cols, size=1.1)
    for a, (title, img, colours) in zip(flat, panels):
        a.imshow(img, cmap=colours)
        a.set_title(title, fontsize=7)
    return axes
