# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # TP2: Backpropagation (rétropropagation) through a one-hidden-layer network
#
# **What you will be able to do**
#
# 1. Run the forward pass of a computational graph (graphe de calcul) and get *every* partial
#    derivative with one backward pass; read the rules off the gates: add distributes, multiply
#    swaps, max routes; say why a step gate never learns and a sigmoid gate does.
# 2. Write a numerically stable softmax, its Jacobian, the cross-entropy loss, and derive that
#    the gradient on the logits is $\hat{\mathbf y} - \mathbf y$.
# 3. Push one example through a network with one hidden layer (couche cachée; tanh or ReLU), compute the loss,
#    then backpropagate by hand: element-wise with loops first, then in vector form with numpy.
# 4. Take one gradient-descent step and watch the loss go down.
# 5. (Bonus) Write a 40-line scalar autograd engine: the idea behind PyTorch's `backward()`.
#
# **Prerequisites**: TP1 (derivatives of sigmoid and tanh, stable `logsumexp`, the numerical
# gradient by central differences and the gradient check), numpy broadcasting, `@` and `np.outer`.
#
# **How you are graded**: each exercise has an answer cell (replace
# `raise NotImplementedError()`) followed by a test cell. The visible tests give quick feedback;
# hidden tests (same spirit, other sizes and seeds, gradients compared with numerical ones) run at
# grading. Every answer is written with numpy: an answer that hands its exercise to scipy, scikit-learn,
# PyTorch, JAX or autograd, or a backward pass that differentiates numerically, loses the points of its
# test (each exercise says what it asks). Two answers are written in markdown and graded by hand.
# Run the notebook from the top (*Kernel → Restart & Run All*) before you submit.
#
# | part | exercise | function / answer | points |
# |---|---|---|---|
# | 1 Graphs | 1.1 | `graph_sum_product` | 2 |
# | | 1.2 | `graph_relu_neuron` | 3 |
# | | 1.3 | `gate_backward` | 2 |
# | | 1.4 | `gated_unit` | 2 |
# | | 1.5 | why a step gate never learns (written) | 2 |
# | 2 Softmax | 2.1 | `softmax` | 2 |
# | | 2.2 | `softmax_jacobian` | 2 |
# | | 2.3 | `cross_entropy` | 2 |
# | | 2.4 | `grad_logits` | 2 |
# | | 2.5 | derivation of $\partial\ell/\partial\tilde{\mathbf y}$ (written) | 3 |
# | 3 MLP | 3.1 | `count_params` | 1 |
# | | 3.2 | `forward` | 3 |
# | | 3.3 | `backward_loops` (element-wise) | 4 |
# | | 3.4 | `backward` (vector form) | 5 |
# | | 3.5 | `sgd_step` | 2 |
# | 4 Bonus | 4.1 | `Value` (scalar autograd) | 3 |
# | | | **total** (37 + 3 bonus) | **40** |
#
# nbgrader counts the 40 points as 35 auto-graded (the test cells) + 5 graded by hand (1.5 and 2.5);
# the bonus part 4 is included in the 40.
#
# ## Notation (the same in every notebook of the course)
#
# | maths | numpy | shape | meaning |
# |---|---|---|---|
# | $\mathbf x$ | `x` | `(n_x,)` | one example (a 1-D array) |
# | $\mathbf X$ | `X` | `(N, n_x)` | a batch, **one example per row** (TP3) |
# | $y \in \{0,\dots,n_y-1\}$ | `y` | `int` | the class of $\mathbf x$ (0-based, as in numpy) |
# | $\mathbf y=\mathrm{onehot}(y)$ | `np.eye(n_y)[y]` | `(n_y,)` | the target as a one-hot vector |
# | $\mathbf W^h$, $\mathbf b^h$ | `params["W_h"]`, `params["b_h"]` | `(n_h, n_x)`, `(n_h,)` | hidden layer, $W$ is **(n_out, n_in)** |
# | $\tilde{\mathbf h} = \mathbf W^h \mathbf x + \mathbf b^h$ | `h_tilde = W_h @ x + b_h` | `(n_h,)` | pre-activation (préactivation) |
# | $\mathbf h = \varphi(\tilde{\mathbf h})$ | `h = np.tanh(h_tilde)` | `(n_h,)` | activation, $\varphi$ = tanh or ReLU ($\sigma$ is kept for the sigmoid) |
# | $\mathbf W^y$, $\mathbf b^y$ | `params["W_y"]`, `params["b_y"]` | `(n_y, n_h)`, `(n_y,)` | output layer |
# | $\tilde{\mathbf y} = \mathbf W^y \mathbf h + \mathbf b^y$ | `y_tilde = W_y @ h + b_y` | `(n_y,)` | logits, scores |
# | $\hat{\mathbf y} = \mathrm{softmax}(\tilde{\mathbf y})$ | `y_hat = softmax(y_tilde)` | `(n_y,)` | predicted probabilities |
# | $\ell = -\log \hat y_y$ | `loss` | scalar | cross-entropy loss (perte) of one example |
# | $\nabla_{\mathbf W}\ell$ | `grads["W_h"]` | same as $\mathbf W$ | gradient: **same shape as the parameter** |
# | $\mathbf Z = \mathbf X \mathbf W^\top + \mathbf b$ | `Z = X @ W.T + b` | `(N, n_out)` | a batch (PyTorch `nn.Linear`), TP3 |
# | $\odot$ | `*` | | element-wise product |
#
# **One name per thing, in every TP.** $n_y$ is the number of classes, written $K$ in TP4;
# $n_h$ is the hidden size (never $H$: TP3 and TP4 use $\mathbf H$ for the matrix of hidden
# activations). Layer $l$'s parameters are $\mathbf W^{(l)}, \mathbf b^{(l)}$: here
# $\mathbf W^h, \mathbf b^h$ are $\mathbf W^{(1)}, \mathbf b^{(1)}$ and $\mathbf W^y, \mathbf b^y$ are
# $\mathbf W^{(2)}, \mathbf b^{(2)}$ (TP4's `W1, b1, W2, b2`).
#
# *Reading the seeds (course notes)*: one set of notes writes examples as row vectors,
# $\tilde{\mathbf h} = \mathbf x \mathbf W^{h\top} + \mathbf b^h$: for a 1-D `x` this is the same
# number as `W_h @ x + b_h`, but their $\nabla_{\mathbf W} = \nabla^\top \mathbf x$ becomes our
# $\nabla \mathbf x^\top$ (`np.outer`). Another set writes $h^a, h^s, o^a, o^s$ for our
# $\tilde{\mathbf h}, \mathbf h, \tilde{\mathbf y}, \hat{\mathbf y}$, $W^{(1)}, W^{(2)}$ for
# $\mathbf W^h, \mathbf W^y$, and numbers classes from 1 (hence their `np.eye(m)[y-1]`; ours is
# `np.eye(n_y)[y]`). These conventions are noted here, not followed.

# %% nbgrader={"grade": false, "grade_id": "imports", "locked": true, "schema_version": 3, "solution": false, "task": false}
import numpy as np
import matplotlib.pyplot as plt

from tp_utils import check_array, check_scalar, check_shape, check_gradient
from tp_utils.hints import check_array_hinted


def num_grad(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function (you wrote this in TP1).

    Parameters
    ----------
    f : callable, f(x) -> float
    x : ndarray of any shape, float64 (changed during the call, restored after)

    Returns
    -------
    ndarray, same shape as x: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every entry i
    """
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = float(f(x))
        x[i] = old - eps
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def check_keys(name, d, keys):
    """Check that ``d`` is a dict holding at least ``keys``."""
    if not isinstance(d, dict):
        raise AssertionError(f"{name} should be a dict, got a {type(d).__name__}.")
    missing = [k for k in keys if k not in d]
    if missing:
        raise AssertionError(f"{name} is missing the keys {missing} (it has {sorted(d)}).")


def init_params(n_x, n_h, n_y, rng, scale=0.5):
    """Random parameters of a one-hidden-layer network, W of shape (n_out, n_in).

    Returns
    -------
    dict: "W_h" (n_h, n_x), "b_h" (n_h,), "W_y" (n_y, n_h), "b_y" (n_y,)
    """
    return {"W_h": scale * rng.normal(size=(n_h, n_x)), "b_h": scale * rng.normal(size=n_h),
            "W_y": scale * rng.normal(size=(n_y, n_h)), "b_y": scale * rng.normal(size=n_y)}

# %% [markdown]
# # Part 1. Computational graphs and backpropagation (graphe de calcul, rétropropagation)
#
# A network is a composition of functions, $\hat{\mathbf y} = f^{(3)}(f^{(2)}(f^{(1)}(\mathbf x)))$,
# drawn as an acyclic graph: a node per variable, an edge per operation. Backpropagation is the
# algorithm that computes **all** the partial derivatives of the output with respect to every
# node, in one pass from the output back to the inputs. It is *not* the learning algorithm:
# gradient descent is; backprop only supplies the gradients it uses.
#
# It rests on the chain rule, in its general form: if $x$ reaches $z$ through several
# intermediate variables $y_j$, the contributions **add up**:
# $$\frac{\partial z}{\partial x} = \sum_j \frac{\partial z}{\partial y_j}\,\frac{\partial y_j}{\partial x}.$$
#
# ## 1.1 The slide's graph: $f = (u + v)\,w$
#
# Name the intermediate node $t_1 = u + v$, so $f = t_1 w$. With $u = 2$, $v = 3$, $w = 4$:
#
# *forward pass*: $t_1 = 5$, $f = 20$.
#
# *backward pass*, starting from $\frac{\partial f}{\partial f} = 1$ and walking back:
# $$\frac{\partial f}{\partial w} = t_1\,\frac{\partial f}{\partial f} = 5,\qquad
#   \frac{\partial f}{\partial t_1} = w\,\frac{\partial f}{\partial f} = 4,\qquad
#   \frac{\partial f}{\partial u} = \frac{\partial t_1}{\partial u}\,\frac{\partial f}{\partial t_1} = 1\cdot 4 = 4,\qquad
#   \frac{\partial f}{\partial v} = 1\cdot 4 = 4.$$
#
# Write `graph_sum_product(u, v, w)` that returns the forward values and every partial
# derivative, **computed the backprop way** (each one from the one above it), for any numbers,
# 0 included: $\partial f/\partial w = t_1$, not $f / w$ (which is the same number only when $w \ne 0$).

# %% nbgrader={"grade": false, "grade_id": "graph_sum_product", "locked": false, "schema_version": 3, "solution": true, "task": false}
def graph_sum_product(u, v, w):
    """Forward and backward pass of f = (u + v) * w, with t1 = u + v.

    Parameters
    ----------
    u, v, w : float

    Returns
    -------
    dict of floats with keys
        "t1", "f"                               forward values
        "df_df", "df_dw", "df_dt1", "df_du", "df_dv"   partial derivatives of f
    """
    ### BEGIN SOLUTION
    t1 = u + v
    f = t1 * w
    df_df = 1.0
    df_dw = t1 * df_df
    df_dt1 = w * df_df
    df_du = 1.0 * df_dt1
    df_dv = 1.0 * df_dt1
    return {"t1": t1, "f": f, "df_df": df_df, "df_dw": df_dw, "df_dt1": df_dt1,
            "df_du": df_du, "df_dv": df_dv}
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_graph_sum_product", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(0)
d = graph_sum_product(2.0, 3.0, 4.0)
check_keys("graph_sum_product(2, 3, 4)", d, ["t1", "f", "df_df", "df_dw", "df_dt1", "df_du", "df_dv"])
for key, expected in {"t1": 5, "f": 20, "df_df": 1, "df_dw": 5, "df_dt1": 4, "df_du": 4, "df_dv": 4}.items():
    check_scalar(f"graph_sum_product(2, 3, 4)['{key}']", d[key], expected)
check_scalar("graph_sum_product(2, 3, 0)['df_dw'] (w = 0: df/dw = t1, whatever w)", graph_sum_product(2.0, 3.0, 0.0)["df_dw"], 5.0)
### BEGIN HIDDEN TESTS
from tp_course.reference import numerical_gradient as _ref_grad
for _ in range(5):
    u, v, w = rng.normal(size=3) * 3
    d = graph_sum_product(u, v, w)
    check_scalar("t1", d["t1"], u + v)
    check_scalar("f", d["f"], (u + v) * w)
    check_scalar("df_dt1", d["df_dt1"], w)
    g = _ref_grad(lambda p: (p[0] + p[1]) * p[2], np.array([u, v, w]))
    for key, expected in zip(["df_du", "df_dv", "df_dw"], g):
        check_scalar(f"graph_sum_product({u:.3f}, {v:.3f}, {w:.3f})['{key}']", d[key], expected,
                     rtol=1e-6, atol=1e-7)
# special points: w = 0 (df/dw = t1, not f / w) and t1 = 0 (df/du = w, not f / t1)
for (u, v, w), expected in [((1.5, -0.5, 0.0), {"f": 0.0, "df_dw": 1.0, "df_dt1": 0.0, "df_du": 0.0, "df_dv": 0.0}),
                            ((2.0, -2.0, 3.0), {"f": 0.0, "df_dw": 0.0, "df_dt1": 3.0, "df_du": 3.0, "df_dv": 3.0})]:
    d = graph_sum_product(u, v, w)
    for key, value in expected.items():
        check_scalar(f"graph_sum_product({u}, {v}, {w})['{key}'] (a special point: a derivative is not a ratio)",
                     d[key], value)
### END HIDDEN TESTS

# %% [markdown]
# ## 1.2 A neuron: $f = w_3\,\mathrm{ReLU}(w_1 x_1 + w_2 x_2 + b)$
#
# Name the nodes: $z = w_1 x_1 + w_2 x_2 + b$ (pre-activation), $r = \mathrm{ReLU}(z) = \max(0, z)$,
# $f = w_3 r$. Backward, one gate at a time:
# $$\frac{\partial f}{\partial w_3} = r,\quad \frac{\partial f}{\partial r} = w_3,\quad
#   \frac{\partial f}{\partial z} = \mathbb 1[z > 0]\,\frac{\partial f}{\partial r},\quad
#   \frac{\partial f}{\partial w_1} = x_1 \frac{\partial f}{\partial z},\quad
#   \frac{\partial f}{\partial x_1} = w_1 \frac{\partial f}{\partial z},\quad
#   \frac{\partial f}{\partial b} = \frac{\partial f}{\partial z},\ \dots$$
# At $z = 0$ ReLU has no derivative; like PyTorch we take $0$ there (the tests check $z = 0$ too:
# the mask is $z > 0$, not $z \ge 0$).
#
# *Example*: $x_1 = 1$, $x_2 = -2$, $w_1 = 3$, $w_2 = 1$, $b = 0.5$, $w_3 = 2$ gives $z = 1.5$,
# $r = 1.5$, $f = 3$, $\partial f/\partial z = 2$, $\partial f/\partial w_1 = 2$,
# $\partial f/\partial x_2 = 2$. With $b = -2.5$ instead, $z = -1.5$: the ReLU is inactive and
# **every** gradient below it is $0$, and so is $\partial f/\partial w_3 = r$; only
# $\partial f/\partial r = w_3$ is not.

# %% nbgrader={"grade": false, "grade_id": "graph_relu_neuron", "locked": false, "schema_version": 3, "solution": true, "task": false}
def graph_relu_neuron(x1, x2, w1, w2, b, w3):
    """Forward and backward pass of f = w3 * ReLU(w1 x1 + w2 x2 + b).

    Parameters
    ----------
    x1, x2, w1, w2, b, w3 : float

    Returns
    -------
    dict of floats with keys
        "z", "r", "f"                                  forward values (z pre-activation, r = ReLU(z))
        "df_dw3", "df_dr", "df_dz",
        "df_dw1", "df_dx1", "df_dw2", "df_dx2", "df_db"   partial derivatives of f
    """
    ### BEGIN SOLUTION
    z = w1 * x1 + w2 * x2 + b
    r = max(0.0, z)
    f = w3 * r
    df_dw3 = r
    df_dr = w3
    df_dz = (1.0 if z > 0 else 0.0) * df_dr
    return {"z": z, "r": r, "f": f, "df_dw3": df_dw3, "df_dr": df_dr, "df_dz": df_dz,
            "df_dw1": x1 * df_dz, "df_dx1": w1 * df_dz, "df_dw2": x2 * df_dz,
            "df_dx2": w2 * df_dz, "df_db": df_dz}
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_graph_relu_neuron", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(1)
keys = ["z", "r", "f", "df_dw3", "df_dr", "df_dz", "df_dw1", "df_dx1", "df_dw2", "df_dx2", "df_db"]
d = graph_relu_neuron(1.0, -2.0, 3.0, 1.0, 0.5, 2.0)
check_keys("graph_relu_neuron(...)", d, keys)
expected = {"z": 1.5, "r": 1.5, "f": 3.0, "df_dw3": 1.5, "df_dr": 2.0, "df_dz": 2.0,
            "df_dw1": 2.0, "df_dx1": 6.0, "df_dw2": -4.0, "df_dx2": 2.0, "df_db": 2.0}
for key in keys:
    check_scalar(f"active ReLU: ['{key}']", d[key], expected[key])
d = graph_relu_neuron(1.0, -2.0, 3.0, 1.0, -2.5, 2.0)
for key in ["z", "r", "f", "df_dw3", "df_dr", "df_dz", "df_dw1", "df_dx1", "df_db"]:
    check_scalar(f"inactive ReLU (z = -1.5): ['{key}']", d[key],
                 {"z": -1.5, "df_dr": 2.0}.get(key, 0.0))
### BEGIN HIDDEN TESTS
from tp_course.reference import numerical_gradient as _ref_grad
names = ["x1", "x2", "w1", "w2", "b", "w3"]
ref_f = lambda p: p[5] * max(0.0, p[2] * p[0] + p[3] * p[1] + p[4])
for trial in range(8):
    p = rng.normal(size=6) * 2
    if abs(p[2] * p[0] + p[3] * p[1] + p[4]) < 1e-3:
        continue
    d = graph_relu_neuron(*p)
    z = p[2] * p[0] + p[3] * p[1] + p[4]
    check_scalar("z", d["z"], z)
    check_scalar("r", d["r"], max(0.0, z))
    check_scalar("f", d["f"], ref_f(p))
    check_scalar("df_dz", d["df_dz"], p[5] * (z > 0), atol=1e-9)
    g = _ref_grad(ref_f, p.copy())
    for name, expected in zip(names, g):
        check_scalar(f"graph_relu_neuron(random, z = {z:.3f})['df_d{name}']", d["df_d" + name],
                     expected, rtol=1e-6, atol=1e-7)
# special points: z = 0 exactly (ReLU'(0) = 0, the course's convention) and w3 = 0 (df/dw3 = r, not f / w3)
d = graph_relu_neuron(1.0, 1.0, 1.0, 1.0, -2.0, 1.5)
for key in keys:
    check_scalar(f"graph_relu_neuron at z = 0 exactly (ReLU'(0) = 0: the mask is z > 0)['{key}']", d[key],
                 1.5 if key == "df_dr" else 0.0)
d = graph_relu_neuron(1.0, -2.0, 3.0, 1.0, 0.5, 0.0)
for key, value in {"f": 0.0, "df_dw3": 1.5, "df_dr": 0.0, "df_dz": 0.0, "df_dw1": 0.0}.items():
    check_scalar(f"graph_relu_neuron with w3 = 0 (df/dw3 = r, not f / w3)['{key}']", d[key], value)
### END HIDDEN TESTS

# %% [markdown]
# ## 1.3 Rules you can read off the gates
#
# Each gate receives from above the **upstream gradient** $g = \partial f/\partial(\text{its output})$
# and sends down to each input $g \times$ (local derivative). Three gates, three rules:
#
# | gate | forward | backward to $a$ | backward to $b$ | rule |
# |---|---|---|---|---|
# | add | $a + b$ | $g$ | $g$ | **distributes** $g$ unchanged to every input |
# | multiply | $a\,b$ | $b\,g$ | $a\,g$ | **swaps** the inputs |
# | max | $\max(a, b)$ | $g\,\mathbb 1[a > b]$ | $g\,\mathbb 1[b > a]$ | **routes** $g$ to the winner, 0 to the loser |
#
# And when a variable feeds several gates, the gradients coming back along the paths **add up**
# (generalised chain rule): for $f = x\cdot x + x$, $\partial f/\partial x = x + x + 1$.
#
# Write `gate_backward(gate, a, b, upstream)` returning the pair of gradients sent to $a$ and to
# $b$. (The tests never call `max` with $a = b$.)

# %% nbgrader={"grade": false, "grade_id": "gate_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gate_backward(gate, a, b, upstream):
    """Gradients that a two-input gate sends to its inputs.

    Parameters
    ----------
    gate : "add", "mul" or "max"
    a, b : float
        The gate's inputs (their forward values).
    upstream : float
        d(output of the graph) / d(output of the gate).

    Returns
    -------
    (grad_a, grad_b) : tuple of two floats
    """
    ### BEGIN SOLUTION
    if gate == "add":
        return upstream, upstream
    if gate == "mul":
        return b * upstream, a * upstream
    if gate == "max":
        return (upstream, 0.0) if a > b else (0.0, upstream)
    raise ValueError(f"unknown gate {gate!r}")
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_gate_backward", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(2)
for gate, expected in [("add", (-2.0, -2.0)), ("mul", (-8.0, -6.0)), ("max", (0.0, -2.0))]:
    ga, gb = gate_backward(gate, 3.0, 4.0, -2.0)
    check_scalar(f"gate_backward('{gate}', 3, 4, -2)[0]", ga, expected[0])
    check_scalar(f"gate_backward('{gate}', 3, 4, -2)[1]", gb, expected[1])
### BEGIN HIDDEN TESTS
from tp_course.reference import numerical_gradient as _ref_grad
forwards = {"add": lambda p: p[0] + p[1], "mul": lambda p: p[0] * p[1], "max": lambda p: max(p[0], p[1])}
for _ in range(6):
    a, b, g = rng.normal(size=3) * 3
    for gate, fwd in forwards.items():
        expected = g * _ref_grad(fwd, np.array([a, b]))
        ga, gb = gate_backward(gate, a, b, g)
        check_scalar(f"gate_backward('{gate}', {a:.3f}, {b:.3f}, {g:.3f})[0]", ga, expected[0], atol=1e-7)
        check_scalar(f"gate_backward('{gate}', {a:.3f}, {b:.3f}, {g:.3f})[1]", gb, expected[1], atol=1e-7)
### END HIDDEN TESTS

# %% [markdown]
# ## 1.4 All-or-nothing gates (porte tout-ou-rien) versus the sigmoid gate
#
# A gate lets a signal $a$ through according to a control $b$: $f = a\, s(b)$. Three choices of $s$:
#
# | gate | $s(b)$ | $s'(b)$ |
# |---|---|---|
# | `"step"` (all-or-nothing) | $\mathbb 1[b > 0]$ | $0$ (everywhere we can differentiate it; take $0$ at $b = 0$ too) |
# | `"sigmoid"` | $\sigma(b) = \frac{1}{1 + e^{-b}}$ | $\sigma(b)\,(1 - \sigma(b))$ |
# | `"saturating"` (linear, clipped) | $\min(1, \max(0, b))$ | $\mathbb 1[0 < b < 1]$ |
#
# Backward: $\dfrac{\partial f}{\partial a} = s(b)$ and $\dfrac{\partial f}{\partial b} = a\, s'(b)$.
#
# numpy twins: `1.0 / (1.0 + np.exp(-b))`, `np.clip(b, 0, 1)`. Write `gated_unit(a, b, gate)`.

# %% nbgrader={"grade": false, "grade_id": "gated_unit", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gated_unit(a, b, gate):
    """Forward and backward of f = a * s(b) for a gate s.

    Parameters
    ----------
    a, b : float
    gate : "step", "sigmoid" or "saturating"

    Returns
    -------
    (f, df_da, df_db) : tuple of three floats
    """
    ### BEGIN SOLUTION
    if gate == "step":
        s, ds = float(b > 0), 0.0
    elif gate == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-b))
        ds = s * (1.0 - s)
    elif gate == "saturating":
        s, ds = min(1.0, max(0.0, b)), float(0 < b < 1)
    else:
        raise ValueError(f"unknown gate {gate!r}")
    return a * s, s, a * ds
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_gated_unit", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(3)
for (gate, b), expected in {("step", 2.0): (3.0, 1.0, 0.0), ("step", -2.0): (0.0, 0.0, 0.0),
                            ("sigmoid", 0.0): (1.5, 0.5, 0.75),
                            ("saturating", 0.5): (1.5, 0.5, 3.0), ("saturating", -2.0): (0.0, 0.0, 0.0)}.items():
    out = gated_unit(3.0, b, gate)
    for name, value, exp in zip(["f", "df_da", "df_db"], out, expected):
        check_scalar(f"gated_unit(3, {b}, '{gate}') {name}", value, exp)
### BEGIN HIDDEN TESTS
from scipy.special import expit
from tp_course.reference import numerical_gradient as _ref_grad
s_of = {"step": lambda b: float(b > 0), "sigmoid": expit, "saturating": lambda b: float(np.clip(b, 0, 1))}
for _ in range(8):
    a, b = rng.normal(size=2) * 3
    if min(abs(b), abs(b - 1)) < 1e-3:
        continue
    for gate, s in s_of.items():
        f, da, db = gated_unit(a, b, gate)
        g = _ref_grad(lambda p: p[0] * s(p[1]), np.array([a, b]))
        check_scalar(f"gated_unit({a:.3f}, {b:.3f}, '{gate}') f", f, a * s(b), atol=1e-9)
        check_scalar(f"gated_unit({a:.3f}, {b:.3f}, '{gate}') df_da", da, g[0], atol=1e-7)
        check_scalar(f"gated_unit({a:.3f}, {b:.3f}, '{gate}') df_db", db, g[1], rtol=1e-5, atol=1e-7)
### END HIDDEN TESTS

# %% [markdown]
# ### Networks A, B and C
#
# The slides draw three small networks A, B, C (the pictures are not in the notes); we rebuild
# them as one gated unit $f = a\,s(b)$ that must learn to output $1$, by gradient descent on
# $L = (f - 1)^2$ over $a$ and $b$, starting from three states:
#
# * **A**: $a = 1$, $b = 3$: the gate is open and the output is already right;
# * **B**: $a = 3$, $b = 2$: the gate is open, the output is too large;
# * **C**: $a = 1$, $b = -2$: the gate is closed, the output is $0$.
#
# The cell below runs 100 steps of gradient descent with your `gated_unit` and plots the output.

# %%
def train_gated_unit(a, b, gate, steps=100, lr=0.1):
    """Gradient descent on L = (a s(b) - 1)^2; returns the outputs f along the way."""
    outputs = []
    for _ in range(steps):
        f, df_da, df_db = gated_unit(a, b, gate)
        outputs.append(f)
        dL_df = 2 * (f - 1)
        a, b = a - lr * dL_df * df_da, b - lr * dL_df * df_db
    return np.array(outputs)


starts = {"A": (1.0, 3.0), "B": (3.0, 2.0), "C": (1.0, -2.0)}
fig, axes = plt.subplots(1, 3, figsize=(12, 3), sharey=True)
for ax, gate in zip(axes, ["step", "sigmoid", "saturating"]):
    for net, (a0, b0) in starts.items():
        ax.plot(train_gated_unit(a0, b0, gate), label=f"network {net}")
    ax.axhline(1, color="k", lw=0.5, ls=":")
    ax.set(title=f"gate: {gate}", xlabel="gradient step")
axes[0].set_ylabel("output f")
axes[0].legend()
fig.tight_layout()

# %% [markdown]
# ## 1.5 Why does network C never learn with a step gate? (written answer, graded by hand)
#
# In the cell below, explain in a few sentences and with the formulas of 1.4: (i) why network C
# never moves with the step gate, (ii) why it learns with the sigmoid gate, (iii) what the
# saturating gate keeps and what it loses, and (iv) what this says about the functions we put in
# a network (*"soft", differentiable end-to-end*).

# %% [markdown] nbgrader={"grade": true, "grade_id": "why_step_gate", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# **Model answer.** (i) With the step gate, $s'(b) = 0$ wherever it is defined, so
# $\partial L/\partial b = \frac{\partial L}{\partial f}\, a\, s'(b) = 0$: $b$ never changes. In
# network C the gate is closed ($b < 0$), so also $\partial L/\partial a = \frac{\partial L}{\partial f}\, s(b) = 0$:
# both gradients are exactly zero and gradient descent never moves, whatever the loss. (A and B
# only learn through $a$, because their gate happens to be open.) (ii) The sigmoid is never flat:
# $\sigma'(b) = \sigma(b)(1-\sigma(b)) > 0$, so $\partial L/\partial b = \frac{\partial L}{\partial f}\, a\,\sigma'(-2) \neq 0$
# ($\sigma'(-2) \approx 0.105$): $b$ increases, the gate opens, then $a$ can learn as well.
# (iii) The saturating gate keeps the output between $0$ and $a$ and has a useful gradient
# ($s' = 1$) in its linear zone $0 < b < 1$, but outside it $s' = 0$: network C ($b = -2$) is stuck
# again; it learns only if $b$ starts in the linear zone. (iv) Gradient descent only sees local
# slopes: every function on the path from the loss to a parameter must be differentiable with a
# non-zero derivative where the network is, otherwise that parameter receives no signal. This is
# the same reason a dead ReLU ($\tilde h < 0$ for every example) stops learning.
# Grading: 1 point for (i) with the two zero gradients, 1 point for (ii)-(iv) (the sigmoid's
# non-zero slope; the saturating gate's linear zone; differentiable end-to-end).

# %% [markdown]
# # Part 2. Softmax and cross-entropy
#
# ## 2.1 Softmax
#
# The output layer gives scores (logits) $\tilde{\mathbf y} \in \mathbb R^{n_y}$. Softmax turns
# them into a probability distribution:
# $$\hat y_i = \mathrm{softmax}(\tilde{\mathbf y})_i = \frac{e^{\tilde y_i}}{\sum_{j=1}^{n_y} e^{\tilde y_j}}.$$
#
# * Every $\hat y_i > 0$ because $e^t > 0$ for every real $t$.
# * $\sum_i \hat y_i = \frac{\sum_i e^{\tilde y_i}}{\sum_j e^{\tilde y_j}} = 1$.
#
# This is what lets us read $\hat y_k$ as $P(Y = k \mid \mathbf x)$, take its logarithm in the loss,
# and compare it with the one-hot target, itself a distribution.
#
# *Worked example from the slides*: scores $(1.7, 1.4, -1.3)$ give $\hat{\mathbf y} \approx (.558, .414, .028)$.
#
# **Stability.** `np.exp(1000.)` is `inf` (float64 overflows above about 709). Softmax does not
# change when the same constant is subtracted from every score (the $e^{-c}$ cancels above and
# below), so subtract the maximum first: every exponent is then $\le 0$ and the largest term is
# $e^0 = 1$. numpy twin: `e = np.exp(z - z.max()); e / e.sum()`. (`z - z.max()` makes a new array;
# `z -= z.max()` would change the caller's array, e.g. the logits that `forward` keeps in its cache.)
#
# Write it with numpy: `scipy.special.softmax` is what you are re-deriving, and the hidden tests reject an
# answer that calls it (or any function of scipy, scikit-learn, PyTorch, JAX or autograd).

# %% nbgrader={"grade": false, "grade_id": "softmax", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax(z):
    """Numerically stable softmax of one vector of scores.

    Parameters
    ----------
    z : ndarray (n,)  scores (logits)

    Returns
    -------
    ndarray (n,)  positive entries summing to 1
    """
    ### BEGIN SOLUTION
    e = np.exp(z - np.max(z))
    return e / e.sum()
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_softmax", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(4)
check_array("softmax([1.7, 1.4, -1.3])", softmax(np.array([1.7, 1.4, -1.3])), [0.558, 0.414, 0.028], atol=5e-4)
p = softmax(rng.normal(size=5))
check_shape("softmax(z) for z of shape (5,)", p, (5,))
assert np.all(p > 0) and np.isclose(p.sum(), 1), "softmax must be positive and sum to 1"
check_array("softmax([1000, 0, -1000]) (large scores)", softmax(np.array([1000.0, 0.0, -1000.0])), [1.0, 0.0, 0.0])
### BEGIN HIDDEN TESTS
from scipy.special import softmax as _ref_softmax
from tp_course.reference import strict_floats
# tolerances admit a softmax computed in float32 (rounding the scores themselves at scale 1e4)
for n in [1, 2, 3, 10]:
    for scale, rtol in [(1.0, 2e-5), (30.0, 2e-5), (1e4, 1e-2)]:
        z = rng.normal(size=n) * scale
        with strict_floats():
            p = softmax(z.copy())
        check_array(f"softmax(z), n = {n}, scale {scale:g}", p, _ref_softmax(z), rtol=rtol, atol=1e-10)
z = (rng.normal(size=6) * 5).astype(np.float32)
check_array("softmax(float32 z)", np.asarray(softmax(z.copy()), dtype=float), _ref_softmax(z.astype(float)), rtol=1e-5, atol=1e-7)
z = rng.normal(size=4)
check_array("softmax(z + 100) == softmax(z)", softmax(z + 100.0), _ref_softmax(z), rtol=2e-5, atol=1e-10)
z = rng.normal(size=5) * 3
z_before = z.copy()
softmax(z)
assert np.array_equal(z, z_before), ("softmax changed its argument z in place (z -= ...): write z - z.max(), "
                                     "a new array, so that the caller's logits stay as they were")
from tp_course.answers import assert_no_library
assert_no_library("softmax")
### END HIDDEN TESTS

# %% [markdown]
# ## 2.2 The Jacobian of softmax
#
# Each output $\hat y_i$ depends on every score $\tilde y_j$. Differentiating the quotient:
# $$J_{ij} = \frac{\partial \hat y_i}{\partial \tilde y_j} =
#   \begin{cases} \hat y_i(1 - \hat y_i) & i = j\\ -\hat y_i\,\hat y_j & i \ne j\end{cases}
#   \;=\; \hat y_i\,(\delta_{ij} - \hat y_j),
#   \qquad \mathbf J = \mathrm{diag}(\hat{\mathbf y}) - \hat{\mathbf y}\,\hat{\mathbf y}^\top .$$
#
# numpy twin: `np.diag(y_hat) - np.outer(y_hat, y_hat)`. Each column sums to 0 (moving a score
# cannot change $\sum_i \hat y_i = 1$), and so does each row (adding the same constant to every score
# changes no $\hat y_i$).

# %% nbgrader={"grade": false, "grade_id": "softmax_jacobian", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_jacobian(y_hat):
    """Jacobian of softmax, written with its output.

    Parameters
    ----------
    y_hat : ndarray (n,)  softmax output

    Returns
    -------
    ndarray (n, n)  J[i, j] = d y_hat_i / d y_tilde_j = y_hat_i (delta_ij - y_hat_j)
    """
    ### BEGIN SOLUTION
    return np.diag(y_hat) - np.outer(y_hat, y_hat)
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_softmax_jacobian", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(5)
J = softmax_jacobian(np.array([0.5, 0.3, 0.2]))
check_array("softmax_jacobian([0.5, 0.3, 0.2])", J,
            [[0.25, -0.15, -0.10], [-0.15, 0.21, -0.06], [-0.10, -0.06, 0.16]])
# against a numerical Jacobian (row i: the gradient of the i-th output of softmax)
z = rng.normal(size=4)
y_hat = np.exp(z) / np.exp(z).sum()
J_num = np.array([num_grad(lambda t: np.exp(t[i]) / np.exp(t).sum(), z.copy()) for i in range(4)])
check_array("softmax_jacobian(y_hat) vs the numerical Jacobian", softmax_jacobian(y_hat), J_num, rtol=1e-5, atol=1e-8)
### BEGIN HIDDEN TESTS
from scipy.special import softmax as _ref_softmax
from tp_course.reference import numerical_gradient as _ref_grad
for n in [1, 2, 3, 6]:
    z = rng.normal(size=n) * 2
    p = _ref_softmax(z)
    J_ref = np.array([_ref_grad(lambda t: _ref_softmax(t)[i], z.copy()) for i in range(n)])
    check_array(f"softmax_jacobian(y_hat), n = {n}", softmax_jacobian(p.copy()), J_ref, rtol=1e-5, atol=1e-8)
### END HIDDEN TESTS

# %% [markdown]
# ## 2.3 Cross-entropy (entropie croisée)
#
# The loss measures how far the prediction $\hat{\mathbf y}$ is from the target distribution
# $\mathbf y$ (one-hot); the course notes call it an asymmetric distance (it is not symmetric, so not a
# distance in the mathematical sense):
# $H(\mathbf y, \hat{\mathbf y}) = -\sum_j y_j \log \hat y_j$. With a one-hot target only the true
# class remains: $\ell = -\log \hat y_y$. (The other order, $-\sum_j \hat y_j \log y_j$, would take
# $\log 0 = -\infty$.) Written with the logits:
# $$\ell = -\log \frac{e^{\tilde y_y}}{\sum_j e^{\tilde y_j}} = \underbrace{\log\sum_{j} e^{\tilde y_j}}_{\mathrm{logsumexp}(\tilde{\mathbf y})\ \approx\ \max_j \tilde y_j} - \ \tilde y_y .$$
# Raising the true score $\tilde y_y$ lowers the loss; the logsumexp term pushes down the largest
# score, which is the most wrong class whenever it is not the true one. Compute it stably: with $c = \max_j \tilde y_j$,
# $\mathrm{logsumexp}(\tilde{\mathbf y}) = c + \log\sum_j e^{\tilde y_j - c}$ (TP1's `logsumexp`, rewritten here)
# (`c + np.log(np.sum(np.exp(z - c)))`). Taking `-np.log(softmax(z)[y])` fails when
# $\hat y_y$ underflows to 0. Write it with numpy: `scipy.special.logsumexp` is what you are re-deriving
# (the hidden tests reject it).
#
# Worked example: scores $(1.7, 1.4, -1.3)$, true class the second one (`y = 1`): $\ell = -\log 0.414 \approx 0.883$.

# %% nbgrader={"grade": false, "grade_id": "cross_entropy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cross_entropy(y_tilde, y):
    """Cross-entropy of softmax(y_tilde) with the class y, computed stably from the logits.

    Parameters
    ----------
    y_tilde : ndarray (n_y,)  logits
    y : int in {0, ..., n_y - 1}  true class

    Returns
    -------
    float  logsumexp(y_tilde) - y_tilde[y]
    """
    ### BEGIN SOLUTION
    c = np.max(y_tilde)
    return float(c + np.log(np.sum(np.exp(y_tilde - c))) - y_tilde[y])
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_cross_entropy", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(6)
check_scalar("cross_entropy([1.7, 1.4, -1.3], y=1)", cross_entropy(np.array([1.7, 1.4, -1.3]), 1), 0.8825537, rtol=1e-6)
check_scalar("cross_entropy([1000, 0, -1000], y=1) (large scores)", cross_entropy(np.array([1000.0, 0.0, -1000.0]), 1), 1000.0)
### BEGIN HIDDEN TESTS
from scipy.special import logsumexp
from tp_course.reference import strict_floats
for n in [1, 2, 3, 10]:
    for scale in [1.0, 50.0, 1e4]:
        z = rng.normal(size=n) * scale
        y = int(rng.integers(n))
        with strict_floats():
            value = cross_entropy(z.copy(), y)
        # atol grows with the scores: admits float32 (its rounding of z itself is ~6e-8 |z|)
        check_scalar(f"cross_entropy(z, y={y}), n = {n}, scale {scale:g}", value, logsumexp(z) - z[y],
                     rtol=1e-6, atol=1e-6 * scale)
z = rng.normal(size=5) * 3
z_before = z.copy()
cross_entropy(z, 2)
assert np.array_equal(z, z_before), ("cross_entropy changed its argument y_tilde in place (y_tilde -= ...): "
                                     "write y_tilde - c, a new array, so that the caller's logits stay as they were")
from tp_course.answers import assert_no_library
assert_no_library("cross_entropy")
### END HIDDEN TESTS

# %% [markdown]
# ## 2.4 The gradient on the logits
#
# Combined with cross-entropy, the softmax Jacobian simplifies to a remarkably simple gradient:
# $$\nabla_{\tilde{\mathbf y}}\,\ell = \hat{\mathbf y} - \mathbf y, \qquad
#   \text{numpy: } \texttt{softmax(y\_tilde) - np.eye(n\_y)[y]} .$$
# (You derive it in 2.5.) `np.eye(n_y)[y]` is row `y` of the identity: the one-hot vector of `y`.
# Careful with the seeds written for classes $1..m$ (`np.eye(m)[y-1]`): our classes start at 0.
#
# Write the formula (calling your `softmax` is fine). A finite difference of `cross_entropy` is the check,
# not the answer: the hidden tests ask for every entry to 5 significant digits, even entries of
# $10^{-27}$ (the formula gets them, a finite difference does not), count the calls of `cross_entropy`
# and `num_grad`, and reject scipy.

# %% nbgrader={"grade": false, "grade_id": "grad_logits", "locked": false, "schema_version": 3, "solution": true, "task": false}
def grad_logits(y_tilde, y):
    """Gradient of cross_entropy(y_tilde, y) with respect to the logits.

    Parameters
    ----------
    y_tilde : ndarray (n_y,)
    y : int in {0, ..., n_y - 1}

    Returns
    -------
    ndarray (n_y,)  softmax(y_tilde) - onehot(y); y_tilde is not modified
    """
    ### BEGIN SOLUTION
    return softmax(y_tilde) - np.eye(len(y_tilde))[y]
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_grad_logits", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(7)
# if grad_logits calls your softmax, it gets the right probabilities here: a slip in softmax costs
# the points of 2.1 only
def _known_softmax(z, _yours=softmax):
    for z_known, p_known in [([1.7, 1.4, -1.3], [0.55847037095, 0.41372502651, 0.02780460254]),
                             ([0.001230153357, 0.298745537508, -0.274137855362, -0.890591838757],
                              [0.284437570775, 0.382997774612, 0.21597135559, 0.116593299024])]:
        if np.shape(z) == np.shape(z_known) and np.allclose(z, z_known):
            return np.array(p_known)
    return _yours(z)


_your_softmax, softmax = softmax, _known_softmax
try:
    g_slide = grad_logits(np.array([1.7, 1.4, -1.3]), 1)
    z, y = rng.normal(size=4), 2
    g_z = grad_logits(z.copy(), y)
finally:
    softmax = _your_softmax
check_array_hinted("grad_logits([1.7, 1.4, -1.3], y=1)", g_slide, [0.558470, 0.413725 - 1, 0.027805], rtol=1e-4)
# against the numerical gradient of the loss (small scores: no need to subtract the max here)
check_gradient("grad_logits(z, 2)", g_z, num_grad(lambda t: np.log(np.sum(np.exp(t))) - t[y], z.copy()))
### BEGIN HIDDEN TESTS
from scipy.special import logsumexp, softmax as _ref_softmax
from tp_course.reference import numerical_gradient as _ref_grad, unmodified_call
_your_softmax, softmax = softmax, _ref_softmax   # a slip in softmax is charged in 2.1 only
try:
    from tp_course.answers import assert_no_library, tp2_check_grad_logits_formula
    assert_no_library("grad_logits")
    tp2_check_grad_logits_formula(grad_logits)   # the formula, not a finite difference
    for n in [1, 2, 3, 7]:
        for _ in range(3):
            z = rng.normal(size=n) * 3
            y = int(rng.integers(n))
            g_ref = _ref_grad(lambda t: logsumexp(t) - t[y], z.copy())
            check_array_hinted(f"grad_logits(z, y={y}), n = {n}", grad_logits(z.copy(), y), g_ref, rtol=1e-5, atol=1e-8)
    # the caller's logits stay as they were; scores 2000 apart (a softmax written inline must subtract the max)
    z = np.array([1000.0, 0.0, -1000.0])
    g = unmodified_call("grad_logits(y_tilde, y)", grad_logits, z, 1)
    check_array("grad_logits([1000, 0, -1000], y=1) (scores 2000 apart: subtract the max, not the min)", g,
                [1.0, -1.0, 0.0], atol=1e-12)
finally:
    softmax = _your_softmax
### END HIDDEN TESTS

# %% [markdown]
# ## 2.5 Derive it (written answer, graded by hand)
#
# Show that $\dfrac{\partial \ell}{\partial \tilde y_k} = \hat y_k - y_k$ for every $k$, where
# $\ell = -\sum_i y_i \log \hat y_i$ with a one-hot $\mathbf y$. Do it **twice**:
# (a) from $\ell = \mathrm{logsumexp}(\tilde{\mathbf y}) - \tilde y_y$, treating $k \ne y$ and
# $k = y$ separately; (b) with the chain rule through the Jacobian of 2.2,
# $\frac{\partial \ell}{\partial \tilde y_k} = \sum_i \frac{\partial \ell}{\partial \hat y_i}\frac{\partial \hat y_i}{\partial \tilde y_k}$.
# Where did you use $\sum_i y_i = 1$?

# %% [markdown] nbgrader={"grade": true, "grade_id": "derive_grad_logits", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# **Model answer.**
# (a) $\ell = \log\sum_j e^{\tilde y_j} - \tilde y_y$ (since $-\sum_i y_i \log \hat y_i = -\sum_i y_i \tilde y_i + \left(\sum_i y_i\right) \log \sum_j e^{\tilde y_j}$ and $\sum_i y_i = 1$).
# For $k \ne y$: $\frac{\partial \ell}{\partial \tilde y_k} = \frac{1}{\sum_j e^{\tilde y_j}}\, e^{\tilde y_k} = \hat y_k = \hat y_k - y_k$ because $y_k = 0$.
# For $k = y$: $\frac{\partial \ell}{\partial \tilde y_y} = \hat y_y - 1 = \hat y_y - y_y$.
# So $\nabla_{\tilde{\mathbf y}} \ell = \hat{\mathbf y} - \mathbf y$.
#
# (b) $\frac{\partial \ell}{\partial \hat y_i} = -\frac{y_i}{\hat y_i}$ and $\frac{\partial \hat y_i}{\partial \tilde y_k} = \hat y_i(\delta_{ik} - \hat y_k)$, so
# $\frac{\partial \ell}{\partial \tilde y_k} = -\sum_i \frac{y_i}{\hat y_i}\,\hat y_i(\delta_{ik} - \hat y_k) = -\sum_i y_i \delta_{ik} + \hat y_k \sum_i y_i = -y_k + \hat y_k$,
# using $\sum_i y_i = 1$ (true for any target distribution, not only one-hot).
# Grading: 1 point per correct derivation, 1 point for naming where $\sum_i y_i = 1$ is used.

# %% [markdown]
# # Part 3. One example through a one-hidden-layer network
#
# ## 3.1 Parameters
#
# The network has $n_x$ inputs, $n_h$ hidden units and $n_y$ classes. Its parameters are
# $\theta = \{\mathbf W^h, \mathbf b^h, \mathbf W^y, \mathbf b^y\}$ with the shapes of the notation
# table. Training looks for $\theta^\star = \arg\min_\theta \frac1N \sum_{k=1}^N \ell(\mathbf x^{(k)}, y^{(k)}; \theta)$.
# Write `count_params` returning the number $n_\theta$ of scalar parameters.

# %% nbgrader={"grade": false, "grade_id": "count_params", "locked": false, "schema_version": 3, "solution": true, "task": false}
def count_params(n_x, n_h, n_y):
    """Number of scalar parameters of the network n_x -> n_h -> n_y (weights and biases).

    Returns
    -------
    int
    """
    ### BEGIN SOLUTION
    return n_h * n_x + n_h + n_y * n_h + n_y
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_count_params", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(8)
check_scalar("count_params(784, 100, 10)", count_params(784, 100, 10), 79510)
### BEGIN HIDDEN TESTS
for _ in range(5):
    n_x, n_h, n_y = (int(k) for k in rng.integers(1, 50, size=3))
    params = init_params(n_x, n_h, n_y, rng)
    check_scalar(f"count_params({n_x}, {n_h}, {n_y})", count_params(n_x, n_h, n_y),
                 sum(p.size for p in params.values()))
### END HIDDEN TESTS

# %% [markdown]
# The visible tests of Part 3 use this small network ($n_x = 2$, $n_h = 3$, $n_y = 4$) and
# example; work its forward pass by hand once, it is a good check of your understanding.

# %% nbgrader={"grade": false, "grade_id": "fixed_network", "locked": true, "schema_version": 3, "solution": false, "task": false}
FIXED_PARAMS = {"W_h": np.array([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.25]]), "b_h": np.array([0.1, -1.0, 0.5]),
                "W_y": np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 1.0], [0.5, -0.5, 2.0], [-1.0, 1.0, 0.0]]),
                "b_y": np.array([0.5, -0.5, 0.0, 0.2])}
FIXED_X, FIXED_Y = np.array([1.0, 0.5]), 2

# %% [markdown]
# ## 3.2 Forward pass
#
# Element-wise, then in vector form (with its numpy twin):
#
# | element-wise | vector | numpy |
# |---|---|---|
# | $\tilde h_i = \sum_{j=1}^{n_x} W^h_{ij} x_j + b^h_i$ | $\tilde{\mathbf h} = \mathbf W^h \mathbf x + \mathbf b^h$ | `h_tilde = W_h @ x + b_h` |
# | $h_i = \tanh(\tilde h_i)$ or $\max(0, \tilde h_i)$ | $\mathbf h = \varphi(\tilde{\mathbf h})$ | `np.tanh(h_tilde)`, `np.maximum(h_tilde, 0)` |
# | $\tilde y_i = \sum_{j=1}^{n_h} W^y_{ij} h_j + b^y_i$ | $\tilde{\mathbf y} = \mathbf W^y \mathbf h + \mathbf b^y$ | `y_tilde = W_y @ h + b_y` |
# | $\hat y_i = e^{\tilde y_i} / \sum_j e^{\tilde y_j}$ | $\hat{\mathbf y} = \mathrm{softmax}(\tilde{\mathbf y})$ | `softmax(y_tilde)` |
#
# and the loss $\ell = -\log \hat y_y = \mathrm{logsumexp}(\tilde{\mathbf y}) - \tilde y_y$
# (`cross_entropy(y_tilde, y)`). Write `forward(x, params, activation)` returning a **cache**: the
# dict of the intermediate values that the backward pass will need. No activation on the output
# layer: softmax plays that role. Any other `activation` than `"tanh"` or `"relu"` raises a `ValueError`
# (a typo such as `"Relu"` must not silently give another network).

# %% nbgrader={"grade": false, "grade_id": "forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def forward(x, params, activation="tanh"):
    """Forward pass of one example through n_x -> n_h (tanh or ReLU) -> n_y (softmax).

    Parameters
    ----------
    x : ndarray (n_x,)
    params : dict with "W_h" (n_h, n_x), "b_h" (n_h,), "W_y" (n_y, n_h), "b_y" (n_y,)
    activation : "tanh" or "relu"; any other name raises ValueError

    Returns
    -------
    cache : dict with
        "h_tilde" (n_h,)  pre-activations of the hidden layer
        "h"       (n_h,)  activations of the hidden layer
        "y_tilde" (n_y,)  logits
        "y_hat"   (n_y,)  softmax probabilities
    """
    ### BEGIN SOLUTION
    h_tilde = params["W_h"] @ x + params["b_h"]
    if activation == "tanh":
        h = np.tanh(h_tilde)
    elif activation == "relu":
        h = np.maximum(h_tilde, 0.0)
    else:
        raise ValueError(f"unknown activation {activation!r}")
    y_tilde = params["W_y"] @ h + params["b_y"]
    return {"h_tilde": h_tilde, "h": h, "y_tilde": y_tilde, "y_hat": softmax(y_tilde)}
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_forward", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(9)
# your forward calls your softmax: here it gets the right probabilities, so that a slip in softmax
# costs the points of 2.1 only
FIXED_Y_TILDE = {"relu": [1.1, 0.0, 0.05, 0.1], "tanh": [1.3954069653, -0.3962402411, -0.6792485918, 0.1250675903]}


def _known_softmax(z, _yours=softmax):
    for z_known, p_known in [(FIXED_Y_TILDE["relu"], [0.4876411557, 0.16232164, 0.1706440484, 0.1793931559]),
                             (FIXED_Y_TILDE["tanh"], [0.6357192635, 0.1059651058, 0.0798461373, 0.1784694934])]:
        if np.shape(z) == np.shape(z_known) and np.allclose(z, z_known):
            return np.array(p_known)
    return _yours(z)


_your_softmax, softmax = softmax, _known_softmax
try:
    cache_relu = forward(FIXED_X, FIXED_PARAMS, "relu")
    cache_tanh = forward(FIXED_X, FIXED_PARAMS, "tanh")
finally:
    softmax = _your_softmax
cache = cache_relu
check_keys("forward(FIXED_X, FIXED_PARAMS, 'relu')", cache, ["h_tilde", "h", "y_tilde", "y_hat"])
check_array("cache['h_tilde']", cache["h_tilde"], [0.6, 0.5, -0.375])
check_array("cache['h'] (relu)", cache["h"], [0.6, 0.5, 0.0])
check_array("cache['y_tilde'] (relu)", cache["y_tilde"], [1.1, 0.0, 0.05, 0.1])
check_array("cache['y_hat'] (relu)", cache["y_hat"], [0.4876411557, 0.16232164, 0.1706440484, 0.1793931559])
cache = cache_tanh
check_keys("forward(FIXED_X, FIXED_PARAMS, 'tanh')", cache, ["h_tilde", "h", "y_tilde", "y_hat"])
check_array("cache['h_tilde'] (tanh)", cache["h_tilde"], [0.6, 0.5, -0.375])
check_array("cache['h'] (tanh)", cache["h"], [0.537049567, 0.4621171573, -0.3583573984])
check_array("cache['y_tilde'] (tanh)", cache["y_tilde"], [1.3954069653, -0.3962402411, -0.6792485918, 0.1250675903])
check_array("cache['y_hat'] (tanh)", cache["y_hat"], [0.6357192635, 0.1059651058, 0.0798461373, 0.1784694934])
### BEGIN HIDDEN TESTS
from scipy.special import softmax as _ref_softmax
from tp_course.reference import tp2_forward, tp2_random_params, unmodified_call
_your_softmax, softmax = softmax, _ref_softmax   # a slip in softmax is charged in 2.1 only
try:
    for n_x, n_h, n_y in [(2, 3, 4), (5, 4, 3), (3, 7, 2), (6, 2, 5), (1, 1, 2)]:
        for act in ["tanh", "relu"]:
            params = tp2_random_params(rng, n_x, n_h, n_y)
            x = rng.normal(size=n_x)
            ref = tp2_forward(x, params, act)
            cache = unmodified_call("forward(x, params, activation)", forward, x.copy(),
                                    {k: v.copy() for k, v in params.items()}, act)
            check_keys("cache", cache, ["h_tilde", "h", "y_tilde", "y_hat"])
            for key in ["h_tilde", "h", "y_tilde", "y_hat"]:
                # tolerances admit a forward pass in float32 (values are O(1); float32 keeps ~7 digits)
                check_array(f"cache['{key}'] ({act}, sizes {n_x}, {n_h}, {n_y})", cache[key], ref[key],
                            rtol=1e-5, atol=1e-6)
    for name in ["sigmoid", "Relu", ""]:
        try:
            forward(np.ones(2), tp2_random_params(rng, 2, 3, 2), name)
        except ValueError:
            continue
        raise AssertionError(f"forward(x, params, {name!r}) should raise a ValueError (an unknown activation), "
                             "not compute another network")
finally:
    softmax = _your_softmax
### END HIDDEN TESTS

# %% [markdown]
# ## 3.3 Backward pass, element-wise (with loops)
#
# Start from the top and apply the chain rule one index at a time. Write $\delta^y_i = \partial\ell/\partial\tilde y_i$
# and $\delta^h_j = \partial\ell/\partial\tilde h_j$:
#
# $$\begin{aligned}
# \delta^y_i &= \hat y_i - y_i
#   & \frac{\partial \ell}{\partial W^y_{ij}} &= \delta^y_i\, h_j
#   & \frac{\partial \ell}{\partial b^y_i} &= \delta^y_i \\
# \frac{\partial \ell}{\partial h_j} &= \sum_{i=1}^{n_y} \delta^y_i\, W^y_{ij}
#   & \delta^h_j &= \frac{\partial \ell}{\partial h_j}\, \varphi'(\tilde h_j)
#   & & \\
# \frac{\partial \ell}{\partial W^h_{jk}} &= \delta^h_j\, x_k
#   & \frac{\partial \ell}{\partial b^h_j} &= \delta^h_j
# \end{aligned}$$
#
# with $\varphi'(\tilde h_j) = 1 - \tanh^2(\tilde h_j) = 1 - h_j^2$ for tanh (the derivative is
# written with the **output** $h_j$, squared: not with $\tilde h_j$), and
# $\varphi'(\tilde h_j) = \mathbb 1[\tilde h_j > 0]$ for ReLU (0 at $\tilde h_j = 0$, like PyTorch; the tests
# check a unit with $\tilde h_j = 0$ exactly). Read `cache`, do not write into it: `g = cache["y_hat"]; g[y] -= 1`
# would change the cache's probabilities (`cache["y_hat"].copy()` first is fine).
#
# Why a *sum* over $i$ for $\partial\ell/\partial h_j$? $h_j$ feeds every output score $\tilde y_i$
# (it is used $n_y$ times), and gradients coming back along several paths add up.
#
# **Slips to avoid** (the last two are in the course notes):
# * $1 - \tilde h_j^2$ instead of $1 - h_j^2$: the square is of the *output* $h_j = \tanh(\tilde h_j)$;
# * $\partial\ell/\partial W^h_{jk} = \frac{\partial \ell}{\partial h_j} x_k$: the factor $\varphi'(\tilde h_j)$ is missing,
#   use $\delta^h_j$ (the same for $\partial\ell/\partial b^h_j$);
# * $\partial\ell/\partial h_j = \sum_i \partial\ell/\partial W^y_{ij} = \sum_i \delta^y_i h_j$: the local derivative of
#   $\tilde y_i$ with respect to $h_j$ is $W^y_{ij}$, not $h_j$.
#
# For ReLU, the mask may be read on the output: $h_j > 0$ exactly when $\tilde h_j > 0$ (one seed writes
# `1 if e > 0 else 0 for e in hs`, which is right); but $h_j \ge 0$ is always true and masks nothing.
#
# Write `backward_loops` with explicit `for` loops over the indices, scalar by scalar (you may use
# `cache["y_hat"]`). It returns the gradients of the parameters and of the intermediate values,
# each with the **same shape** as the array it is the gradient of.
#
# **What the exercise is**: the chain rule, written out. Take $\tilde{\mathbf h}$, $\mathbf h$,
# $\hat{\mathbf y}$ from `cache` and only $\mathbf W^y$ from `params`; do not call `forward` (calling
# your `softmax` or `grad_logits` is fine). No numerical differentiation in a backward pass (`num_grad`,
# or finite differences of your own): that is the check, not the answer. The hidden tests count the
# calls of `forward` and `num_grad` (none allowed) and of `cross_entropy` (one allowed, e.g. to print the
# loss), hand your function parameters whose $\mathbf W^h$, $\mathbf b^h$, $\mathbf b^y$ do not match
# the cache (a backward pass never reads them: its gradients must not change), and reject scipy,
# PyTorch and autograd.

# %% nbgrader={"grade": false, "grade_id": "backward_loops", "locked": false, "schema_version": 3, "solution": true, "task": false}
def backward_loops(x, y, params, cache, activation="tanh"):
    """Gradients of the loss of one example, computed entry by entry with loops.

    Parameters
    ----------
    x : ndarray (n_x,)
    y : int, true class
    params : dict "W_h" (n_h, n_x), "b_h" (n_h,), "W_y" (n_y, n_h), "b_y" (n_y,)
    cache : dict returned by forward(x, params, activation)
    activation : "tanh" or "relu"

    Returns
    -------
    grads : dict with
        "y_tilde" (n_y,), "W_y" (n_y, n_h), "b_y" (n_y,),
        "h" (n_h,), "h_tilde" (n_h,), "W_h" (n_h, n_x), "b_h" (n_h,)
    x, params and cache are not modified.
    """
    ### BEGIN SOLUTION
    W_y = params["W_y"]
    h, h_tilde, y_hat = cache["h"], cache["h_tilde"], cache["y_hat"]
    n_y, n_h = W_y.shape
    n_x = len(x)
    g = {"y_tilde": np.zeros(n_y), "W_y": np.zeros((n_y, n_h)), "b_y": np.zeros(n_y),
         "h": np.zeros(n_h), "h_tilde": np.zeros(n_h), "W_h": np.zeros((n_h, n_x)), "b_h": np.zeros(n_h)}
    for i in range(n_y):
        g["y_tilde"][i] = y_hat[i] - (1.0 if i == y else 0.0)
        g["b_y"][i] = g["y_tilde"][i]
        for j in range(n_h):
            g["W_y"][i, j] = g["y_tilde"][i] * h[j]
    for j in range(n_h):
        for i in range(n_y):
            g["h"][j] += g["y_tilde"][i] * W_y[i, j]
        if activation == "tanh":
            d_act = 1.0 - h[j] ** 2
        else:
            d_act = 1.0 if h_tilde[j] > 0 else 0.0
        g["h_tilde"][j] = g["h"][j] * d_act
        g["b_h"][j] = g["h_tilde"][j]
        for k in range(n_x):
            g["W_h"][j, k] = g["h_tilde"][j] * x[k]
    return g
    ### END SOLUTION

# %% [markdown]
# The test cells check your gradients on `FIXED_PARAMS` (numbers worked out in advance, so these
# tests do not depend on your `forward`), then hidden tests compare them with numerical gradients
# on random networks of several sizes. Shapes are checked first: `W_y` of shape `(n_h, n_y)`
# instead of `(n_y, n_h)` is reported as a missing transpose. To check yourself on random
# networks, `check_mlp_gradients(backward_loops, n_x, n_h, n_y, activation, rng)` compares with
# numerical gradients of the loss computed with **your** `forward` and `cross_entropy`.

# %% nbgrader={"grade": false, "grade_id": "mlp_grad_checks", "locked": true, "schema_version": 3, "solution": false, "task": false}
GRAD_KEYS = ["y_tilde", "W_y", "b_y", "h", "h_tilde", "W_h", "b_h"]
FIXED_CACHE = {
    "tanh": {"h_tilde": np.array([0.6, 0.5, -0.375]),
             "h": np.array([0.537049567, 0.4621171573, -0.3583573984]),
             "y_tilde": np.array([1.3954069653, -0.3962402411, -0.6792485918, 0.1250675903]),
             "y_hat": np.array([0.6357192635, 0.1059651058, 0.0798461373, 0.1784694934])},
    "relu": {"h_tilde": np.array([0.6, 0.5, -0.375]), "h": np.array([0.6, 0.5, 0.0]),
             "y_tilde": np.array([1.1, 0.0, 0.05, 0.1]),
             "y_hat": np.array([0.4876411557, 0.16232164, 0.1706440484, 0.1793931559])}}
FIXED_GRADS = {
    "tanh": {"y_tilde": [0.6357192635, 0.1059651058, -0.9201538627, 0.1784694934],
             "W_y": [[0.3414127552, 0.2937767789, -0.2278147013], [0.0569085142, 0.0489682935, -0.0379733796],
                     [-0.4941682335, -0.4252188873, 0.3297439443], [0.0958469641, 0.0824738149, -0.0639558633]],
             "b_y": [0.6357192635, 0.1059651058, -0.9201538627, 0.1784694934],
             "h": [-0.0028271613, 0.7445115306, -2.370061883],
             "h_tilde": [-2.0117450807e-03, 5.8551940539e-01, -2.0656984769e+00],
             "W_h": [[-2.0117450807e-03, -1.0058725404e-03], [5.8551940539e-01, 2.9275970269e-01],
                     [-2.0656984769e+00, -1.0328492384e+00]],
             "b_h": [-2.0117450807e-03, 5.8551940539e-01, -2.0656984769e+00]},
    "relu": {"y_tilde": [0.4876411557, 0.16232164, -0.8293559516, 0.1793931559],
             "W_y": [[0.2925846934, 0.2438205779, 0.0], [0.097392984, 0.08116082, 0.0],
                     [-0.497613571, -0.4146779758, 0.0], [0.1076358935, 0.0896965779, 0.0]],
             "b_y": [0.4876411557, 0.16232164, -0.8293559516, 0.1793931559],
             "h": [-0.1064299759, 0.7563927716, -1.9840314189],
             "h_tilde": [-0.1064299759, 0.7563927716, 0.0],
             "W_h": [[-0.1064299759, -0.053214988], [0.7563927716, 0.3781963858], [0.0, 0.0]],
             "b_h": [-0.1064299759, 0.7563927716, 0.0]}}


def check_fixed_gradients(backward_fn):
    """Check backward_fn on FIXED_PARAMS, FIXED_X, FIXED_Y for both activations.

    If backward_fn calls your softmax or grad_logits, they return the known values on the fixed
    network's logits: a slip in 2.1 or 2.4 is not charged a second time here.
    """
    global softmax, grad_logits
    your_softmax, your_grad_logits = softmax, grad_logits

    def fixed_activation(y_tilde):
        for activation, cache in FIXED_CACHE.items():
            if np.shape(y_tilde) == cache["y_tilde"].shape and np.allclose(y_tilde, cache["y_tilde"]):
                return activation
        return None

    def known_softmax(z):
        activation = fixed_activation(z)
        return your_softmax(z) if activation is None else FIXED_CACHE[activation]["y_hat"].copy()

    def known_grad_logits(y_tilde, y):
        activation = fixed_activation(y_tilde)
        if activation is None or y != FIXED_Y:
            return your_grad_logits(y_tilde, y)
        return np.array(FIXED_GRADS[activation]["y_tilde"])

    softmax, grad_logits = known_softmax, known_grad_logits
    try:
        for activation in ["tanh", "relu"]:
            cache = {k: v.copy() for k, v in FIXED_CACHE[activation].items()}
            params = {k: v.copy() for k, v in FIXED_PARAMS.items()}
            grads = backward_fn(FIXED_X.copy(), FIXED_Y, params, cache, activation)
            check_keys(f"{backward_fn.__name__}(..., '{activation}')", grads, GRAD_KEYS)
            for name in GRAD_KEYS:
                check_array_hinted(f"grads['{name}'] ({activation}, fixed network)", grads[name],
                                   FIXED_GRADS[activation][name], rtol=1e-5, atol=1e-6)
            for name, value in FIXED_CACHE[activation].items():
                check_array(f"cache['{name}'] after {backward_fn.__name__} (it must not modify the cache)",
                            cache[name], value)
    finally:
        softmax, grad_logits = your_softmax, your_grad_logits


def check_mlp_gradients(backward_fn, n_x, n_h, n_y, activation, rng, tol=1e-5):
    """Compare backward_fn with numerical gradients of the loss on a random small network.

    The loss is computed with your forward and cross_entropy (so fix those first).
    """
    params = init_params(n_x, n_h, n_y, rng, scale=1.0)
    x, y = rng.normal(size=n_x), int(rng.integers(n_y))
    cache = forward(x, params, activation)
    grads = backward_fn(x, y, params, cache, activation)
    check_keys(f"{backward_fn.__name__}(...)", grads, GRAD_KEYS)
    where = f"({activation}, n_x={n_x}, n_h={n_h}, n_y={n_y})"

    def loss_with(name):
        def f(value):
            p = dict(params)
            p[name] = value
            return cross_entropy(forward(x, p, activation)["y_tilde"], y)
        return f

    act = np.tanh if activation == "tanh" else (lambda t: np.maximum(t, 0.0))
    numeric = {name: num_grad(loss_with(name), params[name].copy()) for name in params}
    numeric["y_tilde"] = num_grad(lambda t: cross_entropy(t, y), cache["y_tilde"].copy())
    numeric["h"] = num_grad(lambda t: cross_entropy(params["W_y"] @ t + params["b_y"], y), cache["h"].copy())
    numeric["h_tilde"] = num_grad(lambda t: cross_entropy(params["W_y"] @ act(t) + params["b_y"], y),
                                  cache["h_tilde"].copy())
    for name in GRAD_KEYS:
        check_shape(f"grads['{name}'] {where}", grads[name], numeric[name].shape)
        check_gradient(f"grads['{name}'] {where}", grads[name], numeric[name], tol=tol)
    print(f"{backward_fn.__name__} {where}: all gradients match the numerical ones.")

# %% nbgrader={"grade": true, "grade_id": "test_backward_loops", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(10)
check_fixed_gradients(backward_loops)
### BEGIN HIDDEN TESTS
from scipy.special import softmax as _ref_softmax
from tp_course.reference import tp2_check_backward, tp2_check_backward_contracts
# if backward_loops calls your softmax or grad_logits, it gets correct ones: their slips are charged in 2.1 and 2.4
_your_softmax, _your_grad_logits = softmax, grad_logits
softmax, grad_logits = _ref_softmax, lambda y_tilde, y: _ref_softmax(y_tilde) - np.eye(len(y_tilde))[y]
try:
    from tp_course.answers import assert_no_library, tp2_check_uses_cache
    assert_no_library("backward_loops")
    tp2_check_uses_cache(backward_loops, np.random.default_rng(110), "backward_loops")   # from the cache, no numerical differentiation
    tp2_check_backward(backward_loops, rng, [(2, 3, 4), (5, 4, 3), (3, 7, 2), (1, 1, 2)])
    tp2_check_backward_contracts("backward_loops", backward_loops)
finally:
    softmax, grad_logits = _your_softmax, _your_grad_logits
### END HIDDEN TESTS

# %% [markdown]
# ## 3.4 Backward pass in vector form
#
# Each loop above is a matrix product in disguise. $\partial\ell/\partial W^y_{ij} = \delta^y_i h_j$
# is the **outer product** $\nabla_{\tilde{\mathbf y}}\,\mathbf h^\top$, of shape $(n_y, n_h)$ like $\mathbf W^y$;
# $\sum_i \delta^y_i W^y_{ij}$ is the $j$-th entry of $\mathbf W^{y\top} \nabla_{\tilde{\mathbf y}}$:
#
# | vector form | numpy | shape |
# |---|---|---|
# | $\nabla_{\tilde{\mathbf y}} = \hat{\mathbf y} - \mathbf y$ | `g_y = y_hat - np.eye(n_y)[y]` | `(n_y,)` |
# | $\nabla_{\mathbf W^y} = \nabla_{\tilde{\mathbf y}}\, \mathbf h^\top$ | `np.outer(g_y, h)` | `(n_y, n_h)` |
# | $\nabla_{\mathbf b^y} = \nabla_{\tilde{\mathbf y}}$ | `g_y` | `(n_y,)` |
# | $\nabla_{\mathbf h} = \mathbf W^{y\top} \nabla_{\tilde{\mathbf y}}$ | `W_y.T @ g_y` | `(n_h,)` |
# | $\nabla_{\tilde{\mathbf h}} = \nabla_{\mathbf h} \odot (1 - \mathbf h^2)$ (tanh) or $\nabla_{\mathbf h} \odot \mathbb 1[\tilde{\mathbf h} > 0]$ (ReLU) | `g_h * (1 - h**2)`, `g_h * (h_tilde > 0)` | `(n_h,)` |
# | $\nabla_{\mathbf W^h} = \nabla_{\tilde{\mathbf h}}\, \mathbf x^\top$ | `np.outer(g_ht, x)` | `(n_h, n_x)` |
# | $\nabla_{\mathbf b^h} = \nabla_{\tilde{\mathbf h}}$ | `g_ht` | `(n_h,)` |
#
# Rule of thumb: a gradient has the shape of what it is the gradient of; when you hesitate
# between `np.outer(a, b)` and `np.outer(b, a)`, the shapes decide. (The seed written with row
# vectors says $\nabla_{\mathbf W^h} = \nabla_{\tilde{\mathbf h}}^\top \mathbf x$: same matrix,
# since its vectors are rows. One seed also writes $\nabla_{\mathbf b^h} = \nabla_{\tilde{\mathbf h}}^\top \mathbf X$,
# a copy-paste slip, and so is its $\nabla_{\mathbf b^y} = \nabla_{\tilde{\mathbf y}}^\top \mathbf h$: a bias
# gradient is the gradient of the pre-activation itself, $\nabla_{\mathbf b^h} = \nabla_{\tilde{\mathbf h}}$ and
# $\nabla_{\mathbf b^y} = \nabla_{\tilde{\mathbf y}}$, summed over the batch in TP3.) Write `backward` without any Python loop.
# Same rules as in 3.3: the values of the forward pass come from `cache`, no call of `forward`, no
# numerical differentiation, no library doing it for you.

# %% nbgrader={"grade": false, "grade_id": "backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def backward(x, y, params, cache, activation="tanh"):
    """Gradients of the loss of one example, in vector form (no Python loop).

    Parameters
    ----------
    x : ndarray (n_x,)
    y : int, true class
    params : dict "W_h" (n_h, n_x), "b_h" (n_h,), "W_y" (n_y, n_h), "b_y" (n_y,)
    cache : dict returned by forward(x, params, activation)
    activation : "tanh" or "relu"

    Returns
    -------
    grads : dict with
        "y_tilde" (n_y,), "W_y" (n_y, n_h), "b_y" (n_y,),
        "h" (n_h,), "h_tilde" (n_h,), "W_h" (n_h, n_x), "b_h" (n_h,)
    x, params and cache are not modified.
    """
    ### BEGIN SOLUTION
    n_y = params["W_y"].shape[0]
    g_y = cache["y_hat"] - np.eye(n_y)[y]
    g_h = params["W_y"].T @ g_y
    if activation == "tanh":
        g_ht = g_h * (1.0 - cache["h"] ** 2)
    else:
        g_ht = g_h * (cache["h_tilde"] > 0)
    return {"y_tilde": g_y, "W_y": np.outer(g_y, cache["h"]), "b_y": g_y,
            "h": g_h, "h_tilde": g_ht, "W_h": np.outer(g_ht, x), "b_h": g_ht}
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_backward", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(11)
check_fixed_gradients(backward)
### BEGIN HIDDEN TESTS
from scipy.special import softmax as _ref_softmax
from tp_course.reference import tp2_check_backward, tp2_check_backward_contracts
# if backward calls your softmax or grad_logits, it gets correct ones: their slips are charged in 2.1 and 2.4
_your_softmax, _your_grad_logits = softmax, grad_logits
softmax, grad_logits = _ref_softmax, lambda y_tilde, y: _ref_softmax(y_tilde) - np.eye(len(y_tilde))[y]
try:
    from tp_course.answers import assert_no_library, tp2_check_uses_cache
    assert_no_library("backward")
    tp2_check_uses_cache(backward, np.random.default_rng(111), "backward")   # from the cache, no numerical differentiation
    tp2_check_backward(backward, rng, [(2, 3, 4), (5, 4, 3), (3, 7, 2), (6, 2, 5), (1, 1, 2), (8, 10, 4)])
    tp2_check_backward_contracts("backward", backward)
finally:
    softmax, grad_logits = _your_softmax, _your_grad_logits
### END HIDDEN TESTS

# %% [markdown]
# Check yourself on random networks: numerical gradients of the loss computed with your `forward`
# and `cross_entropy`, compared with both of your backward functions.

# %%
rng = np.random.default_rng(42)
for fn in [backward_loops, backward]:
    for activation in ["tanh", "relu"]:
        check_mlp_gradients(fn, 3, 5, 4, activation, rng)

# %% [markdown]
# ## 3.5 One step of gradient descent (descente de gradient)
#
# Gradient descent moves every parameter a small step against its gradient:
# $$\theta \leftarrow \theta - \eta\, \nabla_\theta \ell .$$
# Write `sgd_step(params, grads, lr)` that returns a **new** dict of parameters (same keys as
# `params`; `grads` may hold more keys, e.g. `"h"`, ignore them) and does **not** modify `params`
# (`params[k] - lr * grads[k]` makes a new array; `params[k] -= ...` would change the caller's array).

# %% nbgrader={"grade": false, "grade_id": "sgd_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sgd_step(params, grads, lr):
    """One step of gradient descent.

    Parameters
    ----------
    params : dict name -> ndarray
    grads : dict holding at least the same names, each of the same shape
    lr : float  learning rate (eta)

    Returns
    -------
    dict name -> ndarray  new parameters; params is left unchanged
    """
    ### BEGIN SOLUTION
    return {name: value - lr * grads[name] for name, value in params.items()}
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_sgd_step", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(12)
params = init_params(3, 4, 2, rng)
before = {k: v.copy() for k, v in params.items()}
grads = {k: rng.normal(size=v.shape) for k, v in params.items()}
grads["h"] = np.ones(4)  # an intermediate gradient: not a parameter
new = sgd_step(params, grads, 0.1)
check_keys("sgd_step(...)", new, list(params))
assert set(new) == set(params), f"sgd_step returned the keys {sorted(new)}; expected {sorted(params)}"
for k in params:
    check_array(f"sgd_step(...)['{k}']", new[k], before[k] - 0.1 * grads[k])
    check_array(f"params['{k}'] after sgd_step (must be unchanged)", params[k], before[k])
### BEGIN HIDDEN TESTS
from tp_course.reference import numerical_gradient as _ref_grad, tp2_loss, tp2_random_params
for n_x, n_h, n_y in [(2, 3, 4), (5, 4, 3)]:
    for act in ["tanh", "relu"]:
        params = tp2_random_params(rng, n_x, n_h, n_y)
        x, y = rng.normal(size=n_x), int(rng.integers(n_y))
        grads = {}
        for name in params:
            def f(value, name=name):
                p = dict(params)
                p[name] = value
                return tp2_loss(x, y, p, act)
            grads[name] = _ref_grad(f, params[name].copy())
        new = sgd_step(params, grads, 0.05)
        assert tp2_loss(x, y, new, act) < tp2_loss(x, y, params, act), "the loss did not decrease after one step"
        for k in params:
            check_array(f"sgd_step(...)['{k}']", new[k], params[k] - 0.05 * grads[k])
### END HIDDEN TESTS

# %% [markdown]
# ### The loss goes down
#
# One example, one network, a few steps: each step uses your `forward`, `backward` and `sgd_step`.
# On a single example the loss goes to 0: the network learns this example by heart. On a real
# data set we average the gradient over many examples: TP3 computes it on a whole batch at once
# (one matrix product instead of a Python loop), and TP4 steps on small random mini-batches, whose
# gradients are noisy but cheap estimates of the full one. Batches are about the cost of a step
# and the noise of its gradient, not about over-fitting: a network over-fits a small data set
# whatever the batch size (TP4 shows how to see it, and what helps).

# %%
rng = np.random.default_rng(2024)
x, y = rng.normal(size=4), 2
fig, ax = plt.subplots(figsize=(5, 3))
for activation in ["tanh", "relu"]:
    params = init_params(4, 5, 3, rng)
    losses = []
    for step in range(30):
        cache = forward(x, params, activation)
        losses.append(cross_entropy(cache["y_tilde"], y))
        params = sgd_step(params, backward(x, y, params, cache, activation), lr=0.2)
    print(f"{activation}: loss {losses[0]:.4f} -> {losses[1]:.4f} after one step -> {losses[-1]:.4f} after 30")
    ax.plot(losses, label=activation)
ax.set(xlabel="gradient step", ylabel="loss $\\ell$", title="one example, one network")
ax.legend()
fig.tight_layout()

# %% [markdown]
# # Part 4 (bonus). A scalar autograd engine: the bridge to PyTorch
#
# PyTorch builds the computational graph while your code runs, then `loss.backward()` walks it
# backwards applying exactly the gate rules of Part 1. Here is the whole idea on scalars
# (after A. Karpathy's *micrograd*). A `Value` holds a number `data`, its gradient `grad`
# (d output / d this value, 0 until `backward` runs), the values it was computed from
# (`_prev`), and a function `_backward` that, once `out.grad` is known, **adds** (`+=`: a value
# used twice receives two contributions) the local contributions to its inputs' `grad`.
#
# `backward()` sets `self.grad = 1` (since $\partial f/\partial f = 1$), sorts the graph so that
# every node comes after the nodes it was computed from (topological order), and calls
# `_backward` on every node in **reverse** order: a node's gradient is complete before it is
# passed down.
#
# `log` and `relu` are written for you: follow their pattern in `__add__`, `__mul__`, `tanh` and
# `exp` (make `out` with its inputs as `_prev`, define `_backward` with the gate's rule, attach it
# to `out`), then write `backward`. The rules: add distributes, multiply swaps,
# $\tanh'(x) = 1 - \tanh^2(x)$ (use the output), $\exp' = \exp$ (the output again).

# %% nbgrader={"grade": false, "grade_id": "value", "locked": false, "schema_version": 3, "solution": true, "task": false}
class Value:
    """A scalar that remembers how it was computed, to backpropagate through it."""

    def __init__(self, data, _prev=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_prev)
        self._op = _op
        self._backward = lambda: None

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    @staticmethod
    def _lift(other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = Value._lift(other)
        ### BEGIN SOLUTION
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        ### END SOLUTION
        return out

    def __mul__(self, other):
        other = Value._lift(other)
        ### BEGIN SOLUTION
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        ### END SOLUTION
        return out

    def tanh(self):
        ### BEGIN SOLUTION
        t = np.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t ** 2) * out.grad
        out._backward = _backward
        ### END SOLUTION
        return out

    def exp(self):
        ### BEGIN SOLUTION
        out = Value(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        ### END SOLUTION
        return out

    def log(self):
        out = Value(np.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(0.0, self.data), (self,), "relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        """Fill .grad of every Value this one was computed from: d self / d node."""
        ### BEGIN SOLUTION
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for child in node._prev:
                    visit(child)
                order.append(node)
        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
        ### END SOLUTION

    # the remaining operators are written with the ones above
    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-Value._lift(other))

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value._lift(other) - self

# %% [markdown]
# The slide's graph, with `Value`: compare with your `graph_sum_product(2, 3, 4)`.

# %%
u, v, w = Value(2.0), Value(3.0), Value(4.0)
f = (u + v) * w
f.backward()
print(f, u, v, w)

# %% nbgrader={"grade": true, "grade_id": "test_value_graphs", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(13)
u, v, w = Value(2.0), Value(3.0), Value(4.0)
f = (u + v) * w
f.backward()
check_scalar("f.data for f = (u + v) w", f.data, 20.0)
for name, node, expected in [("u", u, 4.0), ("v", v, 4.0), ("w", w, 5.0)]:
    check_scalar(f"{name}.grad for f = (u + v) w", node.grad, expected)
a = Value(3.0)
g = a * a + a  # a is used three times: the contributions add up
g.backward()
check_scalar("a.grad for g = a a + a at a = 3", a.grad, 7.0)
### BEGIN HIDDEN TESTS
from tp_course.reference import numerical_gradient as _ref_grad
for _ in range(4):
    p = rng.normal(size=6) * 1.5
    if abs(p[2] * p[0] + p[3] * p[1] + p[4]) < 1e-3:
        continue
    nodes = [Value(t) for t in p]
    x1, x2, w1, w2, b, w3 = nodes
    f = w3 * (w1 * x1 + w2 * x2 + b).relu()
    f.backward()
    g = _ref_grad(lambda q: q[5] * max(0.0, q[2] * q[0] + q[3] * q[1] + q[4]), p.copy())
    for name, node, expected in zip(["x1", "x2", "w1", "w2", "b", "w3"], nodes, g):
        check_scalar(f"{name}.grad in the ReLU neuron", node.grad, expected, rtol=1e-6, atol=1e-7)
    # a graph using tanh, exp, mul, add, with a shared node
    ref = lambda q: np.tanh(q[0] * q[1]) * np.exp(q[0]) + q[0] * np.tanh(q[0] * q[1])
    q = rng.normal(size=2)
    a, b = Value(q[0]), Value(q[1])
    t = (a * b).tanh()
    out = t * a.exp() + a * t
    out.backward()
    check_scalar("out.data for tanh(ab) exp(a) + a tanh(ab)", out.data, ref(q))
    gq = _ref_grad(ref, q.copy())
    check_scalar("a.grad for tanh(ab) exp(a) + a tanh(ab)", a.grad, gq[0], rtol=1e-6, atol=1e-7)
    check_scalar("b.grad for tanh(ab) exp(a) + a tanh(ab)", b.grad, gq[1], rtol=1e-6, atol=1e-7)
### END HIDDEN TESTS

# %% [markdown]
# Now the whole network of Part 3 with `Value`s: same loss, same gradients as your `backward`,
# and not one derivative written by hand. `loss_with_values` is written for you.

# %% nbgrader={"grade": false, "grade_id": "loss_with_values", "locked": true, "schema_version": 3, "solution": false, "task": false}
def loss_with_values(x, y, params, activation="tanh"):
    """Cross-entropy of one example, every parameter wrapped in a Value.

    Returns
    -------
    (loss, value_params) : the loss Value and a dict name -> ndarray of Values (dtype object)
    """
    vp = {name: np.vectorize(Value, otypes=[object])(p) for name, p in params.items()}
    n_h, n_x = vp["W_h"].shape
    n_y = vp["W_y"].shape[0]
    h = []
    for j in range(n_h):
        h_tilde_j = vp["b_h"][j] + sum(vp["W_h"][j, k] * x[k] for k in range(n_x))
        h.append(h_tilde_j.tanh() if activation == "tanh" else h_tilde_j.relu())
    y_tilde = [vp["b_y"][i] + sum(vp["W_y"][i, j] * h[j] for j in range(n_h)) for i in range(n_y)]
    loss = sum(t.exp() for t in y_tilde).log() - y_tilde[y]  # logsumexp - y_tilde[y] (small scores: no max needed)
    return loss, vp

# %%
rng = np.random.default_rng(0)
params = init_params(3, 4, 2, rng)
x, y = rng.normal(size=3), 1
loss, vp = loss_with_values(x, y, params, "tanh")
loss.backward()
print("loss with Values:", loss.data, " with forward/cross_entropy:", cross_entropy(forward(x, params, "tanh")["y_tilde"], y))
print("dW_y with Values:\n", np.vectorize(lambda v: v.grad)(vp["W_y"]))
print("dW_y with backward:\n", backward(x, y, params, forward(x, params, "tanh"), "tanh")["W_y"])

# %% nbgrader={"grade": true, "grade_id": "test_value_mlp", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
rng = np.random.default_rng(14)
params = init_params(3, 4, 2, rng)
x, y = rng.normal(size=3), 0
loss, vp = loss_with_values(x, y, params, "tanh")
loss.backward()
for name in params:
    grad = np.vectorize(lambda v: v.grad, otypes=[float])(vp[name])
    numeric = num_grad(lambda p: loss_with_values(x, y, {**params, name: p}, "tanh")[0].data, params[name].copy())
    check_gradient(f"Value gradients of {name}", grad, numeric)
### BEGIN HIDDEN TESTS
from tp_course.reference import numerical_gradient as _ref_grad, tp2_loss, tp2_random_params
for n_x, n_h, n_y in [(2, 3, 4), (4, 2, 3)]:
    for act in ["tanh", "relu"]:
        params = tp2_random_params(rng, n_x, n_h, n_y)
        x, y = rng.normal(size=n_x), int(rng.integers(n_y))
        loss, vp = loss_with_values(x, y, params, act)
        loss.backward()
        check_scalar("loss.data", loss.data, tp2_loss(x, y, params, act), rtol=1e-7)
        for name in params:
            grad = np.vectorize(lambda v: v.grad, otypes=[float])(vp[name])
            def f(value, name=name):
                p = dict(params)
                p[name] = value
                return tp2_loss(x, y, p, act)
            check_array(f"Value gradients of {name} ({act})", grad, _ref_grad(f, params[name].copy()), rtol=1e-5, atol=1e-7)
### END HIDDEN TESTS

# %% [markdown]
# # Summary
#
# * Backprop = chain rule, organised: one forward pass stores the intermediate values (the
#   cache), one backward pass multiplies local derivatives from the output down, and adds the
#   contributions when a value is used several times. Add distributes, multiply swaps, max routes.
# * A gate whose derivative is 0 (step, a saturated unit, a dead ReLU) passes no gradient: what
#   is behind it cannot learn. Networks are built from functions that are differentiable end-to-end.
# * Softmax gives a probability distribution; with cross-entropy the gradient on the logits is
#   $\hat{\mathbf y} - \mathbf y$. Compute both from the logits stably (subtract the max, logsumexp).
# * For one example and $\mathbf z = \mathbf W\mathbf x + \mathbf b$:
#   $\nabla_{\mathbf W} = \nabla_{\mathbf z}\,\mathbf x^\top$ (`np.outer`), $\nabla_{\mathbf b} = \nabla_{\mathbf z}$,
#   $\nabla_{\mathbf x} = \mathbf W^\top \nabla_{\mathbf z}$; through the activation, multiply
#   element-wise by $1 - \mathbf h^2$ (tanh) or $\mathbb 1[\tilde{\mathbf h} > 0]$ (ReLU).
#   A gradient has the shape of what it is the gradient of.
# * Always check an analytic gradient against a numerical one (*gradient check*).
#
# # Going further
#
# * TP3: the same network on a batch $\mathbf X$ of shape $(N, n_x)$:
#   $\tilde{\mathbf H} = \mathbf X \mathbf W^{h\top} + \mathbf b^h$, and the bias gradients become
#   sums over the batch axis.
# * If every input of a neuron is positive, every $\partial\ell/\partial w_i = \delta\, x_i$ has the
#   sign of $\delta$: the weights can only all go up or all go down together. One reason to
#   centre the data (zero mean).
# * In PyTorch: `torch.tensor(..., requires_grad=True)`, `loss.backward()`, `.grad`: compare with
#   your `backward` (autograd does in C++ what `Value` does in Python, on tensors).
# * Karpathy's *micrograd* and its video "The spelled-out intro to neural networks and
#   backpropagation"; CS231n's notes on backprop and on softmax; Goodfellow, Bengio & Courville,
#   *Deep Learning*, §6.2.2 (output units) and §6.5 (back-propagation).
