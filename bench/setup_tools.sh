#!/usr/bin/env bash
# Install the baseline tools for bench/baselines.py. Idempotent: safe to re-run.
#   - beancount (PyPI) into bench/.venv-tools (kept out of the project's venv and lock file)
#   - hledger and ledger (ledger-cli) from Debian apt, plus GNU time for peak RSS
# Versions are written to bench/results/tool-versions.txt.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv-tools"
python="${PYTHON:-python3}"
beancount_spec="${BEANCOUNT_SPEC:-beancount>=3,<4}"

# --- apt: hledger, ledger, time ---------------------------------------------
need=()
for pkg in hledger ledger time; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if ((${#need[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  for pkg in "${need[@]}"; do
    policy="$(apt-cache policy "$pkg")"
    if [[ "$policy" =~ Candidate:\ [0-9] ]]; then
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$pkg"
    else
      echo "warning: apt has no candidate for $pkg; its baseline will be skipped" >&2
    fi
  done
fi

# --- PyPI: beancount in its own venv ---------------------------------------
if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q "$beancount_spec"

# --- record versions --------------------------------------------------------
mkdir -p "$here/results"
{
  echo "beancount $("$venv/bin/python" -c 'import beancount; print(beancount.__version__)')"
  echo "python $("$venv/bin/python" -c 'import platform; print(platform.python_version())')"
  if command -v hledger >/dev/null; then echo "hledger $(dpkg-query -W -f='${Version}' hledger) ($(hledger --version | head -n1))"; fi
  if command -v ledger >/dev/null; then echo "ledger $(dpkg-query -W -f='${Version}' ledger) ($(ledger --version | head -n1))"; fi
  echo "time $(dpkg-query -W -f='${Version}' time)"
} | tee "$here/results/tool-versions.txt"
