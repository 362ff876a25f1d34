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

# FerretDB's SQLite backend is compiled with the files in overlay/ in place of its own (the _id
# index answers lookups, equalities are pushed down; see tools/devdb/README.md). The module is
# downloaded and verified against go.sum as usual, copied, patched, and used through a
# replace directive in a build-only copy of go.mod. The overlay files are whole copies of that
# exact version's files, so the build refuses any other version rather than mix the two.
ferretdb=github.com/FerretDB/FerretDB
patched_version=v1.24.1
go mod download "$ferretdb"
version="$(go list -m -f '{{.Version}}' "$ferretdb")"
if [ "$version" != "$patched_version" ]; then
  echo "tools/devdb/overlay patches FerretDB $patched_version, go.mod asks for $version: update the overlay first." >&2
  exit 1
fi
source_dir="bin/ferretdb-$version"
# The module cache is read-only; an interrupted earlier copy may be too.
if [ -d "$source_dir" ]; then chmod -R u+w "$source_dir"; fi
rm -rf "$source_dir"
cp -R "$(go list -m -f '{{.Dir}}' "$ferretdb")" "$source_dir"
chmod -R u+w "$source_dir"
cp -R overlay/. "$source_dir/"
cp go.mod bin/build.mod
cp go.sum bin/build.sum
printf '\nreplace %s => ./bin/ferretdb-%s\n' "$ferretdb" "$version" >> bin/build.mod

echo "Building the embedded database (first build takes a few minutes)…"
go build -trimpath -modfile bin/build.mod -o bin/devdb.tmp .
mv bin/devdb.tmp bin/devdb
