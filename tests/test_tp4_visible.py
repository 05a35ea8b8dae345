"""TP4's visible tests catch the slips a student should learn about before grading.

The release notebook (visible tests only), filled with the instructor's solution, is run by the
catalogue's harness (judged as at grading); each wrong answer listed in ``catalogue/tp4.py``'s
``VISIBLE`` must fail the test cells it names there, with no hidden test to help.
"""
import importlib.util

import nbformat

from tp_course.check import Harness
from tp_course.cells import grade_id
from tp_course.students import fill

from conftest import ROOT


def _visible_notebook(tmp_path, last_test):
    """The filled release of TP4, cut after the test cell ``last_test`` (the MNIST runs come later)."""
    release = nbformat.read(str(ROOT / "release" / "tp4" / "tp4_training.ipynb"), as_version=4)
    source = nbformat.read(str(ROOT / "source" / "tp4" / "tp4_training.ipynb"), as_version=4)
    nb = fill(release, source)
    assert not any("HIDDEN TESTS" in c.source for c in nb.cells)
    stop = next(i for i, c in enumerate(nb.cells) if grade_id(c) == last_test)
    nb.cells = nb.cells[:stop + 1]
    path = tmp_path / "tp4_training.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_the_visible_tests_of_tp4_catch_these_slips(tmp_path):
    spec = importlib.util.spec_from_file_location("catalogue_tp4_visible", ROOT / "catalogue" / "tp4.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    entries = {e.name: e for e in module.WRONG}
    assert module.VISIBLE and set(module.VISIBLE) <= set(entries), set(module.VISIBLE) - set(entries)
    with Harness(_visible_notebook(tmp_path, "test_train")) as h:
        base = h.run_all()
        assert base and all(base.values()), f"the solution fails a visible test: {base}"
        uncaught = []
        for e in (entries[name] for name in module.VISIBLE):
            passed = h.variant(e.cell, e.code, e.fails, e.also)
            uncaught += [f"{e.name}: passes the visible part of {t}" for t in e.fails if passed.get(t, True)]
    assert not uncaught, uncaught
