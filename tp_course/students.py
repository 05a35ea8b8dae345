"""Simulated students: submissions made from the release and the solutions.

A simulated submission is the release notebook with some answer cells filled:
with the instructor's solution (a reference student), with the solution followed
by a catalogue entry's code (a wrong or alternative answer), or left blank.
"""
import copy

import nbformat

from .cells import grade_id, is_answer, solution_text


def fill(release_nb, source_nb, extra=None, blank=()):
    """A student's notebook: every answer cell solved, except the ``blank`` ones.

    Parameters
    ----------
    release_nb, source_nb : NotebookNode
    extra : dict grade_id -> str
        Code appended to the solution of that answer cell (a catalogue entry).
    blank : iterable of grade_id, or "all"
        Answer cells left as released.
    """
    extra = extra or {}
    solutions = {grade_id(c): c for c in source_nb.cells if is_answer(c)}
    unknown = set(extra) - set(solutions)
    if unknown:
        raise KeyError(f"no answer cell with grade_id {sorted(unknown)} in the source notebook")
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        gid = grade_id(cell)
        if not is_answer(cell) or blank == "all" or gid in blank:
            continue
        text = solution_text(solutions[gid].source)
        if gid in extra:
            text = text.rstrip() + "\n\n" + extra[gid].strip() + "\n"
        cell.source = text
    return nb


def write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


CHEAT = """
# "make every test pass": useless against the judge (tests run outside the kernel), flagged tampered
import numpy as _np, tp_utils.testing as _t
_np.testing.assert_allclose = lambda *a, **k: None
_np.allclose = lambda *a, **k: True
_t.check_array = _t.check_scalar = _t.check_shape = lambda *a, **k: None
"""


def simulated_class(source_nb, release_nb, catalogue):
    """A small class for one notebook: {student_id: notebook}.

    - ``ref_solution``: the instructor's solution;
    - ``blank_release``: the release, untouched;
    - ``alt_correct``: every answer cell written another correct way (first alternative per cell);
    - ``wrong_1`` .. ``wrong_3``: each gets a catalogued wrong answer in every third answer cell
      (the rest solved), so the scores differ;
    - ``cheater``: wrong answers everywhere, plus monkeypatched checks (see ``CHEAT``).
    """
    order = [grade_id(c) for c in source_nb.cells if is_answer(c) and c.cell_type == "code"]
    students = {"ref_solution": fill(release_nb, source_nb), "blank_release": fill(release_nb, source_nb, blank="all")}
    alt = {}
    for e in catalogue.alternatives:
        if e.cell in order:
            alt.setdefault(e.cell, e.code)
    if alt:
        students["alt_correct"] = fill(release_nb, source_nb, extra=alt)
    wrong = {}
    for e in catalogue.wrong:
        wrong.setdefault(e.cell, []).append(e.code)
    cells = [c for c in order if c in wrong]
    for k in range(3):
        extra = {c: wrong[c][k % len(wrong[c])] for j, c in enumerate(cells) if j % 3 == k}
        if extra:
            students[f"wrong_{k + 1}"] = fill(release_nb, source_nb, extra=extra)
    if cells:
        extra = {c: wrong[c][0] for c in cells}
        extra[cells[0]] = CHEAT + "\n" + extra[cells[0]]
        students["cheater"] = fill(release_nb, source_nb, extra=extra)
    return students
