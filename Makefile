# CourseWorx — the two commands: `make run` and `make test`.  See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers: 'auto' = one per core.
PYTEST_WORKERS ?= auto
# Every queue a worker started by `make worker` consumes (see CELERY_TASK_ROUTES in settings).
CELERY_QUEUES ?= default,certificates,notifications,reports

# Development defaults (override in the environment).
DEV_ENV := DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}

.PHONY: run test test-nightly lint format typecheck check worker beat migrate seed venv clean e2e vendor prod-smoke

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 (or run make PYTHON=python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) requirements/base.txt requirements/dev.txt
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(DEV_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(DEV_ENV) $(PY) manage.py seed_demo

run: $(STAMP)
	@$(DEV_ENV) $(PY) manage.py migrate --noinput
	@$(DEV_ENV) $(PY) manage.py seed_demo --if-empty
	@$(DEV_ENV) $(PY) manage.py demo_logins
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The property-based bad-input tests (tests/*/test_bad_input_*.py) with the nightly hypothesis profile
# (tests/conftest.py: 300 examples per test instead of 30); see tests/RELIABILITY.md.
test-nightly: $(STAMP)
	HYPOTHESIS_PROFILE=nightly $(BIN)/pytest -n $(PYTEST_WORKERS) $$(find tests -name 'test_bad_input*.py' | sort) $(PYTEST_ARGS)

e2e: $(STAMP)
	$(BIN)/pytest -m e2e -p no:xdist $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Rewrite the code in the house style: ruff's formatter, then the lint fixes ruff can make by itself.
format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# mypy (with django-stubs) on every app's services and selectors; files and strictness in pyproject.toml.
typecheck: $(STAMP)
	DEBUG=true $(BIN)/mypy

# Production-like checks: lint, import contracts, types of services/selectors, no missing migrations,
# and `check --deploy` with DEBUG off.
check: lint typecheck
	$(BIN)/lint-imports
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	DEBUG=false SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=courseworx.example.com $(PY) manage.py check --deploy --fail-level WARNING

worker: $(STAMP)
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run a worker."; exit 1; }
	$(DEV_ENV) $(BIN)/celery -A courseworx worker --beat --loglevel=info -Q $(CELERY_QUEUES) \
	  --scheduler django_celery_beat.schedulers:DatabaseScheduler

# Beat alone (as in production: one beat, workers without --beat): sends settings.CELERY_BEAT_SCHEDULE's jobs.
beat: $(STAMP)
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run beat."; exit 1; }
	$(DEV_ENV) $(BIN)/celery -A courseworx beat --loglevel=info \
	  --scheduler django_celery_beat.schedulers:DatabaseScheduler

# The deploy/ kit run for real: production settings on PostgreSQL + Redis, collectstatic, migrate, demo data,
# nginx + gunicorn + a Celery worker and beat, then a crawl of every route as every demo account (deploy/smoke/).
# SMOKE_DATABASE_URL (dropped and re-created), SMOKE_REDIS_URL, SMOKE_BROKER_URL, SMOKE_PORT: see deploy/smoke/run.py (or python -m deploy.smoke --help).
prod-smoke: $(STAMP)
	$(PY) -m deploy.smoke

# Re-vendor the front-end libraries from npm (courseworx/static/vendor/README.md); needs npm.
vendor: $(STAMP)
	$(PY) deploy/vendor_static.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
