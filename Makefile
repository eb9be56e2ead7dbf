# Two commands for a fresh machine with Python 3.11:  `make lab` (open the course)  and  `make test`.
# Both create .venv/ and install the project into it on first use; later runs skip that step
# unless pyproject.toml changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The slowest tests, in every run's log: the suite must stay under 30 minutes on a quiet 2-core machine.
PYTEST_ARGS ?= --durations=25
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup lab lab-instructor test build check-release bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# `make lab` is what students get (and what Binder gets): ./start adds jupyter-config/ to JUPYTER_CONFIG_PATH
# (no news pop-up, none of nbgrader's instructor tools); `make lab-instructor` is stock JupyterLab with all
# of nbgrader.  Extra options for jupyter lab: `make lab LAB_ARGS="--no-browser --port=8899"`.
LAB_ARGS ?=

lab: setup  ## open JupyterLab on the landing notebook, as students see it
	sh ./start $(BIN)/jupyter lab $(LAB_ARGS) START_HERE.ipynb

lab-instructor: setup  ## the same with nbgrader's instructor tools (Nbgrader menu, Formgrader, Create Assignment)
	$(BIN)/jupyter lab $(LAB_ARGS) START_HERE.ipynb

# Two pytest-xdist workers (one per core; tests/conftest.py keeps each file's tests together). TEST_WORKERS=0
# runs everything in one process, in order, e.g. to debug: `make test TEST_WORKERS=0 PYTEST_ARGS="-x -k week03"`.
TEST_WORKERS ?= 2

test: setup  ## the whole test suite (what CI runs)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

build: setup  ## rebuild student releases from source/ (instructors)
	$(BIN)/autograder build

check-release: setup  ## verify release/ is exactly what a fresh build produces
	$(BIN)/autograder build --check

bench: setup  ## print speed and memory figures
	$(BIN)/python bench/week_execution.py
	$(BIN)/python bench/explorer_updates.py

clean:
	rm -rf $(VENV) .pytest_cache
