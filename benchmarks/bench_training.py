"""How fast is the course's own training step? (TP4; a benchmark, not a test)

One epoch of mini-batch SGD on MNIST-shaped data (60,000 x 784, float32), network
784-256-10, tanh, softmax + cross-entropy, batch 128, learning rate 0.1, timed for:

- **ours**: the code of ``notebooks/tp4/tp4_training.py`` itself, not a tuned copy:
  the cells ``network`` (given to students) and the instructor's solution cells
  ``accuracy``, ``sgd_step``, ``iterate_minibatches``, ``momentum_step``, ``train``
  are read with jupytext and executed; we time ``train(..., epochs=1)``;
- **PyTorch CPU** (if importable; else "skipped"): ``nn.Linear`` + ``nn.Tanh``,
  ``CrossEntropyLoss``, ``torch.optim.SGD``, the same shuffled batches of tensors;
- **scikit-learn** ``MLPClassifier`` (same network, ``solver="sgd"``, ``max_iter=1``);
- **the sgemm bound**: the five matrix products of a step (forward: X W1^T, H W2^T;
  backward: G^T H, G W2, D^T X) timed alone at their shapes give the GEMM rate;
  bound = 2 * (multiply-adds per epoch) / rate, the time of an epoch that would do
  nothing but its matrix products.

It prints the ratios (targets: >= 1.2x faster than PyTorch, >= 80 % of the bound),
then trains ours and ``MLPClassifier`` on the embedded MNIST subset (real digits)
and prints both test accuracies.

Run: ``python benchmarks/bench_training.py [--threads 1] [--repeats 3]``
(threads: BLAS / PyTorch threads for every contender, set before numpy loads).
"""
import argparse
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "tp4" / "tp4_training.py"
CELLS = ("network", "accuracy", "sgd_step", "iterate_minibatches", "momentum_step", "train")


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=1, help="BLAS/PyTorch threads (default 1)")
    p.add_argument("--repeats", type=int, default=5, help="interleaved rounds (best kept)")
    p.add_argument("--n", type=int, default=60000, help="examples per epoch")
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--no-accuracy", action="store_true", help="skip the MNIST-subset accuracies")
    return p.parse_args()


ARGS = parse() if __name__ == "__main__" else None
if ARGS is not None:  # before numpy is imported: the BLAS reads these once
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402


def course_code(path=NOTEBOOK):
    """Execute the notebook's network and solution cells; return their namespace."""
    import jupytext

    nb = jupytext.read(path, fmt="py:percent")
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in nb.cells
             if c.cell_type == "code"}
    missing = [c for c in CELLS if c not in cells]
    if missing:
        raise SystemExit(f"{path}: no cell with grade_id {missing}")
    ns = {"np": np}
    exec("from tqdm.auto import tqdm, trange", ns)
    for name in CELLS:
        exec(compile(cells[name], f"{path.name}:{name}", "exec"), ns)
    return ns


def best(f, repeats):
    """The shortest of `repeats` timed calls of f()."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def ours_epoch(ns, X, Y, hidden, batch):
    def epoch():
        params = ns["init_params"](X.shape[1], hidden, Y.shape[1], np.random.default_rng(0))
        ns["train"](params, X, Y, epochs=1, batch_size=batch, lr=0.1,
                    rng=np.random.default_rng(1), progress=False)
    return epoch


def torch_epoch(X, y, hidden, batch, threads):
    try:
        import torch
    except ImportError:
        return None, "not importable"
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    n_in, n_out = X.shape[1], int(y.max()) + 1

    def epoch():
        model = torch.nn.Sequential(torch.nn.Linear(n_in, hidden), torch.nn.Tanh(),
                                    torch.nn.Linear(hidden, n_out))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        loss_fn = torch.nn.CrossEntropyLoss()
        order = torch.randperm(len(Xt))
        for start in range(0, len(Xt), batch):
            idx = order[start:start + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return epoch, f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)"


def sklearn_epoch(X, y, hidden, batch):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    def epoch():
        clf = MLPClassifier(hidden_layer_sizes=(hidden,), activation="tanh", solver="sgd",
                            learning_rate_init=0.1, momentum=0.0, alpha=0.0, batch_size=batch,
                            max_iter=1, shuffle=True, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
    return epoch


def sgemm_bound(n, n_in, hidden, n_out, batch, repeats=20):
    """An epoch function that runs the step's five products, and the flop count.

    Calling it returns the seconds per epoch spent in the five products at the
    GEMM rate measured now: 2 * (multiply-adds per epoch) / (flop/s at these shapes).
    """
    rng = np.random.default_rng(0)
    f32 = np.float32
    Xb = rng.random((batch, n_in), dtype=f32)
    W1 = rng.random((hidden, n_in), dtype=f32)
    H = rng.random((batch, hidden), dtype=f32)
    W2 = rng.random((n_out, hidden), dtype=f32)
    G = rng.random((batch, n_out), dtype=f32)
    D = rng.random((batch, hidden), dtype=f32)
    outs = [np.empty(shape, f32) for shape in
            ((batch, hidden), (batch, n_out), (n_out, hidden), (batch, hidden), (hidden, n_in))]
    pairs = [(Xb, W1.T), (H, W2.T), (G.T, H), (G, W2), (D.T, Xb)]  # products only: no allocation
    products = [lambda a=a, b=b, o=o: np.matmul(a, b, out=o) for (a, b), o in zip(pairs, outs)]
    macs = batch * (n_in * hidden + hidden * n_out) + 2 * batch * n_out * hidden + batch * hidden * n_in
    for f in products:
        f()
    n_batches = -(-n // batch)
    flops_epoch = 2 * macs * n_batches

    def bound():
        t_step = sum(best(lambda: [f() for _ in range(repeats)], 3) / repeats for f in products)
        rate = 2 * macs / t_step  # flop/s at these shapes
        return flops_epoch / rate
    return bound, flops_epoch


def peak_rate(size=2048):
    a = np.random.default_rng(0).random((size, size), dtype=np.float32)
    a @ a
    return 2 * size ** 3 / best(lambda: a @ a, 3)


def mnist_accuracies(ns, hidden, batch, epochs=10):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    from tp_utils.data import load_mnist, normalize, one_hot

    m = load_mnist(verbose=False)
    Xtr, Xte = normalize(m.X_train, m.X_test, mode="pixels")
    params = ns["init_params"](784, hidden, 10, np.random.default_rng(0))
    ns["train"](params, Xtr, one_hot(m.y_train, 10), epochs=epochs, batch_size=batch, lr=0.1,
                rng=np.random.default_rng(0), progress=False)
    ours = ns["accuracy"](ns["predict_proba"](params, Xte), m.y_test)
    clf = MLPClassifier(hidden_layer_sizes=(hidden,), activation="tanh", solver="sgd",
                        learning_rate_init=0.1, momentum=0.0, alpha=0.0, batch_size=batch,
                        max_iter=epochs, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(Xtr, m.y_train)
    return m.source, ours, clf.score(Xte, m.y_test)


def main(args):
    sys.path.insert(0, str(ROOT))
    ns = course_code()
    n, n_in, hidden, n_out, batch = args.n, 784, args.hidden, 10, args.batch
    rng = np.random.default_rng(0)
    X = rng.random((n, n_in), dtype=np.float32)          # MNIST-shaped pixels in [0, 1)
    y = rng.integers(0, n_out, n).astype(np.int64)
    Y = np.eye(n_out, dtype=np.float32)[y]
    print(f"one epoch: {n} x {n_in} float32, {n_in}-{hidden}-{n_out} tanh, softmax-CE, SGD, "
          f"batch {batch}; {args.threads} thread(s); best of {args.repeats}")
    print(f"ours = the cells {', '.join(CELLS)} of {NOTEBOOK.relative_to(ROOT)}")

    contenders = {"ours": ours_epoch(ns, X, Y, hidden, batch)}
    torch_fn, torch_info = torch_epoch(X, y, hidden, batch, args.threads)
    if torch_fn is not None:
        contenders["torch"] = torch_fn
    contenders["sklearn"] = sklearn_epoch(X, y, hidden, batch)
    bound_fn, flops = sgemm_bound(n, n_in, hidden, n_out, batch)
    for f in contenders.values():  # warm-up: page faults, BLAS buffers, torch's first call
        f()
    times = {k: [] for k in (*contenders, "bound")}
    for _ in range(args.repeats):  # interleaved rounds: a busy machine slows all alike
        times["bound"].append(bound_fn())
        for k, f in contenders.items():
            t = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - t)
    t_ours, t_sk, t_bound = min(times["ours"]), min(times["sklearn"]), min(times["bound"])
    t_torch = min(times["torch"]) if "torch" in times else None
    rate, peak = flops / t_bound, peak_rate()
    print(f"\n{'':34}{'s/epoch':>9}{'ours is':>14}")
    print(f"{'ours (numpy, the notebook code)':34}{t_ours:>9.3f}")
    if t_torch is None:
        print(f"{'PyTorch CPU':34}{'skipped':>9}  ({torch_info})")
    else:
        print(f"{'PyTorch CPU':34}{t_torch:>9.3f}{t_torch / t_ours:>13.2f}x faster  ({torch_info})")
    print(f"{'scikit-learn MLPClassifier':34}{t_sk:>9.3f}{t_sk / t_ours:>13.2f}x faster")
    print(f"{'sgemm bound (products only)':34}{t_bound:>9.3f}{t_bound / t_ours:>13.2f} of the bound")
    print(f"\nmedians (s/epoch): " + ", ".join(f"{k} {np.median(v):.3f}" for k, v in times.items()))
    print(f"sgemm at the step's shapes: {rate / 1e9:.1f} GFLOP/s "
          f"(2048x2048: {peak / 1e9:.1f} GFLOP/s); {flops / 1e9:.1f} GFLOP per epoch "
          f"(2 x {flops / 2e9:.1f} G multiply-adds)")
    verdict = []
    if t_torch is not None:
        verdict.append(f"vs PyTorch {t_torch / t_ours:.2f}x (target >= 1.2x: "
                       f"{'met' if t_torch / t_ours >= 1.2 else 'NOT met'})")
    verdict.append(f"{t_bound / t_ours:.0%} of the sgemm bound (target >= 80 %: "
                   f"{'met' if t_bound / t_ours >= 0.8 else 'NOT met'})")
    print("; ".join(verdict))

    if not args.no_accuracy:
        source, ours, sk = mnist_accuracies(ns, hidden, batch)
        print(f"\naccuracy on {source}, 10 epochs, same hyper-parameters:")
        print(f"  ours {ours:.1%}   MLPClassifier {sk:.1%}")


if __name__ == "__main__":
    main(ARGS)
