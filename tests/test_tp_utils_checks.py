"""tp_utils.testing and tp_utils.gradcheck: the messages students read."""
import numpy as np
import pytest

from tp_utils.gradcheck import check_gradient, gradient_report, relative_error
from tp_utils.testing import call_strict, check_array, check_scalar, check_shape


def message(fn, *args, **kw):
    with pytest.raises(AssertionError) as e:
        fn(*args, **kw)
    return str(e.value)


def test_shape_message_suggests_transpose():
    msg = message(check_shape, "dW", np.zeros((10, 784)), (784, 10))
    assert "dW has shape (10, 784); expected (784, 10)" in msg and "transpose" in msg


def test_shape_message_for_missing_batch_sum():
    msg = message(check_shape, "db", np.zeros((32, 5)), (5,))
    assert "one axis too many" in msg


def test_none_and_type_messages():
    assert "forget a `return`" in message(check_array, "y", None, [1.0])
    assert "numpy array" in message(check_array, "y", [1.0, 2.0], [1.0, 2.0])


def test_values_message_names_the_worst_entry():
    msg = message(check_array, "h", np.array([[1.0, 2.0], [3.0, 9.0]]), [[1, 2], [3, 4]])
    assert "index (1, 1)" in msg and "got 9" in msg and "expected 4" in msg


def test_overflow_is_explained():
    assert "overflow" in message(check_array, "s", np.array([np.nan, 1.0]), [0.5, 1.0])


def test_accepts_close_values_and_float32():
    check_array("y", np.float32([0.1, 0.2]), [0.1, 0.2], rtol=1e-6)
    check_scalar("loss", np.float64(2.0), 2.0)
    check_scalar("loss", np.array([2.0]), 2.0)
    assert "should be a number" in message(check_scalar, "loss", "2", 2.0)
    assert "expected 2" in message(check_scalar, "loss", 3.0, 2.0)


def test_relative_error_is_the_cs231n_one_for_entries_of_the_gradient_scale():
    a, n = np.array([1.0, 0.0]), np.array([1.1, 0.0])
    np.testing.assert_allclose(relative_error(a, n), [0.1 / 2.1, 0.0])
    np.testing.assert_allclose(relative_error(a, n, floor=0), [0.1 / 2.1, 0.0])


def test_relative_error_is_scale_aware_for_tiny_entries():
    # an entry of 1e-7 with the 1e-10 rounding noise of a central difference (eps = 1e-6)
    a, n = np.array([0.5, 1e-7]), np.array([0.5, 1e-7 + 1e-10])
    assert relative_error(a, n, floor=0)[1] > 1e-4                  # TP1's formula: a false alarm
    np.testing.assert_allclose(relative_error(a, n)[1], 1e-10 / 1e-3)  # judged at 1e-3 x max(1, 0.5)
    assert check_gradient("dW", a, n) < 1e-6
    assert "looks right" in gradient_report(a, n)[1]
    # the floor follows the gradient's scale: entries of 1e-3 next to 1e3 are judged at 1
    big = np.array([1e3, 1e-3])
    np.testing.assert_allclose(relative_error(big, big + [0, 1e-6]), [0, 1e-6])
    # a gradient entirely tiny keeps an absolute floor of 1e-3: noise of 1e-10 passes...
    tiny = np.full(3, 1e-6)
    assert check_gradient("db", tiny, tiny + 1e-10) < 1e-6
    # ... and a slip on it still shows (a factor 2)
    assert relative_error(2 * tiny, tiny).max() == pytest.approx(1e-6 / 1e-3)
    assert "db is borderline" in message(check_gradient, "db", 2 * tiny, tiny)


def test_a_wrong_entry_of_any_size_is_caught():
    g = np.array([1.0, -0.3, 2e-4])
    wrong = g.copy()
    wrong[2] = 4e-4                       # a factor 2 on the smallest entry only
    assert relative_error(wrong, g).max() == pytest.approx(2e-4 / 1e-3)   # max(6e-4, 1e-3 x 1)
    assert "index (2,)" in message(check_gradient, "dW", wrong, g)


def test_gradient_report_spots_sign_and_scale():
    g = np.random.default_rng(0).normal(size=(3, 4))
    top, text = gradient_report(g, g + 1e-12)
    assert top < 1e-7 and "looks right" in text
    assert "sign error" in gradient_report(-g, g, "dW")[1]
    assert "0.5 times" in gradient_report(0.5 * g, g)[1]
    assert "index" in gradient_report(0.5 * g, g)[1]


def test_check_gradient_raises_with_report():
    g = np.ones(3)
    assert check_gradient("db", g, g) == 0.0
    assert "db is wrong" in message(check_gradient, "db", -g, g)
    assert "shape" in gradient_report(np.ones(3), np.ones(4))[1]


def test_no_constant_factor_hint_when_gradients_agree():
    g = np.array([1.0, 2.0, 3.0])
    top, text = gradient_report(g, g * (1 + 1e-5))
    assert 1e-6 < top < 1e-2 and "borderline" in text and "times the numerical" not in text


def test_shape_message_for_an_outer_product():
    msg = message(check_shape, "db_h", np.zeros((4, 3)), (4,))
    assert "outer product" in msg


def test_precision_message_shows_relative_error_and_dtypes():
    msg = message(check_array, "sigmoid(x)", np.array([0.5, 0.0]), [0.5, 4.248354255291589e-18],
                  rtol=1e-12, atol=1e-300)
    assert "index (1,)" in msg and "got 0.0 (float64)" in msg and "expected 4.248354255291589e-18 (float64)" in msg
    assert "relative error 1.00e+00" in msg and "absolute error 4.25e-18" in msg
    # float32 against float64: every digit of each, not "got 0.999994, expected 0.999994"
    msg = message(check_array, "s", np.float32([0.999994]), [0.9999941], rtol=1e-9, atol=0)
    assert "got 0.999994 (float32)" in msg and "expected 0.9999941 (float64)" in msg
    assert "relative error 1.20e-07" in msg and "largest absolute error 1.20e-07" in msg
    # the worst entry is the one furthest outside the tolerance, not the largest absolute error
    msg = message(check_array, "s", np.array([1.0 + 1e-9, 0.0]), [1.0, 1e-20], rtol=1e-12, atol=1e-300)
    assert "index (1,)" in msg and "2 of 2 entries differ" in msg
    msg = message(check_scalar, "loss", np.float32(0.25), 0.2500001, rtol=1e-9)
    assert "0.25 (float32)" in msg and "0.2500001 (float64)" in msg and "relative error 4.00e-07" in msg


def test_call_strict_names_the_inputs_that_overflow_and_the_where_trap():
    x = np.array([-1e4, -1.0, 0.0, 800.0])
    msg = message(call_strict, "sigmoid(x)", lambda v: 1 / (1 + np.exp(-v)), x)
    assert "sigmoid(x) failed for x = -10000 " in msg and "overflow encountered in exp" in msg
    assert "800" not in msg.split("(")[0] and "exp only sees -|x|" in msg and "np.where" in msg
    where = lambda v: np.where(v >= 0, 1 / (1 + np.exp(-v)), np.exp(v) / (1 + np.exp(v)))
    msg = message(call_strict, "sigmoid(x)", where, x)
    assert "x = -10000, 800" in msg and "both a and b" in msg
    msg = message(call_strict, "log_sigmoid(x)", lambda v: np.log(1 / (1 + np.exp(v))), np.array([1e4]))
    assert "x = 10000" in msg
    msg = message(call_strict, "f(x)", lambda v: np.log(v), np.array([0.0, 1.0]))
    assert "divide by zero" in msg and "log of 0" in msg
    # a stable function passes through, and a non element-wise one is described by its range
    z = call_strict("f(x)", lambda v: np.exp(-np.abs(v)), x)
    np.testing.assert_allclose(z, np.exp(-np.abs(x)))
    msg = message(call_strict, "lse(x)", lambda v, axis: np.log(np.sum(np.exp(v), axis=axis)), x[None],
                  elementwise=False, axis=-1)
    assert "|x| up to 10000" in msg
