"""TP4's plot helpers (tp_utils.plots), the live view (tp_utils.live) and the class demo
(tp_course.live_demo), headless (Agg)."""
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.image  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay  # noqa: E402

from tp_course import live_demo  # noqa: E402
from tp_utils import live, plots  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def history(epochs=6, val=True):
    h = {"loss": list(np.linspace(1, 0.2, epochs)), "acc": list(np.linspace(0.5, 0.95, epochs))}
    if val:
        h.update(val_loss=list(np.linspace(1.1, 0.4, epochs)), val_acc=list(np.linspace(0.5, 0.9, epochs)))
    return h


def test_plot_curves_one_line_per_label_and_nan_for_divergence():
    ax = plots.plot_curves({"lr 0.1": [1.0, 0.5, 0.2], "lr 30": [1.0, np.inf, np.nan]}, logy=True)
    assert [l.get_label() for l in ax.get_lines()] == ["lr 0.1", "lr 30"]
    assert ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 2, 3])
    assert np.isnan(ax.get_lines()[1].get_ydata()[1])


def test_learning_curves_train_and_validation():
    axes = plots.plot_learning_curves(history())
    assert len(axes) == 2
    for a in axes:
        assert [l.get_label() for l in a.get_lines()] == ["train", "validation"]
        assert len(a.get_lines()[0].get_xdata()) == 6
    fig, given = plt.subplots(1, 2)
    out = plots.plot_learning_curves(history(val=False), ax=given)
    assert out[0] is given[0] and len(out[0].get_lines()) == 1
    with pytest.raises(ValueError):
        plots.plot_learning_curves(history(), ax=given[0])


def test_decision_boundary_with_probabilities_and_with_labels():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    calls = []

    def proba(P):
        calls.append(P.shape)
        p1 = 1 / (1 + np.exp(-5 * P[:, 0]))
        return np.c_[1 - p1, p1]

    ax = plots.plot_decision_boundary(proba, X, y, resolution=30)
    assert calls == [(900, 2)]
    assert len(ax.collections) >= 2           # regions (+ boundary) and the points
    fig, ax2 = plt.subplots()
    out = plots.plot_decision_boundary(lambda P: (P[:, 1] > 0).astype(int), X, y, ax=ax2, resolution=20)
    assert out is ax2
    X3 = rng.normal(size=(30, 2))
    y3 = np.arange(30) % 3
    plots.plot_decision_boundary(lambda P: np.eye(3)[(P[:, 0] > 0).astype(int) + (P[:, 1] > 0)], X3, y3, resolution=20)


def test_confusion_matrix_counts():
    fig, ax = plt.subplots()
    out = plots.plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], ax=ax)
    assert isinstance(out, ConfusionMatrixDisplay) and out.ax_ is ax
    np.testing.assert_array_equal(out.confusion_matrix, [[1, 0, 0], [0, 1, 1], [0, 0, 1]])
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts.count("1") == 4 and texts.count("0") == 5
    assert "75.0%" in ax.get_title()


def test_worst_mistakes_order_and_titles():
    X = np.arange(5 * 784, dtype=np.float32).reshape(5, 784)
    y = np.array([0, 1, 2, 0, 1])
    proba = np.array([[0.9, 0.1, 0.0],    # right
                      [0.6, 0.3, 0.1],    # wrong, p(true) 0.3
                      [0.1, 0.85, 0.05],  # wrong, p(true) 0.05: the worst
                      [0.2, 0.7, 0.1],    # wrong, p(true) 0.2
                      [0.1, 0.8, 0.1]])   # right
    axes = plots.plot_worst_mistakes(X, y, proba, k=2)
    titles = [a.get_title() for a in axes.flat if a.get_title()]
    assert titles == ["pred 1 (0.85)\ntrue 2", "pred 1 (0.70)\ntrue 0"]
    assert "2 worst of 3 mistakes" in axes.flat[0].figure.get_suptitle()
    none = plots.plot_worst_mistakes(X, y, np.eye(3)[y], k=4)
    assert "no mistakes" in none.flat[0].texts[0].get_text()
    given = Figure().subplots(1, 3)
    out = plots.plot_worst_mistakes(X, y, proba, k=2, ax=given)
    assert out.shape == (3,) and all(o is g for o, g in zip(out, given))
    assert [a.get_title() for a in given[:2]] == titles and not given[2].images
    assert given[0].figure.get_suptitle() == ""             # the caller's figure keeps its title


def test_image_grid_and_weight_images_in_given_axes():
    given = Figure().subplots(3, 4)
    out = plots.plot_image_grid(np.zeros((10, 784)), [str(i) for i in range(10)], ax=given, n_cols=4)
    assert out.shape == (3, 4) and all(o is g for o, g in zip(out.flat, given.flat))
    assert sum(bool(a.images) for a in given.flat) == 10 and given[0, 1].get_title() == "1"
    with pytest.raises(ValueError, match="10 panels"):
        plots.plot_image_grid(np.zeros((10, 784)), ax=given[0])
    W = np.random.default_rng(0).normal(size=(20, 784))
    waxes = plots.plot_weight_images(W, n=8)
    assert waxes.shape == (1, 8) and sum(bool(a.images) for a in waxes.flat) == 8
    im = waxes[0, 0].images[0]
    assert im.norm.vmin == -im.norm.vmax                      # symmetric colour scale
    with pytest.raises(ValueError, match="W.T"):
        plots.plot_weight_images(W.T)


def test_live_training_callback_saves_frames(tmp_path):
    X = np.random.default_rng(0).normal(size=(30, 2))
    y = (X[:, 1] > 0).astype(int)
    seen = []

    def predict(state, P):
        seen.append(state)
        return np.c_[1 - (P[:, 1] > state), (P[:, 1] > state)].astype(float)

    cb = live.LiveTraining(X, y, predict=predict, every=3, out_dir=tmp_path / "frames", show=False)
    assert not plt.get_fignums()   # closed: the notebook never shows it a second time
    h = {"loss": [], "acc": []}
    for epoch in range(7):
        h["loss"].append(1.0 / (epoch + 1))
        h["acc"].append(0.5 + epoch / 20)
        cb(epoch, 0.0, h)
    assert [p.name for p in cb.frames] == ["frame_0001.png", "frame_0002.png", "frame_0003.png"]
    assert all(p.stat().st_size > 1000 for p in cb.frames)    # epochs 1, 3 and 6
    height, width = matplotlib.image.imread(cb.frames[0]).shape[:2]
    assert width >= 1600 and height >= 500, (width, height)   # readable on a projector
    assert len(cb.fig.axes) == 3 and "epoch 6" in cb.fig._suptitle.get_text()
    out = cb.save(tmp_path / "last.png")
    assert out.exists()
    curves_only = live.LiveTraining(every=1, show=False)
    curves_only(0, None, h)
    assert len(curves_only.fig.axes) == 2


def test_live_demo_runs_quickly(tmp_path):
    lt, hist = live_demo.demo(epochs=6, every=3, out_dir=tmp_path, png=tmp_path / "demo.png")
    assert len(hist["loss"]) == 6 and len(lt.frames) == 3
    assert (tmp_path / "demo.png").exists()


def test_tp_course_live(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tp_course.cli", "live", "--epochs", "4", "--every", "2",
                           "--out", str(tmp_path / "f"), "--png", str(tmp_path / "p.png")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"MPLBACKEND": "Agg", "PATH": "", "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert "3 frames" in proc.stdout and (tmp_path / "p.png").exists()


def test_live_window_is_redrawn_while_training(monkeypatch):
    """Terminal mode with a display: the window is redrawn (plt.pause) at every frame.

    No display here: the interactive backend is faked, Agg draws, plt.pause is counted.
    """
    import matplotlib.pyplot as plt

    pauses = []
    monkeypatch.setattr(live_demo, "_interactive_backend", lambda: True)
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    monkeypatch.setattr(plt, "pause", lambda t: pauses.append(t))
    lt, hist = live_demo.demo(epochs=4, every=2, window=True)
    assert isinstance(lt, live_demo.WindowTraining) and len(pauses) == 3   # epochs 1, 2 and 4
    plt.close(lt.fig)
    assert not lt.window_open()
    monkeypatch.setattr(live_demo, "_interactive_backend", lambda: False)
    lt, _ = live_demo.demo(epochs=2, every=1, window=True)         # Agg: no window, no error
    assert type(lt) is live.LiveTraining and len(pauses) == 3


def test_live_window_off_without_display(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    assert not live_demo._has_display()
    monkeypatch.delenv("MPLBACKEND")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    if sys.platform.startswith("linux"):
        assert not live_demo._has_display()


def test_tp_utils_holds_no_tp4_solution():
    """The graded functions of TP4 must not be importable from tp_utils."""
    text = "\n".join(p.read_text() for p in (ROOT / "tp_utils").glob("*.py"))
    for name in ("def iterate_minibatches", "def sgd_step", "def momentum_step", "def train(",
                 "def accuracy(", "def fixed_backward", "def random_search"):
        assert name not in text, f"tp_utils defines {name}: that is a TP4 exercise"


def test_live_demo_writes_its_frames_under_build(tmp_path, monkeypatch, capsys):
    """`make live` from the repo root: frames go to build/live_frames (ignored by git)."""
    monkeypatch.chdir(tmp_path)
    live_demo.main(["--epochs", "2", "--every", "1", "--no-window"])
    frames = sorted((tmp_path / "build" / "live_frames").glob("frame_*.png"))
    assert len(frames) == 2 and "build/live_frames/" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_plot_random_search_log_axes_colours_and_best_circled():
    results = [{"lr": 1e-3, "weight_decay": 1e-5, "val_acc": 0.7}, {"lr": 0.1, "weight_decay": 1e-3, "val_acc": 0.9},
               {"lr": 1.0, "weight_decay": 1e-2, "val_acc": 0.8}]
    _, ax = plt.subplots()
    assert plots.plot_random_search(results, ax=ax) is ax
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    points, best = ax.collections
    np.testing.assert_allclose(points.get_offsets(), [[1e-3, 1e-5], [0.1, 1e-3], [1.0, 1e-2]])
    np.testing.assert_allclose(points.get_array(), [0.7, 0.9, 0.8])
    np.testing.assert_allclose(best.get_offsets(), [[0.1, 1e-3]])
    assert "0.9" in ax.get_legend().get_texts()[0].get_text()
