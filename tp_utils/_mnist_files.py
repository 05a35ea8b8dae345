"""The files behind ``tp_utils.data.load_mnist``: the data folder, the download, the IDX format, the cache.

You never need to call this module: ``load_mnist()`` does. In the data folder
(``$TP_DATA_DIR`` if set, else a per-user cache folder, ``pooch.os_cache("nn-from-scratch")``,
e.g. ``~/.cache/nn-from-scratch``) it looks, in this order, for:

1. a cached array file ``mnist.npz`` (keys ``x_train, y_train, x_test, y_test``, as Keras writes it),
2. the four standard MNIST files (IDX format, ``.gz`` or not), e.g. ``train-images-idx3-ubyte.gz``;
   read once, they are cached as ``mnist.npz``.

With ``download=True`` (or ``TP_DOWNLOAD=1``) it first downloads the four standard files there,
each checked against its known MD5 hash.
"""
import gzip
import os
from pathlib import Path

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


def _flat(X_train, y_train, X_test, y_test):
    """Images as flat uint8 rows (N, 784), labels as int64 (N,)."""
    return (X_train.reshape(len(X_train), -1).astype(np.uint8), y_train.astype(np.int64),
            X_test.reshape(len(X_test), -1).astype(np.uint8), y_test.astype(np.int64))


def _find(folder, name):
    for candidate in (folder / name, folder / name[:-3]):  # with or without .gz
        if candidate.exists():
            return candidate
    return None


def _from_idx(folder):
    """The four standard files of folder as (X_train, y_train, X_test, y_test); None if one is missing."""
    paths = [_find(folder, name) for name in MNIST_FILES]
    if any(p is None for p in paths):
        return None
    return _flat(*(read_idx(p) for p in paths))


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


def find_mnist(folder, download=None, verbose=True):
    """The full MNIST from folder (the cache, else the standard files, downloaded if asked).

    Parameters
    ----------
    folder : Path
        The data folder (see :func:`data_dir`).
    download : bool, optional
        Download the standard files if they are not there; default: ``$TP_DOWNLOAD`` is 1.
    verbose : bool
        Say so if the download fails.

    Returns
    -------
    ((X_train, y_train, X_test, y_test), source) or (None, None) if MNIST is not there
        X_* : uint8 arrays of shape (N, 784); y_* : int64 arrays of shape (N,);
        source : str, which files were read.
    """
    if download is None:
        download = os.environ.get("TP_DOWNLOAD", "0").lower() in ("1", "true", "yes")
    cache = folder / CACHE_NAME
    if cache.exists():
        with np.load(cache) as f:
            arrays = _flat(*(f[k] for k in ("x_train", "y_train", "x_test", "y_test")))
        return arrays, f"MNIST from the cached array file {cache}"
    arrays = _from_idx(folder)
    if arrays is None and download:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            _download(folder)
            arrays = _from_idx(folder)
        except Exception as err:  # offline, or a mirror is down
            if verbose:
                print(f"MNIST download failed ({err}); using the embedded subset.")
    if arrays is None:
        return None, None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cache, x_train=arrays[0], y_train=arrays[1], x_test=arrays[2], y_test=arrays[3])
    except OSError:
        pass  # a read-only folder: no cache, still fine
    return arrays, f"MNIST from the standard IDX files in {folder}"
