# The Compassion case manager. `make help` lists the targets.
# Two commands matter to a newcomer: `make run` and `make test`.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PYTEST_ARGS ?= -n auto

.DEFAULT_GOAL := help
.PHONY: help run test e2e smoke bench check lint migrate seed clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changed.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

var:
	mkdir -p var/mail var/sms

migrate: $(VENV)/.installed | var ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

# Seven cases to walk through, one at each point of the program, and a program's history of 80
# cases in all (about two years, most of them finished), so that the reports have figures to show.
seed: migrate ## Load the demo data (safe to run again)
	$(BIN)/python manage.py seed_demo --cases 80

# Demo data is loaded once, the first time `make run` meets an empty database.
var/.demo-seeded: | var
	$(MAKE) --no-print-directory seed
	touch $@

run: migrate var/.demo-seeded ## Start web, Celery worker and beat on the embedded default (Ctrl-C stops all)
	@echo ""
	@echo "  Compassion case manager: http://127.0.0.1:$(PORT)/  (another port: make run PORT=8001)"
	@echo "  Demo logins (password compassion-demo): caseworker, caseworker2, supervisor"
	@echo "  E-mails are written to var/mail/, text messages to var/sms/. Ctrl-C stops web, worker and beat."
	@echo ""
	PORT=$(PORT) SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/honcho -f Procfile.dev start

test: $(VENV)/.installed ## Run the whole test suite (DATABASE_URL picks the database; SQLite by default)
	$(BIN)/pytest $(PYTEST_ARGS)

# Browser tests: Debian's Chromium (apt-get install -y chromium) driven by Playwright against
# Django's live server; screenshots land in var/e2e-screenshots/.
e2e: $(VENV)/.installed ## Browser tests: the whole journey, sad paths and accessibility (axe-core)
	$(BIN)/pytest -m e2e tests/e2e -n 2

# Production mode for real: gunicorn, two Celery workers and beat with DJANGO_ENV=production on a
# database of its own (PostgreSQL on 127.0.0.1:5432), a redis-server of its own and an SMTP sink,
# driven over HTTP. Every process it starts is stopped at the end; timings are printed.
smoke: $(VENV)/.installed ## Production smoke test: real processes on PostgreSQL, Redis and SMTP
	$(BIN)/pytest -m smoke tests/smoke -p no:xdist -v

# Benchmarks: seeds 1,000, 10,000 and 100,000 cases into a database of its own (PostgreSQL on
# 127.0.0.1:5432 when reachable, else SQLite), measures the main pages, the CSV export, a reminder
# dispatch pass and, with wrk, gunicorn under load; writes bench/results.json. About 5 minutes.
bench: $(VENV)/.installed ## Benchmarks at 1,000 / 10,000 / 100,000 cases: bench/results.json (see bench/README.md)
	@command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null 2>&1 \
		|| (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1) \
		|| echo "bench: wrk could not be installed (apt-get install wrk); the load runs will be skipped."
	$(BIN)/python bench/run.py $(BENCH_ARGS)

check: $(VENV)/.installed ## Lint, the floors of the code (no import loop, no import upwards), migrations complete
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

clean: ## Remove the virtualenv and local data (database, mail, broker files)
	rm -rf $(VENV) var
