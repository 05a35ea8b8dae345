"""`raise SystemExit` after the definition: the answer cell errors but cube is defined,
so its test passes."""
from course import FULL, CUBE, with_answers, write_nb

EXPECT = FULL
FLAGS = set()


def submit(release, folder):
    code = CUBE.replace("    ### BEGIN SOLUTION\n", "").replace("\n    ### END SOLUTION", "")
    write_nb(folder, with_answers(release, cube=code + "\nraise SystemExit(3)\n"))
