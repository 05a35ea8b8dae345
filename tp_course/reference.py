"""Grader-side references for hidden tests (instructor only, never released).

Hidden tests import from here the tools that would give away an exercise if
they lived in ``tp_utils`` (a numerical gradient is TP1's exercise).
"""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function, in float64.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; may read ``x`` in place.
    x : ndarray of any shape (float64); modified during the call, restored after.
    eps : float

    Returns
    -------
    ndarray, same shape as ``x``
    """
    x = np.asarray(x)
    grad = np.zeros(x.shape, dtype=float)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = float(f(x))
        x[i] = old - eps
        fm = float(f(x))
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad


def strict_floats():
    """Context manager for hidden tests: overflow, division by zero, invalid values
    (``FloatingPointError``) and any ``RuntimeWarning`` become errors; underflow to 0
    stays silent (it is what a stable formula relies on, e.g. ``exp(-1e4) == 0``)."""
    import contextlib
    import warnings

    @contextlib.contextmanager
    def _strict():
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                yield
    return _strict()


# --- TP2: one hidden layer, one example (independent of the students' code) ---
def tp2_forward(x, params, activation):
    """Reference forward pass of ``notebooks/tp2``: z = W x + b for one example.

    Parameters
    ----------
    x : ndarray (n_x,)
    params : dict with "W_h" (n_h, n_x), "b_h" (n_h,), "W_y" (n_y, n_h), "b_y" (n_y,)
    activation : "tanh" or "relu"

    Returns
    -------
    dict with "h_tilde", "h" (n_h,), "y_tilde", "y_hat" (n_y,)
    """
    from scipy.special import softmax
    x = np.asarray(x, dtype=float)
    h_tilde = np.einsum("ij,j->i", params["W_h"], x) + params["b_h"]
    h = np.tanh(h_tilde) if activation == "tanh" else np.where(h_tilde > 0, h_tilde, 0.0)
    y_tilde = np.einsum("ij,j->i", params["W_y"], h) + params["b_y"]
    return {"h_tilde": h_tilde, "h": h, "y_tilde": y_tilde, "y_hat": softmax(y_tilde)}


def tp2_loss(x, y, params, activation):
    """Reference cross-entropy loss -log softmax(y_tilde)[y] = logsumexp(y_tilde) - y_tilde[y]."""
    from scipy.special import logsumexp
    y_tilde = tp2_forward(x, params, activation)["y_tilde"]
    return float(logsumexp(y_tilde) - y_tilde[y])


def tp2_random_params(rng, n_x, n_h, n_y, scale=1.0):
    """Random parameters for TP2's hidden tests (W of shape (n_out, n_in))."""
    return {"W_h": scale * rng.normal(size=(n_h, n_x)), "b_h": scale * rng.normal(size=n_h),
            "W_y": scale * rng.normal(size=(n_y, n_h)), "b_y": scale * rng.normal(size=n_y)}


# ---------------------------------------------------------------- TP3 (batches and depth)
# Independent references for TP3's hidden tests: per-example loops, scipy.special.

def tp3_random_params(rng, n_x, n_h, n_y, scale=1.0):
    """Random parameters of TP3's 2-layer MLP (W of shape (n_out, n_in), b of shape (n_out,))."""
    return {"W_h": scale * rng.normal(size=(n_h, n_x)), "b_h": scale * rng.normal(size=n_h),
            "W_y": scale * rng.normal(size=(n_y, n_h)), "b_y": scale * rng.normal(size=n_y)}


def tp3_forward(X, params):
    """Reference batch forward of the tanh/softmax MLP, one example at a time, stacked.

    Returns dict "H_tilde", "H" (N, n_h), "Y_tilde", "Yhat" (N, n_y).
    """
    from scipy.special import softmax
    rows = []
    for x in np.asarray(X, dtype=float):
        h_tilde = np.einsum("ij,j->i", params["W_h"], x) + params["b_h"]
        h = np.tanh(h_tilde)
        y_tilde = np.einsum("ij,j->i", params["W_y"], h) + params["b_y"]
        rows.append((h_tilde, h, y_tilde, softmax(y_tilde)))
    return {k: np.array([r[i] for r in rows]) for i, k in enumerate(["H_tilde", "H", "Y_tilde", "Yhat"])}


def tp3_cross_entropy(S, Y):
    """Reference mean cross-entropy -mean_k sum_i Y[k, i] log softmax(S[k])_i (scipy log_softmax)."""
    from scipy.special import log_softmax
    return float(-np.mean(np.sum(Y * log_softmax(np.asarray(S, dtype=float), axis=1), axis=1)))


def tp3_mse(S, Y):
    """Reference MSE: mean over examples of 0.5 * ||s_k - y_k||^2."""
    S, Y = np.asarray(S, dtype=float), np.asarray(Y, dtype=float)
    return float(np.mean([0.5 * np.dot(s - t, s - t) for s, t in zip(S, Y)]))


def tp3_hinge(S, y):
    """Reference multiclass hinge (SVM) loss: mean_k sum_{j != y_k} max(0, s_j - s_y + 1), with loops."""
    total = 0.0
    for s, label in zip(np.asarray(S, dtype=float), y):
        total += sum(max(0.0, s[j] - s[label] + 1.0) for j in range(s.size) if j != label)
    return total / len(y)


def tp3_activation(Z, name):
    """Reference activations: sigmoid (scipy.special.expit), tanh, relu, identity."""
    from scipy.special import expit
    return {"sigmoid": expit, "tanh": np.tanh, "relu": lambda z: np.where(z > 0, z, 0.0),
            "identity": lambda z: np.array(z, dtype=float)}[name](Z)


def tp3_random_network(rng, n_in=None, depth=None, widths=(2, 5), activations=None):
    """A random N-layer network for TP3's hidden tests: list of {"W", "b", "activation"}.

    Depth in 1..4, widths in ``widths`` (inclusive), activations drawn among the four
    names; W and b drawn N(0, 1) (b non-zero so that a forgotten bias shows).
    """
    depth = int(rng.integers(1, 5)) if depth is None else depth
    sizes = [int(rng.integers(widths[0], widths[1] + 1)) if n_in is None else n_in]
    sizes += [int(rng.integers(widths[0], widths[1] + 1)) for _ in range(depth)]
    names = activations or ["sigmoid", "tanh", "relu", "identity"]
    return [{"W": rng.normal(size=(n_out, n_in_)), "b": rng.normal(size=n_out),
             "activation": str(names[int(rng.integers(len(names)))])}
            for n_in_, n_out in zip(sizes[:-1], sizes[1:])]


def tp3_network_forward(X, layers):
    """Reference forward pass: caches [{"A_prev", "Z", "A"}], Z = A_prev W^T + b (einsum)."""
    A = np.asarray(X, dtype=float)
    caches = []
    for layer in layers:
        Z = np.einsum("ki,oi->ko", A, layer["W"]) + layer["b"]
        A_next = tp3_activation(Z, layer["activation"])
        caches.append({"A_prev": A, "Z": Z, "A": A_next})
        A = A_next
    return A, caches


# Inputs where a naive exp/log overflows, underflows or cancels (|x| up to 1e4).
EXTREME = np.array([-1e4, -1000.0, -745.2, -709.8, -100.0, -36.0, -20.0, -1e-8, 0.0,
                    1e-8, 20.0, 36.0, 100.0, 709.8, 745.2, 1000.0, 1e4])


def check_elementwise(name, func, reference, seed=0, scale=20.0,
                      shapes=((), (1,), (7,), (3, 4), (2, 3, 5)),
                      tol64=(1e-8, 1e-13), tol32=(1e-5, 1e-6)):
    """Hidden-test battery for an element-wise function of an array of any shape.

    Checks ``func(x)`` against ``reference(x)`` (computed in float64) on random inputs
    of several shapes, in float64 and float32, and on ``EXTREME`` values, inside
    ``strict_floats()``: any overflow, NaN or RuntimeWarning fails. The output may be
    float32 or float64 (tolerances ``(rtol, atol)`` per input dtype); the input must
    not be modified.

    Parameters
    ----------
    name : str
        The student's function name, for messages.
    func, reference : callable
        ``func(x)`` is the student's function; ``reference(x64)`` the independent value.
    """
    from tp_utils.testing import check_array

    rng = np.random.default_rng(seed)
    for dtype, (rtol, atol) in ((np.float64, tol64), (np.float32, tol32)):
        cases = [(rng.standard_normal(shape) * scale).astype(dtype) for shape in shapes]
        cases += [EXTREME.astype(dtype), EXTREME[::-1].reshape(1, -1).astype(dtype)]
        for x in cases:
            x_before = x.copy()
            what = f"{name}(x) for x of shape {x.shape} and dtype {np.dtype(dtype).name}"
            try:
                with strict_floats():
                    got = func(x)
            except (FloatingPointError, RuntimeWarning) as err:
                raise AssertionError(f"{what}: {err} (for |x| up to {np.abs(x).max():.3g}): "
                                     "the formula is not numerically stable.") from err
            expected = reference(x.astype(np.float64))
            check_array(what, got, expected, rtol=rtol, atol=atol)
            if not np.array_equal(x, x_before):
                raise AssertionError(f"{name} modified its argument x in place: work on a copy.")


def tp2_check_backward(backward_fn, rng, sizes, activations=("tanh", "relu"), rtol=1e-4, atol=1e-5):
    """Hidden test of TP2's backward functions: every gradient against a numerical one.

    ``backward_fn(x, y, params, cache, activation)`` must return a dict with the gradients
    "y_tilde", "W_y", "b_y", "h", "h_tilde", "W_h", "b_h"; the cache comes from
    :func:`tp2_forward` (so a wrong forward does not cost the backward points).
    The default tolerances admit a backward computed in float32 (gradients are O(1) here, and
    float32 cancellation leaves absolute errors of ~1e-7); the catalogued slips are off by far more.
    """
    from scipy.special import logsumexp
    from tp_utils.testing import check_array
    keys = ["y_tilde", "W_y", "b_y", "h", "h_tilde", "W_h", "b_h"]
    for n_x, n_h, n_y in sizes:
        for act in activations:
            params = tp2_random_params(rng, n_x, n_h, n_y)
            x, y = rng.normal(size=n_x), int(rng.integers(n_y))
            cache = tp2_forward(x, params, act)
            grads = backward_fn(x.copy(), y, {k: v.copy() for k, v in params.items()},
                                {k: v.copy() for k, v in cache.items()}, act)
            if not isinstance(grads, dict) or any(k not in grads for k in keys):
                raise AssertionError(f"the gradients should be a dict with the keys {keys}")
            ref = {}
            for name in params:
                def f(value, name=name):
                    p = dict(params)
                    p[name] = value
                    return tp2_loss(x, y, p, act)
                ref[name] = numerical_gradient(f, params[name].copy())
            lse = lambda t: logsumexp(t) - t[y]
            act_fn = np.tanh if act == "tanh" else (lambda t: np.where(t > 0, t, 0.0))
            ref["y_tilde"] = numerical_gradient(lse, cache["y_tilde"].copy())
            ref["h"] = numerical_gradient(lambda t: lse(params["W_y"] @ t + params["b_y"]), cache["h"].copy())
            ref["h_tilde"] = numerical_gradient(lambda t: lse(params["W_y"] @ act_fn(t) + params["b_y"]),
                                                cache["h_tilde"].copy())
            for name in keys:
                check_array(f"grads['{name}'] ({act}, n_x={n_x}, n_h={n_h}, n_y={n_y})",
                            grads[name], ref[name], rtol=rtol, atol=atol)


def tp3_check_gradient(name, analytic, numeric, rtol=1e-4, atol=1e-6):
    """Compare an analytic gradient with a numerical one, tolerant to tiny entries.

    Passes when ``|a - n| <= atol * max(1, max|n|) + rtol * |n|`` everywhere (the CS231n relative
    error alone flags entries of 1e-7 that agree to 4 digits). On failure, raises
    ``AssertionError`` with ``tp_utils.gradcheck.gradient_report``'s explanation.
    """
    from tp_utils.gradcheck import gradient_report
    from tp_utils.testing import check_shape
    numeric = np.asarray(numeric, dtype=float)
    check_shape(name, analytic, numeric.shape)
    a = np.asarray(analytic, dtype=float)
    scale = max(1.0, float(np.abs(numeric).max())) if numeric.size else 1.0
    if not np.all(np.abs(a - numeric) <= atol * scale + rtol * np.abs(numeric)):
        raise AssertionError(gradient_report(a, numeric, name)[1])
