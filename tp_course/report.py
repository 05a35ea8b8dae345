"""What a grading run shows and writes: the table in the terminal, the CSV, the JSON report."""
import csv
import json
from pathlib import Path


def write_csv(results, path):
    """One row per student and assignment: scores, flags, where the feedback is."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment", "auto_score", "auto_max", "manual_max", "manual_score", "to_grade",
                    "to_grade_max", "flags", "feedback"])
        for r in results:
            w.writerow([r.student, r.assignment, f"{r.auto_score:g}", f"{r.auto_max:g}", f"{r.manual_max:g}",
                        f"{r.manual_score:g}", r.to_grade, f"{r.to_grade_max:g}", " | ".join(r.flags), r.feedback])
    return path


def _short_flags(flags):
    """One phrase per kind of flag: the first in full, then how many more (the CSV has them all)."""
    groups = {}
    for f in flags:
        groups.setdefault(f.split(":")[0], []).append(f)
    return "; ".join(g[0] + (f" (+{len(g) - 1} more)" if len(g) > 1 else "") for g in groups.values())


def _written(r):
    """The written answers of one result: what is left for a human, else their score."""
    if r.to_grade:
        return f"{r.to_grade} to grade ({r.to_grade_max:g} pt{'' if r.to_grade_max == 1 else 's'})"
    return f"{r.manual_score:g}/{r.manual_max:g}" if r.manual_max else "-"


def format_table(results):
    """The class at a glance: one line per student and assignment.

    "written" says how many written answers wait for a human and their points ("3 to grade
    (5 pts)"), or, when none does, their score ("0/5": blank answers, scored 0 by nbgrader).
    """
    rows = [("student", "assignment", "auto", "max", "written", "flags")]
    for r in results:
        rows.append((r.student, r.assignment, f"{r.auto_score:g}", f"{r.auto_max:g}", _written(r),
                     _short_flags(r.flags) if r.flags else "ok"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row[:5], widths)) + "  " + row[5] for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def write_report(results, path):
    path = Path(path)
    path.write_text(json.dumps([r.__dict__ for r in results], indent=1, sort_keys=True))
    return path


def summary(results, seconds, csv_path, feedback_dir):
    """Write the CSV and the JSON report; return the table and a closing line for the terminal."""
    csv_path = write_csv(results, csv_path)
    write_report(results, Path(csv_path).with_suffix(".json"))
    now = sum(r.graded_now for r in results if r.assignment != "-")
    same = sum(not r.graded_now for r in results)
    kept = f", {same} unchanged since their last grade (kept; --force regrades them)" if same else ""
    return (f"{format_table(results)}\n\n{now} submissions graded in {seconds:.1f} s{kept}; "
            f"scores in {csv_path}; feedback in {feedback_dir}")
