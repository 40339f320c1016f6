# One command to set up and run the demo, one to set up and run the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-min lint bench setup spark-setup browser-setup clean

$(BIN)/scorecard: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $@

setup: $(BIN)/scorecard

demo: setup
	$(BIN)/scorecard demo --out output/demo

# The suite on every core (pytest-xdist): a test file's tests stay on one worker, so a module's fixtures
# (a demo data set, a Spark session, a browser) are made once. TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= auto
PARALLEL = -n $(TEST_WORKERS) --dist loadfile
test: setup spark-setup browser-setup
	$(BIN)/python -m pytest $(PARALLEL)

# The Spark tests need a Java runtime: installed from Debian when missing and we are root (CI).
spark-setup:
	@command -v java >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; } \
	  || echo "no Java runtime: the Spark tests are skipped (install one: apt-get install default-jre-headless)"

# The documentation site: --strict fails on a broken link or anchor, or a page missing from mkdocs.yml's nav.
.PHONY: docs
docs: setup
	$(BIN)/mkdocs build --strict --quiet --site-dir site
test: docs

# The browser tests of the scorecards drive Chromium headless: installed from Debian when missing and root (CI).
browser-setup:
	@command -v chromedriver >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } \
	  || echo "no chromium-driver: the browser tests are skipped (install one: apt-get install chromium chromium-driver)"

# Lint and types: ruff and mypy as configured in pyproject.toml ([tool.ruff], [tool.mypy]).
lint: setup
	$(BIN)/ruff check scorecard tests bench scripts
	$(BIN)/mypy
test: lint

# The suite at the lowest versions pyproject.toml allows (uv's lowest-direct resolution), so the declared
# minimums are tested rather than guessed (Spark and the browser tests run in `make test` only).
MIN_VENV := .venv-min
test-min:
	$(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/pip install --quiet uv
	$(MIN_VENV)/bin/uv pip install --quiet --python $(MIN_VENV)/bin/python --resolution lowest-direct -e '.[dev]'
	$(MIN_VENV)/bin/python -m pytest $(PARALLEL) -p no:cacheprovider -m "not spark"

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(MIN_VENV) output/demo
