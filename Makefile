# The README's two commands are `make demo` and `make test`; both create and reuse .venv.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The first interpreter that actually runs and is 3.11 or 3.12 (a pyenv shim can exist and still fail).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 12) else 1)' >/dev/null 2>&1 \
	&& command -v $$p && break; done)
STAMP := $(VENV)/.installed
DEMO_OUT ?= demo-out
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "ipsdg needs Python 3.11 or 3.12 (durable-rules does not import on 3.13); none found: set PYTHON=/path/to/python3.12" >&2; exit 2; }
	@$(PYTHON) -c 'import sys; v=sys.version_info[:2]; sys.exit(0 if (3,11)<=v<=(3,12) else "ipsdg needs Python 3.11 or 3.12 (durable-rules does not import on 3.13); set PYTHON=/path/to/python3.12")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: install
	$(VENV)/bin/ipsdg demo --out $(DEMO_OUT) --host $(HOST) --port $(PORT)

test: install
	@test -x /usr/bin/chromium || bash .ci/install-browser || echo "warning: no chromium; browser tests will fail"
	$(PY) -m pytest -n 2

bench: install
	@for b in benchmarks/*_bench.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: install
	$(VENV)/bin/ruff check engine web tests benchmarks
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .mypy_cache .ruff_cache
