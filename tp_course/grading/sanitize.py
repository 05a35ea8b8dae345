"""Keep student content from running in the feedback pages and the formgrader.

nbgrader renders a student's notebook to HTML twice: the feedback page sent back to the
student (``GenerateFeedback``) and the formgrader page the instructor grades in, which
is served from the instructor's Jupyter server (same origin as their session). Neither
sanitizes anything: a ``<script>`` in a markdown answer, an ``onerror=`` in a text/html
output or a ``Javascript()`` display runs in those pages.

The content is cleaned, not the final page (the page carries the template's own
scripts: MathJax, jQuery, the formgrader's JS):

* :class:`SanitizeOutputs`, a preprocessor, keeps only inert outputs and neutralises raw
  HTML in markdown cells. Run it at the end of autograding (the formgrader renders the
  autograded notebook as it is on disk) and again before the feedback is rendered.
* :func:`find_active_content` lists everything in a page that can run script, so that a
  page can be compared with the one a clean notebook gives.
* :func:`sanitize_html` cleans an HTML *fragment* (nbconvert's bleach filter).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.filters.strings import clean_html
from nbformat.notebooknode import from_dict
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

__all__ = ["SanitizeOutputs", "find_active_content", "neutralise_markdown", "sanitize_html"]

RASTER_MIMETYPES = ("image/png", "image/jpeg")
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
# A "<" starts a tag (or comment, doctype...) only when one of these follows it.
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_SCRIPT_URL = re.compile(r"(javascript|vbscript):|data:text/html")
_EMBEDS = {"iframe", "frame", "object", "embed", "base"}
_NOTE = "\n[... {} characters not shown]\n"
_NOTE_ROOM = len(_NOTE.format(10 ** 15))


def _text(value):
    """Return a notebook string field (str or list of lines) as one str."""
    return "".join(value) if isinstance(value, list) else str(value)


def _count(value):
    """Return ``value`` if it is a non-negative int (a count, a size), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _is_raster(mimetype, data):
    """Whether ``data`` is a base64 PNG/JPEG, safe to put in an ``<img src="data:...">``."""
    return mimetype in RASTER_MIMETYPES and isinstance(data, str) and bool(_BASE64.fullmatch(data))


def _render_markdown(source, attachments):
    """Render markdown the way nbconvert's HTMLExporter.markdown2html filter does."""
    renderer = IPythonRenderer(escape=False, attachments=attachments)
    return MarkdownWithMath(renderer=renderer).render(source)


def _is_active(html):
    """Whether rendered markdown may run script: active HTML, or a script URL in its text.

    The text matters too: MathJax turns ``\\href{javascript:...}{...}`` into a link.
    """
    flat = re.sub(r"[\x00-\x20]+", "", html).lower()
    return bool(find_active_content(html)) or bool(_SCRIPT_URL.search(flat))


def neutralise_markdown(source, attachments=None):
    """Return markdown ``source`` with no raw HTML in it.

    A space is put after every ``<`` that would open a tag, so ``<script>`` shows as
    the text ``< script>``. Math keeps working (``$a<b$`` becomes ``$a< b$``, the same
    formula for MathJax; escaping to ``&lt;`` would not do: nbconvert escapes the math
    again and MathJax would see ``&lt;``), so do blockquotes (``>`` is untouched).
    The result is rendered as nbconvert will render it; if it can still run script
    (e.g. a ``[link](javascript:...)``, which nbconvert lets through) the whole cell
    is shown as a fenced code block instead.

    Parameters
    ----------
    source : str
        The markdown text of the cell.
    attachments : dict, optional
        The cell's attachments (used by ``![](attachment:...)`` images).

    Returns
    -------
    str
        Markdown that renders without any tag or URL of the student's making that
        can run script.
    """
    safe = _TAG_OPEN.sub("< ", source)
    if not _is_active(_render_markdown(safe, attachments or {})):
        return safe
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", safe)), default=0))
    as_code = f"{fence}\n{safe}\n{fence}\n"  # MathJax leaves <pre><code> alone
    if not find_active_content(_render_markdown(as_code, {})):
        return as_code
    return "[cell removed: it contained content that could run in the grading pages]"


class SanitizeOutputs(NbGraderPreprocessor):
    """Make a notebook inert for the feedback page and the formgrader.

    * Code cells keep only ``stream``, ``error``, ``execute_result`` and
      ``display_data`` outputs; rich outputs keep only ``text/plain`` and base64
      ``image/png`` / ``image/jpeg`` (HTML, markdown, LaTeX, SVG, JavaScript,
      widgets... are dropped). A rich output left empty is replaced by a text
      note. Output metadata is dropped, except integer image ``width``/``height``.
    * The stream text of a cell is capped at :attr:`max_chars` characters.
    * Markdown cells lose their raw HTML (see :func:`neutralise_markdown`) and
      their attachments that are not PNG/JPEG images.
    * Raw cells lose their ``raw_mimetype`` (so none is rendered); the notebook
      loses its widget state.

    The number of outputs dropped or altered is added to
    ``nb.metadata["tp_course"]["sanitized"]``. Running it twice changes nothing more.

    Put it in ``Autograde.autograde_preprocessors`` after ``SaveAutoGrades`` (it edits
    markdown answers, which nbgrader checksums) and in ``GenerateFeedback.preprocessors``.
    """

    max_chars = Integer(
        100_000, help="Most characters of stream output (stdout + stderr) shown per cell."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        """Sanitize every cell and record the count in the notebook metadata."""
        self._altered = 0
        nb.metadata.pop("widgets", None)
        nb, resources = super().preprocess(nb, resources)
        meta = nb.metadata.setdefault("tp_course", {})
        meta["sanitized"] = (_count(meta.get("sanitized")) or 0) + self._altered
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        """Sanitize one cell (see the class docstring)."""
        if cell.cell_type == "code":
            cell.execution_count = _count(cell.get("execution_count"))
            outputs = [self._clean_output(out) for out in cell.get("outputs", [])]
            cell.outputs = self._cap_streams([out for out in outputs if out is not None])
        elif cell.cell_type == "markdown":
            attachments = {
                name: {mime: data for mime, data in bundle.items() if _is_raster(mime, data)}
                for name, bundle in cell.get("attachments", {}).items()
            }
            attachments = {name: bundle for name, bundle in attachments.items() if bundle}
            if attachments:
                cell.attachments = from_dict(attachments)
            else:
                cell.pop("attachments", None)
            cell.source = neutralise_markdown(_text(cell.source), attachments)
        elif cell.cell_type == "raw":
            cell.metadata.pop("raw_mimetype", None)
            cell.metadata.pop("format", None)
        return cell, resources

    def _clean_output(self, out):
        """Return an inert copy of one output, or None to drop it."""
        kind = out.get("output_type")
        if kind == "stream":
            name = out.get("name") if out.get("name") in ("stdout", "stderr") else "stdout"
            return from_dict({"output_type": "stream", "name": name, "text": _text(out.get("text", ""))})
        if kind == "error":
            return from_dict({
                "output_type": "error",
                "ename": _text(out.get("ename", "")),
                "evalue": _text(out.get("evalue", "")),
                "traceback": [_text(line) for line in out.get("traceback", [])],
            })
        if kind not in ("execute_result", "display_data"):
            self._altered += 1
            return None
        data, removed = {}, []
        for mime, value in out.get("data", {}).items():
            if mime == "text/plain":
                data[mime] = _text(value)
            elif _is_raster(mime, value):
                data[mime] = value
            else:
                removed.append(mime)
        if removed:
            self._altered += 1
        if not data:
            data["text/plain"] = f"[output removed: {', '.join(removed) or 'empty output'} is not shown in grading]"
        metadata = {}
        for mime in RASTER_MIMETYPES:
            meta = out.get("metadata", {}).get(mime)
            size = {key: _count(meta.get(key)) for key in ("width", "height")} if isinstance(meta, dict) else {}
            size = {key: value for key, value in size.items() if value is not None}
            if mime in data and size:
                metadata[mime] = size
        clean = {"output_type": kind, "data": data, "metadata": metadata}
        if kind == "execute_result":
            clean["execution_count"] = _count(out.get("execution_count"))
        return from_dict(clean)

    def _cap_streams(self, outputs):
        """Keep at most :attr:`max_chars` characters of stream text in ``outputs``."""
        budget, hidden, kept, last = self.max_chars, 0, [], None
        for out in outputs:
            if out.output_type != "stream":
                kept.append(out)
            elif hidden:  # the cap is already reached: drop the rest
                hidden += len(out.text)
                self._altered += 1
            elif len(out.text) <= budget:
                budget -= len(out.text)
                kept.append(out)
            else:
                keep = max(0, budget - _NOTE_ROOM)
                hidden = len(out.text) - keep
                out.text, last = out.text[:keep], out
                kept.append(out)
                self._altered += 1
        if last is not None:
            last.text += _NOTE.format(hidden)
        return kept


class _ActiveContent(HTMLParser):
    """Collect scripts, event handlers, script URLs and embedded frames of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._script = [], None

    def handle_starttag(self, tag, attrs):
        attrs = [(name, value or "") for name, value in attrs]
        if tag == "script":
            self._script = "<script " + " ".join(f"{n}={v}" for n, v in attrs) + ">"
        if tag in _EMBEDS:  # reported whole, attributes included
            self.found.append(f"<{tag} " + " ".join(f"{n}={v}" for n, v in attrs) + ">")
            return
        for name, value in attrs:
            flat = re.sub(r"[\x00-\x20]+", "", value).lower()
            if name.startswith("on") or _SCRIPT_URL.search(flat):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_data(self, data):
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.found.append(self._script.strip())
            self._script = None


def find_active_content(html: str) -> list[str]:
    """List everything in ``html`` that can run script, in document order.

    That is each ``<script>`` (its attributes and inline text), each ``on*=`` event
    handler, each attribute whose value holds a ``javascript:``, ``vbscript:`` or
    ``data:text/html`` URL, and each ``<iframe>``, ``<frame>``, ``<object>``,
    ``<embed>`` and ``<base>``. It is an audit, not a sanitizer: compare a page with
    the page of a clean notebook, the template's own scripts are the same in both.

    Parameters
    ----------
    html : str
        A whole page or a fragment.

    Returns
    -------
    list of str
        One short description per item found (empty if the HTML is inert).
    """
    parser = _ActiveContent()
    parser.feed(html)
    parser.close()
    return parser.found


def sanitize_html(html: str) -> str:
    """Clean an HTML fragment with nbconvert's own sanitizer (bleach, ``clean_html``).

    Disallowed tags are escaped and disallowed attributes dropped. For fragments only
    (e.g. one output): on a whole nbconvert page it would also break the template's own
    scripts and styles, so pages are made safe with :class:`SanitizeOutputs` instead.

    Parameters
    ----------
    html : str
        An HTML fragment.

    Returns
    -------
    str
        The fragment without scripts, event handlers or ``javascript:`` links.
    """
    return str(clean_html(html))
