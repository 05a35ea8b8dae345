"""TP3 (batches and depth): wrong answers and alternative correct answers.

Each ``code`` is appended to the instructor's solution cell ``cell``, so it only redefines
what a student would have written differently. The seeds' slips are here:

- seed 000 (batch backward of the 2-layer MLP): ``grad Y_tilde = Y - Y``, ``grad b^h = grad H_tilde^T X``,
  ``sum_ligne`` (a sum within each row) for the bias gradients, ``grad Y_tilde = Yhat - Y`` without the
  1/N of the mean loss;
- seed 002 (N-layer recurrence): ``Z = A W + B`` with W of shape (n_in, n_out), ``dL/dB = dL/dZ`` (no sum
  over the examples), ``dL/dW = dL/dZ . A^T`` (factors in the column-vector order), the error of a
  layer taken as ``dL/dA^N * f'(Z^i)`` without going through the layers above, the gradient with
  respect to the probabilities ``-Y / Yhat`` used as the gradient of the scores, "W. random. uniform."
  (positive weights);
- seed 003 (losses; its worked example 2.8, 0, 7.7, mean 3.5 is right): the usual misreadings of its
  formula, the hinge sum including the correct class and the margin the wrong way round.
"""
from tp_course.catalogue import Alternative, Wrong
from tp_course.catalogue import variant as _variant


# correct answers that reuse an earlier function of the student's: with that function wrong,
# the later tests must still give these full marks (one slip, one charge: see the `also` entries)
FORWARD_LOOP_VIA_SOFTMAX = '''
def forward_loop(X, params):
    rows = []
    for x in X:
        h = np.tanh(np.dot(params["W_h"], x) + params["b_h"])
        s = np.dot(params["W_y"], h) + params["b_y"]
        rows.append(softmax_rows(s[None, :])[0])
    return np.stack(rows)
'''
SCE_VIA_CROSS_ENTROPY = '''
def softmax_cross_entropy(S, y):
    Y = np.eye(S.shape[1])[y]
    return cross_entropy(S, Y), (softmax_rows(S) - Y) / S.shape[0]
'''


# ---------------------------------------------------------------------------------------------
# Templates: a correct student answer, then one slip at a time (see _variant).
FORWARD_BATCH = """
def forward_batch(X, params):
    H_tilde = X @ params["W_h"].T + params["b_h"]
    H = np.tanh(H_tilde)
    Y_tilde = H @ params["W_y"].T + params["b_y"]
    Yhat = softmax_rows(Y_tilde)
    return Yhat, {"H_tilde": H_tilde, "H": H, "Y_tilde": Y_tilde, "Yhat": Yhat}
"""

BACKWARD_BATCH = """
def backward_batch(X, Y, params, cache):
    N = X.shape[0]
    H = cache["H"]
    dY_tilde = (cache["Yhat"] - Y) / N
    dH_tilde = (dY_tilde @ params["W_y"]) * (1 - H ** 2)
    return {"W_h": dH_tilde.T @ X, "b_h": dH_tilde.sum(axis=0),
            "W_y": dY_tilde.T @ H, "b_y": dY_tilde.sum(axis=0)}
"""

FORWARD_LOOP = """
def forward_loop(X, params):
    Yhat = np.empty((X.shape[0], params["b_y"].shape[0]))
    for k, x in enumerate(X):
        h = np.tanh(params["W_h"] @ x + params["b_h"])
        s = params["W_y"] @ h + params["b_y"]
        e = np.exp(s - s.max())
        Yhat[k] = e / e.sum()
    return Yhat
"""

SOFTMAX_CROSS_ENTROPY = """
def softmax_cross_entropy(S, y):
    N = S.shape[0]
    m = S.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(S - m).sum(axis=1))
    dS = softmax_rows(S)
    dS[np.arange(N), y] -= 1
    return float(np.mean(lse - S[np.arange(N), y])), dS / N
"""

HINGE = """
def hinge_loss(S, y):
    N = S.shape[0]
    rows = np.arange(N)
    M = np.maximum(0, S - S[rows, y][:, None] + 1)
    M[rows, y] = 0
    dS = (M > 0).astype(float)
    dS[rows, y] = -dS.sum(axis=1)
    return float(M.sum() / N), dS / N
"""

INIT_NETWORK = """
def init_network(sizes, activations, init="he", rng=None):
    rng = np.random.default_rng() if rng is None else rng
    layers = []
    for n_in, n_out, name in zip(sizes[:-1], sizes[1:], activations):
        sigma = {"small": 0.01, "xavier": np.sqrt(2.0 / (n_in + n_out)), "he": np.sqrt(2.0 / n_in)}[init]
        layers.append({"W": sigma * rng.standard_normal((n_out, n_in)), "b": np.zeros(n_out), "activation": name})
    return layers
"""

# one scheme redone by the student, the others left to the (correct) solution
INIT_HE_ONLY = """
_init_network_ok = init_network
def init_network(sizes, activations, init="he", rng=None):
    if init != "he":
        return _init_network_ok(sizes, activations, init, rng)
    rng = np.random.default_rng() if rng is None else rng
    return [{"W": np.sqrt(2.0 / n_in) * rng.standard_normal((n_out, n_in)), "b": np.zeros(n_out), "activation": a}
            for n_in, n_out, a in zip(sizes[:-1], sizes[1:], activations)]
"""

NETWORK_FORWARD = """
def network_forward(X, layers):
    A, caches = X, []
    for layer in layers:
        Z = A @ layer["W"].T + layer["b"]
        A_next = activation(Z, layer["activation"])
        caches.append({"A_prev": A, "Z": Z, "A": A_next})
        A = A_next
    return A, caches
"""

NETWORK_BACKWARD = """
def network_backward(dOut, layers, caches):
    grads, dA = [None] * len(layers), dOut
    for i in reversed(range(len(layers))):
        c = caches[i]
        dZ = dA * activation_derivative(c["Z"], c["A"], layers[i]["activation"])
        grads[i] = {"W": dZ.T @ c["A_prev"], "b": dZ.sum(axis=0)}
        dA = dZ @ layers[i]["W"]
    return grads
"""

SGD_UPDATE = """
def sgd_update(layers, grads, lr):
    for layer, g in zip(layers, grads):
        layer["W"] -= lr * g["W"]
        layer["b"] -= lr * g["b"]
    return layers
"""

WRONG = [
    # --- 1.1 softmax_rows ---------------------------------------------------------------------
    Wrong("softmax-naive-overflow", cell="softmax_rows", fails=["test_softmax_rows"],
          why="exp(1000) = inf: inf/inf = nan without subtracting the row max",
          code='''
def softmax_rows(Z):
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)
'''),
    Wrong("softmax-columns", cell="softmax_rows", fails=["test_softmax_rows"],
          also={"forward_loop": FORWARD_LOOP_VIA_SOFTMAX, "softmax_cross_entropy": SCE_VIA_CROSS_ENTROPY},
          keeps=["test_forward_batch", "test_backward_batch", "test_forward_loop", "test_softmax_cross_entropy"],
          why="normalises each column (axis=0): one example per row means axis=1",
          code='''
def softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
'''),
    Wrong("softmax-global-max", cell="softmax_rows", fails=["test_softmax_rows"],
          why="subtracts the max of the whole array: a row 2000 below underflows to 0/0 = nan",
          code='''
def softmax_rows(Z):
    E = np.exp(Z - Z.max())
    return E / E.sum(axis=1, keepdims=True)
'''),
    Wrong("softmax-no-keepdims", cell="softmax_rows", fails=["test_softmax_rows"],
          why="Z.max(axis=1) has shape (N,): broadcasts along the wrong axis on a square Z (and errors otherwise)",
          code='''
def softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1))
    return E / E.sum(axis=1)
'''),
    Wrong("softmax-in-place", cell="softmax_rows", fails=["test_softmax_rows"],
          keeps=["test_forward_batch", "test_softmax_cross_entropy"],
          why="Z -= Z.max(...) shifts the caller's array (the cached scores Y_tilde of forward_batch)",
          code='''
def softmax_rows(Z):
    Z -= Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)
'''),
    Wrong("softmax-global-normalisation", cell="softmax_rows", fails=["test_softmax_rows"],
          why="divides by the sum of the whole batch: the rows no longer sum to 1",
          code='''
def softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum()
'''),

    # --- 1.2 cross_entropy --------------------------------------------------------------------
    Wrong("ce-log-of-probabilities", cell="cross_entropy", fails=["test_cross_entropy"],
          why="-mean(sum(Y * log(softmax(S)))): log(0) = -inf when the target's probability underflows",
          code='''
def cross_entropy(S, Y):
    return float(-np.mean(np.sum(Y * np.log(softmax_rows(S)), axis=1)))
'''),
    Wrong("ce-naive-logsumexp", cell="cross_entropy", fails=["test_cross_entropy"],
          why="log(sum(exp(S))) without the max: exp(1000) overflows",
          code='''
def cross_entropy(S, Y):
    return float(np.mean(np.log(np.exp(S).sum(axis=1)) - np.sum(Y * S, axis=1)))
'''),
    Wrong("ce-sum-not-mean", cell="cross_entropy", fails=["test_cross_entropy"],
          why="sums the per-example losses: the loss grows with N",
          code='''
def cross_entropy(S, Y):
    m = S.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(S - m).sum(axis=1))
    return float(np.sum(lse - np.sum(Y * S, axis=1)))
'''),
    Wrong("ce-mean-over-entries", cell="cross_entropy", fails=["test_cross_entropy"],
          why="np.mean over all N x C entries of -Y log Yhat: divides by C too",
          code='''
def cross_entropy(S, Y):
    m = S.max(axis=1, keepdims=True)
    log_p = S - m - np.log(np.exp(S - m).sum(axis=1, keepdims=True))
    return float(-np.mean(Y * log_p))
'''),
    Wrong("ce-sign", cell="cross_entropy", fails=["test_cross_entropy"],
          keeps=["test_softmax_cross_entropy"], also={"softmax_cross_entropy": SCE_VIA_CROSS_ENTROPY},
          why="forgets the minus sign: sum(Y * S) - logsumexp(S)",
          code='''
def cross_entropy(S, Y):
    m = S.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(S - m).sum(axis=1))
    return float(np.mean(np.sum(Y * S, axis=1) - lse))
'''),

    # --- 1.3 forward_batch --------------------------------------------------------------------
    Wrong("fwd-no-transpose", cell="forward_batch", fails=["test_forward_batch"],
          why="X @ W_h instead of X @ W_h.T: a shape error, or wrong values when n_x = n_h",
          code=_variant(FORWARD_BATCH, ('X @ params["W_h"].T', 'X @ params["W_h"]'),
                                       ('H @ params["W_y"].T', 'H @ params["W_y"]'))),
    Wrong("fwd-no-bias", cell="forward_batch", fails=["test_forward_batch"],
          why="forgets the repmat'ed biases",
          code=_variant(FORWARD_BATCH, (' + params["b_h"]', ''), (' + params["b_y"]', ''))),
    Wrong("fwd-sigmoid-hidden", cell="forward_batch", fails=["test_forward_batch"],
          why="a sigmoid hidden layer instead of tanh",
          code=_variant(FORWARD_BATCH, ('np.tanh(H_tilde)', '1 / (1 + np.exp(-H_tilde))'))),
    Wrong("fwd-softmax-columns", cell="forward_batch", fails=["test_forward_batch"],
          why="softmax over the batch axis (SoftMax_col instead of SoftMax_line)",
          code=_variant(FORWARD_BATCH, ('softmax_rows(Y_tilde)', 'softmax_rows(Y_tilde.T).T'))),
    Wrong("fwd-cache-scores-as-probabilities", cell="forward_batch", fails=["test_forward_batch"],
          why="caches the probabilities under 'Y_tilde' (the scores are needed for a stable loss)",
          code=_variant(
              FORWARD_BATCH,
              ('    Y_tilde = H @ params["W_y"].T + params["b_y"]\n    Yhat = softmax_rows(Y_tilde)',
               '    Yhat = softmax_rows(H @ params["W_y"].T + params["b_y"])'),
              ('"Y_tilde": Y_tilde', '"Y_tilde": Yhat'))),

    # --- 1.4 backward_batch -------------------------------------------------------------------
    Wrong("bwd-seed-Y-minus-Y", cell="backward_batch", fails=["test_backward_batch"],
          why="seed 000's typo grad Y_tilde = Y - Y: every gradient is 0",
          code=_variant(BACKWARD_BATCH, ('(cache["Yhat"] - Y)', '(Y - Y)'))),
    Wrong("bwd-seed-bh-is-dHt-X", cell="backward_batch", fails=["test_backward_batch"],
          why="seed 000's slip grad b^h = grad H_tilde^T X (that is grad W^h): shape (n_h, n_x)",
          code=_variant(BACKWARD_BATCH, ('"b_h": dH_tilde.sum(axis=0)', '"b_h": dH_tilde.T @ X'))),
    Wrong("bwd-no-1-over-N", cell="backward_batch", fails=["test_backward_batch"],
          why="seed 000's grad Y_tilde = Yhat - Y for a mean loss: the gradient of the sum, N times too big",
          code=_variant(BACKWARD_BATCH, ('    N = X.shape[0]\n', ''),
                                        ('(cache["Yhat"] - Y) / N', 'cache["Yhat"] - Y'))),
    Wrong("bwd-sum-ligne", cell="backward_batch", fails=["test_backward_batch"],
          why="the seed's sum_ligne read literally: sums within each row (axis=1), N numbers per bias",
          code=_variant(BACKWARD_BATCH, ('dH_tilde.sum(axis=0)', 'dH_tilde.sum(axis=1)'),
                                        ('dY_tilde.sum(axis=0)', 'dY_tilde.sum(axis=1)'))),
    Wrong("bwd-tanh-derivative-of-pre-activation", cell="backward_batch", fails=["test_backward_batch"],
          why="1 - H_tilde**2 instead of 1 - H**2",
          code=_variant(BACKWARD_BATCH, ('(1 - H ** 2)', '(1 - cache["H_tilde"] ** 2)'))),
    Wrong("bwd-double-mean", cell="backward_batch", fails=["test_backward_batch"],
          why="divides by N in grad Y_tilde and again in the weight gradients",
          code=_variant(
              BACKWARD_BATCH,
              ('dH_tilde.T @ X,', 'dH_tilde.T @ X / N,'), ('dH_tilde.sum(axis=0)', 'dH_tilde.mean(axis=0)'),
              ('dY_tilde.T @ H,', 'dY_tilde.T @ H / N,'), ('dY_tilde.sum(axis=0)', 'dY_tilde.mean(axis=0)'))),
    Wrong("bwd-transposed-weight-gradient", cell="backward_batch", fails=["test_backward_batch"],
          why="H^T grad Y_tilde: the gradient of W_y transposed (shape (n_h, n_y))",
          code=_variant(BACKWARD_BATCH, ('dH_tilde.T @ X', 'X.T @ dH_tilde'),
                                        ('dY_tilde.T @ H', 'H.T @ dY_tilde'))),
    Wrong("bwd-bias-keepdims", cell="backward_batch", fails=["test_backward_batch"],
          why="sum(axis=0, keepdims=True): bias gradients of shape (1, n) instead of (n,) (b -= lr * db then fails)",
          code=_variant(BACKWARD_BATCH, ('dH_tilde.sum(axis=0)', 'dH_tilde.sum(axis=0, keepdims=True)'),
                                        ('dY_tilde.sum(axis=0)', 'dY_tilde.sum(axis=0, keepdims=True)'))),
    Wrong("bwd-sign", cell="backward_batch", fails=["test_backward_batch"],
          why="Y - Yhat: the gradient of -L (gradient ascent)",
          code=_variant(BACKWARD_BATCH, ('(cache["Yhat"] - Y)', '(Y - cache["Yhat"])'))),

    # --- 2.1 forward_loop ---------------------------------------------------------------------
    Wrong("loop-naive-softmax", cell="forward_loop", fails=["test_forward_loop"],
          why="exp(s) / sum(exp(s)) without the max: nan for large scores",
          code=_variant(
              FORWARD_LOOP,
              ('        s = params["W_y"] @ h + params["b_y"]\n        e = np.exp(s - s.max())',
               '        e = np.exp(params["W_y"] @ h + params["b_y"])'))),
    Wrong("loop-no-bias", cell="forward_loop", fails=["test_forward_loop"],
          why="forgets the biases",
          code=_variant(FORWARD_LOOP, (' + params["b_h"]', ''), (' + params["b_y"]', ''))),
    Wrong("loop-W-transposed", cell="forward_loop", fails=["test_forward_loop"],
          why="W.T @ x: a shape error, or wrong values for square weights",
          code=_variant(FORWARD_LOOP, ('params["W_h"] @ x', 'params["W_h"].T @ x'),
                                      ('params["W_y"] @ h', 'params["W_y"].T @ h'))),
    Wrong("loop-scores-not-probabilities", cell="forward_loop", fails=["test_forward_loop"],
          why="returns the scores y_tilde, forgets the softmax",
          code=_variant(
              FORWARD_LOOP,
              ('        s = params["W_y"] @ h + params["b_y"]\n'
               '        e = np.exp(s - s.max())\n'
               '        Yhat[k] = e / e.sum()',
               '        Yhat[k] = params["W_y"] @ h + params["b_y"]'))),

    # --- 3.1 mse_loss -------------------------------------------------------------------------
    Wrong("mse-no-half", cell="mse_loss", fails=["test_mse_loss"],
          why="forgets the 1/2 of the course's MSE (and the factor 2 in the gradient)",
          code='''
def mse_loss(S, T):
    N = S.shape[0]
    return float(np.sum((S - T) ** 2) / N), 2 * (S - T) / N
'''),
    Wrong("mse-mean-over-entries", cell="mse_loss", fails=["test_mse_loss"],
          why="np.mean over all N x C entries: divides by C too",
          code='''
def mse_loss(S, T):
    return float(0.5 * np.mean((S - T) ** 2)), (S - T) / S.size
'''),
    Wrong("mse-sum-over-examples", cell="mse_loss", fails=["test_mse_loss"],
          why="the seed's 1/2 sum: a sum over the examples, not a mean",
          code='''
def mse_loss(S, T):
    return float(0.5 * np.sum((S - T) ** 2)), S - T
'''),
    Wrong("mse-gradient-sign", cell="mse_loss", fails=["test_mse_loss"],
          why="(T - S) / N: the gradient of -L",
          code='''
def mse_loss(S, T):
    N = S.shape[0]
    return float(0.5 * np.sum((S - T) ** 2) / N), (T - S) / N
'''),
    Wrong("mse-gradient-no-1-over-N", cell="mse_loss", fails=["test_mse_loss"],
          why="a mean loss but the gradient of the sum",
          code='''
def mse_loss(S, T):
    N = S.shape[0]
    return float(0.5 * np.sum((S - T) ** 2) / N), S - T
'''),

    # --- 3.2 softmax_cross_entropy ------------------------------------------------------------
    Wrong("sce-no-1-over-N", cell="softmax_cross_entropy", fails=["test_softmax_cross_entropy"],
          why="dS = softmax(S) - Y without the 1/N of the mean",
          code=_variant(SOFTMAX_CROSS_ENTROPY, ('dS / N', 'dS'))),
    Wrong("sce-gradient-wrt-probabilities", cell="softmax_cross_entropy", fails=["test_softmax_cross_entropy"],
          why="seed 002's -Y / Yhat: the gradient with respect to the probabilities, not the scores",
          code=_variant(
              SOFTMAX_CROSS_ENTROPY,
              ('    dS = softmax_rows(S)\n    dS[np.arange(N), y] -= 1\n', '    Y = np.eye(S.shape[1])[y]\n'),
              ('dS / N', '-Y / softmax_rows(S) / N'))),
    Wrong("sce-sign", cell="softmax_cross_entropy", fails=["test_softmax_cross_entropy"],
          why="(Y - softmax(S)) / N",
          code=_variant(SOFTMAX_CROSS_ENTROPY, ('dS = softmax_rows(S)', 'dS = -softmax_rows(S)'),
                                               ('-= 1', '+= 1'))),
    Wrong("sce-log-of-probabilities", cell="softmax_cross_entropy", fails=["test_softmax_cross_entropy"],
          why="-mean(log(softmax(S)[y])): log(0) = -inf for a huge gap",
          code='''
def softmax_cross_entropy(S, y):
    N = S.shape[0]
    P = softmax_rows(S)
    dS = P.copy()
    dS[np.arange(N), y] -= 1
    return float(-np.mean(np.log(P[np.arange(N), y]))), dS / N
'''),
    Wrong("sce-loss-summed", cell="softmax_cross_entropy", fails=["test_softmax_cross_entropy"],
          why="the loss is a sum over the examples while dS is for the mean",
          code=_variant(SOFTMAX_CROSS_ENTROPY, ('np.mean(lse', 'np.sum(lse'))),

    # --- 3.3 hinge_loss -----------------------------------------------------------------------
    Wrong("hinge-includes-correct-class", cell="hinge_loss", fails=["test_hinge_loss"],
          why="sums over all j, the correct class included: +1 per example (4.5 on the slide)",
          code=_variant(HINGE, ('    M[rows, y] = 0\n', ''),
                               ('dS[rows, y] = -dS.sum(axis=1)', 'dS[rows, y] -= dS.sum(axis=1)'))),
    Wrong("hinge-no-correct-class-gradient", cell="hinge_loss", fails=["test_hinge_loss"],
          why="forgets that s_y appears (with a minus sign) in every active term",
          code=_variant(
              HINGE,
              ('    dS = (M > 0).astype(float)\n    dS[rows, y] = -dS.sum(axis=1)\n', ''),
              ('dS / N', '(M > 0).astype(float) / N'))),
    Wrong("hinge-margin-reversed", cell="hinge_loss", fails=["test_hinge_loss"],
          why="max(0, s_y - s_j + 1): the margin the wrong way round",
          code='''
def hinge_loss(S, y):
    N = S.shape[0]
    rows = np.arange(N)
    M = np.maximum(0, S[rows, y][:, None] - S + 1)
    M[rows, y] = 0
    dS = -(M > 0).astype(float)
    dS[rows, y] = (M > 0).sum(axis=1)
    return float(M.sum() / N), dS / N
'''),
    Wrong("hinge-sum-not-mean", cell="hinge_loss", fails=["test_hinge_loss"],
          why="the total 10.5 of the slide instead of the mean 3.5",
          code=_variant(HINGE, ('float(M.sum() / N), dS / N', 'float(M.sum()), dS'))),
    Wrong("hinge-gradient-no-1-over-N", cell="hinge_loss", fails=["test_hinge_loss"],
          why="a mean loss but the gradient of the sum",
          code=_variant(HINGE, ('dS / N', 'dS'))),

    # --- 4.1 activations ----------------------------------------------------------------------
    Wrong("act-sigmoid-derivative-of-z", cell="activations", fails=["test_activations"],
          why="z (1 - z): the formula a (1 - a) applied to the pre-activation",
          code='''
_activation_derivative_ok = activation_derivative
def activation_derivative(Z, A, name):
    if name == "sigmoid":
        return Z * (1 - Z)
    return _activation_derivative_ok(Z, A, name)
'''),
    Wrong("act-tanh-derivative-of-z", cell="activations", fails=["test_activations"],
          keeps=["test_network_backward"],
          why="1 - z**2 instead of 1 - a**2",
          code='''
_activation_derivative_ok = activation_derivative
def activation_derivative(Z, A, name):
    if name == "tanh":
        return 1 - Z ** 2
    return _activation_derivative_ok(Z, A, name)
'''),
    Wrong("act-sigmoid-applied-twice", cell="activations", fails=["test_activations"],
          why="sigma(a)(1 - sigma(a)): the derivative in terms of z evaluated at the activation",
          code='''
_activation_derivative_ok = activation_derivative
def activation_derivative(Z, A, name):
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-A))
        return s * (1 - s)
    return _activation_derivative_ok(Z, A, name)
'''),
    Wrong("act-relu-derivative-is-relu", cell="activations", fails=["test_activations"],
          keeps=["test_network_backward"],
          why="returns max(0, z) (the activation) as its derivative",
          code='''
_activation_derivative_ok = activation_derivative
def activation_derivative(Z, A, name):
    if name == "relu":
        return A
    return _activation_derivative_ok(Z, A, name)
'''),
    Wrong("act-identity-derivative-is-z", cell="activations", fails=["test_activations"],
          why="the derivative of z is 1, not z",
          code='''
_activation_derivative_ok = activation_derivative
def activation_derivative(Z, A, name):
    if name == "identity":
        return Z
    return _activation_derivative_ok(Z, A, name)
'''),
    Wrong("act-sigmoid-sign", cell="activations", fails=["test_activations"],
          keeps=["test_network_forward", "test_network_backward", "test_sgd_update"],
          why="1 / (1 + exp(z)) is sigma(-z)",
          code='''
_activation_ok = activation
def activation(Z, name):
    if name == "sigmoid":
        return 0.5 * (1 - np.tanh(0.5 * Z))
    return _activation_ok(Z, name)
'''),

    # --- 4.2 init_network ---------------------------------------------------------------------
    Wrong("init-seed-shape-in-out", cell="init_network", fails=["test_init_network"],
          why="seed 002's W^i of shape (l_{i-1}, l_i): (n_in, n_out) instead of (n_out, n_in)",
          code=_variant(INIT_NETWORK, ('(n_out, n_in)', '(n_in, n_out)'))),
    Wrong("init-he-without-2", cell="init_network", fails=["test_init_network"],
          why="He with std sqrt(1/n_in) (that is LeCun's init)",
          code=_variant(INIT_HE_ONLY, ('np.sqrt(2.0 / n_in)', 'np.sqrt(1.0 / n_in)'))),
    Wrong("init-variance-as-std", cell="init_network", fails=["test_init_network"],
          why="uses the variance 2/n_in as the standard deviation",
          code=_variant(INIT_HE_ONLY, ('np.sqrt(2.0 / n_in)', '(2.0 / n_in)'))),
    Wrong("init-xavier-fan-in-only", cell="init_network", fails=["test_init_network"],
          why="Xavier with sqrt(1/n_in) instead of sqrt(2/(n_in + n_out))",
          code=_variant(INIT_HE_ONLY, ('init != "he"', 'init != "xavier"'),
                                      ('np.sqrt(2.0 / n_in)', 'np.sqrt(1.0 / n_in)'))),
    Wrong("init-seed-random-uniform", cell="init_network", fails=["test_init_network"],
          why="seed 002's 'W. random. uniform.': 0.01 * uniform[0, 1), all weights positive (mean not 0)",
          code=_variant(
              INIT_HE_ONLY, ('init != "he"', 'init != "small"'),
              ('np.sqrt(2.0 / n_in) * rng.standard_normal((n_out, n_in))', '0.01 * rng.random((n_out, n_in))'))),
    Wrong("init-global-rng", cell="init_network", fails=["test_init_network"],
          why="ignores rng and draws from np.random: not reproducible",
          code=_variant(
              INIT_NETWORK, ('    rng = np.random.default_rng() if rng is None else rng\n', ''),
              ('rng.standard_normal((n_out, n_in))', 'np.random.randn(n_out, n_in)'))),

    # --- 4.3 network_forward ------------------------------------------------------------------
    Wrong("netfwd-seed-A-times-W", cell="network_forward", fails=["test_network_forward"],
          why="seed 002's Z = A W + B with our W of shape (n_out, n_in): shape error, or wrong when square",
          code=_variant(NETWORK_FORWARD, ('A @ layer["W"].T', 'A @ layer["W"]'))),
    Wrong("netfwd-cache-A-as-A-prev", cell="network_forward", fails=["test_network_forward"],
          why="caches the new activation under 'A_prev'",
          code='''
def network_forward(X, layers):
    A, caches = X, []
    for layer in layers:
        Z = A @ layer["W"].T + layer["b"]
        A = activation(Z, layer["activation"])
        caches.append({"A_prev": A, "Z": Z, "A": A})
    return A, caches
'''),
    Wrong("netfwd-no-activation-last-layer", cell="network_forward", fails=["test_network_forward"],
          why="returns the last layer's Z (scores) whatever its activation",
          code=_variant(NETWORK_FORWARD, ('return A, caches', 'return caches[-1]["Z"], caches'))),
    Wrong("netfwd-input-every-layer", cell="network_forward", fails=["test_network_forward"],
          why="feeds X (not the previous activation) to every layer",
          code=_variant(NETWORK_FORWARD, ('Z = A @', 'Z = X @'))),

    # --- 4.4 network_backward -----------------------------------------------------------------
    Wrong("netbwd-seed-bias-is-dZ", cell="network_backward", fails=["test_network_backward"],
          why="seed 002's dL/dB = dL/dZ: no sum over the examples, shape (N, n)",
          code=_variant(NETWORK_BACKWARD, ('"b": dZ.sum(axis=0)', '"b": dZ'))),
    Wrong("netbwd-seed-dZ-times-A-T", cell="network_backward", fails=["test_network_backward"],
          why="seed 002's dL/dW = dL/dZ . A^T in the column order: A_prev^T dZ, shape (n_in, n_out)",
          code=_variant(NETWORK_BACKWARD, ('dZ.T @ c["A_prev"]', 'c["A_prev"].T @ dZ'))),
    Wrong("netbwd-seed-error-skips-layers", cell="network_backward", fails=["test_network_backward"],
          why="seed 002's dL/dZ^i = dL/dA^N * f'_i(Z^i): the error does not go through the layers above",
          code=_variant(
              NETWORK_BACKWARD, ('grads, dA = [None] * len(layers), dOut', 'grads = [None] * len(layers)'),
              ('dZ = dA *', 'dZ = dOut *'), ('        dA = dZ @ layers[i]["W"]\n', ''))),
    Wrong("netbwd-no-activation-derivative", cell="network_backward", fails=["test_network_backward"],
          why="dZ = dA: forgets f'(Z)",
          code=_variant(
              NETWORK_BACKWARD,
              ('dZ = dA * activation_derivative(c["Z"], c["A"], layers[i]["activation"])', 'dZ = dA'))),
    Wrong("netbwd-W-transposed-in-propagation", cell="network_backward", fails=["test_network_backward"],
          why="dA_prev = dZ W^T: a shape error, or wrong values for square layers",
          code=_variant(NETWORK_BACKWARD, ('dZ @ layers[i]["W"]', 'dZ @ layers[i]["W"].T'))),
    Wrong("netbwd-divides-by-N-again", cell="network_backward", fails=["test_network_backward"],
          why="divides by N although the 1/N is already in dOut",
          code=_variant(
              NETWORK_BACKWARD, ('dOut\n', 'dOut\n    N = dOut.shape[0]\n'),
              ('dZ.T @ c["A_prev"]', 'dZ.T @ c["A_prev"] / N'), ('dZ.sum(axis=0)', 'dZ.mean(axis=0)'))),
    Wrong("netbwd-bias-keepdims", cell="network_backward", fails=["test_network_backward"],
          why="dZ.sum(axis=0, keepdims=True): shape (1, n), not the shape (n,) of b",
          code=_variant(NETWORK_BACKWARD, ('dZ.sum(axis=0)', 'dZ.sum(axis=0, keepdims=True)'))),
    Wrong("netbwd-grads-reversed", cell="network_backward", fails=["test_network_backward"],
          why="appends the gradients while going backwards: grads[0] is the last layer's",
          code=_variant(
              NETWORK_BACKWARD, ('[None] * len(layers), dOut', '[], dOut'),
              ('grads[i] = {"W": dZ.T @ c["A_prev"], "b": dZ.sum(axis=0)}',
               'grads.append({"W": dZ.T @ c["A_prev"], "b": dZ.sum(axis=0)})'))),

    # --- 4.5 sgd_update -----------------------------------------------------------------------
    Wrong("sgd-ascent", cell="sgd_update", fails=["test_sgd_update"],
          why="W + lr * dW: climbs the loss",
          code=_variant(SGD_UPDATE, ('layer["W"] -=', 'layer["W"] +='), ('layer["b"] -=', 'layer["b"] +='))),
    Wrong("sgd-forgets-bias", cell="sgd_update", fails=["test_sgd_update"],
          why="updates W only",
          code=_variant(SGD_UPDATE, ('        layer["b"] -= lr * g["b"]\n', ''))),
    Wrong("sgd-forgets-lr", cell="sgd_update", fails=["test_sgd_update"],
          why="W - dW: the learning rate is ignored",
          code=_variant(SGD_UPDATE, ('-= lr * g["W"]', '-= g["W"]'), ('-= lr * g["b"]', '-= g["b"]'))),
    Wrong("sgd-first-layer-only", cell="sgd_update", fails=["test_sgd_update"],
          why="returns inside the loop: only the first layer is updated",
          code=_variant(SGD_UPDATE, ('    return layers', '        return layers'))),
    # --- issue 12: special points, contracts (inputs not modified, ValueError) ----------------
    Wrong("softmax-subtract-min", cell="softmax_rows", fails=["test_softmax_rows"],
          why="subtracts each row's minimum instead of its maximum: exp overflows once a row spreads over 709",
          code='''
def softmax_rows(Z):
    E = np.exp(Z - Z.min(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
'''),
    Wrong("ce-shift-in-place", cell="cross_entropy", fails=["test_cross_entropy"],
          why="S -= S.max(...) inside cross_entropy: the caller's scores are shifted",
          code='''
def cross_entropy(S, Y):
    m = S.max(axis=1, keepdims=True)
    S -= m   # the loss is shift-invariant (rows of Y sum to 1): right value, but the caller's S has moved
    return float(np.mean(np.log(np.exp(S).sum(axis=1)) - np.sum(Y * S, axis=1)))
'''),
    Wrong("bwd-mutates-cache", cell="backward_batch", fails=["test_backward_batch"],
          why="CS231n's dscores = probs; dscores -= Y; dscores /= N on the cache itself: overwrites cache['Yhat']",
          code='''
def backward_batch(X, Y, params, cache):
    dY = cache["Yhat"]
    dY -= Y
    dY /= X.shape[0]
    H = cache["H"]
    dH = (dY @ params["W_y"]) * (1 - H ** 2)
    return {"W_h": dH.T @ X, "b_h": dH.sum(axis=0), "W_y": dY.T @ H, "b_y": dY.sum(axis=0)}
'''),
    Wrong("mse-in-place", cell="mse_loss", fails=["test_mse_loss"],
          why="S -= T to get the residuals: the caller's scores are overwritten",
          code='''
def mse_loss(S, T):
    N = S.shape[0]
    S -= T
    return float(0.5 * np.sum(S ** 2) / N), S / N
'''),
    Wrong("sce-shift-in-place", cell="softmax_cross_entropy", fails=["test_softmax_cross_entropy"],
          why="S -= S.max(axis=1, keepdims=True): the caller's scores are shifted",
          code='''
def softmax_cross_entropy(S, y):
    N = S.shape[0]
    S -= S.max(axis=1, keepdims=True)
    lse = np.log(np.exp(S).sum(axis=1))
    dS = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    dS[np.arange(N), y] -= 1
    return float(np.mean(lse - S[np.arange(N), y])), dS / N
'''),
    Wrong("hinge-kink-derivative-one", cell="hinge_loss", fails=["test_hinge_loss"],
          why="derivative 1 at a margin exactly 0 (mask >= 0): the course takes 0 at the kink",
          code=_variant(HINGE, ('dS = (M > 0).astype(float)', 'dS = (S - S[rows, y][:, None] + 1 >= 0).astype(float)\n'
                                '    dS[rows, y] = 0'))),
    Wrong("act-relu-derivative-one-at-zero", cell="activations", fails=["test_activations"],
          why="relu'(0) = 1 (Z >= 0): the course takes f'(0) = 0",
          code='''
_activation_derivative_ok = activation_derivative
def activation_derivative(Z, A, name):
    if name == "relu":
        return np.heaviside(Z, 1.0)
    return _activation_derivative_ok(Z, A, name)
'''),
    Wrong("act-unknown-name-identity", cell="activations", fails=["test_activations"],
          why="an unknown name falls through to the identity: a typo 'Relu' silently gives a linear layer",
          code='''
_activation_ok, _activation_derivative_ok = activation, activation_derivative
def activation(Z, name):
    return _activation_ok(Z, name) if name in ("sigmoid", "tanh", "relu") else Z
def activation_derivative(Z, A, name):
    return _activation_derivative_ok(Z, A, name) if name in ("sigmoid", "tanh", "relu") else np.ones_like(Z)
'''),
    Wrong("netbwd-mutates-dOut", cell="network_backward", fails=["test_network_backward"],
          why="dA = dOut; dA *= f'(Z): the caller's dOut is overwritten",
          code='''
def network_backward(dOut, layers, caches):
    grads, dA = [None] * len(layers), dOut
    for i in range(len(layers) - 1, -1, -1):
        c = caches[i]
        dA *= activation_derivative(c["Z"], c["A"], layers[i]["activation"])
        grads[i] = {"W": dA.T @ c["A_prev"], "b": dA.sum(axis=0)}
        dA = dA @ layers[i]["W"]
    return grads
'''),
    Wrong("netbwd-loop-skips-first-layer", cell="network_backward", fails=["test_network_backward"],
          why="range(L - 1, 0, -1) stops before layer 0: grads[0] stays None (the test says so, not a TypeError)",
          code=_variant(NETWORK_BACKWARD, ('reversed(range(len(layers)))', 'range(len(layers) - 1, 0, -1)'))),
    # --- issue 12: lazy answers (a library or numerical differentiation does the exercise) ----
    Wrong("softmax-rows-scipy", cell="softmax_rows", fails=["test_softmax_rows"], keeps=["test_forward_batch"],
          why="scipy.special.softmax(Z, axis=1): right numbers, but the exercise is to write it",
          code='''
from scipy.special import softmax as _sp_softmax
def softmax_rows(Z):
    return _sp_softmax(Z, axis=1)
'''),
    Wrong("softmax-rows-sklearn", cell="softmax_rows", fails=["test_softmax_rows"],
          why="scikit-learn's softmax (sklearn.utils.extmath.softmax) does the exercise",
          code='''
def softmax_rows(Z):
    from sklearn.utils import extmath
    return extmath.softmax(np.array(Z, dtype=float))
'''),
    Wrong("ce-scipy-log-softmax", cell="cross_entropy", fails=["test_cross_entropy"],
          why="scipy.special.log_softmax does the stable part of the exercise",
          code='''
import scipy.special as sps
def cross_entropy(S, Y):
    return float(-np.mean(np.sum(Y * sps.log_softmax(S, axis=1), axis=1)))
'''),
    Wrong("sce-scipy-logsumexp", cell="softmax_cross_entropy", fails=["test_softmax_cross_entropy"],
          why="the loss through scipy.special.logsumexp",
          code=_variant(SOFTMAX_CROSS_ENTROPY, ('lse = m[:, 0] + np.log(np.exp(S - m).sum(axis=1))',
                                                'from scipy.special import logsumexp\n    lse = logsumexp(S, axis=1)'))),
    Wrong("act-sigmoid-scipy-expit", cell="activations", fails=["test_activations"], keeps=["test_network_forward"],
          why="the sigmoid through scipy.special.expit (the other activations in numpy)",
          code='''
_numpy_activation = activation
def activation(Z, name):
    if name == "sigmoid":
        from scipy.special import expit
        return expit(Z)
    return _numpy_activation(Z, name)
'''),
    Wrong("backward-batch-numerical", cell="backward_batch", fails=["test_backward_batch"],
          why="central differences of the student's own forward_batch and cross_entropy: no backpropagation",
          code='''
def backward_batch(X, Y, params, cache):
    grads = {}
    for name, value in params.items():
        g = np.zeros(value.shape)
        for i in np.ndindex(value.shape):
            plus, minus = dict(params, **{name: value.copy()}), dict(params, **{name: value.copy()})
            plus[name][i] += 1e-6
            minus[name][i] -= 1e-6
            g[i] = (cross_entropy(forward_batch(X, plus)[1]["Y_tilde"], Y)
                    - cross_entropy(forward_batch(X, minus)[1]["Y_tilde"], Y)) / 2e-6
        grads[name] = g
    return grads
'''),
    Wrong("backward-batch-inline-central-differences", cell="backward_batch", fails=["test_backward_batch"],
          why="central differences of an inline forward pass and loss (no helper called): never reads the cache",
          code='''
def backward_batch(X, Y, params, cache):
    def loss(p):
        S = np.tanh(X @ p["W_h"].T + p["b_h"]) @ p["W_y"].T + p["b_y"]
        m = S.max(axis=1, keepdims=True)
        return np.mean(m[:, 0] + np.log(np.exp(S - m).sum(axis=1)) - np.sum(Y * S, axis=1))
    grads = {}
    for name, value in params.items():
        grads[name] = np.zeros(value.shape)
        for i in np.ndindex(value.shape):
            plus, minus = dict(params, **{name: value.astype(float)}), dict(params, **{name: value.astype(float)})
            plus[name][i] += 1e-6
            minus[name][i] -= 1e-6
            grads[name][i] = (loss(plus) - loss(minus)) / 2e-6
    return grads
'''),
    Wrong("hinge-numerical-gradient", cell="hinge_loss", fails=["test_hinge_loss"],
          why="the loss right, dS by central differences of it: 1/2 at a margin of exactly 0",
          code='''
def hinge_loss(S, y):
    def loss(T):
        rows = np.arange(T.shape[0])
        M = np.maximum(0, T - T[rows, y][:, None] + 1)
        M[rows, y] = 0
        return M.sum() / T.shape[0]
    dS = np.zeros(S.shape)
    for i in np.ndindex(S.shape):
        E = np.zeros(S.shape)
        E[i] = 1e-6
        dS[i] = (loss(S + E) - loss(S - E)) / 2e-6
    return float(loss(S)), dS
'''),
    Wrong("netbwd-numerical", cell="network_backward", fails=["test_network_backward"],
          why="central differences of sum(dOut * network_forward(X, layers)), X read from the caches",
          code='''
def network_backward(dOut, layers, caches):
    X = caches[0]["A_prev"]
    grads = []
    for layer in layers:
        g = {}
        for key in ("W", "b"):
            value = layer[key]
            grad = np.zeros(value.shape)
            for i in np.ndindex(value.shape):
                old = value[i]
                value[i] = old + 1e-6
                f_plus = np.sum(dOut * network_forward(X, layers)[0])
                value[i] = old - 1e-6
                f_minus = np.sum(dOut * network_forward(X, layers)[0])
                value[i] = old
                grad[i] = (f_plus - f_minus) / 2e-6
            g[key] = grad
        grads.append(g)
    return grads
'''),
    Wrong("netbwd-inline-numerical", cell="network_backward", fails=["test_network_backward"],
          why="central differences of an inline forward pass (with the student's activation): never reads Z or A",
          code='''
def network_backward(dOut, layers, caches):
    X = caches[0]["A_prev"]
    def out(ls):
        A = X
        for layer in ls:
            A = activation(A @ layer["W"].T + layer["b"], layer["activation"])
        return np.sum(dOut * A)
    grads = []
    for i, layer in enumerate(layers):
        g = {}
        for key in ("W", "b"):
            g[key] = np.zeros(layer[key].shape)
            for j in np.ndindex(layer[key].shape):
                ls_plus = [dict(l) for l in layers]
                ls_minus = [dict(l) for l in layers]
                ls_plus[i][key] = layer[key].astype(float)
                ls_minus[i][key] = layer[key].astype(float)
                ls_plus[i][key][j] += 1e-6
                ls_minus[i][key][j] -= 1e-6
                g[key][j] = (out(ls_plus) - out(ls_minus)) / 2e-6
        grads.append(g)
    return grads
'''),
]

ALTERNATIVES = [
    Alternative("softmax-logsumexp", cell="softmax_rows", why="exp(Z - logsumexp(Z)) per row", code='''
def softmax_rows(Z):
    m = np.max(Z, axis=1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(Z - m), axis=1, keepdims=True))
    return np.exp(Z - lse)
'''),
    Alternative("softmax-loop-rows", cell="softmax_rows", why="a loop over the rows", code='''
def softmax_rows(Z):
    out = np.empty(Z.shape, dtype=np.result_type(Z, np.float32))
    for k in range(Z.shape[0]):
        e = np.exp(Z[k] - np.max(Z[k]))
        out[k] = e / np.sum(e)
    return out
'''),
    Alternative("softmax-float32", cell="softmax_rows", why="computes in float32", code='''
def softmax_rows(Z):
    Z = np.asarray(Z, dtype=np.float32)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
'''),
    Alternative("ce-log-softmax", cell="cross_entropy", why="-mean(sum(Y * log_softmax(S))) with a stable log-softmax",
                code='''
def cross_entropy(S, Y):
    shifted = S - S.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.sum(Y * log_p) / S.shape[0])
'''),
    Alternative("ce-loop", cell="cross_entropy", why="a loop over the examples with math", code='''
import math
def cross_entropy(S, Y):
    total = 0.0
    for s, t in zip(S, Y):
        m = max(s)
        lse = m + math.log(sum(math.exp(v - m) for v in s))
        total += lse - float(np.dot(t, s))
    return total / len(S)
'''),
    Alternative("fwd-einsum-add-newaxis", cell="forward_batch", why="np.einsum and an explicit b[None, :]", code='''
def forward_batch(X, params):
    H_tilde = np.einsum("kj,ij->ki", X, params["W_h"]) + params["b_h"][None, :]
    H = np.tanh(H_tilde)
    Y_tilde = np.dot(H, params["W_y"].T) + np.tile(params["b_y"], (X.shape[0], 1))
    Yhat = softmax_rows(Y_tilde)
    return Yhat, {"H_tilde": H_tilde, "H": H, "Y_tilde": Y_tilde, "Yhat": Yhat}
'''),
    Alternative("fwd-transpose-of-column-form", cell="forward_batch", why="(W X^T + b[:, None])^T, the column form", code='''
def forward_batch(X, params):
    H_tilde = (params["W_h"] @ X.T + params["b_h"][:, None]).T
    H = np.tanh(H_tilde)
    Y_tilde = (params["W_y"] @ H.T + params["b_y"][:, None]).T
    Yhat = softmax_rows(Y_tilde)
    return Yhat, {"H_tilde": H_tilde, "H": H, "Y_tilde": Y_tilde, "Yhat": Yhat, "X": X}
'''),
    Alternative("bwd-loop-over-examples", cell="backward_batch", why="sums per-example outer products, then /N", code='''
def backward_batch(X, Y, params, cache):
    N = X.shape[0]
    grads = {k: np.zeros_like(v, dtype=float) for k, v in params.items()}
    for k in range(N):
        d_y = cache["Yhat"][k] - Y[k]
        h = cache["H"][k]
        d_h = (params["W_y"].T @ d_y) * (1 - h ** 2)
        grads["W_y"] += np.outer(d_y, h)
        grads["b_y"] += d_y
        grads["W_h"] += np.outer(d_h, X[k])
        grads["b_h"] += d_h
    return {k: v / N for k, v in grads.items()}
'''),
    Alternative("bwd-mean-at-the-end", cell="backward_batch", why="the 1/N applied at the end of each parameter's gradient",
                code='''
def backward_batch(X, Y, params, cache):
    N = len(X)
    dY = cache["Yhat"] - Y
    dH = np.dot(dY, params["W_y"]) * (1 - np.tanh(cache["H_tilde"]) ** 2)
    return {"W_h": np.dot(dH.T, X) / N, "b_h": np.mean(dH, axis=0),
            "W_y": np.dot(dY.T, cache["H"]) / N, "b_y": np.mean(dY, axis=0)}
'''),
    Alternative("bwd-float32", cell="backward_batch", why="computes in float32", code='''
def backward_batch(X, Y, params, cache):
    f = np.float32
    N = X.shape[0]
    H = cache["H"].astype(f)
    dY_tilde = ((cache["Yhat"] - Y) / N).astype(f)
    dH_tilde = (dY_tilde @ params["W_y"].astype(f)) * (1 - H ** 2)
    return {"W_h": dH_tilde.T @ X.astype(f), "b_h": dH_tilde.sum(axis=0),
            "W_y": dY_tilde.T @ H, "b_y": dY_tilde.sum(axis=0)}
'''),
    Alternative("bwd-cs231n-in-place-on-a-copy", cell="backward_batch",
                why="CS231n's idiom dscores = probs.copy(); dscores -= Y; dscores /= N (in place, on a copy)", code='''
def backward_batch(X, Y, params, cache):
    dY = cache["Yhat"].copy()
    dY -= Y
    dY /= X.shape[0]
    H = cache["H"]
    dH = (dY @ params["W_y"]) * (1 - H ** 2)
    return {"W_h": dH.T @ X, "b_h": dH.sum(axis=0), "W_y": dY.T @ H, "b_y": dY.sum(axis=0)}
'''),
    Alternative("loop-list-and-stack", cell="forward_loop", why="a list of rows and np.stack; reuses softmax_rows", code=FORWARD_LOOP_VIA_SOFTMAX),
    Alternative("mse-loops", cell="mse_loss", why="loops over the examples", code='''
def mse_loss(S, T):
    N = S.shape[0]
    loss = 0.0
    dS = np.zeros_like(S, dtype=float)
    for k in range(N):
        d = S[k] - T[k]
        loss += 0.5 * float(d @ d)
        dS[k] = d / N
    return loss / N, dS
'''),
    Alternative("mse-np-mean", cell="mse_loss", why="0.5 * C * mean of the squares", code='''
def mse_loss(S, T):
    N, C = S.shape
    return float(0.5 * C * np.mean(np.square(S - T))), (S - T) * (1.0 / N)
'''),
    Alternative("sce-one-hot", cell="softmax_cross_entropy", why="builds the one-hot matrix and reuses cross_entropy", code=SCE_VIA_CROSS_ENTROPY),
    Alternative("sce-loop", cell="softmax_cross_entropy", why="a loop over the examples", code='''
def softmax_cross_entropy(S, y):
    N = S.shape[0]
    loss, dS = 0.0, np.zeros_like(S, dtype=float)
    for k in range(N):
        s = S[k] - S[k].max()
        p = np.exp(s) / np.exp(s).sum()
        loss += np.log(np.exp(s).sum()) - s[y[k]]
        p[y[k]] -= 1
        dS[k] = p / N
    return float(loss / N), dS
'''),
    Alternative("hinge-loops", cell="hinge_loss", why="loops over the examples and the classes", code='''
def hinge_loss(S, y):
    N, C = S.shape
    loss, dS = 0.0, np.zeros((N, C))
    for k in range(N):
        for j in range(C):
            if j == y[k]:
                continue
            margin = S[k, j] - S[k, y[k]] + 1
            if margin > 0:
                loss += margin
                dS[k, j] += 1 / N
                dS[k, y[k]] -= 1 / N
    return loss / N, dS
'''),
    Alternative("hinge-subtract-one", cell="hinge_loss", why="sums over all classes, then removes the correct class's 1",
                code='''
def hinge_loss(S, y):
    N = S.shape[0]
    rows = np.arange(N)
    M = np.maximum(0, S - S[rows, y].reshape(-1, 1) + 1)
    loss = (M.sum() - N) / N
    active = (M > 0).astype(float)
    active[rows, y] = 0
    active[rows, y] = -active.sum(axis=1)
    return float(loss), active / N
'''),
    Alternative("act-naive-sigmoid-and-masks", cell="activations",
                why="1/(1+exp(-z)) (overflow warning, right values), relu' from A > 0, identity' np.ones", code='''
def activation(Z, name):
    if name == "sigmoid":
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-Z))
    if name == "tanh":
        return np.tanh(Z)
    if name == "relu":
        return Z * (Z > 0)
    if name == "identity":
        return Z.copy()
    raise ValueError(name)

def activation_derivative(Z, A, name):
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-np.clip(Z, -500, 500)))
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(Z) ** 2
    if name == "relu":
        return np.where(A > 0, 1.0, 0.0)
    if name == "identity":
        return np.ones(Z.shape)
    raise ValueError(name)
'''),
    Alternative("act-dict-dispatch", cell="activations",
                why="a dict of functions; the KeyError of an unknown name re-raised as a ValueError", code='''
_FUNCS = {"sigmoid": lambda Z: 0.5 * (1 + np.tanh(0.5 * Z)), "tanh": np.tanh,
          "relu": lambda Z: np.where(Z > 0, Z, 0.0), "identity": lambda Z: Z}
_DERIVS = {"sigmoid": lambda Z, A: A * (1 - A), "tanh": lambda Z, A: 1 - A * A,
           "relu": lambda Z, A: np.heaviside(Z, 0.0), "identity": lambda Z, A: np.ones(np.shape(Z))}

def activation(Z, name):
    try:
        return _FUNCS[name](Z)
    except KeyError:
        raise ValueError(f"unknown activation {name!r}") from None

def activation_derivative(Z, A, name):
    if name not in _DERIVS:
        raise ValueError(f"unknown activation {name!r}")
    return _DERIVS[name](Z, A)
'''),
    Alternative("sce-shift-on-a-new-array", cell="softmax_cross_entropy",
                why="shifted scores in a new array, then in-place operations on arrays of its own", code='''
def softmax_cross_entropy(S, y):
    N = S.shape[0]
    rows = np.arange(N)
    Z = S - S.max(axis=1, keepdims=True)
    E = np.exp(Z)
    s = E.sum(axis=1, keepdims=True)
    loss = float(np.mean(np.log(s[:, 0]) - Z[rows, y]))
    E /= s
    E[rows, y] -= 1
    E /= N
    return loss, E
'''),
    Alternative("init-xavier-uniform-and-normal-method", cell="init_network",
                why="Glorot's uniform variant for xavier; rng.normal(0, sigma) otherwise", code='''
def init_network(sizes, activations, init="he", rng=None):
    rng = rng if rng is not None else np.random.default_rng()
    layers = []
    for i, name in enumerate(activations):
        n_in, n_out = sizes[i], sizes[i + 1]
        if init == "xavier":
            r = np.sqrt(6.0 / (n_in + n_out))
            W = rng.uniform(-r, r, size=(n_out, n_in))
        elif init == "he":
            W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
        elif init == "small":
            W = rng.normal(0.0, 0.01, size=(n_out, n_in))
        else:
            raise ValueError(init)
        layers.append({"W": W, "b": np.zeros((n_out,)), "activation": name})
    return layers
'''),
    Alternative("netfwd-einsum-column-form", cell="network_forward", why="(W A^T)^T with einsum, caches built after", code='''
def network_forward(X, layers):
    As, Zs = [X], []
    for layer in layers:
        Zs.append(np.einsum("oi,ki->ko", layer["W"], As[-1]) + layer["b"])
        As.append(activation(Zs[-1], layer["activation"]))
    caches = [{"A_prev": As[i], "Z": Zs[i], "A": As[i + 1]} for i in range(len(layers))]
    return As[-1], caches
'''),
    Alternative("netbwd-prepend", cell="network_backward", why="builds the list backwards with insert(0, ...), np.dot",
                code='''
def network_backward(dOut, layers, caches):
    grads, dA = [], dOut
    for layer, c in zip(layers[::-1], caches[::-1]):
        dZ = dA * activation_derivative(c["Z"], c["A"], layer["activation"])
        grads.insert(0, {"W": np.dot(dZ.T, c["A_prev"]), "b": np.sum(dZ, axis=0)})
        dA = np.dot(dZ, layer["W"])
    return grads
'''),
    Alternative("netbwd-in-place-on-a-copy", cell="network_backward", why="dA *= f'(Z) in place, on a copy of dOut",
                code='''
def network_backward(dOut, layers, caches):
    grads, dA = [None] * len(layers), dOut.copy()
    for i in range(len(layers) - 1, -1, -1):
        c = caches[i]
        dA *= activation_derivative(c["Z"], c["A"], layers[i]["activation"])
        grads[i] = {"W": dA.T @ c["A_prev"], "b": dA.sum(axis=0)}
        dA = dA @ layers[i]["W"]
    return grads
'''),
    Alternative("sgd-new-arrays", cell="sgd_update", why="new arrays in a new list instead of in place", code='''
def sgd_update(layers, grads, lr):
    return [{**layer, "W": layer["W"] - lr * g["W"], "b": layer["b"] - lr * g["b"]}
            for layer, g in zip(layers, grads)]
'''),
    # --- issue 12: no library, no numerical differentiation, and these keep full marks --------
    Alternative("netbwd-derivative-from-activation", cell="network_backward",
                why="f'(Z) from activation_derivative(Z, activation(Z, name), name): calls the student's "
                    "activation, not the forward pass",
                code=_variant(NETWORK_BACKWARD, ('activation_derivative(c["Z"], c["A"], layers[i]["activation"])',
                                                 'activation_derivative(c["Z"], activation(c["Z"], layers[i]["activation"]), '
                                                 'layers[i]["activation"])'))),
    Alternative("backward-batch-numpy-scipy-imported", cell="backward_batch",
                why="scipy imported in the cell for a check by hand, not used by the backward pass",
                code='''
from scipy.special import softmax as _check_softmax   # to compare by hand, not used below
''' + BACKWARD_BATCH),
]
