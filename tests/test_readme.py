"""What the READMEs tell people to type exists, and what they say the demo prints is what it prints.

A newcomer copied `jupyter nbgrader validate` from an earlier README (there is no
`jupyter-nbgrader`): every `tp-course ...`, `nbgrader ...` and `jupyter ...` command quoted in
the READMEs is run here with `--help`.
"""
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

BIN = Path(sys.executable).parent
DOCS = [ROOT / "README.md", ROOT / "AUTHORING.md", ROOT / "tp_course" / "student" / "README.md",
        *sorted((ROOT / "deploy").glob("*/README.md"))]
# a command starts a line of code, or follows `&&`, `;`, `sudo`, `runuser ... --` or a bin/ path
COMMAND = re.compile(r"(?:^\s*(?:\$ )?|&& |; |sudo |-- |bin/)(tp-course|nbgrader|jupyter)((?: [a-z][a-z_-]+)+)", re.M)


def _quoted_commands():
    """{(program, subcommand)} from inline code and code blocks of the READMEs."""
    found = set()
    for doc in DOCS:
        text = doc.read_text()
        code = re.findall(r"```[a-z]*\n(.*?)```", text, re.S) + re.findall(r"`([^`\n]+)`", text)
        for snippet in (line for block in code for line in block.splitlines()):
            for prog, words in COMMAND.findall(snippet):
                sub = words.split()[0]
                if prog == "jupyter" or not sub.startswith("-"):
                    found.add((prog, sub))
    return found


COMMANDS = sorted(_quoted_commands())


def test_the_readmes_quote_commands():
    assert ("tp-course", "grade") in COMMANDS and ("jupyter", "lab") in COMMANDS and ("nbgrader", "release_assignment") in COMMANDS


def test_every_quoted_command_exists():
    from nbgrader.apps.nbgraderapp import NbGraderApp

    usage = subprocess.run([str(BIN / "tp-course"), "--help"], capture_output=True, text=True, timeout=120).stdout
    ours = set(re.search(r"\{([a-z,-]+)\}", usage).group(1).split(","))
    missing = []
    for prog, sub in COMMANDS:
        if prog == "jupyter":      # `jupyter X` runs the program jupyter-X
            ok = (BIN / f"jupyter-{sub}").exists()
        elif prog == "nbgrader":   # nbgrader's own list of subcommands
            ok = sub in NbGraderApp.subcommands
        else:                      # tp-course's subcommands, as its --help lists them
            ok = sub in ours
        if not ok:
            missing.append(f"{prog} {sub}")
    assert not missing, f"quoted in a README but not a command: {missing}"


def test_the_demo_class_is_the_one_the_readme_describes():
    """README: "makes seven simulated students per TP" and a table with their names."""
    from tp_course import catalogue as cat
    from tp_course.students import simulated_class

    src = nbformat.read(str(ROOT / "source" / "tp1" / "tp1_derivatives.ipynb"), as_version=4)
    rel = nbformat.read(str(ROOT / "release" / "tp1" / "tp1_derivatives.ipynb"), as_version=4)
    students = sorted(simulated_class(src, rel, cat.load(ROOT, "tp1")))
    readme = (ROOT / "README.md").read_text()
    words = {5: "five", 6: "six", 7: "seven", 8: "eight"}
    assert f"makes {words[len(students)]} simulated students per" in readme.replace("\n", " ")
    table = re.search(r"```\nstudent .*?```", readme, re.S).group(0)
    assert sorted(re.findall(r"^(\w+)\s+tp1 ", table, re.M)) == students
    tps = sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir())
    assert f"{len(tps) * len(students)} submissions graded" in table
