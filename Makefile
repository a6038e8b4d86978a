# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# Development commands run with DEBUG on (it allows the built-in development key);
# production sets SECRET_KEY and runs manage.py itself (docs/deployment.md).
DEV    := DEBUG=1

.PHONY: run serve test screenshots venv node-tools messages makemessages check-messages lint format lock clean

# The stamp is rebuilt whenever the lock file changes, so a pull that bumps a pin reinstalls.
$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.lock
	touch $@

venv: $(VENV)/.installed

# The Nu Html Checker (npm vnu-jar, run with the system's Java) for tests/test_html_valid.py.
# Reinstalled whenever package-lock.json changes, like the venv. --ignore-scripts: vnu-jar's
# postinstall would download a JDK when none is found; the suite uses the system's `java`.
node_modules/.installed-stamp: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

node-tools: node_modules/.installed-stamp

# Compiles the gettext catalogues with polib, so a fresh machine needs no gettext tools.
messages: venv
	$(DEV) $(PY) manage.py compile_catalogues

# The tasks worker (mail) runs beside the development server and stops with it.
run: messages
	mkdir -p var
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py load_demo
	$(DEV) $(PY) manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production stack for trying it here (deploy/serve.sh, docs/deployment.md): DEBUG off,
# a secret kept in var/secret_key, gunicorn with static files and the tasks worker on
# http://127.0.0.1:$(PORT); SQLite, or PostgreSQL if DATABASE_URL says so. Ctrl-C stops both.
serve: venv
	PORT=$(PORT) PY=$(PY) bash deploy/serve.sh

# One worker per core (pytest-xdist): each gets its own test database.
test: messages node-tools
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

# The browser tests with a screenshot of every page state in var/screenshots/ (to look at).
screenshots: messages node-tools
	SUUNTA_SCREENSHOTS=1 $(PY) -m pytest -n auto tests/e2e $(PYTEST_ARGS)

# Developer helpers (need GNU gettext): refresh the catalogues from the source.
makemessages: venv
	$(DEV) $(PY) manage.py makemessages --no-obsolete --no-location -l fi -l sv -l en

check-messages: venv
	$(DEV) $(PY) manage.py check_catalogues

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerate the lock files after changing pins in pyproject.toml.
lock:
	$(PYTHON) -m pip install --quiet uv==0.13.9
	$(PYTHON) -m uv pip compile pyproject.toml --python-version 3.11 -o requirements.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements-dev.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra s3 --python-version 3.11 -o requirements-s3.lock

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3*
