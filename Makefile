# Two commands do all set-up on a fresh machine:  make run  |  make test
PY := .venv/bin/python
SOURCES ?= $(if $(SCORECARD_SOURCES),$(SCORECARD_SOURCES),../shared/data-sources)

.PHONY: run test venv data browser clean

.venv/.installed: requirements.txt
	python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: .venv/.installed

data/observations.parquet: .venv/.installed
	$(PY) -m scorecard build-data --sources "$(SOURCES)"

data: data/observations.parquet

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

run: data
	$(PY) -m streamlit run app.py --server.headless true

test: data browser
	$(PY) -m pytest -q

clean:
	rm -rf data/*.parquet data/load_log.jsonl test-artefacts
