# The README's two commands are `make demo` and `make test`; both create and reuse .venv.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The first interpreter that actually runs and is 3.11 or 3.12 (a pyenv shim can exist and still fail).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 12) else 1)' >/dev/null 2>&1 \
	&& command -v $$p && break; done)
STAMP := $(VENV)/.installed
LOCK := requirements.lock
PIP := $(PY) -m pip --disable-pip-version-check --no-input
DEMO_OUT ?= demo-out
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test bench lint lock clean

install: $(STAMP)

# Exact versions from $(LOCK); the project itself is installed editable without re-resolving anything.
$(STAMP): pyproject.toml $(LOCK)
	@test -n "$(PYTHON)" || { echo "ipsdg needs Python 3.11 or 3.12 (durable-rules does not import on 3.13); none found: set PYTHON=/path/to/python3.12" >&2; exit 2; }
	@$(PYTHON) -c 'import sys; v=sys.version_info[:2]; sys.exit(0 if (3,11)<=v<=(3,12) else "ipsdg needs Python 3.11 or 3.12 (durable-rules does not import on 3.13); set PYTHON=/path/to/python3.12")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing the locked versions from $(LOCK) into $(VENV) ..."
	@$(PIP) install -qq $$(grep -E '^(pip|setuptools)==' $(LOCK))
	@$(PIP) install -qq -r $(LOCK)
	@PYTHONWARNINGS='ignore:Editable installation' $(PIP) install -qq --no-deps --no-build-isolation -e .
	@touch $(STAMP)

demo: install
	$(VENV)/bin/ipsdg demo --out $(DEMO_OUT) --host $(HOST) --port $(PORT)

test:
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory install || exit $$?; \
	test -x /usr/bin/chromium || bash .ci/install-browser || echo "warning: no chromium; browser tests will fail"; \
	$(PY) -m pytest -n 2; rc=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s wall (install included), exit $$rc"; exit $$rc

bench: install
	@for b in benchmarks/*_bench.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: install
	$(VENV)/bin/ruff check engine web tests benchmarks
	$(VENV)/bin/mypy

# Refresh $(LOCK): resolve '.[dev]' afresh in a scratch venv and freeze it. Run make test before committing.
lock:
	@test -n "$(PYTHON)" || { echo "make lock needs Python 3.11 or 3.12" >&2; exit 2; }
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip setuptools
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check '.[dev]'
	{ echo "# Exact versions for make install (Python 3.11 and 3.12). Refresh with: make lock"; \
	  echo "# (a fresh venv, pip install '.[dev]' unpinned, pip freeze). Review the diff before committing."; \
	  .lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v -i -e '^ipsdg' -e '^wheel=='; } > $(LOCK)
	rm -rf .lock-venv build *.egg-info
	@echo "wrote $(LOCK); run make test (3.11 and PYTHON=python3.12) before committing"

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .mypy_cache .ruff_cache
