# starke Stelle hotline — `make run` starts it, `make test` tests it, `make bench` measures it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test test-clock-ahead lint format bench install constraints clean

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (set PYTHON=python3.x)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# constraints.txt pins every dependency to the versions CI tested; `make constraints` refreshes it.
$(VENV)/.installed: $(BIN)/activate pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
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
	@echo "  web (gunicorn) and scheduler run together; Ctrl-C stops both."
	@echo "  Try a call in another terminal:   $(BIN)/hotline simulate"
	@echo "                   on a Saturday:   $(BIN)/hotline simulate --at '2026-11-28 11:00'"
	@echo "  Book a video appointment:         http://127.0.0.1:$(PORT)/termin"
	@echo "  Staff console:                    http://127.0.0.1:$(PORT)/staff/"
	@echo "      (demo logins admin@example.org / anna.berger@example.org, password demo-passwort-starke-stelle)"
	@echo "  Opening hours now:                $(BIN)/hotline hours"
	@echo "  The scheduler and its queue:      $(BIN)/hotline scheduler status"
	@echo ""
	@# honcho gives each process type its own PORT (+100); the scheduler must know the web's
	@# URL for the calls it places, so it is passed on (a PUBLIC_BASE_URL in .env still wins).
	PATH="$(CURDIR)/$(BIN):$$PATH" \
		PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}" \
		$(BIN)/honcho start -f Procfile

test: install
	$(BIN)/pytest

# The suite with the system clock 400 days ahead (Debian's faketime), as CI runs it: a test
# that reads the real date fails here, not on a new user's machine. .ci/faketime-clockwait.c
# mends the two timed waits libfaketime does not know (Python's locks with a timeout).
FAKETIME_LIB = $(firstword $(wildcard /usr/lib/*/faketime/libfaketime.so.1))
CLOCK_AHEAD ?= +400d
test-clock-ahead: install
	@test -n "$(FAKETIME_LIB)" || { echo "needs Debian's faketime: apt-get install faketime"; exit 1; }
	cc -shared -fPIC -O2 -o $(VENV)/faketime-clockwait.so .ci/faketime-clockwait.c -ldl
	LD_PRELOAD="$(CURDIR)/$(VENV)/faketime-clockwait.so $(FAKETIME_LIB)" FAKETIME="$(CLOCK_AHEAD)" \
		$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench.run

constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/pip install --quiet --upgrade pip
	.venv-constraints/bin/pip install --quiet -e ".[test]"
	@echo "# Versions CI tested; refreshed by \`make constraints\` (installs the newest allowed)." > constraints.txt
	.venv-constraints/bin/pip freeze --exclude-editable >> constraints.txt
	rm -rf .venv-constraints
	@echo "constraints.txt refreshed; run make test, then commit it"

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
