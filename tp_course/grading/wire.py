"""The plain-data wire between the grader (the judge) and a student's kernel (the agent).

Only plain data crosses: ``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``,
``bytes``, lists, tuples, dicts with str/int keys, exact ``numpy.ndarray`` of a numeric or
boolean dtype, numpy scalars of those dtypes, and ``numpy.random.Generator`` states. Anything
else is sent as an opaque *handle* (an id in the sender's table), never pickled.

A message is one frame: an 8-byte length, a JSON header, then the raw bytes of every array
(each with its own 8-byte length). :func:`decode` builds exact ``ndarray`` objects from an
allow-list of dtypes, so whatever a student's kernel sends, the judge gets plain numpy data.

This file is used on both sides: the judge imports it, and the agent (which runs inside the
jail, where ``tp_course`` is not importable) loads it by path.
"""
import json
import math
import struct

import numpy as np

MAX_FRAME = 512 * 1024 * 1024      # bytes in one message (MNIST-sized arrays fit)
MAX_DEPTH = 64                     # nesting of lists/dicts
MAX_STR = 1_000_000                # characters of one string
DTYPES = {"|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8",
          "<f2", "<f4", "<f8", "<c8", "<c16"}
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


class WireError(Exception):
    """A message that is not plain data, too big, or malformed."""


class Handle:
    """An object that stays on the other side, known here by its id."""

    def __init__(self, hid, kind="object", text=""):
        self.hid, self.kind, self.text = int(hid), str(kind)[:20], str(text)[:200]


def _dtype_str(dtype):
    s = np.dtype(dtype).newbyteorder("<").str if np.dtype(dtype).byteorder == ">" else np.dtype(dtype).str
    return s.replace("=", "<")


def encode(value, buffers, handle_of, memo=None, depth=0):
    """Value -> JSON-able structure; arrays appended to ``buffers``.

    ``handle_of(obj)`` returns a :class:`Handle` for what is not plain data (or raises).
    """
    memo = {} if memo is None else memo
    if depth > MAX_DEPTH:
        raise WireError("data nested too deeply")
    if value is None or type(value) in (bool, str):
        if type(value) is str and len(value) > MAX_STR:
            raise WireError("string too long")
        return value
    if type(value) is int:
        return value if abs(value) < 2 ** 63 else {"$bigint": str(value)}
    if type(value) is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if type(value) is complex:
        return {"$complex": [repr(value.real), repr(value.imag)]}
    if type(value) is bytes:
        buffers.append(value)
        return {"$bytes": len(buffers) - 1}
    if type(value) is np.ndarray or isinstance(value, np.generic):
        if id(value) in memo:
            return {"$ref": memo[id(value)]}
        scalar = isinstance(value, np.generic)
        arr = np.asarray(value)
        if type(arr) is not np.ndarray:
            raise WireError("not a plain ndarray")
        dt = _dtype_str(arr.dtype)
        if dt not in DTYPES:
            if scalar or arr.dtype.kind in "OUSV":
                return {"$handle": handle_of(value).hid, "kind": "object", "text": _short_repr(value)}
            raise WireError(f"dtype {arr.dtype} cannot be sent")
        arr = np.asarray(arr, dtype=np.dtype(dt), order="C")
        buffers.append(arr.tobytes())
        out = {"$array": len(buffers) - 1, "dtype": dt, "shape": list(arr.shape)}
        if scalar:
            out["scalar"] = True
        else:
            memo[id(value)] = len(memo)
            out["id"] = memo[id(value)]
        return out
    if type(value) in (list, tuple):
        items = [encode(v, buffers, handle_of, memo, depth + 1) for v in value]
        return items if type(value) is list else {"$tuple": items}
    if type(value) is dict and all(type(k) in (str, int) for k in value):
        return {"$dict": [[k, encode(v, buffers, handle_of, memo, depth + 1)] for k, v in value.items()]}
    if type(value) is np.random.Generator and type(value.bit_generator).__name__ in BIT_GENERATORS:
        rid = getattr(handle_of, "rng_id", lambda g: 0)(value)
        return {"$rng": _plain_state(value.bit_generator.state), "rid": rid}
    h = handle_of(value)
    return {"$handle": h.hid, "kind": h.kind, "text": h.text}


def _short_repr(value):
    try:
        return object.__repr__(value)[:200]
    except Exception:
        return "<object>"


def _plain_state(state):
    """A bit generator's state as JSON-able plain data."""
    if isinstance(state, dict):
        return {"$dict": [[k, _plain_state(v)] for k, v in state.items()]}
    if isinstance(state, np.ndarray):
        return {"$ints": [int(v) for v in state.ravel()], "dtype": _dtype_str(state.dtype)}
    if isinstance(state, (int, np.integer)):
        return {"$bigint": str(int(state))}
    if isinstance(state, (str, float)):
        return state
    raise WireError("unexpected generator state")


def _state_back(obj):
    if isinstance(obj, dict) and "$dict" in obj:
        return {str(k): _state_back(v) for k, v in obj["$dict"]}
    if isinstance(obj, dict) and "$ints" in obj:
        if obj.get("dtype") not in DTYPES:
            raise WireError("bad generator state")
        return np.array([int(v) for v in obj["$ints"]], dtype=np.dtype(obj["dtype"]))
    if isinstance(obj, dict) and "$bigint" in obj:
        return int(obj["$bigint"])
    if type(obj) in (str, float, int):
        return obj
    raise WireError("bad generator state")


def make_generator(state):
    """A ``numpy.random.Generator`` in ``state`` (from :func:`_plain_state`)."""
    plain = _state_back(state)
    name = plain.get("bit_generator") if isinstance(plain, dict) else None
    if name not in BIT_GENERATORS:
        raise WireError("unknown bit generator")
    bg = getattr(np.random, name)()
    bg.state = plain
    return np.random.Generator(bg)


def decode(obj, buffers, resolve, depth=0, memo=None):
    """JSON structure -> value; ``resolve(hid, kind, text)`` maps a handle to an object."""
    memo = {} if memo is None else memo
    if depth > MAX_DEPTH:
        raise WireError("data nested too deeply")
    if obj is None or type(obj) in (bool, int, float):
        return obj
    if type(obj) is str:
        if len(obj) > MAX_STR:
            raise WireError("string too long")
        return obj
    if type(obj) is list:
        return [decode(v, buffers, resolve, depth + 1, memo) for v in obj]
    if type(obj) is not dict or len(obj) == 0:
        raise WireError("malformed message")
    if "$array" in obj:
        dt, shape = obj.get("dtype"), obj.get("shape")
        if dt not in DTYPES or type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
            raise WireError("bad array")
        buf = _buffer(buffers, obj["$array"])
        dtype = np.dtype(dt)
        if len(buf) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise WireError("array size does not match its shape")
        arr = np.frombuffer(buf, dtype=dtype).reshape(shape).copy()
        if obj.get("scalar"):
            return arr[()]
        if type(obj.get("id")) is int:
            memo[obj["id"]] = arr
        return arr
    if "$ref" in obj:
        if obj["$ref"] not in memo:
            raise WireError("bad reference")
        return memo[obj["$ref"]]
    if "$tuple" in obj:
        return tuple(decode(v, buffers, resolve, depth + 1, memo) for v in _list(obj["$tuple"]))
    if "$dict" in obj:
        out = {}
        for pair in _list(obj["$dict"]):
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) not in (str, int):
                raise WireError("bad dict")
            out[pair[0]] = decode(pair[1], buffers, resolve, depth + 1, memo)
        return out
    if "$float" in obj:
        text = obj["$float"]
        if text not in ("nan", "inf", "-inf"):
            raise WireError("bad float")
        return float(text)
    if "$bigint" in obj:
        return int(str(obj["$bigint"])[:5000])
    if "$complex" in obj:
        re_, im = _list(obj["$complex"])
        return complex(float(re_), float(im))
    if "$bytes" in obj:
        return bytes(_buffer(buffers, obj["$bytes"]))
    if "$rng" in obj:
        rid = obj.get("rid", 0)
        shared = getattr(resolve, "rng_of", None)
        return shared(rid if type(rid) is int else 0, obj["$rng"]) if shared else make_generator(obj["$rng"])
    if "$handle" in obj:
        if type(obj["$handle"]) is not int:
            raise WireError("bad handle")
        return resolve(obj["$handle"], str(obj.get("kind", "object"))[:20], str(obj.get("text", ""))[:200])
    raise WireError("malformed message")


def _list(v):
    if type(v) is not list:
        raise WireError("malformed message")
    return v


def _buffer(buffers, i):
    if type(i) is not int or not 0 <= i < len(buffers):
        raise WireError("bad buffer index")
    return buffers[i]


# ------------------------------------------------------------------------- frames
def send(sock, header, buffers=()):
    """Send one frame: the JSON ``header`` and the raw ``buffers``."""
    head = json.dumps(header, allow_nan=False).encode()
    parts = [struct.pack("<Q", len(head)), head, struct.pack("<Q", len(buffers))]
    for b in buffers:
        parts += [struct.pack("<Q", len(b)), b]
    total = sum(len(p) for p in parts)
    if total > MAX_FRAME:
        raise WireError(f"message of {total / 1e6:.0f} MB is over the limit of {MAX_FRAME / 1e6:.0f} MB")
    sock.sendall(b"".join(parts))


def _recv_exact(sock, n, budget):
    if n > budget[0]:
        raise WireError(f"message over the limit of {MAX_FRAME / 1e6:.0f} MB")
    budget[0] -= n
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 22))
        if not chunk:
            raise ConnectionError("the other side closed the connection")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv(sock):
    """Receive one frame: ``(header, buffers)``."""
    budget = [MAX_FRAME]
    (n,) = struct.unpack("<Q", _recv_exact(sock, 8, budget))
    try:
        header = json.loads(_recv_exact(sock, n, budget).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise WireError("malformed message") from err
    (count,) = struct.unpack("<Q", _recv_exact(sock, 8, budget))
    buffers = []
    for _ in range(count):
        (m,) = struct.unpack("<Q", _recv_exact(sock, 8, budget))
        buffers.append(_recv_exact(sock, m, budget))
    if type(header) is not dict:
        raise WireError("malformed message")
    return header, buffers
