"""RebuildFromSource: the submission rebuilt around the instructor's cells (first sanitize step)."""
import nbformat
from nbformat.notebooknode import from_dict
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .flags import add_flag
from ..cells import strip_hidden_tests
from .source import _nbgrader_meta, _norm, _read_source_notebook


class RebuildFromSource(NbGraderPreprocessor):
    """Rebuild the submission around the source cells (first sanitize step).

    Every cell known to the gradebook comes back, once, in the source's order, with
    the source's metadata. Test and read-only cells come back with the source's text
    (hidden tests included). Answer cells keep the student's text (a missing one is
    restored empty). The student's other cells stay after the known cell they
    followed. Changes to test cells are flagged ``grade-cells-modified``.
    """

    missing_answer_code = Unicode("# (this answer cell was missing from the submission)").tag(config=True)
    missing_answer_markdown = Unicode("*(This answer cell was missing from the submission.)*").tag(config=True)

    def preprocess(self, nb, resources):
        nbr = resources["nbgrader"]
        flags = list(resources.get("tp_course", {}).get("flags", []))
        nb.metadata["tp_course"] = {"flags": []}
        for f in flags:
            add_flag(nb, f["flag"], f.get("cell"), f.get("detail", ""))

        with Gradebook(nbr["db_url"]) as gb:
            try:
                src_nb = gb.find_notebook(nbr["notebook"], nbr["assignment"])
            except MissingEntry:
                return nb, resources
            src = {c.name: (c.cell_type, bool(c.locked), c.source, c.checksum) for c in src_nb.source_cells}
            gb_order = [c.name for c in src_nb.source_cells]
            points = {c.name: float(c.max_score) for c in src_nb.grade_cells}
            solutions = {c.name for c in src_nb.solution_cells}
            tasks = {c.name for c in src_nb.task_cells}

        order = []
        src_file = _read_source_notebook(self, resources)
        if src_file is not None:
            for cell in src_file.cells:
                m = _nbgrader_meta(cell)
                gid = m.get("grade_id") if m else None
                if gid in src and gid not in order:
                    order.append(gid)
        order += [g for g in gb_order if g not in order]

        def modified(cell, detail):
            add_flag(nb, "grade-cells-modified", cell, detail)

        # 1. which occurrence of each known cell is kept (the last one, as nbgrader does)
        last = {}
        for i, cell in enumerate(nb.cells):
            m = _nbgrader_meta(cell)
            gid = m.get("grade_id") if m else None
            if gid in src:
                last[gid] = i

        # 2. walk the submission: known cells are anchors, other cells follow their anchor
        anchors = {None: []}
        student = {}
        seen_order = []
        current = None
        for i, cell in enumerate(nb.cells):
            m = _nbgrader_meta(cell)
            gid = m.get("grade_id") if m else None
            if gid in src and last[gid] == i:
                student[gid] = cell
                seen_order.append(gid)
                current = gid
                anchors.setdefault(gid, [])
                continue
            if gid in src:  # an earlier duplicate of a known cell
                if gid in solutions and gid not in points:
                    # a copy of an answer cell: keep it as an ordinary cell of the student
                    cell.metadata.pop("nbgrader", None)
                    anchors[current].append(cell)
                else:
                    modified(gid, f"cell '{gid}' was duplicated; the copy was removed")
                continue
            if m is not None and (m.get("grade") or m.get("solution") or m.get("locked") or m.get("task")
                                  or m.get("grade_id")):
                if m.get("grade") or m.get("locked"):
                    modified(gid, f"a cell carries nbgrader metadata with an unknown id {gid!r}; "
                                  "it is run as an ordinary cell")
                cell.metadata.pop("nbgrader", None)
            elif m is not None:
                cell.metadata.pop("nbgrader", None)
            anchors[current].append(cell)

        present = [g for g in order if g in student]
        if seen_order != present:
            modified(None, "cells were reordered; put back in the source's order "
                           f"(submitted: {', '.join(seen_order)})")

        # 3. rebuild
        cells = list(anchors[None])
        for gid in order:
            ctype, locked, source, checksum = src[gid]
            is_grade, is_sol, is_task = gid in points, gid in solutions, gid in tasks
            meta = {"grade": is_grade, "grade_id": gid, "locked": locked, "schema_version": 3,
                    "solution": is_sol, "task": is_task, "checksum": checksum}
            if is_grade:
                meta["points"] = points[gid]
            old = student.get(gid)
            if is_sol:  # the student's answer
                if old is None:
                    text = self.missing_answer_code if ctype == "code" else self.missing_answer_markdown
                    if is_grade:
                        modified(gid, f"answer cell '{gid}' was deleted; restored empty")
                    else:
                        add_flag(nb, "grade-cells-modified", gid, f"answer cell '{gid}' was deleted; restored empty")
                    cell = self._new_cell(ctype, text)
                else:
                    cell = old
                    if cell.cell_type != ctype:
                        modified(gid, f"answer cell '{gid}' changed type {cell.cell_type} -> {ctype}")
                        cell = self._new_cell(ctype, cell.source)
                    cell.metadata.pop("editable", None)
                    cell.metadata.pop("deletable", None)
                    self._check_meta(old, meta, gid, modified)
            else:  # test, read-only or task cell: the source's text
                if old is None:
                    if is_grade:
                        modified(gid, f"test cell '{gid}' was deleted; restored from the source")
                else:
                    self._check_meta(old, meta, gid, modified)
                    if is_grade and old.cell_type != ctype:
                        modified(gid, f"test cell '{gid}' changed type {ctype} -> {old.cell_type}; restored")
                    elif is_grade and _norm(strip_hidden_tests(old.get("source", ""))) != _norm(strip_hidden_tests(source)):
                        modified(gid, f"test cell '{gid}' was edited; restored from the source")
                cell = self._new_cell(ctype, source)
                if old is not None and "tags" in old.metadata:
                    cell.metadata["tags"] = old.metadata["tags"]
                cell.metadata["deletable"] = False
                cell.metadata["editable"] = False
            cell.metadata["nbgrader"] = from_dict(meta)
            cells.append(cell)
            cells.extend(anchors.get(gid, []))
        nb.cells = cells
        return nb, resources

    @staticmethod
    def _new_cell(ctype, source):
        if ctype == "code":
            return nbformat.v4.new_code_cell(source)
        return nbformat.v4.new_markdown_cell(source)

    @staticmethod
    def _check_meta(old, meta, gid, modified):
        m = _nbgrader_meta(old) or {}
        changes = []
        for key in ("grade", "solution", "locked", "task"):
            if bool(m.get(key, False)) != bool(meta[key]) and not (key == "locked" and meta["solution"]):
                changes.append(f"{key} {bool(meta[key])} -> {bool(m.get(key, False))}")
        if meta["grade"]:
            try:
                pts = float(m.get("points", meta["points"]))
            except (TypeError, ValueError):
                pts = None
            if pts != meta["points"]:
                changes.append(f"points {meta['points']:g} -> {m.get('points')!r}")
        if changes:
            modified(gid, f"metadata of '{gid}' changed ({'; '.join(changes)}); restored")
