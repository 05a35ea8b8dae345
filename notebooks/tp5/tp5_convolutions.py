# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # TP5 — Convolutions from scratch: forward, backward, pooling, a small CNN
#
# TP3 and TP4 fed each MNIST digit to the network as a flat row of 784 pixels: the network does not
# know that pixel 30 is just below pixel 2. A **convolutional layer** (*couche de convolution*) slides
# one small filter over the whole image: the same few weights are used at every position (*partage des
# poids*), and each output only looks at a small neighbourhood. This TP writes it, and max pooling, in
# numpy, forward and backward, then trains a small CNN on the MNIST digits and compares it with TP4's MLP.
#
# **What you will be able to do**
# - derive the output size of a convolution, $\lfloor (n + 2p - k)/s \rfloor + 1$, and say why the
#   course notes' $\lceil (2p + n - k)/s + 1 \rceil$ is wrong;
# - write a 2-D convolution layer (in deep learning: a cross-correlation) with padding and stride, first
#   with loops, then vectorised with `im2col` (patches as rows of a matrix) and one matrix product;
# - write its backward pass for the input, the weights and the bias, and check it with TP1's gradient check;
# - write max pooling (*sous-échantillonnage par maximum*) forward and backward, with a stated rule for ties;
# - train a small CNN on MNIST digits and compare it with TP4's MLP: accuracy, number of parameters,
#   time; look at its learned filters and feature maps (*cartes de caractéristiques*).
#
# **Prerequisites**: TP1 (numerical gradient, gradient check), TP3 (a linear layer `Z = X @ W.T + b` on
# a batch, its backward pass), TP4 (mini-batch SGD with momentum), numpy slicing and `reshape`.
#
# **How you are graded**: each exercise has an answer cell (replace `raise NotImplementedError()`) and a
# test cell under it. The visible tests give quick feedback; hidden tests run at grading: outputs compared
# with `scipy.signal.correlate`, gradients with numerical gradients, on random shapes, strides, paddings,
# float32 inputs, ties in max pooling; your function must not modify its inputs. A function that calls one
# of your earlier functions (`conv_output_size`, `im2col`) gets a correct one during its tests, so a slip is
# charged once. Write every answer with numpy: an answer that calls scipy (`scipy.signal`), scikit-learn,
# PyTorch or JAX loses the points of its test. Two questions are graded by hand.
# The whole notebook runs in well under a minute.
#
# | # | exercise | points |
# |---|---|---|
# | 1.1 | `conv_output_size` | 2 |
# | 1.2 | question: derive the output size; the course notes' formula (by hand) | 2 |
# | 2.1 | `conv2d_loops` | 3 |
# | 2.2 | `im2col` | 2 |
# | 2.3 | `conv2d_forward` (vectorised) | 3 |
# | 3.1 | `conv2d_backward` | 5 |
# | 4.1 | `maxpool_forward` | 2 |
# | 4.2 | `maxpool_backward` | 3 |
# | 5.3 | question: CNN vs MLP (by hand) | 3 |
# | 5.4 | question: filters and feature maps (by hand) | 2 |
# | | **total** | **27** (20 automatic + 7 by hand) |

# %% [markdown]
# ## Notation
#
# The course's convention, one example per row, becomes **one image per index of the first axis**: a
# batch of images is `(N, C, H, W)` (PyTorch's order: examples, channels, height, width).
#
# | maths | numpy | shape | meaning |
# |---|---|---|---|
# | $\mathbf{X}$ | `X` | `(N, C_in, H, W)` | a batch of N images of $C_\text{in}$ channels (1 for MNIST, 3 for colour) |
# | $\mathbf{W}$ | `W` | `(C_out, C_in, kH, kW)` | the conv weights: $C_\text{out}$ filters of size $C_\text{in}\times k_H\times k_W$ |
# | $\mathbf{b}$ | `b` | `(C_out,)` | one bias per filter (per output channel) |
# | $k$, $p$, $s$ | `k`, `padding`, `stride` | int | kernel size, zero padding on **each** side, stride (*pas*) |
# | $H_\text{out} = \lfloor (H + 2p - k_H)/s\rfloor + 1$ | `conv_output_size(H, kH, padding, stride)` | int | output height (width alike) |
# | $\mathbf{Z}$ | `Z` | `(N, C_out, H_out, W_out)` | the conv output (one feature map per filter) |
# | $\mathbf{X}^{\text{cols}} = \operatorname{im2col}(\mathbf{X})$ | `cols = im2col(X, kH, kW, stride, padding)` | `(N·H_out·W_out, C_in·kH·kW)` | one patch per **row** |
# | $\mathbf{W}^{\text{flat}}$ | `W.reshape(C_out, -1)` | `(C_out, C_in·kH·kW)` | one filter per row: the course's `(n_out, n_in)` |
# | $\nabla_{\mathbf{Z}}$ | `dZ` | shape of `Z` | upstream gradient $\partial\mathcal{L}/\partial\mathbf{Z}$ |
# | $\nabla_{\mathbf{X}}, \nabla_{\mathbf{W}}, \nabla_{\mathbf{b}}$ | `dX, dW, db` | shapes of `X, W, b` | gradients |
#
# **A convolution is a linear layer on patches.** Cut every $C_\text{in}\times k_H\times k_W$ patch of the
# (padded) image out, flatten it into a row: the batch of patches $\mathbf{X}^{\text{cols}}$ plays the role
# of TP3's $\mathbf{X}$ (one "example" per patch), $\mathbf{W}^{\text{flat}}$ the role of its
# `(n_out, n_in)` weight matrix, and the layer is TP3's $\mathbf{X}^{\text{cols}}\mathbf{W}^{\text{flat}\top}
# + \mathbf{b}$ (`cols @ W.reshape(C_out, -1).T + b`), reshaped back into feature maps. Everything in this TP
# follows from that sentence.

# %% nbgrader={"grade": false, "grade_id": "imports", "locked": true, "schema_version": 3, "solution": false, "task": false}
import time

import matplotlib.pyplot as plt
import numpy as np

from tp_utils import check_array, check_gradient, check_scalar, check_shape
from tp_utils.data import load_mnist, normalize, one_hot
from tp_utils.hints import check_array_hinted
from tp_utils.plots import plot_curves, plot_feature_maps, plot_filters, plot_timings

np.set_printoptions(precision=4, suppress=True)


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


# %% [markdown]
# ## Part 1 — The output size
#
# Take one row of $n$ pixels, add $p$ zeros on **each** side (padded length $n + 2p$), and slide a window
# of $k$ pixels by steps of $s$. The window starts at $0, s, 2s, \dots, ms$ and must fit:
# $ms + k \le n + 2p$, i.e. $m \le (n + 2p - k)/s$. The number of positions is the number of integers
# $m$ from 0 to $\lfloor (n + 2p - k)/s \rfloor$:
#
# $$n_\text{out} = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1
# \qquad \text{numpy twin: } \texttt{(n + 2 * p - k) // s + 1}.$$
#
# The course notes write $\left\lceil \frac{2p + n - k}{s} + 1 \right\rceil$. When $s$ divides $n + 2p - k$
# both agree; otherwise the ceiling counts one window too many, a window that hangs over the edge.
# Example: $n = 5$, $k = 2$, $p = 0$, $s = 2$: windows at 0 and 2 (pixels 0–1 and 2–3); a third one at 4
# would need pixel 5, which does not exist. The truth is $\lfloor 3/2\rfloor + 1 = 2$, the notes' formula gives
# $\lceil 2.5\rceil = 3$.
#
# ### 1.1 `conv_output_size` (2 points)
#
# Return the number of window positions along one axis, as a Python `int` (`//` is integer floor
# division on non-negative numbers). Assume $k \le n + 2p$.

# %% nbgrader={"grade": false, "grade_id": "conv_output_size", "locked": false, "schema_version": 3, "solution": true, "task": false}
def conv_output_size(n, k, padding=0, stride=1):
    """Number of positions of a window of size k sliding by ``stride`` over n + 2 * padding pixels.

    Parameters
    ----------
    n : int
        Input size along one axis (H or W).
    k : int
        Kernel (window) size along that axis, k <= n + 2 * padding.
    padding : int
        Zeros added on each side.
    stride : int
        Step between two windows.

    Returns
    -------
    int
        floor((n + 2 * padding - k) / stride) + 1
    """
    ### BEGIN SOLUTION
    return (n + 2 * padding - k) // stride + 1
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_output_size", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
def _size_hint(n, k, p, s):
    import math
    if math.ceil((2 * p + n - k) / s + 1) != (n + 2 * p - k) // s + 1:
        return (f" Hint: ceil((2p + n - k)/s + 1) = {math.ceil((2 * p + n - k) / s + 1)} is the course notes' "
                "formula: it counts a window that hangs over the edge when s does not divide n + 2p - k.")
    return ""


for (n, k, p, s), expected in [((28, 5, 0, 1), 24), ((32, 3, 1, 1), 32), ((7, 3, 0, 2), 3), ((5, 2, 0, 2), 2),
                               ((6, 3, 1, 2), 3)]:
    got = conv_output_size(n, k, padding=p, stride=s)
    assert isinstance(got, (int, np.integer)), \
        f"conv_output_size({n}, {k}, padding={p}, stride={s}) should be an int, got {type(got).__name__} {got!r}"
    assert got == expected, (f"conv_output_size({n}, {k}, padding={p}, stride={s}) = {got}; expected {expected}."
                             + _size_hint(n, k, p, s))
print("conv_output_size: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
from tp_course.reference import tp5_output_size

assert_no_library("conv_output_size")
for n in range(1, 13):
    for p in range(0, 4):
        for k in range(1, n + 2 * p + 1):
            for s in range(1, 5):
                got = conv_output_size(n, k, p, s)
                expected = tp5_output_size(n, k, p, s)
                assert isinstance(got, (int, np.integer)) and got == expected, (
                    f"conv_output_size({n}, {k}, {p}, {s}) = {got!r}; expected {expected} (count the window "
                    "positions 0, s, 2s, ... that fit in n + 2p)." + _size_hint(n, k, p, s))
### END HIDDEN TESTS

# %% [markdown]
# ### 1.2 Question (2 points, graded by hand): the output size, derived
#
# The course notes answer the classic question "a single convolution filter of padding $p$, stride $s$ and
# kernel size $k$ on an input of size $x\times y\times z$: what is the output size, how many weights does it
# learn, and how many would a fully-connected layer need to produce an output of the same size?" with
# $x \times y \times z \times \lceil \frac{2p+x-k}{s} + 1\rceil \times \lceil \frac{2p+y-k}{s} + 1\rceil \times 1$
# for the fully-connected layer.
#
# (a) Derive the output size in your own words (where can the last window start?). (b) Give a case where
# the notes' ceiling is wrong and say what goes wrong there. (c) Correct the notes' line: the output size,
# the number of weights of the convolution (with its bias), and of the equivalent fully-connected layer, for
# $x = y = 28$, $z = 1$, $k = 5$, $p = 0$, $s = 1$ (one filter).

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_output_size", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# (a) Along one axis the padded input has $x + 2p$ pixels. The window starts at $0, s, 2s, \dots$; the start
# $ms$ is allowed while the window fits, $ms + k \le x + 2p$, i.e. $m \le (x + 2p - k)/s$. Counting the
# integers $m = 0, \dots, \lfloor (x + 2p - k)/s\rfloor$ gives $\lfloor (x + 2p - k)/s \rfloor + 1$ positions.
#
# (b) When $s$ does not divide $x + 2p - k$ the ceiling rounds up where the count must round down:
# $x = 5$, $k = 2$, $p = 0$, $s = 2$ gives windows at 0 and 2, so 2 outputs; the notes' formula gives
# $\lceil 1.5 + 1 \rceil = 3$, a third window at 4 that would need pixel 5 (outside the image). (An equivalent
# correct formula with a ceiling: $\lceil (x + 2p - k + 1)/s \rceil$.)
#
# (c) Output size $\left(\lfloor \frac{x + 2p - k}{s}\rfloor + 1\right) \times \left(\lfloor \frac{y + 2p - k}{s}
# \rfloor + 1\right) \times 1$. The filter has $k \times k \times z$ weights plus 1 bias, whatever the image size
# (the same weights at every position). A fully-connected layer with the same output needs
# $x\,y\,z \times H_\text{out}\,W_\text{out}$ weights (plus $H_\text{out}W_\text{out}$ biases). For $28\times28\times1$,
# $k = 5$: output $24 \times 24 \times 1$; the convolution has $25 + 1 = 26$ parameters, the fully-connected
# layer $784 \times 576 = 451\,584$ weights (+ 576 biases).
#
# *Grading (2 points): (a) 0.5: the last window must fit, count of positions with a floor. (b) 0.75: a
# counterexample with $s \nmid x + 2p - k$ and the window past the edge. (c) 0.75: floor formula,
# $k^2z + 1$ vs $xyz\,H_\text{out}W_\text{out}$, with the numbers.*

# %% [markdown]
# ## Part 2 — The forward pass
#
# In deep learning a "convolution" layer computes a **cross-correlation** (*corrélation croisée*), as
# PyTorch's `nn.Conv2d` does: the filter slides over the image **without being flipped**. For image $n$,
# filter $o$, output position $(i, j)$, with $\mathbf{X}^{p}$ the image padded with $p$ zeros on each side:
#
# $$Z_{n,o,i,j} = b_o + \sum_{c=0}^{C_\text{in}-1}\sum_{u=0}^{k_H-1}\sum_{v=0}^{k_W-1}
#   X^{p}_{n,\,c,\,is+u,\,js+v}\; W_{o,c,u,v}$$
#
# numpy twin: `Z[n, o, i, j] = np.sum(Xp[n, :, i*s:i*s+kH, j*s:j*s+kW] * W[o]) + b[o]`, with
# `Xp = np.pad(X, ((0, 0), (0, 0), (p, p), (p, p)))` (pad the two image axes on both sides, not the batch
# nor the channels). The mathematicians' convolution flips the kernel ($W_{o,c,k_H-1-u,k_W-1-v}$): do
# **not** flip it here (a network that learns its filters does not care, but your numbers must match the
# tests, PyTorch's and the course's).
#
# Small arrays used by the tests below (read-only):

# %% nbgrader={"grade": false, "grade_id": "demo_arrays", "locked": true, "schema_version": 3, "solution": false, "task": false}
X_DEMO = np.arange(100.0).reshape(2, 2, 5, 5) % 7 - 3      # (N, C_in, H, W) = (2, 2, 5, 5)
W_DEMO = np.arange(54.0).reshape(3, 2, 3, 3) % 5 - 2       # (C_out, C_in, kH, kW) = (3, 2, 3, 3)
B_DEMO = np.array([1.0, -1.0, 0.5])                         # (C_out,)
Z_DEMO = np.array([  # conv of X_DEMO with W_DEMO, B_DEMO, stride 2, padding 1: (2, 3, 3, 3)
    [[[8.0, -12.0, -4.0], [-11.0, -9.0, 6.0], [10.0, 20.0, -9.0]],
     [[-13.0, 6.0, 13.0], [3.0, 10.0, -12.0], [2.0, -13.0, 1.0]],
     [[14.5, 7.5, -11.5], [0.5, -17.5, 13.5], [-7.5, -2.5, -0.5]]],
    [[[4.0, -11.0, 3.0], [-12.0, 30.0, 10.0], [2.0, -8.0, -8.0]],
     [[-9.0, -4.0, -2.0], [31.0, -10.0, -9.0], [-9.0, -12.0, 15.0]],
     [[1.5, -3.5, -8.5], [-12.5, 3.5, 5.5], [3.5, 22.5, -8.5]]]])
# two tiny images and their patches (im2col), with their convolutions and gradients
X_IM = np.arange(18.0).reshape(1, 2, 3, 3)                 # (1, 2, 3, 3): kernel 2, stride 1, padding 0
COLS_IM = np.array([[0, 1, 3, 4, 9, 10, 12, 13], [1, 2, 4, 5, 10, 11, 13, 14],
                    [3, 4, 6, 7, 12, 13, 15, 16], [4, 5, 7, 8, 13, 14, 16, 17]], dtype=float)
X_IM2 = np.arange(1.0, 19.0).reshape(2, 1, 3, 3)           # (2, 1, 3, 3): kernel 2, stride 2, padding 1
COLS_IM2 = np.array([[0, 0, 0, 1], [0, 0, 2, 3], [0, 4, 0, 7], [5, 6, 8, 9],
                     [0, 0, 0, 10], [0, 0, 11, 12], [0, 13, 0, 16], [14, 15, 17, 18]], dtype=float)
W_A, B_A = np.arange(16.0).reshape(2, 2, 2, 2) % 3 - 1, np.array([0.5, -1.0])
W_B, B_B = np.arange(12.0).reshape(3, 1, 2, 2) % 4 - 2, np.array([1.0, 0.0, -1.0])
# the output sizes these demos need (so that a slip in 1.1 is not charged again in the later tests)
SIZES_DEMO = {(5, 3, 1, 2): 3, (4, 2, 0, 1): 3, (3, 2, 0, 1): 2, (3, 2, 1, 2): 2}


def known_sizes(yours):
    """``conv_output_size`` for the demos' sizes, and ``yours`` for any other."""
    def conv_output_size(n, k, padding=0, stride=1):
        key = (int(n), int(k), int(padding), int(stride))
        return SIZES_DEMO[key] if key in SIZES_DEMO else yours(n, k, padding, stride)
    return conv_output_size


def known_patches(yours):
    """``im2col`` that returns the known patches of the two demo images, and ``yours`` for any other input."""
    def im2col(X, kH, kW, stride=1, padding=0):
        for X_known, args, cols in [(X_IM, (2, 2, 1, 0), COLS_IM), (X_IM2, (2, 2, 2, 1), COLS_IM2)]:
            if np.shape(X) == X_known.shape and np.allclose(X, X_known) and (kH, kW, stride, padding) == args:
                return cols.astype(np.result_type(X)).copy()
        return yours(X, kH, kW, stride, padding)
    return im2col


# %% [markdown]
# ### 2.1 Convolution with loops (3 points)
#
# Write the formula above with four nested loops over `n`, `o`, `i`, `j` (the sums over `c`, `u`, `v` are
# one `np.sum` of a patch times a filter). Allocate `Z` with `np.zeros((N, C_out, H_out, W_out))` and the
# sizes from your `conv_output_size`. It is slow (a Python iteration per output value), and it is the
# reference your vectorised version must agree with. Work on `Xp`, a padded copy: `X` must not change.

# %% nbgrader={"grade": false, "grade_id": "conv2d_loops", "locked": false, "schema_version": 3, "solution": true, "task": false}
def conv2d_loops(X, W, b, stride=1, padding=0):
    """2-D convolution layer (cross-correlation, no kernel flip), written with loops.

    Parameters
    ----------
    X : ndarray of shape (N, C_in, H, W)
    W : ndarray of shape (C_out, C_in, kH, kW)
    b : ndarray of shape (C_out,)
    stride : int
    padding : int
        Zeros added on each side of both image axes.

    Returns
    -------
    Z : ndarray of shape (N, C_out, H_out, W_out), H_out = conv_output_size(H, kH, padding, stride)
        Z[n, o, i, j] = b[o] + sum(Xp[n, :, i*stride:i*stride+kH, j*stride:j*stride+kW] * W[o])
    """
    ### BEGIN SOLUTION
    N, C_in, H, W_in = X.shape
    C_out, _, kH, kW = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = conv_output_size(H, kH, padding, stride)
    W_out = conv_output_size(W_in, kW, padding, stride)
    Z = np.zeros((N, C_out, H_out, W_out), dtype=np.result_type(X, W, b))
    for n in range(N):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    patch = Xp[n, :, i * stride:i * stride + kH, j * stride:j * stride + kW]
                    Z[n, o, i, j] = np.sum(patch * W[o]) + b[o]
    return Z
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv2d_loops", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# your conv_output_size is graded in 1.1: here it gets the demos' sizes
_your_conv_output_size, conv_output_size = conv_output_size, known_sizes(conv_output_size)
try:
    # one filter [[1, 0], [0, -1]] on a 4x4 ramp: every output is X[i, j] - X[i+1, j+1] + 0.5 = -4.5
    X_ramp = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)
    W_diag = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    Z = conv2d_loops(X_ramp, W_diag, np.array([0.5]))
    check_shape("conv2d_loops(ramp 4x4, 2x2 filter)", Z, (1, 1, 3, 3))
    check_array_hinted("conv2d_loops(ramp 4x4, 2x2 filter)", Z, np.full((1, 1, 3, 3), -4.5),
                       candidates=[(np.full((1, 1, 3, 3), 5.5), "you flipped the kernel (a true convolution): the "
                                    "layer is a cross-correlation, W[o, c, u, v] multiplies Xp[n, c, i*s+u, j*s+v]"),
                                   (np.full((1, 1, 3, 3), -5.0), "the bias b[o] is missing")])
    X_before = X_DEMO.copy()
    Z = conv2d_loops(X_DEMO, W_DEMO, B_DEMO, stride=2, padding=1)
    check_array("X_DEMO after conv2d_loops (your function must not modify its input: pad a copy)", X_DEMO, X_before)
    check_shape("conv2d_loops(X_DEMO, W_DEMO, B_DEMO, stride=2, padding=1)", Z, (2, 3, 3, 3))
    check_array_hinted("conv2d_loops(X_DEMO, W_DEMO, B_DEMO, stride=2, padding=1)", Z, Z_DEMO,
                       candidates=[(Z_DEMO - B_DEMO[:, None, None], "the bias b[o] is missing")])
finally:
    conv_output_size = _your_conv_output_size
print("conv2d_loops: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
from tp_course.reference import tp5_conv2d, tp5_output_size, tp5_random_conv, unmodified_call

assert_no_library("conv2d_loops")
_your_conv_output_size, conv_output_size = conv_output_size, tp5_output_size
try:
    rng = np.random.default_rng(21)
    for (N, C_in, H, Wd, C_out, k), s, p in [((2, 3, 7, 6, 4, 3), 1, 0), ((1, 2, 8, 7, 3, 3), 2, 1),
                                            ((2, 1, 5, 5, 2, 2), 2, 0), ((1, 2, 9, 8, 2, 4), 3, 2),
                                            ((3, 1, 4, 4, 1, 1), 1, 0), ((1, 3, 6, 6, 3, 3), 1, 2)]:
        X, W, b = tp5_random_conv(rng, N, C_in, H, Wd, C_out, k)
        what = f"conv2d_loops on X {X.shape}, W {W.shape}, stride={s}, padding={p}"
        Z = unmodified_call("conv2d_loops(X, W, b, stride, padding)", conv2d_loops, X, W, b, s, p)
        check_array_hinted(what, Z, tp5_conv2d(X, W, b, s, p), rtol=1e-5, atol=1e-5,
                           candidates=[(tp5_conv2d(X, W[:, :, ::-1, ::-1], b, s, p),
                                        "the kernel is flipped (a true convolution): do not flip W")])
    X, W, b = tp5_random_conv(rng, 2, 2, 6, 5, 3, 3, dtype=np.float32)
    check_array("conv2d_loops on float32 inputs", conv2d_loops(X, W, b, 1, 1), tp5_conv2d(X, W, b, 1, 1),
                rtol=1e-4, atol=1e-4)
finally:
    conv_output_size = _your_conv_output_size
### END HIDDEN TESTS

# %% [markdown]
# ### 2.2 `im2col`: the patches as the rows of a matrix (2 points)
#
# Build the matrix $\mathbf{X}^{\text{cols}}$ of shape `(N * H_out * W_out, C * kH * kW)`: row
# `(n * H_out + i) * W_out + j` is the patch `Xp[n, :, i*s:i*s+kH, j*s:j*s+kW]` flattened in C order
# (`.ravel()`: channel, then row `u`, then column `v`), the same order as a filter `W[o].ravel()`. Then
# `cols @ W.reshape(C_out, -1).T` computes every output value at once (2.3).
#
# Two ways to get the patches without a loop over the positions:
# - loop over the $k_H k_W$ offsets `(u, v)` only: `Xp[:, :, u:u + s*H_out:s, v:v + s*W_out:s]` is the
#   pixel at offset `(u, v)` of **every** window, shape `(N, C, H_out, W_out)`; stack them;
# - `np.lib.stride_tricks.sliding_window_view(Xp, (kH, kW), axis=(2, 3))[:, :, ::s, ::s]`, shape
#   `(N, C, H_out, W_out, kH, kW)`: a view (no copy) of every window; then `transpose` the axes into the
#   order `(n, i, j, c, u, v)` and `reshape`. (`as_strided` builds the same view by hand.)

# %% nbgrader={"grade": false, "grade_id": "im2col", "locked": false, "schema_version": 3, "solution": true, "task": false}
def im2col(X, kH, kW, stride=1, padding=0):
    """Every (padded) kH x kW patch of every image, one flattened patch per row.

    Parameters
    ----------
    X : ndarray of shape (N, C, H, W)
    kH, kW : int
        Patch (kernel) size.
    stride, padding : int

    Returns
    -------
    cols : ndarray of shape (N * H_out * W_out, C * kH * kW)
        Row (n * H_out + i) * W_out + j is Xp[n, :, i*stride:i*stride+kH, j*stride:j*stride+kW].ravel().
    """
    ### BEGIN SOLUTION
    N, C = X.shape[:2]
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(Xp, (kH, kW), axis=(2, 3))[:, :, ::stride, ::stride]
    H_out, W_out = windows.shape[2:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * H_out * W_out, C * kH * kW)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_im2col", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
_your_conv_output_size, conv_output_size = conv_output_size, known_sizes(conv_output_size)
try:
    for X_known, (kH, kW, s, p), expected in [(X_IM, (2, 2, 1, 0), COLS_IM), (X_IM2, (2, 2, 2, 1), COLS_IM2)]:
        X_before = X_known.copy()
        cols = im2col(X_known, kH, kW, stride=s, padding=p)
        what = f"im2col(X of shape {X_known.shape}, {kH}, {kW}, stride={s}, padding={p})"
        check_array(f"the input after {what} (do not modify it)", X_known, X_before)
        check_shape(what, cols, expected.shape)
        C = X_known.shape[1]
        channels_last = expected.reshape(-1, C, kH, kW).transpose(0, 2, 3, 1).reshape(expected.shape)
        check_array_hinted(what, cols, expected, candidates=[
            (channels_last, "each row is in the order (u, v, c): flatten the patch as (c, u, v), the order of "
                            "W[o].ravel(), so that cols @ W.reshape(C_out, -1).T multiplies matching entries")])
finally:
    conv_output_size = _your_conv_output_size
print("im2col: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
from tp_course.reference import tp5_im2col, tp5_output_size, unmodified_call

assert_no_library("im2col")
_your_conv_output_size, conv_output_size = conv_output_size, tp5_output_size
try:
    rng = np.random.default_rng(22)
    for (N, C, H, Wd), (kH, kW), s, p in [((2, 3, 6, 5), (3, 3), 1, 0), ((3, 2, 7, 7), (3, 2), 2, 1),
                                          ((1, 1, 5, 6), (2, 2), 2, 0), ((2, 2, 8, 9), (4, 3), 3, 2),
                                          ((2, 1, 3, 3), (1, 1), 1, 0)]:
        X = rng.normal(size=(N, C, H, Wd))
        cols = unmodified_call("im2col(X, kH, kW, stride, padding)", im2col, X, kH, kW, s, p)
        what = f"im2col(X of shape {X.shape}, {kH}, {kW}, stride={s}, padding={p})"
        expected = tp5_im2col(X, kH, kW, s, p)
        check_shape(what, cols, expected.shape)
        check_array(what, cols, expected, rtol=1e-12, atol=1e-12)
    X32 = rng.normal(size=(2, 2, 5, 5)).astype(np.float32)
    check_array("im2col on float32", im2col(X32, 3, 3, 1, 1), tp5_im2col(X32, 3, 3, 1, 1), rtol=1e-6, atol=1e-6)
finally:
    conv_output_size = _your_conv_output_size
### END HIDDEN TESTS

# %% [markdown]
# ### 2.3 The vectorised forward pass (3 points)
#
# $$\mathbf{Z}^{\text{rows}} = \mathbf{X}^{\text{cols}}\,\mathbf{W}^{\text{flat}\top} + \mathbf{b}
# \quad (N H_\text{out} W_\text{out},\ C_\text{out}), \qquad
# \mathbf{Z} = \operatorname{reshape}(\mathbf{Z}^{\text{rows}})\ \text{to}\ (N, H_\text{out}, W_\text{out}, C_\text{out}),
# \ \text{then axes}\ (0, 3, 1, 2).$$
#
# numpy twin: `Z_rows = im2col(X, kH, kW, stride, padding) @ W.reshape(C_out, -1).T + b`, then
# `Z_rows.reshape(N, H_out, W_out, C_out).transpose(0, 3, 1, 2)`. Careful with the last step: the rows are
# ordered `(n, i, j)` and the columns are the filters, so reshaping straight into `(N, C_out, H_out, W_out)`
# mixes positions and filters (no error, wrong numbers). Any other vectorised way is fine too (`np.einsum`
# on a `sliding_window_view`, `np.tensordot`, a loop over the $k_H k_W$ offsets); no Python loop over the
# images or the positions.

# %% nbgrader={"grade": false, "grade_id": "conv2d_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def conv2d_forward(X, W, b, stride=1, padding=0):
    """2-D convolution layer (cross-correlation), vectorised.

    Parameters
    ----------
    X : ndarray of shape (N, C_in, H, W)
    W : ndarray of shape (C_out, C_in, kH, kW)
    b : ndarray of shape (C_out,)
    stride, padding : int

    Returns
    -------
    Z : ndarray of shape (N, C_out, H_out, W_out), the same values as conv2d_loops(X, W, b, stride, padding)
    """
    ### BEGIN SOLUTION
    N, _, H, W_in = X.shape
    C_out, _, kH, kW = W.shape
    H_out = conv_output_size(H, kH, padding, stride)
    W_out = conv_output_size(W_in, kW, padding, stride)
    Z_rows = im2col(X, kH, kW, stride, padding) @ W.reshape(C_out, -1).T + b
    return Z_rows.reshape(N, H_out, W_out, C_out).transpose(0, 3, 1, 2)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv2d_forward", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# your conv_output_size and im2col are graded in 1.1 and 2.2: here they get the demos' known values
_yours = conv_output_size, im2col
conv_output_size, im2col = known_sizes(conv_output_size), known_patches(im2col)
try:
    Z_A = np.array([[[[-2.5, -3.5], [-5.5, -6.5]], [[-8.0, -8.0], [-8.0, -8.0]]]])
    Z_B = np.array([[[[2.0, 4.0], [4.0, -6.0]], [[1.0, 3.0], [3.0, -7.0]], [[0.0, 2.0], [2.0, -8.0]]],
                    [[[11.0, 13.0], [4.0, -24.0]], [[10.0, 12.0], [3.0, -25.0]], [[9.0, 11.0], [2.0, -26.0]]]])
    for X_known, Wk, bk, s, p, expected in [(X_IM, W_A, B_A, 1, 0, Z_A), (X_IM2, W_B, B_B, 2, 1, Z_B)]:
        what = f"conv2d_forward(X of shape {X_known.shape}, W of shape {Wk.shape}, b, stride={s}, padding={p})"
        Z = conv2d_forward(X_known, Wk, bk, stride=s, padding=p)
        check_shape(what, Z, expected.shape)
        mixed = expected.transpose(0, 2, 3, 1).reshape(expected.shape)
        check_array_hinted(what, Z, expected, candidates=[
            (mixed, "the rows of cols @ W.T are ordered (n, i, j) with one column per filter: reshape to "
                    "(N, H_out, W_out, C_out), then transpose(0, 3, 1, 2)"),
            (expected - bk[:, None, None], "the bias b is missing")])
finally:
    conv_output_size, im2col = _yours
print("conv2d_forward: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
from tp_course.reference import tp5_conv2d, tp5_im2col, tp5_output_size, tp5_random_conv, unmodified_call

assert_no_library("conv2d_forward")
_yours = conv_output_size, im2col
conv_output_size, im2col = tp5_output_size, tp5_im2col
try:
    rng = np.random.default_rng(23)
    for (N, C_in, H, Wd, C_out, k), s, p in [((2, 3, 7, 6, 4, 3), 1, 0), ((3, 2, 8, 7, 3, 3), 2, 1),
                                            ((2, 1, 5, 5, 2, 2), 2, 0), ((1, 2, 9, 8, 2, 4), 3, 2),
                                            ((4, 1, 6, 6, 1, 1), 1, 0), ((2, 3, 6, 6, 3, 3), 1, 2),
                                            ((2, 2, 5, 7, 5, 3), 1, 1)]:
        X, W, b = tp5_random_conv(rng, N, C_in, H, Wd, C_out, k)
        what = f"conv2d_forward on X {X.shape}, W {W.shape}, stride={s}, padding={p}"
        Z = unmodified_call("conv2d_forward(X, W, b, stride, padding)", conv2d_forward, X, W, b, s, p)
        check_array_hinted(what, Z, tp5_conv2d(X, W, b, s, p), rtol=1e-5, atol=1e-5,
                           candidates=[(tp5_conv2d(X, W[:, :, ::-1, ::-1], b, s, p),
                                        "the kernel is flipped (a true convolution): do not flip W")])
    X, W, b = tp5_random_conv(rng, 2, 2, 6, 5, 3, 3, dtype=np.float32)
    Z32 = conv2d_forward(X, W, b, 1, 1)
    check_array("conv2d_forward on float32 inputs", Z32, tp5_conv2d(X, W, b, 1, 1), rtol=1e-4, atol=1e-4)
finally:
    conv_output_size, im2col = _yours
### END HIDDEN TESTS

# %% [markdown]
# ### Loops vs vectorised (not graded)
#
# Both versions on batches of MNIST-sized images (1 × 28 × 28, 4 filters 5 × 5): the loop version pays a
# Python iteration per output value ($N \times 4 \times 24 \times 24$ of them), `im2col` one matrix product.

# %%
def best_time(f, *args, repeats=3):
    """Smallest wall-clock time of ``repeats`` calls of ``f(*args)``, in seconds."""
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        f(*args)
        best = min(best, time.perf_counter() - start)
    return best


rng = np.random.default_rng(0)
W_t, b_t = rng.normal(size=(4, 1, 5, 5)), np.zeros(4)
sizes = [1, 2, 4, 8]
timings = {"loops": [], "im2col": []}
for N in sizes:
    X_t = rng.normal(size=(N, 1, 28, 28))
    timings["loops"].append(best_time(conv2d_loops, X_t, W_t, b_t))
    timings["im2col"].append(best_time(conv2d_forward, X_t, W_t, b_t))
print("same values:", np.allclose(conv2d_loops(X_t, W_t, b_t), conv2d_forward(X_t, W_t, b_t)))
fig, ax = plt.subplots(figsize=(5, 3.5))
plot_timings(sizes, timings, ax=ax)
ax.set_xlabel("N (images of 1 x 28 x 28)")
ax.set_xticks(sizes, [str(n) for n in sizes])
ax.minorticks_off()
plt.show()

# %% [markdown]
# ## Part 3 — The backward pass
#
# Back to the sentence of the notation table: the layer is TP3's linear layer on the patches,
# $\mathbf{Z}^{\text{rows}} = \mathbf{X}^{\text{cols}}\mathbf{W}^{\text{flat}\top} + \mathbf{b}$. Write
# $\nabla_{\mathbf{Z}}^{\text{rows}}$ for `dZ` put in the same `(N·H_out·W_out, C_out)` order
# (`dZ.transpose(0, 2, 3, 1).reshape(-1, C_out)`). TP3's formulas give
#
# $$\nabla_{\mathbf{W}^{\text{flat}}} = \nabla_{\mathbf{Z}}^{\text{rows}\top}\,\mathbf{X}^{\text{cols}}
# \quad (C_\text{out},\ C_\text{in}k_Hk_W), \qquad
# \nabla_{\mathbf{b}} = \textstyle\sum_{n,i,j} \nabla_{\mathbf{Z}}[n, :, i, j] \quad (C_\text{out},), \qquad
# \nabla_{\mathbf{X}^{\text{cols}}} = \nabla_{\mathbf{Z}}^{\text{rows}}\,\mathbf{W}^{\text{flat}}
# \quad (N H_\text{out}W_\text{out},\ C_\text{in}k_Hk_W).$$
#
# numpy twins: `dW = (dZ_rows.T @ cols).reshape(W.shape)`, `db = dZ.sum(axis=(0, 2, 3))` (a filter is used
# at every position of every image: its bias gradient sums over **all** of them), `dcols = dZ_rows @
# W.reshape(C_out, -1)`.
#
# The last step, **col2im**, is where the convolution differs from TP3: each pixel of $\mathbf{X}^{p}$ appears
# in several patches (several rows of $\mathbf{X}^{\text{cols}}$), so its gradient is the **sum** of the
# gradients of all its copies:
#
# $$\nabla_{\mathbf{X}^{p}}[n, c, is+u, js+v] \mathrel{+}= \nabla_{\mathbf{X}^{\text{cols}}}[(n, i, j), (c, u, v)]
# \quad\text{for every } n, i, j, c, u, v,$$
#
# numpy twin: with `dcols` reshaped to `(N, H_out, W_out, C_in, kH, kW)`, for each offset `(u, v)`:
# `dXp[:, :, u:u + s*H_out:s, v:v + s*W_out:s] += dcols[:, :, :, :, u, v].transpose(0, 3, 1, 2)` (the stride
# places the copies $s$ pixels apart: forget it and they land in the wrong place). Finally crop the padding:
# `dX = dXp[:, :, p:p + H, p:p + W]` (the padded zeros are constants, not inputs).
#
# Return `(dX, dW, db)` with the shapes of `X`, `W`, `b`. Do not modify `dZ`, `X` or `W`.

# %% nbgrader={"grade": false, "grade_id": "conv2d_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def conv2d_backward(dZ, X, W, stride=1, padding=0):
    """Gradients of a loss through Z = conv2d_forward(X, W, b, stride, padding).

    Parameters
    ----------
    dZ : ndarray of shape (N, C_out, H_out, W_out)
        dL/dZ.
    X : ndarray of shape (N, C_in, H, W)
        The layer's input (as in the forward pass).
    W : ndarray of shape (C_out, C_in, kH, kW)
    stride, padding : int
        As in the forward pass.

    Returns
    -------
    dX : ndarray of shape (N, C_in, H, W)
    dW : ndarray of shape (C_out, C_in, kH, kW)
    db : ndarray of shape (C_out,)
    """
    ### BEGIN SOLUTION
    N, C_in, H, W_in = X.shape
    C_out, _, kH, kW = W.shape
    _, _, H_out, W_out = dZ.shape
    dZ_rows = dZ.transpose(0, 2, 3, 1).reshape(-1, C_out)
    cols = im2col(X, kH, kW, stride, padding)
    dW = (dZ_rows.T @ cols).reshape(W.shape)
    db = dZ.sum(axis=(0, 2, 3))
    dcols = (dZ_rows @ W.reshape(C_out, -1)).reshape(N, H_out, W_out, C_in, kH, kW)
    dXp = np.zeros((N, C_in, H + 2 * padding, W_in + 2 * padding), dtype=dcols.dtype)
    for u in range(kH):
        for v in range(kW):
            dXp[:, :, u:u + stride * H_out:stride, v:v + stride * W_out:stride] += \
                dcols[:, :, :, :, u, v].transpose(0, 3, 1, 2)
    dX = dXp[:, :, padding:padding + H, padding:padding + W_in]
    return dX, dW, db
    ### END SOLUTION


# %% [markdown]
# **Check it with TP1's gradient check** (not graded, but do it before the test): the loss
# $\mathcal{L} = \sum \mathbf{G} \odot \mathbf{Z}$ has $\nabla_{\mathbf{Z}}\mathcal{L} = \mathbf{G}$, so
# `conv2d_backward(G, X, W, ...)` must match the numerical gradient of `np.sum(G * conv2d_forward(...))`
# with respect to `X`, `W` and `b` (`num_grad` is TP1's central difference, `check_gradient` its comparison).

# %%
rng = np.random.default_rng(3)
X_g, W_g, b_g = rng.normal(size=(2, 2, 6, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
for s, p in [(1, 0), (2, 1)]:
    G = rng.normal(size=conv2d_forward(X_g, W_g, b_g, s, p).shape)
    dX, dW, db = conv2d_backward(G, X_g, W_g, s, p)
    loss = lambda X, W, b: np.sum(G * conv2d_forward(X, W, b, s, p))
    for name, analytic, numeric in [("dX", dX, num_grad(lambda t: loss(t, W_g, b_g), X_g.copy())),
                                    ("dW", dW, num_grad(lambda t: loss(X_g, t, b_g), W_g.copy())),
                                    ("db", db, num_grad(lambda t: loss(X_g, W_g, t), b_g.copy()))]:
        err = check_gradient(f"{name} (stride {s}, padding {p})", analytic, numeric)
        print(f"{name} (stride {s}, padding {p}): max relative error {err:.1e}")

# %% nbgrader={"grade": true, "grade_id": "test_conv2d_backward", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
_yours = conv_output_size, im2col
conv_output_size, im2col = known_sizes(conv_output_size), known_patches(im2col)
try:
    DZ_A = np.arange(8.0).reshape(1, 2, 2, 2) % 3 - 1
    DZ_B = np.arange(24.0).reshape(2, 3, 2, 2) % 5 - 2
    known = {
        "A": (np.array([[[[1.0, 1.0, -1.0], [-3.0, 3.0, 1.0], [1.0, -3.0, 1.0]],
                         [[0.0, -2.0, 0.0], [2.0, 2.0, -2.0], [-2.0, 2.0, 0.0]]]]),
              np.array([[[[-1.0, -2.0], [-4.0, -5.0]], [[-10.0, -11.0], [-13.0, -14.0]]],
                        [[[-2.0, -2.0], [-2.0, -2.0]], [[-2.0, -2.0], [-2.0, -2.0]]]]),
              np.array([-1.0, 0.0])),
        "B": (np.array([[[[1.0, 0.0, -1.0], [3.0, 0.0, 0.0], [-3.0, 0.0, 0.0]]],
                        [[[-3.0, 0.0, 0.0], [-3.0, -2.0, -1.0], [3.0, 0.0, 1.0]]]]),
              np.array([[[[-23.0, 2.0], [-17.0, 12.0]]], [[[28.0, 39.0], [30.0, 31.0]]], [[[9.0, 1.0], [2.0, -30.0]]]]),
              np.array([-1.0, 1.0, -2.0])),
    }
    for case, dZ, X_known, Wk, s, p in [("A", DZ_A, X_IM, W_A, 1, 0), ("B", DZ_B, X_IM2, W_B, 2, 1)]:
        what = f"conv2d_backward(dZ, X of shape {X_known.shape}, W of shape {Wk.shape}, stride={s}, padding={p})"
        dZ_before, X_before, W_before = dZ.copy(), X_known.copy(), Wk.copy()
        out = conv2d_backward(dZ, X_known, Wk, stride=s, padding=p)
        for arr, before, name in [(dZ, dZ_before, "dZ"), (X_known, X_before, "X"), (Wk, W_before, "W")]:
            check_array(f"{name} after {what} (do not modify the inputs)", arr, before)
        assert isinstance(out, tuple) and len(out) == 3, f"{what} should return a tuple (dX, dW, db)"
        for name, got, ref in zip(["dX", "dW", "db"], out, known[case]):
            check_shape(f"{name} of {what}", got, ref.shape)
        dX_k, dW_k, db_k = known[case]
        check_array_hinted(f"db of {what}", out[2], db_k, candidates=[
            (db_k / (dZ.shape[0] * dZ.shape[2] * dZ.shape[3]), "db is the mean of dZ over the images and "
             "positions: it is their sum (the bias is added at every position of every image)")])
        check_array_hinted(f"dW of {what}", out[1], dW_k)
        check_array_hinted(f"dX of {what}", out[0], dX_k)
finally:
    conv_output_size, im2col = _yours
print("conv2d_backward: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
from tp_course.reference import (check_gradient_hinted, numerical_gradient, tp5_conv2d, tp5_im2col,
                                 tp5_output_size, tp5_random_conv, unmodified_call)

assert_no_library("conv2d_backward")
_yours = conv_output_size, im2col
conv_output_size, im2col = tp5_output_size, tp5_im2col
try:
    rng = np.random.default_rng(31)
    for (N, C_in, H, Wd, C_out, k), s, p in [((2, 2, 6, 5, 3, 3), 1, 0), ((2, 2, 7, 7, 3, 3), 2, 1),
                                            ((1, 1, 5, 6, 2, 2), 2, 0), ((2, 1, 8, 7, 2, 3), 3, 2),
                                            ((3, 2, 4, 4, 2, 1), 1, 0), ((1, 2, 5, 5, 2, 3), 1, 2),
                                            ((2, 1, 6, 6, 2, 2), 1, 1)]:
        X, W, b = tp5_random_conv(rng, N, C_in, H, Wd, C_out, k)
        G = rng.normal(size=tp5_conv2d(X, W, b, s, p).shape)
        what = f"X {X.shape}, W {W.shape}, stride={s}, padding={p}"
        out = unmodified_call("conv2d_backward(dZ, X, W, stride, padding)", conv2d_backward, G, X, W, s, p)
        assert isinstance(out, tuple) and len(out) == 3, "conv2d_backward should return a tuple (dX, dW, db)"
        f = lambda _: float(np.sum(G * tp5_conv2d(X, W, b, s, p)))
        for name, got, param in [("dX", out[0], X), ("dW", out[1], W), ("db", out[2], b)]:
            check_shape(f"{name} for {what}", got, param.shape)
            check_gradient_hinted(f"{name} for {what}", got, numerical_gradient(f, param), n=N)
    # float32: same gradients to float32 precision
    X, W, b = tp5_random_conv(rng, 2, 2, 6, 6, 3, 3, dtype=np.float32)
    G = rng.normal(size=(2, 3, 3, 3)).astype(np.float32)
    out = conv2d_backward(G, X, W, 2, 1)
    X64, W64, b64, G64 = (a.astype(float) for a in (X, W, b, G))
    f = lambda _: float(np.sum(G64 * tp5_conv2d(X64, W64, b64, 2, 1)))
    for name, got, param in [("dX", out[0], X64), ("dW", out[1], W64), ("db", out[2], b64)]:
        check_array(f"{name} on float32 inputs", got, numerical_gradient(f, param), rtol=1e-3, atol=1e-3)
finally:
    conv_output_size, im2col = _yours
### END HIDDEN TESTS

# %% [markdown]
# ## Part 4 — Max pooling (*sous-échantillonnage par maximum*)
#
# Max pooling keeps the largest value of each `size × size` window, channel by channel, windows `stride`
# apart (no padding, no weights): the feature maps shrink, and a stroke moved by a pixel gives the same
# output more often. For image $n$, channel $c$:
#
# $$Z_{n,c,i,j} = \max_{0 \le u, v < \text{size}} X_{n,\,c,\,is+u,\,js+v},
# \qquad H_\text{out} = \left\lfloor \frac{H - \text{size}}{s}\right\rfloor + 1$$
#
# numpy twin: `Z[n, c, i, j] = X[n, c, i*s:i*s+size, j*s:j*s+size].max()`, or without loops
# `sliding_window_view(X, (size, size), axis=(2, 3))[:, :, ::s, ::s].max(axis=(4, 5))`. When the window does
# not divide $H$, the last rows and columns that do not fill a window are dropped (the floor).
#
# ### 4.1 `maxpool_forward` (2 points)

# %% nbgrader={"grade": false, "grade_id": "maxpool_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def maxpool_forward(X, size=2, stride=2):
    """Max pooling over size x size windows, channel by channel, no padding.

    Parameters
    ----------
    X : ndarray of shape (N, C, H, W)
    size : int
        Window size.
    stride : int
        Step between two windows.

    Returns
    -------
    Z : ndarray of shape (N, C, H_out, W_out), H_out = (H - size) // stride + 1
    """
    ### BEGIN SOLUTION
    windows = np.lib.stride_tricks.sliding_window_view(X, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.max(axis=(4, 5))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_maxpool_forward", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
X_POOL = np.array([[[[1.0, 3.0, 2.0, 2.0, 9.0],
                     [3.0, 0.0, 2.0, 2.0, 9.0],
                     [4.0, 1.0, 5.0, 6.0, 9.0],
                     [0.0, 4.0, 7.0, 5.0, 9.0]]]])   # (1, 1, 4, 5): the last column fills no 2 x 2 window
X_before = X_POOL.copy()
Z = maxpool_forward(X_POOL, size=2, stride=2)
check_array("X_POOL after maxpool_forward (do not modify it)", X_POOL, X_before)
check_shape("maxpool_forward(X_POOL, 2, 2)", Z, (1, 1, 2, 2))
check_array_hinted("maxpool_forward(X_POOL, 2, 2)", Z, [[[[3.0, 2.0], [4.0, 7.0]]]],
                   candidates=[([[[[1.75, 2.0], [2.25, 5.75]]]], "that is the mean of each window (average pooling)")])
# overlapping windows: size 3, stride 2 on 5 x 5
X_peak = np.array([[[[0, 1, 2, 1, 0], [1, 2, 3, 2, 1], [2, 3, 9, 3, 2], [1, 2, 3, 2, 1], [0, 1, 2, 1, 0]]]], float)
check_array("maxpool_forward(X_peak, size=3, stride=2)", maxpool_forward(X_peak, size=3, stride=2), np.full((1, 1, 2, 2), 9.0))
print("maxpool_forward: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
from tp_course.reference import tp5_maxpool, unmodified_call

assert_no_library("maxpool_forward")
rng = np.random.default_rng(41)
for shape, size, s in [((2, 3, 6, 6), 2, 2), ((2, 2, 7, 5), 2, 2), ((1, 2, 7, 7), 3, 2), ((2, 1, 5, 6), 2, 1),
                       ((3, 2, 9, 8), 3, 3), ((1, 1, 4, 4), 4, 4)]:
    X = rng.normal(size=shape)
    Z = unmodified_call("maxpool_forward(X, size, stride)", maxpool_forward, X, size, s)
    check_array(f"maxpool_forward(X of shape {shape}, size={size}, stride={s})", Z, tp5_maxpool(X, size, s))
X32 = rng.normal(size=(2, 2, 6, 6)).astype(np.float32)
check_array("maxpool_forward on float32", maxpool_forward(X32, 2, 2), tp5_maxpool(X32, 2, 2), rtol=1e-6)
### END HIDDEN TESTS

# %% [markdown]
# ### 4.2 `maxpool_backward` (3 points)
#
# The output $Z_{n,c,i,j}$ is one of the entries of its window, so $\partial Z_{n,c,i,j}/\partial X$ is 1 at
# that entry and 0 elsewhere: **the whole gradient of a window goes to the position of its maximum**, and
# nothing to the others. Where windows overlap (stride < size), an entry that is the maximum of several
# windows receives the **sum** of their gradients.
#
# **Ties** (several entries equal to the maximum, common after a ReLU: many zeros) need a rule, because the
# max is not differentiable there. Ours, the rule of `np.argmax` and of PyTorch: **the first maximum in
# row-major order inside the window** (smallest `u`, then smallest `v`) gets the whole gradient, the other
# tied entries get nothing. (Giving it to every tied entry would multiply the gradient by the number of ties.)
#
# $$\nabla_{\mathbf{X}}[n, c, is+u^*, js+v^*] \mathrel{+}= \nabla_{\mathbf{Z}}[n, c, i, j],
# \qquad (u^*, v^*) = \text{first } \arg\max_{u,v} X_{n,c,is+u,js+v}$$
#
# numpy twin: `first = windows.reshape(N, C, H_out, W_out, size * size).argmax(axis=-1)` (the first
# maximum of each flattened window), then for each offset `(u, v)`:
# `dX[:, :, u:u + s*H_out:s, v:v + s*W_out:s] += dZ * (first == u * size + v)`. Loops over the windows are
# fine too. Entries in no window (dropped by the floor) get 0.

# %% nbgrader={"grade": false, "grade_id": "maxpool_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def maxpool_backward(dZ, X, size=2, stride=2):
    """Gradient of a loss through Z = maxpool_forward(X, size, stride).

    Parameters
    ----------
    dZ : ndarray of shape (N, C, H_out, W_out)
        dL/dZ.
    X : ndarray of shape (N, C, H, W)
        The input of the forward pass.
    size, stride : int

    Returns
    -------
    dX : ndarray of shape (N, C, H, W)
        Each window's gradient added at the position of its first maximum (row-major order), 0 elsewhere.
    """
    ### BEGIN SOLUTION
    N, C, H_out, W_out = dZ.shape
    windows = np.lib.stride_tricks.sliding_window_view(X, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    first = windows.reshape(N, C, H_out, W_out, size * size).argmax(axis=-1)
    dX = np.zeros(X.shape, dtype=np.result_type(dZ, X))
    for u in range(size):
        for v in range(size):
            dX[:, :, u:u + stride * H_out:stride, v:v + stride * W_out:stride] += dZ * (first == u * size + v)
    return dX
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_maxpool_backward", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
X_POOL = np.array([[[[1.0, 3.0, 2.0, 2.0, 9.0],
                     [3.0, 0.0, 2.0, 2.0, 9.0],
                     [4.0, 1.0, 5.0, 6.0, 9.0],
                     [0.0, 4.0, 7.0, 5.0, 9.0]]]])   # ties: 3 twice, 2 four times, 4 twice
dZ = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
X_before, dZ_before = X_POOL.copy(), dZ.copy()
dX = maxpool_backward(dZ, X_POOL, size=2, stride=2)
check_array("X_POOL and dZ after maxpool_backward (do not modify them)", np.r_[X_POOL.ravel(), dZ.ravel()],
            np.r_[X_before.ravel(), dZ_before.ravel()])
check_shape("maxpool_backward(dZ, X_POOL, 2, 2)", dX, X_POOL.shape)
first_max = np.array([[[[0.0, 1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0],
                        [3.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 4.0, 0.0, 0.0]]]])
every_tie = np.array([[[[0.0, 1.0, 2.0, 2.0, 0.0], [1.0, 0.0, 2.0, 2.0, 0.0],
                        [3.0, 0.0, 0.0, 0.0, 0.0], [0.0, 3.0, 4.0, 0.0, 0.0]]]])
check_array_hinted("maxpool_backward(dZ, X_POOL, 2, 2)", dX, first_max, candidates=[
    (every_tie, "every tied maximum got the gradient (a mask X == max): the convention gives it to the first "
                "maximum of the window only (row-major order, as np.argmax)")])
# overlapping windows: the peak 9 is the maximum of all four 3 x 3 windows: it gets 1 + 2 + 3 + 4
X_peak = np.array([[[[0, 1, 2, 1, 0], [1, 2, 3, 2, 1], [2, 3, 9, 3, 2], [1, 2, 3, 2, 1], [0, 1, 2, 1, 0]]]], float)
expected = np.zeros((1, 1, 5, 5))
expected[0, 0, 2, 2] = 10.0
check_array_hinted("maxpool_backward(dZ, X_peak, size=3, stride=2)", maxpool_backward(dZ, X_peak, size=3, stride=2),
                   expected, candidates=[(expected * 0.4, "only the last window's gradient is there: add (+=) the "
                                                          "gradients of overlapping windows, do not overwrite (=)")])
print("maxpool_backward: visible tests passed")
### BEGIN HIDDEN TESTS
from tp_course.answers import assert_no_library
from tp_course.reference import (numerical_gradient, tp3_check_gradient, tp5_maxpool, tp5_maxpool_backward,
                                 unmodified_call)

assert_no_library("maxpool_backward")
rng = np.random.default_rng(42)
# no ties (continuous random values): the numerical gradient is the truth
for shape, size, s in [((2, 2, 6, 6), 2, 2), ((2, 2, 7, 5), 2, 2), ((1, 2, 7, 7), 3, 2), ((2, 1, 5, 6), 2, 1),
                       ((2, 2, 9, 8), 3, 3)]:
    X = rng.normal(size=shape)
    G = rng.normal(size=tp5_maxpool(X, size, s).shape)
    dX = unmodified_call("maxpool_backward(dZ, X, size, stride)", maxpool_backward, G, X, size, s)
    what = f"maxpool_backward(dZ, X of shape {shape}, size={size}, stride={s})"
    check_shape(what, dX, shape)
    tp3_check_gradient(what, dX, numerical_gradient(lambda _: float(np.sum(G * tp5_maxpool(X, size, s))), X))
# ties (small integers, and the zeros of a ReLU): the first maximum of each window, overlapping windows add up
for shape, size, s in [((2, 2, 6, 6), 2, 2), ((2, 2, 7, 7), 3, 2), ((1, 3, 6, 5), 2, 1), ((2, 1, 8, 8), 3, 3)]:
    X = np.maximum(rng.integers(-2, 3, size=shape), 0).astype(float)
    G = rng.normal(size=tp5_maxpool(X, size, s).shape)
    every = np.zeros(shape)
    for n, c, i, j in np.ndindex(G.shape):
        win = X[n, c, i * s:i * s + size, j * s:j * s + size]
        every[n, c, i * s:i * s + size, j * s:j * s + size] += G[n, c, i, j] * (win == win.max())
    check_array_hinted(f"maxpool_backward with ties (X of shape {shape}, size={size}, stride={s})",
                       maxpool_backward(G, X, size, s), tp5_maxpool_backward(G, X, size, s), candidates=[
                           (every, "every tied maximum got the gradient: the convention gives it to the first "
                                   "maximum of each window only (row-major order, as np.argmax)")])
X32 = rng.normal(size=(2, 2, 6, 6)).astype(np.float32)
G32 = rng.normal(size=(2, 2, 3, 3)).astype(np.float32)
check_array("maxpool_backward on float32", maxpool_backward(G32, X32, 2, 2), tp5_maxpool_backward(G32, X32, 2, 2),
            rtol=1e-6, atol=1e-7)
### END HIDDEN TESTS

# %% [markdown]
# ## Part 5 — A small CNN on MNIST, against TP4's MLP
#
# Your four functions make a whole convolutional network (given below, not graded):
#
# | layer | output shape | parameters |
# |---|---|---|
# | input | `(N, 1, 28, 28)` | |
# | `conv2d_forward`, 8 filters 5 × 5, stride 1, padding 0 | `(N, 8, 24, 24)` | $8 \times 25 + 8 = 208$ |
# | ReLU | `(N, 8, 24, 24)` | |
# | `maxpool_forward`, 2 × 2, stride 2 | `(N, 8, 12, 12)` | |
# | flatten, linear + softmax (TP3) | `(N, 10)` | $1152 \times 10 + 10 = 11\,530$ |
#
# and the backward pass goes through them in reverse order: TP3's linear layer, `maxpool_backward`, ReLU's
# mask $Z > 0$, `conv2d_backward`. Against it, TP4's graded MLP 784-32-10 (tanh) on the same digits. Both are
# trained by the same loop (TP4's mini-batch SGD with momentum), 3 epochs on 2,000 training digits, and
# tested on 1,000 others.
#
# Speed matters here: with vectorised functions (`im2col`, one matrix product) the CNN trains in a few
# seconds; with the loops of 2.1 in the forward or backward pass it takes many minutes, and at grading a
# cell is stopped after 60 s (this one is not graded, but your plots would be missing).

# %%
mnist = load_mnist()
X_tr_flat, X_te_flat = normalize(mnist.X_train[:2000], mnist.X_test[:1000], mode="pixels")
y_tr, y_te = mnist.y_train[:2000], mnist.y_test[:1000]
Y_tr = one_hot(y_tr, 10)
X_tr_img, X_te_img = X_tr_flat.reshape(-1, 1, 28, 28), X_te_flat.reshape(-1, 1, 28, 28)   # (N, C, H, W)
print(f"train {X_tr_img.shape}, test {X_te_img.shape}, {X_tr_img.dtype}")


def softmax_cross_entropy(S, Y):
    """Mean cross-entropy of softmax(S) and its gradient dL/dS (TP3). S, Y: (N, K) -> (float, (N, K))."""
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S)
    P /= P.sum(axis=1, keepdims=True)
    return float(-np.sum(Y * np.log(np.maximum(P, 1e-12))) / len(Y)), (P - Y) / len(Y)


def cnn_init(rng, n_filters=8, k=5, n_classes=10):
    """W1 (n_filters, 1, k, k), b1 (n_filters,), W2 (n_classes, n_filters * 12 * 12), b2 (n_classes,); float32."""
    n_flat = n_filters * ((28 - k + 1) // 2) ** 2
    return {"W1": (rng.normal(size=(n_filters, 1, k, k)) * np.sqrt(2.0 / (k * k))).astype(np.float32),
            "b1": np.zeros(n_filters, np.float32),
            "W2": (rng.normal(size=(n_classes, n_flat)) / np.sqrt(n_flat)).astype(np.float32),
            "b2": np.zeros(n_classes, np.float32)}


def cnn_forward(params, X):
    """Scores S (N, 10) and the cache of the backward pass, for images X (N, 1, 28, 28)."""
    Z1 = conv2d_forward(X, params["W1"], params["b1"])           # (N, 8, 24, 24)
    A1 = np.maximum(Z1, 0)                                        # ReLU
    P1 = maxpool_forward(A1, 2, 2)                                # (N, 8, 12, 12)
    F = P1.reshape(len(X), -1)                                    # (N, 1152): flatten
    return F @ params["W2"].T + params["b2"], (X, Z1, A1, P1, F)


def cnn_loss_and_gradients(params, X, Y):
    """Mean cross-entropy, gradients (the keys and shapes of params) and scores, for one batch."""
    S, (X, Z1, A1, P1, F) = cnn_forward(params, X)
    loss, dS = softmax_cross_entropy(S, Y)
    grads = {"W2": dS.T @ F, "b2": dS.sum(axis=0)}
    dP1 = (dS @ params["W2"]).reshape(P1.shape)
    dZ1 = maxpool_backward(dP1, A1, 2, 2) * (Z1 > 0)
    _, grads["W1"], grads["b1"] = conv2d_backward(dZ1, X, params["W1"])
    return loss, grads, S


def mlp_init(rng, n_in=784, n_hidden=32, n_out=10):
    """TP4's network: W1 (n_hidden, n_in), b1, W2 (n_out, n_hidden), b2; float32."""
    return {"W1": (rng.normal(size=(n_hidden, n_in)) / np.sqrt(n_in)).astype(np.float32),
            "b1": np.zeros(n_hidden, np.float32),
            "W2": (rng.normal(size=(n_out, n_hidden)) / np.sqrt(n_hidden)).astype(np.float32),
            "b2": np.zeros(n_out, np.float32)}


def mlp_loss_and_gradients(params, X, Y):
    """TP4's 784-H-10 tanh MLP on flat rows X (N, 784): loss, gradients, scores."""
    H = np.tanh(X @ params["W1"].T + params["b1"])
    S = H @ params["W2"].T + params["b2"]
    loss, dS = softmax_cross_entropy(S, Y)
    dH = (dS @ params["W2"]) * (1 - H ** 2)
    return loss, {"W1": dH.T @ X, "b1": dH.sum(axis=0), "W2": dS.T @ H, "b2": dS.sum(axis=0)}, S


def train_sgd(loss_and_gradients, params, X, Y, epochs, batch_size, lr, momentum, rng):
    """Mini-batch SGD with momentum (TP4); returns the mean training loss of each epoch."""
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    losses = []
    for _ in range(epochs):
        order, total = rng.permutation(len(X)), 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss, grads, _ = loss_and_gradients(params, X[idx], Y[idx])
            for k in params:
                velocity[k] = momentum * velocity[k] - lr * grads[k].astype(np.float32)
                params[k] += velocity[k]
            total += loss * len(idx)
        losses.append(total / len(X))
    return losses


# %%
def mlp_scores(params, X):
    """Scores (N, 10) of the MLP for flat rows X (N, 784)."""
    return np.tanh(X @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"]


def cnn_scores(params, X):
    """Scores (N, 10) of the CNN for images X (N, 1, 28, 28)."""
    return cnn_forward(params, X)[0]


results, curves = {}, {}
for name, init, lossgrad, scores_of, X_tr, X_te in [
        ("CNN 8 x 5x5 conv + pool", cnn_init, cnn_loss_and_gradients, cnn_scores, X_tr_img, X_te_img),
        ("MLP 784-32-10 (TP4)", mlp_init, mlp_loss_and_gradients, mlp_scores, X_tr_flat, X_te_flat)]:
    params = init(np.random.default_rng(0))
    start = time.perf_counter()
    curves[name] = train_sgd(lossgrad, params, X_tr, Y_tr, epochs=3, batch_size=32, lr=0.05, momentum=0.9,
                             rng=np.random.default_rng(1))
    seconds = time.perf_counter() - start
    scores = scores_of(params, X_te)
    results[name] = {"params": params, "accuracy": float(np.mean(scores.argmax(axis=1) == y_te)),
                     "n_params": sum(v.size for v in params.values()), "seconds": seconds}
print(f"{'':26}{'test accuracy':>14}{'parameters':>12}{'time (s)':>10}")
for name, r in results.items():
    print(f"{name:26}{r['accuracy']:>14.1%}{r['n_params']:>12,}{r['seconds']:>10.2f}")
ax = plot_curves(curves, ylabel="training loss (mean over the epoch)", title="3 epochs on 2,000 digits")

# %% [markdown]
# ### 5.1 The learned filters (not graded)
#
# Each of the 8 filters is a 5 × 5 image of weights (blue positive, red negative): what the filter responds
# to. Then the 8 feature maps of a few test digits after the ReLU (`A1`): where each filter fired.

# %%
cnn = results["CNN 8 x 5x5 conv + pool"]["params"]
axes = plot_filters(cnn["W1"])
axes[0, 0].figure.suptitle("the 8 learned 5 x 5 filters (W1[o, 0])", y=1.12)
_, (_, _, A1, _, _) = cnn_forward(cnn, X_te_img[:3])
for n in range(3):
    axes = plot_feature_maps(A1[n], image=X_te_img[n, 0])
    axes[0, 0].figure.suptitle(f"test digit {y_te[n]}: its 8 feature maps after the ReLU", y=1.12)
plt.show()

# %% [markdown]
# ### 5.2 Where do the CNN's multiplications go? (not graded)
#
# A parameter of the conv layer is used at every one of the $24 \times 24$ positions: per image, the conv
# layer does $8 \times 25 \times 576 = 115\,200$ multiply-adds with 208 parameters, the linear layer
# $11\,520$ with its 11,530, and the MLP $784 \times 32 + 32 \times 10 = 25\,408$ with its 25,450.

# %%
conv_madds, head_madds, mlp_madds = 8 * 25 * 24 * 24, 1152 * 10, 784 * 32 + 32 * 10
print(f"multiply-adds per image: CNN {conv_madds + head_madds:,} (conv {conv_madds:,}), MLP {mlp_madds:,}")

# %% [markdown]
# ### 5.3 Question (3 points, graded by hand): CNN vs MLP
#
# From the table above: (a) which network is more accurate, with how many parameters, in how much time?
# (b) Why can the CNN do better with fewer parameters (what does it assume about images that the MLP must
# learn)? (c) Why is it nevertheless slower per epoch here (5.2)? Would the gap in accuracy grow or shrink
# with 60,000 training digits, do you think, and why?

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_cnn_vs_mlp", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# (a) On the same 2,000 digits and 3 epochs, the CNN reaches about 91 % test accuracy, the MLP about
# 87 %, with 11,738 parameters against 25,450 (less than half); but the CNN takes tens of times longer to
# train (a few seconds against a few hundredths of a second here).
#
# (b) The convolution builds in two facts about images: **locality** (a pixel is explained by its
# neighbours: each output looks at a 5 × 5 patch only) and **translation equivariance / weight sharing**
# (a stroke detector useful in one place is useful everywhere: the same 25 weights at all 576 positions).
# Max pooling adds a little **invariance** to small shifts. The MLP must learn every position separately
# from the data (its first layer has one weight per pixel and unit, and a digit shifted by two pixels is a new
# pattern), which with 2,000 examples it cannot do as well: the CNN's prior is a form of regularisation.
#
# (c) Each conv parameter is used 576 times per image: the CNN does about 127,000 multiply-adds per image
# against 25,000 for the MLP, plus the im2col copies, pooling and col2im (memory traffic, Python overhead of the
# loops over offsets). Time follows the operations, not the parameters. With 60,000 digits the MLP improves a lot
# (about 97-98 %) and the gap shrinks in relative terms, but the CNN stays ahead (about 99 % for a small
# CNN): the prior matters most when data are scarce, and still helps with more.
#
# *Grading (3 points): (a) 1: accuracy, parameters and time read from the table, correctly compared.
# (b) 1: locality and weight sharing (translation), pooling's invariance, as a prior the MLP must learn.
# (c) 1: operations per parameter (reuse at every position) make the CNN slower; a reasoned answer on more
# data (gap shrinks, CNN still ahead).*

# %% [markdown]
# ### 5.4 Question (2 points, graded by hand): filters and feature maps
#
# Describe what the learned filters look like (5.1) and what the feature maps of a digit show. Why are so many
# entries of the feature maps exactly 0, and what does that mean for the gradient that max pooling and the
# ReLU send back to the filters?

# %% [markdown] nbgrader={"grade": true, "grade_id": "q_filters", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# The filters are smooth blobs with a positive and a negative side: oriented edge and stroke detectors
# (horizontal, vertical, diagonal transitions, some centre-surround), still noisy after 3 epochs. Each feature
# map is the digit seen through one filter: it lights up where the digit has a stroke of the filter's
# orientation and polarity (e.g. the upper edges of horizontal strokes), so different maps highlight
# different parts of the same digit; the background stays dark.
#
# Many entries are exactly 0 because of the ReLU: wherever the filter's response is negative (the background, or
# edges of the opposite orientation) the output is clipped to 0. The gradient goes back only through the
# positive entries (ReLU's mask $Z > 0$), and max pooling passes it only to one entry per 2 × 2 window (its
# first maximum); so each filter learns from the few positions where it fired most, and a window that is all
# zeros (a tie) sends its gradient to one zero entry, whose ReLU mask then blocks it.
#
# *Grading (2 points): 1 for the filters as oriented edge/stroke detectors and the maps as where they fire on the
# digit; 1 for the ReLU zeros and the sparse gradient (mask, one entry per pooling window).*

# %% [markdown]
# ## Summary
#
# - Output size: $\lfloor (n + 2p - k)/s\rfloor + 1$ positions (the last window must fit); the course notes'
#   ceiling counts a window past the edge when $s$ does not divide $n + 2p - k$.
# - A conv layer is a cross-correlation with shared weights: `W` is `(C_out, C_in, kH, kW)`, and with the patches
#   as rows (`im2col`), it is TP3's linear layer `cols @ W.reshape(C_out, -1).T + b`.
# - Backward: `dW = dZ_rows.T @ cols`, `db` sums over the images **and** the positions, and `dX` adds the gradient
#   of every copy of a pixel back in place (col2im, with the stride), then drops the padding.
# - Max pooling sends each window's gradient to one entry, its (first) maximum; overlapping windows add up.
# - A tiny CNN (11,738 parameters) beats TP4's MLP (25,450) on few digits: locality and weight sharing are a strong
#   prior for images; it costs more operations per parameter.
#
# ## Going further
#
# - Add a second conv layer (8 → 16 channels, 3 × 3, padding 1) before the pooling and train for more epochs.
# - Write the backward pass of `dX` as a convolution of the zero-dilated, padded `dZ` with the **flipped**
#   filters (the "transposed convolution"): where does the flip that the forward pass does not have come from?
# - Compare with PyTorch: `torch.nn.functional.conv2d(torch.tensor(X), torch.tensor(W), torch.tensor(b),
#   stride, padding)` gives your `conv2d_forward`, and `.backward()` your gradients.
# - Read LeCun et al. (1998), *Gradient-based learning applied to document recognition* (LeNet-5).
