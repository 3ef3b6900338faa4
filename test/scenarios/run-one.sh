#!/usr/bin/env bash
# Runs one scenario by hand without a checkpoint: launch, wait for READY,
# SIGTERM, wait for PASS/FAIL. Usage: run-one.sh NAME [--arg X]
# Run files in test/target/run/NAME-manual/ (status, log, scratch/).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${SCENARIO_BIN:-$here/../target/scenarios}
name=$1; shift
dir=$here/../target/run/$name-manual
rm -rf "$dir"; mkdir -p "$dir"
lopts=$(sed -n 's/.*LAUNCH_OPTS:[[:space:]]*\([^*]*\).*/\1/p' "$here/$name.c")
pid=$("$bin/launch" --reaper $lopts --log "$dir/log" --cwd "$dir" -- "$bin/$name" --status "$dir/status" "$@") || exit 1
for i in $(seq 1 1000); do grep -q -e '^READY' -e '^FAIL' "$dir/status" 2>/dev/null && break; sleep 0.01; done
kill -TERM "$pid"
for i in $(seq 1 1000); do grep -q -e '^PASS' -e '^FAIL' "$dir/status" 2>/dev/null && break; sleep 0.01; done
echo "$name ($pid): $(tr '\n' ' ' < "$dir/status" 2>/dev/null)"
# never leave it behind: kill it (by pid, if it is still our program)
if [ "$(readlink /proc/$pid/exe 2>/dev/null)" = "$(readlink -f "$bin/$name")" ]; then
  sleep 0.2
  [ "$(readlink /proc/$pid/exe 2>/dev/null)" = "$(readlink -f "$bin/$name")" ] && { echo "  (still running: killing $pid)"; kill -KILL "$pid"; }
fi
grep -q '^PASS' "$dir/status" && ! grep -q '^FAIL' "$dir/status"
