"""JailedExecute: nbgrader's Execute, with the kernel in a jail and the tests judged outside it.

- The student's cells and the instructor's read-only cells run in the kernel, which runs in
  a bubblewrap jail (:mod:`.jail`).
- A test cell never runs in the kernel: its code (visible and hidden parts, from the
  instructor's source) runs in this process through the :class:`~.judge.Judge`, which
  calls the student's functions in the kernel and compares their plain-data answers here.
  The cell's outputs are the judge's verdict (its message, or what the test printed), so
  nbgrader's score (error output or not) comes from the comparison, not from the kernel.
- Budgets: a timeout per cell, a time budget for the whole notebook, caps on output bytes
  per cell and per notebook and on the number of code cells, a memory limit; a kernel that
  does not start is retried before the submission is given up (no 0 is recorded then).
"""
from __future__ import annotations

import json
import os
import ast
import shutil
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader import utils as nbutils
from nbgrader.preprocessors import Execute
from traitlets import Integer, Unicode

from .flags import add_flag
from ..cells import is_test_cell
from .source import _defined_names, _imports, _read_source_notebook
from . import jail
from .judge import Judge, JudgeError, JudgeTimeout
from .staging import copy_folder
from .suspicious import scan

JUDGE_TAG = "judge"   # a read-only cell the judge runs whole (data the tests need)


def judge_plan(cells):
    """What the judge needs from the instructor's source notebook.

    Returns
    -------
    student_names : set of str
        What the answer cells define: looked up in the student's kernel.
    tests : dict
        ``{test grade_id: (code, setup)}``: the test cell's code, and the read-only code cells
        since the previous test as ``[(code, whole)]``: the judge runs their imports,
        functions, classes and UPPER_CASE constants (the ``whole`` cell if tagged ``judge``).
    """
    names, imported, tests, setup = set(), set(), {}, []
    for cell in cells:
        if cell.cell_type != "code":
            continue
        if nbutils.is_solution(cell):
            names |= _defined_names(cell.source)
        elif is_test_cell(cell):
            tests[cell.metadata["nbgrader"]["grade_id"]] = (cell.source, setup)
            setup = []
        else:
            imported |= set(_imports(cell.source))
            setup.append((cell.source, JUDGE_TAG in cell.metadata.get("tags", [])))
    return names - imported, tests


def names_used(tests):
    """Every name the tests' code reads, and the functions, classes and constants of their setup."""
    used = set()
    for code, setup in tests.values():
        sources = [code] + [c for c, _ in setup]
        for i, source in enumerate(sources):
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            nodes = [tree] if i == 0 else [n for n in tree.body
                                           if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Assign))]
            used |= {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}
            used |= {n.value.id for node in nodes for n in ast.walk(node)
                     if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}
    return used


class JudgedCells:
    """What JailedExecute and the catalogue harness share (a mixin for an nbclient client):
    judging a test cell with a :class:`~.judge.Judge` (``self._judge``, ``self._tests``)."""

    unresponsive_grace = 10
    output_limit = notebook_output_limit = 10 ** 9

    def _init_judging(self, rundir, source_cells):
        """The judge of one notebook, from the instructor's source cells; fresh budgets."""
        student_names, self._tests = judge_plan(source_cells)
        self._judge = Judge(rundir, student_names, used=names_used(self._tests))
        self._dead = None
        self._out_bytes, self._out_total, self._out_capped = {}, 0, set()

    def create_kernel_manager(self):
        """nbclient's kernel manager, with ipykernel's own kernel spec: the default search of the
        kernel folders would create the grader's ``~/.ipython``."""
        km = super().create_kernel_manager()
        km.kernel_spec_manager.kernel_dirs = []
        return km

    def execute_cell(self, cell, cell_index, *args, **kwargs):
        """Run a (non-test) cell in the kernel; the judge keeps its code, for hidden tests that
        read how an answer is written (``tp_course.answers.assert_no_library``)."""
        if cell.cell_type == "code" and getattr(self, "_judge", None) is not None:
            self._judge.ran(cell_index, cell.source)
        return super().execute_cell(cell, cell_index, *args, **kwargs)

    def _flag(self, flag, cell, detail):
        add_flag(self.nb, flag, cell, detail)
        self.log.warning("[%s] %s (%s): %s", (self.resources or {}).get("nbgrader", {}).get("student", "?"),
                         flag, cell, detail)

    @staticmethod
    def _error(cell, ename, message):
        cell.setdefault("outputs", []).append(nbformat.v4.new_output(
            "error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"]))

    def output(self, outs, msg, display_id, cell_index):
        """Keep at most ``output_limit`` bytes per cell and ``notebook_output_limit`` in all."""
        size = len(json.dumps(msg.get("content", {}), default=str))
        used = self._out_bytes.get(cell_index, 0)
        self._out_bytes[cell_index] = used + size
        self._out_total += size
        if used + size > self.output_limit or self._out_total > self.notebook_output_limit:
            if cell_index not in self._out_capped:
                self._out_capped.add(cell_index)
                outs.append(nbformat.v4.new_output(
                    "stream", name="stdout", text="\n[... output over the grading limit: not kept ...]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _drain_iopub(self, msg_id, timeout=1.0):
        """Read the kernel's output messages up to the end of request ``msg_id`` (its "idle"
        status), so none is taken for the next cell's; at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                msg = run_sync(self.kc.iopub_channel.get_msg)(timeout=max(0.01, deadline - time.monotonic()))
            except Exception:   # Empty: the kernel said nothing more in time
                return
            if (msg.get("parent_header", {}).get("msg_id") == msg_id and msg.get("msg_type") == "status"
                    and msg.get("content", {}).get("execution_state") == "idle"):
                return

    def _await_reply(self, msg_id, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = run_sync(self.kc.shell_channel.get_msg)(timeout=min(1.0, max(0.05, deadline - time.monotonic())))
            except Empty:
                if not run_sync(self.km.is_alive)():
                    raise DeadKernelError("the kernel died")
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg
        raise TimeoutError("no reply")

    def _stop_kernel(self):
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:
            pass

    def _settle(self, msg_id, gid, where):
        """After a judged test: the kernel's serving call must end, or it is interrupted, then stopped."""
        try:
            self._await_reply(msg_id, self.unresponsive_grace)
            return
        except DeadKernelError:
            self._died(gid, where)
            return
        except TimeoutError:
            pass
        try:
            run_sync(self.km.interrupt_kernel)()
            self._await_reply(msg_id, self.unresponsive_grace)
        except DeadKernelError:
            self._died(gid, where)
        except Exception:
            self._flag("crash", None, f"the kernel did not stop after the timeout at {where}; it was shut down")
            self._dead = where
            self._stop_kernel()

    def _died(self, gid, where):
        if self._dead is None:
            self._dead = where
            self._flag("crash", gid, f"the kernel stopped at {where} (os._exit, exit(), a kill, a crash "
                                     "or the memory limit); the cells after it were not run")

    def _judge_cell(self, cell, gid, where, timeout):
        """A test cell: its code (from the source) runs here; the student's functions run in the kernel."""
        cell.outputs = []
        judge = self._judge
        if gid not in self._tests:
            self._error(cell, "GradingError", "this test cell is not in the instructor's source")
            return
        code, setup = self._tests[gid]
        for setup_code, whole in setup:
            judge.add_setup(setup_code, whole)
        msg_id = self.kc.execute(judge.serve_code, silent=True, store_history=False, allow_stdin=False)
        passed, printed, ename, message = False, "", None, None
        try:
            judge.connect(timeout=min(60.0, timeout))
            passed, printed, ename, message = judge.run_test(code, timeout, name=gid)
        except JudgeTimeout:
            ename, message = "CellTimeoutError", (f"your code did not return within {timeout:.0f} s during this "
                                                  "test (an infinite loop, or code much slower than needed?)")
            self._flag("timeout", gid, f"{where}: the student's code did not return in {timeout:.0f} s")
        except JudgeError as err:
            ename, message = "GradingError", f"the grader lost contact with your kernel: {err}"
        finally:
            judge.end()
        self._settle(msg_id, gid, where)
        self._drain_iopub(msg_id)
        if not run_sync(self.km.is_alive)():
            self._died(gid, where)
            if passed:
                passed, ename, message = False, "KernelStopped", "the kernel stopped during this test"
        if printed:
            text = printed if len(printed) <= 20000 else printed[:20000] + "\n[... cut ...]\n"
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
        if not passed:
            self._error(cell, ename or "AssertionError", message or "")


class JailedExecute(JudgedCells, Execute):
    """Run a submission in a jailed kernel; judge its test cells outside it."""

    jail = Unicode(os.environ.get("TP_COURSE_JAIL", "bwrap"),
                   help="'bwrap' (the default: refuse to grade if bubblewrap does not work) or "
                        "'off' (no jail: only for a machine without bubblewrap, with a loud warning)"
                   ).tag(config=True)
    memory_limit_mb = Integer(int(os.environ.get("TP_COURSE_MEMORY_LIMIT_MB", "4096")),
                              help="Address-space limit of the kernel (MiB).").tag(config=True)
    notebook_timeout = Integer(int(os.environ.get("TP_COURSE_NOTEBOOK_TIMEOUT", "1200")),
                               help="Seconds for the whole notebook; the cells after it score 0.").tag(config=True)
    output_limit = Integer(1_000_000, help="Bytes of output kept per cell.").tag(config=True)
    notebook_output_limit = Integer(20_000_000, help="Bytes of output kept per notebook.").tag(config=True)
    max_copy_mb = Integer(100, help="Megabytes of the submission's folder copied for its kernel.").tag(config=True)
    max_code_cells = Integer(400, help="Code cells run at most (the rest are not run).").tag(config=True)
    start_attempts = Integer(3, help="Kernel starts tried before the submission is given up.").tag(config=True)
    unresponsive_grace = Integer(10, help="Seconds a kernel gets to answer after an interrupt.").tag(config=True)

    # ---------------------------------------------------------------- kernel start
    async def async_start_new_kernel(self, **kwargs):
        km = self.km
        km.transport = "ipc"
        km.ip = os.path.join(self._rundir, "kernel")
        km.connection_file = os.path.join(self._rundir, "kernel.json")
        spec = km.kernel_spec
        spec.interrupt_mode = "message"
        # ignore_cwd: a numpy.py in the submission must not shadow numpy
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                "--InteractiveShellApp.ignore_cwd=True"]
        env = jail.kernel_env()
        if self._jailed:
            km.write_connection_file()        # readable by the jailed user, in its run directory
            jail.hand_over(self._workdir, self._rundir)
            spec.argv = jail.bwrap_argv(argv, self._workdir, self._rundir, env, self.memory_limit_mb,
                                        bwrap=self._bwrap)
            kwargs["env"] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        else:
            spec.argv = argv
            kwargs["env"] = dict(env, HOME=self._rundir, IPYTHONDIR=os.path.join(self._rundir, "ipython"))
        kwargs["cwd"] = self._workdir
        log = open(os.path.join(self._scratch, "kernel.log"), "ab")
        kwargs.setdefault("stdout", log)
        kwargs.setdefault("stderr", log)
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    # ---------------------------------------------------------------- the notebook
    def preprocess(self, nb, resources=None, km=None):
        from nbclient.client import NotebookClient

        resources = resources if resources is not None else {}
        path = resources.get("metadata", {}).get("path") or os.getcwd()
        self._jailed = str(self.jail).lower() not in ("off", "0", "no", "false")
        if self._jailed:
            self._bwrap = jail.check_bwrap()      # raises: no grading without the jail
        else:
            self.log.warning("!!! TP_COURSE_JAIL=off: the grading kernel runs WITHOUT a jail: a submission can "
                             "read and change the course, the gradebook and other submissions !!!")
        self._scratch = tempfile.mkdtemp(prefix="tp-grade-")
        os.chmod(self._scratch, 0o711)
        self._workdir = os.path.join(self._scratch, "work")
        self._rundir = os.path.join(self._scratch, "run")
        os.makedirs(self._rundir)
        os.makedirs(self._workdir)
        skipped = copy_folder(Path(path), Path(self._workdir), Path("."), self.max_copy_mb * 1e6, 10_000)
        if skipped:
            add_flag(nb, "bad-file", None, "not copied for grading: " + "; ".join(skipped[:10]))
        src = _read_source_notebook(self, resources)
        if src is None:
            raise RuntimeError("the instructor's source notebook was not found: the tests cannot be judged")
        self._flag_suspicious(nb, src)
        self._init_judging(self._rundir, src.cells)
        resources.setdefault("metadata", {})["path"] = self._workdir
        NotebookClient.__init__(self, nb, km)
        self.error_on_timeout = {
            "ename": "CellTimeoutError",
            "evalue": f"this cell ran longer than {self.timeout} s and was stopped",
            "traceback": [f"CellTimeoutError: this cell ran longer than {self.timeout} s and was stopped "
                          "(an infinite loop, or code much slower than needed?). Its tests score 0."],
        }
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        try:
            for attempt in range(1, self.start_attempts + 1):
                ctx = self.setup_kernel()
                try:
                    ctx.__enter__()
                except Exception as err:  # contention: the kernel did not start in time
                    self.log.warning("kernel start failed (attempt %d of %d): %s", attempt, self.start_attempts, err)
                    try:
                        ctx.__exit__(None, None, None)
                    except Exception:
                        pass
                    if attempt == self.start_attempts:
                        raise RuntimeError(f"the grading kernel did not start ({attempt} attempts): {err}; "
                                           "nothing was recorded for this submission, grade it again") from err
                    self.startup_timeout = int(self.startup_timeout * 1.5)
                    continue
                try:
                    self._run_all(resources)
                finally:
                    ctx.__exit__(None, None, None)
                break
        finally:
            self._judge.close()
            shutil.rmtree(self._scratch, ignore_errors=True)
            resources.setdefault("metadata", {})["path"] = path
        self.set_widgets_metadata()
        return self.nb, self.resources

    @staticmethod
    def _flag_suspicious(nb, src):
        """Flag ``tampered`` the student's cells that reach for the grader's machinery."""
        instructor = {c.source.strip() for c in src.cells if c.cell_type == "code" and not nbutils.is_solution(c)}
        for cell in nb.cells:
            if cell.cell_type != "code" or cell.source.strip() in instructor:
                continue
            found = scan(cell.source)
            if found:
                gid = cell.metadata.get("nbgrader", {}).get("grade_id")
                add_flag(nb, "tampered", gid, "the code uses " + ", ".join(found[:8])
                         + ": not needed for the exercise (it cannot change a score: read the notebook)")

    def _run_all(self, resources):
        info = self.wait_for_reply(self.kc.kernel_info())
        self.nb.metadata["language_info"] = info["content"]["language_info"]
        start = time.monotonic()
        code_cells = 0
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            code_cells += 1
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            where = f"cell {index}" + (f" ('{gid}')" if gid else "")
            if self._dead is not None:
                cell.outputs = []
                self._error(cell, "KernelStopped", f"not run: the kernel stopped at {self._dead}. "
                            "0 points for this cell's tests.")
                continue
            left = self.notebook_timeout - (time.monotonic() - start)
            if left <= 0 or code_cells > self.max_code_cells:
                why = (f"the notebook used its {self.notebook_timeout} s" if left <= 0
                       else f"more than {self.max_code_cells} code cells")
                self._flag("timeout", gid, f"not run: {why}")
                self._dead = where + f" ({why})"
                cell.outputs = []
                self._error(cell, "GradingBudget", f"not run: {why}. 0 points for this cell's tests.")
                continue
            if is_test_cell(cell):
                self._judge_cell(cell, gid, where, min(self.timeout or 60, left))
            else:
                self._run_cell(cell, resources, index, gid, where)

    def _run_cell(self, cell, resources, index, gid, where):
        try:
            self.preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._died(gid, where)
            self._error(self.nb.cells[index], "KernelStopped", "the kernel stopped while running this cell "
                        "(os._exit, exit(), a crash or the memory limit?); the cells after it were not run.")
            return
        except (CellTimeoutError, TimeoutError) as err:
            self._error(cell, "CellTimeoutError", f"no answer from the kernel ({err})")
        cell = self.nb.cells[index]
        if getattr(self, "_exit_asked", False):   # exit(): the kernel shuts down soon; stop it now
            self._exit_asked = False
            self._stop_kernel()
            return self._died(gid, where)
        enames = [o.get("ename") for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if "MemoryError" in enames:
            self._flag("memory", gid, f"{where} went over the memory limit ({self.memory_limit_mb} MiB)")
        if "CellTimeoutError" in enames:
            self._flag("timeout", gid, f"{where} ran longer than {self.timeout} s and was stopped")
            try:
                msg_id = self.kc.execute("pass", silent=True, store_history=False)
                self._await_reply(msg_id, self.unresponsive_grace)
            except Exception:
                self._flag("crash", None, f"the kernel did not stop after the timeout at {where}; it was shut down")
                self._dead = where
                self._stop_kernel()
        if not run_sync(self.km.is_alive)():
            self._died(gid, where)

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        reply = kwargs.get("execute_reply") or {}
        for p in reply.get("content", {}).get("payload", []) or []:
            if p.get("source") == "ask_exit" and not p.get("keepkernel"):
                self._exit_asked = True

