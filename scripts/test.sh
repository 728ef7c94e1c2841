#!/usr/bin/env bash
# Installs what is needed and runs the whole test suite: once on the embedded defaults (SQLite and
# the filesystem broker), then again on PostgreSQL and Redis when they answer on 127.0.0.1.
source "$(dirname "$0")/env.sh"
ensure_venv requirements-dev.txt
# The local model's tests run when it is installed (CI installs it); STACK_SKIP_LOCAL_MODEL=1 skips them.
if [ "${STACK_SKIP_LOCAL_MODEL:-0}" != 1 ]; then
    ensure_local_model
fi

# The console's browser tests drive Debian's Chromium: installed here when missing and we may (root, apt-get).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } ||
        echo "Chromium could not be installed: the console's browser tests will be skipped." >&2
fi

"$VENV/bin/ruff" check .
# Test files spread over processes (each file's servers start once); TEST_PROCESSES=0 runs in this one.
parallel=(-n "${TEST_PROCESSES:-2}" --dist loadfile)
[ "${TEST_PROCESSES:-2}" = 0 ] && parallel=()
echo "== test suite: SQLite + embedded broker"
env -u DATABASE_URL -u CELERY_BROKER_URL -u CACHE_URL "$VENV/bin/pytest" "${parallel[@]}" "$@"

reachable() { "$VENV/bin/python" -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 2)" 2>/dev/null; }
if reachable 5432 && reachable 6379; then
    echo "== test suite: PostgreSQL + Redis"
    DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
    CELERY_BROKER_URL=${TEST_BROKER_URL:-redis://127.0.0.1:6379/0} \
    CACHE_URL=${TEST_CACHE_URL:-redis://127.0.0.1:6379/1} \
        "$VENV/bin/pytest" "${parallel[@]}" "$@"
else
    echo "== PostgreSQL or Redis not reachable on 127.0.0.1: production-like run skipped"
fi
