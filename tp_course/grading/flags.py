"""Flags: what a human should look at in a graded submission.

Stored in each autograded notebook's ``metadata["tp_course"]["flags"]``, a list of
``{"flag": kind, "cell": grade_id or None, "detail": "..."}``; ``tp-course grade`` reads them
back for the score table.
"""
import json

FLAG_KINDS = ("tampered", "timeout", "crash", "grade-cells-modified", "memory", "bad-file")


def add_flag(nb, flag, cell=None, detail=""):
    """Append a flag to ``nb.metadata["tp_course"]["flags"]`` (no exact duplicates)."""
    assert flag in FLAG_KINDS, flag
    meta = nb.metadata.setdefault("tp_course", {})
    flags = meta.setdefault("flags", [])
    entry = {"flag": flag, "cell": cell, "detail": detail}
    if entry not in flags:
        flags.append(entry)
    return entry


def read_flags(notebook_path):
    """Flags of an autograded notebook (``[]`` if none, or if it cannot be read)."""
    try:
        with open(notebook_path, encoding="utf-8") as f:
            nb = json.load(f)
    except (OSError, ValueError):
        return []
    return list(nb.get("metadata", {}).get("tp_course", {}).get("flags", []))
