"""Unit tests of the TP3 plotting helpers (tp_utils.plots.plot_timings, plot_layer_std)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tp_utils.plots import plot_layer_std, plot_timings  # noqa: E402


def test_plot_timings_draws_one_loglog_line_per_method(ax):
    sizes = [10, 100, 1000]
    out = plot_timings(sizes, {"loop": [1e-3, 1e-2, 1e-1], "vectorised": [1e-4, 2e-4, 1e-3]}, ax=ax)
    assert out is ax
    assert len(ax.get_lines()) == 2
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), sizes)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["loop", "vectorised"]


def test_plot_timings_writes_the_speed_up(ax):
    plot_timings([10, 100, 1000], {"loop": [1e-3, 1e-2, 1e-1], "vectorised": [1e-4, 2e-4, 1e-3]}, ax=ax)
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["x10", "x50", "x100"]
    assert "x100" in ax.get_title() and "1000" in ax.get_title()


def test_plot_timings_without_speed_up_and_single_method(ax):
    plot_timings([1, 2], {"only": [0.5, 1.0]}, ax=ax)
    assert ax.texts == [] or len(ax.texts) == 0
    plot_timings([1, 2], {"a": [1.0, 2.0], "b": [0.5, 0.5]}, ax=ax, speedup=False)
    assert len(ax.texts) == 0


def test_plot_timings_small_speed_up_keeps_a_decimal(ax):
    plot_timings([1, 2], {"a": [1.0, 3.0], "b": [0.5, 1.0]}, ax=ax)
    assert [t.get_text() for t in ax.texts] == ["x2.0", "x3.0"]


def test_plot_timings_rejects_mismatched_lengths(ax):
    with pytest.raises(ValueError, match="3 sizes"):
        plot_timings([1, 2, 3], {"loop": [1.0, 2.0]}, ax=ax)


def test_plot_timings_draws_on_a_new_figure_when_none():
    fig = plt.figure()
    try:
        ax = plot_timings([1, 10], {"loop": [1.0, 2.0]})
        assert ax.figure is not fig and not fig.axes and len(ax.get_lines()) == 1
    finally:
        plt.close("all")


def test_plot_layer_std_one_line_per_setting_log_scale(ax):
    stds = {"small": [1e-2, 1e-4, 0.0], "he": [1.0, 0.9, 1.1]}
    out = plot_layer_std(stds, ax=ax)
    assert out is ax
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].get_xdata(), [1, 2, 3])
    assert lines[0].get_ydata()[-1] == pytest.approx(1e-30)  # zeros are drawn, not dropped
    assert ax.get_yscale() == "log"


def test_plot_layer_std_linear_scale(ax):
    plot_layer_std({"a": [1.0, 0.5]}, ax=ax, logy=False)
    assert ax.get_yscale() == "linear"
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [1.0, 0.5])


def test_plot_timings_title_uses_the_same_format_as_the_annotations(ax):
    plot_timings([1, 2], {"a": [1.0, 1.1], "b": [0.5, 1.0]}, ax=ax)
    assert "x1.1" in ax.get_title()
