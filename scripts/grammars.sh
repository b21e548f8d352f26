#!/usr/bin/env bash
# Installs the tree-sitter grammar sources that the code graph compiles in (src/intel/graph):
# the npm packages pinned in third_party/grammars/package-lock.json, with no install script (no
# node-gyp: CMake compiles each grammar's src/parser.c and scanner itself, cmake/grammars.cmake).
# A no-op when node_modules already matches the lock file. CMake runs it at configure time, so
# every preset and a fresh clone get the sources; it is safe to run by hand too.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../third_party/grammars" && pwd)"
cd "$dir"
# Two build trees configuring at once share this folder: one installs, the other waits.
exec 9>"$dir/.install.lock"
flock 9
stamp=node_modules/.sluice-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "grammars: npm ci (tree-sitter grammar sources)"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
echo "$want" >"$stamp"
