"""The feedback pages: no hidden tests, what is not graded yet, formulas that render offline.

* :class:`HideHiddenTests` (first of ``GenerateFeedback.preprocessors``): no hidden test code.
* :class:`MarkNotGradedYet` (after nbgrader's ``GetGrades``): the written answers a human has
  not graded yet say so, and the total says it is provisional.
* :data:`TEMPLATES` and :func:`mathjax_bundle`: the MathJax of the feedback page and of the
  formgrader's page, without a CDN (set in ``nbgrader_config.py``).
* :class:`FeedbackExporter` (``GenerateFeedback.exporter_class``): nbconvert's HTML export
  without its second parse of the page.
"""
import functools
import importlib.resources
import re
from pathlib import Path

import jinja2
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat.v4 import new_markdown_cell
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from ..cells import hidden_line_numbers, is_test_cell, strip_hidden_tests

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
        self._test_counts = {c.get("execution_count") for c in nb.cells if is_test_cell(c)}
        self._test_counts.discard(None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if not (nbutils.is_grade(cell) and cell.cell_type == "code"):
            return cell, resources
        hidden_lines = hidden_line_numbers(cell.source)   # 1-based, as in tracebacks
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


# --- what a human has not graded yet -----------------------------------------------------

NOT_GRADED = ("**Not graded yet**: your instructor has not graded this answer yet; "
              "the 0 in its score is a placeholder.")


def _points(x):
    return f"{x:g} point{'' if x == 1 else 's'}"


class MarkNotGradedYet(NbGraderPreprocessor):
    """Say which answers wait for a human, and that the total is provisional (after GetGrades).

    Feedback is often made right after autograding, before anyone reads the written
    answers: nbgrader then shows such an answer as "0 / 2" and counts it 0 in the total,
    which reads like a grade. For each grade cell the gradebook still marks
    ``needs_manual_grade`` (an answer the student wrote and no human has scored), this adds
    :data:`NOT_GRADED` to the cell's comment (shown under a written answer), and a first
    cell says the total is provisional, with a link to each such cell. An answer left
    blank is not concerned: nbgrader scored it 0 ("No response."), which is final.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
            pending = {g.name: float(g.max_score) for g in notebook.grades if g.needs_manual_grade}
        if not pending:
            return nb, resources
        links = []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            gid = meta.get("grade_id")
            if gid not in pending or not meta.get("grade"):
                continue
            links.append(f"[{gid}](#{gid}) ({_points(pending[gid])})")
            if cell.cell_type == "markdown" or meta.get("solution"):
                meta["comment"] = NOT_GRADED + ("\n\n" + meta["comment"] if meta.get("comment") else "")
        total = sum(pending.values())
        nb.cells.insert(0, new_markdown_cell(
            f"**Provisional score**: {len(pending)} answer{'s' if len(pending) > 1 else ''} "
            f"({_points(total)}) not graded yet, counted 0 in the score above until your instructor "
            f"grades {'them' if len(pending) > 1 else 'it'}: {', '.join(links)}."))
        return nb, resources


# --- MathJax without a CDN ---------------------------------------------------------------

TEMPLATES = Path(__file__).resolve().with_name("templates")
"""Template folders put before nbgrader's (``HTMLExporter.extra_template_basedirs``).

``feedback/mathjax.html.j2`` and ``formgrade/mathjax.html.j2`` replace nbconvert's ``mathjax``
macro (a ``<script>`` from cdnjs) for nbgrader's two templates: nbgrader calls the macro
without a URL, so ``HTMLExporter.mathjax_url`` alone changes nothing.
"""


@functools.lru_cache(maxsize=None)
def mathjax_bundle(name):
    """The text of a MathJax 3 single-file component, to inline in a ``<script>`` element.

    A Jinja filter (``HTMLExporter.filters``): the feedback page's ``mathjax`` macro does
    ``{{ "tex-svg-full.js" | mathjax_bundle }}``.

    Why inline it: a student opens the feedback page from disk, often after
    ``nbgrader fetch_feedback``, which copies the ``.html`` file alone: a MathJax copy beside
    it would not travel, and a CDN needs the network. So the page carries its MathJax.
    Why MathJax 3's ``tex-svg-full.js`` (from the PyPI package ``django-static-mathjax``, the
    MathJax 3.2.2 distribution; about 2.2 MB per page): it is one file that needs nothing else,
    every TeX extension included and SVG output (no web fonts to fetch). MathJax 2 (what the
    formgrader uses, from ``jupyter-server-mathjax``) loads its input and output processors,
    extensions and fonts by URL at run time, so it cannot work from one inlined file.

    Parameters
    ----------
    name : str
        A file of MathJax 3's ``es5/`` folder, e.g. ``"tex-svg-full.js"``.

    Returns
    -------
    str
        The script, safe inside ``<script>...</script>`` (``</script`` written ``<\\/script``).
    """
    path = importlib.resources.files("mathjax") / "static" / "mathjax" / "es5" / name
    text = path.read_text(encoding="utf-8")
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.I)


# --- the page, rendered once ---------------------------------------------------------------

NO_ALT = "No description has been provided for this image"   # nbconvert's text
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)")


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in memory for the process (keyed by name and source)."""

    def __init__(self):
        self._code = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


class _RememberedHighlight:
    """nbconvert's code highlighter, remembering what it made in this process.

    Most code cells are the same on every student's page (the given code, the tests), so
    each is highlighted once. Of a cell's metadata the highlighter only reads
    ``magics_language`` (``nbconvert.filters.highlight._pygments_highlight``): the key.
    """

    MAX = 20_000
    _made = {}

    def __init__(self, highlight):
        self.highlight = highlight

    def __call__(self, source, language=None, metadata=None):
        key = (self.highlight.pygments_lexer, source, language, (metadata or {}).get("magics_language"))
        if key not in self._made:
            if len(self._made) >= self.MAX:
                self._made.clear()
            self._made[key] = self.highlight(source, language, metadata)
        return self._made[key]


class FeedbackExporter(HTMLExporter):
    """nbconvert's ``HTMLExporter`` for a class's feedback pages: the same page, made faster.

    - ``HTMLExporter.from_notebook_node`` renders the page, then parses it again with
      BeautifulSoup only to give images without one an ``alt`` text and ``tabindex="0"`` to
      the cells of JupyterLab's template. A feedback page (thousands of highlighted code
      tokens, 2 MB of MathJax inlined) takes longer to parse than to render: that pass was
      half of a grading run's feedback time. nbgrader's feedback template is the classic one
      (no ``jp-`` cells to give a ``tabindex``); the ``alt`` text is added here, in the
      page's body, by one substitution.
    - The templates are compiled once per process, not once per page, and each distinct
      code cell is highlighted once (:class:`_RememberedHighlight`).
    """

    _compiled = _CompiledTemplates()

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = self._compiled
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):
        # HTMLExporter.from_notebook_node up to its BeautifulSoup pass
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", _RememberedHighlight(highlight_code))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        head, tag, body = html.partition("<body")
        if not tag:   # a page without <body>: all of it
            head, body = "", html
        return head + tag + _IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', body), resources
