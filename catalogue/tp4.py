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
            P_val = predict_proba(params, X_val)
            history["val_loss"].append(cross_entropy(P_val, Y_val))
            history["val_acc"].append(accuracy(P_val, Y_val.argmax(axis=1)))
        if callback is not None:
            callback(epoch, params, history)
    return history
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
            P_val = predict_proba(params, X_val)
            history["val_loss"].append(cross_entropy(P_val, Y_val))
            history["val_acc"].append(accuracy(P_val, Y_val.argmax(axis=1)))
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
            pv = predict_proba(params, X_val)
            history["val_loss"].append(cross_entropy(pv, Y_val))
            history["val_acc"].append(accuracy(pv, np.argmax(Y_val, axis=1)))
        if callback:
            callback(epoch, params, history)
    return history
'''),
]

# Wrong answers that the *visible* part of their test cell catches (a student learns before grading):
# tests/test_tp4_visible.py runs them on the release notebook, filled with the solution.
VISIBLE = ["minibatches-global-random", "minibatches-drop-last", "train-velocity-reset-every-epoch",
           "train-unweighted-mean-of-batch-losses", "train-drops-ragged-last-batch", "train-accuracy-after-step",
           "train-np-random-permutation", "train-same-order-every-epoch"]
