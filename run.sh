#!/usr/bin/env bash
# Install what is missing, create or upgrade the SQLite database, load the reference
# community 荆川东园 (once), and serve the web app on 127.0.0.1:8000 (SUNSHINE_HOST and
# SUNSHINE_PORT change that). The printed notices' QR codes lead to SUNSHINE_PUBLIC_URL:
# unless set, the address served here (this machine's network address when serving on
# 0.0.0.0, so that a phone on the same network can open it).
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
host="${SUNSHINE_HOST:-127.0.0.1}"
port="${SUNSHINE_PORT:-8000}"
if [[ -z "${SUNSHINE_PUBLIC_URL:-}" ]]; then
  shown="$host"
  if [[ "$host" == "0.0.0.0" || "$host" == "::" ]]; then
    shown="$(hostname -I 2>/dev/null | awk '{print $1}')"
    shown="${shown:-127.0.0.1}"
  fi
  [[ "$shown" == *:* ]] && shown="[$shown]"
  export SUNSHINE_PUBLIC_URL="http://${shown}:${port}"
fi
say "公示二维码地址 / the notices' QR codes lead to: $SUNSHINE_PUBLIC_URL"
exec .venv/bin/sunshine serve --host "$host" --port "$port"
