"""Helpers for the "Neural networks from scratch" notebooks.

Students read this package: it loads data, draws plots and checks answers with
messages a student understands. It never contains a solution to an exercise.

Modules
-------
testing    check an answer: type, then shape, then values, in plain words
hints      the same checks, naming a classic slip when one fits (a factor N or 2, a sign, an axis)
gradcheck  compare an analytic gradient with a numerical one and explain the gap
plots      small matplotlib helpers (``ax=None`` in, ``ax`` out)
data       two-moons, MNIST (offline default), splits, one-hot
live       watch your training loop learn: decision boundary and curves, redrawn each epoch

(``_mnist_files`` is the plumbing behind ``data.load_mnist``: folder, download, IDX, cache.)
"""
from .testing import check_array, check_scalar, check_shape
from .gradcheck import relative_error, check_gradient, gradient_report

__all__ = [
    "check_array", "check_scalar", "check_shape",
    "relative_error", "check_gradient", "gradient_report",
]
