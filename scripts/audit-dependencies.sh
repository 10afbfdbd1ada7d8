#!/usr/bin/env bash
# pip-audit over the project's installed dependencies (.venv), from a throw-away virtual environment
# so that pip-audit's own dependencies are not mixed into the project's. Needs a vulnerability service:
# PyPI's JSON API (the default) or OSV (pass -s osv). Extra arguments go to pip-audit. --strict: a
# dependency that could not be checked fails the run (else "No known vulnerabilities" can mean "none checked").
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
TOOL=$(mktemp -d)
trap 'rm -rf "$TOOL"' EXIT
"${PYTHON:-python3}" -m venv "$TOOL"
"$TOOL/bin/pip" install --quiet pip-audit
# PIPAPI_PYTHON_LOCATION makes pip-audit read the project's environment, not its own.
PIPAPI_PYTHON_LOCATION="$PWD/$VENV/bin/python" "$TOOL/bin/pip-audit" --progress-spinner off --skip-editable --strict "$@"
