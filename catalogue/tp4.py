"""TP4 (training): wrong answers that must lose points, correct variants that must not.

Slips taken from the seeds:
- /work/shared/seeds/000_*.txt writes the output error as "Y - Y" (for Y_hat - Y): taking
  Y - Y_hat is the *negative* gradient, and subtracting it adds the gradient
  ("sgd-gradient-added", "momentum-sign").
- /work/shared/seeds/002_*.txt writes the step as "W = W - dL/dW . learning-rate"
  (right), and "B = B - dL/dB . learning-rate": forgetting the learning rate on one of
  them, or altogether, is "sgd-lr-ignored".
- /work/shared/seeds/003_*.txt quotes YOLO9000's recipe: "weight decay of 0.0005 and
  momentum of 0.9"; decaying the biases too is "sgd-decay-on-biases" and
  "momentum-decay-on-biases".
"""
from tp_course.catalogue import Alternative, Wrong
from tp_course.catalogue import variant as _variant


# ---------------------------------------------------------------------------------------------
# Templates: a correct student answer, then one slip at a time (see _variant).
SGD_STEP = """
def sgd_step(params, grads, lr, weight_decay=0.0):
    for name, p in params.items():
        g = grads[name] + (weight_decay * p if name.startswith("W") else 0)
        p -= lr * g
    return params
"""

ITERATE_MINIBATCHES = """
def iterate_minibatches(X, Y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], Y[idx]
"""

MOMENTUM_STEP = """
def momentum_step(params, grads, velocity, lr, momentum=0.9, weight_decay=0.0):
    for name, p in params.items():
        g = grads[name] + (weight_decay * p if name.startswith("W") else 0)
        velocity[name] = momentum * velocity[name] - lr * g
        p += velocity[name]
    return params
"""

TRAIN = """
def train(params, X, Y, epochs, batch_size, lr, rng, momentum=0.0, weight_decay=0.0,
          X_val=None, Y_val=None, callback=None, progress=True):
    N = len(X)
    velocity = {name: np.zeros_like(p) for name, p in params.items()}
    history = {"loss": [], "acc": []}
    if X_val is not None:
        history.update(val_loss=[], val_acc=[])
    for epoch in trange(epochs, disable=not progress):
        total_loss = total_correct = 0.0
        for X_batch, Y_batch in iterate_minibatches(X, Y, batch_size, rng):
            loss, grads, P = loss_and_gradients(params, X_batch, Y_batch)
            if momentum > 0:
                momentum_step(params, grads, velocity, lr, momentum, weight_decay)
            else:
                sgd_step(params, grads, lr, weight_decay)
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
"""

FIXED_BACKWARD = """
def fixed_backward(params, X, Y):
    N = X.shape[0]
    Z1 = X @ params["W1"].T + params["b1"]
    H = np.tanh(Z1)
    S = H @ params["W2"].T + params["b2"]
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    G = (P - Y) / N
    grads = {"W2": G.T @ H, "b2": G.sum(axis=0)}
    D = (G @ params["W2"]) * (1 - H ** 2)
    grads["W1"] = D.T @ X
    grads["b1"] = D.sum(axis=0)
    return grads
"""

RANDOM_SEARCH = """
def random_search(run, n_configs, lr_range, wd_range, rng):
    results = []
    for _ in range(n_configs):
        lr = float(10 ** rng.uniform(np.log10(lr_range[0]), np.log10(lr_range[1])))
        weight_decay = float(10 ** rng.uniform(np.log10(wd_range[0]), np.log10(wd_range[1])))
        history = run(lr, weight_decay)
        results.append({"lr": lr, "weight_decay": weight_decay, "val_acc": float(history["val_acc"][-1])})
    best = max(results, key=lambda r: r["val_acc"])
    return best, results
"""

WRONG = [
    # ---------------------------------------------------------------- accuracy
    Wrong("accuracy-argmax-axis0", cell="accuracy", fails=["test_accuracy"],
          keeps=["test_train"],
          why="argmax over the examples (axis 0) instead of the classes",
          code='''
def accuracy(P, y):
    return float(np.mean(np.argmax(P, axis=0) == y))
'''),
    Wrong("accuracy-count", cell="accuracy", fails=["test_accuracy"],
          keeps=["test_train", "test_moons", "test_mnist"],
          why="returns the number of correct predictions, not the fraction",
          code='''
def accuracy(P, y):
    return int(np.sum(np.argmax(P, axis=1) == y))
'''),
    Wrong("accuracy-error-rate", cell="accuracy", fails=["test_accuracy"],
          keeps=["test_train"],
          why="returns the error rate 1 - accuracy",
          code='''
def accuracy(P, y):
    return float(np.mean(np.argmax(P, axis=1) != y))
'''),
    Wrong("accuracy-max-not-argmax", cell="accuracy", fails=["test_accuracy"],
          why="compares the largest probability (max) with the label instead of its index (argmax)",
          code='''
def accuracy(P, y):
    return float(np.mean(np.max(P, axis=1) == y))
'''),
    # ---------------------------------------------------------------- sgd_step
    Wrong("sgd-gradient-added", cell="sgd_step", fails=["test_sgd_step", "test_moons"],
          why="W + lr * g: gradient ascent (seed 000's 'Y - Y' read as Y - Y_hat). test_train and test_moons lose "
              "their points too (no keeps): train must call your sgd_step, so the training tests depend on it "
              "(inherent; unlike accuracy, which test_train replaces by a correct one)",
          code=_variant(SGD_STEP, ('p -= lr * g', 'p += lr * g'))),
    Wrong("sgd-lr-ignored", cell="sgd_step", fails=["test_sgd_step"],
          why="the learning rate is not used: W - g",
          code=_variant(SGD_STEP, ('p -= lr * g', 'p -= g'))),
    Wrong("sgd-decay-on-biases", cell="sgd_step", fails=["test_sgd_step"],
          why="weight decay applied to the biases too",
          code='''
def sgd_step(params, grads, lr, weight_decay=0.0):
    for name, p in params.items():
        p -= lr * (grads[name] + weight_decay * p)
    return params
'''),
    Wrong("sgd-decay-not-times-lr", cell="sgd_step", fails=["test_sgd_step"],
          why="W - lr * g - wd * W: the decay is not multiplied by the learning rate",
          code='''
def sgd_step(params, grads, lr, weight_decay=0.0):
    for name, p in params.items():
        p -= lr * grads[name]
        if name.startswith("W"):
            p -= weight_decay * p
    return params
'''),
    Wrong("sgd-decay-sign", cell="sgd_step", fails=["test_sgd_step"],
          why="W - lr * (g - wd * W): the decay pushes the weights away from 0",
          code=_variant(SGD_STEP, ('grads[name] + (', 'grads[name] - ('))),
    Wrong("sgd-bias-not-updated", cell="sgd_step", fails=["test_sgd_step"],
          why="only the weights are updated; the biases stay at 0",
          code='''
def sgd_step(params, grads, lr, weight_decay=0.0):
    for name, p in params.items():
        if name.startswith("W"):
            p -= lr * (grads[name] + weight_decay * p)
    return params
'''),
    # ---------------------------------------------------------------- iterate_minibatches
    Wrong("minibatches-no-shuffle", cell="iterate_minibatches",
          fails=["test_iterate_minibatches", "test_moons", "test_mnist"],
          keeps=["test_train"],
          why="the batches come in the stored order (no shuffling): on data sorted by class the "
              "network forgets each class while learning the next (MNIST: about 10 %). test_moons and "
              "test_mnist (end-to-end training on sorted data) are in fails on purpose: train must call your "
              "iterate_minibatches (inherent); test_train replays your batches, so it keeps its points",
          code='''
def iterate_minibatches(X, Y, batch_size, rng):
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], Y[start:start + batch_size]
'''),
    Wrong("minibatches-separate-permutations", cell="iterate_minibatches",
          fails=["test_iterate_minibatches"],
          why="X and Y shuffled with two different permutations: labels no longer match",
          code='''
def iterate_minibatches(X, Y, batch_size, rng):
    X, Y = X[rng.permutation(len(X))], Y[rng.permutation(len(Y))]
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], Y[start:start + batch_size]
'''),
    Wrong("minibatches-drop-last", cell="iterate_minibatches",
          fails=["test_iterate_minibatches"],
          keeps=["test_train", "test_moons"],
          why="the last, smaller batch is dropped: some examples are never seen",
          code=_variant(ITERATE_MINIBATCHES,
                        ('range(0, len(X), batch_size)', 'range(0, len(X) - batch_size + 1, batch_size)'))),
    Wrong("minibatches-global-random", cell="iterate_minibatches",
          fails=["test_iterate_minibatches"],
          why="np.random.permutation ignores rng: a seed no longer fixes the training",
          code=_variant(ITERATE_MINIBATCHES, ('rng.permutation', 'np.random.permutation'))),
    Wrong("minibatches-with-replacement", cell="iterate_minibatches",
          fails=["test_iterate_minibatches"],
          why="each batch drawn with replacement: some examples twice, others never",
          code='''
def iterate_minibatches(X, Y, batch_size, rng):
    for start in range(0, len(X), batch_size):
        idx = rng.integers(0, len(X), size=min(batch_size, len(X) - start))
        yield X[idx], Y[idx]
'''),
    Wrong("minibatches-shuffle-in-place", cell="iterate_minibatches",
          fails=["test_iterate_minibatches"],
          why="rng.shuffle on X and on Y separately: misaligned, and the caller's data modified",
          code='''
def iterate_minibatches(X, Y, batch_size, rng):
    rng.shuffle(X)
    rng.shuffle(Y)
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], Y[start:start + batch_size]
'''),
    # ---------------------------------------------------------------- momentum_step
    Wrong("momentum-sign", cell="momentum_step", fails=["test_momentum_step", "test_mnist"],
          why="v = mu v + lr g, W += v: the gradient is added. test_train and test_mnist lose their points too "
              "(no keeps): train must call your momentum_step, an inherent dependence of the training tests",
          code=_variant(MOMENTUM_STEP, ('- lr * g', '+ lr * g'))),
    Wrong("momentum-velocity-not-kept", cell="momentum_step", fails=["test_momentum_step"],
          why="the new velocity is a local variable: the next step starts from the old one",
          code=_variant(MOMENTUM_STEP, ('velocity[name] = momentum', 'v = momentum'),
                                       ('p += velocity[name]', 'p += v'))),
    Wrong("momentum-decay-on-biases", cell="momentum_step", fails=["test_momentum_step"],
          why="weight decay applied to the biases too",
          code='''
def momentum_step(params, grads, velocity, lr, momentum=0.9, weight_decay=0.0):
    for name, p in params.items():
        v = velocity[name]
        v *= momentum
        v -= lr * (grads[name] + weight_decay * p)
        p += v
    return params
'''),
    Wrong("momentum-ema-dampening", cell="momentum_step", fails=["test_momentum_step"],
          why="v = mu v + (1 - mu) g (an average, as in Adam): steps 1/(1 - mu) times too small",
          code=_variant(MOMENTUM_STEP, ('- lr * g', '+ (1 - momentum) * g'),
                                       ('p += velocity[name]', 'p -= lr * velocity[name]'))),
    Wrong("momentum-lr-ignored", cell="momentum_step", fails=["test_momentum_step", "test_mnist"],
          why="v = mu v - g: the learning rate is not used (MNIST: about 60 %)",
          code=_variant(MOMENTUM_STEP, ('- lr * g', '- g'))),
    # ---------------------------------------------------------------- train
    Wrong("train-no-shuffle", cell="train", fails=["test_train", "test_moons", "test_mnist"],
          why="the loop slices X in its stored order instead of calling iterate_minibatches",
          code=_variant(
              TRAIN,
              ('        for X_batch, Y_batch in iterate_minibatches(X, Y, batch_size, rng):\n',
               '        for start in range(0, N, batch_size):\n'
               '            X_batch, Y_batch = X[start:start + batch_size], Y[start:start + batch_size]\n'))),
    Wrong("train-same-order-every-epoch", cell="train", fails=["test_train"],
          why="a new generator with a fixed seed at every epoch: the same order each time",
          code='''
_train_ok = train
def train(params, X, Y, epochs, batch_size, lr, rng, **kw):
    history = None
    for epoch in range(epochs):
        h = _train_ok(params, X, Y, 1, batch_size, lr, np.random.default_rng(0), **kw)
        history = h if history is None else {k: history[k] + h[k] for k in history}
    return history
'''),
    Wrong("train-velocity-reset-every-epoch", cell="train", fails=["test_train"],
          why="the velocities restart at zero at every epoch",
          code='''
_train_ok = train
def train(params, X, Y, epochs, batch_size, lr, rng, callback=None, **kw):
    history = None
    for epoch in range(epochs):
        h = _train_ok(params, X, Y, 1, batch_size, lr, rng, **kw)
        history = h if history is None else {k: history[k] + h[k] for k in history}
        if callback is not None:
            callback(epoch, params, history)
    return history
'''),
    Wrong("train-fixed-lr", cell="train", fails=["test_train"],
          why="the learning rate passed to train is not used (a constant 0.1 instead)",
          code='''
_train_ok = train
def train(params, X, Y, epochs, batch_size, lr, rng, **kw):
    return _train_ok(params, X, Y, epochs, batch_size, 0.1, rng, **kw)
'''),
    Wrong("train-weight-decay-dropped", cell="train", fails=["test_train"],
          why="weight_decay is never passed to the step",
          code='''
_train_ok = train
def train(params, X, Y, epochs, batch_size, lr, rng, momentum=0.0, weight_decay=0.0, **kw):
    return _train_ok(params, X, Y, epochs, batch_size, lr, rng, momentum=momentum, **kw)
'''),
    Wrong("train-momentum-ignored", cell="train", fails=["test_train"],
          why="always plain SGD, whatever the momentum",
          code='''
_train_ok = train
def train(params, X, Y, epochs, batch_size, lr, rng, momentum=0.0, **kw):
    return _train_ok(params, X, Y, epochs, batch_size, lr, rng, momentum=0.0, **kw)
'''),
    Wrong("train-grads-divided-by-batch", cell="train", fails=["test_train", "test_mnist"],
          why="the gradients divided by the batch size again, though loss_and_gradients already "
              "returns the gradient of the mean loss: steps B times too small (MNIST: about 70 %)",
          code=_variant(
              TRAIN,
              ('loss_and_gradients(params, X_batch, Y_batch)\n',
               'loss_and_gradients(params, X_batch, Y_batch)\n'
               '            grads = {name: g / len(X_batch) for name, g in grads.items()}   # mean of the batch\n'))),
    Wrong("train-lr-momentum-swapped", cell="train", fails=["test_train", "test_mnist"],
          why="momentum_step(params, grads, velocity, momentum, lr): positional arguments in the "
              "wrong order, so lr = 0.9 and momentum = 0.05",
          code='''
_train_ok = train
_momentum_step_ok = momentum_step

def train(params, X, Y, epochs, batch_size, lr, rng, momentum=0.0, weight_decay=0.0, **kw):
    global momentum_step

    def momentum_step(params, grads, velocity, lr, momentum=0.9, weight_decay=0.0):
        return _momentum_step_ok(params, grads, velocity, momentum, lr, weight_decay)
    try:
        return _train_ok(params, X, Y, epochs, batch_size, lr, rng, momentum=momentum,
                         weight_decay=weight_decay, **kw)
    finally:
        momentum_step = _momentum_step_ok
'''),
    Wrong("train-last-batch-loss", cell="train", fails=["test_train"],
          why="history['loss'] holds the loss of the epoch's last batch, not the epoch's mean",
          code=_variant(
              TRAIN, ('    N = len(X)\n', ''), ('trange(epochs, disable=not progress)', 'range(epochs)'),
              ('        total_loss = total_correct = 0.0\n', ''),
              ('            total_loss += loss * len(X_batch)\n'
               '            total_correct += accuracy(P, Y_batch.argmax(axis=1)) * len(X_batch)\n', ''),
              ('history["loss"].append(total_loss / N)', 'history["loss"].append(loss)'),
              ('history["acc"].append(total_correct / N)',
               'history["acc"].append(accuracy(P, Y_batch.argmax(axis=1)))'))),
    # ---------------------------------------------------------------- train: issue 12
    # (each of these is caught by the visible part of test_train: tests/test_tp4_visible.py proves it)
    Wrong("train-unweighted-mean-of-batch-losses", cell="train", fails=["test_train"],
          why="history['loss'] = np.mean of the batch losses: the ragged last batch (64 = 24 + 24 + 16) counts "
              "as much as a full one",
          code=_variant(
              TRAIN, ('        total_loss = total_correct = 0.0\n', '        losses, accs = [], []\n'),
              ('            total_loss += loss * len(X_batch)\n'
               '            total_correct += accuracy(P, Y_batch.argmax(axis=1)) * len(X_batch)\n',
               '            losses.append(loss)\n            accs.append(accuracy(P, Y_batch.argmax(axis=1)))\n'),
              ('history["loss"].append(total_loss / N)', 'history["loss"].append(float(np.mean(losses)))'),
              ('history["acc"].append(total_correct / N)', 'history["acc"].append(float(np.mean(accs)))'))),
    Wrong("train-drops-ragged-last-batch", cell="train", fails=["test_train"],
          why="skips the last, smaller mini-batch: its examples are never trained on nor counted",
          code=_variant(
              TRAIN, ('            loss, grads, P = loss_and_gradients(params, X_batch, Y_batch)\n',
                      '            if len(X_batch) < batch_size:\n                continue\n'
                      '            loss, grads, P = loss_and_gradients(params, X_batch, Y_batch)\n'),
              ('history["loss"].append(total_loss / N)', 'history["loss"].append(total_loss / (N - N % batch_size))'),
              ('history["acc"].append(total_correct / N)', 'history["acc"].append(total_correct / (N - N % batch_size))'))),
    Wrong("train-accuracy-after-step", cell="train", fails=["test_train"],
          why="the batch accuracy from a new forward pass after the step (the P of loss_and_gradients is the "
              "one before it, and costs nothing)",
          code=_variant(
              TRAIN, ('total_correct += accuracy(P, Y_batch.argmax(axis=1))',
                      'total_correct += accuracy(predict_proba(params, X_batch), Y_batch.argmax(axis=1))'))),
    Wrong("train-np-random-permutation", cell="train", fails=["test_train"],
          why="shuffles with np.random.permutation instead of the rng it receives: a seed no longer fixes the training",
          code=_variant(
              TRAIN,
              ('        for X_batch, Y_batch in iterate_minibatches(X, Y, batch_size, rng):\n',
               '        order = np.random.permutation(N)\n'
               '        for start in range(0, N, batch_size):\n'
               '            X_batch, Y_batch = X[order[start:start + batch_size]], Y[order[start:start + batch_size]]\n'))),
    # ---------------------------------------------------------------- train: issue 13 (cross_entropy takes scores)
    Wrong("train-val-loss-from-probabilities", cell="train", fails=["test_train"],
          why="cross_entropy(predict_proba(...), Y_val): the validation loss of the probabilities read as scores "
              "(cross_entropy takes the scores S)",
          code=_variant(
              TRAIN, ('history["val_loss"].append(cross_entropy(S_val, Y_val))',
                      'history["val_loss"].append(cross_entropy(predict_proba(params, X_val), Y_val))'))),
    Wrong("train-val-loss-mean-over-classes", cell="train", fails=["test_train"],
          why="the validation loss written by hand as np.mean(Y * log P) over the N x K entries: divided by K too",
          code=_variant(
              TRAIN, ('history["val_loss"].append(cross_entropy(S_val, Y_val))',
                      'history["val_loss"].append(float(-np.mean(Y_val * np.log(softmax(S_val)))))'))),
    # ---------------------------------------------------------------- adaptive steps and dropout
    Wrong("rmsprop-no-square", cell="rmsprop_step", fails=["test_rmsprop_step"],
          why="s averages the gradients g, not their squares: sqrt of a negative mean is NaN",
          code='''
def rmsprop_step(params, grads, state, lr, beta=0.9, eps=1e-8):
    for name, p in params.items():
        state[name] = beta * state[name] + (1 - beta) * grads[name]
        p -= lr * grads[name] / (np.sqrt(state[name]) + eps)
    return params
'''),
    Wrong("rmsprop-beta-swapped", cell="rmsprop_step", fails=["test_rmsprop_step"],
          why="s = (1 - beta) s + beta g^2: the new square weighted by beta",
          code='''
def rmsprop_step(params, grads, state, lr, beta=0.9, eps=1e-8):
    for name, p in params.items():
        state[name] = (1 - beta) * state[name] + beta * grads[name] ** 2
        p -= lr * grads[name] / (np.sqrt(state[name]) + eps)
    return params
'''),
    Wrong("adam-no-bias-correction", cell="adam_step", fails=["test_adam_step"],
          why="m / (sqrt(v) + eps) without dividing by 1 - beta ** t: the first steps are about 3 times too large",
          code='''
def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    for name, p in params.items():
        g = grads[name]
        state["m"][name] = beta1 * state["m"][name] + (1 - beta1) * g
        state["v"][name] = beta2 * state["v"][name] + (1 - beta2) * g * g
        p -= lr * state["m"][name] / (np.sqrt(state["v"][name]) + eps)
    return params
'''),
    Wrong("adam-t-from-0", cell="adam_step", fails=["test_adam_step"],
          why="the bias correction uses t before adding 1: the first step divides by 1 - beta ** 0 = 0",
          code='''
def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"]
    for name, p in params.items():
        g = grads[name]
        state["m"][name] = beta1 * state["m"][name] + (1 - beta1) * g
        state["v"][name] = beta2 * state["v"][name] + (1 - beta2) * g * g
        m_hat = state["m"][name] / (1 - beta1 ** t)
        v_hat = state["v"][name] / (1 - beta2 ** t)
        p -= lr * m_hat / (np.sqrt(v_hat) + eps)
    state["t"] = t + 1
    return params
'''),
    Wrong("adam-betas-swapped", cell="adam_step", fails=["test_adam_step"],
          why="beta1 and beta2 swapped everywhere (m decays with 0.999, v with 0.9): same first step, then off",
          code='''
def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    t = state["t"]
    for name, p in params.items():
        g = grads[name]
        state["m"][name] = beta2 * state["m"][name] + (1 - beta2) * g
        state["v"][name] = beta1 * state["v"][name] + (1 - beta1) * g * g
        m_hat = state["m"][name] / (1 - beta2 ** t)
        v_hat = state["v"][name] / (1 - beta1 ** t)
        p -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return params
'''),
    Wrong("adam-state-not-stored", cell="adam_step", fails=["test_adam_step"],
          why="m and v rebound to local names (m = beta1 * m + ...) and never stored back in state",
          code='''
def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    t = state["t"]
    for name, p in params.items():
        g = grads[name]
        m = beta1 * state["m"][name] + (1 - beta1) * g
        v = beta2 * state["v"][name] + (1 - beta2) * g * g
        p -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return params
'''),
    Wrong("dropout-not-scaled", cell="dropout", fails=["test_dropout"],
          why="H * M: the kept units are not divided by 1 - p (the expected value shrinks to (1 - p) H)",
          code='''
def dropout_forward(H, p, rng, train=True):
    if not train:
        return H, None
    mask = rng.random(H.shape) >= p
    return H * mask, mask


def dropout_backward(dOut, mask, p):
    return dOut * mask
'''),
    Wrong("dropout-scaled-by-p", cell="dropout", fails=["test_dropout"],
          why="the kept units multiplied by p instead of divided by 1 - p",
          code='''
def dropout_forward(H, p, rng, train=True):
    if not train:
        return H, None
    mask = (rng.random(H.shape) >= p) * p
    return H * mask, mask


def dropout_backward(dOut, mask, p):
    return dOut * mask
'''),
    Wrong("dropout-at-test-time", cell="dropout", fails=["test_dropout"],
          why="train=False ignored: units are dropped at test time too",
          code='''
def dropout_forward(H, p, rng, train=True):
    mask = (rng.random(H.shape) >= p) / (1 - p)
    return H * mask, mask


def dropout_backward(dOut, mask, p):
    return dOut * mask
'''),
    Wrong("dropout-np-random", cell="dropout", fails=["test_dropout"],
          why="the mask drawn with np.random, not with the rng received: a seed does not fix it",
          code='''
def dropout_forward(H, p, rng, train=True):
    if not train:
        return H, None
    mask = (np.random.rand(*H.shape) >= p) / (1 - p)
    return H * mask, mask


def dropout_backward(dOut, mask, p):
    return dOut * mask
'''),
    Wrong("dropout-keep-prob-p", cell="dropout", fails=["test_dropout"],
          why="p taken as the probability of KEEPING a unit (rng.random < p, scaled by 1 / p)",
          code='''
def dropout_forward(H, p, rng, train=True):
    if not train:
        return H, None
    mask = (rng.random(H.shape) < p) / p if p > 0 else np.ones_like(H)
    return H * mask, mask


def dropout_backward(dOut, mask, p):
    return dOut * mask
'''),
    Wrong("dropout-backward-unscaled", cell="dropout", fails=["test_dropout"],
          why="a boolean mask, and a backward pass that forgets its 1 / (1 - p)",
          code='''
def dropout_forward(H, p, rng, train=True):
    if not train:
        return H, None
    keep = rng.random(H.shape) >= p
    return H * keep / (1 - p), keep


def dropout_backward(dOut, mask, p):
    return dOut * mask
'''),
    # ---------------------------------------------------------------- issue 13: the practitioner's protocol
    Wrong("train-lr-divided-by-batch-size", cell="train", fails=["test_train", "test_overfit"],
          why="lr / batch_size ('a learning rate per example'), though the gradient is already that of the mean "
              "loss: steps B times too small, and 20 examples are not over-fitted in 300 full-batch epochs",
          code='''
_train_ok = train
def train(params, X, Y, epochs, batch_size, lr, rng, **kw):
    return _train_ok(params, X, Y, epochs, batch_size, lr / batch_size, rng, **kw)
'''),
    Wrong("fixed-backward-keeps-missing-1-over-N", cell="fixed_backward", fails=["test_fixed_backward"],
          why="two slips fixed, G = P - Y left: the gradient of the sum of the losses, N times too large",
          code=_variant(FIXED_BACKWARD, ("G = (P - Y) / N", "G = P - Y"))),
    Wrong("fixed-backward-keeps-reshape", cell="fixed_backward", fails=["test_fixed_backward"],
          why="two slips fixed, (H.T @ G).reshape(W2.shape) left: H^T G squeezed into (K, n_h) by a reshape",
          code=_variant(FIXED_BACKWARD, ('"W2": G.T @ H', '"W2": (H.T @ G).reshape(params["W2"].shape)'))),
    Wrong("fixed-backward-keeps-derivative-at-z", cell="fixed_backward", fails=["test_fixed_backward"],
          why="two slips fixed, 1 - Z1**2 left: tanh's derivative taken at the pre-activation",
          code=_variant(FIXED_BACKWARD, ("(1 - H ** 2)", "(1 - Z1 ** 2)"))),
    Wrong("fixed-backward-sigmoid-derivative", cell="fixed_backward", fails=["test_fixed_backward"],
          why="the third slip 'fixed' as H * (1 - H), the sigmoid's derivative, not tanh's 1 - H**2",
          code=_variant(FIXED_BACKWARD, ("(1 - H ** 2)", "H * (1 - H)"))),
    Wrong("fixed-backward-1-over-N-twice", cell="fixed_backward", fails=["test_fixed_backward"],
          why="the 1/N added to G and again to the weight gradients: W2, W1 N times too small",
          code=_variant(FIXED_BACKWARD, ('"W2": G.T @ H', '"W2": G.T @ H / N'),
                        ("grads[\"W1\"] = D.T @ X", "grads[\"W1\"] = D.T @ X / N"))),
    Wrong("fixed-backward-calls-loss-and-gradients", cell="fixed_backward", fails=["test_fixed_backward"],
          why="returns the notebook's own backward pass: right numbers, not the exercise",
          code='''
def fixed_backward(params, X, Y):
    return loss_and_gradients(params, X, Y)[1]
'''),
    Wrong("fixed-backward-finite-differences", cell="fixed_backward", fails=["test_fixed_backward"],
          why="central differences of mean_loss (num_grad) instead of the backward pass",
          code='''
def fixed_backward(params, X, Y):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    return {k: num_grad(lambda: mean_loss(params, X, Y), p) for k, p in params.items()}
'''),
    Wrong("search-uniform-not-log", cell="random_search", fails=["test_random_search"],
          why="lr and weight_decay drawn uniformly in their ranges: almost all draws in the top decade",
          code=_variant(RANDOM_SEARCH,
                        ("10 ** rng.uniform(np.log10(lr_range[0]), np.log10(lr_range[1]))", "rng.uniform(*lr_range)"),
                        ("10 ** rng.uniform(np.log10(wd_range[0]), np.log10(wd_range[1]))", "rng.uniform(*wd_range)"))),
    Wrong("search-best-by-training-accuracy", cell="random_search", fails=["test_random_search"],
          why="the best configuration chosen on the training accuracy (history['acc']), not the validation one",
          code=_variant(RANDOM_SEARCH,
                        ('"val_acc": float(history["val_acc"][-1])})',
                         '"val_acc": float(history["val_acc"][-1]), "_acc": history["acc"][-1]})'),
                        ('best = max(results, key=lambda r: r["val_acc"])',
                         'best = max(results, key=lambda r: r["_acc"])\n'
                         '    results = [{k: v for k, v in r.items() if k != "_acc"} for r in results]\n'
                         '    best = {k: v for k, v in best.items() if k != "_acc"}'))),
    Wrong("search-best-lowest-training-loss", cell="random_search", fails=["test_random_search"],
          why="the best configuration is the one with the lowest final training loss",
          code=_variant(RANDOM_SEARCH,
                        ('results.append(', 'losses.append(history["loss"][-1])\n        results.append('),
                        ('results = []', 'results, losses = [], []'),
                        ('best = max(results, key=lambda r: r["val_acc"])', 'best = results[int(np.argmin(losses))]'))),
    Wrong("search-min-not-max", cell="random_search", fails=["test_random_search"],
          why="min instead of max: the worst configuration",
          code=_variant(RANDOM_SEARCH, ('best = max(results,', 'best = min(results,'))),
    Wrong("search-np-random", cell="random_search", fails=["test_random_search"],
          why="draws with np.random instead of the generator passed in: a seed no longer fixes the search",
          code=_variant(RANDOM_SEARCH, ("lr = float(10 ** rng.uniform(", "lr = float(10 ** np.random.uniform("),
                        ("weight_decay = float(10 ** rng.uniform(", "weight_decay = float(10 ** np.random.uniform("))),
    Wrong("search-one-draw-for-both", cell="random_search", fails=["test_random_search"],
          why="one uniform number u gives both exponents: lr and weight_decay move together (a diagonal, not a square)",
          code='''
def random_search(run, n_configs, lr_range, wd_range, rng):
    results = []
    for _ in range(n_configs):
        u = rng.random()
        lr = lr_range[0] * (lr_range[1] / lr_range[0]) ** u
        weight_decay = wd_range[0] * (wd_range[1] / wd_range[0]) ** u
        results.append({"lr": lr, "weight_decay": weight_decay, "val_acc": run(lr, weight_decay)["val_acc"][-1]})
    return max(results, key=lambda r: r["val_acc"]), results
'''),
    Wrong("search-ln-and-power-of-10", cell="random_search", fails=["test_random_search"],
          why="10 ** uniform(ln low, ln high): natural logs with a power of 10, outside the ranges",
          code=_variant(RANDOM_SEARCH, ("np.log10(lr_range[0]), np.log10(lr_range[1])", "np.log(lr_range[0]), np.log(lr_range[1])"))),
]

ALTERNATIVES = [
    Alternative("train-np-average-weights", cell="train",
                why="the epoch's mean as np.average(batch losses, weights=batch sizes)", code='''
def train(params, X, Y, epochs, batch_size, lr, rng, momentum=0.0, weight_decay=0.0,
          X_val=None, Y_val=None, callback=None, progress=True):
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    history = {"loss": [], "acc": []}
    if X_val is not None:
        history["val_loss"], history["val_acc"] = [], []
    for epoch in trange(epochs, disable=not progress):
        losses, accs, sizes = [], [], []
        for xb, yb in iterate_minibatches(X, Y, batch_size, rng):
            loss, grads, P = loss_and_gradients(params, xb, yb)
            if momentum > 0:
                momentum_step(params, grads, velocity, lr, momentum=momentum, weight_decay=weight_decay)
            else:
                sgd_step(params, grads, lr, weight_decay=weight_decay)
            losses.append(loss)
            accs.append(accuracy(P, yb.argmax(axis=1)))
            sizes.append(len(xb))
        history["loss"].append(float(np.average(losses, weights=sizes)))
        history["acc"].append(float(np.average(accs, weights=sizes)))
        if X_val is not None:
            S_val, _ = forward_scores(params, X_val)
            history["val_loss"].append(cross_entropy(S_val, Y_val))
            history["val_acc"].append(accuracy(S_val, Y_val.argmax(axis=1)))
        if callback is not None:
            callback(epoch, params, history)
    return history
'''),
    Alternative("accuracy-loop", cell="accuracy", code='''
def accuracy(P, y):
    correct = 0
    for i in range(len(y)):
        if np.argmax(P[i]) == y[i]:
            correct += 1
    return correct / len(y)
'''),
    Alternative("accuracy-sum-over-len", cell="accuracy", code='''
def accuracy(P, y):
    return (P.argmax(axis=1) == y).sum() / len(y)
'''),
    Alternative("sgd-not-in-place", cell="sgd_step", why="new arrays stored back in the dict", code='''
def sgd_step(params, grads, lr, weight_decay=0.0):
    for name in params:
        decay = weight_decay * params[name] if name.startswith("W") else 0.0
        params[name] = params[name] - lr * (grads[name] + decay)
    return params
'''),
    Alternative("sgd-separate-keys", cell="sgd_step", why="weights and biases by name", code='''
def sgd_step(params, grads, lr, weight_decay=0.0):
    for name in params:
        if name[0] == "W":
            params[name] -= lr * grads[name] + lr * weight_decay * params[name]
        else:
            params[name] -= lr * grads[name]
    return params
'''),
    Alternative("minibatches-shuffle-indices", cell="iterate_minibatches", code='''
def iterate_minibatches(X, Y, batch_size, rng):
    idx = np.arange(X.shape[0])
    rng.shuffle(idx)
    for i in range(int(np.ceil(len(idx) / batch_size))):
        batch = idx[i * batch_size:(i + 1) * batch_size]
        yield X[batch], Y[batch]
'''),
    Alternative("minibatches-argsort-random", cell="iterate_minibatches", code='''
def iterate_minibatches(X, Y, batch_size, rng):
    order = np.argsort(rng.random(len(X)))
    Xs, Ys = X[order], Y[order]
    for start in range(0, len(X), batch_size):
        yield Xs[start:start + batch_size], Ys[start:start + batch_size]
'''),
    Alternative("minibatches-choice", cell="iterate_minibatches", code='''
def iterate_minibatches(X, Y, batch_size, rng):
    order = rng.choice(len(X), size=len(X), replace=False)
    batches = []
    for start in range(0, len(X), batch_size):
        batches.append((X[order[start:start + batch_size]], Y[order[start:start + batch_size]]))
    return iter(batches)
'''),
    Alternative("momentum-pytorch-form", cell="momentum_step",
                why="v = mu v + g, W -= lr v (PyTorch's SGD): same steps for a constant lr", code='''
def momentum_step(params, grads, velocity, lr, momentum=0.9, weight_decay=0.0):
    for name in params:
        g = grads[name]
        if name.startswith("W"):
            g = g + weight_decay * params[name]
        velocity[name] = momentum * velocity[name] + g
        params[name] = params[name] - lr * velocity[name]
    return params
'''),
    Alternative("momentum-dict-rebinding", cell="momentum_step", code='''
def momentum_step(params, grads, velocity, lr, momentum=0.9, weight_decay=0.0):
    for k in params:
        wd = weight_decay if k[0] == "W" else 0.0
        velocity[k] = momentum * velocity[k] - lr * grads[k] - lr * wd * params[k]
        params[k] = params[k] + velocity[k]
    return params
'''),
    Alternative("train-always-momentum-step", cell="train",
                why="momentum_step with momentum 0 is the SGD step; tqdm over range", code='''
from tqdm.auto import tqdm

def train(params, X, Y, epochs, batch_size, lr, rng, momentum=0.0, weight_decay=0.0,
          X_val=None, Y_val=None, callback=None, progress=True):
    vel = {}
    for k in params:
        vel[k] = np.zeros(params[k].shape, dtype=params[k].dtype)
    history = {"loss": [], "acc": [], "val_loss": [], "val_acc": []}
    for epoch in tqdm(range(epochs), disable=not progress):
        losses, correct, seen = 0.0, 0, 0
        for xb, yb in iterate_minibatches(X, Y, batch_size, rng):
            loss, g, P = loss_and_gradients(params, xb, yb)
            params = momentum_step(params, g, vel, lr, momentum=momentum, weight_decay=weight_decay)
            losses += loss * xb.shape[0]
            correct += np.sum(np.argmax(P, axis=1) == np.argmax(yb, axis=1))
            seen += xb.shape[0]
        history["loss"].append(losses / seen)
        history["acc"].append(correct / seen)
        if X_val is not None:
            val_loss, _, pv = loss_and_gradients(params, X_val, Y_val)   # the loss from the scores, as in a batch
            history["val_loss"].append(val_loss)
            history["val_acc"].append(accuracy(pv, np.argmax(Y_val, axis=1)))
        if callback:
            callback(epoch, params, history)
    return history
'''),
    Alternative("rmsprop-new-arrays", cell="rmsprop_step", why="new arrays stored back in the dicts", code='''
def rmsprop_step(params, grads, state, lr, beta=0.9, eps=1e-8):
    for k in params:
        state[k] = beta * state[k] + (1 - beta) * np.square(grads[k])
        params[k] = params[k] - lr * grads[k] / (np.sqrt(state[k]) + eps)
    return params
'''),
    Alternative("adam-folded-lr", cell="adam_step",
                why="the paper's form: lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t), p -= lr_t m / (sqrt(v) + eps); "
                    "differs only in where eps sits, far below the tolerance", code='''
def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] = t = state["t"] + 1
    lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    for k in params:
        state["m"][k] = beta1 * state["m"][k] + (1 - beta1) * grads[k]
        state["v"][k] = beta2 * state["v"][k] + (1 - beta2) * grads[k] ** 2
        params[k] = params[k] - lr_t * state["m"][k] / (np.sqrt(state["v"][k]) + eps)
    return params
'''),
    Alternative("adam-eps-inside-sqrt", cell="adam_step",
                why="sqrt(v_hat + eps): a different rule in theory, but with eps = 1e-8 and gradients of order 0.1-1 "
                    "(v_hat >= 1e-4) it moves a step by < 1e-4 relative, within the tolerance (in float32, "
                    "v_hat + 1e-8 is v_hat for v_hat > 0.1); accepted, like TF1's RMSProp", code='''
def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    t = state["t"]
    for name, p in params.items():
        m, v = state["m"][name], state["v"][name]
        m[...] = beta1 * m + (1 - beta1) * grads[name]
        v[...] = beta2 * v + (1 - beta2) * grads[name] ** 2
        p -= lr * (m / (1 - beta1 ** t)) / np.sqrt(v / (1 - beta2 ** t) + eps)
    return params
'''),
    Alternative("dropout-bool-mask", cell="dropout",
                why="the mask returned as booleans; the backward pass divides by 1 - p itself", code='''
def dropout_forward(H, p, rng, train=True):
    if not train:
        return H, None
    keep = rng.random(H.shape) >= p
    return np.where(keep, H / (1 - p), 0.0), keep


def dropout_backward(dOut, mask, p):
    return np.where(mask, dOut / (1 - p), 0.0)
'''),
    Alternative("dropout-binomial", cell="dropout", why="the mask drawn with rng.binomial(1, 1 - p)", code='''
def dropout_forward(H, p, rng, train=True):
    if train:
        mask = rng.binomial(1, 1 - p, size=H.shape) / (1 - p)
        return H * mask, mask
    return H.copy(), None


def dropout_backward(dOut, mask, p):
    return mask * dOut
'''),
    # ---------------------------------------------------------------- issue 13: the practitioner's protocol
    Alternative("fixed-backward-notebook-forward", cell="fixed_backward",
                why="the notebook's forward_scores and softmax, the transpose of the swapped product", code='''
def fixed_backward(params, X, Y):
    S, H = forward_scores(params, X)
    G = (softmax(S) - Y) / len(X)
    D = (G @ params["W2"]) * (1 - H * H)
    return {"W2": (H.T @ G).T, "b2": G.sum(axis=0), "W1": D.T @ X, "b1": np.sum(D, axis=0)}
'''),
    Alternative("fixed-backward-einsum-float32", cell="fixed_backward",
                why="einsum outer products, computed in float32", code='''
def fixed_backward(params, X, Y):
    p = {k: np.asarray(v, dtype=np.float32) for k, v in params.items()}
    X, Y = np.asarray(X, np.float32), np.asarray(Y, np.float32)
    H = np.tanh(np.einsum("ni,hi->nh", X, p["W1"]) + p["b1"])
    S = np.einsum("nh,kh->nk", H, p["W2"]) + p["b2"]
    E = np.exp(S - S.max(axis=1, keepdims=True))
    G = (E / E.sum(axis=1, keepdims=True) - Y) / X.shape[0]
    D = np.einsum("nk,kh->nh", G, p["W2"]) * (1 - H ** 2)
    return {"W1": np.einsum("nh,ni->hi", D, X), "b1": D.sum(0), "W2": np.einsum("nk,nh->kh", G, H), "b2": G.sum(0)}
'''),
    Alternative("search-vectorised-draws", cell="random_search",
                why="all the exponents drawn at once, lr then weight_decay", code='''
def random_search(run, n_configs, lr_range, wd_range, rng):
    lrs = 10.0 ** rng.uniform(*np.log10(lr_range), size=n_configs)
    wds = 10.0 ** rng.uniform(*np.log10(wd_range), size=n_configs)
    results = [{"lr": float(lr), "weight_decay": float(wd), "val_acc": run(lr, wd)["val_acc"][-1]}
               for lr, wd in zip(lrs, wds)]
    best = results[int(np.argmax([r["val_acc"] for r in results]))]
    return best, results
'''),
    Alternative("search-natural-log", cell="random_search",
                why="exp of a uniform natural log; low * (high / low) ** u", code='''
def random_search(run, n_configs, lr_range, wd_range, rng):
    results = []
    for i in range(n_configs):
        lr = np.exp(rng.uniform(np.log(lr_range[0]), np.log(lr_range[1])))
        wd = wd_range[0] * (wd_range[1] / wd_range[0]) ** rng.random()
        hist = run(lr, wd)
        results.append(dict(lr=lr, weight_decay=wd, val_acc=hist["val_acc"][-1]))
    best = results[0]
    for r in results[1:]:
        if r["val_acc"] > best["val_acc"]:
            best = r
    return best, results
'''),
]

# Wrong answers that the *visible* part of their test cell catches (a student learns before grading):
# tests/test_tp4_visible.py runs them on the release notebook, filled with the solution.
VISIBLE = ["minibatches-global-random", "minibatches-drop-last", "train-velocity-reset-every-epoch",
           "train-unweighted-mean-of-batch-losses", "train-drops-ragged-last-batch", "train-accuracy-after-step",
           "train-np-random-permutation", "train-same-order-every-epoch"]
