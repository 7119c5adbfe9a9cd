#!/usr/bin/env bash
# Install what is missing, then lint, type-check, check the layering, and run every test
# on SQLite and on a throw-away PostgreSQL that the test run starts and stops itself.
# Extra arguments go to pytest (e.g. ./test.sh -m "not db" -x). The tests run in parallel, one
# worker per core (SUNSHINE_TEST_WORKERS=N to choose, 0 for one process); each worker has its
# own databases. A module's tests stay on one worker, so its shared fixtures are built once.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh

ensure_system_packages
ensure_python test
ensure_static

say "ruff"
.venv/bin/ruff check src tests migrations $( [ -d bench ] && echo bench )
say "mypy (strict on src)"
.venv/bin/mypy
say "import-linter"
.venv/bin/lint-imports --no-cache
.venv/bin/lint-imports --no-cache --config importlinter-tables.toml  # no part reads another's tables
say "pytest (SQLite and PostgreSQL; browser tests in chromium)"
.venv/bin/pytest -n "${SUNSHINE_TEST_WORKERS:-auto}" --dist loadscope "$@"
