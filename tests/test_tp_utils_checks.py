"""tp_utils.testing and tp_utils.gradcheck: the messages students read."""
import numpy as np
import pytest

from tp_utils.gradcheck import check_gradient, gradient_report, relative_error
from tp_utils.testing import check_array, check_scalar, check_shape


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


def test_relative_error_is_the_cs231n_one():
    a, n = np.array([1.0, 0.0]), np.array([1.1, 0.0])
    np.testing.assert_allclose(relative_error(a, n), [0.1 / 2.1, 0.0])


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
    top, text = gradient_report(g, g * (1 + 1e-6))
    assert 1e-7 < top < 1e-2 and "borderline" in text and "times the numerical" not in text


def test_shape_message_for_an_outer_product():
    msg = message(check_shape, "db_h", np.zeros((4, 3)), (4,))
    assert "outer product" in msg
