# starke Stelle hotline — `make run` starts it, `make test` tests it, `make bench` measures it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run public-url test test-clock-ahead lint format bench install constraints clean

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

# The port web listens on: honcho takes a PORT in .env before the one given to make.
WEB_PORT = port=$$(sed -n 's/^PORT=//p' .env | tail -n 1); port="$${port:-$(PORT)}"

# PUBLIC_BASE_URL in .env: the service, and `hotline simulate` in another terminal (its links
# and signatures), read it there. The local one this writes (http://127.0.0.1:PORT) follows
# PORT on every `make run`; one of your own (a tunnel Twilio can reach) is kept, unless
# PUBLIC_BASE_URL is set for `make run`, which then writes that one.
public-url: .env
	@$(WEB_PORT); url="$${PUBLIC_BASE_URL:-}"; \
	own=$$(sed -n 's/^PUBLIC_BASE_URL=//p' .env | tail -n 1); \
	case "$$own" in ""|http://127.0.0.1:*|http://localhost:*) ;; *) url="$${url:-$$own}" ;; esac; \
	url="$${url:-http://127.0.0.1:$$port}"; \
	if [ "$$url" != "$$own" ]; then \
		{ grep -v '^PUBLIC_BASE_URL=' .env; printf 'PUBLIC_BASE_URL=%s\n' "$$url"; } > .env.new; \
		cat .env.new > .env && rm -f .env.new; \
		echo "PUBLIC_BASE_URL=$$url in .env"; \
	fi

run: install public-url
	$(BIN)/hotline db upgrade
	$(BIN)/hotline seed-demo --if-empty
	@$(WEB_PORT); url=$$(sed -n 's/^PUBLIC_BASE_URL=//p' .env | tail -n 1); \
	echo ""; \
	echo "  starke Stelle: Web (gunicorn) auf http://$${HOST:-127.0.0.1}:$$port, PUBLIC_BASE_URL $$url"; \
	echo "  Web und Scheduler laufen zusammen; Strg-C beendet beide."; \
	echo "  Ein Anruf in einem zweiten Terminal:  $(BIN)/hotline simulate"; \
	echo "                       an einem Samstag: $(BIN)/hotline simulate --at '2026-11-28 11:00'"; \
	echo "  Videotermin buchen:                   $$url/termin"; \
	echo "  Konsole:                              $$url/staff/"; \
	echo "      (Demo-Logins admin@example.org / anna.berger@example.org, Passwort demo-passwort-starke-stelle)"; \
	echo "  Öffnungszeiten jetzt:                 $(BIN)/hotline hours"; \
	echo "  Scheduler und Arbeit:                 $(BIN)/hotline scheduler status"; \
	echo ""
	@# honcho gives each process type its own PORT (+100) and both the values in .env, among
	@# them PUBLIC_BASE_URL, which the scheduler needs for the calls it places.
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

# axe-core (Deque's accessibility rules, from the npm registry) for the browser tests'
# accessibility checks (tests/support/axe.py): installed beside the venv, never committed.
AXE_VERSION = 4.14.1
AXE_JS = $(VENV)/axe-core/node_modules/axe-core/axe.min.js

$(AXE_JS):
	@command -v npm >/dev/null || { echo "the accessibility tests need npm (Node.js) for axe-core: apt-get install npm"; exit 1; }
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe-core axe-core@$(AXE_VERSION)

test: install $(AXE_JS)
	$(BIN)/pytest

# The suite with the system clock 400 days ahead (Debian's faketime), as CI runs it: a test
# that reads the real date fails here, not on a new user's machine. .ci/faketime-clockwait.c
# mends the two timed waits libfaketime does not know (Python's locks with a timeout).
# gunicorn's master judges a worker alive by comparing the (moved) monotonic clock with the
# mtime of a heartbeat file, which libfaketime does not move alike: it kills healthy workers
# within a second. `--timeout 0` switches that watchdog off for this run only (the suite's
# processes are watched by the tests themselves); production keeps gunicorn.conf.py's 30 s.
FAKETIME_LIB = $(firstword $(wildcard /usr/lib/*/faketime/libfaketime.so.1))
CLOCK_AHEAD ?= +400d
test-clock-ahead: install $(AXE_JS)
	@test -n "$(FAKETIME_LIB)" || { echo "needs Debian's faketime: apt-get install faketime"; exit 1; }
	cc -shared -fPIC -O2 -o $(VENV)/faketime-clockwait.so .ci/faketime-clockwait.c -ldl
	LD_PRELOAD="$(CURDIR)/$(VENV)/faketime-clockwait.so $(FAKETIME_LIB)" FAKETIME="$(CLOCK_AHEAD)" \
		GUNICORN_CMD_ARGS="--timeout 0" $(BIN)/pytest

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
