#!/usr/bin/env bash
# Mutation testing of the one permission policy (src/oversight/policy/access.py) with mutmut 3.
#
# mutmut changes the policy one small step at a time (a comparison turned round, `and` made `or`,
# a basis string altered, ...) and runs the fast pure tests of tests/unit/policy/ against each
# change; a mutant that no test notices ("survived") is a behaviour nobody checks. What is mutated
# and which tests run is set in pyproject.toml, [tool.mutmut]. No database is used.
#
# It runs in a scratch copy of the checkout so that mutmut's mutants/ folder never lands in the
# repository. Needs: pip install -e '.[test,mutation]'. Takes a few minutes.
#   scripts/mutation-test.sh            run, then list the surviving mutants
#   scripts/mutation-test.sh --show     ... and print the diff of each survivor
# Exit status: 0 when it ran (survivors are listed, and judged in docs/security.md,
# "Mutation testing"), 1 when mutmut could not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
WORK="${MUTATION_WORK:-${TMPDIR:-/tmp}/oversight-mutation}"
MUTMUT="$VENV/bin/mutmut"

if [[ ! -x "$MUTMUT" ]]; then
  echo "mutmut is not installed: $VENV/bin/pip install -e '$ROOT[mutation]'" >&2
  exit 1
fi

# A fresh copy each time: a result cached for an older policy would be wrong.
rm -rf "$WORK"
mkdir -p "$WORK"
cp -a "$ROOT/src" "$ROOT/tests" "$ROOT/pyproject.toml" "$WORK/"
find "$WORK" -name __pycache__ -prune -exec rm -rf {} +
cd "$WORK"

# mutmut puts the mutated copy of src/ first on sys.path, ahead of the editable install.
# Django is set up by pytest-django for these pure tests but no database is touched.
export PATH="$VENV/bin:$PATH"
# mutmut exits 0 whatever survives; non-zero means it could not run (the tests failed unmutated, ...).
"$MUTMUT" run --max-children "${MUTATION_CHILDREN:-2}" || { echo "mutmut could not run (see above)" >&2; exit 1; }

echo
echo "== Mutants of src/oversight/policy/access.py that no test killed =="
results=$("$MUTMUT" results --all true 2>/dev/null || true)
survivors=$(grep -E ': (survived|no tests|suspicious|not checked)$' <<< "$results" || true)
if [[ -z "$survivors" ]]; then
  echo "(none)"
else
  echo "$survivors"
  if [[ "${1:-}" == "--show" ]]; then
    while read -r name _; do
      "$MUTMUT" show "${name%:}"
      echo
    done <<< "$survivors"
  fi
fi
# A timeout is a mutant that made the tests run for ever (a loop that never ends): caught.
echo
awk -F': ' 'NF == 2 {print $2}' <<< "$results" | sort | uniq -c
