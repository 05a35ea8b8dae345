"""The real course: every assignment grades what it should (`tp-course check`)."""
from conftest import ROOT, run_cli
from tp_course.build import assignments


def test_every_assignment_passes_check():
    proc = run_cli("check", "-q")
    print(proc.stdout)  # the per-assignment tables, kept in CI's log
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    for a in assignments(ROOT):
        assert f"== {a} ==" in proc.stdout
    assert "all checks passed" in proc.stdout


def test_demo_on_the_mini_course(mini_course):
    proc = run_cli("demo", cwd=mini_course)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = {l.split()[0]: l.split() for l in proc.stdout.splitlines() if l.startswith(("ref_", "blank_", "wrong_"))}
    assert lines["ref_solution"][2:4] == ["2", "2"]
    assert lines["blank_release"][2] == "0" and lines["wrong_1"][2] == "0"
    cheater = next(l for l in proc.stdout.splitlines() if l.startswith("cheater"))
    assert cheater.split()[2] == "0" and "tampered" in cheater
