# The two commands: `make run` and `make test`. Both work from a fresh clone.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-runtime lint check serve worker beat messages clean security

# Two stamps: serving the app (`make run`, `serve`, `worker`, `beat`) needs only the
# runtime requirements; the checks and tests also need the test toolchain.
$(VENV)/.installed-runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed-dev
install-runtime: $(VENV)/.installed-runtime

# A local, development-only configuration. Never used in production, where real
# environment variables are set instead.
.env:
	@echo "DEBUG=true" > .env
	@echo "SECRET_KEY=dev-only-$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(40))')" >> .env
	@echo "Wrote .env with DEBUG=true and a generated development-only SECRET_KEY."

run: install-runtime .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py create_demo_users
	$(PY) manage.py runserver $(HOST):$(PORT)

# Two workers (pytest-xdist), each with its own test database and cache; TEST_WORKERS=0
# runs in one process.
TEST_WORKERS ?= 2
test: install
	$(PY) -m pytest -n $(TEST_WORKERS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	SECRET_KEY=lint $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

# Static security gate (CI): no high-severity bandit finding, and Django's deploy
# checks (plus casetracker's own) clean under production-like settings.
# The values below are placeholders for the check only, never a real deployment.
SECURITY_ENV := DJANGO_READ_DOT_ENV=0 DEBUG=false \
	SECRET_KEY=check-only-Zq9xW2pL7vN4rT6yU8aB1cD3eF5gH0jK-not-for-production-0123456789 \
	ALLOWED_HOSTS=example.org CSRF_TRUSTED_ORIGINS=https://example.org \
	BEHIND_TLS_PROXY=true TRUSTED_PROXY_COUNT=1 SECURE_HSTS_PRELOAD=true \
	SITE_URL=https://example.org STALE_HEALTH_UNASSIGNED_EMAILS=alerts@example.org \
	MFA_ENCRYPTION_KEYS=Y2hlY2stb25seS1ub3QtYS1yZWFsLWtleS0wMDAwMDA= \
	CACHE_URL=redis://127.0.0.1:6379/0
security: install
	$(VENV)/bin/bandit -q -r accounts casetracker cases people -x tests --severity-level high
	env $(SECURITY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# Production-like processes without Docker (see README).
serve: install-runtime
	$(VENV)/bin/gunicorn casetracker.wsgi --bind $(HOST):$(PORT) --workers 3
worker: install-runtime
	$(VENV)/bin/celery -A casetracker worker --loglevel=info
beat: install-runtime
	$(VENV)/bin/celery -A casetracker beat --loglevel=info

messages: install
	$(PY) manage.py makemessages -l ru -l kk --ignore=.venv --ignore=var
	$(PY) manage.py makemessages -d djangojs -l ru -l kk --ignore=.venv --ignore=var

clean:
	rm -rf $(VENV) var db.sqlite3
