#!/usr/bin/env bash
# The sink stops (SIGSTOP) while 30 MB of documents wait: the producer
# reads only up to its in-flight limit (4 MB here), every process stays
# small, and when the sink resumes the run completes exactly.
source "$(dirname "$0")/lib.sh"
DB="$WORK/b.db"
mkdir -p "$WORK/docs"
head -c 100000 /dev/urandom | base64 -w 100 >"$WORK/base.txt"
for i in $(seq 1 300); do
    { echo " date 2026-03-03 문서 $i"; cat "$WORK/base.txt"; echo "끝 $i"; } >"$WORK/docs/doc$i.txt"
done
export FEEDMILL_LOG=info
# Under AddressSanitizer freed memory waits in a quarantine (256 MB by
# default) that would count as resident: keep it small here.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}quarantine_size_mb=8"
"$FEEDMILL" run --db "$DB" --workers 2 --retry-after 600 --max-in-flight 4000000 "$WORK/docs" >"$WORK/out" 2>"$WORK/err" &
RUN=$!; BACKGROUND+=($RUN)
wait_for 60 bash -c "[ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0)\" -ge 20 ]" \
    || fail "run did not get going"
SINK=$(pgrep -f "feedmill sink " -P $RUN)
kill -STOP "$SINK"
stalled_at=$(sqlite3 "$DB" 'SELECT count(*) FROM documents')
read_files() { sqlite3 -cmd ".timeout 5000" "$WORK/b.db.producer" "SELECT count(*) FROM files" 2>/dev/null || echo 0; }
# The workers finish what they hold and fill their queues to the stopped
# sink, the producer its in-flight bytes: then reading stops. How long
# that takes depends on the machine (an ASan build extracts slowly), so
# wait for the count to hold, then check that it stays put.
# (An extraction can take over a second there: the count must hold for
# four seconds in a row.)
before=$(read_files) steady=0
for _ in $(seq 60); do
    [ "$steady" -ge 4 ] && break
    sleep 1
    now=$(read_files)
    if [ "$now" -eq "$before" ]; then steady=$((steady + 1)); else steady=0; fi
    before=$now
done
sleep 3; after=$(read_files)
max_rss=0
for pid in $(pgrep -P $RUN); do
    rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    [ "$rss" -gt "$max_rss" ] && max_rss=$rss
done
kill -CONT "$SINK"
[ "$after" -eq "$before" ] || fail "producer kept reading while the sink was stopped ($before -> $after files)"
# 4 MB of 130 kB documents is about 30, plus the batch the sink holds.
[ "$after" -lt $((stalled_at + 60)) ] || fail "producer read $after of 300 files with only $stalled_at stored"
pass "producer stopped reading at $after files with $stalled_at stored"
[ "$max_rss" -lt 100000 ] || fail "a process grew to $max_rss kB while the sink was stopped"
pass "largest process while stalled: $max_rss kB (input: 30 MB)"
wait $RUN || { tail "$WORK/err" >&2; fail "run failed after the sink resumed"; }
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 300 "documents after the sink resumed"
