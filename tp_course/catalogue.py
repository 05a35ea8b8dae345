"""Wrong answers and alternative correct answers, per assignment.

Each assignment has a file ``catalogue/<assignment>.py`` defining::

    WRONG = [Wrong(name, cell, code, fails, why), ...]
    ALTERNATIVES = [Alternative(name, cell, code), ...]

A catalogue entry stands for a student's answer cell. The student's cell is the
instructor's solution cell followed by ``code``: ``code`` only redefines what
is wrong (or, for an alternative, what is written differently).
"""
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path


def variant(base, *edits):
    """``base`` code with each ``(old, new)`` replaced once: one slip in a correct template.

    Raises ``ValueError`` if ``old`` does not occur exactly once, so a template edit that no
    longer applies is caught when the catalogue loads.
    """
    for old, new in edits:
        if base.count(old) != 1:
            raise ValueError(f"catalogue: {old!r} occurs {base.count(old)} times in the template")
        base = base.replace(old, new)
    return base


@dataclass(frozen=True)
class Wrong:
    """A plausible wrong answer that must lose points.

    name : short id, e.g. ``"sigmoid-naive-overflow"``
    cell : grade_id of the answer (solution) cell it replaces
    code : the wrong code appended to the solution cell
    fails : grade_ids of the test cells that must lose points
    why : the mistake, in words (shown in ``tp-course check``)
    keeps : grade_ids of later test cells that must keep their points (a slip is charged once)
    also : {grade_id: code} for later answer cells, written the student's way (e.g. a backward
        pass that calls the student's own softmax), so ``keeps`` is proven for such students too
    """
    name: str
    cell: str
    code: str
    fails: tuple
    why: str = ""
    keeps: tuple = ()
    also: dict = field(default_factory=dict)

    def __post_init__(self):
        for name in ("fails", "keeps"):
            value = getattr(self, name)
            object.__setattr__(self, name, tuple([value] if isinstance(value, str) else value))


@dataclass(frozen=True)
class Alternative:
    """A correct answer written differently, that must keep full marks."""
    name: str
    cell: str
    code: str
    why: str = ""


@dataclass
class Catalogue:
    assignment: str
    wrong: list = field(default_factory=list)
    alternatives: list = field(default_factory=list)


def catalogue_dir(root):
    return Path(root) / "catalogue"


def load(root, assignment):
    """Load ``catalogue/<assignment>.py``; an empty catalogue if it does not exist."""
    path = catalogue_dir(root) / f"{assignment}.py"
    if not path.exists():
        return Catalogue(assignment)
    spec = importlib.util.spec_from_file_location(f"catalogue_{assignment}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return Catalogue(assignment, list(getattr(mod, "WRONG", [])), list(getattr(mod, "ALTERNATIVES", [])))
