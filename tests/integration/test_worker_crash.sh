#!/usr/bin/env bash
# kill -9 workers repeatedly during a run: the supervisor restarts them,
# documents they held are resent after --retry-after, the database ends
# with exactly the input set and `feedmill run` exits 0.
#
# The run watches a folder the test fills in batches, one worker killed
# after each: the producer runs until the test stops it, so however fast
# the machine, every kill lands while the pipeline is at work (a run over
# a finished folder could end before the second kill).
source "$(dirname "$0")/lib.sh"
DB="$WORK/k.db"
BATCHES=8 PER_BATCH=375
make_documents "$WORK/stage" $((BATCHES * PER_BATCH))
mkdir -p "$WORK/docs"
export FEEDMILL_LOG=info
"$FEEDMILL" run --db "$DB" --workers 2 --retry-after 1 --watch "$WORK/docs" >"$WORK/out" 2>"$WORK/err" &
RUN=$!; BACKGROUND+=($RUN)
workers() { pgrep -f "feedmill worker --work ipc://" -P "$RUN" | wc -l; }
two_workers() { [ "$(workers)" -eq 2 ]; }
stored() { sql "$DB" 'SELECT count(*) FROM documents' 2>/dev/null || echo 0; }
grew_past() { [ "$(stored)" -gt "$1" ]; }
wait_for 60 two_workers || fail "the workers did not start: $(tail -5 "$WORK/err")"
wait_for 60 grep -q "watching" "$WORK/err" || fail "the run does not watch: $(tail -5 "$WORK/err")"
# The workers yield to the sink when both wait for a core (SCHED_BATCH,
# policy 3 in /proc/PID/stat), the sink does not.
policy() { awk '{ print $41 }' "/proc/$1/stat"; }
for w in $(pgrep -f "feedmill worker --work ipc://" -P "$RUN"); do
    expect_eq "$(policy "$w")" 3 "a worker's scheduling policy (SCHED_BATCH)"
done
expect_eq "$(policy "$(pgrep -f "feedmill sink " -P "$RUN")")" 0 "the sink's scheduling policy (SCHED_OTHER)"
files=("$WORK/stage"/*)
killed=0
for ((b = 0; b < BATCHES; b++)); do
    before=$(stored)
    # Moved in (one rename each), so the watch takes each file complete.
    mv -t "$WORK/docs" -- "${files[@]:b * PER_BATCH:PER_BATCH}"
    wait_for 60 grew_past "$before" || fail "batch $b: nothing stored: $(tail -5 "$WORK/err")"
    victim=$(pgrep -f "feedmill worker --work ipc://" -P "$RUN" | shuf -n 1 || true)
    [ -n "$victim" ] && kill -9 "$victim" && killed=$((killed + 1))
    wait_for 60 two_workers || fail "batch $b: no worker restarted: $(tail -5 "$WORK/err")"
done
expect_eq "$killed" $BATCHES "workers killed, one a batch"
all_stored() { [ "$(stored)" -eq $((BATCHES * PER_BATCH)) ]; }
wait_for 120 all_stored || fail "only $(stored) documents stored: $(tail -20 "$WORK/err")"
kill -TERM "$RUN"
wait $RUN || { tail -20 "$WORK/err" >&2; fail "run exited non-zero after worker kills"; }
grep -q "child died, restarting" "$WORK/err" || fail "supervisor did not log a restart"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" $((BATCHES * PER_BATCH)) "documents after worker kills"
expected=$(cd "$WORK/docs" && sha256sum -- * | cut -c1-64 | sort | sha256sum)
actual=$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)
expect_eq "$actual" "$expected" "stored ids are exactly the input's content hashes"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "dead letters"
