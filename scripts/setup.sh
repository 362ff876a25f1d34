#!/usr/bin/env bash
# Installs what Hovor needs on a fresh machine: pnpm, the workspace's dependencies and the
# embedded database. With --browser also Chromium and redis-server, for the browser and
# multi-node tests (apt-get, when missing and run as root).
# Idempotent: a second run only checks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

want_browser=no
[ "${1:-}" = "--browser" ] && want_browser=yes

node_version="$(node -p 'process.versions.node' 2>/dev/null || true)"
if [ -z "$node_version" ]; then
  echo "Node.js 20.19+, 22.12+ or 24 is needed; install it first." >&2
  exit 1
fi
node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  const ok = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24;
  if (!ok) { process.stderr.write(`Node ${process.versions.node} is too old: use 20.19+, 22.12+ or 24.\n`); process.exit(1); }
'

pnpm_version="$(node -p 'require("./package.json").packageManager.split("@")[1]')"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$pnpm_version" ]; then
  echo "Installing pnpm $pnpm_version…"
  npm install --global --no-fund --no-audit "pnpm@$pnpm_version" >/dev/null
fi

echo "Installing dependencies…"
CI=true pnpm install --frozen-lockfile --reporter=silent

# Rebuild the embedded database when its binary is missing or older than its sources.
devdb="tools/devdb/bin/devdb"
if [ ! -x "$devdb" ] || [ -n "$(find tools/devdb scripts/build-devdb.sh -path tools/devdb/bin -prune -o -type f -newer "$devdb" -print)" ]; then
  bash scripts/build-devdb.sh
fi

if [ "$want_browser" = yes ]; then
  if ! bash scripts/find-chromium.sh >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing Chromium for the browser tests…"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
      echo "Chromium is needed for the browser tests: install it (e.g. apt-get install chromium) or set CHROMIUM_PATH." >&2
      exit 1
    fi
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing redis-server for the multi-node tests…"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    else
      echo "redis-server is needed for the multi-node tests: install it (e.g. apt-get install redis-server)." >&2
      exit 1
    fi
  fi
fi
