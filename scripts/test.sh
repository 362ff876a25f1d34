#!/usr/bin/env bash
# The second command of the README, and what CI runs: installs everything a fresh machine
# lacks, then lint, typecheck, build (with the widget's size budgets) and every test layer.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
started=$SECONDS

bash scripts/setup.sh --browser
CHROMIUM_PATH="$(bash scripts/find-chromium.sh)"
export CHROMIUM_PATH

echo "== lint";       pnpm -s lint
echo "== typecheck";  pnpm -s typecheck
echo "== build";      pnpm -s build
echo "== tests"
status=0
pnpm -s exec vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=$?
# One plain closing line for whoever reads only the end of the log.
node -e '
  const r = require("./test-results/vitest.json");
  process.stdout.write(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped\n`);
' || true
[ "$status" = 0 ] || exit "$status"
echo "== benchmark smoke (chat starts, messages and a reconnect storm at a small scale: nothing lost, nothing stuck)"
pnpm -s bench --smoke
echo "All checks passed in $((SECONDS - started)) s."
