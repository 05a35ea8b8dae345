# Two commands do all the set-up on a fresh machine (Python 3.10+ and pip; PyPI reachable):
#   make demo   build the course, simulate a small class, grade it, print the table
#   make test   the whole test suite (what CI runs)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test check build bench live clean

$(BIN)/tp-course: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

demo: $(BIN)/tp-course
	$(BIN)/tp-course demo

test: $(BIN)/tp-course
	$(BIN)/pytest

check: $(BIN)/tp-course
	$(BIN)/tp-course check

build: $(BIN)/tp-course
	$(BIN)/tp-course build

bench: $(BIN)/tp-course
	$(BIN)/python benchmarks/bench_training.py

live: $(BIN)/tp-course
	$(BIN)/python -m tp_utils.live

clean:
	rm -rf build autograded/* submitted/* feedback/* gradebook.db reports logs
	touch autograded/.gitkeep submitted/.gitkeep feedback/.gitkeep
