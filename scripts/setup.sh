# Shared by ./run.sh and ./test.sh: install what is missing, and nothing that is already there.
# Sourced, not run: it defines functions and uses the caller's `set -euo pipefail`.

SYSTEM_PACKAGES=(python3 python3-venv python3-pip ca-certificates libatomic1 postgresql
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-dejavu-core
  chromium poppler-utils nodejs npm)

say() { printf '\033[1;33m==>\033[0m %s\n' "$*"; }

ensure_system_packages() {
  local missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  # node/npm may come from elsewhere (nvm, a newer build): having the commands is enough.
  if command -v npm >/dev/null && command -v node >/dev/null; then
    missing=("${missing[@]/nodejs/}"); missing=("${missing[@]/npm/}")
  fi
  local wanted=()
  for pkg in "${missing[@]}"; do [ -n "$pkg" ] && wanted+=("$pkg"); done
  [ ${#wanted[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${wanted[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}

# The virtual environment lives in .venv; it is rebuilt when the lock file changes.
ensure_python() {
  local extras="$1" stamp=".venv/.installed-$1"
  if [ ! -x .venv/bin/python ]; then
    say "creating the virtual environment in .venv"
    python3 -m venv .venv
  fi
  if [ ! -f "$stamp" ] || [ requirements.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    say "installing Python packages (requirements.lock)"
    # pip's output goes to a log and is shown only when something fails.
    if ! { .venv/bin/python -m pip install --disable-pip-version-check -r requirements.lock &&
           .venv/bin/python -m pip install --disable-pip-version-check --no-deps -e ".[$extras]"; } \
         > .venv/pip-install.log 2>&1; then
      cat .venv/pip-install.log >&2
      return 1
    fi
    touch "$stamp"
  fi
}

# htmx and Chart.js come from the npm registry and are served by the app (no CDN).
ensure_static() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing front-end packages (package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  fi
}
