#!/usr/bin/env bash
# Install what is missing, create or upgrade the SQLite database, load the reference
# community 荆川东园 (once), and serve the web app on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh

ensure_system_packages
ensure_python web
ensure_static
mkdir -p var
.venv/bin/sunshine db upgrade
.venv/bin/sunshine demo load
.venv/bin/sunshine demo logins
say "命令行 / the CLI: .venv/bin/sunshine --help   (验证码 / login codes: .venv/bin/sunshine codes)"
exec .venv/bin/sunshine serve --host "${SUNSHINE_HOST:-127.0.0.1}" --port "${SUNSHINE_PORT:-8000}"
