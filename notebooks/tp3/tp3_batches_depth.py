# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # TP3 — Batches and depth: vectorised backpropagation, losses, L-layer networks
#
# In TP2 you back-propagated through a 2-layer network **one example at a time**. Real training
# feeds the network a whole **batch** (mini-batch, *lot*) of examples at once, with matrix
# products instead of Python loops, and stacks more than two layers. This TP does both.
#
# **What you will be able to do**
# - write the forward and backward pass of a 2-layer network for a batch `X` of shape `(N, n_x)`,
#   with numpy broadcasting instead of `repmat` and no loop over the examples;
# - say where the $1/N$ of a *mean* loss goes in the backward pass, and check that the gradients
#   do not depend on the batch size;
# - measure how much faster the vectorised code is than a loop over the examples;
# - compute three losses and their gradient with respect to the scores: mean squared error,
#   softmax + cross-entropy, multiclass hinge (SVM);
# - build an L-layer network (a list of layers, activation functions sigmoid / tanh / ReLU /
#   identity), with a forward pass that caches what the backward pass needs, a backward loop
#   over the layers and a gradient-descent update (*descente de gradient*);
# - choose an initialisation (small random, Xavier/Glorot, He) and explain why the inputs
#   should be centred (zero-mean).
#
# **Prerequisites**: TP1 (derivatives, numerical gradient), TP2 (backpropagation
# (*rétropropagation*) of a 2-layer MLP for one example), numpy broadcasting.
#
# **How you are graded**: each exercise has an answer cell (replace `raise NotImplementedError()`)
# followed by a test cell. The visible tests give you quick feedback; more tests are hidden and run
# at grading (gradients compared with numerical gradients on random networks, batch results compared
# with one-example-at-a-time results, independence from the batch size N). When a function calls one
# of your earlier functions (`softmax_rows`, `activation`, `activation_derivative`), its tests hand that
# helper known values, so a slip is charged once, where it is. Every answer is written with numpy: an
# answer that hands its exercise to scipy, scikit-learn, PyTorch, JAX or autograd, or a gradient computed
# by numerical differentiation, loses the points of its test (each exercise says what it asks). Two
# questions are answered in words and graded by hand. Run the whole notebook top to bottom before
# submitting: it takes a few seconds.
#
# | # | exercise | points |
# |---|---|---|
# | 1.1 | `softmax_rows` | 2 |
# | 1.2 | `cross_entropy` | 2 |
# | 1.3 | `forward_batch` | 2 |
# | 1.4 | `backward_batch` | 4 |
# | 1.5 | question: where does the $1/N$ go? (by hand) | 2 |
# | 2.1 | `forward_loop` (then timing, not graded) | 1 |
# | 3.1 | `mse_loss` | 2 |
# | 3.2 | `softmax_cross_entropy` | 2 |
# | 3.3 | `hinge_loss` | 3 |
# | 4.1 | `activation`, `activation_derivative` | 2 |
# | 4.2 | `init_network` | 2 |
# | 4.3 | `network_forward` | 2 |
# | 4.4 | `network_backward` | 4 |
# | 4.5 | `sgd_update` | 1 |
# | 5.3 | question: why centre the inputs? (by hand) | 2 |
# | | **total** | **33** (29 automatic + 4 by hand) |

# %% [markdown]
# ## Notation
#
# One example per **row** (as in the course notes: *1 exemple par ligne*). A layer's weight
# matrix has shape `(n_out, n_in)` and its bias `(n_out,)`, as in PyTorch's `nn.Linear`.
#
# | maths | numpy | shape | meaning |
# |---|---|---|---|
# | $\mathbf{X}$ | `X` | `(N, n_x)` | batch of inputs, one example $\mathbf{x}_k$ per row |
# | $\mathbf{Y}$ | `Y` | `(N, n_y)` | one-hot targets, one per row |
# | $y$ | `y` | `(N,)` | integer labels in `0 .. n_y-1` (same information as `Y`) |
# | $\mathbf{W}^h$, $\mathbf{b}^h$ | `params["W_h"]`, `params["b_h"]` | `(n_h, n_x)`, `(n_h,)` | hidden layer |
# | $\mathbf{W}^y$, $\mathbf{b}^y$ | `params["W_y"]`, `params["b_y"]` | `(n_y, n_h)`, `(n_y,)` | output layer |
# | $\tilde{\mathbf{H}} = \mathbf{X}\mathbf{W}^{h\top} + \mathbf{b}^h$ | `H_tilde = X @ W_h.T + b_h` | `(N, n_h)` | hidden pre-activations |
# | $\mathbf{H} = \tanh(\tilde{\mathbf{H}})$ | `H = np.tanh(H_tilde)` | `(N, n_h)` | hidden activations |
# | $\tilde{\mathbf{Y}} = \mathbf{H}\mathbf{W}^{y\top} + \mathbf{b}^y$ | `Y_tilde = H @ W_y.T + b_y` | `(N, n_y)` | scores (logits) $\mathbf{S}$ |
# | $\hat{\mathbf{Y}} = \mathrm{SoftMax}_{\text{rows}}(\tilde{\mathbf{Y}})$ | `Yhat = softmax_rows(Y_tilde)` | `(N, n_y)` | predicted probabilities |
# | $\mathcal{L}$ | `loss` | scalar | **mean** loss over the N examples |
# | $\nabla_{\mathbf{W}} = \partial\mathcal{L}/\partial\mathbf{W}$ | `grads["W_h"]`, `dW` | shape of `W` | gradient (same shape as the parameter) |
# | $\mathbf{A}^{0} = \mathbf{X}$, $\mathbf{Z}^i = \mathbf{A}^{i-1}\mathbf{W}^{i\top} + \mathbf{b}^i$, $\mathbf{A}^i = f_i(\mathbf{Z}^i)$ | `Z = A_prev @ W.T + b`, `A = f(Z)` | `(N, n_i)` | layer $i$ of an L-layer network, $\mathbf{W}^i$: `(n_i, n_{i-1})` |
# | $\odot$ | `*` | | element-wise (Hadamard) product |
#
# **One name per thing, in every TP.** $n_y$ is the number of classes, written $K$ in TP4;
# $n_h$ is the hidden size (never $H$, which is the matrix of hidden activations). Layer $l$'s
# parameters are $\mathbf W^{(l)}, \mathbf b^{(l)}$: here $\mathbf W^h, \mathbf b^h$ are
# $\mathbf W^{(1)}, \mathbf b^{(1)}$ and $\mathbf W^y, \mathbf b^y$ are $\mathbf W^{(2)}, \mathbf b^{(2)}$
# (TP4's `W1, b1, W2, b2`), and the L-layer network's $\mathbf W^i$ is $\mathbf W^{(i)}$.
#
# For **one** example $\mathbf{x}$ of shape `(n_x,)` the same layer reads $\tilde{\mathbf{h}} =
# \mathbf{W}^h\mathbf{x} + \mathbf{b}^h$ (`W_h @ x + b_h`): the batch formula is the transpose of the
# one-example formula, written for every row at once.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from tp_utils import check_array, check_scalar, check_shape
from tp_utils.hints import check_array_hinted, check_layer_grads, check_rows_sum_to_one, check_scalar_hinted
from tp_utils.plots import plot_layer_std, plot_timings

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## Part 1 — A 2-layer network on a batch
#
# The forward pass of the course notes, *vectoriel par batch*:
#
# $$\begin{cases}
# \tilde{\mathbf{H}} = \mathbf{X}\mathbf{W}^{h\top} + \mathrm{repmat}_{N\text{ lines}}(\mathbf{b}^h) \\
# \mathbf{H} = \tanh(\tilde{\mathbf{H}}) \\
# \tilde{\mathbf{Y}} = \mathbf{H}\mathbf{W}^{y\top} + \mathrm{repmat}_{N\text{ lines}}(\mathbf{b}^y) \\
# \hat{\mathbf{Y}} = \mathrm{SoftMax}_{\text{rows}}(\tilde{\mathbf{Y}})
# \end{cases}$$
#
# `repmat` repeats the bias row N times. numpy does it for free with **broadcasting**: `X @ W_h.T`
# has shape `(N, n_h)`, `b_h` has shape `(n_h,)`; numpy aligns the shapes on the right and repeats
# `b_h` along the missing first axis. So `X @ W_h.T + b_h` *is* the `repmat` formula, without
# building the `(N, n_h)` copy.

# %%
# broadcasting = repmat, without the copy
b = np.array([10.0, 20.0, 30.0])
M = np.zeros((4, 3))
print(M + b)
print(np.array_equal(M + b, M + np.tile(b, (4, 1))))   # np.tile is numpy's repmat

# %% [markdown]
# ### 1.1 Row-wise softmax (2 points)
#
# $$\hat{Y}_{k,i} = \frac{e^{\tilde{Y}_{k,i}}}{\sum_{j=1}^{n_y} e^{\tilde{Y}_{k,j}}}
# = \frac{e^{\tilde{Y}_{k,i} - m_k}}{\sum_{j} e^{\tilde{Y}_{k,j} - m_k}}, \qquad m_k = \max_j \tilde{Y}_{k,j}$$
#
# Subtracting the maximum **of each row** changes nothing mathematically (multiply the numerator and
# the denominator by $e^{-m_k}$) but keeps every exponent $\leq 0$, so `np.exp` cannot overflow and the
# largest term is exactly 1. numpy twin: `Z.max(axis=1, keepdims=True)` has shape `(N, 1)` and
# broadcasts against `Z`; `keepdims=True` matters (try without it on a square `Z`). Write it with numpy:
# `scipy.special.softmax(Z, axis=1)` (or scikit-learn's) is what you are re-deriving, and the hidden tests
# reject an answer that calls it.

# %% nbgrader={"grade": false, "grade_id": "softmax_rows", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_rows(Z):
    """Softmax of each row of ``Z``, computed stably.

    Parameters
    ----------
    Z : ndarray of shape (N, C)
        Scores, one example per row.

    Returns
    -------
    ndarray of shape (N, C)
        Each row is a probability vector: non-negative entries that sum to 1.
    """
    ### BEGIN SOLUTION
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_softmax_rows", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
Z = np.array([[1.7, 1.4, -1.3],           # the course's example: .558, .414, .028
              [0.0, 0.0, 0.0],
              [1000.0, 1001.0, 999.0]])   # exp(1000) overflows: subtract the row max
Z_before = Z.copy()
P = softmax_rows(Z)
# Z -= Z.max(...) would shift the caller's scores (e.g. the cached Y_tilde of 1.3): use Z - Z.max(...)
check_array("Z after softmax_rows(Z) (your function must not modify its input)", Z, Z_before)
check_shape("softmax_rows(Z)", P, (3, 3))
check_rows_sum_to_one("softmax_rows(Z)", P)
check_array("softmax_rows(Z)", P, [[0.55847037095, 0.41372502651, 0.02780460254], [0.333333333333, 0.333333333333, 0.333333333333], [0.244728471055, 0.665240955775, 0.09003057317]])
print("softmax_rows: visible tests passed")
### BEGIN HIDDEN TESTS
from scipy.special import softmax as _sp_softmax

from tp_course.answers import assert_no_library
assert_no_library("softmax_rows")
rng = np.random.default_rng(11)
for shape in [(1, 4), (5, 3), (4, 4), (7, 1), (20, 10)]:
    Z = 3 * rng.normal(size=shape)
    check_array(f"softmax_rows on {shape}", softmax_rows(Z), _sp_softmax(Z, axis=1), rtol=1e-6, atol=1e-12)
# rows far apart: the max must be taken per row, not over the whole array
Z = np.array([[-1000.0, -1001.0, -999.0], [1000.0, 1002.0, 998.0], [0.5, -0.5, 0.0]])
check_array("softmax_rows on rows far apart", softmax_rows(Z), _sp_softmax(Z, axis=1), rtol=1e-6, atol=1e-12)
# square input: a missing keepdims broadcasts the wrong way without an error
Z = rng.normal(size=(3, 3)) + np.array([[0.0], [5.0], [-5.0]])
_no_keepdims = np.exp(Z - Z.max(axis=1)) / np.exp(Z - Z.max(axis=1)).sum(axis=1)
check_array_hinted("softmax_rows on a square Z", softmax_rows(Z), _sp_softmax(Z, axis=1), rtol=1e-6, atol=1e-12,
                   candidates=[(_sp_softmax(Z, axis=0), "each column sums to 1: normalised over axis 0 (the "
                                "examples) instead of each row (axis=1)?"),
                               (_no_keepdims, "Z.max(axis=1) without keepdims=True has shape (N,): it broadcasts "
                                "along the wrong axis (keepdims=True gives (N, 1))")])
# rows spread over more than 709 (exp overflows in float64): subtract each row's max, not its min
Z = np.array([[0.0, 800.0, -800.0], [710.0, 0.0, 1.0], [-750.0, 3.0, 2.0]])
check_array("softmax_rows on rows whose scores are more than 709 apart (subtract the max, not the min)",
            softmax_rows(Z), _sp_softmax(Z, axis=1), rtol=1e-6, atol=1e-12)
# float32 input
Z32 = rng.normal(size=(6, 5)).astype(np.float32)
check_array("softmax_rows on float32", softmax_rows(Z32), _sp_softmax(Z32.astype(float), axis=1), rtol=1e-4, atol=1e-6)
### END HIDDEN TESTS

# %% [markdown]
# ### 1.2 Mean cross-entropy, from the scores (2 points)
#
# The notes write the loss with the probabilities:
#
# $$\mathcal{L}(\mathbf{Y}, \hat{\mathbf{Y}}) = -\frac{1}{N}\sum_{k=1}^{N}\sum_{i=1}^{n_y} Y_{k,i}\log\hat{Y}_{k,i}
# = -\operatorname{mean}_{\text{col}}\big(\operatorname{sum}_{\text{rows}}(\mathbf{Y}\odot\log\hat{\mathbf{Y}})\big).$$
#
# **Design choice: our `cross_entropy` takes the scores $\tilde{\mathbf{Y}}$, not $\hat{\mathbf{Y}}$.**
# If a score is 1000 below the best one, its probability underflows to exactly 0 and
# $\log\hat{Y}_{k,i} = -\infty$. Since each row of $\mathbf{Y}$ sums to 1, substituting the softmax gives
#
# $$\mathcal{L} = \frac{1}{N}\sum_{k=1}^{N}\Big(\operatorname{logsumexp}(\tilde{\mathbf{Y}}_{k,:}) - \sum_i Y_{k,i}\tilde{Y}_{k,i}\Big),
# \qquad \operatorname{logsumexp}(\mathbf{z}) = m + \log\sum_j e^{z_j - m},\ m = \max_j z_j,$$
#
# which never takes the log of 0 and never overflows. numpy twin: `np.mean(lse - np.sum(Y * S, axis=1))`
# where `lse` has shape `(N,)`. Return a Python `float`. It is a **mean** over the examples, so its
# value does not depend on N (duplicate the batch: same loss). Write the logsumexp with numpy
# (`scipy.special.logsumexp` and `log_softmax` are what you are re-deriving: the hidden tests reject them).

# %% nbgrader={"grade": false, "grade_id": "cross_entropy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cross_entropy(S, Y):
    """Mean cross-entropy between softmax(S) (row-wise) and the targets Y, computed from the scores.

    Parameters
    ----------
    S : ndarray of shape (N, C)
        Scores (logits) Y_tilde, before the softmax.
    Y : ndarray of shape (N, C)
        Targets: one-hot rows (more generally, rows of probabilities that sum to 1).

    Returns
    -------
    float
        -mean_k sum_i Y[k, i] * log softmax(S[k])_i
    """
    ### BEGIN SOLUTION
    m = S.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(S - m).sum(axis=1))
    return float(np.mean(lse - np.sum(Y * S, axis=1)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_cross_entropy", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# the course's example: scores (1.7, 1.4, -1.3), target class 2 (index 1): -log(.414)
check_scalar("cross_entropy(slide example)", cross_entropy(np.array([[1.7, 1.4, -1.3]]), np.array([[0.0, 1.0, 0.0]])),
             0.882553713)
# the target class has a score 1000 below the best: log(softmax) would be log(0)
check_scalar("cross_entropy(large gap)", cross_entropy(np.array([[1000.0, 0.0]]), np.array([[0.0, 1.0]])), 1000.0)
# a batch: the mean of the per-example losses
S = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
Y = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
check_scalar_hinted("cross_entropy(batch of 2)", cross_entropy(S, Y), 0.753109126556, n=2)
print("cross_entropy: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.reference import tp3_cross_entropy, unmodified_call

from tp_course.answers import assert_no_library
assert_no_library("cross_entropy")
rng = np.random.default_rng(12)
for N, C in [(1, 3), (5, 4), (4, 4), (30, 10)]:
    S = 4 * rng.normal(size=(N, C))
    Y = np.eye(C)[rng.integers(0, C, N)]
    check_scalar_hinted(f"cross_entropy on ({N}, {C})", unmodified_call("cross_entropy(S, Y)", cross_entropy, S, Y),
                        tp3_cross_entropy(S, Y), rtol=1e-7, n=N)
    # mean, not sum: duplicating the batch leaves the loss unchanged
    check_scalar(f"cross_entropy on the ({N}, {C}) batch duplicated", cross_entropy(np.vstack([S, S]), np.vstack([Y, Y])),
                 tp3_cross_entropy(S, Y), rtol=1e-7)
# soft targets (rows summing to 1)
S = rng.normal(size=(6, 5))
Y = rng.random(size=(6, 5)); Y /= Y.sum(axis=1, keepdims=True)
check_scalar("cross_entropy with soft targets", cross_entropy(S, Y), tp3_cross_entropy(S, Y), rtol=1e-7)
# stability: huge scores and huge gaps
S = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1001.0, -999.0], [5.0, 800.0, 3.0]])
Y = np.eye(3)[[1, 0, 2]]
check_scalar("cross_entropy with huge scores", cross_entropy(S, Y), tp3_cross_entropy(S, Y), rtol=1e-7)
### END HIDDEN TESTS

# %% [markdown]
# ### 1.3 Batch forward pass (2 points)
#
# Write the four lines of the system above, for the whole batch, with your `softmax_rows` (a slip in 1.1
# is not charged again here: the tests of 1.3 hand it known values). Return $\hat{\mathbf{Y}}$ and a
# `cache` dictionary with the intermediate results that the backward pass needs, under these keys
# (shapes for a batch of N examples):
#
# | key | value | shape |
# |---|---|---|
# | `"H_tilde"` | $\tilde{\mathbf{H}}$ | `(N, n_h)` |
# | `"H"` | $\mathbf{H}$ | `(N, n_h)` |
# | `"Y_tilde"` | $\tilde{\mathbf{Y}}$ (the scores) | `(N, n_y)` |
# | `"Yhat"` | $\hat{\mathbf{Y}}$ | `(N, n_y)` |

# %% nbgrader={"grade": false, "grade_id": "forward_batch", "locked": false, "schema_version": 3, "solution": true, "task": false}
def forward_batch(X, params):
    """Forward pass of the 2-layer network (tanh hidden layer, softmax output) on a batch.

    Parameters
    ----------
    X : ndarray of shape (N, n_x)
        One example per row.
    params : dict
        "W_h" (n_h, n_x), "b_h" (n_h,), "W_y" (n_y, n_h), "b_y" (n_y,).

    Returns
    -------
    Yhat : ndarray of shape (N, n_y)
        Predicted probabilities, one row per example.
    cache : dict
        "H_tilde" (N, n_h), "H" (N, n_h), "Y_tilde" (N, n_y), "Yhat" (N, n_y).
    """
    ### BEGIN SOLUTION
    H_tilde = X @ params["W_h"].T + params["b_h"]
    H = np.tanh(H_tilde)
    Y_tilde = H @ params["W_y"].T + params["b_y"]
    Yhat = softmax_rows(Y_tilde)
    return Yhat, {"H_tilde": H_tilde, "H": H, "Y_tilde": Y_tilde, "Yhat": Yhat}
    ### END SOLUTION


# %% [markdown]
# A small fixed network used by the visible tests (n_x = 2, n_h = 3, n_y = 3, N = 4):

# %%
X_demo = np.sin(np.arange(8.0).reshape(4, 2) + 1.0)
Y_demo = np.eye(3)[[0, 2, 1, 2]]
params_demo = {"W_h": np.cos(np.arange(6.0).reshape(3, 2)), "b_h": np.array([0.1, -0.2, 0.3]),
               "W_y": 0.5 * np.sin(np.arange(9.0).reshape(3, 3) + 0.5), "b_y": np.array([0.0, 0.2, -0.1])}
print({k: v.shape for k, v in params_demo.items()})
# what forward_batch(X_demo, params_demo) must put in its cache, written out: the tests of 1.3 and 1.4 use
# it, so that the test of 1.4 does not depend on your forward_batch
cache_demo = {
    "H_tilde": np.array([[1.432766481242, -1.45037311811, 0.007911153968],
                         [-0.167782125242, 0.490502146836, -0.006918442828],
                         [-1.009893112635, 0.47567255004, 0.847535124153],
                         [1.291539140699, -1.452860135318, 0.151208423198]]),
    "H": np.array([[0.892232139403, -0.895766627431, 0.007910988929],
                   [-0.166225251147, 0.4546148894, -0.006918332446],
                   [-0.765717805104, 0.442771216084, 0.68977956742],
                   [0.859529108969, -0.896256973977, 0.15006645687]]),
    "Y_tilde": np.array([[-0.230514669765, 0.47853863265, -0.420987642909],
                         [0.184821506599, 0.00939522316, 0.092573091176],
                         [0.2436856269, -0.125444268177, 0.300689140214],
                         [-0.196060519018, 0.434365926628, -0.367980498622]]),
    "Yhat": np.array([[0.259159023793, 0.526628395099, 0.214212581108],
                      [0.363507107501, 0.305018541421, 0.331474351078],
                      [0.363637007166, 0.251395209813, 0.384967783021],
                      [0.268784112046, 0.504887153342, 0.226328734612]]),
}

# %% nbgrader={"grade": true, "grade_id": "test_forward_batch", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# forward_batch goes through your softmax_rows. So that a slip in 1.1 does not cost you points twice, this
# test hands it the known softmax of the demo scores (any other input still goes to your softmax_rows).
def _known_softmax_rows(Z, _yours=softmax_rows):
    if np.shape(Z) == cache_demo["Y_tilde"].shape and np.allclose(Z, cache_demo["Y_tilde"]):
        return cache_demo["Yhat"].copy()
    return _yours(Z)


_your_softmax_rows, softmax_rows = softmax_rows, _known_softmax_rows
try:
    Yhat, cache = forward_batch(X_demo, params_demo)
finally:
    softmax_rows = _your_softmax_rows
check_array("Yhat", Yhat, cache_demo["Yhat"])
assert isinstance(cache, dict), f"the cache should be a dict, got {type(cache).__name__}"
for key in ["H_tilde", "H", "Y_tilde", "Yhat"]:
    assert key in cache, f"cache has no key {key!r}; it has {sorted(cache)}"
    check_array(f"cache[{key!r}]", cache[key], cache_demo[key])
print("forward_batch: visible tests passed")
### BEGIN HIDDEN TESTS
from scipy.special import softmax as _sp_softmax

from tp_course.reference import tp3_forward, tp3_random_params, unmodified_call

# your softmax_rows is graded in 1.1: here forward_batch gets the reference softmax
_your_softmax_rows, softmax_rows = softmax_rows, lambda Z: _sp_softmax(Z, axis=1)
try:
    rng = np.random.default_rng(13)
    for N, n_x, n_h, n_y in [(1, 3, 4, 2), (6, 3, 5, 4), (5, 4, 4, 4), (40, 8, 16, 10)]:
        params = tp3_random_params(rng, n_x, n_h, n_y)
        X = rng.normal(size=(N, n_x))
        ref = tp3_forward(X, params)     # one example at a time (W @ x + b), stacked
        Yhat, cache = unmodified_call("forward_batch(X, params)", forward_batch, X, params)
        check_array(f"Yhat for shapes {(N, n_x, n_h, n_y)}", Yhat, ref["Yhat"], rtol=1e-6, atol=1e-12)
        for key in ["H_tilde", "H", "Y_tilde", "Yhat"]:
            check_array(f"cache[{key!r}] for shapes {(N, n_x, n_h, n_y)}", cache[key], ref[key], rtol=1e-6, atol=1e-10)
    # large scores: a softmax written inside forward_batch must stay stable too
    params = tp3_random_params(rng, 3, 4, 3)
    params["b_y"] = np.array([1000.0, 0.0, -1000.0])
    X = rng.normal(size=(5, 3))
    check_array("Yhat with large output biases", forward_batch(X, params)[0], tp3_forward(X, params)["Yhat"], atol=1e-12)
finally:
    softmax_rows = _your_softmax_rows
### END HIDDEN TESTS

# %% [markdown]
# ### 1.4 Batch backward pass (4 points)
#
# For one example $k$, TP2 gave $\partial\ell_k/\partial\tilde{\mathbf{y}}_k = \hat{\mathbf{y}}_k - \mathbf{y}_k$.
# Our loss is the **mean** $\mathcal{L} = \frac{1}{N}\sum_k \ell_k$, so
# $\partial\mathcal{L}/\partial\tilde{\mathbf{y}}_k = \frac{1}{N}(\hat{\mathbf{y}}_k - \mathbf{y}_k)$: **the $1/N$
# enters once, in $\nabla_{\tilde{\mathbf{Y}}}$**, and every later gradient inherits it through the
# products. Every parameter is shared by all examples, so its gradient is a **sum over the examples**;
# the matrix products do that sum for us ($\nabla_{\tilde{\mathbf{Y}}}^\top\mathbf{H} = \sum_k
# \nabla_{\tilde{\mathbf{y}}_k}^\top\mathbf{h}_k$, a sum of outer products), and for the biases we
# sum the rows (`axis=0`):
#
# $$\begin{cases}
# \nabla_{\tilde{\mathbf{Y}}} = \frac{1}{N}(\hat{\mathbf{Y}} - \mathbf{Y}) & (N, n_y) \\
# \nabla_{\mathbf{W}^y} = \nabla_{\tilde{\mathbf{Y}}}^\top\,\mathbf{H} & (n_y, n_h) \\
# \nabla_{\mathbf{b}^y} = \textstyle\sum_{k=1}^N (\nabla_{\tilde{\mathbf{Y}}})_{k,:} & (n_y,) \\
# \nabla_{\tilde{\mathbf{H}}} = (\nabla_{\tilde{\mathbf{Y}}}\,\mathbf{W}^y) \odot (1 - \mathbf{H}^2) & (N, n_h) \\
# \nabla_{\mathbf{W}^h} = \nabla_{\tilde{\mathbf{H}}}^\top\,\mathbf{X} & (n_h, n_x) \\
# \nabla_{\mathbf{b}^h} = \textstyle\sum_{k=1}^N (\nabla_{\tilde{\mathbf{H}}})_{k,:} & (n_h,)
# \end{cases}$$
#
# numpy twins: `dY_tilde = (Yhat - Y) / N`, `dW_y = dY_tilde.T @ H`, `db_y = dY_tilde.sum(axis=0)`,
# `dH_tilde = (dY_tilde @ W_y) * (1 - H**2)`, ... Each gradient has the shape of its parameter: that is
# your first check.
#
# **Watch out for the course notes' slips** (they are typos, not alternatives):
# $\nabla_{\tilde{\mathbf{Y}}} = \mathbf{Y} - \mathbf{Y}$ is $\hat{\mathbf{Y}} - \mathbf{Y}$ (over N);
# $\nabla_{\mathbf{b}^h} = \nabla_{\tilde{\mathbf{H}}}^\top\mathbf{X}$ is the gradient of $\mathbf{W}^h$, not
# of $\mathbf{b}^h$; and the notes' $\operatorname{sum}_{\text{ligne}}$, which they define as a sum
# *within* each row (giving N numbers), must here be the sum *of* the rows, over the examples
# (giving one number per neuron: `axis=0`). The derivative of tanh is $1 - \mathbf{H}^2$, in
# terms of the activation $\mathbf{H}$ (not of $\tilde{\mathbf{H}}$).
#
# Use only `cache` (and `X`, `Y`, `params`): do not call the forward pass again, and do not modify the
# cached arrays: `dY_tilde = (Yhat - Y) / N` makes a new array, whereas `dY_tilde = Yhat; dY_tilde -= Y`
# would overwrite `cache["Yhat"]` (the tests check that `X`, `Y`, `params` and `cache` are left as they were;
# in-place operations on a copy, `dY_tilde = cache["Yhat"].copy()`, are fine).
# **What the exercise is**: the chain rule, with matrices. No numerical differentiation in a backward pass:
# that is the check, not the answer. The hidden tests count the calls of your forward passes (none allowed)
# and losses (one allowed, e.g. to print the loss), and hand your function parameters whose $\mathbf{W}^h$, $\mathbf{b}^h$, $\mathbf{b}^y$ do not
# match the cache (a backward pass never reads them: its gradients must not change).

# %% nbgrader={"grade": false, "grade_id": "backward_batch", "locked": false, "schema_version": 3, "solution": true, "task": false}
def backward_batch(X, Y, params, cache):
    """Gradients of the mean cross-entropy of the 2-layer network, for a batch.

    Parameters
    ----------
    X : ndarray of shape (N, n_x)
    Y : ndarray of shape (N, n_y)
        One-hot targets.
    params : dict
        "W_h" (n_h, n_x), "b_h" (n_h,), "W_y" (n_y, n_h), "b_y" (n_y,).
    cache : dict
        As returned by ``forward_batch(X, params)``: "H_tilde", "H", "Y_tilde", "Yhat".

    Returns
    -------
    grads : dict
        Same keys and shapes as ``params``: "W_h" (n_h, n_x), "b_h" (n_h,),
        "W_y" (n_y, n_h), "b_y" (n_y,); the gradient of L = mean cross-entropy.
        X, Y, params and cache are not modified.
    """
    ### BEGIN SOLUTION
    N = X.shape[0]
    H, Yhat = cache["H"], cache["Yhat"]
    dY_tilde = (Yhat - Y) / N
    dW_y = dY_tilde.T @ H
    db_y = dY_tilde.sum(axis=0)
    dH_tilde = (dY_tilde @ params["W_y"]) * (1 - H ** 2)
    dW_h = dH_tilde.T @ X
    db_h = dH_tilde.sum(axis=0)
    return {"W_h": dW_h, "b_h": db_h, "W_y": dW_y, "b_y": db_y}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_backward_batch", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
grads = backward_batch(X_demo, Y_demo, params_demo, {key: value.copy() for key, value in cache_demo.items()})
assert isinstance(grads, dict), f"backward_batch should return a dict, got {type(grads).__name__}"
for key, value in params_demo.items():
    assert key in grads, f"grads has no key {key!r}; it has {sorted(grads)}"
    check_shape(f"grads[{key!r}]", grads[key], value.shape)
# a mean does not depend on N: the same batch twice gives the same gradients (a missing 1/N doubles them)
twice = {key: np.vstack([value, value]) for key, value in cache_demo.items()}
grads2 = backward_batch(np.vstack([X_demo, X_demo]), np.vstack([Y_demo, Y_demo]), params_demo, twice)
for key in params_demo:
    check_array_hinted(f"grads[{key!r}] for the batch twice (N = 8) vs once (N = 4)", grads2[key], grads[key], n=2)
check_array_hinted("grads['b_y']", grads["b_y"], [0.063771812626, 0.146982324919, -0.210754137545], n=4)
check_array_hinted("grads['W_y']", grads["W_y"], [[-0.192210438011, 0.187246182788, 0.07069730227], [0.356589554463, -0.279259864121, -0.109637432598], [-0.164379116451, 0.092013681333, 0.038940130327]], n=4)
check_array_hinted("grads['b_h']", grads["b_h"], [-0.002023683542, 0.041090758943, -0.177251113208], n=4)
check_array_hinted("grads['W_h']", grads["W_h"], [[-0.042282177123, -0.018850386145], [-0.185394708354, -0.045433918701], [-0.208545394735, -0.14048362367]], n=4)
print("backward_batch: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.reference import numerical_gradient, tp3_check_gradient, tp3_cross_entropy, tp3_forward, tp3_random_params
from tp_course.reference import check_gradient_hinted, unmodified_call

from tp_course.answers import assert_no_library, tp3_check_batch_uses_cache
assert_no_library("backward_batch")
tp3_check_batch_uses_cache(backward_batch, np.random.default_rng(140))   # from the cache, no numerical differentiation
rng = np.random.default_rng(14)
for N, n_x, n_h, n_y in [(1, 2, 3, 2), (5, 3, 4, 3), (4, 3, 3, 3), (7, 4, 6, 5)]:
    params = tp3_random_params(rng, n_x, n_h, n_y)
    X = rng.normal(size=(N, n_x))
    Y = np.eye(n_y)[rng.integers(0, n_y, N)]
    ref = tp3_forward(X, params)
    grads = unmodified_call("backward_batch(X, Y, params, cache)", backward_batch, X, Y, params,
                            {c: v.copy() for c, v in ref.items()})
    for key in params:
        # gradient check: numerical gradient of the mean cross-entropy, float64
        num = numerical_gradient(lambda _: tp3_cross_entropy(tp3_forward(X, params)["Y_tilde"], Y), params[key])
        check_shape(f"grads[{key!r}] for shapes {(N, n_x, n_h, n_y)}", grads[key], params[key].shape)
        check_gradient_hinted(f"grads[{key!r}] for shapes {(N, n_x, n_h, n_y)}", grads[key], num, n=N)
    # the batch gradient is the mean of the one-example gradients (each computed with N = 1)
    singles = [backward_batch(X[k:k + 1], Y[k:k + 1], params, {c: v[k:k + 1].copy() for c, v in ref.items()})
               for k in range(N)]
    for key in params:
        check_array(f"grads[{key!r}] vs the mean of the per-example gradients", grads[key],
                    np.mean([g[key] for g in singles], axis=0), rtol=1e-6, atol=1e-12)
    # independence from N: duplicating the batch leaves the gradients unchanged
    X2, Y2 = np.vstack([X, X]), np.vstack([Y, Y])
    grads2 = backward_batch(X2, Y2, params, dict(tp3_forward(X2, params)))
    for key in params:
        check_array(f"grads[{key!r}] on the duplicated batch", grads2[key], grads[key], rtol=1e-6, atol=1e-12)
### END HIDDEN TESTS

# %% [markdown]
# ### 1.5 Question (2 points, graded by hand): where does the $1/N$ go, and why a mean?
#
# In a few sentences: (a) in which line(s) of the backward pass does the $1/N$ of the mean loss
# appear, and why must it not be applied again to $\nabla_{\mathbf{W}^h}$ or $\nabla_{\mathbf{b}^h}$?
# (b) Suppose you used the **sum** of the losses instead of the mean. What happens to the gradients,
# and to a learning rate that worked well, when you double the batch size?

# %% [markdown] nbgrader={"grade": true, "grade_id": "mean_vs_sum", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# (a) Only in $\nabla_{\tilde{\mathbf{Y}}} = (\hat{\mathbf{Y}} - \mathbf{Y})/N$, because
# $\mathcal{L} = \frac1N\sum_k\ell_k$ and $\partial\mathcal{L}/\partial\tilde{\mathbf{y}}_k = \frac1N\,\partial\ell_k/\partial\tilde{\mathbf{y}}_k$.
# Every other gradient is obtained from $\nabla_{\tilde{\mathbf{Y}}}$ by the chain rule (products with
# $\mathbf{H}$, $\mathbf{W}^y$, $\mathbf{X}$ and sums over the examples), so it already carries the factor
# $1/N$; dividing again would compute the gradient of $\mathcal{L}/N$ (a different function: the
# numerical gradient check fails by a factor N). The sums over the examples in
# $\nabla_{\tilde{\mathbf{Y}}}^\top\mathbf{H}$ and in the bias sums are not means: together with the
# $1/N$ they make the mean of the per-example gradients.
#
# (b) With the sum, the gradient is the sum of the per-example gradients: it grows like N.
# Doubling the batch roughly doubles the step $\eta\nabla\mathcal{L}$, so a learning rate tuned for one
# batch size may diverge for a larger one (and be too small for a smaller one); one would have to
# divide $\eta$ by N. With the mean, the loss and the gradient have the same scale whatever N
# (duplicating the batch leaves them unchanged), so the learning rate does not depend on the batch size.
#
# *Grading (2 points): (a) 1 point: the $1/N$ appears once, in $\nabla_{\tilde{\mathbf{Y}}}$, and the later
# gradients inherit it through the chain rule (dividing again gives the gradient of $\mathcal{L}/N$).
# (b) 1 point: with a sum the gradient grows like N, so doubling the batch doubles the step and a tuned
# learning rate may diverge; the mean makes the scale independent of N.*

# %% [markdown]
# ## Part 2 — A loop over the examples vs the vectorised batch
#
# ### 2.1 The same forward pass, one example at a time (1 point)
#
# Write the forward pass with a Python loop over the rows of `X`, using the **one-example** formulas
# of TP2 ($\tilde{\mathbf{h}} = \mathbf{W}^h\mathbf{x} + \mathbf{b}^h$, ..., a stable softmax of the
# vector $\tilde{\mathbf{y}}$), and store each $\hat{\mathbf{y}}$ in a row of the output. It must return
# the same $\hat{\mathbf{Y}}$ as `forward_batch(X, params)[0]`.

# %% nbgrader={"grade": false, "grade_id": "forward_loop", "locked": false, "schema_version": 3, "solution": true, "task": false}
def forward_loop(X, params):
    """Forward pass of the 2-layer network, one example (one row of X) at a time.

    Parameters
    ----------
    X : ndarray of shape (N, n_x)
    params : dict
        "W_h" (n_h, n_x), "b_h" (n_h,), "W_y" (n_y, n_h), "b_y" (n_y,).

    Returns
    -------
    Yhat : ndarray of shape (N, n_y)
        Row k is the softmax output for the example X[k].
    """
    ### BEGIN SOLUTION
    Yhat = np.empty((X.shape[0], params["b_y"].shape[0]))
    for k, x in enumerate(X):
        h = np.tanh(params["W_h"] @ x + params["b_h"])
        s = params["W_y"] @ h + params["b_y"]
        e = np.exp(s - s.max())
        Yhat[k] = e / e.sum()
    return Yhat
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_forward_loop", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# forward_loop may reuse your softmax_rows, row by row: it gets the known softmax of the demo scores here,
# so that a slip in 1.1 does not cost you points twice (any other input still goes to yours)
def _known_softmax_rows(Z, _yours=softmax_rows):
    for k in range(len(cache_demo["Y_tilde"])):
        if np.shape(Z) == (1, 3) and np.allclose(Z, cache_demo["Y_tilde"][k:k + 1]):
            return cache_demo["Yhat"][k:k + 1].copy()
    return _yours(Z)


_your_softmax_rows, softmax_rows = softmax_rows, _known_softmax_rows
try:
    Yhat_loop = forward_loop(X_demo, params_demo)
finally:
    softmax_rows = _your_softmax_rows
check_array("forward_loop(X_demo, params_demo)", Yhat_loop, [[0.259159023793, 0.526628395099, 0.214212581108], [0.363507107501, 0.305018541421, 0.331474351078], [0.363637007166, 0.251395209813, 0.384967783021], [0.268784112046, 0.504887153342, 0.226328734612]])
print("forward_loop: visible tests passed")
### BEGIN HIDDEN TESTS
from scipy.special import softmax as _sp_softmax

from tp_course.reference import tp3_forward, tp3_random_params

# a forward_loop that reuses softmax_rows gets a correct one (a slip there is charged in 1.1 only)
_your_softmax_rows, softmax_rows = softmax_rows, lambda Z: _sp_softmax(Z, axis=-1)
try:
    rng = np.random.default_rng(21)
    for N, n_x, n_h, n_y in [(1, 3, 4, 2), (6, 3, 5, 4), (5, 4, 4, 4)]:
        params = tp3_random_params(rng, n_x, n_h, n_y)
        X = rng.normal(size=(N, n_x))
        check_array(f"forward_loop for shapes {(N, n_x, n_h, n_y)}", forward_loop(X, params),
                    tp3_forward(X, params)["Yhat"], rtol=1e-6, atol=1e-12)
    params = tp3_random_params(rng, 3, 4, 3)
    params["b_y"] = np.array([1000.0, 0.0, -1000.0])
    X = rng.normal(size=(5, 3))
    check_array("forward_loop with large output biases", forward_loop(X, params), tp3_forward(X, params)["Yhat"],
                atol=1e-12)
finally:
    softmax_rows = _your_softmax_rows
### END HIDDEN TESTS

# %% [markdown]
# ### 2.2 Timing (not graded)
#
# We time both versions on batches of growing size N (best of 5 runs, to reduce the noise of a
# busy computer) and draw a log-log plot: a running time proportional to N is a straight line of
# slope 1. The numbers under the last curve are the speed-up, `time(loop) / time(vectorised)`.
#
# Both run with numpy's BLAS (the library behind `@`) limited to **one thread**, by
# `threadpool_limits(1)` of the package `threadpoolctl`. Otherwise, from a few hundred rows on,
# the BLAS splits each product across all the cores; on a shared or busy machine the threads
# then wait for a free core, and the vectorised time jumps (measured on a busy 2-core machine:
# with the BLAS's default 2 threads a speed-up of 1.4 at N = 1000; with one thread 59 at N = 1000
# and 135 at N = 2000). One thread compares the two versions of the *same* computation, one core
# each; the loop's tiny products do not use threads anyway.

# %%
from threadpoolctl import threadpool_limits   # sets the number of threads of numpy's BLAS


def best_time(f, *args, repeats=5):
    """Smallest wall-clock time of ``repeats`` calls of ``f(*args)``, in seconds."""
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        f(*args)
        best = min(best, time.perf_counter() - start)
    return best


rng = np.random.default_rng(0)
n_x, n_h, n_y = 20, 32, 10
params_t = {"W_h": 0.3 * rng.normal(size=(n_h, n_x)), "b_h": np.zeros(n_h),
            "W_y": 0.3 * rng.normal(size=(n_y, n_h)), "b_y": np.zeros(n_y)}
sizes = [10, 30, 100, 300, 1000, 2000]
timings = {"loop over examples": [], "vectorised": []}
with threadpool_limits(1):        # one BLAS thread for both versions (see above)
    for N in sizes:
        X = rng.normal(size=(N, n_x))
        timings["loop over examples"].append(best_time(forward_loop, X, params_t))
        timings["vectorised"].append(best_time(forward_batch, X, params_t))

fig, ax = plt.subplots(figsize=(6, 4))
plot_timings(sizes, timings, ax=ax)
plt.show()

# %% [markdown]
# The loop pays Python's overhead (a few microseconds per iteration: function calls, small arrays)
# N times; the vectorised version pays it once and lets numpy's compiled matrix products (BLAS) do
# the arithmetic. For small N the vectorised time hardly grows (the overhead dominates), so the
# speed-up grows with N. The same holds for the backward pass, and even more on a GPU.
#
# With one BLAS thread the speed-up keeps growing with N. On a busy computer a run can still be
# slowed by other programs: run the cell again.

# %% [markdown]
# ## Part 3 — Losses and their gradient with respect to the scores
#
# The last layer of a network produces **scores** $\mathbf{S}$ (shape `(N, C)`, one row $\mathbf{s}_k$
# per example). A loss turns them into one number; the backward pass starts from its gradient
# $\nabla_{\mathbf{S}}\mathcal{L}$, of shape `(N, C)`. All our losses are **means** over the examples,
# $\mathcal{L} = \frac1N\sum_k\ell_k(\mathbf{s}_k)$, so row $k$ of $\nabla_{\mathbf{S}}\mathcal{L}$ is
# $\partial\ell_k/\partial\mathbf{s}_k$ **divided by N**:
#
# | loss (*fonction de perte*) | $\ell_k(\mathbf{s})$ for one example | $\partial\ell_k/\partial\mathbf{s}$ |
# |---|---|---|
# | mean squared error, target $\mathbf{t}_k \in \mathbb{R}^C$ | $\frac12\lVert\mathbf{s} - \mathbf{t}_k\rVert^2$ | $\mathbf{s} - \mathbf{t}_k$ |
# | softmax + cross-entropy, label $y_k$ | $-\log\mathrm{softmax}(\mathbf{s})_{y_k} = \operatorname{logsumexp}(\mathbf{s}) - s_{y_k}$ | $\mathrm{softmax}(\mathbf{s}) - \mathrm{onehot}(y_k)$ |
# | multiclass hinge (SVM), label $y_k$ | $\sum_{j\neq y_k}\max(0,\ s_j - s_{y_k} + 1)$ | $j\neq y_k$: $\mathbb{1}[s_j - s_{y_k} + 1 > 0]$; $j = y_k$: minus the number of those $j$ |
#
# Each function returns `(loss, dS)` with `loss` a float and `dS` of shape `(N, C)`.

# %% [markdown]
# ### 3.1 Mean squared error (2 points)
#
# $$\mathcal{L} = \frac{1}{N}\sum_{k=1}^N \frac12\sum_{i=1}^C (S_{k,i} - T_{k,i})^2, \qquad
# \nabla_{\mathbf{S}}\mathcal{L} = \frac{1}{N}(\mathbf{S} - \mathbf{T}).$$
#
# The $\frac12$ (as in the notes' MSE) cancels the 2 of the derivative. We average over the
# **examples** (not over all $N \times C$ entries, as `np.mean((S - T)**2)` would): like the other
# losses of this TP, the loss of one example is summed over its C outputs.

# %% nbgrader={"grade": false, "grade_id": "mse_loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mse_loss(S, T):
    """Mean over the examples of half the squared error, and its gradient.

    Parameters
    ----------
    S : ndarray of shape (N, C)
        Scores (outputs of the network).
    T : ndarray of shape (N, C)
        Real-valued targets.

    Returns
    -------
    loss : float
        (1/N) * sum_k 0.5 * ||S[k] - T[k]||^2
    dS : ndarray of shape (N, C)
        Gradient of ``loss`` with respect to S. S and T are not modified.
    """
    ### BEGIN SOLUTION
    N = S.shape[0]
    D = S - T
    return float(0.5 * np.sum(D ** 2) / N), D / N
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_mse_loss", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
S = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
T = np.array([[0.0, 2.0], [1.0, 1.0], [3.0, 0.0]])
loss, dS = mse_loss(S, T)
check_scalar_hinted("mse_loss: loss", loss, 1.041666666667, n=3,
                    factors={1 / 2: "your value is half the expected one: a mean over all N x C entries "
                                    "(np.mean averages over the C = 2 outputs too) instead of over the N examples?"})
check_array_hinted("mse_loss: dS", dS, [[0.333333333333, 0.0], [-0.333333333333, -0.666666666667], [0.0, 0.166666666667]], n=3)
print("mse_loss: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.reference import check_gradient_hinted, numerical_gradient, tp3_check_gradient, tp3_mse, unmodified_call

rng = np.random.default_rng(31)
for N, C in [(1, 1), (1, 4), (6, 3), (5, 5), (20, 2)]:
    S, T = rng.normal(size=(N, C)), rng.normal(size=(N, C))
    loss, dS = unmodified_call("mse_loss(S, T)", mse_loss, S, T)
    check_scalar_hinted(f"mse_loss on ({N}, {C})", loss, tp3_mse(S, T), rtol=1e-7, n=N,
                        factors={1 / C: "your value is the mean over all N x C entries (np.mean averages over the "
                                        "C outputs too): average over the N examples only"} if C > 1 else None)
    check_shape(f"dS on ({N}, {C})", dS, (N, C))
    check_gradient_hinted(f"dS on ({N}, {C})", dS, numerical_gradient(lambda s: tp3_mse(s, T), S.copy()), n=N)
    loss2, dS2 = mse_loss(np.vstack([S, S]), np.vstack([T, T]))
    check_scalar(f"mse_loss on the duplicated ({N}, {C}) batch", loss2, loss, rtol=1e-7)
    check_array(f"dS on the duplicated ({N}, {C}) batch (each copy counts half)", 2 * dS2[:N], dS, rtol=1e-6, atol=1e-12)
### END HIDDEN TESTS

# %% [markdown]
# ### 3.2 Softmax + cross-entropy with integer labels (2 points)
#
# Same loss as 1.2, but the targets are given as integer labels $y_k$ (the class index), which is how
# data sets store them: $\ell_k = \operatorname{logsumexp}(\mathbf{s}_k) - S_{k,y_k}$. The gradient
# with respect to the scores is the famous
#
# $$\nabla_{\mathbf{S}}\mathcal{L} = \frac{1}{N}\big(\mathrm{softmax}_{\text{rows}}(\mathbf{S}) - \mathbf{Y}\big),
# \quad \mathbf{Y} = \mathrm{onehot}(y).$$
#
# It is **not** the gradient with respect to $\hat{\mathbf{Y}}$ ($-Y_{k,i}/\hat{Y}_{k,i}$, as in some of the
# notes' derivations): the softmax is part of this loss. numpy twin: `S[np.arange(N), y]` picks
# $S_{k,y_k}$ in each row; `P[np.arange(N), y] -= 1` subtracts the one-hot. You may reuse `softmax_rows`.
# Write it with numpy (no `scipy.special.logsumexp` or `log_softmax`), and `dS` with its formula, not by
# finite differences of the loss.

# %% nbgrader={"grade": false, "grade_id": "softmax_cross_entropy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_cross_entropy(S, y):
    """Mean cross-entropy of softmax(S) for integer labels y, and its gradient w.r.t. the scores.

    Parameters
    ----------
    S : ndarray of shape (N, C)
        Scores (logits).
    y : ndarray of shape (N,), integers in 0 .. C-1
        The class of each example.

    Returns
    -------
    loss : float
        (1/N) * sum_k (logsumexp(S[k]) - S[k, y[k]])
    dS : ndarray of shape (N, C)
        (softmax_rows(S) - onehot(y)) / N. S and y are not modified.
    """
    ### BEGIN SOLUTION
    N = S.shape[0]
    m = S.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(S - m).sum(axis=1))
    loss = float(np.mean(lse - S[np.arange(N), y]))
    dS = softmax_rows(S)
    dS[np.arange(N), y] -= 1
    return loss, dS / N
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_softmax_cross_entropy", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
S_ex = np.array([[1.7, 1.4, -1.3]])   # the course's example: target class 2 (index 1)
S_3 = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [0.0, 1000.0, -1000.0]])


# softmax_cross_entropy may go through your softmax_rows (or your cross_entropy). So that a slip in 1.1
# (or 1.2) does not cost you points twice, this test hands it the known softmax (and cross-entropy) of
# S_ex and S_3 (any other input still goes to yours).
def _known_softmax_rows(Z, _yours=softmax_rows):
    for S_known, P_known in [(S_ex, [[0.55847037095, 0.41372502651, 0.02780460254]]),
                             (S_3, [[0.09003057317, 0.244728471055, 0.665240955775],
                                    [0.333333333333, 0.333333333333, 0.333333333333], [0.0, 1.0, 0.0]])]:
        if np.shape(Z) == S_known.shape and np.allclose(Z, S_known):
            return np.array(P_known)
    return _yours(Z)


def _known_cross_entropy(S, Y, _yours=cross_entropy):
    for S_known, Y_known, loss_known in [(S_ex, [[0.0, 1.0, 0.0]], 0.882553713),
                                         (S_3, np.eye(3)[[2, 0, 0]], 333.835406084371)]:
        if (np.shape(S) == S_known.shape and np.allclose(S, S_known)
                and np.shape(Y) == np.shape(Y_known) and np.allclose(Y, Y_known)):
            return loss_known
    return _yours(S, Y)


_your_softmax_rows, softmax_rows = softmax_rows, _known_softmax_rows
_your_cross_entropy, cross_entropy = cross_entropy, _known_cross_entropy
try:
    loss_ex, dS_ex = softmax_cross_entropy(S_ex, np.array([1]))
    loss_3, dS_3 = softmax_cross_entropy(S_3, np.array([2, 0, 0]))
finally:
    softmax_rows, cross_entropy = _your_softmax_rows, _your_cross_entropy
check_scalar("softmax_cross_entropy(slide example): loss", loss_ex, 0.882553713)
check_array("softmax_cross_entropy(slide example): dS", dS_ex, [[0.55847037095, -0.58627497349, 0.02780460254]])
check_scalar_hinted("softmax_cross_entropy(batch of 3): loss", loss_3, 333.835406084371, n=3)
check_array_hinted("softmax_cross_entropy(batch of 3): dS", dS_3, [[0.030010191057, 0.081576157018, -0.111586348075], [-0.222222222222, 0.111111111111, 0.111111111111], [-0.333333333333, 0.333333333333, 0.0]], n=3)
print("softmax_cross_entropy: visible tests passed")
### BEGIN HIDDEN TESTS
from scipy.special import softmax as _sp_softmax

from tp_course.reference import numerical_gradient, tp3_check_gradient, tp3_cross_entropy
from tp_course.reference import check_gradient_hinted, unmodified_call

# your softmax_rows is graded in 1.1, your cross_entropy in 1.2: here softmax_cross_entropy gets the
# reference ones
_your_softmax_rows, softmax_rows = softmax_rows, lambda Z: _sp_softmax(Z, axis=1)
_your_cross_entropy, cross_entropy = cross_entropy, tp3_cross_entropy
try:
    from tp_course.answers import assert_no_library
    assert_no_library("softmax_cross_entropy")
    rng = np.random.default_rng(32)
    for N, C in [(1, 2), (1, 5), (6, 3), (4, 4), (25, 10)]:
        S = 3 * rng.normal(size=(N, C))
        y = rng.integers(0, C, N)
        loss, dS = unmodified_call("softmax_cross_entropy(S, y)", softmax_cross_entropy, S, y)
        Y = np.eye(C)[y]
        check_scalar_hinted(f"softmax_cross_entropy on ({N}, {C})", loss, tp3_cross_entropy(S, Y), rtol=1e-7, n=N)
        check_shape(f"dS on ({N}, {C})", dS, (N, C))
        check_gradient_hinted(f"dS on ({N}, {C})", dS, numerical_gradient(lambda s: tp3_cross_entropy(s, Y), S.copy()),
                              n=N)
        loss2, dS2 = softmax_cross_entropy(np.vstack([S, S]), np.concatenate([y, y]))
        check_scalar(f"softmax_cross_entropy on the duplicated ({N}, {C}) batch", loss2, loss, rtol=1e-7)
        check_array(f"dS on the duplicated ({N}, {C}) batch (each copy counts half)", 2 * dS2[:N], dS, rtol=1e-6, atol=1e-12)
    S = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1001.0, -999.0], [5.0, 800.0, 3.0]])
    y = np.array([1, 0, 2])
    loss, dS = softmax_cross_entropy(S, y)
    check_scalar("softmax_cross_entropy with huge scores", loss, tp3_cross_entropy(S, np.eye(3)[y]), rtol=1e-7)
    assert np.all(np.isfinite(dS)), "dS has inf or nan for huge scores: is your softmax stable?"
finally:
    softmax_rows, cross_entropy = _your_softmax_rows, _your_cross_entropy
### END HIDDEN TESTS

# %% [markdown]
# ### 3.3 Multiclass hinge loss (SVM) (3 points)
#
# $$\ell_k = \sum_{j\neq y_k}\max(0,\ S_{k,j} - S_{k,y_k} + 1), \qquad \mathcal{L} = \frac1N\sum_k\ell_k.$$
#
# A wrong class $j$ costs nothing when its score is at least 1 below the correct one (the margin),
# and costs linearly otherwise. Let $M_{k,j} = \max(0,\ S_{k,j} - S_{k,y_k} + 1)$ for $j \ne y_k$ and
# $M_{k,y_k} = 0$ (without this, the correct class would add $\max(0, 1) = 1$ to every loss). Then
#
# $$\frac{\partial\ell_k}{\partial S_{k,j}} = \mathbb{1}[M_{k,j} > 0]\ (j\neq y_k), \qquad
# \frac{\partial\ell_k}{\partial S_{k,y_k}} = -\sum_{j\neq y_k}\mathbb{1}[M_{k,j} > 0],$$
#
# because $S_{k,y_k}$ appears with a minus sign in every active term. Divide by N for the mean.
# (At a margin exactly 0 the loss has a kink; take the derivative 0 there: the tests check it.)
# Write `dS` with this formula: finite differences of the loss are the check, not the answer (at a kink
# they give $\frac12$, not 0), and no library does it for you.
#
# **The course's worked example** has three examples and three classes. The slide draws the scores
# $s = W x$ as **columns**, one per example; in our convention (one example per row) $\mathbf{S}$ is the
# transpose of the slide's table. We recomputed every number: the slide is right —
# $\ell_1 = \max(0, 4.1 - 2.3 + 1) + \max(0, -2.1 - 2.3 + 1) = 2.8 + 0 = 2.8$,
# $\ell_2 = \max(0, 1.7 - 5.4 + 1) + \max(0, 2.3 - 5.4 + 1) = 0$,
# $\ell_3 = \max(0, 1.7 + 1.3 + 1) + \max(0, 1.4 + 1.3 + 1) = 4.0 + 3.7 = 7.7$, mean
# $10.5 / 3 = 3.5$. It is the visible test below.

# %%
slide_table = np.array([[2.3, 1.7, 1.7],      # the slide: one row per class,
                        [4.1, 5.4, 1.4],      # one column per example
                        [-2.1, 2.3, -1.3]])
S_slide = slide_table.T                       # ours: one row per example
y_slide = np.array([0, 1, 2])                 # example k belongs to class k
print(S_slide)

# %% nbgrader={"grade": false, "grade_id": "hinge_loss", "locked": false, "schema_version": 3, "solution": true, "task": false}
def hinge_loss(S, y):
    """Mean multiclass hinge (SVM) loss with margin 1, and its gradient w.r.t. the scores.

    Parameters
    ----------
    S : ndarray of shape (N, C)
        Scores.
    y : ndarray of shape (N,), integers in 0 .. C-1
        The class of each example.

    Returns
    -------
    loss : float
        (1/N) * sum_k sum_{j != y[k]} max(0, S[k, j] - S[k, y[k]] + 1)
    dS : ndarray of shape (N, C)
        Gradient of ``loss`` with respect to S (derivative 0 at a kink). S and y are not modified.
    """
    ### BEGIN SOLUTION
    N = S.shape[0]
    rows = np.arange(N)
    M = np.maximum(0, S - S[rows, y][:, None] + 1)
    M[rows, y] = 0
    dS = (M > 0).astype(float)
    dS[rows, y] = -dS.sum(axis=1)
    return float(M.sum() / N), dS / N
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_hinge_loss", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
loss, dS = hinge_loss(S_slide, y_slide)
check_scalar_hinted("hinge_loss(slide example): loss", loss, 3.5, n=3)
check_array_hinted("hinge_loss(slide example): dS", dS, [[-1 / 3, 1 / 3, 0.0], [0.0, 0.0, 0.0], [1 / 3, 1 / 3, -2 / 3]], n=3)
# per-example losses 2.8, 0, 7.7: the loss of each row alone
for k, expected in enumerate([2.8, 0.0, 7.7]):
    check_scalar(f"hinge_loss of example {k + 1} of the slide", hinge_loss(S_slide[k:k + 1], y_slide[k:k + 1])[0], expected)
print("hinge_loss: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.reference import numerical_gradient, tp3_check_gradient, tp3_hinge, unmodified_call

from tp_course.answers import assert_no_library
assert_no_library("hinge_loss")
rng = np.random.default_rng(33)
for N, C in [(1, 2), (1, 5), (6, 3), (4, 4), (25, 10)]:
    S = rng.normal(size=(N, C))
    y = rng.integers(0, C, N)
    loss, dS = unmodified_call("hinge_loss(S, y)", hinge_loss, S, y)
    check_scalar_hinted(f"hinge_loss on ({N}, {C})", loss, tp3_hinge(S, y), rtol=1e-7, atol=1e-12, n=N)
    check_shape(f"dS on ({N}, {C})", dS, (N, C))
    tp3_check_gradient(f"dS on ({N}, {C})", dS, numerical_gradient(lambda s: tp3_hinge(s, y), S.copy()))
    loss2, dS2 = hinge_loss(np.vstack([S, S]), np.concatenate([y, y]))
    check_scalar(f"hinge_loss on the duplicated ({N}, {C}) batch", loss2, loss, rtol=1e-7, atol=1e-12)
    check_array(f"dS on the duplicated ({N}, {C}) batch (each copy counts half)", 2 * dS2[:N], dS, rtol=1e-6, atol=1e-12)
# every margin satisfied: zero loss, zero gradient
S = np.array([[5.0, 0.0, 1.0], [0.0, 3.0, -2.0]])
loss, dS = hinge_loss(S, np.array([0, 1]))
check_scalar("hinge_loss with all margins satisfied", loss, 0.0)
check_array("dS with all margins satisfied", dS, np.zeros((2, 3)))
# a margin exactly 0 (s_j - s_y + 1 = 0): the kink, where the derivative is taken as 0
S = np.array([[1.0, 0.0, -3.0], [2.0, 3.0, 2.5]])
loss, dS = hinge_loss(S, np.array([0, 1]))
check_scalar("hinge_loss with margins exactly 0", loss, 0.25)
check_array("dS with margins exactly 0 (the derivative at the kink is 0: test M > 0, not M >= 0)", dS,
            [[0.0, 0.0, 0.0], [0.0, -0.5, 0.5]])
### END HIDDEN TESTS

# %% [markdown]
# Same scores, two losses: the hinge loss is exactly 0 once every margin is satisfied (example 2),
# while the cross-entropy is never 0 and keeps pushing the correct score up.

# %%
for k in range(3):
    ce = softmax_cross_entropy(S_slide[k:k + 1], y_slide[k:k + 1])[0]
    hl = hinge_loss(S_slide[k:k + 1], y_slide[k:k + 1])[0]
    print(f"example {k + 1}: scores {S_slide[k]}, class {y_slide[k] + 1} (index {y_slide[k]}):  hinge {hl:.2f}   cross-entropy {ce:.3f}")

# %% [markdown]
# ## Part 4 — An L-layer network
#
# A network is now a **list of layers**; layer $i$ ($i = 1..L$) is a dictionary
# `{"W": (n_i, n_{i-1}), "b": (n_i,), "activation": name}`. The course notes (*Neural Network*) write
# the recurrence $Z^i = A^{i-1}\cdot W^i + B^i$ with $W^i$ of shape $(l_{i-1}, l_i)$ and a bias *matrix*
# $B^i$ of shape $(m, l_i)$, for $m$ examples and layers $0..N$ (in this TP, $N$ is the batch size and
# $L$ the number of layers). In our convention (weights `(n_out, n_in)`, one bias per neuron shared by
# all the examples, broadcast) the same recurrence reads
#
# $$\mathbf{A}^0 = \mathbf{X}, \qquad \mathbf{Z}^i = \mathbf{A}^{i-1}\mathbf{W}^{i\top} + \mathbf{b}^i, \qquad
# \mathbf{A}^i = f_i(\mathbf{Z}^i), \qquad \text{output } \mathbf{A}^L.$$
#
# ### 4.1 Activation functions and their derivatives (2 points)
#
# The backward pass needs $f'(\mathbf{Z})$. Written with the values the forward pass already computed
# (the cache holds both $\mathbf{Z}$ and $\mathbf{A} = f(\mathbf{Z})$), it costs no new exponential:
#
# | `name` | $f(z)$ | $f'(z)$, from the cached values |
# |---|---|---|
# | `"sigmoid"` | $\sigma(z) = \frac{1}{1 + e^{-z}}$ | $a(1 - a)$ |
# | `"tanh"` | $\tanh z$ | $1 - a^2$ |
# | `"relu"` | $\max(0, z)$ | $\mathbb{1}[z > 0]$ (we take $f'(0) = 0$) |
# | `"identity"` | $z$ | $1$ |
#
# Careful: $a(1-a)$ and $1-a^2$ are in terms of the **activation** $a$, not of $z$. Raise a `ValueError`
# for an unknown name (both functions; the tests check it, and that $f'(0) = 0$ for ReLU). Write the
# sigmoid with numpy (TP1's stable formula or the identity with tanh): the hidden tests reject
# `scipy.special.expit`.

# %% nbgrader={"grade": false, "grade_id": "activations", "locked": false, "schema_version": 3, "solution": true, "task": false}
def activation(Z, name):
    """Apply the activation function ``name`` element-wise.

    Parameters
    ----------
    Z : ndarray of any shape
    name : str
        "sigmoid", "tanh", "relu" or "identity"; any other name raises ValueError.

    Returns
    -------
    ndarray, same shape as Z
    """
    ### BEGIN SOLUTION
    if name == "sigmoid":
        return 0.5 * (1 + np.tanh(0.5 * Z))   # = 1 / (1 + exp(-Z)), without overflow
    if name == "tanh":
        return np.tanh(Z)
    if name == "relu":
        return np.maximum(Z, 0)
    if name == "identity":
        return Z
    raise ValueError(f"unknown activation {name!r}")
    ### END SOLUTION


def activation_derivative(Z, A, name):
    """Derivative f'(Z) of the activation ``name``, element-wise, from the cached Z and A = f(Z).

    Parameters
    ----------
    Z : ndarray of any shape
        Pre-activations.
    A : ndarray, same shape as Z
        Activations, ``A = activation(Z, name)``.
    name : str
        "sigmoid", "tanh", "relu" or "identity"; any other name raises ValueError.

    Returns
    -------
    ndarray, same shape as Z (for "relu", 0 where Z == 0)
    """
    ### BEGIN SOLUTION
    if name == "sigmoid":
        return A * (1 - A)
    if name == "tanh":
        return 1 - A ** 2
    if name == "relu":
        return (Z > 0).astype(float)
    if name == "identity":
        return np.ones_like(Z, dtype=float)
    raise ValueError(f"unknown activation {name!r}")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_activations", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
Z = np.array([[-2.0, -0.5, 0.5], [1.0, 3.0, -4.0]])
expected = {
    'sigmoid': ([[0.119202922022, 0.377540668798, 0.622459331202], [0.73105857863, 0.952574126822, 0.017986209962]],
               [[0.104993585404, 0.235003712202, 0.235003712202], [0.196611933241, 0.045176659731, 0.017662706213]]),
    'tanh': ([[-0.964027580076, -0.46211715726, 0.46211715726], [0.761594155956, 0.995054753687, -0.999329299739]],
            [[0.070650824853, 0.786447732966, 0.786447732966], [0.419974341614, 0.009866037165, 0.001340950683]]),
    'relu': ([[0.0, 0.0, 0.5], [1.0, 3.0, 0.0]],
            [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]]),
    'identity': ([[-2.0, -0.5, 0.5], [1.0, 3.0, -4.0]],
                [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]),
}
for name, (f_expected, df_expected) in expected.items():
    A = activation(Z, name)
    check_array(f"activation(Z, {name!r})", A, f_expected)
    check_array(f"activation_derivative(Z, A, {name!r})", activation_derivative(Z, A, name), df_expected)
print("activations: visible tests passed")
### BEGIN HIDDEN TESTS
from scipy.special import expit as _expit

from tp_course.reference import tp3_activation

from tp_course.answers import assert_no_library
assert_no_library("activation")
assert_no_library("activation_derivative")
rng = np.random.default_rng(41)
for shape in [(7,), (4, 5), (2, 3, 2)]:
    Z = 3 * rng.normal(size=shape)
    Z[np.abs(Z) < 1e-3] = 0.5   # no kink
    for name in ["sigmoid", "tanh", "relu", "identity"]:
        A = activation(Z, name)
        check_array(f"activation on {shape}, {name!r}", A, tp3_activation(Z, name), rtol=1e-7, atol=1e-12)
        dA = activation_derivative(Z, tp3_activation(Z, name), name)
        eps = 1e-6
        num = (tp3_activation(Z + eps, name) - tp3_activation(Z - eps, name)) / (2 * eps)
        check_array(f"activation_derivative on {shape}, {name!r}", dA, num, rtol=1e-5, atol=1e-8)
# saturated sigmoid: no overflow to nan
Z = np.array([-800.0, -50.0, 0.0, 50.0, 800.0])
check_array("activation sigmoid on large |z|", activation(Z, "sigmoid"), _expit(Z), rtol=1e-6, atol=1e-12)
# ReLU at its kink: the course takes f'(0) = 0
Z = np.array([[0.0, -0.0, 2.0], [-1.0, 0.0, 1e-300]])
check_array("activation_derivative(Z, A, 'relu') where Z == 0 (the course takes f'(0) = 0: Z > 0, not Z >= 0)",
            activation_derivative(Z, np.maximum(Z, 0.0), "relu"), [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
# an unknown name is an error, not a silent identity (a typo such as "Relu" would go unnoticed)
for _name in ["Relu", "softplus", ""]:
    for _what, _call in [("activation(Z, name)", lambda: activation(Z, _name)),
                         ("activation_derivative(Z, A, name)", lambda: activation_derivative(Z, Z, _name))]:
        try:
            _call()
        except ValueError:
            continue
        raise AssertionError(f"{_what} with name = {_name!r} should raise a ValueError (an unknown activation)")
### END HIDDEN TESTS

# %% [markdown]
# ### 4.2 Initialisation (2 points)
#
# If all weights start equal, all neurons of a layer compute the same thing and receive the same
# gradient: they stay clones forever. So weights start **random** (with a seeded `rng`, for
# reproducibility), biases at 0. The scale matters (Part 5 shows why): with $n_{\text{in}}$ inputs,
# $\mathrm{Var}(z) = n_{\text{in}}\,\mathrm{Var}(w)\,\mathrm{E}[a^2]$, so the standard deviation of
# the weights should shrink like $1/\sqrt{n_{\text{in}}}$. Draw $W_{ij} \sim \mathcal{N}(0, \sigma^2)$ with
#
# | `init` | $\sigma$ | for |
# |---|---|---|
# | `"small"` | $0.01$ | the naive choice |
# | `"xavier"` (Glorot) | $\sqrt{2 / (n_{\text{in}} + n_{\text{out}})}$ | identity; tanh and sigmoid once multiplied by their *gain* (5/3 and about 4, see 5.1) |
# | `"he"` (Kaiming) | $\sqrt{2 / n_{\text{in}}}$ | ReLU (which zeroes half of its inputs, hence the 2) |
#
# (TP4's network uses LeCun's $\sigma = \sqrt{1/n_{\text{in}}}$: Xavier's when $n_{\text{in}} = n_{\text{out}}$,
# He's without the factor 2.)
#
# numpy twin: `sigma * rng.standard_normal((n_out, n_in))` — note the shape `(n_out, n_in)`, and use the
# `rng` you are given (not `np.random`). (Glorot's *uniform* variant, $\mathcal{U}(-r, r)$ with
# $r = \sqrt{6/(n_{\text{in}} + n_{\text{out}})}$, has the same variance and is also accepted.)

# %% nbgrader={"grade": false, "grade_id": "init_network", "locked": false, "schema_version": 3, "solution": true, "task": false}
def init_network(sizes, activations, init="he", rng=None):
    """Create the layers of a fully-connected network.

    Parameters
    ----------
    sizes : sequence of int, length L + 1
        ``[n_0, n_1, ..., n_L]``: input size, then the number of neurons of each layer.
    activations : sequence of str, length L
        The activation of each layer ("sigmoid", "tanh", "relu", "identity").
    init : {"small", "xavier", "he"}
        How to draw the weights (see the table above).
    rng : numpy.random.Generator, optional
        Source of randomness (default: ``np.random.default_rng()``).

    Returns
    -------
    layers : list of L dicts
        Layer i (0-based) is ``{"W": (sizes[i+1], sizes[i]), "b": zeros (sizes[i+1],),
        "activation": activations[i]}``.
    """
    ### BEGIN SOLUTION
    rng = np.random.default_rng() if rng is None else rng
    if len(activations) != len(sizes) - 1:
        raise ValueError(f"{len(sizes) - 1} layers but {len(activations)} activations")
    layers = []
    for n_in, n_out, name in zip(sizes[:-1], sizes[1:], activations):
        if init == "small":
            sigma = 0.01
        elif init == "xavier":
            sigma = np.sqrt(2.0 / (n_in + n_out))
        elif init == "he":
            sigma = np.sqrt(2.0 / n_in)
        else:
            raise ValueError(f"unknown init {init!r}")
        layers.append({"W": sigma * rng.standard_normal((n_out, n_in)), "b": np.zeros(n_out), "activation": name})
    return layers
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_init_network", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
layers = init_network([4, 3, 2], ["tanh", "identity"], init="xavier", rng=np.random.default_rng(0))
assert isinstance(layers, list) and len(layers) == 2, "init_network should return a list with one dict per layer"
check_shape("layers[0]['W']", layers[0]["W"], (3, 4))
check_shape("layers[1]['W']", layers[1]["W"], (2, 3))
check_array("layers[0]['b']", layers[0]["b"], np.zeros(3))
assert layers[1]["activation"] == "identity", "layer 2 should keep its activation name"
# the scale of He on a large layer: std close to sqrt(2 / 500)
W = init_network([500, 400], ["relu"], init="he", rng=np.random.default_rng(1))[0]["W"]
check_scalar("std of He weights for n_in = 500", W.std(), np.sqrt(2 / 500), rtol=0.03)
print("init_network: visible tests passed")
### BEGIN HIDDEN TESTS
sizes = [400, 300, 200]
expected_std = {"small": [0.01, 0.01], "xavier": [np.sqrt(2 / 700), np.sqrt(2 / 500)], "he": [np.sqrt(2 / 400), np.sqrt(2 / 300)]}
for init, stds in expected_std.items():
    layers = init_network(sizes, ["tanh", "relu"], init=init, rng=np.random.default_rng(42))
    assert len(layers) == 2
    for i, (layer, std) in enumerate(zip(layers, stds)):
        check_shape(f"{init}: layer {i} W", layer["W"], (sizes[i + 1], sizes[i]))
        check_array(f"{init}: layer {i} b", layer["b"], np.zeros(sizes[i + 1]))
        check_scalar(f"{init}: std of layer {i} W", layer["W"].std(), std, rtol=0.02)
        assert abs(layer["W"].mean()) < 0.05 * std, f"{init}: the weights of layer {i} should have mean 0"
        assert layer["activation"] == ["tanh", "relu"][i]
# default: He
W = init_network([400, 300], ["relu"], rng=np.random.default_rng(3))[0]["W"]
check_scalar("std of the default init (He)", W.std(), np.sqrt(2 / 400), rtol=0.02)
# the rng is used: same seed, same weights; another seed, other weights
a = init_network([5, 4, 3], ["relu", "identity"], init="he", rng=np.random.default_rng(7))
b = init_network([5, 4, 3], ["relu", "identity"], init="he", rng=np.random.default_rng(7))
c = init_network([5, 4, 3], ["relu", "identity"], init="he", rng=np.random.default_rng(8))
assert all(np.array_equal(la["W"], lb["W"]) for la, lb in zip(a, b)), "the same rng seed must give the same weights: use rng"
assert not np.array_equal(a[0]["W"], c[0]["W"]), "different rng seeds must give different weights"
### END HIDDEN TESTS

# %% [markdown]
# ### 4.3 Forward pass with caches (2 points)
#
# Loop over the layers; for each one compute $\mathbf{Z}^i$ and $\mathbf{A}^i$ and append to `caches`
# the dictionary `{"A_prev": A^{i-1}, "Z": Z^i, "A": A^i}` — exactly what the backward pass of that
# layer needs. Return the output $\mathbf{A}^L$ and the list of caches. Use your `activation` (a slip in 4.1
# is not charged again here: the tests of 4.3 and 4.4 hand your activation functions known values).

# %% nbgrader={"grade": false, "grade_id": "network_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def network_forward(X, layers):
    """Forward pass of an L-layer network on a batch, keeping what the backward pass needs.

    Parameters
    ----------
    X : ndarray of shape (N, n_0)
    layers : list of L dicts {"W": (n_i, n_{i-1}), "b": (n_i,), "activation": str}

    Returns
    -------
    out : ndarray of shape (N, n_L)
        The activations A^L of the last layer.
    caches : list of L dicts
        caches[i] is for layers[i] (layer i + 1 of the maths):
        {"A_prev": A^i (N, n_i), "Z": Z^{i+1} (N, n_{i+1}), "A": A^{i+1} (N, n_{i+1})};
        caches[0]["A_prev"] is X.
    """
    ### BEGIN SOLUTION
    A = X
    caches = []
    for layer in layers:
        Z = A @ layer["W"].T + layer["b"]
        A_next = activation(Z, layer["activation"])
        caches.append({"A_prev": A, "Z": Z, "A": A_next})
        A = A_next
    return A, caches
    ### END SOLUTION


# %% [markdown]
# A small fixed 3-layer network for the visible tests (sizes 2 → 3 → 3 → 2):

# %%
layers_demo = [
    {"W": np.cos(np.arange(6.0).reshape(3, 2)), "b": np.array([0.1, -0.2, 0.3]), "activation": "relu"},
    {"W": 0.5 * np.sin(np.arange(9.0).reshape(3, 3) + 0.5), "b": np.array([0.0, 0.2, -0.1]), "activation": "sigmoid"},
    {"W": np.cos(np.arange(6.0).reshape(2, 3) + 1.0), "b": np.array([0.3, -0.3]), "activation": "identity"},
]
G_demo = np.cos(np.arange(8.0).reshape(4, 2))   # an upstream gradient dOut, shape (N, 2)
# what network_forward(X_demo, layers_demo) must return as caches, written out: the tests of 4.3 and 4.4 use
# it, so that the test of 4.4 does not depend on your network_forward
caches_demo = [
    {"A_prev": np.array([[0.841470984808, 0.909297426826],
                         [0.14112000806, -0.756802495308],
                         [-0.958924274663, -0.279415498199],
                         [0.656986598719, 0.989358246623]]),
     "Z": np.array([[1.432766481242, -1.45037311811, 0.007911153968],
                    [-0.167782125242, 0.490502146836, -0.006918442828],
                    [-1.009893112635, 0.47567255004, 0.847535124153],
                    [1.291539140699, -1.452860135318, 0.151208423198]]),
     "A": np.array([[1.432766481242, 0.0, 0.007911153968],
                    [0.0, 0.490502146836, 0.0],
                    [0.0, 0.47567255004, 0.847535124153],
                    [1.291539140699, 0.0, 0.151208423198]])},
    {"A_prev": np.array([[1.432766481242, 0.0, 0.007911153968],
                         [0.0, 0.490502146836, 0.0],
                         [0.0, 0.47567255004, 0.847535124153],
                         [1.291539140699, 0.0, 0.151208423198]]),
     "Z": np.array([[0.34581972362, -0.054086044481, 0.057266831433],
                    [0.244636716194, -0.039740310656, 0.13004550117],
                    [0.490853573443, -0.331477225619, 0.461463357511],
                    [0.354845438698, -0.079866954297, 0.099286930903]]),
     "A": np.array([[0.585603507081, 0.486481784122, 0.514312796516],
                    [0.560855976756, 0.490066229662, 0.532465633738],
                    [0.620307491808, 0.417881234881, 0.613361267752],
                    [0.587792089939, 0.480043868197, 0.524801361971]])},
    {"A_prev": np.array([[0.585603507081, 0.486481784122, 0.514312796516],
                         [0.560855976756, 0.490066229662, 0.532465633738],
                         [0.620307491808, 0.417881234881, 0.613361267752],
                         [0.587792089939, 0.480043868197, 0.524801361971]]),
     "Z": np.array([[-0.095210739757, -0.050951645428],
                    [-0.128044715769, -0.016328993525],
                    [-0.145969438557, 0.002008333634],
                    [-0.101732726146, -0.044137583053]]),
     "A": np.array([[-0.095210739757, -0.050951645428],
                    [-0.128044715769, -0.016328993525],
                    [-0.145969438557, 0.002008333634],
                    [-0.101732726146, -0.044137583053]])},
]

# %% nbgrader={"grade": true, "grade_id": "test_network_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# network_forward goes through your activation. So that a slip in 4.1 does not cost you points twice, this
# test hands it the known activations of the demo layers (any other input still goes to your activation).
def _known_activation(Z, name, _yours=activation):
    for layer, c in zip(layers_demo, caches_demo):
        if name == layer["activation"] and np.shape(Z) == c["Z"].shape and np.allclose(Z, c["Z"]):
            return c["A"].copy()
    return _yours(Z, name)


_your_activation, activation = activation, _known_activation
try:
    out, caches = network_forward(X_demo, layers_demo)
finally:
    activation = _your_activation
assert isinstance(caches, list) and len(caches) == 3, "caches should be a list with one dict per layer"
for i in range(3):
    for key in ["A_prev", "Z", "A"]:
        assert key in caches[i], f"caches[{i}] has no key {key!r}; it has {sorted(caches[i])}"
        check_array(f"caches[{i}][{key!r}]", caches[i][key], caches_demo[i][key])
check_array("out", out, caches_demo[2]["A"])
print("network_forward: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.reference import tp3_activation, tp3_network_forward, tp3_random_network, unmodified_call

# your activation is graded in 4.1: here network_forward gets the reference one
_your_activation, activation = activation, tp3_activation
try:
    rng = np.random.default_rng(43)
    nets = [tp3_random_network(rng) for _ in range(6)]
    nets.append(tp3_random_network(rng, depth=3, widths=(3, 3)))   # square layers: a missing .T shows in the values
    nets.append(tp3_random_network(rng, depth=4, widths=(2, 4), activations=["sigmoid", "tanh"]))
    for t, layers in enumerate(nets):
        X = rng.normal(size=(int(rng.integers(1, 6)), layers[0]["W"].shape[1]))
        ref_out, ref_caches = tp3_network_forward(X, layers)
        out, caches = unmodified_call("network_forward(X, layers)", network_forward, X, layers)
        desc = f"network {t} ({' -> '.join(str(l['W'].shape[1]) for l in layers)} -> {layers[-1]['W'].shape[0]}, {[l['activation'] for l in layers]})"
        check_array(f"out of {desc}", out, ref_out, rtol=1e-6, atol=1e-10)
        assert len(caches) == len(layers), f"{desc}: {len(caches)} caches for {len(layers)} layers"
        for i, (c, r) in enumerate(zip(caches, ref_caches)):
            for key in ["A_prev", "Z", "A"]:
                check_array(f"caches[{i}][{key!r}] of {desc}", c[key], r[key], rtol=1e-6, atol=1e-10)
finally:
    activation = _your_activation
### END HIDDEN TESTS

# %% [markdown]
# ### 4.4 Backward pass: a loop over the layers (4 points)
#
# Given the gradient of the loss with respect to the output, $\nabla_{\mathbf{A}^L}$ = `dOut` (e.g. the
# `dS` of Part 3 when the last activation is the identity), go through the layers **backwards**:
#
# $$\nabla_{\mathbf{Z}^i} = \nabla_{\mathbf{A}^i}\odot f_i'(\mathbf{Z}^i), \qquad
# \nabla_{\mathbf{W}^i} = \nabla_{\mathbf{Z}^i}^\top\mathbf{A}^{i-1}, \qquad
# \nabla_{\mathbf{b}^i} = \textstyle\sum_{k=1}^N(\nabla_{\mathbf{Z}^i})_{k,:}, \qquad
# \nabla_{\mathbf{A}^{i-1}} = \nabla_{\mathbf{Z}^i}\,\mathbf{W}^i.$$
#
# This is the 2-layer backward pass of Part 1, written once for any layer. Three corrections to the
# notes' version of this recurrence (slips that would cost you points):
# - the error of layer $i$ goes through **every** layer above it: $\nabla_{\mathbf{Z}^{i}} =
#   (\nabla_{\mathbf{Z}^{i+1}}\mathbf{W}^{i+1})\odot f_i'(\mathbf{Z}^i)$, not the notes'
#   $\partial\mathcal{L}/\partial\mathbf{A}^N\odot f_i'(\mathbf{Z}^i)$ (their $N$ is our number of layers $L$);
# - with one example per row, $\nabla_{\mathbf{W}^i} = \nabla_{\mathbf{Z}^i}^\top\mathbf{A}^{i-1}$ (shape
#   `(n_i, n_{i-1})`, like $\mathbf{W}^i$), not $\nabla_{\mathbf{Z}^i}\,[\mathbf{A}^{i-1}]^\top$;
# - one bias per neuron is shared by all examples: $\nabla_{\mathbf{b}^i}$ sums $\nabla_{\mathbf{Z}^i}$ over
#   the examples (`axis=0`), it is not $\nabla_{\mathbf{Z}^i}$ itself.
#
# The $1/N$ of a mean loss is already inside `dOut`: do not divide again. Use your
# `activation_derivative`, and only what is in `caches`; do not modify `dOut` or the caches (`dA *= ...` on
# `dA = dOut` would change the caller's array: start from `dOut.copy()` if you work in place).
# **What the exercise is**: the recurrence above, one layer at a time. No numerical differentiation in a
# backward pass (it is the check, not the answer): do not call `network_forward`. The hidden tests count
# its calls (none allowed) and hand your function layers whose biases and first $\mathbf{W}$ differ from
# the values the caches come from (a backward pass reads $\mathbf{A}^{i-1}$, $\mathbf{Z}^i$, $\mathbf{A}^i$
# from the caches and never needs them: its gradients must not change).

# %% nbgrader={"grade": false, "grade_id": "network_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def network_backward(dOut, layers, caches):
    """Backward pass of an L-layer network: gradients of the loss w.r.t. every W and b.

    Parameters
    ----------
    dOut : ndarray of shape (N, n_L)
        Gradient of the loss with respect to the output A^L.
    layers : list of L dicts {"W": (n_i, n_{i-1}), "b": (n_i,), "activation": str}
    caches : list of L dicts {"A_prev", "Z", "A"}, as returned by ``network_forward``.

    Returns
    -------
    grads : list of L dicts
        grads[i] = {"W": shape of layers[i]["W"], "b": shape of layers[i]["b"]}.
        dOut, layers and caches are not modified.
    """
    ### BEGIN SOLUTION
    grads = [None] * len(layers)
    dA = dOut
    for i in reversed(range(len(layers))):
        layer, cache = layers[i], caches[i]
        dZ = dA * activation_derivative(cache["Z"], cache["A"], layer["activation"])
        grads[i] = {"W": dZ.T @ cache["A_prev"], "b": dZ.sum(axis=0)}
        dA = dZ @ layer["W"]
    return grads
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_network_backward", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
# network_backward goes through your activation_derivative. So that a slip in 4.1 does not cost you points
# twice, this test hands it the known f'(Z) of the demo layers (any other input still goes to yours).
fprime_demo = [np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0]]),     # relu
               np.array([[0.242672039575, 0.249817257839, 0.249795143856],                       # sigmoid
                         [0.246296550093, 0.249901320207, 0.248945982626],
                         [0.235526107415, 0.243256508415, 0.237149222974],
                         [0.242292548944, 0.249601752803, 0.249384892444]]),
               np.ones((4, 2))]                                                                    # identity


def _known_derivative(Z, A, name, _yours=activation_derivative):
    for layer, c, d in zip(layers_demo, caches_demo, fprime_demo):
        if name == layer["activation"] and np.shape(Z) == c["Z"].shape and np.allclose(Z, c["Z"]):
            return d.copy()
    return _yours(Z, A, name)


_your_activation_derivative, activation_derivative = activation_derivative, _known_derivative
try:
    grads = network_backward(G_demo.copy(), layers_demo, caches_demo)
finally:
    activation_derivative = _your_activation_derivative
check_layer_grads("grads", grads, [{"W": layer["W"].shape, "b": layer["b"].shape} for layer in layers_demo])
check_array("grads[2]['W']", grads[2]["W"], [[0.511125531089, 0.470320728023, 0.395707901673], [0.380255277014, 0.258128598289, 0.320383735359]])
check_array("grads[1]['b']", grads[1]["b"], [0.028863315443, -0.053187058333, -0.09026470826])
check_array("grads[0]['W']", grads[0]["W"], [[0.010538092758, 0.012382175216], [0.003089773443, -0.000803999912], [-0.029536080251, -0.018861478597]])
print("network_backward: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.reference import (numerical_gradient, tp3_activation, tp3_check_gradient, tp3_cross_entropy,
                                 tp3_network_forward, tp3_random_network, unmodified_call)


def _reference_derivative(Z, A, name):
    a = tp3_activation(Z, name)
    return {"sigmoid": a * (1 - a), "tanh": 1 - a ** 2, "relu": (Z > 0).astype(float),
            "identity": np.ones(np.shape(Z))}[name]


# your activation_derivative is graded in 4.1: here network_backward gets the reference one
_your_activation_derivative, activation_derivative = activation_derivative, _reference_derivative
try:
    from tp_course.answers import assert_no_library, tp3_check_network_uses_caches
    assert_no_library("network_backward")
    tp3_check_network_uses_caches(network_backward, np.random.default_rng(440))   # from the caches
    rng = np.random.default_rng(44)
    nets = [tp3_random_network(rng) for _ in range(6)]
    nets.append(tp3_random_network(rng, depth=3, widths=(3, 3)))   # square layers
    nets.append(tp3_random_network(rng, depth=4, widths=(2, 4), activations=["relu", "tanh", "sigmoid"]))
    for t, layers in enumerate(nets):
        N = int(rng.integers(1, 5))
        X = rng.normal(size=(N, layers[0]["W"].shape[1]))
        G = rng.normal(size=(N, layers[-1]["W"].shape[0]))
        desc = f"network {t} ({' -> '.join(str(l['W'].shape[1]) for l in layers)} -> {layers[-1]['W'].shape[0]}, {[l['activation'] for l in layers]})"
        _, ref_caches = tp3_network_forward(X, layers)
        grads = unmodified_call("network_backward(dOut, layers, caches)", network_backward, G.copy(), layers,
                                ref_caches)
        check_layer_grads(f"grads of {desc}", grads, [{"W": l["W"].shape, "b": l["b"].shape} for l in layers])

        def f(_):   # the loss sum(G * out): its gradient w.r.t. out is G
            return np.sum(G * tp3_network_forward(X, layers)[0])

        for i, layer in enumerate(layers):
            for key in ["W", "b"]:
                check_shape(f"grads[{i}][{key!r}] of {desc}", grads[i][key], layer[key].shape)
                tp3_check_gradient(f"grads[{i}][{key!r}] of {desc}", grads[i][key], numerical_gradient(f, layer[key]))
    # with a real loss: mean softmax cross-entropy on the scores of an identity output layer
    layers = tp3_random_network(rng, n_in=3, depth=3, widths=(2, 4), activations=["tanh", "relu"])
    layers[-1]["activation"] = "identity"
    X = rng.normal(size=(6, 3))
    C = layers[-1]["W"].shape[0]
    Y = np.eye(C)[rng.integers(0, C, 6)]
    from scipy.special import softmax as _sp_softmax
    out, ref_caches = tp3_network_forward(X, layers)
    grads = network_backward((_sp_softmax(out, axis=1) - Y) / 6, layers, ref_caches)
    for i, layer in enumerate(layers):
        for key in ["W", "b"]:
            num = numerical_gradient(lambda _: tp3_cross_entropy(tp3_network_forward(X, layers)[0], Y), layer[key])
            tp3_check_gradient(f"grads[{i}][{key!r}] with a cross-entropy loss", grads[i][key], num)
finally:
    activation_derivative = _your_activation_derivative
### END HIDDEN TESTS

# %% [markdown]
# ### 4.5 Gradient-descent update (1 point)
#
# $$\mathbf{W}^i \leftarrow \mathbf{W}^i - \eta\,\nabla_{\mathbf{W}^i}, \qquad \mathbf{b}^i \leftarrow \mathbf{b}^i - \eta\,\nabla_{\mathbf{b}^i}$$
#
# for every layer, with the learning rate $\eta$ = `lr` (*pas d'apprentissage*). Update the arrays in
# place (`layer["W"] -= lr * g["W"]`) and return `layers`.

# %% nbgrader={"grade": false, "grade_id": "sgd_update", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sgd_update(layers, grads, lr):
    """One step of gradient descent on every W and b.

    Parameters
    ----------
    layers : list of L dicts {"W", "b", "activation"}
    grads : list of L dicts {"W", "b"}, same shapes
    lr : float
        Learning rate.

    Returns
    -------
    layers : the same list, with W and b updated (in place).
    """
    ### BEGIN SOLUTION
    for layer, g in zip(layers, grads):
        layer["W"] -= lr * g["W"]
        layer["b"] -= lr * g["b"]
    return layers
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_sgd_update", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
layers = [{"W": np.ones((2, 3)), "b": np.zeros(2), "activation": "relu"}]
grads = [{"W": np.arange(6.0).reshape(2, 3), "b": np.array([1.0, -1.0])}]
layers = sgd_update(layers, grads, lr=0.5)
check_array("W after one step", layers[0]["W"], [[1.0, 0.5, 0.0], [-0.5, -1.0, -1.5]])
check_array("b after one step", layers[0]["b"], [-0.5, 0.5])
assert layers[0]["activation"] == "relu"
print("sgd_update: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.reference import tp3_random_network

rng = np.random.default_rng(45)
layers = tp3_random_network(rng, depth=3)
before = [{k: l[k].copy() for k in ["W", "b"]} for l in layers]
grads = [{"W": rng.normal(size=l["W"].shape), "b": rng.normal(size=l["b"].shape)} for l in layers]
new = sgd_update(layers, grads, lr=0.03)
assert len(new) == len(before)
for i, (l, b0, g) in enumerate(zip(new, before, grads)):
    check_array(f"layer {i} W", l["W"], b0["W"] - 0.03 * g["W"])
    check_array(f"layer {i} b", l["b"], b0["b"] - 0.03 * g["b"])
### END HIDDEN TESTS

# %% [markdown]
# ### Putting it together: training a 3-layer network (not graded)
#
# Three classes of points in the plane (three noisy spiral arms), a network 2 → 32 → 32 → 3 (ReLU,
# ReLU, identity scores), the softmax cross-entropy, full-batch gradient descent.

# %%
def spirals(n_per_class, rng, classes=3, noise=0.25):
    """Points of ``classes`` interleaved spiral arms: X (N, 2), y (N,)."""
    t = np.tile(np.linspace(0.2, 1.0, n_per_class), classes)
    y = np.repeat(np.arange(classes), n_per_class)
    angle = 4.0 * t + 2 * np.pi * y / classes + noise * rng.normal(size=t.size)
    return np.column_stack([t * np.cos(angle), t * np.sin(angle)]), y


rng = np.random.default_rng(0)
X_sp, y_sp = spirals(100, rng)
net = init_network([2, 32, 32, 3], ["relu", "relu", "identity"], init="he", rng=rng)
history = []
for step in range(600):
    scores, caches = network_forward(X_sp, net)
    loss, dS = softmax_cross_entropy(scores, y_sp)
    net = sgd_update(net, network_backward(dS, net, caches), lr=0.5)
    history.append(loss)
accuracy = np.mean(network_forward(X_sp, net)[0].argmax(axis=1) == y_sp)
print(f"loss {history[0]:.3f} -> {history[-1]:.3f}, training accuracy {accuracy:.0%}")

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
axes[0].plot(history)
axes[0].set(xlabel="step", ylabel="mean cross-entropy", title="training loss")
gx, gy = np.meshgrid(np.linspace(-1.2, 1.2, 150), np.linspace(-1.2, 1.2, 150))
grid_class = network_forward(np.column_stack([gx.ravel(), gy.ravel()]), net)[0].argmax(axis=1)
colours = ListedColormap(["tab:blue", "tab:orange", "tab:green"])
axes[1].contourf(gx, gy, grid_class.reshape(gx.shape), alpha=0.3, levels=[-0.5, 0.5, 1.5, 2.5], cmap=colours)
axes[1].scatter(X_sp[:, 0], X_sp[:, 1], c=y_sp, s=8, cmap=colours, vmin=0, vmax=2)
axes[1].set(xlabel="$x_1$", ylabel="$x_2$", title="decision regions (colour: predicted class)", aspect="equal")
plt.show()

# %% [markdown]
# ## Part 5 — Initialisation and centred inputs
#
# ### 5.1 How the scale of the weights propagates (not graded)
#
# We push a batch of standard-normal inputs through 10 layers of 256 neurons and look at the
# standard deviation of the activations of each layer. With `"small"` weights, each layer multiplies
# the signal by about $0.01\sqrt{256} = 0.16$: the activations (and the gradients, which flow back
# through the same $\mathbf{W}^i$) **vanish** exponentially. Xavier's variance is derived for a layer
# that keeps the variance of its input, i.e. for the identity (and for tanh near 0, where its slope is 1).
# tanh squashes the larger values, so plain Xavier tanh layers still shrink, layer after layer (std 0.63
# at layer 1, 0.23 at layer 10 on the plot). The remedy is a **gain** $g$ that multiplies Xavier's
# $\sigma$: $g = 5/3$ for tanh (PyTorch's `nn.init.calculate_gain("tanh")`), about 4 for the sigmoid
# (its slope at 0 is 1/4), $\sqrt 2$ for ReLU. With the gain, tanh layers keep a steady std (about 0.65).
# ReLU zeroes half of its inputs, so with Xavier it loses half of the variance at each layer; He's factor 2
# (Xavier with the gain $\sqrt 2$ when $n_{\text{in}} = n_{\text{out}}$) compensates exactly.

# %%
rng = np.random.default_rng(0)
X_init = rng.normal(size=(500, 256))
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for ax, act, settings in [(axes[0], "tanh", [("small", 1), ("xavier", 1), ("xavier", 5 / 3)]),
                           (axes[1], "relu", [("small", 1), ("xavier", 1), ("he", 1)])]:
    stds = {}
    for init, gain in settings:
        deep = init_network([256] * 11, [act] * 10, init=init, rng=np.random.default_rng(1))
        for layer in deep:
            layer["W"] *= gain                      # Xavier with a gain: sigma = gain * sqrt(2 / (n_in + n_out))
        _, caches = network_forward(X_init, deep)
        label = init if gain == 1 else f"{init} x gain 5/3"
        stds[label] = [c["A"].std() for c in caches]
        print(f"{act}, {label:18s}: std {stds[label][0]:.2g} at layer 1, {stds[label][-1]:.2g} at layer 10")
    plot_layer_std(stds, ax=ax)
    ax.set_title(f"10 {act} layers of 256 neurons")
plt.show()

# %% [markdown]
# ### 5.2 Why centre the inputs? (not graded)
#
# The course's slide (*Consider what happens when the input to a neuron is always positive*): for one
# neuron $a = f(\mathbf{w}^\top\mathbf{x} + b)$ and one example, $\partial\ell/\partial\mathbf{w} =
# \delta\,\mathbf{x}$ with the **scalar** $\delta = \partial\ell/\partial z$. If every $x_i > 0$, all the
# components of the gradient have the sign of $\delta$: **all positive or all negative**. A descent step can
# then only increase all the weights or decrease all of them, and reaching a $\mathbf{w}$ that needs some
# weights up and others down takes a zig-zag. The same holds inside the network: the inputs of a layer
# that follows a sigmoid are always positive, and so are those of **every layer that follows a ReLU**
# ($\max(0, z) \ge 0$). For the sigmoid it is one reason why tanh, centred at 0, was preferred in hidden
# layers; for ReLU networks it is one motivation for normalising the activations between layers (batch
# normalisation).
#
# First the signs: for each example, does the gradient $\delta_k\mathbf{x}_k$ have all its components of
# the same sign?

# %%
rng = np.random.default_rng(0)
X_pos = rng.uniform(0.5, 1.5, size=(1000, 5))      # all inputs positive (like pixel intensities)
X_cen = X_pos - X_pos.mean(axis=0)                   # the same data, centred
delta = rng.normal(size=(1000, 1))                   # some upstream dl/dz, one per example
for name, data in [("positive inputs", X_pos), ("centred inputs", X_cen)]:
    g = delta * data                                  # row k: the gradient on w for example k
    same_sign = np.mean(np.all(g > 0, axis=1) | np.all(g < 0, axis=1))
    print(f"{name:16s}: {same_sign:.0%} of the per-example gradients have all components of the same sign")

# %% [markdown]
# Then the cost: a linear softmax classifier (one `identity` layer, your functions), trained by
# gradient descent on three Gaussian clouds of points (three classes), once centred and once shifted by +5
# (all coordinates positive). With the learning rate that suits the centred data, the shifted version
# oscillates wildly; with a learning rate small enough to be stable, it is much slower.

# %%
def train_linear(X, y, lr, steps=150):
    """Losses of a linear softmax classifier trained by full-batch gradient descent."""
    net = [{"W": np.zeros((3, X.shape[1])), "b": np.zeros(3), "activation": "identity"}]
    losses = []
    for _ in range(steps):
        scores, caches = network_forward(X, net)
        loss, dS = softmax_cross_entropy(scores, y)
        net = sgd_update(net, network_backward(dS, net, caches), lr)
        losses.append(loss)
    return np.array(losses)


rng = np.random.default_rng(0)
centres = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
y_bl = rng.integers(0, 3, 300)
X_bl = centres[y_bl] + rng.normal(size=(300, 2))
X_bl = X_bl - X_bl.mean(axis=0)
fig, ax = plt.subplots(figsize=(6, 4))
for shift, lr, style in [(0, 1.0, "-"), (5, 1.0, ":"), (5, 0.1, "--"), (0, 0.1, "-.")]:
    losses = train_linear(X_bl + shift, y_bl, lr)
    ax.semilogy(losses, style, label=f"{'centred' if shift == 0 else 'shifted by +5'}, lr = {lr}")
ax.set(xlabel="step", ylabel="mean cross-entropy", title="centred vs positive inputs")
ax.legend()
plt.show()

# %% [markdown]
# ### 5.3 Question (2 points, graded by hand): why centre the inputs?
#
# Using the two experiments above, explain in a few sentences: (a) why, when all the inputs of a
# neuron are positive, the gradients on its weights are all positive or all negative for each
# example; (b) why this slows gradient descent down (what do the steps look like, and why must the
# learning rate be small?); (c) what preprocessing you apply to the data to avoid it, and with which
# statistics (computed on which set).

# %% [markdown] nbgrader={"grade": true, "grade_id": "why_centred", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# (a) For a neuron $z = \mathbf{w}^\top\mathbf{x} + b$, $a = f(z)$, the chain rule gives
# $\partial\ell/\partial w_i = \delta\,x_i$ with the same scalar $\delta = \partial\ell/\partial z$ for every
# $i$. If all $x_i > 0$, every component has the sign of $\delta$: the first experiment finds 100% of the
# per-example gradients with all components of the same sign, against a small fraction once centred.
#
# (b) Each update then moves all the weights in the same direction (all up or all down). If the best
# weights need some components to increase and others to decrease, gradient descent can only reach them
# by a zig-zag of alternately positive and negative steps, which takes many steps. Equivalently, the
# mean of the inputs adds a large common direction to the loss surface (an elongated valley, large
# curvature along $(1, \dots, 1)$ and the bias): a learning rate large enough for the other directions
# makes the iterates oscillate along that one (the shifted data with lr = 1 jumps around), and the small
# learning rate that is stable makes progress very slow (the lr = 0.1 curve).
#
# (c) Standardise the inputs: subtract the mean of each feature (and usually divide by its standard
# deviation), $\mathbf{x} \leftarrow (\mathbf{x} - \boldsymbol{\mu}) / \boldsymbol{\sigma}$, with $\boldsymbol{\mu}$
# and $\boldsymbol{\sigma}$ computed on the **training** set only and then applied unchanged to the validation
# and test sets. (Inside the network, zero-centred activations such as tanh, or batch normalisation, play
# the same role for the hidden layers.)
#
# *Grading (2 points): (a) 0.5 point: $\partial\ell/\partial w_i = \delta\,x_i$ with one scalar $\delta$, so
# all components share its sign. (b) 1 point: all weights move together, hence zig-zag steps (or an
# elongated valley), a small stable learning rate and slow progress. (c) 0.5 point: subtract the mean
# (optionally divide by the std) computed on the training set, applied unchanged to the other sets.*

# %% [markdown]
# ## Summary
#
# - With one example per row, a layer is `Z = A_prev @ W.T + b`: broadcasting does the notes' `repmat`.
#   The row-wise softmax subtracts the row max (`keepdims=True`); the cross-entropy is computed from the
#   scores with a log-sum-exp, so it never takes `log(0)`.
# - Backward on a batch: the $1/N$ of the mean loss enters once, in $\nabla_{\tilde{\mathbf{Y}}} =
#   (\hat{\mathbf{Y}} - \mathbf{Y})/N$; weight gradients are $\nabla_{\mathbf{Z}}^\top\mathbf{A}_{\text{prev}}$
#   (a sum over the examples) and bias gradients are column sums. The result is the mean of the
#   per-example gradients and does not depend on N.
# - Vectorising replaces N Python iterations by one matrix product: typically 10 to 30 times faster
#   for this small network.
# - Each loss gives its gradient with respect to the scores: $\mathbf{S} - \mathbf{T}$ (MSE),
#   $\mathrm{softmax}(\mathbf{S}) - \mathbf{Y}$ (cross-entropy), indicator counts (hinge), all over N.
# - An L-layer network is a loop: forward caches $(\mathbf{A}^{i-1}, \mathbf{Z}^i, \mathbf{A}^i)$, backward
#   applies $\nabla_{\mathbf{Z}} = \nabla_{\mathbf{A}}\odot f'$, $\nabla_{\mathbf{W}} = \nabla_{\mathbf{Z}}^\top\mathbf{A}_{\text{prev}}$,
#   $\nabla_{\mathbf{A}_{\text{prev}}} = \nabla_{\mathbf{Z}}\mathbf{W}$ from the last layer to the first.
# - Initialise with the right scale (Xavier times the gain 5/3 for tanh, He for ReLU) and feed centred inputs.
#
# ## Going further
#
# - Write `network_backward` for a softmax output *inside* the network (its Jacobian
#   $\partial\hat y_j/\partial s_i = \hat y_j(\delta_{ij} - \hat y_i)$, from the course's slide) and check that
#   composing it with the cross-entropy gives back $\hat{\mathbf{Y}} - \mathbf{Y}$.
# - Time the backward pass too, and try `float32` arrays: how much faster, and how much less precise?
# - Train the spiral network with mini-batches of 32 examples instead of the full batch (TP4).
# - Replace the cross-entropy by the hinge loss in the training loop: does the decision boundary change?
# - Read Glorot & Bengio (2010), *Understanding the difficulty of training deep feedforward neural
#   networks*, and He et al. (2015), *Delving deep into rectifiers*, for the derivations of the two scales.
