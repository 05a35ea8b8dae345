"""The one-kernel harness behind `tp-course check`."""
import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from tp_course.catalogue import Alternative, Wrong
from tp_course.check import run_catalogue


def _meta(gid, test=False):
    return {"nbgrader": {"grade": test, "grade_id": gid, "locked": test, "schema_version": 3,
                         "solution": not test, "task": False, **({"points": 1} if test else {})}}


def test_entries_do_not_leak_into_each_other(tmp_path):
    nb = new_notebook(cells=[
        new_code_cell("### BEGIN SOLUTION\ndef f(x):\n    return x + 1\ndef g(x):\n    return 2 * x\n### END SOLUTION",
                      metadata=_meta("fg")),
        new_code_cell("assert f(1) == 2\nassert g(3) == 6", metadata=_meta("test_fg", test=True)),
        new_code_cell("assert f(0) == 1", metadata=_meta("test_f", test=True)),
        new_code_cell("assert g(1) == 2", metadata=_meta("test_g", test=True)),
        new_code_cell("### BEGIN SOLUTION\ndef h(x):\n    return x\n### END SOLUTION", metadata=_meta("h")),
        # test_h hands h a correct f (a slip in f is charged once); test_h_raw does not
        new_code_cell("_f = f\ndef f(x):\n    return x + 1\ntry:\n    assert h(5) == 5\nfinally:\n    f = _f",
                      metadata=_meta("test_h", test=True)),
        new_code_cell("assert h(5) == 5", metadata=_meta("test_h_raw", test=True)),
    ])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    entries = [
        Wrong("g-wrong", cell="fg", fails=["test_fg"], code="def g(x):\n    return 3 * x"),
        Alternative("f-other", cell="fg", code="def f(x):\n    return 1 + x"),
        Wrong("f-wrong", cell="fg", fails=["test_fg"], code="def f(x):\n    return x"),
        Wrong("not-wrong", cell="fg", fails=["test_fg"], code="def g(x):\n    return x + x"),
        Wrong("bad-cell", cell="nope", fails=["test_fg"], code="pass"),
        Wrong("charged-once", cell="fg", fails=["test_f"], keeps=["test_g"], code="def f(x):\n    return x"),
        Wrong("charged-twice", cell="fg", fails=["test_f"], keeps=["test_g"], code="def g(x):\n    return x"),
        Wrong("reuse-charged-once", cell="fg", fails=["test_f"], keeps=["test_h"],
              also={"h": "def h(x):\n    return f(x) - 1"}, code="def f(x):\n    return x"),
        Wrong("reuse-charged-twice", cell="fg", fails=["test_f"], keeps=["test_h_raw"],
              also={"h": "def h(x):\n    return f(x) - 1"}, code="def f(x):\n    return x"),
    ]
    base, seconds, results = run_catalogue(path, entries)
    assert base == {"test_fg": True, "test_f": True, "test_g": True, "test_h": True, "test_h_raw": True}
    assert seconds >= 0
    by = {r.name: r for r in results}
    assert by["g-wrong"].ok and by["g-wrong"].lost == {"test_fg": 1.0}
    assert by["charged-once"].ok, by["charged-once"].error
    assert not by["charged-twice"].ok and by["charged-twice"].error == "passes test_f; also fails test_g (should keep its points)"
    assert by["f-other"].ok, by["f-other"].error        # g is the solution's again
    assert by["f-wrong"].ok
    # f wrong, and the student's h written as f(x) - 1: test_h keeps its points, test_h_raw does not
    assert by["reuse-charged-once"].ok, by["reuse-charged-once"].error
    assert by["reuse-charged-twice"].error == "also fails test_h_raw (should keep its points)"
    assert not by["not-wrong"].ok and by["not-wrong"].error == "passes test_fg"
    assert not by["bad-cell"].ok and "no answer cell 'nope'" in by["bad-cell"].error
