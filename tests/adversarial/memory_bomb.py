"""A memory bomb in the cube answer cell: MemoryError at the kernel's limit; the rest runs."""
from course import CUBE, with_answers, write_nb

EXPECT = {"test_square": 2, "test_cube": 0, "test_half": 1}
FLAGS = {"memory"}


def submit(release, folder):
    write_nb(folder, with_answers(release, cube='''
def _bomb():
    chunks = []
    while True:
        chunks.append(bytearray(50 * 2**20))
_bomb()
''' + CUBE))
