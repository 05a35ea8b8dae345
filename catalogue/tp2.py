"""TP2 (backprop through a one-hidden-layer network): wrong answers and alternative correct answers.

Each entry's ``code`` is appended to the instructor's solution cell (see tp_course/catalogue.py).
The seeds' slips are marked "seed 000/001/003/004" in ``why``.
"""
from tp_course.catalogue import Alternative, Wrong
from tp_course.catalogue import variant as _variant


# ---------------------------------------------------------------------------------------------
# Templates: a correct student answer, then one slip at a time.
BACKWARD_LOOPS = '''
def backward_loops(x, y, params, cache, activation="tanh"):
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
'''

BACKWARD = '''
def backward(x, y, params, cache, activation="tanh"):
    n_y = params["W_y"].shape[0]
    h, h_tilde = cache["h"], cache["h_tilde"]
    g_y = cache["y_hat"] - np.eye(n_y)[y]
    g_W_y = np.outer(g_y, h)
    g_h = params["W_y"].T @ g_y
    if activation == "tanh":
        g_ht = g_h * (1.0 - h ** 2)
    else:
        g_ht = g_h * (h_tilde > 0)
    g_b_h = g_ht
    return {"y_tilde": g_y, "W_y": g_W_y, "b_y": g_y,
            "h": g_h, "h_tilde": g_ht, "W_h": np.outer(g_ht, x), "b_h": g_b_h}
'''

FORWARD = '''
def forward(x, params, activation="tanh"):
    if activation not in ("tanh", "relu"):
        raise ValueError(f"unknown activation {activation!r}")
    h_tilde = params["W_h"] @ x + params["b_h"]
    h = np.tanh(h_tilde) if activation == "tanh" else np.maximum(h_tilde, 0.0)
    y_tilde = params["W_y"] @ h + params["b_y"]
    return {"h_tilde": h_tilde, "h": h, "y_tilde": y_tilde, "y_hat": softmax(y_tilde)}
'''

B = "test_backward"
BL = "test_backward_loops"


# correct answers that reuse an earlier function of the student's: with that function wrong,
# the later tests must still give these full marks (one slip, one charge: see the `also` entries)
BACKWARD_VIA_GRAD_LOGITS = '''
def backward(x, y, params, cache, activation="tanh"):
    g_y = grad_logits(cache["y_tilde"], y)
    g_h = params["W_y"].T @ g_y
    g_ht = g_h * (1.0 - cache["h"] ** 2 if activation == "tanh" else cache["h_tilde"] > 0)
    return {"y_tilde": g_y, "W_y": np.outer(g_y, cache["h"]), "b_y": g_y,
            "h": g_h, "h_tilde": g_ht, "W_h": np.outer(g_ht, x), "b_h": g_ht}
'''
LOOPS_VIA_SOFTMAX = _variant(BACKWARD_LOOPS, ('cache["y_hat"]', 'softmax(cache["y_tilde"])'))

WRONG = [
    # --- 1.1 graph_sum_product ---------------------------------------------------------------
    Wrong("graph-local-derivative-only", cell="graph_sum_product", fails=["test_graph_sum_product"],
          why="df/du = dt1/du = 1: the local derivative, not multiplied by the upstream df/dt1",
          code='''
_right = graph_sum_product
def graph_sum_product(u, v, w):
    d = _right(u, v, w)
    d["df_du"] = d["df_dv"] = 1.0
    return d
'''),
    Wrong("graph-multiply-no-swap", cell="graph_sum_product", fails=["test_graph_sum_product"],
          why="multiply gate: df/dw = w and df/dt1 = t1 (each input gets itself, not the other one)",
          code='''
def graph_sum_product(u, v, w):
    t1 = u + v
    f = t1 * w
    df_dw, df_dt1 = w, t1
    return {"t1": t1, "f": f, "df_df": 1.0, "df_dw": df_dw, "df_dt1": df_dt1, "df_du": df_dt1, "df_dv": df_dt1}
'''),
    Wrong("graph-add-splits", cell="graph_sum_product", fails=["test_graph_sum_product"],
          why="add gate splits the gradient in halves instead of distributing it unchanged",
          code='''
def graph_sum_product(u, v, w):
    t1 = u + v
    return {"t1": t1, "f": t1 * w, "df_df": 1.0, "df_dw": t1, "df_dt1": w, "df_du": w / 2, "df_dv": w / 2}
'''),
    Wrong("graph-hardcoded-slide", cell="graph_sum_product", fails=["test_graph_sum_product"],
          why="returns the slide's numbers whatever u, v, w",
          code='''
def graph_sum_product(u, v, w):
    return {"t1": 5.0, "f": 20.0, "df_df": 1.0, "df_dw": 5.0, "df_dt1": 4.0, "df_du": 4.0, "df_dv": 4.0}
'''),

    # --- 1.2 graph_relu_neuron ---------------------------------------------------------------
    Wrong("relu-gate-always-open", cell="graph_relu_neuron", fails=["test_graph_relu_neuron"],
          why="ReLU passes the gradient even when inactive (derivative taken as 1)",
          code='''
_right = graph_relu_neuron
def graph_relu_neuron(x1, x2, w1, w2, b, w3):
    d = _right(x1, x2, w1, w2, b, w3)
    g = d["df_dr"]
    d.update(df_dz=g, df_dw1=x1 * g, df_dx1=w1 * g, df_dw2=x2 * g, df_dx2=w2 * g, df_db=g)
    return d
'''),
    Wrong("relu-mask-on-f", cell="graph_relu_neuron", fails=["test_graph_relu_neuron"],
          why="the ReLU mask tested on the output f > 0 instead of z > 0 (wrong when w3 < 0)",
          code='''
def graph_relu_neuron(x1, x2, w1, w2, b, w3):
    z = w1 * x1 + w2 * x2 + b
    r = max(0.0, z)
    f = w3 * r
    df_dz = w3 * (1.0 if f > 0 else 0.0)
    return {"z": z, "r": r, "f": f, "df_dw3": r, "df_dr": w3, "df_dz": df_dz, "df_dw1": x1 * df_dz,
            "df_dx1": w1 * df_dz, "df_dw2": x2 * df_dz, "df_dx2": w2 * df_dz, "df_db": df_dz}
'''),
    Wrong("relu-input-weight-swapped", cell="graph_relu_neuron", fails=["test_graph_relu_neuron"],
          why="multiply gate not swapped: df/dw1 = w1 df/dz and df/dx1 = x1 df/dz",
          code='''
_right = graph_relu_neuron
def graph_relu_neuron(x1, x2, w1, w2, b, w3):
    d = _right(x1, x2, w1, w2, b, w3)
    g = d["df_dz"]
    d.update(df_dw1=w1 * g, df_dx1=x1 * g, df_dw2=w2 * g, df_dx2=x2 * g)
    return d
'''),
    Wrong("relu-dw3-preactivation", cell="graph_relu_neuron", fails=["test_graph_relu_neuron"],
          why="df/dw3 = z (the pre-activation) instead of r = ReLU(z)",
          code='''
_right = graph_relu_neuron
def graph_relu_neuron(x1, x2, w1, w2, b, w3):
    d = _right(x1, x2, w1, w2, b, w3)
    d["df_dw3"] = d["z"]
    return d
'''),

    # --- 1.3 gate_backward -------------------------------------------------------------------
    Wrong("gate-mul-no-swap", cell="gate_backward", fails=["test_gate_backward"],
          why="multiply gate sends a*g to a and b*g to b (does not swap)",
          code='''
_right = gate_backward
def gate_backward(gate, a, b, upstream):
    if gate == "mul":
        return a * upstream, b * upstream
    return _right(gate, a, b, upstream)
'''),
    Wrong("gate-add-halves", cell="gate_backward", fails=["test_gate_backward"],
          why="add gate splits the upstream gradient in two halves",
          code='''
_right = gate_backward
def gate_backward(gate, a, b, upstream):
    if gate == "add":
        return upstream / 2, upstream / 2
    return _right(gate, a, b, upstream)
'''),
    Wrong("gate-max-distributes", cell="gate_backward", fails=["test_gate_backward"],
          why="max gate sends the gradient to both inputs, like add",
          code='''
_right = gate_backward
def gate_backward(gate, a, b, upstream):
    if gate == "max":
        return upstream, upstream
    return _right(gate, a, b, upstream)
'''),
    Wrong("gate-max-to-loser", cell="gate_backward", fails=["test_gate_backward"],
          why="max gate routes the gradient to the smaller input",
          code='''
_right = gate_backward
def gate_backward(gate, a, b, upstream):
    if gate == "max":
        return (upstream, 0.0) if a < b else (0.0, upstream)
    return _right(gate, a, b, upstream)
'''),

    # --- 1.4 gated_unit ----------------------------------------------------------------------
    Wrong("step-derivative-one", cell="gated_unit", fails=["test_gated_unit"],
          why="step gate: derivative taken as 1 (as if it were the identity)",
          code='''
_right = gated_unit
def gated_unit(a, b, gate):
    f, da, db = _right(a, b, gate)
    if gate == "step":
        db = a * 1.0
    return f, da, db
'''),
    Wrong("sigmoid-derivative-sigma", cell="gated_unit", fails=["test_gated_unit"],
          why="sigmoid derivative written sigma(b), the factor (1 - sigma(b)) forgotten",
          code='''
_right = gated_unit
def gated_unit(a, b, gate):
    f, da, db = _right(a, b, gate)
    if gate == "sigmoid":
        db = a / (1.0 + np.exp(-b))
    return f, da, db
'''),
    Wrong("gate-df-da-is-a", cell="gated_unit", fails=["test_gated_unit"],
          why="df/da = a instead of s(b) (the multiply gate swaps)",
          code='''
_right = gated_unit
def gated_unit(a, b, gate):
    f, da, db = _right(a, b, gate)
    return f, a, db
'''),
    Wrong("saturating-derivative-everywhere", cell="gated_unit", fails=["test_gated_unit"],
          why="saturating gate: derivative 1 everywhere, even where it is flat",
          code='''
_right = gated_unit
def gated_unit(a, b, gate):
    f, da, db = _right(a, b, gate)
    if gate == "saturating":
        db = a
    return f, da, db
'''),

    # --- 2.1 softmax -------------------------------------------------------------------------
    Wrong("softmax-naive-overflow", cell="softmax", fails=["test_softmax"],
          why="exp(z) / sum(exp(z)) overflows for z = 1000 (inf / inf = nan)",
          code='''
def softmax(z):
    return np.exp(z) / np.sum(np.exp(z))
'''),
    Wrong("softmax-subtract-min", cell="softmax", fails=["test_softmax"],
          why="subtracts the minimum instead of the maximum: exp of a large positive number overflows",
          code='''
def softmax(z):
    e = np.exp(z - np.min(z))
    return e / e.sum()
'''),
    Wrong("softmax-not-normalised", cell="softmax", fails=["test_softmax"],
          keeps=["test_grad_logits", "test_forward", "test_backward_loops"],
          also={"backward_loops": LOOPS_VIA_SOFTMAX},
          why="exp(z - max) without dividing by the sum",
          code='''
def softmax(z):
    return np.exp(z - np.max(z))
'''),
    Wrong("softmax-in-place", cell="softmax", fails=["test_softmax"],
          keeps=["test_grad_logits", "test_forward"],
          why="z -= z.max() shifts the caller's array (forward's cached logits change behind its back)",
          code='''
def softmax(z):
    z -= np.max(z)
    e = np.exp(z)
    return e / e.sum()
'''),
    Wrong("softmax-divide-by-max", cell="softmax", fails=["test_softmax"],
          why="normalises by the largest exponential instead of the sum",
          code='''
def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.max()
'''),

    # --- 2.2 softmax_jacobian ----------------------------------------------------------------
    Wrong("jacobian-diagonal-only", cell="softmax_jacobian", fails=["test_softmax_jacobian"],
          why="only the i = j terms y_i (1 - y_i); each output depends on every score",
          code='''
def softmax_jacobian(y_hat):
    return np.diag(y_hat * (1 - y_hat))
'''),
    Wrong("jacobian-offdiag-sign", cell="softmax_jacobian", fails=["test_softmax_jacobian"],
          why="off-diagonal terms +y_i y_j instead of -y_i y_j",
          code='''
def softmax_jacobian(y_hat):
    J = np.outer(y_hat, y_hat)
    np.fill_diagonal(J, y_hat * (1 - y_hat))
    return J
'''),
    Wrong("jacobian-elementwise-not-outer", cell="softmax_jacobian", fails=["test_softmax_jacobian"],
          why="y_hat * y_hat (element-wise, broadcast over rows) instead of np.outer(y_hat, y_hat)",
          code='''
def softmax_jacobian(y_hat):
    return np.diag(y_hat) - y_hat * y_hat
'''),

    # --- 2.3 cross_entropy -------------------------------------------------------------------
    Wrong("ce-log-of-softmax", cell="cross_entropy", fails=["test_cross_entropy"],
          why="-log(softmax(z)[y]): the probability underflows to 0 and the loss is inf",
          code='''
def cross_entropy(y_tilde, y):
    return float(-np.log(softmax(y_tilde)[y]))
'''),
    Wrong("ce-naive-logsumexp", cell="cross_entropy", fails=["test_cross_entropy"],
          why="log(sum(exp(z))) without subtracting the max overflows",
          code='''
def cross_entropy(y_tilde, y):
    return float(np.log(np.sum(np.exp(y_tilde))) - y_tilde[y])
'''),
    Wrong("ce-one-based-class", cell="cross_entropy", fails=["test_cross_entropy"],
          why="seed 001: classes numbered from 1, so y_tilde[y - 1]",
          code='''
def cross_entropy(y_tilde, y):
    c = np.max(y_tilde)
    return float(c + np.log(np.sum(np.exp(y_tilde - c))) - y_tilde[y - 1])
'''),
    Wrong("ce-in-place", cell="cross_entropy", fails=["test_cross_entropy"],
          why="y_tilde -= c changes the caller's logits",
          code='''
def cross_entropy(y_tilde, y):
    c = np.max(y_tilde)
    y_tilde -= c
    return float(c + np.log(np.sum(np.exp(y_tilde))) - (y_tilde[y] + c))
'''),
    Wrong("ce-max-not-added-back", cell="cross_entropy", fails=["test_cross_entropy"],
          why="log(sum(exp(z - c))) without adding c back: logsumexp(z) - c, not logsumexp(z)",
          code='''
def cross_entropy(y_tilde, y):
    c = np.max(y_tilde)
    return float(np.log(np.sum(np.exp(y_tilde - c))) - y_tilde[y])
'''),
    Wrong("ce-max-for-logsumexp", cell="cross_entropy", fails=["test_cross_entropy"],
          why="logsumexp replaced by its approximation max(z)",
          code='''
def cross_entropy(y_tilde, y):
    return float(np.max(y_tilde) - y_tilde[y])
'''),
    Wrong("ce-sign", cell="cross_entropy", fails=["test_cross_entropy"],
          keeps=["test_backward_loops", "test_backward", "test_sgd_step", "test_value_mlp"],
          why="log softmax instead of minus log softmax (a negative loss)",
          code='''
def cross_entropy(y_tilde, y):
    c = np.max(y_tilde)
    return float(y_tilde[y] - c - np.log(np.sum(np.exp(y_tilde - c))))
'''),

    # --- 2.4 grad_logits ---------------------------------------------------------------------
    Wrong("grad-logits-one-based", cell="grad_logits", fails=["test_grad_logits"],
          why="seed 001: np.eye(m)[y - 1] (classes from 1); ours start at 0",
          code='''
def grad_logits(y_tilde, y):
    return softmax(y_tilde) - np.eye(len(y_tilde))[y - 1]
'''),
    Wrong("grad-logits-sign", cell="grad_logits", fails=["test_grad_logits"],
          keeps=["test_backward"], also={"backward": BACKWARD_VIA_GRAD_LOGITS},
          why="y - y_hat: the opposite of the gradient",
          code='''
def grad_logits(y_tilde, y):
    return np.eye(len(y_tilde))[y] - softmax(y_tilde)
'''),
    Wrong("grad-logits-no-onehot", cell="grad_logits", fails=["test_grad_logits"],
          why="seed 001 (#10, grad_b2 = O^s minus a vector of zeros): returns softmax(y_tilde), the target is forgotten",
          code='''
def grad_logits(y_tilde, y):
    return softmax(y_tilde)
'''),
    Wrong("grad-logits-jacobian-diagonal", cell="grad_logits", fails=["test_grad_logits"],
          why="y_hat (1 - y_hat): the softmax Jacobian's diagonal, not the gradient of the loss",
          code='''
def grad_logits(y_tilde, y):
    p = softmax(y_tilde)
    return p * (1 - p)
'''),

    # --- 3.1 count_params --------------------------------------------------------------------
    Wrong("count-no-biases", cell="count_params", fails=["test_count_params"],
          why="forgets the biases",
          code='''
def count_params(n_x, n_h, n_y):
    return n_h * n_x + n_y * n_h
'''),
    Wrong("count-biases-of-inputs", cell="count_params", fails=["test_count_params"],
          why="biases sized by the layer's inputs (n_x, n_h) instead of its outputs (n_h, n_y)",
          code='''
def count_params(n_x, n_h, n_y):
    return n_h * n_x + n_x + n_y * n_h + n_h
'''),
    Wrong("count-inputs-as-params", cell="count_params", fails=["test_count_params"],
          why="counts the n_x inputs as parameters",
          code='''
def count_params(n_x, n_h, n_y):
    return n_x + n_h * n_x + n_h + n_y * n_h + n_y
'''),

    # --- 3.2 forward -------------------------------------------------------------------------
    Wrong("forward-row-convention", cell="forward", fails=["test_forward"],
          why="seed 000's row-vector formula misread as W_h.T @ x (shapes do not match)",
          code=_variant(FORWARD, ('params["W_h"] @ x', 'params["W_h"].T @ x'))),
    Wrong("forward-ignores-activation", cell="forward", fails=["test_forward"],
          why="always tanh, whatever the activation argument",
          code=_variant(FORWARD, ('np.tanh(h_tilde) if activation == "tanh" else np.maximum(h_tilde, 0.0)',
                                  'np.tanh(h_tilde)'))),
    Wrong("forward-activation-on-output", cell="forward", fails=["test_forward"],
          keeps=["test_backward_loops", "test_backward"],
          why="applies the activation to the logits too (softmax already plays that role)",
          code=_variant(FORWARD, ('y_tilde = params["W_y"] @ h + params["b_y"]',
                                  'y_tilde = np.tanh(params["W_y"] @ h + params["b_y"])'))),
    Wrong("forward-no-output-bias", cell="forward", fails=["test_forward"],
          keeps=["test_backward_loops", "test_backward", "test_sgd_step"],
          why="forgets b_y",
          code=_variant(FORWARD, ('y_tilde = params["W_y"] @ h + params["b_y"]', 'y_tilde = params["W_y"] @ h'))),
    Wrong("forward-relu-wrong-clip", cell="forward", fails=["test_forward"],
          why="ReLU written np.minimum(h_tilde, 0) (keeps the negative part)",
          code=_variant(FORWARD, ('np.maximum(h_tilde, 0.0)', 'np.minimum(h_tilde, 0.0)'))),

    # --- 3.3 backward_loops ------------------------------------------------------------------
    Wrong("loops-missing-tanh-derivative", cell="backward_loops", fails=[BL],
          why="the factor (1 - h_j^2) forgotten: dl/dh_tilde = dl/dh",
          code=_variant(BACKWARD_LOOPS, ("d_act = 1.0 - h[j] ** 2", "d_act = 1.0"))),
    Wrong("loops-tanh-derivative-on-preactivation", cell="backward_loops", fails=[BL],
          why="1 - h_tilde_j^2 instead of 1 - h_j^2 = 1 - tanh^2(h_tilde_j)",
          code=_variant(BACKWARD_LOOPS, ("d_act = 1.0 - h[j] ** 2", "d_act = 1.0 - h_tilde[j] ** 2"))),
    Wrong("loops-relu-mask-h-nonnegative", cell="backward_loops", fails=[BL],
          why="ReLU derivative as 1[h_j >= 0]: always true since h = max(0, h_tilde) >= 0",
          code=_variant(BACKWARD_LOOPS, ("d_act = 1.0 if h_tilde[j] > 0 else 0.0", "d_act = 1.0 if h[j] >= 0 else 0.0"))),
    Wrong("loops-W_y-index-swapped", cell="backward_loops", fails=[BL],
          why="sum_i delta_i W_y[j, i] instead of W_y[i, j] (the transpose, index by index)",
          code=_variant(BACKWARD_LOOPS, ('g["h"][j] += g["y_tilde"][i] * W_y[i, j]',
                                         'g["h"][j] += g["y_tilde"][i] * W_y[j, i]'))),
    Wrong("loops-seed004-sum-of-dW", cell="backward_loops", fails=[BL],
          why="seed 004: dl/dh_j = sum_i dl/dW_y[i, j] instead of sum_i delta_i W_y[i, j]",
          code=_variant(BACKWARD_LOOPS, ('g["h"][j] += g["y_tilde"][i] * W_y[i, j]', 'g["h"][j] += g["W_y"][i, j]'))),
    Wrong("loops-dW_h-before-activation", cell="backward_loops", fails=[BL],
          why="seed 004: dl/dW_h[j, k] = dl/dh_j x_k (before the activation's derivative)",
          code=_variant(BACKWARD_LOOPS, ('g["W_h"][j, k] = g["h_tilde"][j] * x[k]', 'g["W_h"][j, k] = g["h"][j] * x[k]'))),

    # --- 3.4 backward ------------------------------------------------------------------------
    Wrong("seed000-bias-as-weight", cell="backward", fails=[B],
          why="seed 000: grad b_h written like grad W_h (np.outer(g_ht, x), i.e. grad_h_tilde^T X)",
          code=_variant(BACKWARD, ("g_b_h = g_ht", "g_b_h = np.outer(g_ht, x)"))),
    Wrong("seed000-output-bias-as-weight", cell="backward", fails=[B],
          why="seed 000: grad b_y = grad_y_tilde^T h, i.e. np.outer(g_y, h), shaped like W_y",
          code=_variant(BACKWARD, ('"b_y": g_y', '"b_y": np.outer(g_y, h)'))),
    Wrong("missing-tanh-derivative", cell="backward", fails=[B],
          keeps=["test_sgd_step", "test_value_mlp"],
          why="the factor (1 - h^2) forgotten",
          code=_variant(BACKWARD, ("g_ht = g_h * (1.0 - h ** 2)", "g_ht = g_h"))),
    Wrong("tanh-derivative-on-preactivation", cell="backward", fails=[B],
          why="1 - h_tilde^2 instead of 1 - h^2",
          code=_variant(BACKWARD, ("g_ht = g_h * (1.0 - h ** 2)", "g_ht = g_h * (1.0 - h_tilde ** 2)"))),
    Wrong("tanh-applied-twice", cell="backward", fails=[B],
          why="1 - tanh(h)^2: tanh applied to h, which is already tanh(h_tilde)",
          code=_variant(BACKWARD, ("g_ht = g_h * (1.0 - h ** 2)", "g_ht = g_h * (1.0 - np.tanh(h) ** 2)"))),
    Wrong("dW-not-transposed", cell="backward", fails=[B],
          why="grad W_y = np.outer(h, g_y), shape (n_h, n_y): the transpose of the gradient",
          code=_variant(BACKWARD, ("g_W_y = np.outer(g_y, h)", "g_W_y = np.outer(h, g_y)"))),
    Wrong("W_y-not-transposed-backprop", cell="backward", fails=[B],
          why="g_h = W_y @ g_y instead of W_y.T @ g_y",
          code=_variant(BACKWARD, ('g_h = params["W_y"].T @ g_y', 'g_h = params["W_y"] @ g_y'))),
    Wrong("relu-mask-h-nonnegative", cell="backward", fails=[B],
          why="ReLU derivative on the output as (h >= 0): always true, so no mask at all",
          code=_variant(BACKWARD, ("g_ht = g_h * (h_tilde > 0)", "g_ht = g_h * (h >= 0)"))),
    Wrong("relu-times-h", cell="backward", fails=[B],
          why="multiplies by h (the ReLU's value) instead of its derivative 1[h_tilde > 0]",
          code=_variant(BACKWARD, ("g_ht = g_h * (h_tilde > 0)", "g_ht = g_h * h"))),
    Wrong("relu-sign-of-preactivation", cell="backward", fails=[B],
          why="np.sign(h_tilde): -1 where the unit is inactive instead of 0",
          code=_variant(BACKWARD, ("g_ht = g_h * (h_tilde > 0)", "g_ht = g_h * np.sign(h_tilde)"))),
    Wrong("onehot-one-based", cell="backward", fails=[B],
          why="seed 001: np.eye(m)[y - 1] with 0-based classes",
          code=_variant(BACKWARD, ("np.eye(n_y)[y]", "np.eye(n_y)[y - 1]"))),
    Wrong("seed004-dh-from-dW", cell="backward", fails=[B],
          why="seed 004: dl/dh = column sums of grad W_y instead of W_y.T @ g_y",
          code=_variant(BACKWARD, ('g_h = params["W_y"].T @ g_y', "g_h = g_W_y.sum(axis=0)"))),
    Wrong("logits-gradient-sign", cell="backward", fails=[B],
          why="g_y = y - y_hat: every gradient has the wrong sign",
          code=_variant(BACKWARD, ('g_y = cache["y_hat"] - np.eye(n_y)[y]', 'g_y = np.eye(n_y)[y] - cache["y_hat"]'))),

    # --- 3.5 sgd_step ------------------------------------------------------------------------
    Wrong("sgd-plus", cell="sgd_step", fails=["test_sgd_step"],
          why="theta + lr grad: gradient ascent, the loss goes up",
          code='''
def sgd_step(params, grads, lr):
    return {k: v + lr * grads[k] for k, v in params.items()}
'''),
    Wrong("sgd-in-place", cell="sgd_step", fails=["test_sgd_step"],
          why="params[k] -= lr * grads[k] changes the caller's arrays",
          code='''
def sgd_step(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]
    return params
'''),
    Wrong("sgd-loops-over-grads", cell="sgd_step", fails=["test_sgd_step"],
          why="iterates over grads, which also holds intermediate gradients such as 'h'",
          code='''
def sgd_step(params, grads, lr):
    return {k: params[k] - lr * g for k, g in grads.items()}
'''),
    Wrong("sgd-weights-only", cell="sgd_step", fails=["test_sgd_step"],
          why="updates the weights and forgets the biases",
          code='''
def sgd_step(params, grads, lr):
    return {k: v - lr * grads[k] if k.startswith("W") else v for k, v in params.items()}
'''),

    # --- 4 Value (bonus) ---------------------------------------------------------------------
    Wrong("value-mul-no-swap", cell="value", fails=["test_value_graphs", "test_value_mlp"],
          why="multiply: self.grad += self.data * out.grad (does not swap)",
          code='''
def _mul(self, other):
    other = Value._lift(other)
    out = Value(self.data * other.data, (self, other), "*")
    def _backward():
        self.grad += self.data * out.grad
        other.grad += other.data * out.grad
    out._backward = _backward
    return out
Value.__mul__ = _mul
'''),
    Wrong("value-assign-not-accumulate", cell="value", fails=["test_value_graphs", "test_value_mlp"],
          why="self.grad = ... instead of +=: a value used twice keeps only the last contribution",
          code='''
def _add(self, other):
    other = Value._lift(other)
    out = Value(self.data + other.data, (self, other), "+")
    def _backward():
        self.grad = out.grad
        other.grad = out.grad
    out._backward = _backward
    return out
def _mul(self, other):
    other = Value._lift(other)
    out = Value(self.data * other.data, (self, other), "*")
    def _backward():
        self.grad = other.data * out.grad
        other.grad = self.data * out.grad
    out._backward = _backward
    return out
Value.__add__, Value.__mul__ = _add, _mul
'''),
    Wrong("value-tanh-on-input", cell="value", fails=["test_value_graphs", "test_value_mlp"],
          why="tanh backward 1 - x^2 on the input instead of 1 - tanh(x)^2",
          code='''
def _tanh(self):
    out = Value(np.tanh(self.data), (self,), "tanh")
    def _backward():
        self.grad += (1.0 - self.data ** 2) * out.grad
    out._backward = _backward
    return out
Value.tanh = _tanh
'''),
    Wrong("value-exp-local-derivative-x", cell="value", fails=["test_value_graphs", "test_value_mlp"],
          why="exp backward multiplies by x instead of exp(x)",
          code='''
def _exp(self):
    out = Value(np.exp(self.data), (self,), "exp")
    def _backward():
        self.grad += self.data * out.grad
    out._backward = _backward
    return out
Value.exp = _exp
'''),
    Wrong("value-no-topological-order", cell="value", fails=["test_value_graphs", "test_value_mlp"],
          why="recursive backward without topological sort: a shared node passes its gradient down "
              "before it is complete, and again later",
          code='''
def _backward_all(self, _top=True):
    if _top:
        self.grad = 1.0
    self._backward()
    for child in self._prev:
        _backward_all(child, _top=False)
Value.backward = _backward_all
'''),
    Wrong("value-topological-order-not-reversed", cell="value", fails=["test_value_graphs", "test_value_mlp"],
          why="calls _backward in topological order (inputs first) instead of reversed: each node passes "
              "its gradient down before it has received it",
          code='''
def _backward_all(self):
    order, seen = [], set()
    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for child in node._prev:
                visit(child)
            order.append(node)
    visit(self)
    self.grad = 1.0
    for node in order:
        node._backward()
Value.backward = _backward_all
'''),
    Wrong("value-no-seed-gradient", cell="value", fails=["test_value_graphs", "test_value_mlp"],
          why="forgets self.grad = 1 (df/df = 1): every gradient stays 0",
          code='''
def _backward_all(self):
    order, seen = [], set()
    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for child in node._prev:
                visit(child)
            order.append(node)
    visit(self)
    for node in reversed(order):
        node._backward()
Value.backward = _backward_all
'''),
    # --- issue 12: special points, contracts (inputs not modified, ValueError) ----------------
    Wrong("graph-df-dw-f-over-w", cell="graph_sum_product", fails=["test_graph_sum_product"],
          why="df/dw = f / w: the same number as t1 except at w = 0 (0/0): a derivative is not a ratio",
          code='''
_right = graph_sum_product
def graph_sum_product(u, v, w):
    d = _right(u, v, w)
    d["df_dw"] = d["f"] / w
    return d
'''),
    Wrong("relu-neuron-mask-at-zero", cell="graph_relu_neuron", fails=["test_graph_relu_neuron"],
          why="ReLU mask z >= 0: at z = 0 the course takes ReLU'(0) = 0",
          code='''
_right = graph_relu_neuron
def graph_relu_neuron(x1, x2, w1, w2, b, w3):
    d = _right(x1, x2, w1, w2, b, w3)
    g = w3 * (1.0 if d["z"] >= 0 else 0.0)
    d.update(df_dz=g, df_dw1=x1 * g, df_dx1=w1 * g, df_dw2=x2 * g, df_dx2=w2 * g, df_db=g)
    return d
'''),
    Wrong("grad-logits-in-place", cell="grad_logits", fails=["test_grad_logits"],
          why="y_tilde -= max(y_tilde) inside grad_logits: the caller's logits (e.g. a cache) are shifted",
          code='''
def grad_logits(y_tilde, y):
    y_tilde -= np.max(y_tilde)
    g = np.exp(y_tilde) / np.sum(np.exp(y_tilde))
    g[y] -= 1.0
    return g
'''),
    Wrong("grad-logits-inline-softmax-min", cell="grad_logits", fails=["test_grad_logits"],
          why="a softmax written inline, shifted by the minimum: exp overflows once the scores are 709 apart",
          code='''
def grad_logits(y_tilde, y):
    e = np.exp(y_tilde - np.min(y_tilde))
    return e / e.sum() - np.eye(len(y_tilde))[y]
'''),
    Wrong("forward-unknown-activation-as-relu", cell="forward", fails=["test_forward"],
          why="any activation other than 'tanh' silently becomes ReLU (a typo 'Relu' or 'sigmoid' gives another "
              "network) instead of a ValueError",
          code='''
def forward(x, params, activation="tanh"):
    h_tilde = params["W_h"] @ x + params["b_h"]
    h = np.tanh(h_tilde) if activation == "tanh" else np.maximum(h_tilde, 0.0)
    y_tilde = params["W_y"] @ h + params["b_y"]
    return {"h_tilde": h_tilde, "h": h, "y_tilde": y_tilde, "y_hat": softmax(y_tilde)}
'''),
    Wrong("loops-relu-mask-at-zero", cell="backward_loops", fails=[BL],
          why="ReLU derivative 1[h_tilde_j >= 0]: 1 at h_tilde_j = 0, where the course takes 0",
          code=_variant(BACKWARD_LOOPS, ("d_act = 1.0 if h_tilde[j] > 0 else 0.0", "d_act = 1.0 if h_tilde[j] >= 0 else 0.0"))),
    Wrong("backward-relu-mask-at-zero", cell="backward", fails=[B],
          why="ReLU mask h_tilde >= 0: 1 at h_tilde = 0, where the course takes 0",
          code=_variant(BACKWARD, ("g_ht = g_h * (h_tilde > 0)", "g_ht = g_h * (h_tilde >= 0)"))),
    Wrong("backward-mutates-cache", cell="backward", fails=[B],
          why="g_y = cache['y_hat']; g_y[y] -= 1: writes into the cache (its probabilities no longer sum to 1)",
          code=_variant(BACKWARD, ('g_y = cache["y_hat"] - np.eye(n_y)[y]', 'g_y = cache["y_hat"]\n    g_y[y] -= 1.0'))),
    # --- issue 12: lazy answers (a library or numerical differentiation does the exercise) ----
    Wrong("softmax-scipy", cell="softmax", fails=["test_softmax"],
          keeps=["test_grad_logits", "test_forward", "test_backward_loops"],
          also={"backward_loops": LOOPS_VIA_SOFTMAX},
          why="calls scipy.special.softmax: right numbers, but the exercise is to write it (charged once: "
              "the backward pass that calls this softmax keeps its points)",
          code='''
def softmax(z):
    from scipy.special import softmax as _softmax
    return _softmax(z)
'''),
    Wrong("softmax-scipy-assigned", cell="softmax", fails=["test_softmax"],
          why="softmax = sp.special.softmax, with scipy imported under another name",
          code='''
import scipy as sp
softmax = sp.special.softmax
'''),
    Wrong("ce-scipy-logsumexp", cell="cross_entropy", fails=["test_cross_entropy"],
          why="scipy.special.logsumexp does the stable part of the exercise",
          code='''
from scipy.special import logsumexp as _lse
def cross_entropy(y_tilde, y):
    return float(_lse(y_tilde) - y_tilde[y])
'''),
    Wrong("grad-logits-num-grad", cell="grad_logits", fails=["test_grad_logits"],
          why="the notebook's num_grad of the student's cross_entropy: the check, not the answer",
          code='''
def grad_logits(y_tilde, y):
    return num_grad(lambda t: cross_entropy(t, y), np.array(y_tilde, dtype=float))
'''),
    Wrong("grad-logits-inline-central-difference", cell="grad_logits", fails=["test_grad_logits"],
          why="central differences of an inline stable loss, no helper called: ~1e-10 absolute error, "
              "so entries of 1e-27 have no correct digit",
          code='''
def grad_logits(y_tilde, y):
    def loss(t):
        c = np.max(t)
        return c + np.log(np.sum(np.exp(t - c))) - t[y]
    z = np.array(y_tilde, dtype=float)
    g = np.zeros_like(z)
    for i in range(len(z)):
        e = np.zeros_like(z)
        e[i] = 1e-6
        g[i] = (loss(z + e) - loss(z - e)) / 2e-6
    return g
'''),
    Wrong("grad-logits-scipy-softmax", cell="grad_logits", fails=["test_grad_logits"],
          why="scipy.special.softmax(y_tilde) - onehot: the formula, but a library's softmax",
          code='''
import scipy.special
def grad_logits(y_tilde, y):
    return scipy.special.softmax(y_tilde) - np.eye(len(y_tilde))[y]
'''),
    Wrong("loops-numerical-forward-loss", cell="backward_loops", fails=[BL],
          why="every gradient by num_grad of the student's own forward and cross_entropy "
              "(check_mlp_gradients' recipe): right numbers, no backpropagation",
          code='''
def backward_loops(x, y, params, cache, activation="tanh"):
    def loss_with(name):
        def f(value):
            p = dict(params)
            p[name] = value
            return cross_entropy(forward(x, p, activation)["y_tilde"], y)
        return f
    act = np.tanh if activation == "tanh" else (lambda t: np.maximum(t, 0.0))
    g = {name: num_grad(loss_with(name), params[name].copy()) for name in params}
    g["y_tilde"] = num_grad(lambda t: cross_entropy(t, y), cache["y_tilde"].copy())
    g["h"] = num_grad(lambda t: cross_entropy(params["W_y"] @ t + params["b_y"], y), cache["h"].copy())
    g["h_tilde"] = num_grad(lambda t: cross_entropy(params["W_y"] @ act(t) + params["b_y"], y),
                            cache["h_tilde"].copy())
    return g
'''),
    Wrong("backward-inline-central-differences", cell="backward", fails=[B],
          why="central differences of an inline forward pass and loss (no helper called), then "
              "dl/dy_tilde = dl/db_y, dl/dh_tilde = dl/db_h: never reads the cache",
          code='''
def backward(x, y, params, cache, activation="tanh"):
    def loss(p):
        h_t = p["W_h"] @ x + p["b_h"]
        h = np.tanh(h_t) if activation == "tanh" else np.maximum(h_t, 0.0)
        s = p["W_y"] @ h + p["b_y"]
        c = s.max()
        return c + np.log(np.sum(np.exp(s - c))) - s[y]
    g = {}
    for name, value in params.items():
        g[name] = np.zeros(value.shape)
        for i in np.ndindex(value.shape):
            plus = {k: v.astype(float) for k, v in params.items()}
            minus = {k: v.astype(float) for k, v in params.items()}
            plus[name][i] += 1e-6
            minus[name][i] -= 1e-6
            g[name][i] = (loss(plus) - loss(minus)) / 2e-6
    g["y_tilde"], g["h_tilde"] = g["b_y"], g["b_h"]
    g["h"] = params["W_y"].T @ g["y_tilde"]
    return g
'''),
    Wrong("backward-scipy-approx-fprime", cell="backward", fails=[B],
          why="scipy.optimize.approx_fprime on the student's own forward and cross_entropy",
          code='''
from scipy.optimize import approx_fprime
def backward(x, y, params, cache, activation="tanh"):
    g = {}
    for name, value in params.items():
        def f(flat, name=name, shape=value.shape):
            return cross_entropy(forward(x, dict(params, **{name: flat.reshape(shape)}), activation)["y_tilde"], y)
        g[name] = approx_fprime(value.ravel().astype(float), f, 1e-8).reshape(value.shape)
    g["y_tilde"], g["h_tilde"] = g["b_y"], g["b_h"]
    g["h"] = params["W_y"].T @ g["y_tilde"]
    return g
'''),
]


ALTERNATIVES = [
    Alternative("graph-numpy-floats", cell="graph_sum_product", code='''
def graph_sum_product(u, v, w):
    t1 = np.float64(u) + v
    grads = {"df_df": np.float64(1.0)}
    grads["df_dw"] = t1 * grads["df_df"]
    grads["df_dt1"] = w * grads["df_df"]
    grads["df_du"] = grads["df_dv"] = grads["df_dt1"]
    return {"t1": t1, "f": t1 * w, **grads}
'''),
    Alternative("relu-neuron-np-maximum", cell="graph_relu_neuron", code='''
def graph_relu_neuron(x1, x2, w1, w2, b, w3):
    z = np.dot([w1, w2], [x1, x2]) + b
    r = np.maximum(z, 0.0)
    dz = w3 * np.heaviside(z, 0.0)
    return dict(z=z, r=r, f=w3 * r, df_dw3=r, df_dr=w3, df_dz=dz, df_dw1=x1 * dz, df_dx1=w1 * dz,
                df_dw2=x2 * dz, df_dx2=w2 * dz, df_db=dz)
'''),
    Alternative("gate-backward-table", cell="gate_backward", code='''
def gate_backward(gate, a, b, upstream):
    local = {"add": (1.0, 1.0), "mul": (b, a), "max": (float(a > b), float(b > a))}[gate]
    return local[0] * upstream, local[1] * upstream
'''),
    Alternative("gated-sigmoid-via-tanh", cell="gated_unit", why="seed 001: sigmoid(x) = (tanh(x/2) + 1)/2",
                code='''
def gated_unit(a, b, gate):
    if gate == "step":
        return a * (b > 0), float(b > 0), 0.0
    if gate == "sigmoid":
        s = 0.5 * (np.tanh(0.5 * b) + 1)
        return a * s, s, a * s * (1 - s)
    s = np.clip(b, 0.0, 1.0)
    return a * s, s, a * float(0.0 < b < 1.0)
'''),
    Alternative("softmax-float32", cell="softmax", code='''
def softmax(z):
    z = np.asarray(z, dtype=np.float32)
    e = np.exp(z - z.max())
    return e / e.sum()
'''),
    Alternative("softmax-via-logsumexp", cell="softmax", code='''
def softmax(z):
    m = np.max(z)
    return np.exp(z - m - np.log(np.sum(np.exp(z - m))))
'''),
    Alternative("softmax-loops", cell="softmax", code='''
def softmax(z):
    m = max(z)
    e = [np.exp(t - m) for t in z]
    s = sum(e)
    return np.array([t / s for t in e])
'''),
    Alternative("jacobian-loops", cell="softmax_jacobian", code='''
def softmax_jacobian(y_hat):
    n = len(y_hat)
    J = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            J[i, j] = y_hat[i] * ((i == j) - y_hat[j])
    return J
'''),
    Alternative("jacobian-broadcast", cell="softmax_jacobian", code='''
def softmax_jacobian(y_hat):
    return y_hat[:, None] * (np.eye(len(y_hat)) - y_hat[None, :])
'''),
    Alternative("ce-logaddexp", cell="cross_entropy", code='''
def cross_entropy(y_tilde, y):
    return float(np.logaddexp.reduce(y_tilde) - y_tilde[y])
'''),
    Alternative("ce-log-softmax", cell="cross_entropy", why="log softmax computed from shifted scores",
                code='''
def cross_entropy(y_tilde, y):
    s = y_tilde - y_tilde.max()
    log_p = s - np.log(np.exp(s).sum())
    return -log_p[y]
'''),
    Alternative("ce-float32", cell="cross_entropy", why="computed in float32", code='''
def cross_entropy(y_tilde, y):
    z = np.asarray(y_tilde, dtype=np.float32)
    c = z.max()
    return float(c + np.log(np.exp(z - c).sum()) - z[y])
'''),
    Alternative("grad-logits-float32", cell="grad_logits", why="computed in float32", code='''
def grad_logits(y_tilde, y):
    z = np.asarray(y_tilde, dtype=np.float32)
    e = np.exp(z - z.max())
    return e / e.sum() - np.eye(len(z), dtype=np.float32)[y]
'''),
    Alternative("grad-logits-inplace-copy", cell="grad_logits", code='''
def grad_logits(y_tilde, y):
    g = softmax(y_tilde).copy()
    g[y] -= 1.0
    return g
'''),
    Alternative("count-grouped", cell="count_params", code='''
def count_params(n_x, n_h, n_y):
    return (n_x + 1) * n_h + (n_h + 1) * n_y
'''),
    Alternative("forward-dot-where", cell="forward", code='''
def forward(x, params, activation="tanh"):
    h_tilde = np.dot(params["W_h"], x) + params["b_h"]
    acts = {"tanh": np.tanh, "relu": lambda t: np.where(t > 0, t, 0.0)}
    if activation not in acts:
        raise ValueError(activation)
    h = acts[activation](h_tilde)
    y_tilde = np.einsum("ij,j->i", params["W_y"], h) + params["b_y"]
    e = np.exp(y_tilde - y_tilde.max())
    return {"h_tilde": h_tilde, "h": h, "y_tilde": y_tilde, "y_hat": e / e.sum()}
'''),
    Alternative("forward-float32", cell="forward", why="the forward pass in float32", code='''
def forward(x, params, activation="tanh"):
    p = {k: v.astype(np.float32) for k, v in params.items()}
    h_tilde = p["W_h"] @ np.asarray(x, np.float32) + p["b_h"]
    if activation == "tanh":
        h = np.tanh(h_tilde)
    elif activation == "relu":
        h = np.maximum(h_tilde, 0)
    else:
        raise ValueError("activation must be 'tanh' or 'relu'")
    y_tilde = p["W_y"] @ h + p["b_y"]
    e = np.exp(y_tilde - y_tilde.max())
    return {"h_tilde": h_tilde, "h": h, "y_tilde": y_tilde, "y_hat": e / e.sum()}
'''),
    Alternative("forward-row-vectors", cell="forward", why="seed 000's x W^T + b, written correctly",
                code=_variant(FORWARD, ('params["W_h"] @ x', 'x @ params["W_h"].T'),
                              ('params["W_y"] @ h', 'h @ params["W_y"].T'))),
    Alternative("loops-are-vector-form", cell="backward_loops", why="the vector form is also right",
                code=BACKWARD.replace("def backward(", "def backward_loops(")),
    Alternative("loops-float32", cell="backward_loops", why="loops accumulating in float32 arrays",
                code=_variant(BACKWARD_LOOPS,
                              ('n_x = len(x)', 'n_x = len(x)\n    f32 = lambda *shape: np.zeros(shape, dtype=np.float32)'),
                              ('g = {"y_tilde": np.zeros(n_y), "W_y": np.zeros((n_y, n_h)), "b_y": np.zeros(n_y),\n'
                               '         "h": np.zeros(n_h), "h_tilde": np.zeros(n_h), "W_h": np.zeros((n_h, n_x)), "b_h": np.zeros(n_h)}',
                               'g = {"y_tilde": f32(n_y), "W_y": f32(n_y, n_h), "b_y": f32(n_y),\n'
                               '         "h": f32(n_h), "h_tilde": f32(n_h), "W_h": f32(n_h, n_x), "b_h": f32(n_h)}'))),
    Alternative("backward-float32", cell="backward", why="the whole backward pass in float32", code='''
def backward(x, y, params, cache, activation="tanh"):
    x = np.asarray(x, dtype=np.float32)
    W_y = params["W_y"].astype(np.float32)
    h, h_tilde = cache["h"].astype(np.float32), cache["h_tilde"].astype(np.float32)
    g_y = cache["y_hat"].astype(np.float32) - np.eye(len(W_y), dtype=np.float32)[y]
    g_h = W_y.T @ g_y
    g_ht = g_h * (1 - h * h) if activation == "tanh" else g_h * (h_tilde > 0)
    return {"y_tilde": g_y, "W_y": np.outer(g_y, h), "b_y": g_y, "h": g_h, "h_tilde": g_ht,
            "W_h": np.outer(g_ht, x), "b_h": g_ht}
'''),
    Alternative("backward-einsum", cell="backward", code='''
def backward(x, y, params, cache, activation="tanh"):
    g_y = cache["y_hat"].copy()
    g_y[y] -= 1
    g_h = np.einsum("ij,i->j", params["W_y"], g_y)
    if activation == "tanh":
        g_ht = g_h * (1 - np.tanh(cache["h_tilde"]) ** 2)
    else:
        g_ht = np.where(cache["h_tilde"] > 0, g_h, 0.0)
    return {"y_tilde": g_y, "W_y": g_y[:, None] * cache["h"][None, :], "b_y": g_y, "h": g_h,
            "h_tilde": g_ht, "W_h": g_ht[:, None] * x[None, :], "b_h": g_ht}
'''),
    Alternative("backward-relu-mask-on-output", cell="backward",
                why="h > 0 iff h_tilde > 0 for ReLU, so the mask may be read on the output",
                code=_variant(BACKWARD, ("g_ht = g_h * (h_tilde > 0)", "g_ht = g_h * np.sign(h)"))),
    Alternative("backward-row-vectors", cell="backward", why="seed 000's row-vector forms, with 2-D (1, n) arrays",
                code='''
def backward(x, y, params, cache, activation="tanh"):
    n_y = params["W_y"].shape[0]
    g_y = (cache["y_hat"] - np.eye(n_y)[y])[None, :]          # (1, n_y)
    h = cache["h"][None, :]
    g_h = g_y @ params["W_y"]                                   # (1, n_h)
    d = 1 - h ** 2 if activation == "tanh" else (cache["h_tilde"][None, :] > 0)
    g_ht = g_h * d
    return {"y_tilde": g_y[0], "W_y": g_y.T @ h, "b_y": g_y[0], "h": g_h[0], "h_tilde": g_ht[0],
            "W_h": g_ht.T @ x[None, :], "b_h": g_ht[0]}
'''),
    Alternative("backward-via-grad-logits", cell="backward",
                why="reuses grad_logits (2.4) on the cached logits; its tests hand it a correct grad_logits, "
                    "so that a slip there is charged once",
                code=BACKWARD_VIA_GRAD_LOGITS),
    Alternative("loops-via-softmax", cell="backward_loops",
                why="recomputes y_hat with softmax (2.1) from the cached logits; its tests hand it a correct "
                    "softmax, so that a slip there is charged once",
                code=LOOPS_VIA_SOFTMAX),
    Alternative("sgd-copy-then-update", cell="sgd_step", code='''
def sgd_step(params, grads, lr):
    new = {k: v.copy() for k, v in params.items()}
    for k in new:
        new[k] -= lr * grads[k]
    return new
'''),
    Alternative("value-iterative-topo", cell="value",
                why="a whole class written differently: local-derivative lists, topological order with an "
                    "explicit stack (self-contained, so earlier entries' monkeypatches do not leak into it)",
                code='''
class Value:
    def __init__(self, data, _prev=(), _op="", _local=()):
        self.data, self.grad = float(data), 0.0
        self._prev, self._op, self._local = tuple(_prev), _op, tuple(_local)

    def _backward(self):
        for child, d in zip(self._prev, self._local):
            child.grad += d * self.grad

    @staticmethod
    def _lift(other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = Value._lift(other)
        return Value(self.data + other.data, (self, other), "+", (1.0, 1.0))

    def __mul__(self, other):
        other = Value._lift(other)
        return Value(self.data * other.data, (self, other), "*", (other.data, self.data))

    def tanh(self):
        t = np.tanh(self.data)
        return Value(t, (self,), "tanh", (1 - t * t,))

    def exp(self):
        e = np.exp(self.data)
        return Value(e, (self,), "exp", (e,))

    def log(self):
        return Value(np.log(self.data), (self,), "log", (1 / self.data,))

    def relu(self):
        return Value(max(0.0, self.data), (self,), "relu", (float(self.data > 0),))

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((c, False) for c in node._prev)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

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
'''),
    # --- issue 12: no library, no numerical differentiation, and these keep full marks --------
    Alternative("softmax-numpy-scipy-imported", cell="softmax",
                why="scipy imported in the cell (to compare by hand) but not used by softmax",
                code='''
import scipy.special as sps   # only to compare: sps.softmax(z) in a scratch cell
def softmax(z):
    shifted = z - np.max(z)
    return np.exp(shifted) / np.exp(shifted).sum()
'''),
    Alternative("grad-logits-own-helper", cell="grad_logits",
                why="the formula through a helper of the student's own (numpy), read by the library check",
                code='''
def _probabilities(scores):
    e = np.exp(scores - np.max(scores))
    return e / e.sum()

def grad_logits(y_tilde, y):
    g = _probabilities(y_tilde)
    g[y] -= 1.0
    return g
'''),
    Alternative("backward-uses-loss-once", cell="backward",
                why="computes the loss once from the cache (a sanity check), then the formulas",
                code=_variant(BACKWARD, ('g_y = cache["y_hat"] - np.eye(n_y)[y]',
                                         'assert np.isfinite(cross_entropy(cache["y_tilde"], y))\n'
                                         '    g_y = cache["y_hat"] - np.eye(n_y)[y]'))),
]
