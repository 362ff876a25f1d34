#!/usr/bin/env bash
# Builds the embedded database (FerretDB + SQLite, see tools/devdb and docs/adr/0002) into
# tools/devdb/bin/devdb through the Go module proxy. Idempotent; the Go build cache makes
# later builds fast.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/tools/devdb"

if ! command -v go >/dev/null 2>&1; then
  # The official Go tarball installs here; add it when the shell's PATH lacks it.
  export PATH="$PATH:${GOROOT:-/usr/local/go}/bin"
fi
if ! command -v go >/dev/null 2>&1; then
  echo "Go is needed to build the embedded database (or set MONGODB_URL to use MongoDB)." >&2
  exit 1
fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
mkdir -p bin
echo "Building the embedded database (first build takes a few minutes)…"
go build -trimpath -o bin/devdb.tmp .
mv bin/devdb.tmp bin/devdb
