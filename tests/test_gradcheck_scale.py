"""tp_utils.gradcheck is scale-aware: TP2's check_mlp_gradients accepts the correct backward
pass on every small random network, and rejects each catalogued backward slip wherever the
slip changes the gradient.

The check runs the notebook's own code (``notebooks/tp2``: ``num_grad``, ``init_params``, the
solutions of ``softmax``, ``cross_entropy``, ``forward``, and the read-only cell that defines
``check_mlp_gradients``), on 300 seeded networks of 1-5 inputs, 1-7 hidden units and 2-5
classes, tanh and ReLU.
"""
from pathlib import Path

import jupytext
import numpy as np
import pytest

from tp_course import catalogue
from tp_utils import gradcheck

ROOT = Path(__file__).resolve().parent.parent
NETWORKS = 300
KEYS = ["y_tilde", "W_y", "b_y", "h", "h_tilde", "W_h", "b_h"]


def _tp2_namespace():
    nb = jupytext.read(str(ROOT / "notebooks" / "tp2" / "tp2_backprop_mlp.py"))
    wanted = {"softmax", "cross_entropy", "forward", "mlp_grad_checks"}
    ns = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and ("def num_grad(" in cell.source or gid in wanted):
            exec(compile(cell.source, f"<tp2 {gid}>", "exec"), ns)
    assert {"num_grad", "init_params", "check_mlp_gradients", "forward"} <= set(ns)
    return ns


@pytest.fixture(scope="module")
def tp2():
    return _tp2_namespace()


@pytest.fixture(scope="module")
def backward_fns(tp2):
    cat = catalogue.load(ROOT, "tp2")
    fns = {}
    for entry in cat.wrong:
        if entry.cell in ("backward", "backward_loops") and f"def {entry.cell}(" in entry.code:
            ns = dict(tp2)
            exec(entry.code, ns)
            fns[entry.name] = ns[entry.cell]
    assert len(fns) >= 15, sorted(fns)
    return fns


def _correct(tp2):
    import importlib.util
    spec = importlib.util.spec_from_file_location("catalogue_tp2_templates", ROOT / "catalogue" / "tp2.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    ns = dict(tp2)
    exec(mod.BACKWARD, ns)
    exec(mod.BACKWARD_LOOPS, ns)
    return ns["backward"], ns["backward_loops"]


def _network(seed):
    rng = np.random.default_rng(seed)
    n_x, n_h, n_y = int(rng.integers(1, 6)), int(rng.integers(1, 8)), int(rng.integers(2, 6))
    return n_x, n_h, n_y, ("tanh", "relu")[seed % 2]


def _rejects(tp2, fn, seed):
    n_x, n_h, n_y, act = _network(seed)
    try:
        tp2["check_mlp_gradients"](fn, n_x, n_h, n_y, act, np.random.default_rng(10_000 + seed))
    except AssertionError:
        return True
    return False


def _gradients(tp2, fn, seed):
    """The gradients ``fn`` returns on network ``seed`` (the parameters check_mlp_gradients draws)."""
    n_x, n_h, n_y, act = _network(seed)
    rng = np.random.default_rng(10_000 + seed)
    params = tp2["init_params"](n_x, n_h, n_y, rng, scale=1.0)
    x, y = rng.normal(size=n_x), int(rng.integers(n_y))
    return fn(x, y, params, tp2["forward"](x, params, act), act)


def test_the_correct_backward_is_never_rejected(tp2, capsys):
    backward, backward_loops = _correct(tp2)
    rejected = [seed for seed in range(NETWORKS) for fn in (backward, backward_loops) if _rejects(tp2, fn, seed)]
    assert rejected == [], f"the correct backward is rejected on networks {rejected[:10]}"


def test_the_plain_relative_error_would_reject_it(tp2):
    """Without the floor (TP1's formula), the same networks give false alarms: the test above is not vacuous."""
    backward, _ = _correct(tp2)
    plain = 0
    for seed in range(NETWORKS):
        n_x, n_h, n_y, act = _network(seed)
        rng = np.random.default_rng(10_000 + seed)
        params = tp2["init_params"](n_x, n_h, n_y, rng, scale=1.0)
        x, y = rng.normal(size=n_x), int(rng.integers(n_y))
        cache = tp2["forward"](x, params, act)
        grads = backward(x, y, params, cache, act)

        def loss_with(name):
            def f(value):
                p = dict(params, **{name: value})
                return tp2["cross_entropy"](tp2["forward"](x, p, act)["y_tilde"], y)
            return f
        numeric = {name: tp2["num_grad"](loss_with(name), params[name].copy()) for name in params}
        worst = max(float(gradcheck.relative_error(grads[k], numeric[k], floor=0).max()) for k in params)
        plain += worst > 1e-5
    assert plain >= 0.03 * NETWORKS, plain


def test_each_catalogued_backward_slip_is_rejected_where_it_changes_the_gradient(tp2, backward_fns):
    """A slip is rejected on every network where it changes some gradient entry by more than
    1e-4 x max(1, max|gradient|); on the others (e.g. a ReLU mask slip when every hidden unit is
    active, or a slip at exactly h_tilde = 0) it computes the right gradient and cannot be caught.
    Most slips change the gradient on 40 % of the networks or more (tanh-only and ReLU-only
    slips: about half; kink-only slips, caught by the kink tests, on none)."""
    backward, _ = _correct(tp2)
    often = []
    right = {seed: _gradients(tp2, backward, seed) for seed in range(NETWORKS)}
    for name, fn in backward_fns.items():
        affected, missed = 0, []
        for seed in range(NETWORKS):
            try:
                got = _gradients(tp2, fn, seed)
                changed = any(np.shape(got[k]) != np.shape(right[seed][k]) or
                              np.abs(np.asarray(got[k]) - right[seed][k]).max()
                              > 1e-4 * max(1.0, float(np.abs(right[seed][k]).max())) for k in KEYS)
            except Exception:
                changed = True      # the slip raises: check_mlp_gradients raises too
            if not changed:
                continue
            affected += 1
            try:
                if not _rejects(tp2, fn, seed):
                    missed.append(seed)
            except Exception:
                pass                # an error is a rejection too
        often += [name] if affected >= 0.4 * NETWORKS else []
        assert missed == [], f"{name}: not rejected on networks {missed[:10]} (of {affected} it changes)"
    assert len(often) >= 15, often
