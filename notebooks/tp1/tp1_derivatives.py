# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # TP1 — Derivatives, stable formulas and the gradient check
#
# *Neural networks from scratch, TP1 of 4.* Before we backpropagate through a network (TP2), we
# need the derivatives of its building blocks, formulas that never overflow, and a way to
# **check** an analytic gradient against a numerical one (the *gradient check*).
#
# **What you will be able to do**
# - derive the identities that link sigmoid, tanh and softplus, and their derivatives;
# - implement sigmoid, tanh, softplus, log-sigmoid, logsumexp and log-softmax for arrays of any
#   shape, with no overflow, NaN or warning even for $|x| = 10^4$;
# - compute a numerical gradient by central differences (*différences finies centrées*) and
#   measure how far an analytic gradient is from it (relative error);
# - explain why the central difference beats the forward one, and what a gradient check says at
#   a kink such as $|x|$ at $0$.
#
# **Prerequisites**: derivative of a function of one variable, the chain rule (*dérivation des
# fonctions composées*), numpy arrays, broadcasting, the `axis` and `keepdims` arguments.
#
# **How it is graded.** Each exercise has an answer cell (replace `raise NotImplementedError()`)
# followed by a test cell. The visible tests give you quick feedback; more tests run at grading
# (other shapes, `float32` inputs, inputs up to $|x| = 10^4$ where **any overflow, NaN or
# `RuntimeWarning` counts as an error**, and the tails, where a **relative** accuracy is asked:
# see "What the tests claim" at the end of Part 2). A test cell scores its points when it runs without
# error. Written answers (cells "YOUR ANSWER HERE") are graded by hand. Every answer is written with
# numpy: scipy, scikit-learn, PyTorch, JAX or autograd have most of these functions, and an answer that
# calls them instead of doing the exercise loses the points of its test.
#
# | # | exercise | points |
# |---|---|---|
# | W1 | written: derivative of softplus and of log-sigmoid | 2 (by hand) |
# | 1 | `sigmoid` | 2 |
# | 2 | `sigmoid_grad` | 1 |
# | 3 | `tanh_from_sigmoid` | 1 |
# | 4 | `tanh_grad` | 1 |
# | 5 | `softplus` | 2 |
# | 6 | `softplus_grad` | 1 |
# | 7 | `log_sigmoid` | 2 |
# | 8 | `logsumexp` | 3 |
# | 9 | `log_softmax` | 2 |
# | 10 | `numerical_gradient` | 3 |
# | 11 | `gradient_check` | 2 |
# | W2 | written: why the central difference beats the forward one | 2 (by hand) |
# | 12 | `sq_norm_grad`, `l1_norm_grad` | 1 + 1 |
# | W3 | written: the gradient check at the kink of $\lvert x \rvert$ | 1 (by hand) |
# | | **total** | **27** (22 auto-graded + 5 by hand) |
#
# **Notation** (the same in every TP)
#
# | maths | numpy | meaning |
# |---|---|---|
# | $x$ | `x` | an array of any shape; the functions below apply element-wise |
# | $\sigma(x) = \dfrac{1}{1+e^{-x}}$ | `sigmoid(x)` | logistic sigmoid (*sigmoïde*) |
# | $\tanh(x) = \dfrac{e^{x}-e^{-x}}{e^{x}+e^{-x}}$ | `tanh_from_sigmoid(x)` | hyperbolic tangent |
# | $\operatorname{softplus}(x) = \ln(1+e^{x})$ | `softplus(x)` | smooth ReLU |
# | $f'(x)$ | `sigmoid_grad(x)`, ... | derivative, element-wise |
# | $\operatorname{LSE}(x) = \ln \sum_j e^{x_j}$ | `logsumexp(x, axis=-1)` | log-sum-exp along one axis |
# | $\ln \operatorname{softmax}(x)_k = x_k - \operatorname{LSE}(x)$ | `log_softmax(x, axis=-1)` | log of the softmax |
# | $\lVert x \rVert_2^2 = \sum_i x_i^2$, $\lVert x \rVert_1 = \sum_i \lvert x_i \rvert$ | `np.sum(x**2)`, `np.sum(np.abs(x))` | squared L2 norm, L1 norm |
# | $\varepsilon$ | `eps` | finite-difference step |
# | $X$ $(N, n_{in})$, $W$ $(n_{out}, n_{in})$, $b$ $(n_{out},)$ | `X`, `W`, `b` | from TP2 on: one example per row, $Z = X W^\top + b$ (`Z = X @ W.T + b`); for one example $x$ of shape $(n_{in},)$: $z = W x + b$ (`z = W @ x + b`) |

# %%
import warnings

import numpy as np
import matplotlib.pyplot as plt

from tp_utils.testing import call_strict, check_array, check_scalar
from tp_utils.plots import plot_function_and_derivative, plot_error_vs_eps

np.set_printoptions(precision=4, suppress=False)

# %% [markdown]
# ## Part 1 — Identities (relations entre fonctions de base)
#
# Each identity is derived, then checked numerically on a grid where the naive formulas are
# still safe ($|x| \le 10$).
#
# ### 1.1 Sigmoid and tanh: $\sigma(x) = \frac{1}{2}\left(\tanh\frac{x}{2} + 1\right)$
#
# Equivalently $2\sigma(x) - 1 = \tanh\frac{x}{2}$. Start from the left side and multiply the
# numerator and the denominator by $e^{x/2}$:
#
# $$2\sigma(x) - 1 = \frac{2 - (1 + e^{-x})}{1 + e^{-x}} = \frac{1 - e^{-x}}{1 + e^{-x}}
#   = \frac{e^{x/2} - e^{-x/2}}{e^{x/2} + e^{-x/2}} = \tanh\frac{x}{2}.$$
#
# Replacing $x$ by $2x$ gives the form used in exercise 3: $\tanh(x) = 2\sigma(2x) - 1$.

# %%
x = np.linspace(-10, 10, 201)
sig = 1 / (1 + np.exp(-x))  # the naive formula is fine while |x| stays small
print("max |sigma(x) - (tanh(x/2) + 1)/2| =", np.abs(sig - 0.5 * (np.tanh(x / 2) + 1)).max())
print("max |tanh(x) - (2 sigma(2x) - 1)|  =", np.abs(np.tanh(x) - (2 / (1 + np.exp(-2 * x)) - 1)).max())

# %% [markdown]
# ### 1.2 Log-sigmoid: $\ln \sigma(x) = -\operatorname{softplus}(-x)$
#
# $$\ln \sigma(x) = \ln \frac{1}{1 + e^{-x}} = \ln 1 - \ln(1 + e^{-x}) = 0 - \ln(1 + e^{-x})
#   = -\operatorname{softplus}(-x).$$
#
# *Careful:* the course notes write "$0 + \ln(1 + \exp(-x))$" in the middle step; the minus sign
# got lost. A quick sanity check catches it: $\sigma(x) \in (0, 1)$, so $\ln \sigma(x) < 0$,
# whereas $\ln(1 + e^{-x}) > 0$.

# %%
print("max |ln sigma(x) + softplus(-x)| =", np.abs(np.log(sig) + np.log(1 + np.exp(-x))).max())
print("the sign slip, max |ln sigma(x) - softplus(-x)| =", np.abs(np.log(sig) - np.log(1 + np.exp(-x))).max())

# %% [markdown]
# ### 1.3 Derivative of the sigmoid: $\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$
#
# $$\sigma'(x) = \frac{d}{dx}(1 + e^{-x})^{-1} = \frac{-1}{(1 + e^{-x})^2}\,(-e^{-x})
#   = \frac{1}{1 + e^{-x}} \cdot \frac{e^{-x}}{1 + e^{-x}}
#   = \sigma(x)\left(\frac{1 + e^{-x}}{1 + e^{-x}} - \frac{1}{1 + e^{-x}}\right)
#   = \sigma(x)\,(1 - \sigma(x)).$$
#
# ### 1.4 Derivative of tanh: $\tanh'(x) = 1 - \tanh^2(x)$
#
# With $u = e^{x} - e^{-x}$ and $v = e^{x} + e^{-x}$ we have $u' = v$ and $v' = u$, so by the
# quotient rule
#
# $$\tanh'(x) = \frac{u'v - uv'}{v^2} = \frac{v^2 - u^2}{v^2} = 1 - \frac{u^2}{v^2} = 1 - \tanh^2(x).$$
#
# From $\tanh(x) = 2\sigma(2x) - 1$ and the chain rule you also get
# $\tanh'(x) = 2 \cdot 2\,\sigma'(2x) = 4\,\sigma'(2x)$ (do not forget the inner factor $2$).
#
# The cell below compares these formulas with `np.gradient`, numpy's finite differences on a
# grid (you will write your own, for arrays of any shape, in Part 4).

# %%
x_fine = np.linspace(-10, 10, 20001)
sig_fine = 1 / (1 + np.exp(-x_fine))
print("sigma': max error", np.abs(np.gradient(sig_fine, x_fine) - sig_fine * (1 - sig_fine)).max())
print("tanh' : max error", np.abs(np.gradient(np.tanh(x_fine), x_fine) - (1 - np.tanh(x_fine) ** 2)).max())
sig2 = 1 / (1 + np.exp(-2 * x_fine))
print("tanh' = 4 sigma'(2x): max error", np.abs(4 * sig2 * (1 - sig2) - (1 - np.tanh(x_fine) ** 2)).max())

# %% [markdown]
# ### 1.5 Derivative of softplus — written answer W1 (2 points)
#
# Show that $\operatorname{softplus}'(x) = \sigma(x)$. Then use 1.2 and the chain rule to
# deduce $\dfrac{d}{dx} \ln \sigma(x)$ as a function of $\sigma$, and check it against 1.3
# ($\ln\sigma$ has derivative $\sigma'/\sigma$). Write your derivation in LaTeX in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "softplus_grad_derivation", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# $$\operatorname{softplus}'(x) = \frac{d}{dx}\ln(1 + e^{x}) = \frac{e^{x}}{1 + e^{x}}
#   = \frac{1}{e^{-x} + 1} = \sigma(x).$$
#
# With $\ln\sigma(x) = -\operatorname{softplus}(-x)$ and the chain rule (the inner function
# $-x$ has derivative $-1$):
#
# $$\frac{d}{dx}\ln\sigma(x) = -\operatorname{softplus}'(-x)\cdot(-1) = \sigma(-x) = 1 - \sigma(x),$$
#
# using $\sigma(-x) = \frac{1}{1+e^{x}} = \frac{e^{-x}}{e^{-x}+1} = 1 - \sigma(x)$. Check with 1.3:
# $\frac{\sigma'(x)}{\sigma(x)} = \frac{\sigma(x)(1-\sigma(x))}{\sigma(x)} = 1 - \sigma(x)$. ✓
#
# *Grading: 1 point for $\operatorname{softplus}' = \sigma$ with the steps, 1 point for
# $(\ln\sigma)' = 1 - \sigma$ (or $\sigma(-x)$) with the chain-rule sign right.*

# %% [markdown]
# ### 1.6 Gradients of two norms
#
# For $x \in \mathbb{R}^n$ the gradient $\frac{\partial f}{\partial x}$ of a scalar $f$ is the
# vector of partial derivatives, with the shape of $x$.
#
# $$\frac{\partial \lVert x \rVert_2^2}{\partial x}
#   = \begin{pmatrix} \frac{\partial}{\partial x_1}(x_1^2 + \dots + x_n^2) \\ \vdots \\
#     \frac{\partial}{\partial x_n}(x_1^2 + \dots + x_n^2) \end{pmatrix}
#   = \begin{pmatrix} 2x_1 \\ \vdots \\ 2x_n \end{pmatrix} = 2x,
# \qquad
# \frac{\partial \lVert x \rVert_1}{\partial x}
#   = \begin{pmatrix} \operatorname{sign}(x_1) \\ \vdots \\ \operatorname{sign}(x_n) \end{pmatrix}
#   = \operatorname{sign}(x) \quad \text{where every } x_i \neq 0.$$
#
# **At $x_i = 0$** the function $\lvert x_i \rvert$ has a kink: its left derivative is $-1$ and
# its right derivative $+1$, so it has no derivative there. Every $g \in [-1, 1]$ is a
# **subgradient** (*sous-gradient*): $\lvert y \rvert \ge \lvert 0 \rvert + g\,y$ for all $y$.
# Optimisers pick one; numpy's `np.sign(0) = 0` is the usual choice (the same happens with ReLU
# at 0 in TP2). The same formulas hold for an array of any shape, entry by entry.

# %% [markdown]
# ## Part 2 — Why the naive formulas fail
#
# A `float64` holds numbers up to about $1.8 \times 10^{308}$: $e^{x}$ **overflows** to `inf`
# for $x > 709.78$ and **underflows** to $0$ for $x < -745.1$. The formulas of Part 1 compute
# $e^{-x}$ or $e^{x}$ directly, so for large $|x|$ they produce `inf`, `nan` (`inf/inf`,
# `0 * inf`) or $\ln 0 = -\infty$, with a `RuntimeWarning`. Look at the table: each `inf`,
# `-inf` or `nan` is wrong, and even the right values in the first column came with an
# overflow warning. Two zeros fail silently: $\operatorname{softplus}(-50) = \ln(1 + e^{-50})
# \approx e^{-50} \approx 1.9 \times 10^{-22}$, but $1 + 1.9 \times 10^{-22}$ rounds to $1$ in
# `float64` and $\ln 1 = 0$: every digit is lost, with no warning (the same for
# $\ln\sigma(50) \approx -1.9 \times 10^{-22}$). `np.log1p(z)` computes $\ln(1 + z)$ without
# forming $1 + z$, which is why the stable formulas below use it.

# %%
xs = np.array([-1e4, -800.0, -50.0, -1.0, 0.0, 1.0, 50.0, 800.0, 1e4])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    naive = {
        "sigmoid 1/(1+e^-x)": 1 / (1 + np.exp(-xs)),
        "sigmoid' e^-x/(1+e^-x)^2": np.exp(-xs) / (1 + np.exp(-xs)) ** 2,
        "softplus ln(1+e^x)": np.log(1 + np.exp(xs)),
        "ln sigmoid ln(1/(1+e^-x))": np.log(1 / (1 + np.exp(-xs))),
    }
print(f"{'x':>8} | " + " | ".join(f"{k:>26}" for k in naive))
for i, xi in enumerate(xs):
    print(f"{xi:>8.0f} | " + " | ".join(f"{v[i]:>26.6g}" for v in naive.values()))
print(f"\n{len(caught)} warnings, e.g.:", sorted({str(w.message) for w in caught}))
print("\nnaive logsumexp of [1000, 1000]:  ", end="")
with np.errstate(all="ignore"):
    print(np.log(np.sum(np.exp([1000.0, 1000.0]))), " (exact: 1000 + ln 2 =", 1000 + np.log(2), ")")
    print("naive logsumexp of [-1000, -1000]:", np.log(np.sum(np.exp([-1000.0, -1000.0]))),
          "(exact: -1000 + ln 2 =", -1000 + np.log(2), ")")

# %% [markdown]
# **The cure: never compute $e^{t}$ for a large positive $t$.** Rewrite each formula so that
# the exponential only sees $-\lvert x \rvert \le 0$ (then $e^{-\lvert x\rvert} \in (0, 1]$ and an
# underflow to $0$ is harmless):
#
# - sigmoid: for $x \ge 0$, $\sigma(x) = \dfrac{1}{1 + e^{-x}}$; for $x < 0$, multiply by
#   $e^{x}/e^{x}$: $\sigma(x) = \dfrac{e^{x}}{1 + e^{x}}$. Both are written with $z = e^{-\lvert x \rvert}$.
# - softplus: for $x > 0$, $\ln(1 + e^{x}) = \ln\big(e^{x}(e^{-x} + 1)\big) = x + \ln(1 + e^{-x})$,
#   so $\operatorname{softplus}(x) = \max(x, 0) + \ln(1 + e^{-\lvert x \rvert})$
#   (`np.log1p(z)` computes $\ln(1+z)$ accurately for small $z$).
# - logsumexp: for any constant $m$, $\ln \sum_j e^{x_j} = m + \ln \sum_j e^{x_j - m}$; with
#   $m = \max_j x_j$ every exponent is $\le 0$ and one of them is $e^0 = 1$, so the sum is in
#   $[1, n]$: no overflow, and no $\ln 0$.
#
# **A trap:** `np.where(cond, a, b)` computes **both** `a` and `b` on the whole array before
# choosing, so `np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))` still
# overflows. Compute $z = e^{-\lvert x \rvert}$ once, or use boolean masks.
#
# Every function below must accept an array of **any shape** (including a 0-d array) and
# return an array of the same shape, must not modify its argument, and may return `float32`
# or `float64` for a `float32` input.
#
# **What the tests claim** (visible tests check a few of these points, hidden tests all of them):
#
# - *No overflow*, NaN or `RuntimeWarning` for $|x|$ up to $10^4$, with numpy's checks **on**
#   (the tests call your function inside `np.errstate(over="raise", ...)`; `call_strict` of
#   `tp_utils.testing` does that and says which input overflowed). Switching the checks off in
#   your answer (`np.errstate(over="ignore")`, `np.seterr`, `warnings.filterwarnings`,
#   `except FloatingPointError`) hides the overflow, it does not remove it: the grader reads
#   your answer for it, and an `inf` hidden on the way often shows anyway (below).
# - *Relative accuracy in the tails*: in `float64`, `sigmoid`, `sigmoid_grad`, `tanh_grad`,
#   `softplus`, `softplus_grad` and `log_sigmoid` are within a **relative** error of $10^{-12}$
#   of the true value wherever it is a normal number ($|v| \ge 2.2 \times 10^{-308}$): an absolute
#   error of $10^{-16}$ is not enough when the value itself is $10^{-18}$. So
#   $\sigma(-40) \approx 4.25 \times 10^{-18}$, not $0$; $\sigma'(40) \approx 4.25 \times 10^{-18}$;
#   $\tanh'(20) \approx 1.7 \times 10^{-17}$; $\operatorname{softplus}(-50) \approx 1.9 \times 10^{-22}$;
#   $\ln\sigma(50) \approx -1.9 \times 10^{-22}$. Even below that, $e^{x}$ still exists as a
#   *subnormal* number down to $x \approx -745$: $\sigma(-740) \approx 4.2 \times 10^{-322}$, and an
#   answer that returns $0$ there computed $e^{740} = \infty$ on the way.
# - `tanh_from_sigmoid`: an **absolute** error below $10^{-15}$ (near $0$, $2\sigma(2x) - 1$ subtracts
#   two numbers close to $1$, so its relative error there is about $10^{-16}/|x|$: we claim no more;
#   `np.tanh` is accurate there). `logsumexp`, `log_softmax`: an absolute error below
#   $10^{-12}\,(1 + \max|x|)$.
# - For a `float32` input: a relative error below $10^{-5}$ wherever the value is a normal
#   `float32` ($|v| \ge 1.2 \times 10^{-38}$; tanh: absolute $10^{-6}$).
#
# The rule behind the tails: $1 - (\text{a number close to } 1)$ loses the digits of the small
# result. Write the small result directly: $1 - \sigma(x) = \sigma(-x)$, $\ln(1 + z)$ = `np.log1p(z)`,
# $1 - \tanh^2(x) = 4\sigma'(2x)$.

# %% [markdown]
# ## Part 3 — Stable implementations
#
# `scipy.special` has all of them (`expit`, `log_expit`, `softplus`, `logsumexp`, `log_softmax`): they are
# what you are re-deriving here, with numpy only; the hidden tests reject an answer that calls them.
#
# ### Exercise 1 — `sigmoid` (2 points)

# %% nbgrader={"grade": false, "grade_id": "sigmoid", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sigmoid(x):
    """Logistic sigmoid sigma(x) = 1 / (1 + exp(-x)), element-wise, numerically stable.

    Signature: sigmoid(x) -> ndarray

    Parameters
    ----------
    x : ndarray of any shape (float32 or float64)

    Returns
    -------
    ndarray of the same shape as x, values in [0, 1]; no overflow or warning for |x| up to 1e4
    (sigmoid(-1e4) == 0.0, sigmoid(0) == 0.5, sigmoid(1e4) == 1.0).

    Hint: z = np.exp(-np.abs(x)) never overflows; combine it with np.where(x >= 0, ..., ...).
    """
    ### BEGIN SOLUTION
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_sigmoid", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(1)
x = np.array([-1e4, -800.0, -1.0, 0.0, 1.0, 800.0, 1e4])
# call_strict runs sigmoid(x) inside np.errstate(over="raise", ...): an overflow is an error, so
# your formula must never compute exp of a large positive number.
s = call_strict("sigmoid(x)", sigmoid, x)
check_array("sigmoid(x)", s, [0.0, 0.0, 0.2689414213699951, 0.5, 0.7310585786300049, 1.0, 1.0])
# the left tail, to a relative 1e-12 (an absolute tolerance would accept 0 here)
check_array("sigmoid(-40)", call_strict("sigmoid(x)", sigmoid, np.array([-40.0])), [4.248354255291589e-18],
            rtol=1e-12, atol=1e-300)
X = rng.standard_normal((3, 4)) * 5
check_array("sigmoid(X) for X of shape (3, 4)", sigmoid(X), 1 / (1 + np.exp(-X)))  # naive is safe for |X| < 700
print("sigmoid: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("sigmoid")
from scipy.special import expit
from tp_course.reference import check_elementwise
from tp_course.reference import tp1_sigmoid
check_elementwise("sigmoid", sigmoid, tp1_sigmoid, seed=101, tails=(-40.0, -300.0, -708.0, 36.0, 40.0, -1e-9),
                  subnormal=(-720.0, -740.0))
for v, limit in ((-1e4, 0.0), (0.0, 0.5), (1e4, 1.0)):
    assert sigmoid(np.array(v)) == limit, (
        f"sigmoid({v:g}) = {float(sigmoid(np.array(v)))!r}; expected exactly {limit} (the limit is reached in float64)")
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 2 — `sigmoid_grad` (1 point)
#
# $\sigma'(x) = \sigma(x)\,(1 - \sigma(x)) = \sigma(x)\,\sigma(-x)$ (identity 1.3, and
# $1 - \sigma(x) = \sigma(-x)$ from W1): reuse your stable `sigmoid`. **Use the second form.** For
# $x > 37$, $\sigma(x)$ rounds to exactly $1$ in `float64`, so $1 - \sigma(x) = 0$ and the first form
# returns $\sigma'(40) = 0$ instead of $4.25 \times 10^{-18}$: every digit lost; $\sigma(-x)$ keeps them.

# %% nbgrader={"grade": false, "grade_id": "sigmoid_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sigmoid_grad(x):
    """Derivative of the sigmoid, sigma'(x) = sigma(x) (1 - sigma(x)), element-wise.

    Signature: sigmoid_grad(x) -> ndarray

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x, values in [0, 1/4]; no overflow or NaN for |x| up to 1e4,
    relative error below 1e-12 also in the tails (sigmoid_grad(40) = 4.25e-18, not 0).
    """
    ### BEGIN SOLUTION
    return sigmoid(x) * sigmoid(-x)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_sigmoid_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
# one slip, one charge: in this test sigmoid_grad gets a correct sigmoid (yours is graded in exercise 1)
from tp_course.reference import tp1_sigmoid
sigmoid = tp1_sigmoid
### END HIDDEN TESTS
rng = np.random.default_rng(2)
# (at grading, sigmoid_grad calls a correct sigmoid here: a slip in your sigmoid costs exercise 1 only)
x = np.array([-1e4, -1.0, 0.0, 2.0, 1e4])
g = call_strict("sigmoid_grad(x)", sigmoid_grad, x)
check_array("sigmoid_grad(x)", g, [0.0, 0.19661193324148185, 0.25, 0.10499358540350652, 0.0])
# the right tail: sigma(40) rounds to 1, so 1 - sigma(40) = 0; sigma(-40) keeps the digits
check_array("sigmoid_grad(40)", call_strict("sigmoid_grad(x)", sigmoid_grad, np.array([40.0])),
            [4.248354255291589e-18], rtol=1e-12, atol=1e-300)
X = rng.standard_normal((2, 3))
check_array("sigmoid_grad(X) for X of shape (2, 3)", sigmoid_grad(X), np.exp(-X) / (1 + np.exp(-X)) ** 2)
print("sigmoid_grad: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("sigmoid_grad")
from scipy.special import expit
from tp_course.reference import check_elementwise
from tp_course.reference import tp1_sigmoid_grad
check_elementwise("sigmoid_grad", sigmoid_grad, tp1_sigmoid_grad, seed=102, tails=(40.0, -40.0, 700.0, -700.0),
                  subnormal=(740.0, -740.0))
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 3 — `tanh_from_sigmoid` (1 point)
#
# Write $\tanh$ **with your `sigmoid`**, using $\tanh(x) = 2\sigma(2x) - 1$ (identity 1.1).
# (The tests only check values, so `np.tanh` would pass them, but then you skip the point of the
# exercise: one stable function gives you the other.) Accuracy: absolute, $10^{-15}$ (see Part 2).

# %% nbgrader={"grade": false, "grade_id": "tanh_from_sigmoid", "locked": false, "schema_version": 3, "solution": true, "task": false}
def tanh_from_sigmoid(x):
    """Hyperbolic tangent written with the sigmoid: tanh(x) = 2 sigma(2x) - 1, element-wise.

    Signature: tanh_from_sigmoid(x) -> ndarray

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x, values in [-1, 1]; tanh(+-1e4) == +-1 with no warning.
    """
    ### BEGIN SOLUTION
    return 2 * sigmoid(2 * x) - 1
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_tanh_from_sigmoid", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
# one slip, one charge: in this test tanh_from_sigmoid gets a correct sigmoid (yours is graded in exercise 1)
from tp_course.reference import tp1_sigmoid
sigmoid = tp1_sigmoid
### END HIDDEN TESTS
rng = np.random.default_rng(3)
# (at grading, tanh_from_sigmoid calls a correct sigmoid here: a slip in your sigmoid costs exercise 1 only)
x = np.array([-1e4, -0.5, 0.0, 0.5, 1e4])
t = call_strict("tanh_from_sigmoid(x)", tanh_from_sigmoid, x)
check_array("tanh_from_sigmoid(x)", t, np.tanh(x), atol=1e-12)
X = rng.standard_normal((4, 2)) * 3
check_array("tanh_from_sigmoid(X) for X of shape (4, 2)", tanh_from_sigmoid(X), np.tanh(X), atol=1e-12)
print("tanh_from_sigmoid: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("tanh_from_sigmoid")
from tp_course.reference import check_elementwise
from tp_course.reference import tp1_tanh
check_elementwise("tanh_from_sigmoid", tanh_from_sigmoid, tp1_tanh, seed=103, tol64=(1e-12, 1e-15),
                  tol32=(1e-5, 1e-6), tails=(1e-12, -1e-12, 1e-8, 20.0, -20.0))
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4 — `tanh_grad` (1 point)
#
# $\tanh'(x) = 1 - \tanh^2(x) = 4\,\sigma'(2x)$ (identity 1.4). **Use the second form, with your
# `sigmoid_grad`.** The first is right on paper, but for $|x| > 19$, $\tanh(x)$ rounds to $\pm 1$ in
# `float64` and $1 - \tanh^2(x) = 0$, whereas $\tanh'(20) \approx 1.7 \times 10^{-17}$ (relative
# accuracy $10^{-12}$ is asked, see Part 2).

# %% nbgrader={"grade": false, "grade_id": "tanh_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
def tanh_grad(x):
    """Derivative of tanh, tanh'(x) = 1 - tanh(x)**2, element-wise.

    Signature: tanh_grad(x) -> ndarray

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x, values in [0, 1]; no overflow or warning for |x| up to 1e4,
    relative error below 1e-12 also in the tails (tanh_grad(20) = 1.7e-17, not 0).
    """
    ### BEGIN SOLUTION
    return 4 * sigmoid_grad(2 * x)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_tanh_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
# one slip, one charge: in this test tanh_grad gets correct earlier functions (graded in exercises 1-3)
from tp_course.reference import tp1_sigmoid, tp1_sigmoid_grad, tp1_tanh
sigmoid, sigmoid_grad, tanh_from_sigmoid = tp1_sigmoid, tp1_sigmoid_grad, tp1_tanh
### END HIDDEN TESTS
rng = np.random.default_rng(4)
# (at grading, tanh_grad calls correct sigmoid, sigmoid_grad, tanh_from_sigmoid here: a slip in one of
# yours costs its own exercise only)
x = np.array([-1e4, -1.0, 0.0, 0.5, 1e4])
g = call_strict("tanh_grad(x)", tanh_grad, x)
check_array("tanh_grad(x)", g, [0.0, 0.41997434161402614, 1.0, 0.7864477329659274, 0.0], atol=1e-12)
check_array("tanh_grad(20)", call_strict("tanh_grad(x)", tanh_grad, np.array([20.0])), [1.6993417021166355e-17],
            rtol=1e-12, atol=1e-300)
X = rng.standard_normal((3, 2))
check_array("tanh_grad(X) for X of shape (3, 2)", tanh_grad(X), 1 - np.tanh(X) ** 2, atol=1e-12)
print("tanh_grad: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("tanh_grad")
from tp_course.reference import check_elementwise
from tp_course.reference import tp1_tanh_grad
check_elementwise("tanh_grad", tanh_grad, tp1_tanh_grad, seed=104, tails=(20.0, -20.0, 300.0, -1e-9),
                  subnormal=(370.0, -370.0))
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 5 — `softplus` (2 points)
#
# $\operatorname{softplus}(x) = \ln(1 + e^{x}) = \max(x, 0) + \ln(1 + e^{-\lvert x \rvert})$
# (Part 2). numpy twin: `np.maximum(x, 0)`, `np.log1p(...)`, `np.exp(-np.abs(x))`. `np.log1p` matters:
# $\operatorname{softplus}(-50) \approx 1.9 \times 10^{-22}$ to a relative $10^{-12}$, and `np.log(1 + z)`
# returns $0$ there. (A cut-off such as "$x$ itself for $x > 20$", PyTorch's `float32` shortcut, is off
# by $e^{-20} \approx 2 \times 10^{-9}$ in `float64`; a cut-off at $40$ or more is exact.)

# %% nbgrader={"grade": false, "grade_id": "softplus", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softplus(x):
    """softplus(x) = ln(1 + exp(x)), element-wise, numerically stable.

    Signature: softplus(x) -> ndarray

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x, values >= 0; softplus(-1e4) == 0.0 and
    softplus(1e4) == 1e4, with no overflow or warning.
    """
    ### BEGIN SOLUTION
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_softplus", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(5)
x = np.array([-1e4, -800.0, -1.0, 0.0, 1.0, 800.0, 1e4])
sp = call_strict("softplus(x)", softplus, x)
check_array("softplus(x)", sp, [0.0, 0.0, 0.31326168751822286, np.log(2), 1.3132616875182228, 800.0, 1e4],
            atol=1e-12)
X = rng.standard_normal((2, 2, 3)) * 5
check_array("softplus(X) for X of shape (2, 2, 3)", softplus(X), np.log(1 + np.exp(X)), atol=1e-12)
check_array("softplus(-50)", call_strict("softplus(x)", softplus, np.array([-50.0])), [1.9287498479639178e-22],
            rtol=1e-12, atol=1e-300)
print("softplus: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("softplus")
from tp_course.reference import check_elementwise
from tp_course.reference import tp1_softplus
check_elementwise("softplus", softplus, tp1_softplus, seed=105, tails=(-40.0, -700.0, 40.0, 1e-9),
                  subnormal=(-740.0,))
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 6 — `softplus_grad` (1 point)
#
# You showed in W1 that $\operatorname{softplus}'(x) = \sigma(x)$.

# %% nbgrader={"grade": false, "grade_id": "softplus_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softplus_grad(x):
    """Derivative of softplus, element-wise (see W1).

    Signature: softplus_grad(x) -> ndarray

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x, values in [0, 1]; no overflow or warning for |x| up to 1e4.
    """
    ### BEGIN SOLUTION
    return sigmoid(x)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_softplus_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
# one slip, one charge: in this test softplus_grad gets a correct sigmoid (yours is graded in exercise 1)
from tp_course.reference import tp1_sigmoid, tp1_sigmoid_grad, tp1_softplus
sigmoid, sigmoid_grad, softplus = tp1_sigmoid, tp1_sigmoid_grad, tp1_softplus
### END HIDDEN TESTS
rng = np.random.default_rng(6)
# (at grading, softplus_grad calls a correct sigmoid here: a slip in your sigmoid costs exercise 1 only)
x = np.array([-1e4, -2.0, 0.0, 3.0, 1e4])
g = call_strict("softplus_grad(x)", softplus_grad, x)
check_array("softplus_grad(x)", g, [0.0, 0.11920292202211755, 0.5, 0.9525741268224334, 1.0])
X = rng.standard_normal((3, 3))
check_array("softplus_grad(X) for X of shape (3, 3)", softplus_grad(X), np.exp(X) / (1 + np.exp(X)))
print("softplus_grad: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("softplus_grad")
from scipy.special import expit
from tp_course.reference import check_elementwise
from tp_course.reference import tp1_sigmoid
check_elementwise("softplus_grad", softplus_grad, tp1_sigmoid, seed=106, tails=(-40.0, -700.0),
                  subnormal=(-740.0,))
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 7 — `log_sigmoid` (2 points)
#
# $\ln \sigma(x) = -\operatorname{softplus}(-x)$ (identity 1.2, with the right sign). Why not
# `np.log(sigmoid(x))`? Because $\sigma(-10^4)$ underflows to exactly $0$ and $\ln 0 = -\infty$,
# whereas $\ln\sigma(-10^4) = -10^4$ is a perfectly ordinary number. Log-probabilities are
# what a classifier's loss needs (TP2), so we compute them directly.

# %% nbgrader={"grade": false, "grade_id": "log_sigmoid", "locked": false, "schema_version": 3, "solution": true, "task": false}
def log_sigmoid(x):
    """ln(sigma(x)), element-wise, numerically stable.

    Signature: log_sigmoid(x) -> ndarray

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x, values <= 0; log_sigmoid(-1e4) == -1e4 and
    log_sigmoid(1e4) == 0.0 (-0.0 is fine too), with no warning.
    """
    ### BEGIN SOLUTION
    return -softplus(-x)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_log_sigmoid", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
# one slip, one charge: in this test log_sigmoid gets a correct softplus and sigmoid (graded before)
from tp_course.reference import tp1_sigmoid, tp1_softplus
sigmoid, softplus = tp1_sigmoid, tp1_softplus
### END HIDDEN TESTS
rng = np.random.default_rng(7)
# (at grading, log_sigmoid calls a correct softplus here: a slip in your softplus costs exercise 5 only)
x = np.array([-1e4, -800.0, -1.0, 0.0, 1.0, 800.0, 1e4])
ls = call_strict("log_sigmoid(x)", log_sigmoid, x)
check_array("log_sigmoid(x)", ls, [-1e4, -800.0, -1.3132616875182228, -np.log(2), -0.31326168751822286, 0.0, 0.0],
            atol=1e-12)
X = rng.standard_normal((5,)) * 5
check_array("log_sigmoid(X) for X of shape (5,)", log_sigmoid(X), np.log(1 / (1 + np.exp(-X))), atol=1e-12)
check_array("log_sigmoid(50)", call_strict("log_sigmoid(x)", log_sigmoid, np.array([50.0])), [-1.9287498479639178e-22],
            rtol=1e-12, atol=1e-300)
print("log_sigmoid: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("log_sigmoid")
from scipy.special import log_expit
from tp_course.reference import check_elementwise
from tp_course.reference import tp1_log_sigmoid
check_elementwise("log_sigmoid", log_sigmoid, tp1_log_sigmoid, seed=107, tails=(40.0, 700.0, -40.0),
                  subnormal=(740.0,))
### END HIDDEN TESTS

# %% [markdown]
# Your functions and their derivatives (a picture to keep in mind: $\sigma' \le 1/4$ and
# $\tanh' \le 1$ vanish for large $|x|$ — the *saturation* that slows down learning in deep
# networks, TP3).

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.5))
plot_function_and_derivative(sigmoid, sigmoid_grad, name="sigmoid", ax=axes[0])
plot_function_and_derivative(tanh_from_sigmoid, tanh_grad, name="tanh", ax=axes[1])
plot_function_and_derivative(softplus, softplus_grad, name="softplus", ax=axes[2])
fig.tight_layout()

# %% [markdown]
# ### Exercise 8 — `logsumexp` (3 points)
#
# $$\operatorname{LSE}(x) = \ln \sum_{j} e^{x_j} = m + \ln \sum_{j} e^{x_j - m}, \qquad m = \max_j x_j,$$
#
# taken along one axis of an array. numpy twin: `m = np.max(x, axis=axis, keepdims=True)`, then
# `np.sum(np.exp(x - m), axis=axis, keepdims=True)`. **Why `keepdims=True`?** For `x` of shape
# `(N, K)` and `axis=-1`, `np.max(x, axis=-1)` has shape `(N,)`, and `x - m` would broadcast it
# along the wrong axis (or fail); with `keepdims=True`, `m` has shape `(N, 1)` and `x - m`
# subtracts each row's maximum from that row. At the end, drop the kept axis unless the caller
# asked for `keepdims=True` (e.g. `np.squeeze(out, axis=axis)`).

# %% nbgrader={"grade": false, "grade_id": "logsumexp", "locked": false, "schema_version": 3, "solution": true, "task": false}
def logsumexp(x, axis=-1, keepdims=False):
    """ln(sum(exp(x))) along one axis, numerically stable.

    Signature: logsumexp(x, axis=-1, keepdims=False) -> ndarray

    Parameters
    ----------
    x : ndarray of any shape with x.ndim >= 1, e.g. (N, K) scores: one row per example
    axis : int
        The axis to reduce (negative values count from the end).
    keepdims : bool
        If True, keep the reduced axis with length 1 (as in np.sum).

    Returns
    -------
    ndarray: x.shape without the `axis` dimension, e.g. (N,) for x of shape (N, K) and
    axis=-1; with keepdims=True, the same number of dimensions as x, e.g. (N, 1).
    No overflow or warning for |x| up to 1e4: logsumexp([1000, 1000]) = 1000 + ln 2.
    """
    ### BEGIN SOLUTION
    m = np.max(x, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_logsumexp", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(8)
x = np.array([[1000.0, 1000.0], [-1000.0, -1000.0], [0.0, np.log(3.0)], [1e4, -1e4]])
out = call_strict("logsumexp(x)", logsumexp, x, elementwise=False)
check_array("logsumexp(x) for x of shape (4, 2)", out, [1000 + np.log(2), -1000 + np.log(2), np.log(4.0), 1e4])
X = rng.standard_normal((3, 3))  # square on purpose: a forgotten keepdims shows up here
check_array("logsumexp(X, axis=0)", logsumexp(X, axis=0), np.log(np.sum(np.exp(X), axis=0)))
check_array("logsumexp(X, axis=1)", logsumexp(X, axis=1), np.log(np.sum(np.exp(X), axis=1)))
check_array("logsumexp(X, axis=-1, keepdims=True)", logsumexp(X, axis=-1, keepdims=True),
            np.log(np.sum(np.exp(X), axis=-1, keepdims=True)))
check_array("logsumexp(np.zeros((1, 3))) (drop only the reduced axis)", logsumexp(np.zeros((1, 3))), [np.log(3.0)])
print("logsumexp: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("logsumexp")
from scipy.special import logsumexp as lse_ref
from tp_course.reference import assert_no_silenced_checks, strict_floats
assert_no_silenced_checks("logsumexp")
rng = np.random.default_rng(108)
cases = [((5,), -1), ((5,), 0), ((4, 4), -1), ((4, 4), 0), ((4, 4), 1), ((3, 5), 0), ((3, 5), -1),
         ((2, 3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), -1), ((2, 3, 4), -2), ((1, 6), -1), ((6, 1), 0)]
for dtype, rtol, atol in ((np.float64, 1e-9, 1e-12), (np.float32, 1e-5, 1e-5)):
    for shape, axis in cases:
        for scale in (3.0, 1e4):
            X = (rng.standard_normal(shape) * scale).astype(dtype)
            X_before = X.copy()
            for keepdims in (False, True):
                what = f"logsumexp(X, axis={axis}, keepdims={keepdims}) for X of shape {shape}, {np.dtype(dtype).name}"
                try:
                    with strict_floats():
                        got = logsumexp(X, axis=axis, keepdims=keepdims)
                except (FloatingPointError, RuntimeWarning) as err:
                    raise AssertionError(f"{what}: {err}: not numerically stable") from err
                expected = lse_ref(X.astype(np.float64), axis=axis, keepdims=keepdims)
                check_array(what, got, expected, rtol=rtol, atol=atol * (1 + np.abs(X).max()))
            assert np.array_equal(X, X_before), "logsumexp modified its argument in place"
# rows where every value is hugely negative or positive, and ties
X = np.array([[-1e4, -1e4, -1e4], [1e4, 1e4, -1e4], [0.0, -1e4, 1e-8]])
with strict_floats():
    check_array("logsumexp(X) with |X| = 1e4", logsumexp(X), lse_ref(X, axis=-1), rtol=1e-12)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 9 — `log_softmax` (2 points)
#
# $$\operatorname{softmax}(x)_k = \frac{e^{x_k}}{\sum_j e^{x_j}}, \qquad
#   \ln \operatorname{softmax}(x)_k = x_k - \operatorname{LSE}(x).$$
#
# numpy twin: `x - logsumexp(x, axis=axis, keepdims=True)` (here `keepdims=True` is what makes
# the subtraction broadcast along the right axis). `np.exp(log_softmax(x))` is the softmax:
# positive, and each slice along `axis` sums to 1.

# %% nbgrader={"grade": false, "grade_id": "log_softmax", "locked": false, "schema_version": 3, "solution": true, "task": false}
def log_softmax(x, axis=-1):
    """Log of the softmax along one axis, numerically stable.

    Signature: log_softmax(x, axis=-1) -> ndarray

    Parameters
    ----------
    x : ndarray of any shape with x.ndim >= 1, e.g. (N, K) scores: one row per example
    axis : int
        The axis along which the softmax is normalised (the classes).

    Returns
    -------
    ndarray of the same shape as x, values <= 0, such that np.exp(out).sum(axis=axis) == 1.
    No overflow, -inf or warning for |x| up to 1e4.
    """
    ### BEGIN SOLUTION
    return x - logsumexp(x, axis=axis, keepdims=True)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_log_softmax", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
# one slip, one charge: in this test log_softmax gets a correct logsumexp (yours is graded in exercise 8)
from tp_course.reference import tp1_logsumexp
logsumexp = tp1_logsumexp
### END HIDDEN TESTS
rng = np.random.default_rng(9)
# (at grading, log_softmax calls a correct logsumexp here: a slip in your logsumexp costs exercise 8 only)
x = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
x_before = x.copy()
out = call_strict("log_softmax(x)", log_softmax, x, elementwise=False)
assert np.array_equal(x, x_before), "log_softmax modified its argument x: return a new array (no x -= ...)"
lse_row = np.log(np.exp(1.0) + np.exp(2.0) + np.exp(3.0))
check_array("log_softmax(x) for x of shape (2, 3)", out, [[0.0, -1000.0, -2000.0], [1 - lse_row, 2 - lse_row, 3 - lse_row]])
X = rng.standard_normal((3, 3))
P = np.exp(X) / np.sum(np.exp(X), axis=0, keepdims=True)
check_array("log_softmax(X, axis=0)", log_softmax(X, axis=0), np.log(P))
check_array("np.exp(log_softmax(X)).sum(axis=-1)", np.exp(log_softmax(X)).sum(axis=-1), np.ones(3))
print("log_softmax: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("log_softmax")
from scipy.special import logsumexp as lse_ref
from tp_course.reference import assert_no_silenced_checks, strict_floats
assert_no_silenced_checks("log_softmax")
rng = np.random.default_rng(109)
cases = [((5,), -1), ((5,), 0), ((4, 4), -1), ((4, 4), 0), ((3, 5), 0), ((3, 5), 1),
         ((2, 3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), -1), ((1, 6), -1)]
for dtype, rtol, atol in ((np.float64, 1e-9, 1e-12), (np.float32, 1e-5, 1e-5)):
    for shape, axis in cases:
        for scale in (3.0, 1e4):
            X = (rng.standard_normal(shape) * scale).astype(dtype)
            X_before = X.copy()
            what = f"log_softmax(X, axis={axis}) for X of shape {shape}, {np.dtype(dtype).name}"
            try:
                with strict_floats():
                    got = log_softmax(X, axis=axis)
            except (FloatingPointError, RuntimeWarning) as err:
                raise AssertionError(f"{what}: {err}: not numerically stable") from err
            X64 = X.astype(np.float64)
            expected = X64 - lse_ref(X64, axis=axis, keepdims=True)
            check_array(what, got, expected, rtol=rtol, atol=atol * (1 + np.abs(X).max()))
            assert np.array_equal(X, X_before), "log_softmax modified its argument in place"
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4 — Numerical gradient and gradient check
#
# An analytic gradient (*dérivée analytique*) is fast but easy to get wrong; a numerical one
# (*dérivée numérique*) is slow but hard to get
# wrong. Comparing them is the **gradient check** (*vérification du gradient*), which you will
# run on every layer of TP2. For a scalar function $f$ of an array $\theta$, perturb one entry at
# a time:
#
# $$\frac{\partial f}{\partial \theta_i} \approx
#   \frac{f(\theta_1, \dots, \theta_i + \varepsilon, \dots) - f(\theta_1, \dots, \theta_i - \varepsilon, \dots)}{2\varepsilon}
#   \qquad \text{(central difference)}.$$
#
# ### Exercise 10 — `numerical_gradient` (3 points)
#
# numpy twin: loop over every index `i` of `x` (`np.ndindex(x.shape)` gives them all, for any
# shape), save `old = x[i]`, set `x[i] = old + eps`, evaluate `f(x)`, set `x[i] = old - eps`,
# evaluate `f(x)`, **restore `x[i] = old`**, store the difference quotient in `grad[i]`.
# `f` must be called on an array of the shape of `x` (it may depend on the shape). Write it with numpy:
# `scipy.optimize.approx_fprime` and `check_grad` (or `scipy.differentiate`) are rejected by the hidden tests.

# %% nbgrader={"grade": false, "grade_id": "numerical_gradient", "locked": false, "schema_version": 3, "solution": true, "task": false}
def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function of an array.

    Signature: numerical_gradient(f, x, eps=1e-6) -> ndarray

    Parameters
    ----------
    f : callable
        f(x) -> float (or 0-d array), for x of the shape of `x`.
    x : float64 ndarray of any shape
        The point where the gradient is taken. It may be modified during the call but must
        hold its original values when the function returns.
    eps : float
        The step: grad[i] = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps).

    Returns
    -------
    float64 ndarray of the same shape as x: grad[i] ~ df/dx[i].
    """
    ### BEGIN SOLUTION
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = float(f(x))
        x[i] = old - eps
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_numerical_gradient", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(10)
x = rng.uniform(0.5, 2.0, size=(2, 3)) * rng.choice([-1.0, 1.0], size=(2, 3))
x_before = x.copy()
g = numerical_gradient(lambda v: np.sum(v ** 3), x, eps=1e-3)
# With eps = 1e-3 the central difference is within 1e-6 of 3 x^2; a forward difference is
# off by about 3 |x| eps >= 1.5e-3.
check_array("numerical_gradient(sum(x**3), x, eps=1e-3)", g, 3 * x_before ** 2, rtol=0, atol=1e-5)
assert np.allclose(x, x_before, rtol=1e-12, atol=1e-12), (
    "numerical_gradient changed the values of x: restore x[i] after perturbing it.")
A = rng.standard_normal(4)
check_array("numerical_gradient(x @ A + 1, x)", numerical_gradient(lambda v: v @ A + 1.0, rng.standard_normal(4)),
            A, rtol=1e-5, atol=1e-7)
print("numerical_gradient: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("numerical_gradient")
rng = np.random.default_rng(110)
for shape in [(1,), (5,), (3, 4), (2, 3, 2)]:
    x = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    x_before = x.copy()
    # the cubic: central = 3x^2 + eps^2 exactly; forward = 3x^2 + 3x eps + eps^2
    g = numerical_gradient(lambda v: np.sum(v ** 3), x, eps=0.1)
    check_array(f"numerical_gradient(sum(x**3), x of shape {shape}, eps=0.1)", g, 3 * x_before ** 2 + 0.01,
                rtol=0, atol=1e-8)
    assert np.allclose(x, x_before, rtol=1e-12, atol=1e-12), "numerical_gradient changed x"
    g = numerical_gradient(lambda v: np.sum(v ** 3), x, eps=1e-3)
    check_array(f"numerical_gradient(sum(x**3), x of shape {shape}, eps=1e-3)", g, 3 * x_before ** 2,
                rtol=0, atol=1e-5)
    # default eps, a function that depends on the shape of x and couples the entries
    A = rng.standard_normal(shape)
    g = numerical_gradient(lambda v: np.sum(np.sin(v) * A) + 0.1 * np.sum(v) ** 2, x)
    check_array(f"numerical_gradient(sum(sin(x) A) + 0.1 sum(x)^2, x of shape {shape}) with the default eps", g,
                np.cos(x_before) * A + 0.2 * np.sum(x_before), rtol=1e-6, atol=1e-7)
    assert np.allclose(x, x_before, rtol=1e-12, atol=1e-12), "numerical_gradient changed x"
    assert g.shape == shape, f"numerical_gradient returned shape {g.shape}; expected the shape of x, {shape}"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 11 — `gradient_check` (2 points)
#
# How far is an analytic gradient $a$ from a numerical one $n$? An absolute error means nothing
# without a scale ($10^{-4}$ is huge if the gradient is $10^{-6}$), so we use the **relative
# error**, entry by entry, and keep the worst entry:
#
# $$\text{rel}(a, n) = \max_i \frac{\lvert a_i - n_i \rvert}{\max\left(10^{-8},\ \lvert a_i \rvert + \lvert n_i \rvert\right)}.$$
#
# The $10^{-8}$ floor avoids $0/0$ when both entries are $0$. Rule of thumb: below $10^{-7}$ the
# gradient is right; above $10^{-2}$ it is wrong; in between, look closer (a kink, `float32`).
# numpy twin: `np.abs`, `np.maximum(1e-8, ...)` (element-wise, not `max`), `np.max`.
#
# **`tp_utils` has a reporting version, which is scale-aware.** `tp_utils.gradcheck` computes a
# close cousin of this number in `gradient_report(analytic, numeric)`, which also lists the worst
# entries and spots a sign error or a constant factor, and `check_gradient`, which raises an error
# with that report when the relative error is too large. The cousin puts a floor tied to the
# gradient's scale under each denominator (why: "Check your own derivatives" below):
#
# $$\text{rel}_{\text{scaled}}(a, n) = \max_i \frac{\lvert a_i - n_i \rvert}
#   {\max\left(\lvert a_i \rvert + \lvert n_i \rvert,\ 10^{-3} \max(1, \max_j \lvert n_j \rvert)\right)}$$
#
# (numpy twin: `scale = max(1.0, np.abs(n).max())`, then
# `np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-3 * scale))`; there, below $10^{-6}$
# is right). Use them after this exercise (the notebook does below, TP2's
# tests use `check_gradient`). Here, write the formula with numpy yourself: the tests only check
# values, so calling `tp_utils` would pass them, but then you skip the point of the exercise.

# %% nbgrader={"grade": false, "grade_id": "gradient_check", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gradient_check(analytic, numeric):
    """Maximum entry-wise relative error between two gradients.

    Signature: gradient_check(analytic, numeric) -> float

    Parameters
    ----------
    analytic, numeric : ndarrays of the same (any) shape

    Returns
    -------
    float: max over entries of |a - n| / max(1e-8, |a| + |n|); 0.0 when they are equal.
    """
    ### BEGIN SOLUTION
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_gradient_check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(11)
check_scalar("gradient_check([1, 2, 3], [1, 2, 3.3])",
             gradient_check(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.3])), 0.3 / 6.3)
check_scalar("gradient_check of two equal arrays", gradient_check(np.ones((2, 2)), np.ones((2, 2))), 0.0)
# entry by entry, then the worst entry: 1/3 (not a sum of the ratios, not max|a-n| / max(|a|+|n|))
check_scalar("gradient_check([1, 100], [2, 101])",
             gradient_check(np.array([1.0, 100.0]), np.array([2.0, 101.0])), 1 / 3)
with np.errstate(invalid="raise", divide="raise"):
    r = gradient_check(np.zeros(3), np.zeros(3))
check_scalar("gradient_check(zeros, zeros)", r, 0.0)
print("gradient_check: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("gradient_check")
from tp_course.reference import strict_floats
with strict_floats():
    # entry-wise ratio, then max (not max|a-n| / max(|a|+|n|))
    check_scalar("gradient_check([1, 100], [2, 100])", gradient_check(np.array([1.0, 100.0]), np.array([2.0, 100.0])), 1 / 3)
    # the analytic gradient smaller than the numerical one: |a - n|, not a - n
    check_scalar("gradient_check([1, 2], [1.5, 2])", gradient_check(np.array([1.0, 2.0]), np.array([1.5, 2.0])), 0.2)
    # the 1e-8 floor
    check_scalar("gradient_check([0, 1], [1e-9, 1])", gradient_check(np.array([0.0, 1.0]), np.array([1e-9, 1.0])), 0.1)
    check_scalar("gradient_check(zeros, zeros)", gradient_check(np.zeros((3, 2)), np.zeros((3, 2))), 0.0, atol=0)
    rng = np.random.default_rng(111)
    for shape in [(1,), (7,), (3, 4), (2, 3, 4)]:
        a = rng.standard_normal(shape)
        n = a + rng.standard_normal(shape) * 1e-3
        expected = np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))
        check_scalar(f"gradient_check for shape {shape}", gradient_check(a, n), expected)
        check_scalar(f"gradient_check(a, a) for shape {shape}", gradient_check(a, a.copy()), 0.0, atol=0)
        check_scalar(f"gradient_check(a, -a) for shape {shape}", gradient_check(a, -a), 1.0)
### END HIDDEN TESTS

# %% [markdown]
# ### Central or forward difference?
#
# The forward difference $\dfrac{f(x + \varepsilon) - f(x)}{\varepsilon}$ looks just as
# reasonable. The plot below compares both on $f = \sin$ at $x = 1$ (exact derivative
# $\cos 1$) for steps $\varepsilon$ from $10^{-15}$ to $10^{-1}$. Read the two regimes: on the
# right, the **truncation error** of the formula (it shrinks with $\varepsilon$); on the left,
# the **rounding error** of `float64` (about $10^{-16}/\varepsilon$: two nearly equal numbers
# are subtracted, then divided by a tiny $\varepsilon$). The dotted grey lines are
# proportional to $\varepsilon$, $\varepsilon^2$ and $10^{-16}/\varepsilon$ (slopes $1$, $2$ and $-1$).

# %%
eps_grid = np.logspace(-15, -1, 29)
x0, exact = 1.0, np.cos(1.0)
central = [abs(numerical_gradient(lambda v: np.sum(np.sin(v)), np.array([x0]), eps=e)[0] - exact) for e in eps_grid]
forward = [abs((np.sin(x0 + e) - np.sin(x0)) / e - exact) for e in eps_grid]
fig, ax = plt.subplots(figsize=(6.5, 4.5))
plot_error_vs_eps(eps_grid, forward, label=r"forward $(f(x+\varepsilon)-f(x))/\varepsilon$", ax=ax)
plot_error_vs_eps(eps_grid, central, label=r"central $(f(x+\varepsilon)-f(x-\varepsilon))/2\varepsilon$",
                  ax=ax, guides=True)
ax.set_title(r"error of the numerical derivative of $\sin$ at $x = 1$")
best_f, best_c = int(np.argmin(forward)), int(np.argmin(central))
print(f"forward: best eps = {eps_grid[best_f]:.0e}, error {forward[best_f]:.1e}")
print(f"central: best eps = {eps_grid[best_c]:.0e}, error {central[best_c]:.1e}")

# %% [markdown]
# **Written answer W2 (2 points).** Why is the central difference better than the forward one?
# Use a Taylor expansion of $f(x \pm \varepsilon)$ to give the order of the truncation error
# of each, then explain, with the plot, where the best $\varepsilon$ of each method lies and
# why going below it makes things worse.

# %% [markdown] nbgrader={"grade": true, "grade_id": "why_central", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# Taylor: $f(x \pm \varepsilon) = f(x) \pm \varepsilon f'(x) + \frac{\varepsilon^2}{2} f''(x)
# \pm \frac{\varepsilon^3}{6} f'''(x) + O(\varepsilon^4)$. Hence
#
# $$\frac{f(x+\varepsilon) - f(x)}{\varepsilon} = f'(x) + \frac{\varepsilon}{2} f''(x) + O(\varepsilon^2),
# \qquad
# \frac{f(x+\varepsilon) - f(x-\varepsilon)}{2\varepsilon} = f'(x) + \frac{\varepsilon^2}{6} f'''(x) + O(\varepsilon^4):$$
#
# in the central difference the even terms cancel, so its truncation error is $O(\varepsilon^2)$
# instead of $O(\varepsilon)$ (slopes 2 and 1 on the right of the log-log plot). Each
# evaluation of $f$ carries a rounding error of about $u\,\lvert f \rvert$ with
# $u \approx 10^{-16}$, and the quotient divides it by $\varepsilon$: an error
# $\approx u\,\lvert f \rvert/\varepsilon$ that grows when $\varepsilon$ shrinks (slope $-1$ on
# the left). The best step balances both:
# forward $\varepsilon \approx \sqrt{u} \approx 10^{-8}$, error $\approx 10^{-8}$; central
# $\varepsilon \approx u^{1/3} \approx 10^{-5}$, error $\approx 10^{-10}$–$10^{-11}$. So for the
# same cost per partial derivative (two evaluations of $f$; for a whole gradient the forward
# difference can share $f(x)$: $n + 1$ evaluations against $2n$), the central difference is
# about a thousand times more accurate, and it is accurate over a wide range of $\varepsilon$
# (we use $10^{-6}$).
# Below the best step, the subtraction of two nearly equal numbers cancels the significant
# digits, and the error grows again.
#
# *Grading: 1 point for the two truncation orders from Taylor, 1 point for the rounding error
# $\sim u/\varepsilon$ and the trade-off (best $\varepsilon$ of each).*

# %% [markdown]
# ### Check your own derivatives
#
# For an element-wise $f$, the gradient of $F(x) = \sum_j f(x_j)$ is
# $\frac{\partial F}{\partial x_i} = f'(x_i)$, so `numerical_gradient(lambda v: np.sum(f(v)), x)`
# must match `f_grad(x)`. Next to your `gradient_check` we print
# `tp_utils.gradcheck.gradient_report`, its scale-aware cousin, which lists the worst entries in
# words when the error is large: use it from now on. Bonus: the gradient
# of $\operatorname{LSE}$ is the softmax,
# $\frac{\partial}{\partial x_k}\ln\sum_j e^{x_j} = \frac{e^{x_k}}{\sum_j e^{x_j}}$ — the key
# step of TP2's cross-entropy. (Points are taken in $[-2, 2]$, where every derivative is of order 1.)

# %%
from tp_utils.gradcheck import gradient_report

rng = np.random.default_rng(12)
x = rng.uniform(-2, 2, size=(3, 4))
pairs = [("sigmoid", sigmoid, sigmoid_grad), ("tanh", tanh_from_sigmoid, tanh_grad),
         ("softplus", softplus, softplus_grad)]
for name, f, df in pairs:
    numeric = numerical_gradient(lambda v: np.sum(f(v)), x)
    print(f"your gradient_check: {gradient_check(df(x), numeric):.1e}")
    print(gradient_report(df(x), numeric, name=f"{name}'")[1])
softmax = np.exp(log_softmax(x, axis=-1))
numeric = numerical_gradient(lambda v: np.sum(logsumexp(v, axis=-1)), x)
print(gradient_report(softmax, numeric, name="gradient of sum of row-wise logsumexp = softmax")[1])

# %% [markdown]
# **Why a scale-aware report: false alarms on tiny entries.** The numerical gradient is not exact:
# each evaluation of $f$ is rounded to about $u\,\lvert f \rvert$ ($u \approx 10^{-16}$), and the
# central difference divides that by $2\varepsilon$, an absolute error of about
# $10^{-16} \lvert f \rvert / \varepsilon \approx 10^{-10}$ for $\varepsilon = 10^{-6}$ and $f$ of order 1
# (W2) — **whatever the size of the entry**. On an entry of $10^{-7}$ that is a relative error of
# $10^{-3}$, although the analytic gradient is exact: the plain formula of `gradient_check` cries
# wolf. Below, $x$ has entries far in the tails, where $\sigma'(x)$ is $10^{-7}$ or less, next to
# entries of order 1. The scale-aware report judges each entry against at least a thousandth of the
# gradient's scale, $10^{-3} \max(1, \max_j \lvert n_j \rvert)$: the rounding noise counts $10^{-7}$
# there, and a wrong entry still shows: a factor 2 on the entry of $4 \times 10^{-8}$ below counts
# $4 \times 10^{-5}$, above the tolerance $10^{-5}$ of `check_gradient` (most slips are off by far more). TP2's `check_mlp_gradients` uses it: with the plain formula it rejected a correct backward
# pass on several percent of small random networks (gradient entries of $10^{-7}$ swamped by rounding).

# %%
x_tails = np.array([-16.0, -0.3, 0.8, 17.0])
numeric = numerical_gradient(lambda v: np.sum(sigmoid(v)), x_tails)
print("analytic :", sigmoid_grad(x_tails))
print("numerical:", numeric)
print(f"your gradient_check (plain relative error): {gradient_check(sigmoid_grad(x_tails), numeric):.1e}")
print(gradient_report(sigmoid_grad(x_tails), numeric, name="sigmoid' with tiny entries")[1])
wrong = sigmoid_grad(x_tails) * np.array([1.0, 1.0, 1.0, 2.0])   # a slip on the smallest entry only: rejected
print(gradient_report(wrong, numeric, name="a sigmoid' off by 2 on its tiny entry")[1])

# %% [markdown]
# ### Exercise 12 — gradients of the two norms (1 + 1 points)
#
# Implement the gradients of 1.6: (a) $\frac{\partial \lVert x \rVert_2^2}{\partial x} = 2x$ and
# (b) $\frac{\partial \lVert x \rVert_1}{\partial x} = \operatorname{sign}(x)$ (at $0$: any value in
# $[-1, 1]$ is accepted, `np.sign` gives $0$; it must not be `nan`).

# %% nbgrader={"grade": false, "grade_id": "sq_norm_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sq_norm_grad(x):
    """Gradient of ||x||_2^2 = np.sum(x**2) with respect to x.

    Signature: sq_norm_grad(x) -> ndarray

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x.
    """
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_sq_norm_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(13)
x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
check_array("sq_norm_grad(x)", sq_norm_grad(x), [-4.0, -1.0, 0.0, 1.0, 6.0])
X = rng.standard_normal((2, 3))
check_array("sq_norm_grad(X) for X of shape (2, 3)", sq_norm_grad(X), 2 * X)
print("sq_norm_grad: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("sq_norm_grad")
from tp_course.reference import strict_floats, numerical_gradient as ref_numerical_gradient
rng = np.random.default_rng(113)
for shape in [(), (1,), (6,), (3, 4), (2, 3, 4)]:
    X = rng.standard_normal(shape)
    with strict_floats():
        check_array(f"sq_norm_grad(X) for X of shape {shape}", sq_norm_grad(X), 2 * X)
    check_array(f"sq_norm_grad vs numerical, shape {shape}", sq_norm_grad(X),
                ref_numerical_gradient(lambda v: np.sum(v ** 2), X.copy()), rtol=1e-6, atol=1e-6)
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "l1_norm_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
def l1_norm_grad(x):
    """A (sub)gradient of ||x||_1 = np.sum(np.abs(x)) with respect to x.

    Signature: l1_norm_grad(x) -> ndarray

    Parameters
    ----------
    x : ndarray of any shape

    Returns
    -------
    ndarray of the same shape as x: sign(x) where x != 0, a value in [-1, 1] where x == 0
    (never nan).
    """
    ### BEGIN SOLUTION
    return np.sign(x)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_l1_norm_grad", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(14)
x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
g = call_strict("l1_norm_grad(x)", l1_norm_grad, x)
check_array("l1_norm_grad(x) where x != 0", np.asarray(g)[x != 0], [-1.0, -1.0, 1.0, 1.0])
assert -1 <= g[2] <= 1, f"l1_norm_grad(0) = {g[2]}: at 0, return a subgradient, a value in [-1, 1]"
X = rng.standard_normal((2, 3))
check_array("l1_norm_grad(X) for X of shape (2, 3)", l1_norm_grad(X), np.sign(X))
# next to the kink the sign is still exactly +-1 (no smoothing such as x / (|x| + 1e-8))
check_array("l1_norm_grad([1e-12, -1e-12])", l1_norm_grad(np.array([1e-12, -1e-12])), [1.0, -1.0], rtol=1e-12, atol=0)
print("l1_norm_grad: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
assert_no_library("l1_norm_grad")
from tp_course.reference import strict_floats
rng = np.random.default_rng(114)
for shape in [(), (1,), (6,), (3, 4), (2, 3, 4)]:
    X = rng.standard_normal(shape)
    if X.ndim:
        X.flat[0] = 0.0
    with strict_floats():
        g = l1_norm_grad(X)
    check_array(f"l1_norm_grad(X) where X != 0, shape {shape}", np.where(X != 0, g, 0.0), np.sign(X))
    assert np.all((g >= -1) & (g <= 1)), "l1_norm_grad: every entry must lie in [-1, 1] (no nan)"
    assert np.shape(g) == shape, f"l1_norm_grad(X) has shape {np.shape(g)}; expected {shape}"
# next to the kink sign(x) is exactly +-1, down to the smallest float: an eps-smoothed sign
# x / (|x| + 1e-8) gives 1e-4 at x = 1e-12 (and 0 at 1e-300)
X = np.array([1e-12, -1e-12, 1e-300, -1e-300, 5e-324, -5e-324, 3e-9, -3e-9])
with strict_floats():
    g = l1_norm_grad(X)
check_array("l1_norm_grad(x) for tiny x != 0 (sign(x) is exactly +-1 there)", g, np.sign(X), rtol=1e-12, atol=0)
### END HIDDEN TESTS

# %% [markdown]
# ### The gradient check at a kink
#
# Away from $0$ both norms pass the check. Now put entries **at** the kink ($0$) and **near** it
# ($10^{-9}$, closer than the step $\varepsilon = 10^{-6}$):

# %%
rng = np.random.default_rng(15)
x = rng.standard_normal(5)
f_sq, f_l1 = (lambda v: np.sum(v ** 2)), (lambda v: np.sum(np.abs(v)))
print(gradient_report(sq_norm_grad(x), numerical_gradient(f_sq, x), name="grad of ||x||_2^2")[1])
print(gradient_report(l1_norm_grad(x), numerical_gradient(f_l1, x), name="grad of ||x||_1 (away from 0)")[1])
x_kink = np.array([1.5, 0.0, -1e-9, 1e-9, -2.0])
print("at x =", x_kink)
print("  analytic :", l1_norm_grad(x_kink))
print("  numerical:", numerical_gradient(f_l1, x_kink))
print(gradient_report(l1_norm_grad(x_kink), numerical_gradient(f_l1, x_kink), name="grad of ||x||_1 near 0")[1])

# %% [markdown]
# **Written answer W3 (1 point).** Explain the numerical gradient at $x_i = 0$ and at
# $x_i = \pm 10^{-9}$, and why the gradient check fails although `l1_norm_grad` is right. What
# would you do in practice (TP2 has the same issue with ReLU at $0$)?

# %% [markdown] nbgrader={"grade": true, "grade_id": "l1_at_zero", "locked": false, "points": 1, "schema_version": 3, "solution": true, "task": false}
# At $x_i = 0$: $\frac{\lvert \varepsilon \rvert - \lvert -\varepsilon \rvert}{2\varepsilon} = 0$,
# the middle of the subdifferential $[-1, 1]$, the same as `np.sign(0)`: the check passes there.
# At $x_i = 10^{-9} < \varepsilon$ the two points $x_i \pm \varepsilon$ lie on both sides of the
# kink: $\frac{(10^{-9} + \varepsilon) - (\varepsilon - 10^{-9})}{2\varepsilon} = 10^{-9}/\varepsilon = 10^{-3}$,
# while the true derivative there is $1$: the finite difference averages the slopes $-1$ and $+1$.
# The relative error is then $\approx 1$, not because the analytic gradient is wrong but because
# $f$ is not differentiable inside $[x_i - \varepsilon, x_i + \varepsilon]$ (the Taylor expansion
# of W2 does not hold). In practice: check at random points, which are almost surely farther than
# $\varepsilon$ from a kink, ignore (or count) the entries within $\varepsilon$ of a kink, or use a
# smaller $\varepsilon$ for them.
#
# *Grading: 1 point for "the step crosses the kink, so the numerical derivative averages $-1$
# and $+1$; the analytic one is right; check away from kinks".*

# %% [markdown]
# ## Summary
#
# - $\sigma(x) = \frac12(\tanh\frac{x}{2} + 1)$, $\ln\sigma(x) = -\operatorname{softplus}(-x)$,
#   $\sigma' = \sigma(1-\sigma)$, $\tanh' = 1 - \tanh^2$, $\operatorname{softplus}' = \sigma$,
#   $\nabla\lVert x\rVert_2^2 = 2x$, $\nabla\lVert x\rVert_1 = \operatorname{sign}(x)$ (a subgradient at $0$).
# - Stable formulas only ever exponentiate non-positive numbers: split on the sign of $x$ with
#   $e^{-\lvert x\rvert}$, shift by the maximum in logsumexp (`keepdims=True`), and compute
#   log-probabilities directly (`log_sigmoid`, `log_softmax`) rather than the log of a probability.
#   Write $\ln(1 + z)$ for a small $z$ as `np.log1p(z)`, and a small result directly rather than
#   as $1 - (\text{something close to } 1)$: $\sigma' = \sigma(x)\sigma(-x)$, $\tanh' = 4\sigma'(2x)$
#   keep their digits in the tails.
# - The central difference has a truncation error $O(\varepsilon^2)$ (forward: $O(\varepsilon)$)
#   and a rounding error $\sim 10^{-16}/\varepsilon$; $\varepsilon \approx 10^{-6}$ works well in
#   `float64`. A relative error below $10^{-7}$ means the gradient is right; kinks need care, and
#   so do tiny entries (the numerical gradient's own absolute error is ~$10^{-10}$). From TP2 on,
#   `tp_utils.gradcheck.gradient_report` and `check_gradient` compute a scale-aware version of
#   your `gradient_check` and explain a failure in words.
#
# ## Going further
#
# - `scipy.special.expit`, `log_expit`, `logsumexp` and `np.logaddexp` implement the same
#   functions; compare their code with yours.
# - Complex-step differentiation, $f'(x) \approx \operatorname{Im} f(x + i\varepsilon)/\varepsilon$,
#   has no subtraction, hence no rounding error: try $\varepsilon = 10^{-20}$ on $\sin$.
# - Redo the error-versus-$\varepsilon$ plot in `float32`: where is the best step now?
# - TP2 uses `log_softmax` for the cross-entropy of a multi-class classifier, and
#   `numerical_gradient` to check the backpropagation (*rétropropagation*) of a whole MLP.
