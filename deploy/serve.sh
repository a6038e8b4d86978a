#!/usr/bin/env bash
# The production stack on this machine, for trying it: `make serve` (docs/deployment.md).
#
# DEBUG off; a secret key generated once into var/secret_key (mode 600) unless SECRET_KEY
# is set; PostgreSQL if DATABASE_URL says so, SQLite (var/suunta.sqlite3) otherwise.
# Migrates, compiles the catalogues, collects the static files, loads the demo into an
# empty database, then runs gunicorn (deploy/gunicorn.conf.py) and the tasks worker
# together: Ctrl-C (or either one exiting) stops both.
#
# Plain HTTP on 127.0.0.1:8000 (PORT=8001 for another port): no HTTPS redirect and
# cookies without the Secure flag (SECURE_SSL_REDIRECT=0, SECURE_COOKIES=0). A real
# server sets neither: it sits behind a proxy that terminates TLS.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
VAR=${SUUNTA_VAR_DIR:-var}
mkdir -p "$VAR"

if [ -z "${SECRET_KEY:-}" ]; then
    if [ ! -s "$VAR/secret_key" ]; then
        (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$VAR/secret_key.new")
        mv "$VAR/secret_key.new" "$VAR/secret_key"
        echo "A new secret key is in $VAR/secret_key."
    fi
    chmod 600 "$VAR/secret_key"
    SECRET_KEY=$(cat "$VAR/secret_key")
    export SECRET_KEY
fi
export DEBUG=0
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
export SECURE_COOKIES=${SECURE_COOKIES:-0}
export SUUNTA_BIND=${SUUNTA_BIND:-127.0.0.1:${PORT:-8000}}

"$PY" manage.py migrate --noinput -v0
"$PY" manage.py compile_catalogues
"$PY" manage.py collectstatic --noinput -v0
if ! "$PY" manage.py shell --no-imports -c 'import sys; from suunta.organizations.models import Organization as O; sys.exit(0 if O.objects.exists() else 3)'; then
    "$PY" manage.py load_demo --force
fi

# Each in a process group of its own (job control), so Ctrl-C reaches only this script,
# which then asks each to stop once: gunicorn finishes its requests, the worker its task.
set -m
"$PY" manage.py run_worker --no-reload &
worker=$!
"$PY" -m gunicorn -c deploy/gunicorn.conf.py &
server=$!
set +m
stop() {
    trap - INT TERM EXIT
    kill -TERM "$server" "$worker" 2>/dev/null || true
    wait "$server" "$worker" 2>/dev/null || true
}
trap stop INT TERM EXIT
echo "Serving http://$SUUNTA_BIND/ (Ctrl-C stops the server and the worker)."
# Whichever ends first (Ctrl-C, or a crash) ends the other too.
wait -n "$server" "$worker" || true
