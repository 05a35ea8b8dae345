"""sys.exit() / raise SystemExit / raise KeyboardInterrupt at the top of answer cells: those
cells error, the kernel goes on; cube and half are never defined (0), square keeps 2."""
from course import CUBE, HALF, with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 0}
FLAGS = set()


def submit(release, folder):
    nb = with_answers(release, cube="import sys\nsys.exit()\n" + CUBE,
                      half="raise KeyboardInterrupt\n" + HALF)
    write_nb(folder, nb)
