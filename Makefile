# Two commands for a new user: `make demo` (crawl the bundled offline sample) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint demo clean

# `make demo STATE=dir` keeps crawl state in dir across runs; without it every run starts fresh.
STATE ?=

# The oldest Python the code runs on; checked before the virtualenv is made from $(PYTHON).
PYTHON_MIN := 3.11

$(STAMP): requirements.txt constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < tuple(map(int, "$(PYTHON_MIN)".split("."))))' 2>/dev/null || { \
	  echo "make: this project needs Python $(PYTHON_MIN) or newer; $(PYTHON) is $$(command -v $(PYTHON) >/dev/null && $(PYTHON) --version 2>&1 || echo "not found"). Install it, or run make PYTHON=python$(PYTHON_MIN)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadfile

demo: $(STAMP)
	$(BIN)/python -m crawler.demo $(if $(STATE),--state $(STATE))

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
