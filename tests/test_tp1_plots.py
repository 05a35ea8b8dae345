"""Unit tests of the TP1 plotting helpers (tp_utils.plots.plot_function_and_derivative,
plot_error_vs_eps)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tp_utils.plots import plot_error_vs_eps, plot_function_and_derivative  # noqa: E402


def _data_lines(ax):
    """The lines a helper drew for data (not the axhline/axvline at 0, nor the guides)."""
    return [line for line in ax.get_lines() if len(line.get_xdata()) > 2]


def test_function_and_derivative_draws_both_on_the_given_axes(ax):
    x = np.linspace(-2, 2, 9)
    out = plot_function_and_derivative(np.sin, np.cos, x=x, name="sin", ax=ax)
    assert out is ax
    f_line, df_line = _data_lines(ax)
    np.testing.assert_allclose(f_line.get_xdata(), x)
    np.testing.assert_allclose(f_line.get_ydata(), np.sin(x))
    np.testing.assert_allclose(df_line.get_ydata(), np.cos(x))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sin(x)", "sin'(x)"]
    assert ax.get_title() == "sin"


def test_function_and_derivative_default_grid_on_a_new_figure():
    fig = plt.figure()
    try:
        out = plot_function_and_derivative(np.tanh, lambda v: 1 - np.tanh(v) ** 2)
        assert out.figure is not fig and not fig.axes          # the current figure is left alone
        f_line = _data_lines(out)[0]
        assert f_line.get_xdata().min() == -6 and f_line.get_xdata().max() == 6
        assert len(f_line.get_xdata()) == 400
    finally:
        plt.close("all")


def test_error_vs_eps_is_log_log_and_returns_ax(ax):
    eps = np.logspace(-12, -1, 12)
    errors = eps ** 2 + 1e-16 / eps
    out = plot_error_vs_eps(eps, errors, label="central", ax=ax)
    assert out is ax
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_xdata(), eps)
    np.testing.assert_allclose(line.get_ydata(), errors)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["central"]


def test_error_vs_eps_zero_errors_are_drawn_not_dropped(ax):
    eps = np.array([1e-3, 1e-2, 1e-1])
    plot_error_vs_eps(eps, [0.0, 1e-5, -1e-3], ax=ax)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [1e-20, 1e-5, 1e-3])
    assert ax.get_legend() is None


def test_error_vs_eps_two_curves_share_the_zoom_and_guides_add_three_lines(ax):
    eps = np.logspace(-8, -1, 8)
    plot_error_vs_eps(eps, eps, label="forward", ax=ax)
    plot_error_vs_eps(eps, eps ** 2, label="central", ax=ax, guides=True)
    assert len(ax.get_lines()) == 2 + 3
    # the zoom covers both curves (smallest central error 1e-16, largest forward 1e-1), not the guides
    low, high = ax.get_ylim()
    assert low == pytest.approx(1e-17) and high == pytest.approx(1.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["forward", "central"]


@pytest.mark.parametrize("eps, errors, match", [
    ([1e-3, 1e-2, 1e-1], [1.0, 2.0], "3 steps"),
    ([0.0, 1e-2], [1.0, 2.0], "positive"),
])
def test_error_vs_eps_rejects_bad_input(ax, eps, errors, match):
    with pytest.raises(ValueError, match=match):
        plot_error_vs_eps(eps, errors, ax=ax)
