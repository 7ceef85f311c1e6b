# Two commands do everything: `make run` (dashboard on the sample data) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run run-multi test test-fast lint install sample browser-deps clean-db

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium and CJK fonts (browser tests, chart images), LibreOffice Writer and poppler (the
# briefing's PDF and its rendered pages) for `make test` (installed when root on Debian). `make run`
# needs none of them: without them the briefing is written without chart images / PDF and says why.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -q "Noto Serif CJK" \
	    || ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium fonts-noto-cjk libreoffice-writer poppler-utils >/dev/null; \
	  else echo "需要 chromium、fonts-noto-cjk、libreoffice-writer 与 poppler-utils（apt-get install chromium fonts-noto-cjk libreoffice-writer poppler-utils）；浏览器与PDF测试将被跳过"; fi; \
	fi

run: $(STAMP)
	$(BIN)/python -m analytics init
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

# Several server processes behind nginx over one store (deploy/run_multi.sh; N defaults to the CPU cores).
run-multi: $(STAMP)
	bash deploy/run_multi.sh $(N)

# Two worker processes (pytest-xdist); a file's tests stay in one worker, so module fixtures (a browser's
# server, a rendered PDF) are built once. XDIST=0 runs them in this process.
XDIST ?= 2
test: $(STAMP) browser-deps
	$(BIN)/python -m pytest -n $(XDIST) --dist loadfile --durations=15 tests

# The fast tier while working: no browser, nothing marked slow.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(XDIST) --dist loadfile -m "not browser and not slow" tests

lint: $(STAMP)
	$(BIN)/ruff check .

sample: $(STAMP)
	$(BIN)/python -m analytics sample --out data/sample

clean-db:
	rm -f data/park.duckdb data/park.duckdb.wal
