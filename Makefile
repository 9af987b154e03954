# Two commands matter: `make demo` (set up and serve the demo network) and `make test`.
PYTHON ?= python3
TORCH_INDEX_URL ?=
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo serve test test-fast lint unit browser-deps bench-quality bench-learning bench-retrieval bench-digest bench-scale bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned. On Linux the default index's wheel brings multi-GB CUDA libraries:
	# set TORCH_INDEX_URL to PyTorch's CPU wheel index for the CPU build.
	$(BIN)/python -m pip install --quiet $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL)) torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/matcher demo run

serve: install
	$(BIN)/matcher serve

# Debian's Chromium for the real-browser test (Playwright's own download does not work offline).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium is missing and cannot be installed here (needs root and apt-get)."; \
		fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

unit: install
	$(BIN)/python -m pytest -q

test: install browser-deps lint unit

# The quick loop while working: no real-model and no browser tests, two processes.
test-fast: install
	$(BIN)/python -m pytest -q -n 2 -m "not model and not browser"

bench-quality: install
	$(BIN)/python benchmarks/quality.py --write benchmarks/results/quality.md

bench-learning: install
	$(BIN)/python benchmarks/learning.py

bench-retrieval: install
	$(BIN)/python benchmarks/retrieval.py

bench-digest: install
	$(BIN)/python benchmarks/digest.py

bench: bench-quality bench-learning bench-retrieval bench-digest

# Long: 10k and 100k documents (the first run embeds them; later runs use the vector cache).
bench-scale: install
	$(BIN)/python benchmarks/scale.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-artifacts
