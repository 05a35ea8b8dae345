from tp_course.catalogue import Wrong, Alternative

WRONG = [
    Wrong("square-sign", cell="square", fails=["test_square"], why="minus sign", code="""
def square(x):
    return -x * x
"""),
    Wrong("square-abs", cell="square", fails=["test_square"], why="abs, not square", code="""
def square(x):
    return abs(x) * 3
"""),
]
ALTERNATIVES = [
    Alternative("square-power", cell="square", code="""
def square(x):
    return x ** 2
"""),
]
