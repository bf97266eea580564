#!/usr/bin/env bash
# Mutation testing of one core module with mutmut 3:
#
#   scripts/mutation.sh MODULE_PATH [pytest args]      e.g. scripts/mutation.sh lca/assess/evaluate.py
#
# mutmut mutates MODULE_PATH only and runs, per mutant, the tests of the selection below that
# executed the mutated function (it records that in one instrumented run first), with -x. The
# selection is the tests relevant to the module, not the whole suite, so a run takes minutes on a
# 2-core machine; extra pytest args (more test files, -k EXPR) are added to it.
#
# The run happens in a snapshot, mutants/<module>/ (gitignored): the package, tests, shipped data
# and pyproject.toml are copied there, mutmut writes its mutated copy into mutants/<module>/mutants/,
# so neither the checkout's lca/ nor a concurrent edit of it is touched. The Brightway project is
# built once into mutants/<module>/home and handed to every pytest session through LCA_TEST_HOME
# (tests/conftest.py), instead of ~10 s of building per mutant.
#
# The last line printed is the result: mutants, killed, survived, timeout, skipped, no tests and the
# score killed / (killed + survived). Survivors are listed above it; inspect one with
#   (cd mutants/<module> && ../../.venv/bin/mutmut show MUTANT_NAME)
#
# Environment: MUTATION_JOBS (parallel mutants, default 2), MUTATION_KEEP=1 (reuse the previous
# run's results in the snapshot; only new or changed mutants are run).
set -euo pipefail

# The one place naming the core modules and the tests relevant to each (files not committed yet are
# skipped, so tests that land later are picked up by name). Update paths here when modules move.
# Tests that need the USLCI import (the import_home fixture: test_round_trips, test_linked,
# test_foreground_uncertainty, test_import_*) are left out: that import takes minutes per session
# and mutmut starts one session per mutant.
declare -A TESTS=(
  [lca/inventory/resolve.py]="tests/test_resolve_rules.py tests/test_oracle_products.py
      tests/test_engine_vs_bw2calc.py tests/test_bad_input.py tests/test_variations.py
      tests/test_screen.py"
  [lca/engine/solver.py]="tests/test_oracle_products.py tests/test_engine_vs_bw2calc.py
      tests/test_screen.py tests/test_screen_resume.py tests/test_variations.py tests/test_uncertainty.py
      tests/test_environment_faults.py tests/test_suppliers_results.py"
  [lca/assess/evaluate.py]="tests/test_verdict_rules.py tests/test_verdict_boundaries.py tests/test_spec_grades.py
      tests/test_grade_rules.py tests/test_suppliers_results.py
      tests/test_specs_evaluate.py tests/test_oracle_products.py tests/test_screen_verdicts.py"
  [lca/assess/grades.py]="tests/test_grade_rules.py tests/test_spec_grades.py tests/test_specs_format.py"
  [lca/population/batch_verdicts.py]="tests/test_batch_verdict_rules.py tests/test_verdict_boundaries.py
      tests/test_screen_verdicts.py"
  [lca/population/calibrate.py]="tests/test_calibrate.py tests/test_calibration_bands.py"
  [lca/population/screen.py]="tests/test_screen.py tests/test_screen_resume.py tests/test_screen_verdicts.py
      tests/test_screen_in_memory.py tests/test_variations.py"
  [lca/core/units.py]="tests/test_units_rules.py tests/test_units.py tests/test_specs_format.py tests/test_specs_evaluate.py
      tests/test_bad_input.py"
  [lca/population/variations.py]="tests/test_variations_rules.py tests/test_variations.py tests/test_suppliers.py tests/test_nonfinite.py"
)

REPO=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$REPO/.venv}
JOBS=${MUTATION_JOBS:-2}

if [[ $# -lt 1 || -z ${TESTS[$1]+set} ]]; then
  echo "usage: $0 MODULE_PATH [pytest args]   MODULE_PATH one of:" >&2
  printf '  %s\n' "${!TESTS[@]}" | sort >&2
  exit 2
fi
module=$1
shift

# Only committed test files from the list: a file another person is still writing may fail.
# Extra arguments are taken as given (a test file of your own, committed or not).
selection=()
for t in ${TESTS[$module]}; do
  if git -C "$REPO" ls-files --error-unmatch "$t" >/dev/null 2>&1; then selection+=("$t")
  else echo "(not committed yet, left out: $t)" >&2; fi
done
selection+=("$@")

slug=${module%.py}
slug=${slug//\//.}
work=$REPO/mutants/$slug
if [[ ${MUTATION_KEEP:-0} != 1 ]]; then rm -rf "$work"; fi
mkdir -p "$work"

# Snapshot: package, tests, data (mutmut's also_copy takes the data on into mutants/).
(cd "$REPO" && tar --exclude=__pycache__ -cf - lca tests inventories/background inventories/examples \
   methods product_specs) | tar -xf - -C "$work"

# pyproject.toml with this module's only_mutate and test selection added to [tool.mutmut].
"$VENV/bin/python" - "$REPO/pyproject.toml" "$work/pyproject.toml" "$module" "${selection[@]}" <<'EOF'
import json, sys, tomllib
src, dst, module, *selection = sys.argv[1:]
text = open(src, encoding="utf-8").read()
assert "only_mutate" not in tomllib.loads(text)["tool"]["mutmut"], "set per module by the script"
header = "[tool.mutmut]\n"
extra = (f"only_mutate = {json.dumps([module])}\n"
         f"pytest_add_cli_args_test_selection = {json.dumps(selection)}\n")
open(dst, "w", encoding="utf-8").write(text.replace(header, header + extra, 1))
EOF

echo "== building the Brightway project once ($work/home)"
LCA_DATA_DIR=$work "$VENV/bin/lca" setup --home "$work/home" >/dev/null

echo "== mutmut on $module with: ${selection[*]}"
cd "$work"
export LCA_TEST_HOME=$work/home
# mutmut rewrites its progress line in place: it goes to run.log, the summary is printed below
status=0
"$VENV/bin/mutmut" run --max-children "$JOBS" >run.log 2>&1 || status=$?
if [[ $status != 0 ]]; then
  tr '\r' '\n' <run.log | tail -n 40
  echo "mutmut failed (exit $status); full log: $work/run.log" >&2
  exit "$status"
fi
"$VENV/bin/mutmut" export-cicd-stats >/dev/null

echo "== survivors"
"$VENV/bin/mutmut" results | grep -E ': (survived|timeout|suspicious|no tests|segfault)$' || echo "  none"

"$VENV/bin/python" - "$module" "$*" <<'EOF'
import json, sys
module, extra = sys.argv[1:]
s = json.load(open("mutants/mutmut-cicd-stats.json"))
k, sv = s["killed"], s["survived"]
score = f"{100 * k / (k + sv):.1f} %" if k + sv else "n/a"
cmd = f"scripts/mutation.sh {module}" + (f" {extra}" if extra else "")
print(f"{module}: mutants {s['total']}, killed {k}, survived {sv}, timeout {s['timeout']}, "
      f"skipped {s['skipped']}, no tests {s['no_tests']}, suspicious {s['suspicious']}, "
      f"score {score}  ({cmd})")
EOF
