"""scikit-learn's plotting convention, for every helper of tp_utils.plots.

Each helper takes ``ax=None``; given ``ax`` it draws there and returns it (an array of Axes for the
helpers of several panels, the ``ConfusionMatrixDisplay`` for the confusion matrix); with ``ax=None``
it draws on a new figure and leaves the current one untouched. No helper takes ``fig=``.
"""
import inspect

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay  # noqa: E402

from tp_utils import plots  # noqa: E402

RNG = np.random.default_rng(0)
X2 = RNG.normal(size=(20, 2))
Y2 = (X2[:, 0] > 0).astype(int)
PROBA = np.eye(3)[[1, 0, 2, 2, 0]] * 0.8 + 0.2 / 3         # 5 images, mistakes on 0, 1 and 4
HISTORY = {"loss": [1.0, 0.5], "acc": [0.5, 0.8], "val_loss": [1.1, 0.7], "val_acc": [0.4, 0.7]}

# name: (draw(ax) -> result, what is drawn on: "axes" (one Axes), "panels" (n of them), "display")
CASES = {
    "plot_function_and_derivative": (lambda ax: plots.plot_function_and_derivative(np.sin, np.cos, ax=ax), "axes"),
    "plot_error_vs_eps": (lambda ax: plots.plot_error_vs_eps([1e-2, 1e-4], [1e-3, 1e-7], ax=ax), "axes"),
    "plot_timings": (lambda ax: plots.plot_timings([1, 10], {"a": [1.0, 2.0], "b": [0.5, 0.6]}, ax=ax), "axes"),
    "plot_layer_std": (lambda ax: plots.plot_layer_std({"he": [1.0, 0.9]}, ax=ax), "axes"),
    "plot_curves": (lambda ax: plots.plot_curves({"lr 0.1": [1.0, 0.5]}, ax=ax), "axes"),
    "plot_learning_curves": (lambda ax: plots.plot_learning_curves(HISTORY, ax=ax), ("panels", 2)),
    "plot_decision_boundary": (lambda ax: plots.plot_decision_boundary(
        lambda P: np.c_[P[:, 0] < 0, P[:, 0] >= 0].astype(float), X2, Y2, ax=ax, resolution=10), "axes"),
    "plot_confusion_matrix": (lambda ax: plots.plot_confusion_matrix([0, 1, 1], [0, 1, 0], ax=ax), "display"),
    "plot_image_grid": (lambda ax: plots.plot_image_grid(np.zeros((3, 4)), shape=(2, 2), ax=ax), ("panels", 3)),
    "plot_worst_mistakes": (lambda ax: plots.plot_worst_mistakes(np.zeros((5, 4)), np.arange(5) % 3, PROBA,
                                                                 shape=(2, 2), ax=ax), ("panels", 3)),
    "plot_weight_images": (lambda ax: plots.plot_weight_images(np.ones((3, 4)), shape=(2, 2), ax=ax), ("panels", 3)),
    "plot_random_search": (lambda ax: plots.plot_random_search(
        [{"lr": 0.1, "weight_decay": 1e-4, "val_acc": 0.8}, {"lr": 1.0, "weight_decay": 1e-3, "val_acc": 0.6}],
        ax=ax), "axes"),
    "plot_filters": (lambda ax: plots.plot_filters(np.ones((3, 1, 2, 2)), ax=ax), ("panels", 3)),
    "plot_feature_maps": (lambda ax: plots.plot_feature_maps(np.ones((2, 2, 2)), image=np.ones((3, 3)), ax=ax),
                          ("panels", 3)),
}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _public_helpers():
    return sorted(name for name, fn in inspect.getmembers(plots, inspect.isfunction)
                  if fn.__module__ == plots.__name__ and not name.startswith("_"))


def test_every_helper_is_checked_here():
    assert sorted(CASES) == _public_helpers()


@pytest.mark.parametrize("name", _public_helpers())
def test_every_helper_takes_ax_none_and_no_fig(name):
    params = inspect.signature(getattr(plots, name)).parameters
    assert "ax" in params and params["ax"].default is None
    assert "fig" not in params
    doc = inspect.getdoc(getattr(plots, name))
    assert "Returns\n-------\n" in doc and "Axes" in doc.split("Returns")[1]


@pytest.mark.parametrize("name", sorted(CASES))
def test_given_ax_is_drawn_on_and_returned(name):
    draw, kind = CASES[name]
    other = plt.figure()                       # the current figure: must stay empty
    if kind == "axes":
        _, ax = plt.subplots()
        out = draw(ax)
        assert out is ax and ax.has_data()
    elif kind == "display":
        _, ax = plt.subplots()
        out = draw(ax)
        assert isinstance(out, ConfusionMatrixDisplay) and out.ax_ is ax and ax.has_data()
    else:
        n = kind[1]
        _, given = plt.subplots(1, n + 1)      # one panel more than needed: left blank
        out = draw(given)
        assert isinstance(out, np.ndarray) and len(out) >= n
        assert all(o is g for o, g in zip(out.flat, given.flat))
        assert all(a.has_data() or a.images for a in given[:n])
    assert not other.axes


@pytest.mark.parametrize("name", sorted(CASES))
def test_ax_none_draws_on_a_new_figure(name):
    draw, kind = CASES[name]
    before = plt.figure()
    _, old_ax = plt.subplots()
    old = old_ax.figure
    n_figures = len(plt.get_fignums())
    out = draw(None)
    axes = [out.ax_] if kind == "display" else list(np.ravel(out)) if isinstance(out, np.ndarray) else [out]
    assert all(isinstance(a, matplotlib.axes.Axes) for a in axes)
    new = axes[0].figure
    assert new is not old and new is not before and all(a.figure is new for a in axes)
    assert plt.gcf() is new and len(plt.get_fignums()) == n_figures + 1
    assert not before.axes and old.axes == [old_ax] and not old_ax.has_data()   # previous figures untouched
    if kind != "axes" and kind != "display":
        assert len(axes) >= kind[1]
