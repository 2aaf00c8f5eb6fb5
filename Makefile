# SIGES developer commands. `make run` and `make test` work on a fresh machine with no services.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install migrate demo serve lint format check-migrations deploy-check bench clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

serve: install
	$(PY) manage.py runserver $(HOST):$(PORT)

## Embedded mode: SQLite file, Celery tasks inline, email to the console.
run: demo serve

## The whole suite: SQLite by default; PostgreSQL when DATABASE_URL is set.
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

deploy-check: install
	DJANGO_SETTINGS_MODULE=core.settings.prod \
	DJANGO_SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") \
	SIGES_AUDIT_SIGNING_KEY=check-deploy-signing-key-0123456789abcdef \
	DJANGO_ALLOWED_HOSTS=siges.example.gob.sv \
	DATABASE_URL=postgres://siges@127.0.0.1:5432/siges \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	ANYMAIL_WEBHOOK_SECRET=user:secret \
	$(PY) manage.py check --deploy --fail-level WARNING

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) var db.sqlite3
