#!/usr/bin/env bash
# Installs what is needed and starts the stack server (uvicorn, through `manage.py serve`) and one Celery worker with beat,
# on the embedded defaults: SQLite and the filesystem broker under $STACK_STATE_DIR (./var).
source "$(dirname "$0")/env.sh"
ensure_venv requirements.txt
# The built-in local model: installed, then switched on in the default distribution (STACK_LOCAL_MODEL);
# STACK_SKIP_LOCAL_MODEL=1 does neither.
if [ "${STACK_SKIP_LOCAL_MODEL:-0}" != 1 ]; then
    ensure_local_model
    export STACK_LOCAL_MODEL=${STACK_LOCAL_MODEL:-1}
fi
export DJANGO_SETTINGS_MODULE=stackproject.settings
export STACK_STATE_DIR=${STACK_STATE_DIR:-var}
# Metrics of the previous run's processes are not this run's.
rm -rf "$STACK_STATE_DIR/metrics"
"$VENV/bin/python" manage.py migrate --noinput
"$VENV/bin/celery" -A stackproject worker --beat --loglevel "${LOG_LEVEL:-info}" \
    --schedule "$STACK_STATE_DIR/celerybeat-schedule" &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
"$VENV/bin/python" manage.py serve --host "${STACK_HOST:-127.0.0.1}" --port "${STACK_PORT:-8321}" \
    --workers "${WEB_CONCURRENCY:-1}"
