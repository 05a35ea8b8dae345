"""Watch a network learn: the decision boundary and the learning curves, redrawn while it trains.

In a notebook, pass a ``LiveTraining`` as the ``callback`` of your training loop;
the loop calls it after every epoch as ``callback(epoch, state, history)``::

    live = LiveTraining(X, y, predict=lambda params, P: predict_proba(params, P), every=5)
    history = train(params, X, Y, ..., callback=live)

The figure replaces the cell's output in the notebook (``clear_output`` then
``display``: it also clears the rest of the cell's output), and
each frame can also be saved as a PNG (``out_dir``).

This module has no training loop of its own for numpy networks: writing one is
the exercise of TP4.
"""
import time
from pathlib import Path

from . import plots


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
    resolution : int
        Grid points per axis of the decision boundary.
    frame_dpi : int
        Resolution of the saved frames: at 150 dpi a three-panel frame is 1890 x 540
        pixels, sharp on a projector.

    Attributes
    ----------
    fig : matplotlib Figure
    frames : list of Path, the frames saved so far
    """

    def __init__(self, X=None, y=None, predict=None, every=1, out_dir=None, show=None,
                 title="training", resolution=120, frame_dpi=150):
        self.X, self.y, self.predict = X, y, predict
        self.every, self.title, self.resolution = max(1, int(every)), title, resolution
        self.out_dir = None if out_dir is None else Path(out_dir)
        self.frame_dpi = frame_dpi  # 150 dpi: a 3-panel frame is 1890 x 540 px, projector-wide
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        self.show = _in_notebook() if show is None else show
        boundary = X is not None and predict is not None
        n = 3 if boundary else 2
        self.fig, axes = self._figure(n)
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

    def _figure(self, n_panels):
        """A figure of n_panels side by side, closed at once: shown only by ``draw``, never a
        second time by the notebook at the end of the cell."""
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, n_panels, figsize=(4.2 * n_panels, 3.6))
        plt.close(fig)
        return fig, axes

    def save(self, path, dpi=100):
        """Save the current figure (e.g. the last frame) as an image."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.fig.savefig(path, dpi=dpi)
        return Path(path)
