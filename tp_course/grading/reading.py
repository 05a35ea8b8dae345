"""Reading a submitted notebook defensively (``Autograde.exporter_class``)."""
import json
import os

import nbformat
from nbconvert.exporters import NotebookExporter
from nbformat.notebooknode import NotebookNode
from traitlets import Integer


class BadSubmission(Exception):
    """A submitted file that cannot be graded; the message says why, in words."""


class CheckedNotebookExporter(NotebookExporter):
    """NotebookExporter that reads submissions defensively.

    - not UTF-8: decoded as Latin-1 (JSON's structure is ASCII), flagged ``bad-file``;
    - not JSON / not a notebook / bigger than ``max_file_mb``: ``BadSubmission`` with a
      one-line reason (logged as ``BAD SUBMISSION <file>: <reason>``); nbgrader then
      skips this student and grades the rest of the class;
    - nbformat 3: upgraded to 4 (flagged ``bad-file`` for the record).
    """

    max_file_mb = Integer(50, help="Largest notebook file accepted (MB).").tag(config=True)

    def from_filename(self, filename, resources=None, **kw):
        try:
            return self._from_filename(filename, resources, **kw)
        except BadSubmission as e:
            self.log.error("BAD SUBMISSION %s: %s", filename, e)
            raise

    def _from_filename(self, filename, resources=None, **kw):
        import datetime
        from nbconvert.exporters.exporter import ResourcesDict

        if resources is None:
            resources = ResourcesDict()
        if "metadata" not in resources or resources["metadata"] == "":
            resources["metadata"] = ResourcesDict()
        path, basename = os.path.split(filename)
        resources["metadata"]["name"] = os.path.splitext(basename)[0]
        resources["metadata"]["path"] = path
        modified = datetime.datetime.fromtimestamp(os.path.getmtime(filename), tz=datetime.timezone.utc)
        resources["metadata"]["modified_date"] = modified.strftime("%B %d, %Y")

        flags = resources.setdefault("tp_course", {}).setdefault("flags", [])
        size = os.path.getsize(filename)
        if size > self.max_file_mb * 1024 * 1024:
            raise BadSubmission(f"the notebook is {size / 2**20:.0f} MB, more than the "
                                f"{self.max_file_mb} MB accepted (huge outputs? clear them and resubmit)")
        with open(filename, "rb") as f:
            raw = f.read()
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            text = raw.decode("latin-1")
            flags.append({"flag": "bad-file", "cell": None,
                          "detail": f"not UTF-8 (byte {raw[e.start]:#x} at offset {e.start}); read as Latin-1"})
        try:
            data = json.loads(text)
        except ValueError as e:
            raise BadSubmission(f"not a valid notebook file: invalid JSON ({e}); "
                                "was it edited outside Jupyter or truncated?") from None
        if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
            raise BadSubmission("not a notebook: the JSON has no cells")
        major = data.get("nbformat")
        if major not in (3, 4):
            raise BadSubmission(f"unsupported notebook format version {major!r} (expected 4)")
        if major == 3:
            flags.append({"flag": "bad-file", "cell": None, "detail": "nbformat 3 notebook, upgraded to 4"})
        try:
            nb = nbformat.reads(text, as_version=4)
        except Exception as e:
            raise BadSubmission(f"not a valid notebook: {type(e).__name__}: {e}") from None
        # cells without the keys nbformat 4 requires would break later steps: repair them.
        for cell in nb.cells:
            cell.setdefault("metadata", NotebookNode())
            if not isinstance(cell.get("source", ""), str):
                src = cell.get("source")
                cell["source"] = "".join(src) if isinstance(src, list) else str(src)
            if cell.get("cell_type") == "code":
                cell.setdefault("outputs", [])
                cell.setdefault("execution_count", None)
        return self.from_notebook_node(nb, resources, **kw)
