# The two entry points the README starts with: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# Debian packages the tests need: headless Chromium and Korean fonts (report and Datasette
# screenshots), LibreOffice Writer (the PDF part of tests/test_renderings.py).
DEBS   := chromium fonts-noto-cjk libreoffice-writer-nogui
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint bench seeds score samples clean deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# the filter hides setuptools' note on how editable installs find packages (information, not a problem)
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/pip install --quiet -e '.[test,web,dask,bench]'
	touch $(STAMP)

## Install the Debian packages above that are missing (skips what is present; sudo when not root)
deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages: $$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## Set up and run the main job on samples/ into output/plans.db
demo: deps $(STAMP)
	$(BIN)/planextract run samples --db output/plans.db

## Set up and run the full test suite, with lint (ruff) and types (mypy)
test: deps lint
	$(BIN)/python -m pytest -q

## Lint and type-check (rules in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

## Speed and memory beside the floors (PDF, HWPX, text), start-up, rerun, --jobs scaling, RSS slope, DB size
bench: $(STAMP)
	$(BIN)/python -m pipeline.bench

## Extract ../shared/seeds and score against ../shared/gold
score: $(STAMP)
	$(BIN)/planextract run ../shared/seeds --db output/seeds.db
	$(PYTHON) ../shared/eval/score.py --db output/seeds.db --gold ../shared/gold -v

## Regenerate the binary samples (PDF/DOCX/HWPX/HWP) from the hand-written sources
samples: $(STAMP)
	$(BIN)/python samples/make_hwpx.py
	$(BIN)/python samples/make_hwpx_boxes.py
	$(BIN)/python samples/make_hwp.py
	$(BIN)/python samples/make_hancom_pdf.py
	$(BIN)/python samples/make_pdf_docx.py
	$(BIN)/python samples/make_sixth_term.py

clean:
	rm -rf $(VENV) output/*.db
