# Sourced by the run and test scripts: picks a Python 3.11+ and prepares the virtualenv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pick_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.14 python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            echo "$candidate"
            return
        fi
    done
    echo "Python 3.11 or newer is needed." >&2
    exit 1
}

VENV=${VENV:-.venv}
# Installs (or updates) the virtualenv from the given requirements files; quick when nothing changed.
ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$(pick_python)" -m venv "$VENV"
    fi
    local stamp="$VENV/.requirements.sha256"
    local wanted
    wanted=$(cat "$@" | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
        local args=()
        for file in "$@"; do args+=(-r "$file"); done
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${args[@]}"
        echo "$wanted" > "$stamp"
    fi
}
