"""TP1 (derivatives, stable formulas, gradient check): wrong answers and alternatives.

Each ``code`` is appended to the instructor's solution cell ``cell``, so it only redefines
what a student would have written differently. The seeds' slips are here: the lost minus
sign in ln sigmoid(x) = -softplus(-x) ("0 + ln(1 + exp(-x))"), the naive exp formulas, and
the forward difference.
"""
import inspect

from tp_course import reference
from tp_course.catalogue import Alternative, Wrong
from tp_course.catalogue import variant as _variant


# ---------------------------------------------------------------------------------------------
# Templates: a correct student answer, then one slip at a time (see _variant).
LOGSUMEXP = """
def logsumexp(x, axis=-1, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)
"""

NUMERICAL_GRADIENT = "\n" + inspect.getsource(reference.numerical_gradient)  # the hidden tests' own

GRADIENT_CHECK = """
def gradient_check(analytic, numeric):
    a, n = np.asarray(analytic), np.asarray(numeric)
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))
"""

# correct later answers that call an earlier function of the student's differently from the
# solution: with that function wrong they must keep their points (the `also` entries)
TANH_VIA_SIGMOID = """
def tanh_from_sigmoid(x):
    return 1 - 2 * sigmoid(-2 * x)
"""
TANH_GRAD_VIA_SIGMOID = """
def tanh_grad(x):
    return 4 * sigmoid(2 * x) * sigmoid(-2 * x)
"""
TANH_GRAD_VIA_TANH = """
def tanh_grad(x):
    t = tanh_from_sigmoid(x)
    z = np.exp(-2 * np.abs(x))
    return np.where(np.abs(t) < 0.5, 1 - t * t, 4 * z / (1 + z) ** 2)
"""

WRONG = [
    # --- sigmoid ------------------------------------------------------------------------
    Wrong("sigmoid-naive", cell="sigmoid", fails=["test_sigmoid"],
          why="1/(1+exp(-x)) overflows in exp(-x) for x = -1e4 (right value, but an overflow)",
          code='''
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
'''),
    Wrong("sigmoid-naive-other-side", cell="sigmoid", fails=["test_sigmoid"],
          why="exp(x)/(1+exp(x)) is inf/inf = nan for x = 1e4",
          code='''
def sigmoid(x):
    return np.exp(x) / (1 + np.exp(x))
'''),
    Wrong("sigmoid-where-both-branches", cell="sigmoid", fails=["test_sigmoid"],
          why="np.where evaluates both branches on the whole array: exp(x) still overflows",
          code='''
def sigmoid(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
'''),
    Wrong("sigmoid-sign-slip", cell="sigmoid", fails=["test_sigmoid"],
          why="1/(1+exp(x)) is sigma(-x)",
          code='''
def sigmoid(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, z / (1 + z), 1 / (1 + z))
'''),
    Wrong("sigmoid-tanh-without-half", cell="sigmoid", fails=["test_sigmoid"],
          why="identity 1.1 with tanh(x) instead of tanh(x/2)",
          code='''
def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1)
'''),
    Wrong("sigmoid-scalar-only", cell="sigmoid", fails=["test_sigmoid"],
          why="math.exp and an if on the whole array: not vectorised",
          code='''
import math
def sigmoid(x):
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    return math.exp(x) / (1 + math.exp(x))
'''),
    Wrong("sigmoid-modifies-input", cell="sigmoid", fails=["test_sigmoid"],
          why="flips the negative entries of the caller's array in place (caught by the hidden tests)",
          code='''
def sigmoid(x):
    neg = x < 0
    x[neg] = -x[neg]
    s = 1 / (1 + np.exp(-x))
    s[neg] = 1 - s[neg]
    return s
'''),
    # --- sigmoid_grad -------------------------------------------------------------------
    Wrong("sigmoid-grad-naive", cell="sigmoid_grad", fails=["test_sigmoid_grad"],
          why="exp(-x)/(1+exp(-x))**2 is inf/inf = nan for x = -1e4",
          code='''
def sigmoid_grad(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2
'''),
    Wrong("sigmoid-grad-sign-slip", cell="sigmoid_grad", fails=["test_sigmoid_grad"],
          why="sigma (sigma - 1): the sign of the inner derivative of exp(-x) lost",
          code='''
def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (s - 1)
'''),
    Wrong("sigmoid-grad-missing-factor", cell="sigmoid_grad", fails=["test_sigmoid_grad"],
          why="1 - sigma: the factor sigma forgotten",
          code='''
def sigmoid_grad(x):
    return 1 - sigmoid(x)
'''),
    Wrong("sigmoid-grad-tanh-pattern", cell="sigmoid_grad", fails=["test_sigmoid_grad"],
          why="1 - sigma**2, copied from tanh' = 1 - tanh**2",
          code='''
def sigmoid_grad(x):
    return 1 - sigmoid(x) ** 2
'''),
    # --- tanh_from_sigmoid --------------------------------------------------------------
    Wrong("tanh-naive", cell="tanh_from_sigmoid", fails=["test_tanh_from_sigmoid"],
          why="(e^x - e^-x)/(e^x + e^-x) is inf/inf = nan for |x| = 1e4",
          code='''
def tanh_from_sigmoid(x):
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
'''),
    Wrong("tanh-forgot-2x", cell="tanh_from_sigmoid", fails=["test_tanh_from_sigmoid"],
          why="2 sigma(x) - 1 is tanh(x/2)",
          code='''
def tanh_from_sigmoid(x):
    return 2 * sigmoid(x) - 1
'''),
    Wrong("tanh-forgot-factor-2", cell="tanh_from_sigmoid", fails=["test_tanh_from_sigmoid"],
          why="sigma(2x) - 1: the outer factor 2 forgotten",
          code='''
def tanh_from_sigmoid(x):
    return sigmoid(2 * x) - 1
'''),
    Wrong("tanh-plus-one", cell="tanh_from_sigmoid", fails=["test_tanh_from_sigmoid"],
          why="2 sigma(2x) + 1: sign slip on the constant",
          code='''
def tanh_from_sigmoid(x):
    return 2 * sigmoid(2 * x) + 1
'''),
    # --- tanh_grad ----------------------------------------------------------------------
    Wrong("tanh-grad-no-square", cell="tanh_grad", fails=["test_tanh_grad"],
          why="1 - tanh instead of 1 - tanh**2",
          code='''
def tanh_grad(x):
    return 1 - tanh_from_sigmoid(x)
'''),
    Wrong("tanh-grad-chain-rule-factor", cell="tanh_grad", fails=["test_tanh_grad"],
          why="2 sigma'(2x): the inner factor 2 of the chain rule forgotten (it is 4 sigma'(2x))",
          code='''
def tanh_grad(x):
    s = sigmoid(2 * x)
    return 2 * s * (1 - s)
'''),
    Wrong("tanh-grad-cosh-overflow", cell="tanh_grad", fails=["test_tanh_grad"],
          why="1/cosh(x)**2 is right on paper but cosh overflows for |x| > 710",
          code='''
def tanh_grad(x):
    return 1 / np.cosh(x) ** 2
'''),
    Wrong("tanh-grad-sigmoid-pattern", cell="tanh_grad", fails=["test_tanh_grad"],
          why="tanh (1 - tanh), copied from sigma' = sigma (1 - sigma)",
          code='''
def tanh_grad(x):
    t = tanh_from_sigmoid(x)
    return t * (1 - t)
'''),
    # --- softplus -----------------------------------------------------------------------
    Wrong("softplus-naive", cell="softplus", fails=["test_softplus"],
          why="log(1 + exp(x)) is inf for x = 1e4",
          code='''
def softplus(x):
    return np.log(1 + np.exp(x))
'''),
    Wrong("softplus-log1p-still-naive", cell="softplus", fails=["test_softplus"],
          why="log1p(exp(x)) is accurate for small exp(x) but still overflows for x = 1e4",
          code='''
def softplus(x):
    return np.log1p(np.exp(x))
'''),
    Wrong("softplus-forgot-abs", cell="softplus", fails=["test_softplus"],
          why="max(x, 0) + log1p(exp(-x)): exp(-x) overflows for x = -1e4",
          code='''
def softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-x))
'''),
    Wrong("softplus-sign-slip", cell="softplus", fails=["test_softplus"],
          why="log(1 + exp(-x)) is softplus(-x)",
          code='''
def softplus(x):
    return np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
'''),
    Wrong("softplus-relu", cell="softplus", fails=["test_softplus"],
          why="max(x, 0) alone: the correction ln(1 + e^-|x|) dropped",
          code='''
def softplus(x):
    return np.maximum(x, 0)
'''),
    # --- softplus_grad ------------------------------------------------------------------
    Wrong("softplus-grad-naive", cell="softplus_grad", fails=["test_softplus_grad"],
          why="exp(x)/(1+exp(x)) is inf/inf = nan for x = 1e4",
          code='''
def softplus_grad(x):
    return np.exp(x) / (1 + np.exp(x))
'''),
    Wrong("softplus-grad-sign-slip", cell="softplus_grad", fails=["test_softplus_grad"],
          why="sigma(-x) = 1/(1+e^x): the sign slip",
          code='''
def softplus_grad(x):
    return sigmoid(-x)
'''),
    Wrong("softplus-grad-relu-step", cell="softplus_grad", fails=["test_softplus_grad"],
          why="the ReLU derivative (x > 0) instead of the smooth sigma",
          code='''
def softplus_grad(x):
    return (x > 0).astype(float)
'''),
    Wrong("softplus-grad-sigmoid-grad", cell="softplus_grad", fails=["test_softplus_grad"],
          why="sigma(1 - sigma): one derivative too many",
          code='''
def softplus_grad(x):
    return sigmoid_grad(x)
'''),
    # --- log_sigmoid --------------------------------------------------------------------
    Wrong("log-sigmoid-seed-sign-slip", cell="log_sigmoid", fails=["test_log_sigmoid"],
          why="the seed's slip: ln sigma(x) = 0 + ln(1 + exp(-x)) = +softplus(-x)",
          code='''
def log_sigmoid(x):
    return softplus(-x)
'''),
    Wrong("log-sigmoid-log-of-sigmoid", cell="log_sigmoid", fails=["test_log_sigmoid"],
          why="log(sigmoid(x)): sigmoid(-1e4) = 0 and log(0) = -inf (divide-by-zero warning)",
          code='''
def log_sigmoid(x):
    return np.log(sigmoid(x))
'''),
    Wrong("log-sigmoid-wrong-argument", cell="log_sigmoid", fails=["test_log_sigmoid"],
          why="-softplus(x): the inner minus sign lost",
          code='''
def log_sigmoid(x):
    return -softplus(x)
'''),
    Wrong("log-sigmoid-naive", cell="log_sigmoid", fails=["test_log_sigmoid"],
          why="-log(1 + exp(-x)) overflows for x = -1e4",
          code='''
def log_sigmoid(x):
    return -np.log(1 + np.exp(-x))
'''),
    # --- logsumexp ----------------------------------------------------------------------
    Wrong("logsumexp-naive", cell="logsumexp", fails=["test_logsumexp"],
          why="log(sum(exp(x))) overflows for x = 1000",
          code='''
def logsumexp(x, axis=-1, keepdims=False):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))
'''),
    Wrong("logsumexp-shift-without-keepdims", cell="logsumexp", fails=["test_logsumexp"],
          why="m = x.max(axis) without keepdims: x - m broadcasts along the wrong axis",
          code='''
def logsumexp(x, axis=-1, keepdims=False):
    m = np.max(x, axis=axis)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis))
    return np.expand_dims(out, axis) if keepdims else out
'''),
    Wrong("logsumexp-forgot-max-back", cell="logsumexp", fails=["test_logsumexp"],
          why="shifted by the max but forgot to add it back",
          code='''
def logsumexp(x, axis=-1, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    return np.log(np.sum(np.exp(x - m), axis=axis, keepdims=keepdims))
'''),
    Wrong("logsumexp-global-max", cell="logsumexp", fails=["test_logsumexp"],
          why="shift by the global max: a row far below it underflows to log(0) = -inf",
          code='''
def logsumexp(x, axis=-1, keepdims=False):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=keepdims))
'''),
    Wrong("logsumexp-axis-ignored", cell="logsumexp", fails=["test_logsumexp"], keeps=["test_log_softmax"],
          why="always reduces the last axis, whatever axis is asked (log_softmax(x, axis=0) keeps its points)",
          code=_variant(
              LOGSUMEXP, ('np.max(x, axis=axis', 'np.max(x, axis=-1'),
              ('np.exp(x - m), axis=axis', 'np.exp(x - m), axis=-1'),
              ('squeeze(out, axis=axis)', 'squeeze(out, axis=-1)'))),
    Wrong("logsumexp-keepdims-ignored", cell="logsumexp", fails=["test_logsumexp"],
          why="always returns the reduced axis (as if keepdims=True)",
          code=_variant(
              LOGSUMEXP, ('    out = m +', '    return m +'),
              ('    return out if keepdims else np.squeeze(out, axis=axis)\n', ''))),
    Wrong("logsumexp-squeeze-all", cell="logsumexp", fails=["test_logsumexp"],
          why="np.squeeze(out) without axis also drops other length-1 axes, e.g. (1, 6) -> () "
              "(caught by the hidden tests)",
          code=_variant(LOGSUMEXP, ('np.squeeze(out, axis=axis)', 'np.squeeze(out)'))),
    # --- log_softmax --------------------------------------------------------------------
    Wrong("log-softmax-naive", cell="log_softmax", fails=["test_log_softmax"],
          why="log(exp(x) / sum(exp(x))) overflows for x = 1000",
          code='''
def log_softmax(x, axis=-1):
    e = np.exp(x)
    return np.log(e / np.sum(e, axis=axis, keepdims=True))
'''),
    Wrong("log-softmax-log-of-shifted-softmax", cell="log_softmax", fails=["test_log_softmax"],
          why="stable softmax, then log: a probability that underflows to 0 gives log(0) = -inf",
          code='''
def log_softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return np.log(e / np.sum(e, axis=axis, keepdims=True))
'''),
    Wrong("log-softmax-keepdims-forgotten", cell="log_softmax", fails=["test_log_softmax"],
          why="x - logsumexp(x, axis): the result of shape (N,) broadcasts along the wrong axis",
          code='''
def log_softmax(x, axis=-1):
    return x - logsumexp(x, axis=axis)
'''),
    Wrong("log-softmax-axis-ignored", cell="log_softmax", fails=["test_log_softmax"],
          why="always normalises along the last axis",
          code='''
def log_softmax(x, axis=-1):
    return x - logsumexp(x, axis=-1, keepdims=True)
'''),
    Wrong("log-softmax-max-only", cell="log_softmax", fails=["test_log_softmax"],
          why="x - max(x): the shift of logsumexp without the log-sum",
          code='''
def log_softmax(x, axis=-1):
    return x - np.max(x, axis=axis, keepdims=True)
'''),
    Wrong("log-softmax-sign-slip", cell="log_softmax", fails=["test_log_softmax"],
          why="LSE(x) - x: minus the log-softmax (values >= 0, not log-probabilities)",
          code='''
def log_softmax(x, axis=-1):
    return logsumexp(x, axis=axis, keepdims=True) - x
'''),
    Wrong("log-softmax-in-place", cell="log_softmax", fails=["test_log_softmax"],
          why="x -= ...: overwrites the caller's scores (caught by the hidden tests)",
          code='''
def log_softmax(x, axis=-1):
    x -= logsumexp(x, axis=axis, keepdims=True)
    return x
'''),
    # --- numerical_gradient -------------------------------------------------------------
    Wrong("numgrad-forward-difference", cell="numerical_gradient", fails=["test_numerical_gradient"],
          why="(f(x + eps) - f(x)) / eps: error O(eps), ~3e-3 for eps = 1e-3 on a cubic",
          code='''
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    f0 = float(f(x))
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (float(f(x)) - f0) / eps
        x[i] = old
    return grad
'''),
    Wrong("numgrad-no-restore", cell="numerical_gradient", fails=["test_numerical_gradient"],
          why="x[i] += eps; x[i] -= 2 eps, and never x[i] += eps: x is left shifted by -eps",
          code='''
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += eps
        fp = float(f(x))
        x[i] -= 2 * eps
        fm = float(f(x))
        grad[i] = (fp - fm) / (2 * eps)
    return grad
'''),
    Wrong("numgrad-divide-by-eps", cell="numerical_gradient", fails=["test_numerical_gradient"],
          why="central difference divided by eps instead of 2 eps: twice the gradient",
          code=_variant(NUMERICAL_GRADIENT, ('(fp - fm) / (2 * eps)', '(fp - fm) / eps'))),
    Wrong("numgrad-1d-only", cell="numerical_gradient", fails=["test_numerical_gradient"],
          why="range(len(x)) and x[i]: on a 2-D x, x[i] is a whole row",
          code=_variant(NUMERICAL_GRADIENT, ('np.ndindex(x.shape)', 'range(len(x))'),
                                            ('old = x[i]\n', 'old = x[i].copy()\n'))),
    Wrong("numgrad-perturbs-a-copy", cell="numerical_gradient", fails=["test_numerical_gradient"],
          why="perturbs x.flatten() (a copy) but calls f(x): every difference is 0",
          code='''
def numerical_gradient(f, x, eps=1e-6):
    flat = x.flatten()
    grad = np.zeros(flat.shape)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        fp = float(f(x))
        flat[i] = old - eps
        fm = float(f(x))
        flat[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad.reshape(x.shape)
'''),
    Wrong("numgrad-eps-ignored", cell="numerical_gradient", fails=["test_numerical_gradient"],
          why="a hard-coded step of 1e-2 instead of the eps argument (and the default)",
          code=_variant(
              NUMERICAL_GRADIENT, ('eps=1e-6):\n', 'eps=1e-6):\n    h = 1e-2\n'),
              ('old + eps', 'old + h'), ('old - eps', 'old - h'), ('(2 * eps)', '(2 * h)'))),
    Wrong("numgrad-default-eps-too-big", cell="numerical_gradient", fails=["test_numerical_gradient"],
          why="default eps=1e-2 instead of 1e-6: truncation error ~1e-5 (caught by the hidden tests)",
          code=_variant(NUMERICAL_GRADIENT, ('eps=1e-6', 'eps=1e-2'))),
    # --- gradient_check -----------------------------------------------------------------
    Wrong("gradcheck-sum-not-max", cell="gradient_check", fails=["test_gradient_check"],
          why="sums the entry-wise relative errors instead of taking the worst one",
          code=_variant(GRADIENT_CHECK, ('np.max(', 'np.sum('))),
    Wrong("gradcheck-no-floor", cell="gradient_check", fails=["test_gradient_check"],
          why="|a - n| / (|a| + |n|) without the 1e-8 floor: 0/0 = nan when both are 0",
          code=_variant(GRADIENT_CHECK, ('np.maximum(1e-8, np.abs(a) + np.abs(n))', '(np.abs(a) + np.abs(n))'))),
    Wrong("gradcheck-ratio-of-maxes", cell="gradient_check", fails=["test_gradient_check"],
          why="max|a - n| / max(|a| + |n|): the scale of the largest entry hides small wrong ones",
          code='''
def gradient_check(analytic, numeric):
    a, n = np.asarray(analytic), np.asarray(numeric)
    return float(np.max(np.abs(a - n)) / max(1e-8, np.max(np.abs(a) + np.abs(n))))
'''),
    Wrong("gradcheck-signed", cell="gradient_check", fails=["test_gradient_check"],
          why="(a - n) without the absolute value: an analytic gradient too small looks perfect",
          code=_variant(GRADIENT_CHECK, ('np.abs(a - n)', '(a - n)'))),
    Wrong("gradcheck-absolute", cell="gradient_check", fails=["test_gradient_check"],
          why="the absolute error max|a - n|, with no scale",
          code='''
def gradient_check(analytic, numeric):
    return float(np.max(np.abs(np.asarray(analytic) - np.asarray(numeric))))
'''),
    Wrong("gradcheck-python-max", cell="gradient_check", fails=["test_gradient_check"],
          why="Python max(1e-8, array) instead of np.maximum: 'truth value of an array is ambiguous'",
          code=_variant(GRADIENT_CHECK, ('np.maximum(', 'max('))),
    Wrong("gradcheck-no-max", cell="gradient_check", fails=["test_gradient_check"],
          why="returns the entry-wise relative errors (an array), not the worst one",
          code=_variant(GRADIENT_CHECK, ('float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))',
                                                  'np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))'))),
    # --- norm gradients -----------------------------------------------------------------
    Wrong("sq-norm-grad-missing-2", cell="sq_norm_grad", fails=["test_sq_norm_grad"],
          why="x instead of 2x",
          code='''
def sq_norm_grad(x):
    return x
'''),
    Wrong("sq-norm-grad-sum", cell="sq_norm_grad", fails=["test_sq_norm_grad"],
          why="2 * np.sum(x): a number, not a gradient with the shape of x",
          code='''
def sq_norm_grad(x):
    return 2 * np.sum(x)
'''),
    Wrong("sq-norm-grad-abs", cell="sq_norm_grad", fails=["test_sq_norm_grad"],
          why="2|x|: the sign of x lost",
          code='''
def sq_norm_grad(x):
    return 2 * np.abs(x)
'''),
    Wrong("sq-norm-grad-square", cell="sq_norm_grad", fails=["test_sq_norm_grad"],
          why="x**2: the terms of the sum instead of their derivatives",
          code='''
def sq_norm_grad(x):
    return x ** 2
'''),
    Wrong("l1-grad-x-over-abs", cell="l1_norm_grad", fails=["test_l1_norm_grad"],
          why="x / |x| is 0/0 = nan at 0",
          code='''
def l1_norm_grad(x):
    return x / np.abs(x)
'''),
    Wrong("l1-grad-relu-step", cell="l1_norm_grad", fails=["test_l1_norm_grad"],
          why="(x > 0): the ReLU derivative, -1 missing for negative entries",
          code='''
def l1_norm_grad(x):
    return (x > 0).astype(float)
'''),
    Wrong("l1-grad-abs", cell="l1_norm_grad", fails=["test_l1_norm_grad"],
          why="|x|: the function instead of its derivative",
          code='''
def l1_norm_grad(x):
    return np.abs(x)
'''),
    # --- issue 12: precision in the tails, checks switched off, kinks, one slip one charge ------
    Wrong("sigmoid-one-minus-tail", cell="sigmoid", fails=["test_sigmoid"],
          keeps=["test_sigmoid_grad", "test_tanh_from_sigmoid", "test_tanh_grad", "test_softplus_grad"],
          also={"tanh_from_sigmoid": TANH_VIA_SIGMOID, "tanh_grad": TANH_GRAD_VIA_SIGMOID},
          why="1 - sigma(|x|) for x < 0: sigma(-40) = 1 - (1 - 4e-18) = 0, every digit lost (relative "
              "error 1); later exercises that call sigmoid keep their points",
          code='''
def sigmoid(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), 1 - 1 / (1 + z))
'''),
    Wrong("sigmoid-via-numpy-tanh", cell="sigmoid", fails=["test_sigmoid"],
          why="identity 1.1 with np.tanh: stable, but tanh(-20) + 1 = 0, so sigma(-40) = 0 (relative error 1)",
          code='''
def sigmoid(x):
    return 0.5 * (np.tanh(0.5 * x) + 1)
'''),
    Wrong("sigmoid-naive-errstate-ignore", cell="sigmoid", fails=["test_sigmoid"],
          keeps=["test_sigmoid_grad", "test_softplus_grad"],
          why="the naive formula with the overflow check switched off: sigma(-740) = 0 instead of 4.2e-322 "
              "(behavioural), and np.errstate(over='ignore') read in the answer (static)",
          code='''
def sigmoid(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))
'''),
    Wrong("sigmoid-where-errstate-all-ignore", cell="sigmoid", fails=["test_sigmoid"],
          why="np.where of both branches with every check off: the values are right, only the static "
              "reading of the answer sees the overflow it hides",
          code='''
def sigmoid(x):
    with np.errstate(all="ignore"):
        return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
'''),
    Wrong("sigmoid-grad-one-minus-sigma-tail", cell="sigmoid_grad", fails=["test_sigmoid_grad"],
          keeps=["test_tanh_grad"],
          why="sigma (1 - sigma): sigma(40) rounds to 1, so sigma'(40) = 0 instead of 4.25e-18; "
              "tanh_grad = 4 sigmoid_grad(2x) keeps its points",
          code='''
def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)
'''),
    Wrong("sigmoid-grad-tanh-half", cell="sigmoid_grad", fails=["test_sigmoid_grad"],
          why="(1 - tanh^2(x/2)) / 4: right on paper, 0 for |x| > 38 (tanh rounds to 1)",
          code='''
def sigmoid_grad(x):
    return 0.25 * (1 - np.tanh(x / 2) ** 2)
'''),
    Wrong("tanh-slip-keeps-later", cell="tanh_from_sigmoid", fails=["test_tanh_from_sigmoid"],
          keeps=["test_tanh_grad"], also={"tanh_grad": TANH_GRAD_VIA_TANH},
          why="2 sigma(x) - 1 (tanh(x/2)); a tanh_grad that calls tanh_from_sigmoid keeps its points",
          code='''
def tanh_from_sigmoid(x):
    return 2 * sigmoid(x) - 1
'''),
    Wrong("tanh-grad-one-minus-square", cell="tanh_grad", fails=["test_tanh_grad"],
          why="1 - tanh^2 from tanh_from_sigmoid: tanh(20) rounds to 1, so tanh'(20) = 0 instead of 1.7e-17",
          code='''
def tanh_grad(x):
    t = tanh_from_sigmoid(x)
    return 1 - t * t
'''),
    Wrong("tanh-grad-numpy-one-minus-square", cell="tanh_grad", fails=["test_tanh_grad"],
          why="1 - np.tanh(x)**2: the same cancellation with numpy's tanh",
          code='''
def tanh_grad(x):
    return 1 - np.tanh(x) ** 2
'''),
    Wrong("tanh-grad-cosh-errstate", cell="tanh_grad", fails=["test_tanh_grad"],
          why="1/cosh^2 with the overflow check off: accurate in the tails, but 0 at x = 370 where the value "
              "is 1.7e-321 (cosh^2 overflowed); and the errstate is read in the answer",
          code='''
def tanh_grad(x):
    with np.errstate(over="ignore"):
        return 1 / np.cosh(x) ** 2
'''),
    Wrong("softplus-log-not-log1p", cell="softplus", fails=["test_softplus"], keeps=["test_log_sigmoid"],
          why="log(1 + e^-|x|) instead of log1p: softplus(-40) = log(1.0) = 0 instead of 4.25e-18; "
              "log_sigmoid = -softplus(-x) keeps its points",
          code='''
def softplus(x):
    return np.maximum(x, 0) + np.log(1 + np.exp(-np.abs(x)))
'''),
    Wrong("softplus-where-seterr", cell="softplus", fails=["test_softplus"],
          why="np.where of the two exact forms with np.seterr(over='ignore') around it: right values, "
              "an overflow hidden in the branch it drops (static reading)",
          code='''
def softplus(x):
    old = np.seterr(over="ignore")
    out = np.where(x > 0, x + np.log1p(np.exp(-x)), np.log1p(np.exp(x)))
    np.seterr(**old)
    return out
'''),
    Wrong("softplus-grad-one-minus", cell="softplus_grad", fails=["test_softplus_grad"],
          why="1 - sigma(-x): sigma(40) rounds to 1, so softplus'(-40) = 0 instead of 4.25e-18",
          code='''
def softplus_grad(x):
    return 1 - sigmoid(-x)
'''),
    Wrong("log-sigmoid-log-not-log1p", cell="log_sigmoid", fails=["test_log_sigmoid"],
          why="min(x, 0) - log(1 + e^-|x|): log_sigmoid(40) = 0 instead of -4.25e-18",
          code='''
def log_sigmoid(x):
    return np.minimum(x, 0) - np.log(1 + np.exp(-np.abs(x)))
'''),
    Wrong("l1-grad-smoothed-sign", cell="l1_norm_grad", fails=["test_l1_norm_grad"],
          why="x / (|x| + 1e-8): no nan at 0, but 1e-4 instead of 1 at x = 1e-12 (and 0 at 1e-300)",
          code='''
def l1_norm_grad(x):
    return x / (np.abs(x) + 1e-8)
'''),
    # --- issue 12: lazy answers (a library does the exercise) ---------------------------------
    Wrong("sigmoid-scipy-expit", cell="sigmoid", fails=["test_sigmoid"],
          keeps=["test_sigmoid_grad", "test_tanh_from_sigmoid"],
          why="scipy.special.expit: right numbers, but the exercise is to write the stable sigmoid",
          code='''
from scipy.special import expit
def sigmoid(x):
    return expit(x)
'''),
    Wrong("sigmoid-grad-dunder-import", cell="sigmoid_grad", fails=["test_sigmoid_grad"],
          why="scipy's expit reached through __import__ (no import statement to see)",
          code='''
def sigmoid_grad(x):
    s = __import__("scipy.special", fromlist=["expit"]).expit(x)
    return s * (1 - s)
'''),
    Wrong("log-sigmoid-scipy-assigned", cell="log_sigmoid", fails=["test_log_sigmoid"],
          why="log_sigmoid = scipy.special.log_expit (an assignment, not a def)",
          code='''
import scipy.special as _sp
log_sigmoid = _sp.log_expit
'''),
    Wrong("logsumexp-scipy", cell="logsumexp", fails=["test_logsumexp"], keeps=["test_log_softmax"],
          why="scipy.special.logsumexp does the exercise",
          code='''
def logsumexp(x, axis=-1, keepdims=False):
    from scipy import special
    return special.logsumexp(x, axis=axis, keepdims=keepdims)
'''),
    Wrong("log-softmax-scipy", cell="log_softmax", fails=["test_log_softmax"],
          why="scipy.special.log_softmax does the exercise",
          code='''
from scipy.special import log_softmax as _log_softmax
def log_softmax(x, axis=-1):
    return _log_softmax(x, axis=axis)
'''),
]

ALTERNATIVES = [
    # --- sigmoid ------------------------------------------------------------------------
    Alternative("sigmoid-masks", cell="sigmoid", why="boolean masks instead of np.where", code='''
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out
'''),
    Alternative("sigmoid-loop-math", cell="sigmoid", why="a Python loop with math.exp", code='''
import math
def sigmoid(x):
    x = np.asarray(x)
    out = np.empty(x.shape)
    for i, v in np.ndenumerate(x):
        v = float(v)
        out[i] = 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))
    return out
'''),
    Alternative("sigmoid-float32-preserving", cell="sigmoid", why="keeps the input dtype explicitly", code='''
def sigmoid(x):
    x = np.asarray(x)
    z = np.exp(-np.abs(x))
    one = np.ones((), dtype=x.dtype)
    return np.where(x >= 0, one / (one + z), z / (one + z)).astype(x.dtype)
'''),
    Alternative("sigmoid-exp-of-log-sigmoid", cell="sigmoid", why="exp(-logaddexp(0, -x))", code='''
def sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))
'''),
    # --- sigmoid_grad -------------------------------------------------------------------
    Alternative("sigmoid-grad-stable-exp", cell="sigmoid_grad", why="z/(1+z)^2 with z = exp(-|x|) (sigma' is even)",
                code='''
def sigmoid_grad(x):
    z = np.exp(-np.abs(x))
    return z / (1 + z) ** 2
'''),
    Alternative("sigmoid-grad-vectorize", cell="sigmoid_grad", why="np.vectorize of a scalar math function",
                code='''
import math
def sigmoid_grad(x):
    def one(v):
        z = math.exp(-abs(v))
        return z / (1 + z) ** 2
    return np.vectorize(one, otypes=[float])(x)
'''),
    Alternative("sigmoid-grad-exp-of-logs", cell="sigmoid_grad", why="exp(-|x| - 2 log1p(e^-|x|)), from logs",
                code='''
def sigmoid_grad(x):
    a = np.abs(x)
    return np.exp(-a - 2 * np.log1p(np.exp(-a)))
'''),
    Alternative("sigmoid-grad-float32", cell="sigmoid_grad", why="sigma(x) sigma(-x), kept in the input's dtype",
                code='''
def sigmoid_grad(x):
    x = np.asarray(x)
    return (sigmoid(x) * sigmoid(-x)).astype(x.dtype)
'''),
    # --- tanh_from_sigmoid --------------------------------------------------------------
    Alternative("tanh-one-minus", cell="tanh_from_sigmoid", why="1 - 2 sigma(-2x)", code='''
def tanh_from_sigmoid(x):
    return 1 - 2 * sigmoid(-2 * x)
'''),
    Alternative("tanh-numpy", cell="tanh_from_sigmoid", why="np.tanh: not the exercise's intent, but correct",
                code='''
def tanh_from_sigmoid(x):
    return np.tanh(x)
'''),
    Alternative("tanh-stable-exp", cell="tanh_from_sigmoid", why="sign(x) (1 - e^{-2|x|})/(1 + e^{-2|x|})", code='''
def tanh_from_sigmoid(x):
    z = np.exp(-2 * np.abs(x))
    return np.sign(x) * (1 - z) / (1 + z)
'''),
    # --- tanh_grad ----------------------------------------------------------------------
    Alternative("tanh-grad-stable-exp", cell="tanh_grad", why="4 z / (1 + z)^2 with z = exp(-2|x|)", code='''
def tanh_grad(x):
    z = np.exp(-2 * np.abs(x))
    return 4 * z / (1 + z) ** 2
'''),
    Alternative("tanh-grad-via-sigmoid", cell="tanh_grad", why="4 sigma(2x) sigma(-2x), with the student's sigmoid",
                code='''
def tanh_grad(x):
    return 4 * sigmoid(2 * x) * sigmoid(-2 * x)
'''),
    # --- softplus -----------------------------------------------------------------------
    Alternative("softplus-logaddexp", cell="softplus", why="np.logaddexp(0, x)", code='''
def softplus(x):
    return np.logaddexp(0, x)
'''),
    Alternative("softplus-where", cell="softplus", why="np.where on the sign, with e^-|x| only", code='''
def softplus(x):
    z = np.log1p(np.exp(-np.abs(x)))
    return np.where(x > 0, x + z, z)
'''),
    Alternative("softplus-minus-log-sigmoid", cell="softplus", why="-log sigma(-x) written from scratch", code='''
def softplus(x):
    return -(np.minimum(-x, 0) - np.log1p(np.exp(-np.abs(x))))
'''),
    Alternative("softplus-threshold-40", cell="softplus", why="PyTorch style, x itself above a cut-off: 40, "
                "where ln(1 + e^-x) < 1e-17 x (float64's cut-off; PyTorch's 20 is float32's)",
                code='''
def softplus(x):
    return np.where(x > 40, x, np.log1p(np.exp(np.minimum(x, 40))))
'''),
    # --- softplus_grad ------------------------------------------------------------------
    Alternative("softplus-grad-exp-logaddexp", cell="softplus_grad", why="exp(x - softplus(x))", code='''
def softplus_grad(x):
    return np.exp(x - np.logaddexp(0, x))
'''),
    # --- log_sigmoid --------------------------------------------------------------------
    Alternative("log-sigmoid-logaddexp", cell="log_sigmoid", why="-np.logaddexp(0, -x)", code='''
def log_sigmoid(x):
    return -np.logaddexp(0, -x)
'''),
    Alternative("log-sigmoid-min-form", cell="log_sigmoid", why="min(x, 0) - log1p(e^-|x|)", code='''
def log_sigmoid(x):
    return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
'''),
    Alternative("log-sigmoid-float32", cell="log_sigmoid", why="keeps float32", code='''
def log_sigmoid(x):
    x = np.asarray(x)
    return (np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))).astype(x.dtype)
'''),
    # --- logsumexp ----------------------------------------------------------------------
    Alternative("logsumexp-logaddexp-reduce", cell="logsumexp", why="np.logaddexp.reduce", code='''
def logsumexp(x, axis=-1, keepdims=False):
    return np.logaddexp.reduce(x, axis=axis, keepdims=keepdims)
'''),
    Alternative("logsumexp-squeeze-max", cell="logsumexp", why="max without keepdims added back at the end", code='''
def logsumexp(x, axis=-1, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    s = np.sum(np.exp(x - m), axis=axis, keepdims=keepdims)
    m = m if keepdims else np.squeeze(m, axis=axis)
    return m + np.log(s)
'''),
    Alternative("logsumexp-moveaxis-loop", cell="logsumexp", why="a loop over the slices, with math", code='''
import math
def logsumexp(x, axis=-1, keepdims=False):
    x = np.asarray(x)
    moved = np.moveaxis(x, axis, -1)
    out = np.empty(moved.shape[:-1])
    for i in np.ndindex(out.shape):
        row = [float(v) for v in moved[i]]
        m = max(row)
        out[i] = m + math.log(sum(math.exp(v - m) for v in row))
    return np.expand_dims(out, axis) if keepdims else out
'''),
    Alternative("logsumexp-float32", cell="logsumexp", why="keeps float32", code='''
def logsumexp(x, axis=-1, keepdims=False):
    x = np.asarray(x)
    m = np.max(x, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    out = out if keepdims else np.squeeze(out, axis=axis)
    return out.astype(x.dtype)
'''),
    # --- log_softmax --------------------------------------------------------------------
    Alternative("log-softmax-inline", cell="log_softmax", why="shift, then subtract the log-sum", code='''
def log_softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
'''),
    Alternative("log-softmax-apply-along-axis", cell="log_softmax", why="a 1-D function applied along the axis", code='''
def log_softmax(x, axis=-1):
    def one(v):
        m = v.max()
        return v - m - np.log(np.sum(np.exp(v - m)))
    return np.apply_along_axis(one, axis, x)
'''),
    Alternative("log-softmax-float32", cell="log_softmax", why="keeps float32", code='''
def log_softmax(x, axis=-1):
    x = np.asarray(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return (shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))).astype(x.dtype)
'''),
    Alternative("log-softmax-logaddexp", cell="log_softmax", why="np.logaddexp.reduce with keepdims", code='''
def log_softmax(x, axis=-1):
    return x - np.logaddexp.reduce(x, axis=axis, keepdims=True)
'''),
    # --- numerical_gradient -------------------------------------------------------------
    Alternative("numgrad-nditer", cell="numerical_gradient", why="CS231n style: np.nditer", code='''
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
        it.iternext()
    return grad
'''),
    Alternative("numgrad-copies", cell="numerical_gradient", why="perturbs copies, never touches x", code='''
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for k in range(x.size):
        e = np.zeros(x.shape)
        e.flat[k] = eps
        grad.flat[k] = (f(x + e) - f(x - e)) / (2 * eps)
    return grad
'''),
    Alternative("numgrad-plus-minus", cell="numerical_gradient", why="+= eps, -= 2 eps, += eps (restores up to rounding)",
                code='''
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += eps
        fp = f(x)
        x[i] -= 2 * eps
        fm = f(x)
        x[i] += eps
        grad[i] = (fp - fm) / (2 * eps)
    return grad
'''),
    Alternative("numgrad-flat-view", cell="numerical_gradient", why="x.flat index", code='''
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros(x.size)
    for k in range(x.size):
        old = x.flat[k]
        x.flat[k] = old + eps
        fp = f(x)
        x.flat[k] = old - eps
        fm = f(x)
        x.flat[k] = old
        grad[k] = (fp - fm) / (2 * eps)
    return grad.reshape(x.shape)
'''),
    # --- gradient_check -----------------------------------------------------------------
    Alternative("gradcheck-loop", cell="gradient_check", why="a loop over the entries", code='''
def gradient_check(analytic, numeric):
    worst = 0.0
    for a, n in zip(np.ravel(analytic), np.ravel(numeric)):
        worst = max(worst, abs(a - n) / max(1e-8, abs(a) + abs(n)))
    return worst
'''),
    Alternative("gradcheck-numpy-scalar", cell="gradient_check", why="returns a numpy float", code='''
def gradient_check(analytic, numeric):
    return np.max(np.abs(analytic - numeric) / np.maximum(1e-8, np.abs(analytic) + np.abs(numeric)))
'''),
    # --- norm gradients -----------------------------------------------------------------
    Alternative("l1-grad-one-at-zero", cell="l1_norm_grad", why="subgradient +1 at 0", code='''
def l1_norm_grad(x):
    return np.where(x >= 0, 1.0, -1.0)
'''),
    Alternative("sq-norm-grad-x-plus-x", cell="sq_norm_grad", why="x + x", code='''
def sq_norm_grad(x):
    return x + x
'''),
    Alternative("l1-grad-difference-of-masks", cell="l1_norm_grad", why="(x > 0) - (x < 0)", code='''
def l1_norm_grad(x):
    return (x > 0).astype(float) - (x < 0).astype(float)
'''),
    Alternative("l1-grad-copysign-where", cell="l1_norm_grad", why="copysign(1, x), 0 at 0", code='''
def l1_norm_grad(x):
    return np.where(x == 0, 0.0, np.copysign(1.0, x))
'''),
    # --- issue 12: numpy only, and these keep full marks -------------------------------------
    Alternative("sigmoid-numpy-scipy-imported", cell="sigmoid",
                why="scipy imported in the cell to compare by hand, not used by sigmoid",
                code='''
import scipy.special   # to compare by hand: scipy.special.expit(x) in a scratch cell
def sigmoid(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))
'''),
]
