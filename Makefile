# sklecg developer commands. `make run` and `make test` work on a fresh clone:
# each creates .venv on first use (PyTorch CPU wheel first, then the project).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sklecg-installed
DOCS_STAMP := $(VENV)/.sklecg-docs-installed
# The local PhysioNet mirror, used when it sits beside the clone.
MIRROR ?= $(wildcard ../shared/data/physionet)

.PHONY: install run test test-min test-slow lint format docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: install
	SKLECG_PHYSIONET_MIRROR=$${SKLECG_PHYSIONET_MIRROR:-$(MIRROR)} $(PY) examples/main_job.py

test: install
	$(PY) -m pytest -m "not slow"

# The default suite on the declared minimum versions (pyproject.toml floors).
test-min:
	rm -rf .venv-min
	$(PYTHON) -m venv .venv-min
	.venv-min/bin/python -m pip install --quiet --upgrade pip
	.venv-min/bin/python -m pip install --quiet torch==2.13.0
	$(PYTHON) .ci/min_requirements.py > .venv-min/requirements-min.txt
	.venv-min/bin/python -m pip install --quiet -r .venv-min/requirements-min.txt
	.venv-min/bin/python -m pip install --quiet --no-deps -e .
	.venv-min/bin/python -m pytest -m "not slow" -p no:cacheprovider

test-slow: install
	$(PY) -m pytest -m slow || [ $$? -eq 5 ]  # 5: no slow test selected

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The HTML documentation (docs/_build/html/index.html); warnings are errors.
$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	SKLECG_PHYSIONET_MIRROR=$${SKLECG_PHYSIONET_MIRROR:-$(MIRROR)} $(PY) -m sphinx -W --keep-going -b html docs docs/_build/html

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .venv-min .pytest_cache .ruff_cache output
	rm -rf docs/_build docs/api docs/auto_examples docs/sg_execution_times.rst
