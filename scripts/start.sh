#!/usr/bin/env bash
# The first command of the README: installs what is missing, builds, and runs Hovor with the
# embedded database (or MONGODB_URL), a demo shop page and, on first start, an admin login.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
echo "Building the widget and the console…"
pnpm -s build
exec pnpm -s start
