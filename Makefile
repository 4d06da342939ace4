# Two commands do all set-up on a fresh machine:  make run  |  make test
PY := .venv/bin/python
SOURCES ?= $(if $(SCORECARD_SOURCES),$(SCORECARD_SOURCES),../shared/data-sources)

.PHONY: run serve test test-fast lint venv data system-deps clean

.venv/.installed: requirements.txt
	python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: .venv/.installed

# The public extracts: ../shared/data-sources when it is there (or SCORECARD_SOURCES); otherwise the copy
# `python -m scorecard fetch-sources` downloads and checks file by file against data-sources.lock.json.
data/observations.parquet: .venv/.installed kpi_definitions.yaml data-sources.lock.json \
    $(wildcard scorecard/*.py scorecard/*/*.py scorecard/*/*/*.py) $(wildcard data/returns/*.csv)
	@if [ -d "$(SOURCES)" ]; then \
		$(PY) -m scorecard build-data --sources "$(SOURCES)"; \
	else \
		echo "$(SOURCES) not found: python -m scorecard fetch-sources"; \
		$(PY) -m scorecard fetch-sources && SCORECARD_SOURCES= $(PY) -m scorecard build-data; \
	fi

data: data/observations.parquet

# Debian packages the tests use: Chromium for the browser tests (Playwright drives /usr/bin/chromium; no
# browser download), poppler-utils (pdftoppm) to render a page of the PDF committee pack, and nginx for the
# production profile (`make serve`, and its browser test).
system-deps:
	@command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils nginx >/dev/null)

# Without sign-in configured the app is the public view, which shows only published quarters. For a
# laptop demo on the default data it opens as a council officer (every quarter, drafts marked as draft);
# `make run DEMO_ROLE=public` shows what the public would see. Ignored once sign-in is configured.
DEMO_ROLE ?= officer

run: data
	SCORECARD_DEMO_ROLE=$(DEMO_ROLE) $(PY) -m streamlit run app.py --server.headless true

# The production profile: nginx in front of PROCESSES Streamlit processes on loopback (tools/serve/serve.py;
# README "Serving in production"). Without sign-in configured it is the public view.
PROCESSES ?= 2
PORT ?= 8080

serve: data system-deps
	$(PY) tools/serve/serve.py --processes $(PROCESSES) --port $(PORT)

# Lint, format and type check first (ruff with .ruff.toml, mypy with .mypy.ini): a minute at most, and a
# failure says exactly where.
lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# Every test over both cores (pytest-xdist; each worker builds its own data folder); the pytest wall time
# and the 15 slowest tests printed last. PYTEST_ARGS adds options, e.g. PYTEST_ARGS="--cov=scorecard".
WORKERS ?= auto
TIMED_PYTEST = start=$$(date +%s); $(PY) -m pytest -q -n $(WORKERS) $(PYTEST_ARGS) $(1); status=$$?; \
	echo "pytest wall time: $$(( $$(date +%s) - start )) s (load average $$(cut -d' ' -f1-3 /proc/loadavg))"; \
	exit $$status

test: data system-deps lint
	@$(call TIMED_PYTEST,--durations=15)

# The fast lane while you work: engine and AppTest, no browser, no subprocess stress (about two minutes).
test-fast: data
	@$(call TIMED_PYTEST,-m "not browser and not slow")

# the audit log, version.json, snapshots/ and accepted/ are records, never cleaned (build-data re-applies accepted/)
clean:
	rm -rf data/*.parquet test-artefacts
