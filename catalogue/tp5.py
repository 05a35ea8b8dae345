"""TP5 (convolutions): wrong answers and alternative correct answers.

Each ``code`` is appended to the instructor's solution cell ``cell``, so it only redefines
what a student would have written differently. The seed's slip is here: seed 004 gives the output
size of a convolution as ``ceil((2p + x - k)/s + 1)``, one window too many when s does not divide
x + 2p - k (``size-seed-ceil``, and ``loops-seed-ceil-size`` where it is used inside the layer).

One slip, one charge: the conv layers call ``conv_output_size`` and ``im2col``; their tests hand them
correct ones (known values in the visible tests, ``tp_course.reference`` in the hidden ones), so the
size and im2col slips list the later tests in ``keeps``.
"""
from tp_course.catalogue import Alternative, Wrong
from tp_course.catalogue import variant as _variant

CONV_LATER = ["test_conv2d_loops", "test_im2col", "test_conv2d_forward", "test_conv2d_backward"]

# ---------------------------------------------------------------------------------------------
# Templates: a correct student answer, then one slip at a time (see _variant).
CONV2D_LOOPS = """
def conv2d_loops(X, W, b, stride=1, padding=0):
    N, C_in, H, W_in = X.shape
    C_out, _, kH, kW = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = conv_output_size(H, kH, padding, stride)
    W_out = conv_output_size(W_in, kW, padding, stride)
    Z = np.zeros((N, C_out, H_out, W_out))
    for n in range(N):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    patch = Xp[n, :, i * stride:i * stride + kH, j * stride:j * stride + kW]
                    Z[n, o, i, j] = np.sum(patch * W[o]) + b[o]
    return Z
"""

IM2COL = """
def im2col(X, kH, kW, stride=1, padding=0):
    N, C = X.shape[:2]
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(Xp, (kH, kW), axis=(2, 3))[:, :, ::stride, ::stride]
    H_out, W_out = windows.shape[2:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * H_out * W_out, C * kH * kW)
"""

CONV2D_FORWARD = """
def conv2d_forward(X, W, b, stride=1, padding=0):
    N, _, H, W_in = X.shape
    C_out, _, kH, kW = W.shape
    H_out = conv_output_size(H, kH, padding, stride)
    W_out = conv_output_size(W_in, kW, padding, stride)
    Z_rows = im2col(X, kH, kW, stride, padding) @ W.reshape(C_out, -1).T + b
    return Z_rows.reshape(N, H_out, W_out, C_out).transpose(0, 3, 1, 2)
"""

CONV2D_BACKWARD = """
def conv2d_backward(dZ, X, W, stride=1, padding=0):
    N, C_in, H, W_in = X.shape
    C_out, _, kH, kW = W.shape
    _, _, H_out, W_out = dZ.shape
    dZ_rows = dZ.transpose(0, 2, 3, 1).reshape(-1, C_out)
    cols = im2col(X, kH, kW, stride, padding)
    dW = (dZ_rows.T @ cols).reshape(W.shape)
    db = dZ.sum(axis=(0, 2, 3))
    dcols = (dZ_rows @ W.reshape(C_out, -1)).reshape(N, H_out, W_out, C_in, kH, kW)
    dXp = np.zeros((N, C_in, H + 2 * padding, W_in + 2 * padding))
    for u in range(kH):
        for v in range(kW):
            dXp[:, :, u:u + stride * H_out:stride, v:v + stride * W_out:stride] += dcols[:, :, :, :, u, v].transpose(0, 3, 1, 2)
    dX = dXp[:, :, padding:padding + H, padding:padding + W_in]
    return dX, dW, db
"""

MAXPOOL_FORWARD = """
def maxpool_forward(X, size=2, stride=2):
    windows = np.lib.stride_tricks.sliding_window_view(X, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.max(axis=(4, 5))
"""

MAXPOOL_BACKWARD_LOOPS = """
def maxpool_backward(dZ, X, size=2, stride=2):
    N, C, H_out, W_out = dZ.shape
    dX = np.zeros(X.shape)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = X[n, c, i * stride:i * stride + size, j * stride:j * stride + size]
                    u, v = np.unravel_index(np.argmax(window), window.shape)
                    dX[n, c, i * stride + u, j * stride + v] += dZ[n, c, i, j]
    return dX
"""

MAXPOOL_BACKWARD = """
def maxpool_backward(dZ, X, size=2, stride=2):
    N, C, H_out, W_out = dZ.shape
    windows = np.lib.stride_tricks.sliding_window_view(X, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    first = windows.reshape(N, C, H_out, W_out, size * size).argmax(axis=-1)
    dX = np.zeros(X.shape)
    for u in range(size):
        for v in range(size):
            dX[:, :, u:u + stride * H_out:stride, v:v + stride * W_out:stride] += dZ * (first == u * size + v)
    return dX
"""

WRONG = [
    # --- 1.1 conv_output_size -----------------------------------------------------------------
    Wrong("size-seed-ceil", cell="conv_output_size", fails=["test_conv_output_size"], keeps=CONV_LATER,
          why="seed 004's ceil((2p + n - k)/s + 1): one window too many when s does not divide n + 2p - k",
          code='''
import math
def conv_output_size(n, k, padding=0, stride=1):
    return math.ceil((2 * padding + n - k) / stride + 1)
'''),
    Wrong("size-no-plus-one", cell="conv_output_size", fails=["test_conv_output_size"], keeps=CONV_LATER,
          why="floor((n + 2p - k)/s): forgets the window at position 0",
          code='''
def conv_output_size(n, k, padding=0, stride=1):
    return (n + 2 * padding - k) // stride
'''),
    Wrong("size-padding-once", cell="conv_output_size", fails=["test_conv_output_size"], keeps=CONV_LATER,
          why="n + p - k: the padding counted on one side only",
          code='''
def conv_output_size(n, k, padding=0, stride=1):
    return (n + padding - k) // stride + 1
'''),
    Wrong("size-true-division", cell="conv_output_size", fails=["test_conv_output_size"], keeps=CONV_LATER,
          why="(n + 2p - k)/s + 1 with /: a float, 2.5 windows when s does not divide n + 2p - k",
          code='''
def conv_output_size(n, k, padding=0, stride=1):
    return (n + 2 * padding - k) / stride + 1
'''),
    Wrong("size-round", cell="conv_output_size", fails=["test_conv_output_size"], keeps=CONV_LATER,
          why="round((n + 2p - k)/s) + 1: rounds 1.5 up to 2, a window past the edge",
          code='''
def conv_output_size(n, k, padding=0, stride=1):
    return int(round((n + 2 * padding - k) / stride)) + 1
'''),
    Wrong("size-stride-ignored", cell="conv_output_size", fails=["test_conv_output_size"], keeps=CONV_LATER,
          why="n + 2p - k + 1: the size for stride 1 whatever the stride",
          code='''
def conv_output_size(n, k, padding=0, stride=1):
    return n + 2 * padding - k + 1
'''),

    # --- 2.1 conv2d_loops ---------------------------------------------------------------------
    Wrong("loops-flipped-kernel", cell="conv2d_loops", fails=["test_conv2d_loops"],
          why="a true convolution (kernel flipped) where the layer is a cross-correlation",
          code=_variant(CONV2D_LOOPS, ("    C_out, _, kH, kW = W.shape\n",
                                       "    C_out, _, kH, kW = W.shape\n    W = W[:, :, ::-1, ::-1]\n"))),
    Wrong("loops-padding-one-side", cell="conv2d_loops", fails=["test_conv2d_loops"],
          why="np.pad(X, ((0, 0), (0, 0), (p, 0), (p, 0))): zeros on the top and left only",
          code=_variant(CONV2D_LOOPS, ("(padding, padding), (padding, padding)", "(padding, 0), (padding, 0)"))),
    Wrong("loops-pads-every-axis", cell="conv2d_loops", fails=["test_conv2d_loops"],
          why="np.pad(X, padding) pads the batch and channel axes too",
          code=_variant(CONV2D_LOOPS, ("np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))",
                                       "np.pad(X, padding)"))),
    Wrong("loops-stride-ignored", cell="conv2d_loops", fails=["test_conv2d_loops"],
          why="the window starts at i instead of i * stride",
          code=_variant(CONV2D_LOOPS, ("Xp[n, :, i * stride:i * stride + kH, j * stride:j * stride + kW]",
                                       "Xp[n, :, i:i + kH, j:j + kW]"))),
    Wrong("loops-no-bias", cell="conv2d_loops", fails=["test_conv2d_loops"],
          why="forgets b[o]",
          code=_variant(CONV2D_LOOPS, (" + b[o]", ""))),
    Wrong("loops-seed-ceil-size", cell="conv2d_loops", fails=["test_conv2d_loops"],
          why="the seed's ceil formula inlined: a last window past the edge (a broadcasting error)",
          code=_variant(CONV2D_LOOPS,
                        ("    H_out = conv_output_size(H, kH, padding, stride)\n"
                         "    W_out = conv_output_size(W_in, kW, padding, stride)\n",
                         "    H_out = int(np.ceil((2 * padding + H - kH) / stride + 1))\n"
                         "    W_out = int(np.ceil((2 * padding + W_in - kW) / stride + 1))\n"))),

    # --- 2.2 im2col ---------------------------------------------------------------------------
    Wrong("im2col-channels-last", cell="im2col", fails=["test_im2col"],
          keeps=["test_conv2d_forward", "test_conv2d_backward"],
          why="each row in the order (u, v, c): does not match W.reshape(C_out, -1)",
          code=_variant(IM2COL, ("transpose(0, 2, 3, 1, 4, 5)", "transpose(0, 2, 3, 4, 5, 1)"))),
    Wrong("im2col-rows-position-major", cell="im2col", fails=["test_im2col"],
          keeps=["test_conv2d_forward", "test_conv2d_backward"],
          why="rows ordered (i, j, n) instead of (n, i, j)",
          code=_variant(IM2COL, ("transpose(0, 2, 3, 1, 4, 5)", "transpose(2, 3, 0, 1, 4, 5)"))),
    Wrong("im2col-padding-one-side", cell="im2col", fails=["test_im2col"],
          keeps=["test_conv2d_forward", "test_conv2d_backward"],
          why="zeros on the top and left only",
          code=_variant(IM2COL, ("(padding, padding), (padding, padding)", "(padding, 0), (padding, 0)"))),
    Wrong("im2col-stride-ignored", cell="im2col", fails=["test_im2col"],
          keeps=["test_conv2d_forward", "test_conv2d_backward"],
          why="every window, not one every stride pixels",
          code=_variant(IM2COL, ("[:, :, ::stride, ::stride]", ""))),
    Wrong("im2col-transposed", cell="im2col", fails=["test_im2col"],
          keeps=["test_conv2d_forward", "test_conv2d_backward"],
          why="one patch per column (C*kH*kW, N*H_out*W_out): the course's layout is one per row",
          code=_variant(IM2COL, ("reshape(N * H_out * W_out, C * kH * kW)", "reshape(N * H_out * W_out, C * kH * kW).T"))),

    # --- 2.3 conv2d_forward -------------------------------------------------------------------
    Wrong("fwd-flipped-kernel", cell="conv2d_forward", fails=["test_conv2d_forward"],
          why="a true convolution (kernel flipped) where the layer is a cross-correlation",
          code=_variant(CONV2D_FORWARD, ("W.reshape(C_out, -1)", "W[:, :, ::-1, ::-1].reshape(C_out, -1)"))),
    Wrong("fwd-reshape-without-transpose", cell="conv2d_forward", fails=["test_conv2d_forward"],
          why="Z_rows.reshape(N, C_out, H_out, W_out): mixes positions and filters (no error, wrong numbers)",
          code=_variant(CONV2D_FORWARD, ("Z_rows.reshape(N, H_out, W_out, C_out).transpose(0, 3, 1, 2)",
                                         "Z_rows.reshape(N, C_out, H_out, W_out)"))),
    Wrong("fwd-stride-ignored", cell="conv2d_forward", fails=["test_conv2d_forward"],
          why="im2col with stride 1 whatever the stride",
          code=_variant(CONV2D_FORWARD, ("im2col(X, kH, kW, stride, padding)", "im2col(X, kH, kW, 1, padding)"))),
    Wrong("fwd-no-bias", cell="conv2d_forward", fails=["test_conv2d_forward"],
          why="forgets b",
          code=_variant(CONV2D_FORWARD, (".T + b", ".T"))),
    Wrong("fwd-bias-last-axis", cell="conv2d_forward", fails=["test_conv2d_forward"],
          why="adds b after the transpose: it broadcasts along the width axis, not the channels",
          code=_variant(CONV2D_FORWARD, (".T + b", ".T"), (".transpose(0, 3, 1, 2)", ".transpose(0, 3, 1, 2) + b"))),
    Wrong("fwd-filter-flattened-uvc", cell="conv2d_forward", fails=["test_conv2d_forward"],
          why="W flattened in the order (u, v, c): does not match the patches' (c, u, v) (right only for C_in = 1)",
          code=_variant(CONV2D_FORWARD, ("W.reshape(C_out, -1)", "W.transpose(0, 2, 3, 1).reshape(C_out, -1)"))),

    # --- 3.1 conv2d_backward ------------------------------------------------------------------
    Wrong("bwd-stride-ignored", cell="conv2d_backward", fails=["test_conv2d_backward"],
          why="col2im puts the copies 1 pixel apart whatever the stride",
          code=_variant(CONV2D_BACKWARD, ("dXp[:, :, u:u + stride * H_out:stride, v:v + stride * W_out:stride]",
                                          "dXp[:, :, u:u + H_out, v:v + W_out]"))),
    Wrong("bwd-db-not-summed-over-N", cell="conv2d_backward", fails=["test_conv2d_backward"],
          why="db summed over the positions only: shape (N, C_out)",
          code=_variant(CONV2D_BACKWARD, ("dZ.sum(axis=(0, 2, 3))", "dZ.sum(axis=(2, 3))"))),
    Wrong("bwd-db-not-summed-over-positions", cell="conv2d_backward", fails=["test_conv2d_backward"],
          why="db summed over the images only: shape (C_out, H_out, W_out)",
          code=_variant(CONV2D_BACKWARD, ("dZ.sum(axis=(0, 2, 3))", "dZ.sum(axis=0)"))),
    Wrong("bwd-db-mean", cell="conv2d_backward", fails=["test_conv2d_backward"],
          why="db is the mean of dZ over images and positions: it is their sum",
          code=_variant(CONV2D_BACKWARD, ("dZ.sum(axis=(0, 2, 3))", "dZ.mean(axis=(0, 2, 3))"))),
    Wrong("bwd-dX-overwrite", cell="conv2d_backward", fails=["test_conv2d_backward"],
          why="= instead of += in col2im: a pixel in several patches keeps one copy's gradient",
          code=_variant(CONV2D_BACKWARD, ("v:v + stride * W_out:stride] += dcols", "v:v + stride * W_out:stride] = dcols"))),
    Wrong("bwd-dX-padded", cell="conv2d_backward", fails=["test_conv2d_backward"],
          why="returns the gradient of the padded input: shape (N, C_in, H + 2p, W + 2p)",
          code=_variant(CONV2D_BACKWARD, ("    return dX, dW, db", "    return dXp, dW, db"))),
    Wrong("bwd-dX-cropped-top-left", cell="conv2d_backward", fails=["test_conv2d_backward"],
          why="crops dXp[:, :, :H, :W]: the padding is on both sides, the image starts at p",
          code=_variant(CONV2D_BACKWARD, ("dXp[:, :, padding:padding + H, padding:padding + W_in]", "dXp[:, :, :H, :W_in]"))),
    Wrong("bwd-dW-transposed-product", cell="conv2d_backward", fails=["test_conv2d_backward"],
          why="(cols.T @ dZ_rows).reshape(W.shape): right size, entries in the wrong order",
          code=_variant(CONV2D_BACKWARD, ("(dZ_rows.T @ cols).reshape(W.shape)", "(cols.T @ dZ_rows).reshape(W.shape)"))),
    Wrong("bwd-dX-flipped-kernel", cell="conv2d_backward", fails=["test_conv2d_backward"],
          why="flips the filters for dX although the scatter (col2im) already puts each copy back in place",
          code=_variant(CONV2D_BACKWARD, ("(dZ_rows @ W.reshape(C_out, -1))", "(dZ_rows @ W[:, :, ::-1, ::-1].reshape(C_out, -1))"))),
    Wrong("bwd-dW-mean-over-N", cell="conv2d_backward", fails=["test_conv2d_backward"],
          why="divides dW by N: dZ is already the gradient of the loss, its 1/N (if any) is in it",
          code=_variant(CONV2D_BACKWARD, ("(dZ_rows.T @ cols).reshape(W.shape)", "(dZ_rows.T @ cols).reshape(W.shape) / N"))),

    # --- 4.1 maxpool_forward ------------------------------------------------------------------
    Wrong("pool-average", cell="maxpool_forward", fails=["test_maxpool_forward"],
          why="the mean of each window (average pooling)",
          code=_variant(MAXPOOL_FORWARD, ("windows.max(axis=(4, 5))", "windows.mean(axis=(4, 5))"))),
    Wrong("pool-stride-ignored", cell="maxpool_forward", fails=["test_maxpool_forward"],
          why="every window, not one every stride pixels",
          code=_variant(MAXPOOL_FORWARD, ("[:, :, ::stride, ::stride]", ""))),
    Wrong("pool-partial-windows", cell="maxpool_forward", fails=["test_maxpool_forward"],
          why="ceil instead of floor: keeps the windows that hang over the edge (PyTorch's ceil_mode=True)",
          code='''
def maxpool_forward(X, size=2, stride=2):
    N, C, H, W = X.shape
    H_out, W_out = -(-(H - size) // stride) + 1, -(-(W - size) // stride) + 1
    Z = np.empty((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            Z[:, :, i, j] = X[:, :, i * stride:i * stride + size, j * stride:j * stride + size].max(axis=(2, 3))
    return Z
'''),
    Wrong("pool-reshape-trick", cell="maxpool_forward", fails=["test_maxpool_forward"],
          why="X.reshape(N, C, H // size, size, W // size, size).max(...): only for stride = size dividing H and W",
          code='''
def maxpool_forward(X, size=2, stride=2):
    N, C, H, W = X.shape
    return X.reshape(N, C, H // size, size, W // size, size).max(axis=(3, 5))
'''),

    # --- 4.2 maxpool_backward -----------------------------------------------------------------
    Wrong("poolb-every-tie", cell="maxpool_backward", fails=["test_maxpool_backward"],
          why="mask X == max: every tied maximum gets the gradient (the convention: the first one only)",
          code=_variant(MAXPOOL_BACKWARD_LOOPS,
                        ("                    u, v = np.unravel_index(np.argmax(window), window.shape)\n"
                         "                    dX[n, c, i * stride + u, j * stride + v] += dZ[n, c, i, j]\n",
                         "                    dX[n, c, i * stride:i * stride + size, j * stride:j * stride + size] += "
                         "dZ[n, c, i, j] * (window == window.max())\n"))),
    Wrong("poolb-spread-over-window", cell="maxpool_backward", fails=["test_maxpool_backward"],
          why="dZ / size**2 to every entry of the window: the backward pass of average pooling",
          code=_variant(MAXPOOL_BACKWARD_LOOPS,
                        ("                    u, v = np.unravel_index(np.argmax(window), window.shape)\n"
                         "                    dX[n, c, i * stride + u, j * stride + v] += dZ[n, c, i, j]\n",
                         "                    dX[n, c, i * stride:i * stride + size, j * stride:j * stride + size] += "
                         "dZ[n, c, i, j] / size ** 2\n"))),
    Wrong("poolb-last-tie", cell="maxpool_backward", fails=["test_maxpool_backward"],
          why="the last maximum of a window gets the gradient (the convention: the first, as np.argmax)",
          code=_variant(MAXPOOL_BACKWARD_LOOPS,
                        ("np.unravel_index(np.argmax(window), window.shape)",
                         "np.unravel_index(window.size - 1 - np.argmax(window.ravel()[::-1]), window.shape)"))),
    Wrong("poolb-overwrite", cell="maxpool_backward", fails=["test_maxpool_backward"],
          why="= instead of +=: where windows overlap, an entry keeps one window's gradient (or a later 0)",
          code=_variant(MAXPOOL_BACKWARD, ("v:v + stride * W_out:stride] += dZ", "v:v + stride * W_out:stride] = dZ"))),
    Wrong("poolb-stride-ignored", cell="maxpool_backward", fails=["test_maxpool_backward"],
          why="the gradient put back 1 pixel apart whatever the stride",
          code=_variant(MAXPOOL_BACKWARD, ("dX[:, :, u:u + stride * H_out:stride, v:v + stride * W_out:stride]",
                                           "dX[:, :, u:u + H_out, v:v + W_out]"))),
]

ALTERNATIVES = [
    # --- conv_output_size ---
    Alternative("size-count-positions", cell="conv_output_size", code='''
def conv_output_size(n, k, padding=0, stride=1):
    return len(range(0, n + 2 * padding - k + 1, stride))
'''),
    Alternative("size-correct-ceil", cell="conv_output_size", why="ceil((n + 2p - k + 1)/s) = floor((n + 2p - k)/s) + 1",
                code='''
def conv_output_size(n, k, padding=0, stride=1):
    return -(-(n + 2 * padding - k + 1) // stride)
'''),
    Alternative("size-math-floor", cell="conv_output_size", code='''
import math
def conv_output_size(n, k, padding=0, stride=1):
    return math.floor((n + 2 * padding - k) / stride) + 1
'''),
    # --- conv2d_loops ---
    Alternative("loops-seven-nested", cell="conv2d_loops", why="scalar loops over n, o, i, j, c, u, v", code='''
def conv2d_loops(X, W, b, stride=1, padding=0):
    N, C_in, H, W_in = X.shape
    C_out, _, kH, kW = W.shape
    Xp = np.zeros((N, C_in, H + 2 * padding, W_in + 2 * padding))
    Xp[:, :, padding:padding + H, padding:padding + W_in] = X
    H_out = (H + 2 * padding - kH) // stride + 1
    W_out = (W_in + 2 * padding - kW) // stride + 1
    Z = np.zeros((N, C_out, H_out, W_out))
    for n in range(N):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    total = b[o]
                    for c in range(C_in):
                        for u in range(kH):
                            for v in range(kW):
                                total += Xp[n, c, i * stride + u, j * stride + v] * W[o, c, u, v]
                    Z[n, o, i, j] = total
    return Z
'''),
    Alternative("loops-einsum-per-position", cell="conv2d_loops", code='''
def conv2d_loops(X, W, b, stride=1, padding=0):
    C_out, _, kH, kW = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = conv_output_size(X.shape[2], kH, padding, stride)
    W_out = conv_output_size(X.shape[3], kW, padding, stride)
    Z = np.empty((X.shape[0], C_out, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            patch = Xp[:, :, i * stride:i * stride + kH, j * stride:j * stride + kW]
            Z[:, :, i, j] = np.einsum("ncuv,ocuv->no", patch, W) + b
    return Z
'''),
    Alternative("loops-float32", cell="conv2d_loops", why="computes in float32", code='''
_conv2d_loops_64 = conv2d_loops
def conv2d_loops(X, W, b, stride=1, padding=0):
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    return _conv2d_loops_64(f32(X), f32(W), f32(b), stride, padding)
'''),
    # --- im2col ---
    Alternative("im2col-offsets", cell="im2col", why="a loop over the kH * kW offsets only", code='''
def im2col(X, kH, kW, stride=1, padding=0):
    N, C = X.shape[:2]
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (Xp.shape[2] - kH) // stride + 1
    W_out = (Xp.shape[3] - kW) // stride + 1
    cols = np.empty((N, H_out, W_out, C, kH, kW), dtype=Xp.dtype)
    for u in range(kH):
        for v in range(kW):
            cols[:, :, :, :, u, v] = Xp[:, :, u:u + stride * H_out:stride, v:v + stride * W_out:stride].transpose(0, 2, 3, 1)
    return cols.reshape(N * H_out * W_out, C * kH * kW)
'''),
    Alternative("im2col-as-strided", cell="im2col", code='''
def im2col(X, kH, kW, stride=1, padding=0):
    N, C = X.shape[:2]
    Xp = np.ascontiguousarray(np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding))))
    H_out = (Xp.shape[2] - kH) // stride + 1
    W_out = (Xp.shape[3] - kW) // stride + 1
    sn, sc, sh, sw = Xp.strides
    view = np.lib.stride_tricks.as_strided(Xp, shape=(N, H_out, W_out, C, kH, kW),
                                           strides=(sn, stride * sh, stride * sw, sc, sh, sw), writeable=False)
    return view.reshape(N * H_out * W_out, C * kH * kW)
'''),
    # --- conv2d_forward ---
    Alternative("im2col-loops", cell="im2col", code='''
def im2col(X, kH, kW, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (Xp.shape[2] - kH) // stride + 1
    W_out = (Xp.shape[3] - kW) // stride + 1
    rows = []
    for n in range(X.shape[0]):
        for i in range(H_out):
            for j in range(W_out):
                rows.append(Xp[n, :, i * stride:i * stride + kH, j * stride:j * stride + kW].ravel())
    return np.array(rows)
'''),
    Alternative("fwd-einsum-windows", cell="conv2d_forward", why="no im2col: einsum on a sliding-window view", code='''
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(Xp, W.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwuv,ocuv->nohw", windows, W) + b[:, None, None]
'''),
    Alternative("fwd-tensordot", cell="conv2d_forward", code='''
def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(Xp, W.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    Z = np.tensordot(windows, W, axes=([1, 4, 5], [1, 2, 3]))       # (N, H_out, W_out, C_out)
    return np.moveaxis(Z + b, 3, 1)
'''),
    Alternative("fwd-offset-loop", cell="conv2d_forward", why="a loop over the kH * kW offsets, a product per offset",
                code='''
def conv2d_forward(X, W, b, stride=1, padding=0):
    N = X.shape[0]
    C_out, C_in, kH, kW = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (Xp.shape[2] - kH) // stride + 1
    W_out = (Xp.shape[3] - kW) // stride + 1
    Z = np.zeros((N, C_out, H_out, W_out)) + b[:, None, None]
    for u in range(kH):
        for v in range(kW):
            shifted = Xp[:, :, u:u + stride * H_out:stride, v:v + stride * W_out:stride]
            Z += np.einsum("nchw,oc->nohw", shifted, W[:, :, u, v])
    return Z
'''),
    Alternative("fwd-float32", cell="conv2d_forward", why="computes in float32", code='''
_conv2d_forward_64 = conv2d_forward
def conv2d_forward(X, W, b, stride=1, padding=0):
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    return _conv2d_forward_64(f32(X), f32(W), f32(b), stride, padding)
'''),
    # --- conv2d_backward ---
    Alternative("bwd-transposed-convolution", cell="conv2d_backward",
                why="dX as a correlation of the dilated, padded dZ with the flipped filters", code='''
def conv2d_backward(dZ, X, W, stride=1, padding=0):
    N, C_in, H, W_in = X.shape
    C_out, _, kH, kW = W.shape
    _, _, H_out, W_out = dZ.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(Xp, (kH, kW), axis=(2, 3))[:, :, ::stride, ::stride]
    dW = np.einsum("nchwuv,nohw->ocuv", windows, dZ)
    Hp, Wp = Xp.shape[2:]
    D = np.zeros((N, C_out, Hp + kH - 1, Wp + kW - 1))
    D[:, :, kH - 1:kH - 1 + stride * H_out:stride, kW - 1:kW - 1 + stride * W_out:stride] = dZ
    D_windows = np.lib.stride_tricks.sliding_window_view(D, (kH, kW), axis=(2, 3))
    dXp = np.einsum("nohwuv,ocuv->nchw", D_windows, W[:, :, ::-1, ::-1])
    return dXp[:, :, padding:padding + H, padding:padding + W_in], dW, dZ.sum(axis=(0, 2, 3))
'''),
    Alternative("bwd-float32", cell="conv2d_backward", why="computes in float32", code='''
_conv2d_backward_64 = conv2d_backward
def conv2d_backward(dZ, X, W, stride=1, padding=0):
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    return _conv2d_backward_64(f32(dZ), f32(X), f32(W), stride, padding)
'''),
    # --- maxpool_forward ---
    Alternative("bwd-loops", cell="conv2d_backward", why="loops over the outputs, scattering into dX and dW", code='''
def conv2d_backward(dZ, X, W, stride=1, padding=0):
    N, C_in, H, W_in = X.shape
    C_out, _, kH, kW = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dXp, dW = np.zeros(Xp.shape), np.zeros(W.shape)
    for n in range(N):
        for o in range(C_out):
            for i in range(dZ.shape[2]):
                for j in range(dZ.shape[3]):
                    g = dZ[n, o, i, j]
                    dW[o] += g * Xp[n, :, i * stride:i * stride + kH, j * stride:j * stride + kW]
                    dXp[n, :, i * stride:i * stride + kH, j * stride:j * stride + kW] += g * W[o]
    return dXp[:, :, padding:padding + H, padding:padding + W_in], dW, dZ.sum(axis=(0, 2, 3))
'''),
    Alternative("pool-maximum-of-offsets", cell="maxpool_forward", code='''
def maxpool_forward(X, size=2, stride=2):
    H_out, W_out = (X.shape[2] - size) // stride + 1, (X.shape[3] - size) // stride + 1
    Z = np.full(X.shape[:2] + (H_out, W_out), -np.inf)
    for u in range(size):
        for v in range(size):
            Z = np.maximum(Z, X[:, :, u:u + stride * H_out:stride, v:v + stride * W_out:stride])
    return Z
'''),
    # --- maxpool_backward ---
    Alternative("pool-loops", cell="maxpool_forward", code='''
def maxpool_forward(X, size=2, stride=2):
    N, C, H, W = X.shape
    H_out, W_out = (H - size) // stride + 1, (W - size) // stride + 1
    Z = np.empty((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            Z[:, :, i, j] = X[:, :, i * stride:i * stride + size, j * stride:j * stride + size].max(axis=(2, 3))
    return Z
'''),
    Alternative("poolb-add-at", cell="maxpool_backward", why="indices of the first maxima, np.add.at", code='''
def maxpool_backward(dZ, X, size=2, stride=2):
    N, C, H_out, W_out = dZ.shape
    windows = np.lib.stride_tricks.sliding_window_view(X, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    u, v = np.divmod(windows.reshape(N, C, H_out, W_out, -1).argmax(axis=-1), size)
    n, c, i, j = np.indices((N, C, H_out, W_out))
    dX = np.zeros(X.shape)
    np.add.at(dX, (n, c, i * stride + u, j * stride + v), dZ)
    return dX
'''),
    Alternative("poolb-strict-greater", cell="maxpool_backward", why="scans each window, keeps a new max only if >",
                code='''
def maxpool_backward(dZ, X, size=2, stride=2):
    dX = np.zeros(X.shape)
    N, C, H_out, W_out = dZ.shape
    for n, c, i, j in np.ndindex(N, C, H_out, W_out):
        best, where = -np.inf, None
        for u in range(size):
            for v in range(size):
                if X[n, c, i * stride + u, j * stride + v] > best:
                    best, where = X[n, c, i * stride + u, j * stride + v], (i * stride + u, j * stride + v)
        dX[n, c, where[0], where[1]] += dZ[n, c, i, j]
    return dX
'''),
    Alternative("poolb-loops-argmax", cell="maxpool_backward", code=MAXPOOL_BACKWARD_LOOPS),
]
