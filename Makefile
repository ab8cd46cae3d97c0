# Two commands do all the set-up on a fresh machine: `make test` and `make handouts`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# uv installs the exact versions in uv.lock (every platform, with hashes); it comes from PyPI
# into the venv itself, pinned here and in pyproject's dev extra (tests/test_install.py checks).
UV_VERSION := 0.13.9
UV := $(BIN)/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: test system bytecode lint unit lab present handouts bench clean lock upgrade

# Debian's Chromium runs the browser tests and its headless shell prints the PDFs (the same
# release without the browser around it: half the CPU; without it the PDFs print with chromium);
# pdftoppm checks the PDFs; npm brings axe-core from the npm registry for the deck's
# accessibility test (tests/live/test_deck_browser.py).
system:  ## install chromium, poppler-utils, npm and chromium-headless-shell with apt-get, each only when missing
	@missing=""; updated=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	if [ -n "$$missing" ]; then \
		$$SUDO apt-get update && $$SUDO apt-get install -y $$missing || exit 1; \
		updated=yes; \
	fi; \
	if [ ! -x /usr/bin/chromium-headless-shell ]; then \
		{ [ -n "$$updated" ] || $$SUDO apt-get update; } \
		&& $$SUDO apt-get install -y chromium-headless-shell \
		|| echo "make: chromium-headless-shell is not installed; the PDFs print with chromium" >&2; \
	fi

$(UV):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"

# --locked: a uv.lock that no longer matches pyproject.toml is an error, not silently redone.
# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (as on this machine) Python never
# keeps what it compiles, and every process of every run compiled its imports from source:
# 2.4 s of the 4.1 s of CPU that kit handouts' own process spent on the default workshop.
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --extra dev --quiet --compile-bytecode \
		|| { echo "make: after a change to pyproject.toml's dependencies, run make lock" >&2; exit 1; }
	touch $(STAMP)

# the kit's own modules (an editable install, which uv does not compile): only what changed
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q kit

lock: | $(UV)  ## after editing pyproject's dependencies: lock them, keeping every other pin
	$(UV) lock

upgrade: | $(UV)  ## every package to its newest release that pyproject allows (then make test)
	$(UV) lock --upgrade

test: system lint unit  ## ruff + every pytest (model, notebooks, handouts, browser)

lint: $(STAMP)
	$(BIN)/ruff check kit tests benchmarks
	$(BIN)/ruff format --check kit tests benchmarks

# Both cores: most tests wait on a kernel, a browser or a subprocess. On the 2-core machine the
# suite took 23 min one test at a time and 14.5 min on two workers (both cores 95% busy). A
# file's tests stay on one worker, so a module's presenter or browser starts once.
TEST_WORKERS ?= 2
unit: bytecode
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

lab: bytecode  ## JupyterLab on the notebooks, for coaches who show the code
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

present: bytecode  ## the stories as a code-free app (Voila) on 127.0.0.1; ARGS="--room --lang nl"
	$(BIN)/kit present $(ARGS)

handouts: system bytecode  ## the trainer's job: HTML + PDF handouts of the default workshop in handouts/
	$(BIN)/kit handouts $(ARGS)

bench: bytecode  ## the speed figures the README quotes
	$(BIN)/python benchmarks/bench_sliders.py
	$(BIN)/python benchmarks/bench_present.py
	$(BIN)/python benchmarks/bench_handouts.py
	$(BIN)/python benchmarks/bench_deck.py
	$(BIN)/python benchmarks/bench_kernelfree.py
	$(BIN)/python benchmarks/bench_votes.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
