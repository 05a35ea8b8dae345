"""Authoring: one source of truth per notebook; generated folders must be fresh."""
import json

import jupytext
import pytest

from conftest import ROOT
from tp_course.build import assignments, notebook_sources, stale, to_ipynb


def test_repository_source_and_release_are_up_to_date():
    assert stale(ROOT) == []


@pytest.mark.parametrize("py", [p for a in assignments(ROOT) for p in notebook_sources(ROOT, a)],
                         ids=lambda p: p.stem)
def test_jupytext_round_trip_keeps_nbgrader_metadata(py):
    nb = to_ipynb(py)
    assert any("nbgrader" in c.metadata for c in nb.cells), "no nbgrader cell in the notebook"
    again = jupytext.reads(jupytext.writes(nb, fmt="py:percent"), fmt="py:percent")
    meta = lambda n: [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in n.cells]
    assert meta(again) == meta(nb)


def test_stale_detects_an_edited_source(mini_course):
    assert stale(mini_course) == []
    py = mini_course / "notebooks" / "tp0" / "tp0_mini.py"
    py.write_text(py.read_text().replace("return x * x", "return x * x  # edited"))
    problems = stale(mini_course)
    # the edit is inside the solution region: the release (a stub there) does not change
    assert problems == ["source/tp0/tp0_mini.ipynb is stale: run `tp-course build` "
                        "(or, if you edited the .ipynb, sync it with `jupytext --sync`)"]
    py.write_text(py.read_text().replace("Mini assignment", "Mini assignment (edited)"))
    assert [p.split(" is ")[0] for p in stale(mini_course)] == ["source/tp0/tp0_mini.ipynb",
                                                                 "release/tp0/tp0_mini.ipynb"]


def test_stale_detects_a_hand_edited_release(mini_course):
    rel = mini_course / "release" / "tp0" / "tp0_mini.ipynb"
    nb = json.loads(rel.read_text())
    nb["cells"][0]["source"] = "# changed by hand"
    rel.write_text(json.dumps(nb))
    assert stale(mini_course) == ["release/tp0/tp0_mini.ipynb is stale: run `tp-course build` "
                                  "(or, if you edited the .ipynb, sync it with `jupytext --sync`)"]


def test_release_has_stubs_and_no_hidden_tests(mini_course):
    text = (mini_course / "release" / "tp0" / "tp0_mini.ipynb").read_text()
    assert "NotImplementedError" in text
    assert "HIDDEN TESTS" not in text and "assert_allclose" not in text
    assert "return x * x" not in text
