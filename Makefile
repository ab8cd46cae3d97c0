# Two commands do all the set-up on a fresh machine: `make test` and `make handouts`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint unit lab present handouts bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

test: lint unit  ## ruff + every pytest (model, notebooks, browser)

lint: $(STAMP)
	$(BIN)/ruff check kit tests benchmarks

unit: $(STAMP)
	$(BIN)/pytest

lab: $(STAMP)  ## JupyterLab on the notebooks, for coaches who show the code
	$(BIN)/jupyter lab notebooks/

present: $(STAMP)  ## the stories as a code-free app (Voila) on 127.0.0.1; ARGS="--room --lang nl"
	$(BIN)/kit present $(ARGS)

handouts: $(STAMP)  ## the trainer's job: HTML + PDF handouts of the default workshop in handouts/
	$(BIN)/kit handouts $(ARGS)

bench: $(STAMP)  ## the speed figures the README quotes
	$(BIN)/python benchmarks/bench_sliders.py
	$(BIN)/python benchmarks/bench_present.py
	$(BIN)/python benchmarks/bench_handouts.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
