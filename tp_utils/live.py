"""Watch a network learn: the decision boundary and the learning curves, redrawn while it trains.

In a notebook, pass a ``LiveTraining`` as the ``callback`` of your training loop;
the loop calls it after every epoch as ``callback(epoch, state, history)``::

    live = LiveTraining(X, y, predict=lambda params, P: predict_proba(params, P), every=5)
    history = train(params, X, Y, ..., callback=live)

The figure replaces the cell's output in the notebook (``clear_output`` then
``display``: it also clears the rest of the cell's output), and
each frame can also be saved as a PNG (``out_dir``).

From a terminal, for a class demo without any student code (the model is
scikit-learn's ``MLPClassifier``, trained one epoch at a time)::

    python -m tp_utils.live                       # a window redrawn while it trains
    python -m tp_utils.live --out build/live_frames --png docs/live_demo.png

With a display, the figure opens in a window and is redrawn every ``--every``
epochs (``--no-window`` to turn it off); without one (a server, ``MPLBACKEND=Agg``)
the frames are only saved as PNG files. Either way a progress bar in the terminal
shows the epoch and the latest accuracies.

This module has no training loop of its own for numpy networks: writing one is
the exercise of TP4.
"""
import argparse
import time
from pathlib import Path

import matplotlib

import numpy as np

from . import plots


def _interactive_backend():
    """True if matplotlib's backend can open windows (TkAgg, QtAgg, macosx...; not Agg or inline)."""
    name = matplotlib.get_backend().lower()
    try:
        from matplotlib.backends import BackendFilter, backend_registry  # matplotlib >= 3.9

        return name in backend_registry.list_builtin(BackendFilter.INTERACTIVE)
    except ImportError:
        return name not in ("agg", "pdf", "svg", "ps", "cairo", "template") and "inline" not in name


def plt_fignum_exists(fig):
    """The window of fig is still open (the user may have closed it)."""
    import matplotlib.pyplot as plt

    return plt.fignum_exists(fig.number)


def _in_notebook():
    try:
        from IPython import get_ipython

        shell = get_ipython()
        return shell is not None and "IPKernelApp" in shell.config
    except Exception:
        return False


class LiveTraining:
    """A callback that redraws the decision boundary and the learning curves.

    Parameters
    ----------
    X : array of shape (N, 2)
        The 2-D data whose decision boundary is drawn (``None``: curves only).
    y : int array of shape (N,)
        Their labels.
    predict : callable, optional
        ``predict(state, points)`` returns class probabilities (M, K) or labels (M,)
        for ``points`` of shape (M, 2); ``state`` is what the loop passes (a dict of
        parameters, a scikit-learn model, ...).
    every : int
        Redraw after every ``every`` epochs (and after the first one).
    out_dir : str or Path, optional
        Save each frame there as ``frame_0001.png``, ``frame_0002.png``, ...
    show : bool, optional
        Update a figure in the notebook (default: when running in a notebook).
    title : str
        Shown above the figure, followed by the epoch number.
    window : bool
        Outside a notebook: open the figure in a window (interactive matplotlib
        backend) and redraw it there; ignored with a non-interactive backend (Agg).
    frame_dpi : int
        Resolution of the saved frames: at 150 dpi a three-panel frame is 1890 x 540
        pixels, sharp on a projector.

    Attributes
    ----------
    fig : matplotlib Figure
    frames : list of Path, the frames saved so far
    """

    def __init__(self, X=None, y=None, predict=None, every=1, out_dir=None, show=None,
                 title="training", resolution=120, window=False, frame_dpi=150):
        import matplotlib.pyplot as plt

        self.X, self.y, self.predict = X, y, predict
        self.every, self.title, self.resolution = max(1, int(every)), title, resolution
        self.out_dir = None if out_dir is None else Path(out_dir)
        self.frame_dpi = frame_dpi  # 150 dpi: a 3-panel frame is 1890 x 540 px, projector-wide
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        self.show = _in_notebook() if show is None else show
        boundary = X is not None and predict is not None
        n = 3 if boundary else 2
        self.fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 3.6))
        self.window = bool(window) and not self.show and _interactive_backend()
        if self.window:
            plt.show(block=False)  # an empty window at once, filled by each draw()
        else:
            plt.close(self.fig)  # drawn on demand only, never twice by the inline backend
        self.ax_boundary = axes[0] if boundary else None
        self.ax_curves = axes[1:] if boundary else axes
        self.frames, self._start = [], time.perf_counter()

    def __call__(self, epoch, state, history):
        """Called by the training loop after each epoch (``epoch`` counts from 0)."""
        if epoch == 0 or (epoch + 1) % self.every == 0:
            self.draw(epoch, state, history)

    def draw(self, epoch, state, history):
        """Redraw the figure for this epoch; show it and/or save it."""
        for a in self.fig.axes:
            a.clear()
        if self.ax_boundary is not None:
            plots.plot_decision_boundary(lambda P: self.predict(state, P), self.X, self.y,
                                         ax=self.ax_boundary, resolution=self.resolution)
            self.ax_boundary.set_title("decision boundary")
        plots.plot_learning_curves(history, ax=self.ax_curves)
        for a in self.ax_curves:
            a.set_xlim(0.5, max(epoch + 1.5, 2))
        last = ", ".join(f"{k} {v[-1]:.3f}" for k, v in history.items() if len(v))
        self.fig.suptitle(f"{self.title}: epoch {epoch + 1} ({last}; "
                          f"{time.perf_counter() - self._start:.1f} s)", fontsize=9)
        self.fig.tight_layout()
        if self.out_dir is not None:
            path = self.out_dir / f"frame_{len(self.frames) + 1:04d}.png"
            self.fig.savefig(path, dpi=self.frame_dpi)
            self.frames.append(path)
        if self.show:  # replace the cell's output by the new frame (no flicker: wait=True)
            from IPython.display import clear_output, display

            clear_output(wait=True)
            display(self.fig)
        if self.window and plt_fignum_exists(self.fig):  # redraw the window, let it process events
            import matplotlib.pyplot as plt

            self.fig.canvas.draw_idle()
            plt.pause(0.001)

    def save(self, path, dpi=100):
        """Save the current figure (e.g. the last frame) as an image."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.fig.savefig(path, dpi=dpi)
        return Path(path)


def demo(epochs=60, every=5, out_dir=None, png=None, seed=0, show=False, window=False,
         progress=False, frame_dpi=150):
    """Class demo: scikit-learn's MLPClassifier learns two-moons, one epoch per frame.

    ``window``: redraw a window while it trains (needs a display); ``progress``: a
    progress bar in the terminal with the latest accuracies.

    Returns the ``LiveTraining`` (its ``frames`` and ``fig``) and the history.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import log_loss
    from sklearn.neural_network import MLPClassifier

    from .data import make_moons, train_val_test_split

    X, y = make_moons(600, noise=0.2, seed=seed)
    (Xtr, ytr), (Xva, yva), _ = train_val_test_split(X, y, val_size=0.25, test_size=0, seed=seed)
    model = MLPClassifier(hidden_layer_sizes=(16,), activation="tanh", solver="sgd",
                          learning_rate_init=0.1, momentum=0.9, batch_size=20,
                          random_state=seed)
    live = LiveTraining(Xtr, ytr, predict=lambda m, P: m.predict_proba(P), every=every,
                        out_dir=out_dir, frame_dpi=frame_dpi, show=show, window=window,
                        title="MLPClassifier 2-16-2 (tanh), SGD + momentum")
    history = {"loss": [], "acc": [], "val_loss": [], "val_acc": []}
    classes = np.unique(y)
    from tqdm.auto import trange

    bar = trange(epochs, disable=not progress, desc="epochs", leave=True)
    for epoch in bar:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.partial_fit(Xtr, ytr, classes=classes)
        history["loss"].append(model.loss_)
        history["acc"].append(model.score(Xtr, ytr))
        history["val_loss"].append(log_loss(yva, model.predict_proba(Xva), labels=classes))
        history["val_acc"].append(model.score(Xva, yva))
        live(epoch, model, history)
        bar.set_postfix(acc=f"{history['acc'][-1]:.3f}", val_acc=f"{history['val_acc'][-1]:.3f}",
                        refresh=False)
    if (epochs % live.every) != 0:
        live.draw(epochs - 1, model, history)
    if png is not None:
        live.save(png)
    return live, history


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tp_utils.live",
        description="Live training demo (two-moons, MLPClassifier): saves one PNG per frame.")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--every", type=int, default=5, help="redraw every N epochs")
    parser.add_argument("--out", default="build/live_frames", help="folder for the frames")
    parser.add_argument("--dpi", type=int, default=150, help="frame resolution (150: 1890 px wide)")
    parser.add_argument("--png", default=None, help="also save the last frame here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--window", action=argparse.BooleanOptionalAction, default=None,
                        help="redraw a window while training (default: if there is a display)")
    args = parser.parse_args(argv)
    window = _has_display() if args.window is None else args.window
    if not window:
        matplotlib.use("Agg")  # frames only: no window, works on a server
    elif not _interactive_backend():
        print(f"matplotlib backend {matplotlib.get_backend()!r} cannot open a window: "
              "frames only (set MPLBACKEND=TkAgg or QtAgg).")
        window = False
    start = time.perf_counter()
    live, history = demo(args.epochs, args.every, args.out, args.png, args.seed,
                         window=window, progress=True, frame_dpi=args.dpi)
    print(f"{len(live.frames)} frames in {args.out}/ ({time.perf_counter() - start:.1f} s); "
          f"final validation accuracy {history['val_acc'][-1]:.3f}"
          + (f"; last frame also in {args.png}" if args.png else ""))
    if live.window and plt_fignum_exists(live.fig):
        import matplotlib.pyplot as plt

        print("close the window to quit")
        plt.show()  # keep the last frame on screen


def _has_display():
    """A screen to open a window on (X11/Wayland on Linux; always on macOS and Windows)."""
    import os
    import sys

    if os.environ.get("MPLBACKEND", "").lower() in ("agg", "pdf", "svg", "ps", "cairo", "template"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


if __name__ == "__main__":
    main()
