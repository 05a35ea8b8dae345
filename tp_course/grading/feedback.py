"""Feedback without the hidden tests (first of ``GenerateFeedback.preprocessors``)."""
import re

from nbgrader import utils as nbutils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .source import BEGIN_HIDDEN, END_HIDDEN, strip_hidden_tests

_CELL_RE = re.compile(r"Cell In\s*\[(\d+)\]")


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback without the hidden tests' code (first of GenerateFeedback.preprocessors).

    In each test cell: the hidden region is replaced by one comment line, and error
    tracebacks keep only the frames of the student's own cells and the final
    ``ErrorName: message`` line (the frames of the test cell and of grader-only
    modules would show hidden code).
    """

    placeholder = Unicode("# ... hidden tests (not shown) ...").tag(config=True)

    def preprocess(self, nb, resources):
        # tracebacks may only show frames of cells that are not test cells
        self._test_counts = {c.get("execution_count") for c in nb.cells
                             if c.cell_type == "code" and nbutils.is_grade(c) and not nbutils.is_solution(c)}
        self._test_counts.discard(None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if not (nbutils.is_grade(cell) and cell.cell_type == "code"):
            return cell, resources
        # which lines of the cell are hidden tests (1-based, as in tracebacks)
        hidden_lines, inside = set(), False
        for n, line in enumerate(cell.source.split("\n"), 1):
            if BEGIN_HIDDEN in line:
                inside = True
            if inside:
                hidden_lines.add(n)
            if END_HIDDEN in line:
                inside = False
        cell.source = strip_hidden_tests(cell.source, self.placeholder)
        own = cell.get("execution_count")
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            kept, note = [], ""
            for frame in (out.get("traceback") or [])[:-1]:
                plain = _strip_ansi(frame)
                m = _CELL_RE.search(plain)
                if not m:
                    continue
                if int(m.group(1)) == own:
                    line = re.search(r"line (\d+)", plain)
                    if line and int(line.group(1)) in hidden_lines:
                        note = "(the failing check is in the hidden tests)"
                    elif line:
                        note = "(the failing check is in the visible tests above)"
                elif int(m.group(1)) not in self._test_counts:
                    kept.append(frame)  # the student's own code
            last = f"\x1b[0;31m{out.get('ename', 'Error')}\x1b[0m: {out.get('evalue', '')}"
            out["traceback"] = ([note] if note else []) + kept + [last]
        return cell, resources


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _strip_ansi(s):
    return _ANSI.sub("", s)
