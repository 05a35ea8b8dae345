"""The grader's agent inside a student's kernel: calls the student's functions for the judge.

Loaded by path in the grading kernel (``tp_course`` is not importable there), next to
``wire.py``. During a test cell the kernel runs ``serve(socket_path)``: the judge, in the
grader's own process, sends requests ("look up this name", "call this function with these
arrays", "add these two objects") and gets plain data back. The hidden tests, their
references and the comparisons never enter this process.

Nothing here is trusted by the judge: a student's code may replace any of it, and can only
change what this process answers, which the judge checks as data.
"""
import builtins
import operator
import os
import socket
import sys
import traceback
import warnings

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
if "_tp_wire" not in sys.modules:
    import importlib.util
    _spec = importlib.util.spec_from_file_location("_tp_wire", os.path.join(_HERE, "wire.py"))
    _mod = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_mod)
    sys.modules["_tp_wire"] = _mod
wire = sys.modules["_tp_wire"]

MISSING = object()
OPS = {
    "getattr": getattr, "setattr": setattr, "hasattr": hasattr, "isinstance": isinstance,
    "iter": iter, "next": next, "len": len, "bool": bool, "float": float, "int": int,
    "index": operator.index, "repr": repr, "str": str, "hash": hash, "call": lambda f, *a, **k: f(*a, **k),
    "getitem": operator.getitem, "setitem": operator.setitem, "contains": operator.contains,
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
    "floordiv": operator.floordiv, "mod": operator.mod, "pow": operator.pow, "matmul": operator.matmul,
    "neg": operator.neg, "pos": operator.pos, "abs": operator.abs,
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
    "ge": operator.ge,
}


class _State:
    def __init__(self):
        self.objects, self.ids = {}, {}
        self.rngs = {}          # the judge's generators, one mirror each (shared state)
        self.sock, self.session = None, 0
        self.originals = {}


def _state():
    mod = sys.modules.setdefault("_tp_agent_state", type(sys)("_tp_agent_state"))
    if not hasattr(mod, "state"):
        mod.state = _State()
    return mod.state


def _namespace():
    try:
        from IPython import get_ipython
        return get_ipython().user_ns
    except Exception:
        return sys.modules["__main__"].__dict__


class _Callback:
    """A function of the judge's, passed to the student's code: calling it asks the judge."""

    def __init__(self, hid, text, session):
        self._hid, self._text, self._session = hid, text, session

    def __repr__(self):
        return f"<grader function {self._text}>"

    def __call__(self, *args, **kwargs):
        st = _state()
        if st.session != self._session or st.sock is None:
            raise RuntimeError("this function of the grader is no longer available (it belonged to an earlier test)")
        buffers = []
        header = {"op": "callback", "target": self._hid, "args": _enc(list(args), buffers),
                  "kwargs": _enc(dict(kwargs), buffers)}
        wire.send(st.sock, header, buffers)
        reply, bufs = _wait_reply()
        if reply.get("op") == "error":
            raise _exception(reply)
        return _dec(reply.get("value"), bufs)


def _exception(reply):
    cls = getattr(builtins, str(reply.get("type", "")), None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = RuntimeError
    return cls(str(reply.get("message", ""))[:2000])


def _handle_of(obj):
    st = _state()
    if isinstance(obj, _Callback):
        return wire.Handle(obj._hid, "judge", obj._text)
    key = id(obj)
    if key not in st.ids:
        hid = len(st.objects) + 1
        st.objects[hid], st.ids[key] = obj, hid
    kind = "class" if isinstance(obj, type) else "function" if callable(obj) else "object"
    try:
        text = getattr(obj, "__qualname__", None) or type(obj).__name__
    except Exception:
        text = "object"
    return wire.Handle(st.ids[key], kind, str(text))


def _resolve(hid, kind, text):
    st = _state()
    if kind == "judge":
        return _Callback(hid, text, st.session)
    if hid not in st.objects:
        raise wire.WireError("unknown handle")
    return st.objects[hid]


def _rng_of(rid, state):
    """The mirror of the judge's generator ``rid``, set to ``state``."""
    st = _state()
    gen = wire.make_generator(state)
    if rid and rid in st.rngs and type(st.rngs[rid].bit_generator) is type(gen.bit_generator):
        st.rngs[rid].bit_generator.state = gen.bit_generator.state
        return st.rngs[rid]
    if rid:
        st.rngs[rid] = gen
    return gen


def _rng_id(gen):
    for rid, g in _state().rngs.items():
        if g is gen:
            return rid
    return 0


_resolve.rng_of = _rng_of
_handle_of.rng_id = _rng_id


def _rng_states(buffers):
    """The states of the judge's generators after a request (they are shared objects)."""
    return {"$dict": [[rid, _enc(g, buffers)["$rng"]] for rid, g in _state().rngs.items()]}


def _enc(value, buffers):
    return wire.encode(value, buffers, _handle_of)


def _dec(obj, buffers):
    return wire.decode(obj, buffers, _resolve)


def _wait_reply():
    """Serve the judge's requests until it answers ours (a callback's result)."""
    st = _state()
    while True:
        header, buffers = wire.recv(st.sock)
        if header.get("op") in ("result", "error"):
            return header, buffers
        if header.get("op") == "end":
            raise RuntimeError("the grader ended the test")
        _dispatch(header, buffers)


# ---------------------------------------------------------------- write-back of arguments
def _snapshot(value, snap, depth=0):
    """Remember the arguments as decoded, to tell the judge what the call changed."""
    if depth > 32:
        return
    if type(value) is np.ndarray:
        snap[id(value)] = value.tobytes(), value.shape, value.dtype
    elif type(value) in (dict, list):
        snap[id(value)] = None
        for v in (value.values() if type(value) is dict else value):
            _snapshot(v, snap, depth + 1)


def _writeback(value, snap, buffers, depth=0):
    if depth > 32:
        return {"$same": 1}
    if id(value) not in snap:
        return {"$new": _enc(value, buffers)}
    if type(value) is np.ndarray:
        before = snap[id(value)]
        if value.shape == before[1] and value.dtype == before[2] and value.tobytes() == before[0]:
            return {"$same": 1}
        return {"$inplace": _enc(value, buffers)}
    if type(value) is dict:
        return {"$dictwb": [[k, _writeback(v, snap, buffers, depth + 1)] for k, v in value.items()]}
    if type(value) is list:
        return {"$listwb": [_writeback(v, snap, buffers, depth + 1) for v in value]}
    return {"$same": 1}


def _arg_writeback(value, snap, buffers):
    if type(value) in (np.ndarray, dict, list):
        return _writeback(value, snap, buffers)
    return {"$same": 1}


# ---------------------------------------------------------------- requests
def _call(fn, args, kwargs, header):
    err = header.get("errstate") or {}
    err = {k: v for k, v in err.items() if k in ("over", "under", "divide", "invalid")
           and v in ("ignore", "warn", "raise", "call", "print", "log")}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(**err):
            result = fn(*args, **kwargs)
    return result, caught


def _dispatch(header, buffers):
    st, ns = _state(), _namespace()
    op = header.get("op")
    out, caught, wb = None, [], None
    try:
        if op == "lookup":
            name = str(header.get("name"))
            if name not in ns:
                raise NameError(f"name '{name}' is not defined")
            out = ns[name]
        elif op == "setname":
            name = str(header.get("name"))
            if name not in st.originals:
                st.originals[name] = ns.get(name, MISSING)
            ns[name] = _dec(header.get("value"), buffers)
        elif op == "restore":
            _restore_names()
        elif op in ("call", "op"):
            args = _dec(header.get("args", []), buffers)
            kwargs = _dec(header.get("kwargs", {"$dict": []}), buffers)
            if type(args) is not list or type(kwargs) is not dict:
                raise wire.WireError("malformed request")
            snap = {}
            for a in list(args) + list(kwargs.values()):
                _snapshot(a, snap)
            if op == "call":
                fn = _resolve(int(header.get("target", -1)), "object", "")
            else:
                fn = OPS[str(header.get("name"))]
            out, caught = _call(fn, args, kwargs, header)
            wb = (args, kwargs, snap)
        else:
            raise wire.WireError(f"unknown request {op!r}")
        bufs = []
        value = _handle_of(out) if header.get("keep") else None
        value = ({"$handle": value.hid, "kind": value.kind, "text": value.text} if value is not None
                 else _enc(out, bufs))
        reply = {"op": "result", "value": value, "rngs": _rng_states(bufs),
                 "warnings": [[w.category.__name__, str(w.message)[:500]] for w in caught[:20]]}
        if wb is not None:
            args, kwargs, snap = wb
            reply["writeback"] = [_arg_writeback(a, snap, bufs) for a in args]
            reply["kwriteback"] = {"$dict": [[k, _arg_writeback(v, snap, bufs)] for k, v in kwargs.items()]}
        wire.send(st.sock, reply, bufs)
    except (ConnectionError, BrokenPipeError):
        raise
    except wire.WireError as err:
        wire.send(st.sock, {"op": "error", "type": "TypeError", "message": str(err)})
    except BaseException as err:  # the student's code raised (or exited): tell the judge
        tb = traceback.format_exception(type(err), err, err.__traceback__)
        tb = [t for t in tb if _HERE not in t]
        bufs = []
        wire.send(st.sock, {"op": "error", "type": type(err).__name__, "message": str(err)[:2000],
                            "traceback": "".join(tb)[-5000:], "rngs": _rng_states(bufs)}, bufs)


def _restore_names():
    """Give the student's namespace back the names the judge replaced during the test."""
    st, ns = _state(), _namespace()
    for name, value in st.originals.items():
        if value is MISSING:
            ns.pop(name, None)
        else:
            ns[name] = value
    st.originals = {}


def serve(path):
    """Answer the judge's requests on the Unix socket ``path`` until it says "end"."""
    st = _state()
    st.session += 1
    st.rngs = {}
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    st.sock = sock
    try:
        wire.send(sock, {"op": "hello", "pid": os.getpid()})
        while True:
            header, buffers = wire.recv(sock)
            if header.get("op") == "end":
                break
            _dispatch(header, buffers)
    finally:
        _restore_names()
        st.sock = None
        st.session += 1
        sock.close()
