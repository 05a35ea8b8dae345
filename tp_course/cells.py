"""What an nbgrader cell is, and its marked regions: the one place that reads them.

The predicates are nbgrader's own (``nbgrader.utils``); :func:`marked_lines` is the only
scanner of the ``### BEGIN SOLUTION`` / ``### BEGIN HIDDEN TESTS`` markers, and the helpers
below (hidden tests stripped, solution text, hidden line numbers) are built on it.
"""
from nbgrader import utils as nbutils

SOLUTION = "SOLUTION"
HIDDEN = "HIDDEN TESTS"
BEGIN_HIDDEN, END_HIDDEN = f"BEGIN {HIDDEN}", f"END {HIDDEN}"


def grade_id(cell):
    """The cell's nbgrader ``grade_id`` (None for a cell nbgrader does not know)."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def is_answer(cell):
    """A cell the student writes in (nbgrader ``solution``)."""
    return nbutils.is_solution(cell)


def is_test_cell(cell):
    """An auto-graded test cell (nbgrader ``grade`` and not ``solution``, code)."""
    return cell.cell_type == "code" and nbutils.is_grade(cell) and not nbutils.is_solution(cell)


def marked_lines(source, kinds=(HIDDEN,)):
    """Each line of ``source`` with where it stands in the regions of the given kinds.

    Yields ``(number, line, where)``, ``number`` from 1 (as in tracebacks) and ``where`` one of
    ``"begin"`` / ``"end"`` (a marker line such as ``### BEGIN HIDDEN TESTS``), ``"inside"``
    (between the two) or ``None`` (outside every region).
    """
    inside = False
    for number, line in enumerate(source.split("\n"), 1):
        if any(f"BEGIN {kind}" in line for kind in kinds):
            inside = True
            yield number, line, "begin"
        elif any(f"END {kind}" in line for kind in kinds):
            inside = False
            yield number, line, "end"
        else:
            yield number, line, "inside" if inside else None


def strip_hidden_tests(source, replacement=None):
    """``source`` without its hidden-test regions (markers included).

    ``replacement`` (a line) is put where each region was, at the marker's indent, if given.
    """
    out = []
    for _, line, where in marked_lines(source):
        if where == "begin" and replacement is not None:
            out.append(line[: len(line) - len(line.lstrip())] + replacement)
        elif where is None:
            out.append(line)
    return "\n".join(out)


def hidden_line_numbers(source):
    """Line numbers (from 1) of the hidden-test regions of ``source``, markers included."""
    return {n for n, _, where in marked_lines(source) if where is not None}


def solution_text(source):
    """A solution cell's source without its ``### BEGIN/END SOLUTION`` marker lines."""
    lines = [line for _, line, where in marked_lines(source, (SOLUTION,)) if where not in ("begin", "end")]
    return "\n".join(lines)


def answer_lines(source):
    """The lines inside the solution and hidden-test regions of ``source`` (markers excluded)."""
    return [line for _, line, where in marked_lines(source, (SOLUTION, HIDDEN)) if where == "inside"]
