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

    Its source is also the catalogue's correct TP1 answer, the template of its slips
    (``catalogue/tp1.py``): keep it the plain loop a student writes.
    """
    x = np.asarray(x)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
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


TINY64, TINY32 = float(np.finfo(np.float64).tiny), float(np.finfo(np.float32).tiny)


def check_elementwise(name, func, reference, seed=0, scale=20.0,
                      shapes=((), (1,), (7,), (3, 4), (2, 3, 5)),
                      tol64=(1e-12, TINY64), tol32=(1e-5, TINY32), tails=(), subnormal=()):
    """Hidden-test battery for an element-wise function of an array of any shape.

    Checks ``func(x)`` against ``reference(x)`` (computed in float64) on random inputs
    of several shapes, in float64 and float32, and on ``EXTREME`` values, with numpy's
    floating-point checks raising (``tp_utils.testing.call_strict``): any overflow, NaN or
    RuntimeWarning fails. The output may be float32 or float64 (tolerances ``(rtol, atol)``
    per input dtype: by default a **relative** error of 1e-12 in float64 and 1e-5 in
    float32, wherever the value is a normal number); the input must not be modified.
    The answer may not switch the checks off (:func:`assert_no_silenced_checks`).

    Parameters
    ----------
    name : str
        The student's function name, for messages.
    func, reference : callable
        ``func(x)`` is the student's function; ``reference(x64)`` the independent value.
    tails : sequence of float
        float64 inputs checked first, one by one, with the float64 tolerance (tails where a
        formula that cancels loses every digit, e.g. sigmoid(-40) = 4.25e-18, not 0).
    subnormal : sequence of float
        float64 inputs where the value is a subnormal number (below 2.2e-308): the answer must
        be within 1e-322 of it (0 there means an exp overflowed along the way, checks off).
    """
    from tp_utils.testing import call_strict, check_array

    assert_no_silenced_checks(name)
    for v in tails:
        x = np.array([float(v)])
        check_array(f"{name}({v:g}) (relative accuracy {tol64[0]:g} claimed)", call_strict(f"{name}(x)", func, x),
                    reference(x), rtol=tol64[0], atol=tol64[1])
    for v in subnormal:
        x = np.array([float(v)])
        got, expected = np.asarray(call_strict(f"{name}(x)", func, x), dtype=float), reference(x)
        if not np.all(np.abs(got - expected) <= 1e-322):
            raise AssertionError(
                f"{name}({v:g}) = {float(got[0])!r}; expected {float(expected[0])!r} (a subnormal number: exp(-|x|) still "
                "exists down to x = -745). Returning 0 here means an exp overflowed to inf along the way "
                "and the overflow was not reported: the formula must not compute exp of a large number.")
    rng = np.random.default_rng(seed)
    for dtype, (rtol, atol) in ((np.float64, tol64), (np.float32, tol32)):
        cases = [(rng.standard_normal(shape) * scale).astype(dtype) for shape in shapes]
        cases += [EXTREME.astype(dtype), EXTREME[::-1].reshape(1, -1).astype(dtype)]
        for x in cases:
            x_before = x.copy()
            what = f"{name}(x) for x of shape {x.shape} and dtype {np.dtype(dtype).name}"
            got = call_strict(what, func, x)
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
    from tp_utils.hints import check_array_hinted
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
                check_array_hinted(f"grads['{name}'] ({act}, n_x={n_x}, n_h={n_h}, n_y={n_y})",
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


# ---------------------------------------------------------------- contracts (TP2-TP3)
def _first_change(before, after, path=""):
    """Where ``after`` differs from ``before`` (e.g. ``"['W_h']"``), or None if it does not."""
    if isinstance(before, dict):
        if not isinstance(after, dict) or set(before) != set(after):
            return path or "(its keys)"
        for key in before:
            where = _first_change(before[key], after[key], f"{path}[{key!r}]")
            if where is not None:
                return where
        return None
    if isinstance(before, (list, tuple)):
        if not isinstance(after, (list, tuple)) or len(before) != len(after):
            return path or "(its length)"
        for i, (b, a) in enumerate(zip(before, after)):
            where = _first_change(b, a, f"{path}[{i}]")
            if where is not None:
                return where
        return None
    if isinstance(before, np.ndarray):
        a = np.asarray(after)
        same = a.shape == before.shape and a.dtype == before.dtype and np.array_equal(
            a, before, equal_nan=np.issubdtype(before.dtype, np.inexact))
        return None if same else path
    return None if before == after else path


def unmodified_call(call, func, *args):
    """``func(*args)``, checking that it left every argument (arrays, dicts, lists of them) as it was.

    Parameters
    ----------
    call : str
        The call as a student reads it, e.g. ``"softmax_cross_entropy(S, y)"``: the names in the
        parentheses name the arguments in the message.
    func : callable
        The student's function.

    Returns
    -------
    whatever ``func(*args)`` returns; raises ``AssertionError`` if an argument was modified.
    """
    import copy
    names = [s.strip() for s in call[call.index("(") + 1:call.rindex(")")].split(",")]
    names += [f"#{i + 1}" for i in range(len(names), len(args))]
    before = [copy.deepcopy(a) for a in args]
    result = func(*args)
    for name, b, a in zip(names, before, args):
        where = _first_change(b, a)
        if where is not None:
            raise AssertionError(
                f"{call} modified its argument {name}{where} in place (e.g. with -=, *= or [...] = on it): "
                "the caller's array changed behind its back. Work on a new array (x - c, x.copy()).")
    return result


def check_gradient_hinted(name, analytic, numeric, n=None, candidates=(), **tolerances):
    """:func:`tp3_check_gradient`, and on failure a hint from ``tp_utils.hints.slip_hint``
    (a factor N with ``n`` the batch size, 2, the sign, the transpose, or a named ``candidate``)."""
    from tp_utils.hints import with_hint
    with_hint(tp3_check_gradient, name, analytic, numeric, tolerances, dict(rtol=1e-4, atol=1e-6),
              n=n, candidates=candidates)


def tp2_relu_kink_case():
    """A TP2 network and example where one hidden pre-activation is exactly 0 (ReLU's kink).

    Returns (x, y, params, cache): cache["h_tilde"][0] == 0.0 exactly; the course takes
    ReLU'(0) = 0, so every gradient below that unit is 0.
    """
    x = np.array([1.0, 2.0])
    params = {"W_h": np.array([[2.0, -1.0], [0.5, 1.0], [-1.0, 0.25]]), "b_h": np.array([0.0, -1.0, 0.2]),
              "W_y": np.array([[1.0, -2.0, 0.5], [0.5, 1.0, -1.0]]), "b_y": np.array([0.1, -0.2])}
    cache = tp2_forward(x, params, "relu")
    assert cache["h_tilde"][0] == 0.0
    return x, 1, params, cache


def tp2_check_backward_contracts(name, backward_fn):
    """Hidden test of TP2's backward functions: x, params and cache are not modified, and at
    ReLU's kink (h_tilde = 0 exactly) the course's ReLU'(0) = 0 is taken."""
    from tp_utils.hints import check_array_hinted
    x, y, params, cache = tp2_relu_kink_case()
    g_y = cache["y_hat"] - np.eye(len(cache["y_hat"]))[y]
    g_h = params["W_y"].T @ g_y
    g_ht = g_h * (cache["h_tilde"] > 0)
    grads = unmodified_call(f"{name}(x, y, params, cache, activation)", backward_fn, x.copy(), y,
                            {k: v.copy() for k, v in params.items()}, {k: v.copy() for k, v in cache.items()},
                            "relu")
    if not isinstance(grads, dict) or "h_tilde" not in grads or "W_h" not in grads:
        raise AssertionError(f"{name} should return a dict with the keys 'h_tilde' and 'W_h'")
    why = (" (ReLU at h_tilde = 0 exactly: the course takes ReLU'(0) = 0, so the mask is h_tilde > 0, "
           "not h_tilde >= 0)")
    check_array_hinted(f"{name}: grads['h_tilde'] where h_tilde[0] = 0{why}", grads["h_tilde"], g_ht,
                       rtol=1e-5, atol=1e-6)
    check_array_hinted(f"{name}: grads['W_h'] where h_tilde[0] = 0{why}", grads["W_h"], np.outer(g_ht, x),
                       rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- TP1 (stable formulas)
# Independent references, accurate to a few units in the last place everywhere (also in the
# tails and for subnormal values), in float64 whatever the input dtype. A hidden test may also
# hand them to the student's later functions (one slip, one charge: ``sigmoid = tp1_sigmoid``).

def tp1_sigmoid(x):
    """sigma(x), relative error ~1e-16 (also e^x/(1+e^x) for subnormal values, x > -745)."""
    x = np.asarray(x, dtype=np.float64)
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def tp1_sigmoid_grad(x):
    """sigma'(x) = sigma(x) sigma(-x) (never 1 - sigma(x), which is 0 for x > 37)."""
    x = np.asarray(x, dtype=np.float64)
    return tp1_sigmoid(x) * tp1_sigmoid(-x)


def tp1_tanh(x):
    """tanh(x) (numpy's, accurate near 0 too)."""
    return np.tanh(np.asarray(x, dtype=np.float64))


def tp1_tanh_grad(x):
    """tanh'(x) = 4 sigma'(2x) (never 1 - tanh(x)**2, which is 0 for |x| > 19)."""
    return 4.0 * tp1_sigmoid_grad(2.0 * np.asarray(x, dtype=np.float64))


def tp1_softplus(x):
    """ln(1 + e^x) = np.logaddexp(0, x) (log1p inside: e^x to full precision for x << 0)."""
    return np.logaddexp(0.0, np.asarray(x, dtype=np.float64))


def tp1_log_sigmoid(x):
    """ln sigma(x) = -softplus(-x)."""
    return -np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))


def tp1_logsumexp(x, axis=-1, keepdims=False):
    """ln sum exp along ``axis`` (scipy.special.logsumexp)."""
    from scipy.special import logsumexp
    return logsumexp(np.asarray(x, dtype=np.float64), axis=axis, keepdims=keepdims)


def tp1_log_softmax(x, axis=-1):
    """x - logsumexp(x, axis, keepdims=True)."""
    x = np.asarray(x, dtype=np.float64)
    return x - tp1_logsumexp(x, axis=axis, keepdims=True)


def assert_no_silenced_checks(name):
    """Fail if the answer ``name`` switches floating-point checks off
    (:func:`tp_course.grading.suspicious.silenced_checks`).

    Another graded answer it calls is not read: its own test charges it (one slip, one charge).
    """
    from .answers import read_answer
    from .grading.suspicious import silenced_checks
    found = read_answer(silenced_checks, name)
    if found:
        raise AssertionError(
            f"{name}: {found[0]} switches numpy's overflow checks off (or hides their warnings). An overflow "
            "that is not reported is still an overflow: the exercise is a formula that never computes exp of a "
            "large number (Part 2). Remove it and make the formula itself stable.")


# ---------------------------------------------------------------- TP5 (convolutions)
# Independent references for TP5's hidden tests: scipy.signal.correlate, explicit loops.
# Images are (N, C, H, W); a conv weight is (C_out, C_in, kH, kW), its bias (C_out,).

def tp5_output_size(n, k, padding=0, stride=1):
    """Number of window positions: ``len(range(0, n + 2p - k + 1, s))`` (counted, not a formula)."""
    return len(range(0, n + 2 * padding - k + 1, stride))


def tp5_pad(X, padding):
    """X (N, C, H, W) with ``padding`` zeros on each of the four sides, float64."""
    p = int(padding)
    return np.pad(np.asarray(X, dtype=float), ((0, 0), (0, 0), (p, p), (p, p)))


def tp5_conv2d(X, W, b, stride=1, padding=0):
    """Reference cross-correlation (PyTorch's Conv2d), with ``scipy.signal.correlate``.

    X (N, C_in, H, W), W (C_out, C_in, kH, kW), b (C_out,) -> Z (N, C_out, H_out, W_out),
    Z[n, o, i, j] = b[o] + sum_{c,u,v} Xpad[n, c, i*s + u, j*s + v] W[o, c, u, v].
    """
    from scipy.signal import correlate
    Xp = tp5_pad(X, padding)
    W = np.asarray(W, dtype=float)
    N, C_out = Xp.shape[0], W.shape[0]
    H_out = tp5_output_size(Xp.shape[2], W.shape[2], 0, stride)
    W_out = tp5_output_size(Xp.shape[3], W.shape[3], 0, stride)
    Z = np.empty((N, C_out, H_out, W_out))
    for n in range(N):
        for o in range(C_out):
            full = correlate(Xp[n], W[o], mode="valid")[0]          # (Hp - kH + 1, Wp - kW + 1)
            Z[n, o] = full[::stride, ::stride][:H_out, :W_out] + float(np.asarray(b, dtype=float)[o])
    return Z


def tp5_im2col(X, kH, kW, stride=1, padding=0):
    """Reference patches, with loops: row (n, i, j), column (c, u, v) in C order.

    Returns an array of shape (N * H_out * W_out, C * kH * kW), float64.
    """
    Xp = tp5_pad(X, padding)
    N, C = Xp.shape[:2]
    H_out = tp5_output_size(Xp.shape[2], kH, 0, stride)
    W_out = tp5_output_size(Xp.shape[3], kW, 0, stride)
    rows = []
    for n in range(N):
        for i in range(H_out):
            for j in range(W_out):
                rows.append(Xp[n, :, i * stride:i * stride + kH, j * stride:j * stride + kW].ravel())
    return np.array(rows).reshape(N * H_out * W_out, C * kH * kW)


def tp5_maxpool(X, size=2, stride=2):
    """Reference max pooling with loops: X (N, C, H, W) -> (N, C, H_out, W_out), no padding."""
    X = np.asarray(X, dtype=float)
    N, C, H, W = X.shape
    H_out, W_out = tp5_output_size(H, size, 0, stride), tp5_output_size(W, size, 0, stride)
    Z = np.empty((N, C, H_out, W_out))
    for idx in np.ndindex(N, C, H_out, W_out):
        n, c, i, j = idx
        Z[idx] = X[n, c, i * stride:i * stride + size, j * stride:j * stride + size].max()
    return Z


def tp5_maxpool_backward(dZ, X, size=2, stride=2):
    """Reference max-pooling backward with loops: each window's gradient goes to its FIRST maximum
    (row-major order inside the window, as ``np.argmax`` and PyTorch); overlapping windows add up."""
    X = np.asarray(X, dtype=float)
    dX = np.zeros_like(X)
    N, C, H_out, W_out = np.shape(dZ)
    for n, c, i, j in np.ndindex(N, C, H_out, W_out):
        window = X[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
        u, v = divmod(int(np.argmax(window)), window.shape[1])
        dX[n, c, i * stride + u, j * stride + v] += dZ[n, c, i, j]
    return dX


def tp5_random_conv(rng, N=2, C_in=3, H=7, W=6, C_out=4, k=3, dtype=float):
    """Random X (N, C_in, H, W), weight (C_out, C_in, k, k) and non-zero bias (C_out,) for TP5's tests."""
    X = rng.normal(size=(N, C_in, H, W)).astype(dtype)
    Wt = rng.normal(size=(C_out, C_in, k, k)).astype(dtype)
    b = (rng.normal(size=C_out) + 0.5).astype(dtype)
    return X, Wt, b


def tp4_rmsprop(p, g, s, lr, beta=0.9, eps=1e-8):
    """Reference RMSProp step on one array, float64: returns the new (p, s).

    s <- beta s + (1 - beta) g^2,  p <- p - lr g / (sqrt(s) + eps)
    """
    p, g, s = (np.asarray(a, dtype=float) for a in (p, g, s))
    s = beta * s + (1.0 - beta) * g * g
    return p - lr * g / (np.sqrt(s) + eps), s


def tp4_adam(p, g, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Reference Adam step on one array, float64; ``t`` is the number of this step (1 for the first).

    Returns the new (p, m, v), with the bias-corrected update p - lr m_hat / (sqrt(v_hat) + eps).
    """
    p, g, m, v = (np.asarray(a, dtype=float) for a in (p, g, m, v))
    m = beta1 * m + (1.0 - beta1) * g
    v = beta2 * v + (1.0 - beta2) * g * g
    m_hat, v_hat = m / (1.0 - beta1 ** t), v / (1.0 - beta2 ** t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
