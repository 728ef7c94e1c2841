#!/usr/bin/env bash
# Installs what is needed and starts the stack server (uvicorn) and one Celery worker with beat,
# on the embedded defaults: SQLite and the filesystem broker under $STACK_STATE_DIR (./var).
source "$(dirname "$0")/env.sh"
ensure_venv requirements.txt
export DJANGO_SETTINGS_MODULE=stackproject.settings
"$VENV/bin/python" manage.py migrate --noinput
"$VENV/bin/python" manage.py apply_stack_config
"$VENV/bin/celery" -A stackproject worker --beat --loglevel "${LOG_LEVEL:-info}" \
    --schedule "${STACK_STATE_DIR:-var}/celerybeat-schedule" &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
"$VENV/bin/uvicorn" stackproject.asgi:application --host "${STACK_HOST:-127.0.0.1}" --port "${STACK_PORT:-8321}" \
    --workers "${WEB_CONCURRENCY:-1}"
