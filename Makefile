# starke Stelle hotline — `make run` starts it, `make test` tests it, `make bench` measures it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint format bench install clean

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (set PYTHON=python3.x)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

install: $(VENV)/.installed

.env:
	@printf 'HOTLINE_ENV=development\n' > .env
	@echo "wrote .env (HOTLINE_ENV=development); edit it to configure Twilio, SMTP, ..."

run: install .env
	$(BIN)/hotline db upgrade
	$(BIN)/hotline seed-demo --if-empty
	@echo ""
	@echo "  starke Stelle hotline on http://127.0.0.1:$(PORT)  (health: /healthz)"
	@echo "  Try a call in another terminal:   $(BIN)/hotline simulate"
	@echo "                   on a Saturday:   $(BIN)/hotline simulate --at '2026-11-28 11:00'"
	@echo "  Opening hours now:                $(BIN)/hotline hours"
	@echo ""
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
