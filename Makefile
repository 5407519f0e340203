# Two commands on a fresh machine: `make run` (serve the bot) and `make test` (the suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test package playground clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(PY) app.py

test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

playground: $(VENV)/.installed
	PY=$(PY) ./playground/run.sh

package: $(VENV)/.installed
	$(PY) deploy/teams/package.py

clean:
	rm -rf $(VENV) .pytest_cache playground/node_modules
