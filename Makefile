# SEND Evidence Pack. `make pack` builds the demo pack; `make test` runs the tests. Both install on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CONFIG ?= config/demo.yaml
PYTEST_ARGS ?=

.PHONY: help install pack check lint test test-fast lab bench demo-data lock clean

help:
	@echo "make pack       build the demo evidence pack into reports/demo/ (creates .venv on first use)"
	@echo "make pack CONFIG=config/my-la.yaml   build another pack"
	@echo "make check      validate the config and inputs without running notebooks"
	@echo "make lint       ruff and mypy (make test runs them first)"
	@echo "make test       run the test suite"
	@echo "make lab        open JupyterLab on notebooks/ with the project environment"
	@echo "make bench      time the build against the plain papermill + nbconvert loop"
	@echo "make demo-data  regenerate the synthetic demo data in data/demo/"
	@echo "make clean      remove built packs and caches"

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

pack: $(STAMP)
	$(VENV)/bin/evidence-pack build $(CONFIG)

check: $(STAMP)
	$(VENV)/bin/evidence-pack check $(CONFIG)

lint: $(STAMP)
	$(VENV)/bin/ruff check --output-format concise src tests benchmarks scripts
	$(VENV)/bin/mypy

test: lint
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(VENV)/bin/pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(VENV)/bin/pytest -m "not slow and not browser" $(PYTEST_ARGS)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

bench: $(STAMP)
	$(PY) benchmarks/run.py

demo-data: $(STAMP)
	$(PY) -m helpers.demo

# Re-pin every package to the versions installed in .venv (run after changing dependencies in pyproject.toml).
lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable --disable-pip-version-check | grep -v '^send-evidence-pack' > requirements.lock

clean:
	find reports -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache tests/output
	find . -name __pycache__ -prune -exec rm -rf {} +
