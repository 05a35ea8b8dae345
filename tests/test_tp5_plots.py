"""Unit tests of the TP5 plotting helpers (tp_utils.plots.plot_filters, plot_feature_maps)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tp_utils.plots import plot_feature_maps, plot_filters  # noqa: E402


@pytest.fixture
def fig():
    figure = plt.figure()
    yield figure
    plt.close(figure)


def _same(out, given):
    """The helper returned the given Axes, in their shape."""
    return out.shape == given.shape and all(o is g for o, g in zip(out.flat, given.flat))


def _shown(figure):
    """The images drawn, in panel order: (array, colour map name, (vmin, vmax))."""
    out = []
    for a in figure.axes:
        for im in a.get_images():
            out.append((np.asarray(im.get_array()), im.get_cmap().name, im.get_clim()))
    return out


def test_plot_filters_one_panel_per_filter_with_one_symmetric_scale(fig):
    W = np.arange(3 * 2 * 2 * 2, dtype=float).reshape(3, 2, 2, 2) - 5.0     # (C_out, C_in, kH, kW)
    given = fig.subplots(1, 3)
    out = plot_filters(W, ax=given)
    assert _same(out, given)
    shown = _shown(fig)
    assert len(shown) == 3
    for o, (img, cmap, clim) in enumerate(shown):
        np.testing.assert_array_equal(img, W[o, 0])                           # channel 0 of filter o
        assert cmap == "RdBu"
        assert clim == pytest.approx((-14.0, 14.0))                           # max |W[:, 0]| = |W[2, 0, 1, 1]|, shared
    titles = [a.get_title() for a in fig.axes if a.get_images()]
    assert titles == ["filter 0", "filter 1", "filter 2"]


def test_plot_filters_other_channel_and_grid():
    W = np.random.default_rng(0).normal(size=(10, 3, 5, 5))
    axes = plot_filters(W, channel=2, n_cols=4)
    fig = axes[0, 0].figure
    shown = _shown(fig)
    assert len(shown) == 10
    np.testing.assert_array_equal(shown[7][0], W[7, 2])
    assert axes.shape == (3, 4) and len(fig.axes) == 12                      # 3 rows of 4, 2 left blank
    assert not axes[2, 3].get_images() and not axes[2, 3].axison
    plt.close(fig)
    m = np.abs(W[:, 2]).max()
    assert shown[0][2] == pytest.approx((-m, m))


def test_plot_filters_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"\(C_out, C_in, kH, kW\)"):
        plot_filters(np.zeros((8, 25)))
    with pytest.raises(ValueError, match="1 input channel"):
        plot_filters(np.zeros((8, 1, 5, 5)), channel=1)


def test_plot_filters_all_zero_weights_still_draw(fig):
    plot_filters(np.zeros((2, 1, 3, 3)), ax=fig.subplots(1, 2))
    assert [s[2] for s in _shown(fig)] == [(-1.0, 1.0), (-1.0, 1.0)]


def test_plot_feature_maps_input_first_then_each_map(fig):
    maps = np.random.default_rng(1).random((4, 6, 6))
    image = np.arange(64.0).reshape(8, 8)
    given = fig.subplots(2, 3)
    out = plot_feature_maps(maps, image=image, ax=given)
    assert _same(out, given)
    shown = _shown(fig)
    assert len(shown) == 5
    np.testing.assert_array_equal(shown[0][0], image)
    assert shown[0][1] == "gray_r"
    for c in range(4):
        np.testing.assert_array_equal(shown[c + 1][0], maps[c])
        assert shown[c + 1][1] == "viridis"
        assert shown[c + 1][2] == pytest.approx((maps[c].min(), maps[c].max()))   # its own scale
    titles = [a.get_title() for a in fig.axes if a.get_images()]
    assert titles == ["input", "map 0", "map 1", "map 2", "map 3"]


def test_plot_feature_maps_without_image():
    axes = plot_feature_maps(np.ones((3, 2, 2)))
    assert axes.shape == (1, 3) and len(_shown(axes[0, 0].figure)) == 3
    plt.close(axes[0, 0].figure)


def test_plot_feature_maps_rejects_a_batch():
    with pytest.raises(ValueError, match=r"A\[n\]"):
        plot_feature_maps(np.zeros((2, 8, 12, 12)))
