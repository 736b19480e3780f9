# Two commands do all the set-up on a fresh machine with Python 3.11 and apt:
#   make run    install, build the seed index if missing or stale, start the chat and API on :8000
#   make test   install everything (CPU torch, test tools, headless chromium) and run the tests

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev browser index run test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# torch==2.13.0 first: pip then takes the local CPU wheel instead of a CUDA build for sentence-transformers.
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,st]'
	touch $@

# Debian's chromium for the browser test (never a downloaded browser) and CJK fonts for screenshots.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk; \
	fi

index: install
	$(BIN)/lawqa index --if-stale

run: index
	$(BIN)/lawqa serve --host $(HOST) --port $(PORT)

# The index too: the tests of the shipped service (seeds + national laws) run against it.
test: install-dev browser index
	$(BIN)/python -m pytest -q

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.http

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
