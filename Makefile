# The two commands that set up everything on a fresh machine:
#   make book   create .venv from requirements.txt (if needed) and build the book into _build/html
#   make test   the same environment plus Debian's chromium, then every test
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed

.PHONY: book test check-data bench chromium clean

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

check-data: $(STAMP)
	$(PY) -m tokenpower check-data

bench: $(STAMP)
	$(PY) -m tokenpower bench

# Browser tests drive Debian's chromium (never a downloaded browser build).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; \
	fi

clean:
	rm -rf _build
