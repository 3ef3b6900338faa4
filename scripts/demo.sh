#!/usr/bin/env bash
# The main job: build jcriu, start a process that counts, checkpoint it, show
# the images and the stats, restore it and show it counting on from where it
# stopped. Run as root (ptrace of another session, clone3 with set_tid).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

bash scripts/install-deps.sh
echo "== building jcriu (mvn -B -q -DskipTests package)"
mvn -B -q -DskipTests package

work=$(mktemp -d /tmp/jcriu-demo.XXXXXX)
images="$work/images"
mkdir -p "$images"
gcc -O1 -o "$work/counter" scripts/demo/counter.c

criu=criu-orchestrator/bin/criu
crit=images/bin/crit

# Start the counter in a session of its own, detached from this shell.
# Without job control the background job is not a group leader, so setsid
# execs the counter in place and $! is the counter's own pid.
setsid "$work/counter" "$work/count.log" </dev/null >/dev/null 2>&1 &
pid=$!
cleanup() { kill -9 "$pid" 2>/dev/null || true; }
trap cleanup EXIT
sleep 1.5
echo "== counter running as pid $pid, last count: $(tail -n1 "$work/count.log")"

echo "== criu dump -t $pid -D $images"
$criu dump -t "$pid" -D "$images" -o dump.log -v4
last=$(tail -n1 "$work/count.log")
echo "   dumped and killed at count $last"
for _ in $(seq 50); do [ -d /proc/$pid ] || break; sleep 0.1; done

echo "== images:"
ls -l "$images"
echo "== crit x $images ps"
$crit x "$images" ps
echo "== stats-dump"
$crit show "$images/stats-dump"

echo "== criu restore -d -D $images"
$criu restore -d -D "$images" -o restore.log -v4 --pidfile "$work/restored.pid"
sleep 1.5
rpid=$(cat "$work/restored.pid")
echo "   restored pid $rpid (was $pid)"
echo "== stats-restore"
$crit show "$images/stats-restore"
echo "== count after restore: it went on from $last:"
grep -x -A8 "$last" "$work/count.log" | tr '\n' ' '; echo
kill -9 "$rpid" 2>/dev/null || true
echo "== demo done (images and logs in $work)"
