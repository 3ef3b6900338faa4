#!/usr/bin/env bash
# Puts jcriu's launchers on PATH (as criu, crit, compel) for tools such as
# runc that look criu up there. PREFIX defaults to /usr/local.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bindir="${PREFIX:-/usr/local}/bin"
mkdir -p "$bindir"
for l in criu-orchestrator/bin/criu images/bin/crit compel/bin/compel; do
  [ -x "$top/$l" ] || { echo "install-bin: $l is missing" >&2; exit 1; }
  ln -sf "$top/$l" "$bindir/$(basename "$l")"
  echo "linked $bindir/$(basename "$l") -> $top/$l"
done
