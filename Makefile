# The two commands that set up everything on a fresh machine:
#   make book   create .venv from requirements.txt (if needed) and build the book into _build/html
#   make test   the same environment plus Debian's chromium, then every test
#   make pdf    the whole book as one PDF (teacher's edition), offline
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed

.PHONY: book test pdf check-data bench chromium clean

$(STAMP): requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(PY) -m tokenpower build

test: $(STAMP) chromium
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

pdf: $(STAMP) chromium
	$(PY) -m tokenpower pdf

check-data: $(STAMP)
	$(PY) -m tokenpower check-data

bench: $(STAMP)
	$(PY) -m tokenpower bench

# Browser tests and the PDF use Debian's chromium (never a downloaded browser build); the PDF
# tests read the PDF with poppler-utils.
chromium:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then \
	  echo "installing Debian's chromium and poppler-utils for the browser and PDF tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core poppler-utils >/dev/null; \
	fi

clean:
	rm -rf _build
