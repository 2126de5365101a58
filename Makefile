# Fengqiao: `make run` serves the demo city, `make test` runs the whole suite.
# Both build everything they need first: .venv (Python 3.11), the project, system packages,
# translations and the database.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?=

.PHONY: run test test-fast bench lint fmt translations extract-messages update-messages fuzz \
        migrate demo-data system-packages system-packages-test install clean

run: install system-packages translations
	$(BIN)/fengqiao db upgrade
	$(BIN)/fengqiao demo-data
	$(BIN)/fengqiao serve --host $(HOST) --port $(PORT)

test: install system-packages-test translations lint
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The quick loop for developers: no browser and no slow tests.
test-fast: install translations
	$(BIN)/python -m pytest -n 2 -m "not browser and not slow" $(PYTEST_ARGS)

fuzz: install translations
	FENGQIAO_FUZZ_EXAMPLES=500 $(BIN)/python -m pytest -n 2 tests/webapp/test_api_schema.py $(PYTEST_ARGS)

bench: install system-packages translations
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "Fengqiao needs Python 3.11 as '$(PYTHON)' (durable-rules does not build on 3.13)."; \
	  echo "On Debian: apt-get install python3.11 python3.11-venv, or set PYTHON=/path/to/python3.11"; \
	  exit 1; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

system-packages:
	@scripts/system-packages run

system-packages-test:
	@scripts/system-packages test

translations: install
	@$(BIN)/fengqiao translations compile

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -k ngettext:1,2 -o programs/translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i programs/translations/messages.pot -d programs/translations --no-fuzzy-matching

migrate: install
	$(BIN)/fengqiao db upgrade

demo-data: migrate
	$(BIN)/fengqiao demo-data

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
