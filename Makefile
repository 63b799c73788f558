# SPDX-License-Identifier: LGPL-2.1-or-later
# One entry for everything: see README.md.
PY ?= /usr/bin/python3
VENV ?= .venv
PYTEST := $(VENV)/bin/python -m pytest
DEMO_OUT := build/demo

.PHONY: setup demo test test-fc1 bench bench-quick lint clean

setup:
	@PY=$(PY) bash tools/setup.sh

demo: setup
	@mkdir -p $(DEMO_OUT)
	$(PY) -m freecad.makistry_wb convert samples/demo_bracket.png -o $(DEMO_OUT)/demo_bracket.step \
		--also $(DEMO_OUT)/demo_bracket.FCStd --prompt "120 mm long" \
		--report $(DEMO_OUT)/report.json --preview $(DEMO_OUT)/preview.png
	@$(PY) tools/summary.py $(DEMO_OUT)/report.json

test: setup
	$(PYTEST) tests

test-fc1:
	bash tools/fc1/run.sh

bench: setup
	$(PY) benchmarks/run.py --all

bench-quick: setup
	$(PY) benchmarks/run.py --quick

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf build .pytest_cache
