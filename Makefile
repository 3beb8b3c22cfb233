# Two entry points for a fresh machine (see README.md):
#   make check   - set up .venv and run `sovstack check` on the embedded examples
#   make test    - set up .venv (and the system packages tests need) and run the test suite
PYTHON ?= python3.12
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup check test bench realworld clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

check: $(STAMP)
	$(VENV)/bin/sovstack check

test: $(STAMP)
	bash scripts/system-deps
	$(VENV)/bin/python -m pytest -q

bench: $(STAMP)
	bench/run

realworld: $(STAMP)
	bench/realworld

clean:
	rm -rf $(VENV)
