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
- **the GEMM bound**: the five matrix products of a step (forward: X W1^T, H W2^T;
  backward: G^T H, G W2, D^T X), each timed alone at its shape in **every layout numpy
  allows** (C or F order of each operand and of the output, i.e. transposed views, written
  with ``out=``, and the transposed product C^T = B^T A^T instead of C = A B); the bound is
  the sum of the best times, times the batches per epoch: an epoch that would do nothing
  but its products, each in its fastest layout. The same products in the layouts the
  notebook's code actually uses are timed too: ours minus them is the step's non-GEMM part.

The BLAS threads are fixed with threadpoolctl (and torch.set_num_threads /
set_num_interop_threads for PyTorch), not with environment variables: by default the whole
comparison runs at 1 thread, then at 2, and prints both. Then it trains ours and
``MLPClassifier`` on the embedded MNIST subset (real digits) and prints both test accuracies.

Run: ``python benchmarks/bench_training.py [--threads 1 [2 ...]] [--repeats 5] [--no-accuracy]``
(``main(argv)`` returns the figures, for a caller such as ``benchmarks/run.py``).
"""
import argparse
import itertools
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "tp4" / "tp4_training.py"
CELLS = ("network", "accuracy", "sgd_step", "iterate_minibatches", "momentum_step", "train")
TARGET_TORCH, TARGET_BOUND = 1.5, 0.85   # ours >= 1.5x faster than PyTorch, >= 85 % of the bound


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                   help="BLAS/PyTorch thread counts, one comparison each (default: 1 2)")
    p.add_argument("--repeats", type=int, default=5, help="interleaved rounds (best kept)")
    p.add_argument("--n", type=int, default=60000, help="examples per epoch")
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--no-accuracy", action="store_true", help="skip the MNIST-subset accuracies")
    return p.parse_args(argv)


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


_TORCH_INTEROP = []


def torch_epoch(X, y, hidden, batch, threads):
    try:
        import torch
    except ImportError:
        return None, "not importable"
    torch.set_num_threads(threads)
    if not _TORCH_INTEROP:   # settable once per process, before any inter-op work
        torch.set_num_interop_threads(threads)
        _TORCH_INTEROP.append(threads)
    torch.manual_seed(0)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    n_in, n_out = X.shape[1], int(y.max()) + 1

    def epoch():
        torch.set_num_threads(threads)
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
    return epoch, (f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
                   f"{torch.get_num_interop_threads()} inter-op")


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


# --------------------------------------------------------------------------- the GEMM bound
def step_products(n_in, hidden, n_out, batch):
    """The five products of a step: (name, m, k, n) for C (m, n) = A (m, k) @ B (k, n)."""
    return [("X @ W1.T", batch, n_in, hidden), ("H @ W2.T", batch, hidden, n_out),
            ("G.T @ H", n_out, batch, hidden), ("G @ W2", batch, n_out, hidden),
            ("D.T @ X", hidden, batch, n_in)]


def _array(rng, shape, order):
    return np.asarray(rng.random(shape, dtype=np.float32), order=order)


def layout_candidates(m, k, n, rng):
    """Every way numpy can compute C (m, n) = A (m, k) @ B (k, n): {label: call}.

    C or F order for A, B and C (an F array is a transposed view of a C one), each product
    written with out=, either as C = A @ B or as the transposed product C^T = B^T @ A^T.
    """
    calls = {}
    for oa, ob, oc in itertools.product("CF", repeat=3):
        A, B = _array(rng, (m, k), oa), _array(rng, (k, n), ob)
        C = np.empty((m, n), np.float32, order=oc)
        calls[f"A {oa}, B {ob}, out {oc}"] = lambda A=A, B=B, C=C: np.matmul(A, B, out=C)
        calls[f"A {oa}, B {ob}, out {oc}, as (B^T A^T)^T"] = \
            lambda A=A, B=B, C=C: np.matmul(B.T, A.T, out=C.T)
    return calls


def notebook_layouts(ns, n_in, hidden, n_out, batch):
    """The orders (A, B, out) of the five products as the notebook's code makes them."""
    rng = np.random.default_rng(0)
    X = rng.random((2 * batch, n_in), dtype=np.float32)
    Y = np.eye(n_out, dtype=np.float32)[rng.integers(0, n_out, 2 * batch)]
    params = ns["init_params"](n_in, hidden, n_out, rng)
    Xb, Yb = next(ns["iterate_minibatches"](X, Y, batch, rng))
    S, H = ns["forward_scores"](params, Xb)
    G = S - Yb                                # G and D are made by elementwise ops on S, H
    D = np.empty_like(H)
    W1, W2 = params["W1"], params["W2"]

    def order(a):
        return "C" if a.flags.c_contiguous else "F" if a.flags.f_contiguous else "strided"
    return [(order(Xb), order(W1.T), order(H)), (order(H), order(W2.T), order(S)),
            (order(G.T), order(H), order(np.empty_like(W2))), (order(G), order(W2), order(D)),
            (order(D.T), order(Xb), order(np.empty_like(W1)))]


class GemmBound:
    """The step's products, each in its fastest layout (picked once), and in the notebook's."""

    def __init__(self, ns, n, n_in, hidden, n_out, batch):
        rng = np.random.default_rng(0)
        self.products = step_products(n_in, hidden, n_out, batch)
        self.n_batches = -(-n // batch)
        self.flops_step = [2 * m * k * p for _, m, k, p in self.products]
        self.candidates = [layout_candidates(m, k, p, rng) for _, m, k, p in self.products]
        self.nb_labels = [f"A {a}, B {b}, out {c}" for a, b, c in
                          notebook_layouts(ns, n_in, hidden, n_out, batch)]
        self.chosen = None

    @staticmethod
    def _time(call, flops):
        reps = max(3, int(5e7 / flops))       # about 10 ms of work per timing
        call()
        return best(lambda: [call() for _ in range(reps)], 3) / reps

    def choose(self):
        """Time every layout of every product (interleaved, best of 3 rounds); keep the fastest."""
        times = [dict.fromkeys(c, np.inf) for c in self.candidates]
        for _ in range(3):
            for cands, t, flops in zip(self.candidates, times, self.flops_step):
                for label, call in cands.items():
                    t[label] = min(t[label], self._time(call, flops))
        self.chosen = [min(t, key=t.get) for t in times]
        self.all_times = times

    def round(self):
        """One timing of the chosen and of the notebook's layouts: seconds per step of each."""
        best_t = [self._time(c[label], f) for c, label, f in
                  zip(self.candidates, self.chosen, self.flops_step)]
        nb_t = [self._time(c[label], f) if label in c else np.nan for c, label, f in
                zip(self.candidates, self.nb_labels, self.flops_step)]
        return best_t, nb_t


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


# --------------------------------------------------------------------------- one comparison
def compare(ns, X, y, Y, args, threads):
    """Every contender and the bound at `threads` BLAS/PyTorch threads; prints, returns figures."""
    n, n_in = X.shape
    hidden, n_out, batch = args.hidden, Y.shape[1], args.batch
    with threadpool_limits(limits=threads, user_api="blas"):
        contenders = {"ours": ours_epoch(ns, X, Y, hidden, batch)}
        torch_fn, torch_info = torch_epoch(X, y, hidden, batch, threads)
        if torch_fn is not None:
            contenders["torch"] = torch_fn
        contenders["sklearn"] = sklearn_epoch(X, y, hidden, batch)
        gemm = GemmBound(ns, n, n_in, hidden, n_out, batch)
        gemm.choose()
        for f in contenders.values():  # warm-up: page faults, BLAS buffers, torch's first call
            f()
        times = {k: [] for k in contenders}
        best_steps, nb_steps = [], []
        for _ in range(args.repeats):  # interleaved rounds: a busy machine slows all alike
            b, nb = gemm.round()
            best_steps.append(b)
            nb_steps.append(nb)
            for k, f in contenders.items():
                t = time.perf_counter()
                f()
                times[k].append(time.perf_counter() - t)
        peak = peak_rate()
    per_best = np.min(best_steps, axis=0) * gemm.n_batches     # s/epoch of each product
    per_nb = np.min(nb_steps, axis=0) * gemm.n_batches
    t_bound, t_nb_gemm = per_best.sum(), per_nb.sum()
    t = {k: min(v) for k, v in times.items()}
    t_ours = t["ours"]

    print(f"\n=== {threads} thread(s) (threadpoolctl: BLAS limited to {threads}) ===")
    print(f"{'':36}{'s/epoch':>9}{'ours is':>14}")
    print(f"{'ours (numpy, the notebook code)':36}{t_ours:>9.3f}")
    if "torch" in t:
        print(f"{'PyTorch CPU':36}{t['torch']:>9.3f}{t['torch'] / t_ours:>13.2f}x faster  ({torch_info})")
    else:
        print(f"{'PyTorch CPU':36}{'skipped':>9}  ({torch_info})")
    print(f"{'scikit-learn MLPClassifier':36}{t['sklearn']:>9.3f}{t['sklearn'] / t_ours:>13.2f}x faster")
    print(f"{'GEMM bound (best layouts)':36}{t_bound:>9.3f}{t_bound / t_ours:>13.0%} of the bound")
    print(f"{'  its products in its layouts':36}{t_nb_gemm:>9.3f}{t_bound / t_nb_gemm:>13.0%} of the "
          f"best layouts' speed")
    print(f"{'  the step outside its GEMMs':36}{t_ours - t_nb_gemm:>9.3f}{(t_ours - t_nb_gemm) / t_ours:>13.0%}"
          f" of ours (gather, tanh, softmax-CE, updates, accuracy)")
    print(f"products ({gemm.n_batches} batches per epoch; C = A @ B, A (m, k), B (k, n); best layout"
          f" | notebook's layout):")
    for (name, m, k, p), flops, label, tb, nbl, tn in zip(gemm.products, gemm.flops_step, gemm.chosen,
                                                          per_best, gemm.nb_labels, per_nb):
        rate_b, rate_n = flops * gemm.n_batches / tb / 1e9, flops * gemm.n_batches / tn / 1e9
        print(f"  {name:9} ({m:3}, {k:3}) @ ({k:3}, {p:3})  {label:32}{rate_b:6.0f} GFLOP/s {tb:6.3f} s"
              f" | {nbl:16}{rate_n:6.0f} GFLOP/s {tn:6.3f} s")
    flops_epoch = sum(gemm.flops_step) * gemm.n_batches
    print(f"{flops_epoch / 1e9:.1f} GFLOP per epoch; sgemm 2048 x 2048: {peak / 1e9:.0f} GFLOP/s; "
          f"medians (s/epoch): " + ", ".join(f"{k} {np.median(v):.3f}" for k, v in times.items()))
    return {"threads": threads, "ours": t_ours, "torch": t.get("torch"), "sklearn": t["sklearn"],
            "bound": t_bound, "notebook_gemm": t_nb_gemm,
            "products": [(name, label, float(tb)) for (name, *_), label, tb in
                         zip(gemm.products, gemm.chosen, per_best)]}


def verdicts(results):
    """One line per thread count: the ratios and whether each target is met."""
    lines = []
    for r in results:
        parts = []
        if r["torch"] is not None:
            ratio = r["torch"] / r["ours"]
            parts.append(f"vs PyTorch {ratio:.2f}x (target >= {TARGET_TORCH}x: "
                         f"{'met' if ratio >= TARGET_TORCH else 'NOT met'})")
        else:
            parts.append("vs PyTorch: skipped (not importable)")
        frac = r["bound"] / r["ours"]
        parts.append(f"{frac:.0%} of the GEMM bound (target >= {TARGET_BOUND:.0%}: "
                     f"{'met' if frac >= TARGET_BOUND else 'NOT met'})")
        lines.append(f"{r['threads']} thread(s): " + "; ".join(parts))
    return lines


def main(argv=None):
    """Run the comparisons (and the accuracies); print them; return the list of figures."""
    args = parse(argv)
    sys.path.insert(0, str(ROOT))
    ns = course_code()
    n, n_in, n_out = args.n, 784, 10
    rng = np.random.default_rng(0)
    X = rng.random((n, n_in), dtype=np.float32)          # MNIST-shaped pixels in [0, 1)
    y = rng.integers(0, n_out, n).astype(np.int64)
    Y = np.eye(n_out, dtype=np.float32)[y]
    print(f"one epoch: {n} x {n_in} float32, {n_in}-{args.hidden}-{n_out} tanh, softmax-CE, SGD, "
          f"batch {args.batch}; best of {args.repeats} interleaved rounds")
    print(f"ours = the cells {', '.join(CELLS)} of {NOTEBOOK.relative_to(ROOT)}")
    results = [compare(ns, X, y, Y, args, threads) for threads in args.threads]
    print()
    for line in verdicts(results):
        print(line)
    if not args.no_accuracy:
        source, ours, sk = mnist_accuracies(ns, args.hidden, args.batch)
        print(f"\naccuracy on {source}, 10 epochs, same hyper-parameters:")
        print(f"  ours {ours:.1%}   MLPClassifier {sk:.1%}")
    return results


if __name__ == "__main__":
    main()
