# Two commands do all the set-up on a fresh machine (Python 3.10+ and pip; PyPI reachable):
#   make demo   build the course, simulate a small class, grade it, print the table
#   make test   the whole test suite (what CI runs)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test check build bench live clean jail

# Grading kernels run in a bubblewrap jail (Debian package `bubblewrap`): installed here when
# missing and we are root (CI), otherwise the command to run is printed.
jail:
	@command -v bwrap >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	  else echo "grading needs bubblewrap: sudo apt-get install bubblewrap"; exit 1; fi; }

$(BIN)/tp-course: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

demo: $(BIN)/tp-course jail
	$(BIN)/tp-course demo

test: $(BIN)/tp-course jail
	$(BIN)/pytest

check: $(BIN)/tp-course jail
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
