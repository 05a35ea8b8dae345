"""The judge: runs a test cell in the grader's own process, calling the student's code remotely.

A test cell's code (visible and hidden parts, as written in ``notebooks/``) runs here, with
the real numpy, ``tp_utils`` and ``tp_course.reference``. The names the student's answers
define (``sigmoid``, ``forward``, ``Value``...) are proxies: calling one sends its arguments
as plain data to the agent in the student's kernel (``agent.py``), which calls the student's
function and sends back plain data (``wire.py``). So:

- the hidden tests and their reference values never enter the student's process;
- comparisons and the verdict happen here, where the student's code cannot reach them;
- what the student's function returns is exact ``numpy.ndarray``/numbers/containers, or an
  opaque :class:`Remote` (their objects) that cannot take part in a comparison.

The same code reads as in a notebook: ``with np.errstate(over="raise"): sigmoid(x)`` forwards
the error state to the call; warnings raised by the student's code are raised here again;
arrays, dicts and lists passed to the student's function get back what it changed in them
(``x_before`` checks work); a judge function passed to the student's code (``f`` in
``numerical_gradient(f, x)``) is called back here; assigning a student name in a test
(``softmax = reference_softmax``) puts it in the student's namespace for the duration of the
test, so that a later function that calls it gets the reference (one slip, one charge).
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import contextvars
import io
import os
import shutil
import socket
import time
import warnings

import numpy as np

from . import wire

AGENT_FILES = ("agent.py", "wire.py")
HERE = os.path.dirname(os.path.abspath(__file__))
_CURRENT = contextvars.ContextVar("tp_course_judge", default=None)


def current():
    """The :class:`Judge` running a test in this thread (``None`` outside a test): hidden-test
    helpers (``tp_course.answers``) reach the kernel and the code it ran through it."""
    return _CURRENT.get()


class JudgeError(Exception):
    """The session with the student's kernel broke (timeout, kernel died, garbage)."""


class JudgeTimeout(JudgeError, TimeoutError):
    """The student's code did not answer in time."""


class StudentError(RuntimeError):
    """The student's code raised an exception that is not a builtin one."""


def _exception(reply, stop_allowed=False):
    """The exception the student's code raised, rebuilt here as a builtin type.

    ``StopIteration`` only ends an iteration (``next``): elsewhere it would silently end a
    ``map`` or a generator of the test, so it becomes a :class:`StudentError`.
    """
    name = str(reply.get("type", ""))
    cls = getattr(builtins, name, None)
    if name == "LinAlgError":
        cls = np.linalg.LinAlgError
    if not (isinstance(cls, type) and issubclass(cls, BaseException)) or name in (
            "KeyboardInterrupt", "SystemExit", "GeneratorExit", "BaseException") or (
            name in ("StopIteration", "StopAsyncIteration") and not stop_allowed):
        cls, msg = StudentError, f"{name}: {reply.get('message', '')}"
    else:
        msg = str(reply.get("message", ""))
    exc = cls(msg) if cls is not KeyError else KeyError(msg.strip("'"))
    exc.student_traceback = str(reply.get("traceback", ""))[-5000:]
    return exc


class Remote:
    """An object of the student's (a ``Value``, a generator...), left in their kernel.

    Attribute access, calls, indexing, iteration and arithmetic are forwarded; arithmetic
    results stay remote. A remote object has no truth value, no float value and no
    comparison: a check can never be decided by the student's code.
    """
    __slots__ = ("_judge", "_hid", "_kind", "_text")
    __array_ufunc__ = None       # numpy refuses to compute with it
    __array_function__ = None

    def __init__(self, judge, hid, kind, text):
        object.__setattr__(self, "_judge", judge)
        object.__setattr__(self, "_hid", hid)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_text", text)

    def __repr__(self):
        return f"<{self._text} (an object of your code)>"

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._judge.op("getattr", self, name)

    def __setattr__(self, name, value):
        self._judge.op("setattr", self, name, value)

    def __call__(self, *args, **kwargs):
        return self._judge.call(self, args, kwargs)

    def __iter__(self):
        return self._judge.op("iter", self, keep=True)

    def __next__(self):
        return self._judge.op("next", self)

    def __len__(self):
        return self._judge.op("len", self)

    def __getitem__(self, key):
        return self._judge.op("getitem", self, key)

    def __setitem__(self, key, value):
        self._judge.op("setitem", self, key, value)

    def __bool__(self):
        raise TypeError(f"the grader does not use the truth value of {self!r}")

    def __hash__(self):
        return hash((id(self._judge), self._hid))

    def __instancecheck__(self, obj):
        return isinstance(obj, Remote) and self._judge.op("isinstance", obj, self) is True

    def __index__(self):
        raise TypeError(f"{self!r} is not an integer")

    @property
    def __name__(self):
        return self._text


def _arith(name, reflected=False):
    def method(self, *other):
        args = (other[0], self) if reflected else (self, *other)
        return self._judge.op(name, *args, keep=True)
    return method


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul"):
    setattr(Remote, f"__{_name}__", _arith(_name))
    setattr(Remote, f"__r{_name}__", _arith(_name, reflected=True))
for _name in ("neg", "pos", "abs"):
    setattr(Remote, f"__{_name}__", _arith(_name))


# ------------------------------------------------------------------ write-back
_KEEP = object()


def _apply(orig, wb, buffers, resolve):
    """Change ``orig`` as the student's code changed its copy; returns a replacement or _KEEP."""
    if type(wb) is not dict or not wb:
        raise wire.WireError("malformed write-back")
    if "$same" in wb:
        return _KEEP
    if "$new" in wb:
        return wire.decode(wb["$new"], buffers, resolve)
    if "$inplace" in wb:
        new = wire.decode(wb["$inplace"], buffers, resolve)
        if type(orig) is np.ndarray and type(new) is np.ndarray and new.shape == orig.shape \
                and orig.flags.writeable:
            np.copyto(orig, new, casting="unsafe")
        return _KEEP
    if "$rng" in wb:
        if type(orig) is np.random.Generator:
            orig.bit_generator.state = wire.make_generator(wb["$rng"]).bit_generator.state
        return _KEEP
    if "$dictwb" in wb and type(orig) is dict:
        pairs = wb["$dictwb"]
        keys = [p[0] for p in pairs]
        for k in [k for k in orig if k not in keys]:
            del orig[k]
        for k, sub in pairs:
            r = _apply(orig.get(k), sub, buffers, resolve) if k in orig else wire.decode(
                sub.get("$new"), buffers, resolve)
            if r is not _KEEP:
                orig[k] = r
        return _KEEP
    if "$listwb" in wb and type(orig) is list:
        subs = wb["$listwb"]
        new = []
        for i, sub in enumerate(subs):
            if i < len(orig):
                r = _apply(orig[i], sub, buffers, resolve)
                new.append(orig[i] if r is _KEEP else r)
            else:
                new.append(wire.decode(sub.get("$new"), buffers, resolve))
        orig[:] = new
        return _KEEP
    return _KEEP


# ------------------------------------------------------------------ the session
class Judge:
    """One notebook's judge: a Unix socket the agent connects to, and the test namespace.

    Parameters
    ----------
    rundir : str
        A directory the student's kernel can read and connect in (the jail binds it);
        the agent's two files are copied there.
    student_names : set of str
        Names the answer cells define (from the instructor's source): always looked up
        in the student's kernel.
    """

    def __init__(self, rundir, student_names=(), used=None):
        self.rundir = rundir
        self.agent_dir = os.path.join(rundir, "agent")
        os.makedirs(self.agent_dir, exist_ok=True)
        for name in AGENT_FILES:
            shutil.copy(os.path.join(HERE, name), os.path.join(self.agent_dir, name))
        self.path = os.path.join(rundir, "judge.sock")
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        os.chmod(self.path, 0o777)
        self.listener.listen(1)
        self.student_names = set(student_names)
        self.used = set(used) if used is not None else None
        self.ns = TestNamespace(self)
        self.sock = None
        self.deadline = None
        self.callbacks = {}
        self.rngs = {}               # generators passed to the student's code: rid -> Generator

        def handle_of(obj):
            return self._handle_of(obj)

        def resolve(hid, kind, text):
            return self._resolve(hid, kind, text)

        handle_of.rng_id, resolve.rng_of = self._rng_id, self._rng_of
        self.h, self.r = handle_of, resolve
        self.from_kernel = set()     # names the tests took from the kernel (not student answers)
        self._pending = []
        self.sources = {}            # cell index -> code the kernel ran, in the order last run

    # -- what the kernel runs
    @property
    def serve_code(self):
        agent = os.path.join(self.agent_dir, "agent.py")
        return ("def __tp_serve():\n"
                "    import importlib.util, sys\n"
                "    mod = sys.modules.get('_tp_agent')\n"
                "    if mod is None:\n"
                f"        spec = importlib.util.spec_from_file_location('_tp_agent', {agent!r})\n"
                "        mod = importlib.util.module_from_spec(spec)\n"
                "        spec.loader.exec_module(mod)\n"
                "        sys.modules['_tp_agent'] = mod\n"
                f"    mod.serve({self.path!r})\n"
                "try:\n    __tp_serve()\nfinally:\n    del __tp_serve\n")

    def close(self):
        with contextlib.suppress(Exception):
            self.listener.close()
        with contextlib.suppress(Exception):
            os.unlink(self.path)

    # -- setup code from the instructor's read-only cells
    def add_setup(self, source, whole=False):
        """Queue the imports, functions, classes and UPPER_CASE constants of a read-only cell
        (or the ``whole`` cell) to run here before the next test."""
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return
        if not whole:
            keep = []
            for node in tree.body:
                if isinstance(node, (ast.Import, ast.ImportFrom)) and self.used is not None:
                    # only what the tests (or the functions they call) use: importing
                    # matplotlib or scikit-learn for nothing costs seconds per submission
                    node.names = [a for a in node.names if (a.asname or a.name).split(".")[0] in self.used]
                    if node.names:
                        keep.append(node)
                elif isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
                    keep.append(node)
                elif isinstance(node, ast.Assign) and all(
                        all(isinstance(n, ast.Name) and n.id.isupper() for n in
                            (t.elts if isinstance(t, ast.Tuple) else [t])) for t in node.targets):
                    keep.append(node)
            tree.body = keep
        if tree.body:
            self._pending.append(compile(tree, "<setup>", "exec"))

    # -- one test cell
    def connect(self, timeout):
        """Wait for the agent (the kernel runs :attr:`serve_code`)."""
        self.listener.settimeout(timeout)
        try:
            sock, _ = self.listener.accept()
        except socket.timeout as err:
            raise JudgeError("the kernel did not connect to the grader") from err
        self.sock = sock
        self.rngs = {}
        self.deadline = time.monotonic() + timeout
        hello, _ = self._recv()
        if hello.get("op") != "hello":
            raise JudgeError("the kernel did not greet the grader")

    def end(self):
        """Tell the agent the test is over (it puts back the names the test replaced)."""
        if self.sock is None:
            return
        try:
            self.sock.settimeout(5)
            wire.send(self.sock, {"op": "end"})
        except Exception:
            pass
        finally:
            with contextlib.suppress(Exception):
                self.sock.close()
            self.sock = None
            self.callbacks = {}

    def run_test(self, source, timeout, name="test"):
        """Run a test cell's code; returns ``(passed, printed, ename, message)``.

        Expects :meth:`connect` to have been called (the agent is serving).
        """
        self.deadline = time.monotonic() + timeout
        printed = io.StringIO()
        self.ns.begin()
        token = _CURRENT.set(self)
        # what the test prints goes to the cell's output (a builtin of its own, not a global
        # redirect of sys.stdout: several judges may run in threads of one process)
        dict.__setitem__(self.ns, "print", lambda *a, file=None, **k: builtins.print(*a, file=file or printed, **k))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                while self._pending:
                    exec(self._pending.pop(0), self.ns)
                warnings.simplefilter("error", RuntimeWarning)
                exec(compile(source, f"<{name}>", "exec"), self.ns)
            return True, printed.getvalue(), None, None
        except JudgeError:
            raise
        except BaseException as err:  # the verdict: the test failed
            if isinstance(err, (KeyboardInterrupt, SystemExit)):
                raise
            message = str(err)
            extra = getattr(err, "student_traceback", "")
            if extra:
                message += "\n(raised by your code)\n" + extra
            return False, printed.getvalue(), type(err).__name__, message
        finally:
            _CURRENT.reset(token)
            self.ns.end()

    # -- requests to the agent
    def _handle_of(self, obj):
        if isinstance(obj, Remote):
            if obj._judge is not self:
                raise wire.WireError("an object of another kernel")
            return wire.Handle(obj._hid, "object", obj._text)
        if callable(obj):
            hid = len(self.callbacks) + 1
            self.callbacks[hid] = obj
            return wire.Handle(hid, "judge", getattr(obj, "__name__", "function"))
        raise wire.WireError(f"a {type(obj).__name__} cannot be sent to the student's code")

    def _rng_id(self, gen):
        for rid, g in self.rngs.items():
            if g is gen:
                return rid
        rid = len(self.rngs) + 1
        self.rngs[rid] = gen
        return rid

    def _rng_of(self, rid, state):
        gen = wire.make_generator(state)
        if rid in self.rngs:
            self.rngs[rid].bit_generator.state = gen.bit_generator.state
            return self.rngs[rid]
        return gen

    def _sync_rngs(self, reply, buffers):
        """The student's code drew from our generators: they are in the state it left them."""
        states = reply.get("rngs")
        if type(states) is dict:
            for rid, state in states.get("$dict", []):
                if rid in self.rngs:
                    self._rng_of(rid, state)

    def _resolve(self, hid, kind, text):
        if kind == "judge":
            if hid not in self.callbacks:
                raise wire.WireError("unknown grader function")
            return self.callbacks[hid]
        return Remote(self, hid, kind, text)

    def _send(self, header, buffers=()):
        if self.sock is None:
            raise JudgeError("no session with the kernel")
        try:
            self.sock.settimeout(max(0.01, self.deadline - time.monotonic()))
            wire.send(self.sock, header, buffers)
        except socket.timeout as err:
            raise JudgeTimeout("the kernel did not take the grader's request in time") from err
        except (OSError, ConnectionError) as err:
            raise JudgeError(f"the kernel stopped answering ({err})") from err

    def _recv(self):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise JudgeTimeout("time is up")
        try:
            self.sock.settimeout(remaining)
            return wire.recv(self.sock)
        except socket.timeout as err:
            raise JudgeTimeout("your code did not return in time") from err
        except wire.WireError as err:
            raise JudgeError(f"the kernel sent something the grader cannot read ({err})") from err
        except (OSError, ConnectionError) as err:
            raise JudgeError(f"the kernel stopped answering ({err})") from err

    def _wait(self):
        """Wait for the answer to our request, serving the student's callbacks meanwhile."""
        while True:
            header, buffers = self._recv()
            op = header.get("op")
            if op in ("result", "error"):
                return header, buffers
            if op != "callback":
                raise JudgeError(f"unexpected message {op!r} from the kernel")
            try:
                fn = self._resolve(header.get("target"), "judge", "")
                args = wire.decode(header.get("args", []), buffers, self.r)
                kwargs = wire.decode(header.get("kwargs", {"$dict": []}), buffers, self.r)
                if type(args) is not list or type(kwargs) is not dict:
                    raise wire.WireError("malformed callback")
                value = fn(*args, **kwargs)
                bufs = []
                reply = {"op": "result", "value": wire.encode(value, bufs, self.h)}
            except JudgeError:
                raise
            except Exception as err:
                reply, bufs = {"op": "error", "type": type(err).__name__, "message": str(err)[:2000]}, []
            self._send(reply, bufs)

    def request(self, header, buffers=()):
        """Send a request; returns ``(reply, buffers)`` or raises the student's exception."""
        self._send(header, buffers)
        reply, bufs = self._wait()
        try:
            self._sync_rngs(reply, bufs)
        except wire.WireError as err:
            raise JudgeError(f"the kernel sent a bad generator state ({err})") from err
        for category, message in reply.get("warnings", []) if type(reply.get("warnings")) is list else []:
            cls = getattr(builtins, str(category), None)
            if not (isinstance(cls, type) and issubclass(cls, Warning)):
                cls = UserWarning
            warnings.warn_explicit(f"{message} (in your code)", cls, "<your code>", 0)
        if reply.get("op") == "error":
            raise _exception(reply, stop_allowed=header.get("name") == "next")
        return reply, bufs

    def call(self, target, args, kwargs):
        """Call the student's function ``target`` (a :class:`Remote`)."""
        self.ns.sync()
        bufs = []
        try:
            header = {"op": "call", "target": target._hid, "errstate": np.geterr(),
                      "args": wire.encode(list(args), bufs, self.h),
                      "kwargs": wire.encode(dict(kwargs), bufs, self.h)}
        except wire.WireError as err:
            raise TypeError(f"the grader could not pass these arguments: {err}") from err
        try:
            reply, rbufs = self.request(header, bufs)
            value = wire.decode(reply.get("value"), rbufs, self.r)
            wb = reply.get("writeback", [])
            for orig, sub in zip(args, wb if type(wb) is list else []):
                _apply(orig, sub, rbufs, self.r)
            kwb = reply.get("kwriteback", {"$dict": []})
            for k, sub in (kwb.get("$dict", []) if type(kwb) is dict else []):
                if k in kwargs:
                    _apply(kwargs[k], sub, rbufs, self.r)
        except wire.WireError as err:
            raise TypeError(f"your code returned something the grader cannot read ({err}): "
                            "return numpy arrays, numbers, lists or dicts") from err
        return value

    def op(self, name, *args, keep=False):
        """``operator.<name>(*args)`` (or getattr, iter...) on the student's objects."""
        self.ns.sync()
        bufs = []
        try:
            header = {"op": "op", "name": name, "keep": keep, "errstate": np.geterr(),
                      "args": wire.encode(list(args), bufs, self.h)}
        except wire.WireError as err:
            raise TypeError(f"the grader could not pass these arguments: {err}") from err
        reply, rbufs = self.request(header, bufs)
        try:
            return wire.decode(reply.get("value"), rbufs, self.r)
        except wire.WireError as err:
            raise TypeError(f"your code returned something the grader cannot read ({err})") from err

    def lookup(self, name):
        reply, bufs = self.request({"op": "lookup", "name": name})
        try:
            return wire.decode(reply.get("value"), bufs, self.r)
        except wire.WireError as err:
            raise TypeError(f"'{name}' holds something the grader cannot read ({err})") from err

    def ran(self, index, source):
        """The kernel ran code cell ``index`` (answer or not): what :attr:`sources` holds."""
        self.sources.pop(index, None)
        self.sources[index] = source

    def setname(self, name, value):
        bufs = []
        self.request({"op": "setname", "name": name, "value": wire.encode(value, bufs, self.h)}, bufs)


_BUILTINS = set(dir(builtins))


class TestNamespace(dict):
    """The globals of the test cells: trusted names here, the student's names in their kernel."""

    def __init__(self, judge):
        super().__init__()
        self.judge = judge
        self._known = {}    # student name -> the value their kernel holds for it

    def begin(self):
        """A new test: the student's names are looked up again in their kernel."""
        for name in self.judge.student_names:
            dict.pop(self, name, None)
        self._known = {}

    def sync(self):
        """Before a call: a student name the test re-bound (``softmax = reference``, also through
        ``global`` in a function) is put in their kernel, for their later functions to use."""
        for name in self.judge.student_names:
            if dict.__contains__(self, name):
                value = dict.__getitem__(self, name)
                if self._known.get(name, _KEEP) is not value:
                    self._known[name] = value
                    self.judge.setname(name, value)

    def end(self):
        for name in self.judge.student_names:
            dict.pop(self, name, None)

    def __missing__(self, name):
        if name in _BUILTINS or name.startswith("__") or self.judge.sock is None:
            raise KeyError(name)
        try:
            value = self.judge.lookup(name)
        except NameError:
            raise KeyError(name) from None
        if name not in self.judge.student_names:
            self.judge.from_kernel.add(name)
        else:
            self._known[name] = value
        dict.__setitem__(self, name, value)
        return value
