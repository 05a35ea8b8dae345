"""Grader-only checks that an answer does its exercise, not a shortcut (instructor only, never released).

Two kinds of lazy answers get the right numbers without doing what the exercise asks:

- a library does the exercise (``scipy.special.softmax`` where the exercise is to write a
  softmax): :func:`assert_no_library` reads the code the student's kernel ran (statically:
  imports, attribute chains, aliases, the helpers the answer calls);
- a backward pass (or a gradient) by numerical differentiation of the student's own forward
  pass and loss: :func:`counting_calls` counts the calls of those functions during the
  backward call, and the checks below give the backward pass parameters that the cache does
  not come from (a backward pass reads the cache; one that recomputes the forward pass gets
  other gradients), or points where finite differences are visibly wrong (gradient entries
  of 1e-27, asked to full relative precision; kinks are tested where the notebook defines them).

Hidden tests run in the grader's process (``tp_course.grading.judge``): the student's names
are proxies of their kernel, and these helpers reach the kernel through the running judge.
"""
import collections
import contextlib

import numpy as np

from .cells import BEGIN_HIDDEN
from .grading.judge import current
from .grading.suspicious import LIBRARIES, library_uses

NOT_THE_ANSWER = "numerical differentiation is the check, not the answer (see the notebook)"


def student_sources():
    """The code cells the student's kernel ran, in the order last run.

    During grading, what the judge recorded; in a plain notebook (an instructor running the
    source), IPython's input history without the test cells.
    """
    judge = current()
    if judge is not None:
        return list(judge.sources.values())
    try:
        from IPython import get_ipython
        history = get_ipython().user_ns.get("In", [])
    except Exception:
        return []
    return [cell for cell in history if BEGIN_HIDDEN not in cell]


def read_answer(reader, name, *args):
    """``reader(sources, name, *args, follow=...)`` on the code the kernel ran: a static reading
    of the answer ``name`` and of the helpers it calls, stopping at the other graded answers
    (their own tests charge them: one slip, one charge)."""
    judge = current()
    graded = set(judge.student_names) if judge is not None else set()
    return reader(student_sources(), name, *args, follow=lambda helper: helper not in graded)


def assert_no_library(name, libraries=LIBRARIES):
    """Fail if the answer ``name`` (or a helper it calls) uses one of ``libraries``.

    Another graded answer it calls is not read: its own test charges it (one slip, one charge).

    Raises
    ------
    AssertionError
        "softmax: calls scipy.special.softmax; the exercise is to write it with numpy ..."
    """
    found = read_answer(library_uses, name, libraries)
    if found:
        raise AssertionError(f"{name}: calls {', '.join(found)}; the exercise is to write it with numpy "
                             "(see the notebook): no scipy, scikit-learn, PyTorch, JAX or autograd in an answer.")


def _counter(name, fn, calls):
    def counted(*args, **kwargs):
        calls[name] += 1
        return fn(*args, **kwargs)
    counted.__name__ = name
    return counted


@contextlib.contextmanager
def counting_calls(*names):
    """Count the calls the student's code makes to its functions ``names`` within the block.

    Each name the kernel defines is bound, for the block, to a function of the grader that
    counts and calls what the name meant (the student's function, or the substitute a test put
    there); names the kernel does not define are skipped.

    Yields
    ------
    collections.Counter
        name -> number of calls so far.
    """
    calls = collections.Counter()
    judge = current()
    if judge is None:           # a plain notebook: the kernel's namespace is ours
        from IPython import get_ipython
        ns = get_ipython().user_ns
        originals = {n: ns[n] for n in names if callable(ns.get(n))}
        ns.update({n: _counter(n, fn, calls) for n, fn in originals.items()})
        try:
            yield calls
        finally:
            ns.update(originals)
        return
    judge.ns.sync()             # a test's own substitutions first: we count through them
    originals = {}
    for name in names:
        if dict.__contains__(judge.ns, name):
            originals[name] = dict.__getitem__(judge.ns, name)
        else:
            try:
                originals[name] = judge.lookup(name)
            except NameError:
                continue
        judge.setname(name, _counter(name, originals[name], calls))
    try:
        yield calls
    finally:
        for name, fn in originals.items():
            judge.setname(name, fn)


BACKWARD_PASS = "a backward pass computes each gradient with its formula from the cache (and the chain rule)"


def check_calls(what, calls, limits, why=BACKWARD_PASS):
    """Fail if a function was called more often than its limit during ``what``.

    ``limits`` maps a function name to the most calls allowed; ``why`` says what the answer does instead.
    """
    for name, limit in limits.items():
        if calls[name] > limit:
            allowed = "no call" if limit == 0 else f"at most {limit} call" + ("s" if limit > 1 else "")
            raise AssertionError(
                f"{what} called your {name} {calls[name]} times ({allowed} allowed): {why}; {NOT_THE_ANSWER}.")


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value.copy() if isinstance(value, np.ndarray) else value


def _same(what, got, expected, changed):
    """Fail if ``got`` differs from ``expected`` (the gradients before the parameters changed)."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        diff = np.abs(got - expected).max() if got.shape == expected.shape else float("nan")
        raise AssertionError(
            f"{what} changed (by up to {diff:.3g}) when {changed} changed but the cache did not: a backward "
            f"pass reads the forward pass's values from the cache, it does not recompute them; {NOT_THE_ANSWER}.")


# ---------------------------------------------------------------- TP2
def tp2_check_uses_cache(backward_fn, rng, name, sizes=((3, 4, 3), (2, 5, 4)), activations=("tanh", "relu")):
    """Hidden test of TP2's backward passes: the gradients come from the cache, not from the forward pass.

    ``backward_fn(x, y, params, cache, activation)`` is called twice per network, with the cache
    of ``params`` and then with parameters whose ``W_h``, ``b_h``, ``b_y`` are other values (a
    backward pass never reads them: it only needs ``W_y``); the gradients must not change. During
    the calls, the student's ``forward`` may not be called, ``cross_entropy`` at most once per
    call, the notebook's ``num_grad`` not at all.
    """
    from .reference import tp2_forward, tp2_random_params
    for n_x, n_h, n_y in sizes:
        for act in activations:
            params = tp2_random_params(rng, n_x, n_h, n_y)
            x, y = rng.normal(size=n_x), int(rng.integers(n_y))
            cache = tp2_forward(x, params, act)
            other = dict(params, W_h=rng.normal(size=(n_h, n_x)), b_h=rng.normal(size=n_h),
                         b_y=rng.normal(size=n_y) + 1.0)
            with counting_calls("forward", "cross_entropy", "num_grad") as calls:
                grads = backward_fn(x.copy(), y, _copy(params), _copy(cache), act)
                check_calls(f"{name}(...) ({act})", calls, {"forward": 0, "cross_entropy": 1, "num_grad": 0})
                calls.clear()
                moved = backward_fn(x.copy(), y, _copy(other), _copy(cache), act)
                check_calls(f"{name}(...) ({act})", calls, {"forward": 0, "cross_entropy": 1, "num_grad": 0})
            if not (isinstance(grads, dict) and isinstance(moved, dict)):
                continue        # the other tests say what a backward pass returns
            for key in [k for k in grads if k in moved]:
                _same(f"{name}(...)['{key}'] ({act})", moved[key], grads[key],
                      "params['W_h'], params['b_h'] and params['b_y']")


def tp2_check_grad_logits_formula(grad_logits_fn, name="grad_logits"):
    """Hidden test of TP2's ``grad_logits``: the formula, to full relative precision.

    Logits spread over ~60 give probabilities down to 1e-27; ``softmax(z) - onehot(y)`` gets
    each of them to ~7 digits even in float32, a central difference (absolute error ~1e-10)
    gets none. The student's ``cross_entropy`` may be called at most once, ``num_grad`` never.
    """
    from scipy.special import softmax
    from tp_utils.testing import check_array
    for z, y in [(np.array([4.0, -26.0, -56.0, 0.0]), 3), (np.array([-30.0, 0.0, -60.0, -45.0, 10.0]), 1)]:
        with counting_calls("cross_entropy", "num_grad") as calls:
            g = grad_logits_fn(z.copy(), y)
        check_calls(f"{name}(z, {y})", calls, {"cross_entropy": 1, "num_grad": 0},
                    why="the gradient on the logits is the formula softmax(z) - onehot(y)")
        expected = softmax(z) - np.eye(len(z))[y]
        try:
            check_array(f"{name}(z, y={y}) for z = {z.tolist()} (entries down to {np.abs(expected).min():.1e})",
                        g, expected, rtol=1e-5, atol=1e-300)
        except AssertionError as err:
            raise AssertionError(f"{err}\nEvery entry y_hat_k - y_k is asked to ~5 significant digits, even "
                                 "where y_hat_k is 1e-27: the formula softmax(z) - onehot(y) gets them; a "
                                 f"finite difference has an absolute error of ~1e-10 and does not; {NOT_THE_ANSWER}.") from None


# ---------------------------------------------------------------- TP3
def tp3_check_batch_uses_cache(backward_fn, rng, name="backward_batch"):
    """Hidden test of TP3's ``backward_batch(X, Y, params, cache)``: gradients from the cache.

    Called with the cache of ``params``, then with parameters whose ``W_h``, ``b_h``, ``b_y`` are
    other values (the backward pass only needs ``W_y``): the gradients must not change; the
    student's forward passes are not called, a loss at most once.
    """
    from .reference import tp3_forward, tp3_random_params
    for N, n_x, n_h, n_y in [(4, 3, 4, 3), (6, 2, 5, 4)]:
        params = tp3_random_params(rng, n_x, n_h, n_y)
        X = rng.normal(size=(N, n_x))
        Y = np.eye(n_y)[rng.integers(0, n_y, N)]
        cache = tp3_forward(X, params)
        other = dict(params, W_h=rng.normal(size=(n_h, n_x)), b_h=rng.normal(size=n_h),
                     b_y=rng.normal(size=n_y) + 1.0)
        limits = {"forward_batch": 0, "forward_loop": 0, "cross_entropy": 1, "softmax_cross_entropy": 1}
        with counting_calls(*limits) as calls:
            grads = backward_fn(X.copy(), Y.copy(), _copy(params), _copy(cache))
            check_calls(f"{name}(...)", calls, limits)
            calls.clear()
            moved = backward_fn(X.copy(), Y.copy(), _copy(other), _copy(cache))
            check_calls(f"{name}(...)", calls, limits)
        if isinstance(grads, dict) and isinstance(moved, dict):
            for key in [k for k in grads if k in moved]:
                _same(f"{name}(...)['{key}']", moved[key], grads[key], "params['W_h'], params['b_h'] and params['b_y']")


def tp3_check_network_uses_caches(backward_fn, rng, name="network_backward"):
    """Hidden test of TP3's ``network_backward(dOut, layers, caches)``: gradients from the caches.

    Called with the caches of ``layers``, then with layers whose biases and first weight matrix
    are other values (a backward pass reads ``A_prev``, ``Z``, ``A`` from the caches and needs
    only the W of the layers above the first): the gradients must not change; the student's
    forward passes are not called.
    """
    from .reference import tp3_network_forward, tp3_random_network
    for depth in (2, 3):
        layers = tp3_random_network(rng, depth=depth, widths=(2, 4), activations=["tanh", "sigmoid", "relu"])
        N = int(rng.integers(2, 5))
        X = rng.normal(size=(N, layers[0]["W"].shape[1]))
        G = rng.normal(size=(N, layers[-1]["W"].shape[0]))
        _, caches = tp3_network_forward(X, layers)
        other = [dict(layer, b=rng.normal(size=layer["b"].shape) + 1.0) for layer in layers]
        other[0]["W"] = rng.normal(size=layers[0]["W"].shape)
        limits = {"network_forward": 0, "forward_batch": 0, "forward_loop": 0}
        with counting_calls(*limits) as calls:
            grads = backward_fn(G.copy(), _copy(layers), _copy(caches))
            check_calls(f"{name}(...)", calls, limits)
            moved = backward_fn(G.copy(), _copy(other), _copy(caches))
            check_calls(f"{name}(...)", calls, limits)
        if not (isinstance(grads, list) and isinstance(moved, list) and len(grads) == len(moved) == depth):
            continue
        for i, (g, m) in enumerate(zip(grads, moved)):
            for key in ("W", "b"):
                if isinstance(g, dict) and isinstance(m, dict) and key in g and key in m:
                    _same(f"{name}(...)[{i}]['{key}']", m[key], g[key], "every layer's b and the first layer's W")

