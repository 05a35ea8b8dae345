"""The class demo (`tp-course live`, `make live`): a network learns two-moons while the
decision boundary and the learning curves redraw, with no student code.

The model is scikit-learn's ``MLPClassifier``, trained one epoch at a time; the view is the
students' own :class:`tp_utils.live.LiveTraining`, here redrawn in a window::

    tp-course live                                  # a window redrawn while it trains
    tp-course live --out build/live_frames --png docs/live_demo.png

With a display, the figure opens in a window and is redrawn every ``--every`` epochs
(``--no-window`` to turn it off); without one (a server, ``MPLBACKEND=Agg``) the frames are
only saved as PNG files. Either way a progress bar in the terminal shows the epoch and the
latest accuracies.
"""
import argparse
import os
import sys
import time

import matplotlib
import numpy as np

from tp_utils.live import LiveTraining


def _interactive_backend():
    """True if matplotlib's backend can open windows (TkAgg, QtAgg, macosx...; not Agg or inline)."""
    name = matplotlib.get_backend().lower()
    try:
        from matplotlib.backends import BackendFilter, backend_registry  # matplotlib >= 3.9

        return name in backend_registry.list_builtin(BackendFilter.INTERACTIVE)
    except ImportError:
        return name not in ("agg", "pdf", "svg", "ps", "cairo", "template") and "inline" not in name


class WindowTraining(LiveTraining):
    """The students' ``LiveTraining``, redrawn in a matplotlib window (an interactive backend)."""

    def _figure(self, n_panels):
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, n_panels, figsize=(4.2 * n_panels, 3.6))
        plt.show(block=False)  # an empty window at once, filled by each draw()
        return fig, axes

    def draw(self, epoch, state, history):
        import matplotlib.pyplot as plt

        super().draw(epoch, state, history)
        if self.window_open():  # redraw the window, let it process events
            self.fig.canvas.draw_idle()
            plt.pause(0.001)

    def window_open(self):
        """The window is still open (the user may have closed it)."""
        import matplotlib.pyplot as plt

        return plt.fignum_exists(self.fig.number)


def demo(epochs=60, every=5, out_dir=None, png=None, seed=0, show=False, window=False,
         progress=False, frame_dpi=150):
    """Class demo: scikit-learn's MLPClassifier learns two-moons, one epoch per frame.

    ``window``: redraw a window while it trains (needs a display and an interactive
    backend; ignored otherwise); ``progress``: a progress bar in the terminal with the
    latest accuracies.

    Returns the ``LiveTraining`` (a ``WindowTraining`` if it opened a window; its
    ``frames`` and ``fig``) and the history.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import log_loss
    from sklearn.neural_network import MLPClassifier

    from tp_utils.data import make_moons, train_val_test_split

    X, y = make_moons(600, noise=0.2, seed=seed)
    (Xtr, ytr), (Xva, yva), _ = train_val_test_split(X, y, val_size=0.25, test_size=0, seed=seed)
    model = MLPClassifier(hidden_layer_sizes=(16,), activation="tanh", solver="sgd",
                          learning_rate_init=0.1, momentum=0.9, batch_size=20,
                          random_state=seed)
    view = WindowTraining if window and not show and _interactive_backend() else LiveTraining
    live = view(Xtr, ytr, predict=lambda m, P: m.predict_proba(P), every=every, out_dir=out_dir,
                frame_dpi=frame_dpi, show=show, title="MLPClassifier 2-16-2 (tanh), SGD + momentum")
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
        prog="tp-course live",
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
    if isinstance(live, WindowTraining) and live.window_open():
        import matplotlib.pyplot as plt

        print("close the window to quit")
        plt.show()  # keep the last frame on screen


def _has_display():
    """A screen to open a window on (X11/Wayland on Linux; always on macOS and Windows)."""
    if os.environ.get("MPLBACKEND", "").lower() in ("agg", "pdf", "svg", "ps", "cairo", "template"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


if __name__ == "__main__":
    main()
