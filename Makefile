# The two entry points the README starts with: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench seeds score samples clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## Set up and run the main job on samples/ into output/plans.db
demo: $(STAMP)
	$(BIN)/planextract run samples --db output/plans.db

## Set up and run the full test suite, with lint (ruff) and types (mypy)
test: lint
	$(BIN)/python -m pytest -q

## Lint and type-check (rules in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

## Pages/characters per second and peak memory per format
bench: $(STAMP)
	$(BIN)/python -m pipeline.bench samples

## Extract ../shared/seeds and score against ../shared/gold
score: $(STAMP)
	$(BIN)/planextract run ../shared/seeds --db output/seeds.db
	$(PYTHON) ../shared/eval/score.py --db output/seeds.db --gold ../shared/gold -v

## Regenerate the binary samples (PDF/DOCX/HWPX) from the hand-written sources
samples: $(STAMP)
	$(BIN)/python samples/make_hwpx.py
	$(BIN)/python samples/make_hancom_pdf.py
	$(BIN)/python samples/make_pdf_docx.py

clean:
	rm -rf $(VENV) output/*.db
