"""The judge and its wire, with a real kernel (jailed as at grading) and direct unit checks.

What a student's process sends is data the judge reads strictly: exact ndarrays, numbers,
containers; subclasses and other objects stay remote, where they cannot decide a check.
"""
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from jupyter_client.manager import start_new_kernel

from tp_course.grading import jail, wire
from tp_course.grading.judge import Judge

KERNEL_CODE = '''
import numpy as np

def square(x):
    return x * x

class Liar(np.ndarray):
    def __array_ufunc__(self, *a, **k):
        return True
    def __eq__(self, other):
        return True

def liar(x):
    return np.zeros_like(x).view(Liar)

class AlwaysEqual(float):
    def __eq__(self, other):
        return True

def always_equal(x):
    return AlwaysEqual(1.0)

def mutate(p, rng):
    p["W"] *= 2
    p["b"] = p["b"] - 1
    rng.random()

def uses_helper(x):
    return helper(x) + 1

def helper(x):
    return x

def numgrad(f, x, eps=1e-6):
    g = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        x[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return g

def overflow(x):
    return np.exp(x)

def boom(x):
    raise ValueError("bad shape " + str(np.shape(x)))
'''
NAMES = {"square", "liar", "always_equal", "mutate", "uses_helper", "helper", "numgrad", "overflow", "boom"}


@pytest.fixture(scope="module")
def judge(tmp_path_factory):
    km, kc = start_new_kernel()
    kc.execute_interactive(KERNEL_CODE, silent=True, timeout=60)
    j = Judge(str(tmp_path_factory.mktemp("run")), NAMES)

    def run(test):
        msg = kc.execute(j.serve_code, silent=True)
        j.connect(30)
        try:
            return j.run_test(textwrap.dedent(test), 30)
        finally:
            j.end()
            while kc.get_shell_msg(timeout=30)["parent_header"].get("msg_id") != msg:
                pass
    yield run
    j.close()
    km.shutdown_kernel(now=True)


def test_plain_data_round_trip(judge):
    ok, _, ename, msg = judge('''
        import numpy as np
        from tp_utils.testing import check_array
        x = np.array([[1.0, -2.0]], dtype=np.float32)
        y = square(x)
        assert type(y) is np.ndarray and y.dtype == np.float32 and y.shape == (1, 2)
        check_array("square", y, [[1.0, 4.0]])
        s = square(np.float64(3.0))
        assert type(s) is np.float64 and s == 9.0
        assert square(3) == 9 and type(square(3)) is int
    ''')
    assert ok, (ename, msg)


def test_subclasses_stay_remote_and_decide_nothing(judge):
    ok, _, ename, msg = judge('''
        import numpy as np
        out = liar(np.ones(3))
        assert isinstance(out, Remote_type)
    '''.replace("Remote_type", "type(liar)"))
    assert ok, (ename, msg)
    for check in ("assert liar(np.ones(3)) == 1",
                  "assert np.allclose(liar(np.ones(3)), 1)",
                  "np.testing.assert_allclose(liar(np.ones(3)), [1, 1, 1])",
                  "assert always_equal(0) == 5.0",
                  "from tp_utils.testing import check_scalar; check_scalar('v', always_equal(0), 5.0)",
                  "assert float(always_equal(0)) == 1.0"):
        ok, _, ename, msg = judge("import numpy as np\n" + check)
        assert not ok, check


def test_arguments_come_back_changed(judge):
    ok, _, ename, msg = judge('''
        import numpy as np
        p = {"W": np.ones(2), "b": np.zeros(2)}
        W, rng = p["W"], np.random.default_rng(0)
        mutate(p, rng)
        assert np.array_equal(W, [2, 2]) and p["W"] is W          # changed in place
        assert np.array_equal(p["b"], [-1, -1])                  # re-bound
        expected = np.random.default_rng(0); expected.random()
        assert rng.random() == expected.random()                 # the draw was shared
    ''')
    assert ok, (ename, msg)


def test_callbacks_errstate_warnings_and_errors(judge):
    ok, _, ename, msg = judge('''
        import numpy as np
        g = numgrad(lambda v: float(np.sum(v ** 2)), np.array([1.0, 2.0]))
        assert np.allclose(g, [2, 4], atol=1e-5)
        try:
            with np.errstate(over="raise"):
                overflow(np.array([1000.0]))
        except FloatingPointError:
            pass
        else:
            raise AssertionError("errstate was not applied to the student's call")
        try:
            boom(np.zeros((2, 3)))
        except ValueError as e:
            assert "bad shape (2, 3)" in str(e)
    ''')
    assert ok, (ename, msg)
    ok, _, ename, msg = judge("import numpy as np\noverflow(np.array([1000.0]))")
    assert not ok and ename == "RuntimeWarning" and "overflow" in msg


def test_substitution_is_scoped_to_the_test(judge):
    ok, _, ename, msg = judge('''
        _yours, helper = helper, lambda x: 10 * x
        assert uses_helper(1) == 11
        helper = _yours
        assert uses_helper(1) == 2
        helper = lambda x: 100 * x       # not restored by the test...
        assert uses_helper(1) == 101
    ''')
    assert ok, (ename, msg)
    ok, _, ename, msg = judge("assert uses_helper(1) == 2")  # ...but by the judge, at the end
    assert ok, (ename, msg)


def test_wire_refuses_what_is_not_plain():
    bufs = []
    handles = []

    def handle_of(obj):
        handles.append(obj)
        return wire.Handle(1, "object")

    enc = wire.encode([np.array(["a"], dtype=object), np.ones(2),
                       {"k": (1, 2.5, None)}], bufs, handle_of)
    assert enc[0]["$handle"] == 1 and len(handles) == 1
    out = wire.decode(enc, bufs, lambda *a: "HANDLE")
    assert out[0] == "HANDLE" and type(out[1]) is np.ndarray and out[2] == {"k": (1, 2.5, None)}
    deep = []
    for _ in range(100):
        deep = [deep]
    for bad in [{"$array": 0, "dtype": "|O", "shape": [1]}, {"$array": 0, "dtype": "<f8", "shape": [5]},
                {"$array": 3, "dtype": "<f8", "shape": [1]}, {"$float": "1e400"}, {"$weird": 1},
                {"$ref": 7}, deep]:
        with pytest.raises(wire.WireError):
            wire.decode(bad, [b"\0" * 8], lambda *a: None)


def test_wire_frames_are_bounded():
    a, b = socket.socketpair()
    wire.send(a, {"op": "x"}, [b"abc"])
    assert wire.recv(b) == ({"op": "x"}, [b"abc"])
    a.sendall((wire.MAX_FRAME + 1).to_bytes(8, "little"))
    with pytest.raises(wire.WireError):
        wire.recv(b)


def _in_jail(tmp_path, script, *args, **limits):
    """Run ``script`` in the grading jail, through its launcher (limits, user), as a kernel would be."""
    work, run = tmp_path / "work", tmp_path / "run"
    work.mkdir()
    run.mkdir()
    (work / "probe.py").write_text(script)
    jail.hand_over(str(work), str(run))
    argv = jail.bwrap_argv([sys.executable, "-m", "ipykernel_launcher"], str(work), str(run), jail.kernel_env(),
                           bwrap=jail.check_bwrap(), **limits)
    last = len(argv) - 1 - argv[::-1].index("--")
    out = subprocess.run(argv[:last + 1] + [str(work / "probe.py"), *args], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout, work


PROBE = r'''
import glob, os, socket, sys
seen = {"course": os.path.exists(sys.argv[1]), "tp_course": True, "net": True, "root_home": os.path.exists("/root/.bashrc")}
try:
    import tp_course
except ImportError:
    seen["tp_course"] = False
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
except OSError:
    seen["net"] = False
seen["pids"] = len([p for p in os.listdir("/proc") if p.isdigit()])
seen["caps"] = open("/proc/self/status").read().split("CapEff:")[1].split()[0]
try:
    open(os.path.join(sys.prefix, "evil.pth"), "w")
    seen["venv_writable"] = True
except OSError:
    seen["venv_writable"] = False
import tp_utils, numpy
print(seen)
'''


def test_the_jail_hides_the_course(tmp_path):
    try:
        jail.check_bwrap()
    except jail.JailUnavailable as err:
        pytest.fail(f"bubblewrap must work for grading: {err}")
    course = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    stdout, _ = _in_jail(tmp_path, PROBE, os.path.join(course, "source"))
    seen = eval(stdout.strip().splitlines()[-1])
    assert seen == {"course": False, "tp_course": False, "net": False, "root_home": False,
                    "pids": seen["pids"], "caps": "0000000000000000", "venv_writable": False}, seen
    assert seen["pids"] <= 3, "the jail has its own PID namespace"


BOMB = r'''
import os, shutil, time
children = 0
try:
    for _ in range(2000):
        pid = os.fork()
        if pid == 0:
            time.sleep(20)
            os._exit(0)
        children += 1
except OSError:
    pass
print(children, shutil.disk_usage("/dev/shm").total // 2**20)
'''


def test_the_jail_bounds_processes_and_shared_memory(tmp_path):
    stdout, _ = _in_jail(tmp_path, BOMB, max_processes=50, tmp_mb=64)
    children, shm_mb = map(int, stdout.split())
    assert children < 60, f"{children} processes started: no process limit"
    assert shm_mb <= 64, f"/dev/shm holds {shm_mb} MB"


WHO = r'''
import os, tempfile
open(os.path.join(os.environ["HOME"], "x"), "w").write("ok")
tempfile.NamedTemporaryFile(dir="/tmp").close()
open("/dev/shm/x", "w").write("ok")
open("written.txt", "w").write("ok")
print(os.getuid() != 0, open("/proc/self/status").read().split("CapEff:")[1].split()[0])
'''


def test_the_kernel_is_not_root_and_can_write_its_own_places(tmp_path):
    stdout, work = _in_jail(tmp_path, WHO)
    assert stdout.split() == ["True", "0000000000000000"]
    assert (work / "written.txt").read_text() == "ok"
