#!/usr/bin/env bash
# kill -9 the producer, then the sink, in the middle of a run; SIGSTOP a
# worker for longer than --retry-after, then SIGCONT it. After each, the
# supervisor's restarts and the producer's resends must leave exactly
# the input set in the database, and `feedmill run` must exit 0.
source "$(dirname "$0")/lib.sh"
make_documents "$WORK/docs" 3000 60   # a run of seconds: the signals land in its middle
export FEEDMILL_LOG=info
EXPECTED=$(cd "$WORK/docs" && sha256sum -- * | cut -c1-64 | sort | sha256sum)

child_pid() {   # child_pid RUN_PID ROLE
    pgrep -f "feedmill $2 " -P "$1" | head -1 || true
}

# start_run NAME: a run in the background; sets RUN and DB.
start_run() {
    DB="$WORK/$1.db"
    "$FEEDMILL" run --db "$DB" --workers 2 ${RUN_OPTIONS:---retry-after 1} "$WORK/docs" \
        >"$WORK/$1.out" 2>"$WORK/$1.err" &
    RUN=$!; BACKGROUND+=($RUN)
}

# hit RUN ROLE SIGNAL: once the run has committed some rows, signal one child.
hit() {
    wait_for 60 bash -c "[ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0)\" -ge 300 ]" \
        || fail "$2: run did not get going"
    local pid
    pid=$(child_pid "$1" "$2")
    [ -n "$pid" ] || fail "no $2 process under run $1"
    kill "-$3" "$pid"
    echo "$pid"
}

check_run() {   # check_run NAME
    wait $RUN || { tail -20 "$WORK/$1.err" >&2; fail "$1: run exited non-zero"; }
    expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 3000 "$1: documents"
    expect_eq "$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$EXPECTED" \
        "$1: stored ids are exactly the input's content hashes"
    expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "$1: dead letters"
}

start_run producer
acknowledged() { sqlite3 "$DB.producer" "SELECT count(*) FROM files WHERE status = 'done'" 2>/dev/null || echo 0; }
wait_for 60 bash -c "[ \"\$(sqlite3 '$DB.producer' \"SELECT count(*) FROM files WHERE status = 'done'\" 2>/dev/null || echo 0)\" -ge 300 ]" \
    || fail "producer: no acknowledged files recorded"
hit $RUN producer KILL >/dev/null
known=$(acknowledged)
check_run producer
grep -q 'child=producer reason="killed by signal 9' "$WORK/producer.err" || fail "producer restart not logged"
grep -q "unchanged since an earlier run" "$WORK/producer.out" || fail "no summary"
skipped=$(grep -o "[0-9]* skipped (unchanged since an earlier run)" "$WORK/producer.out" | cut -d' ' -f1)
[ "$skipped" -ge "$known" ] || fail "restarted producer re-read files acknowledged before the crash ($skipped skipped, $known acknowledged)"
pass "restarted producer skipped $skipped files ($known were acknowledged when it was killed)"

start_run sink
hit $RUN sink KILL >/dev/null
check_run sink
grep -q 'child=sink reason="killed by signal 9' "$WORK/sink.err" || fail "sink restart not logged"

# A hung worker: its heartbeats stop, the producer gives what it held to
# the other worker; when it wakes up its late results are duplicates the
# sink absorbs.
RUN_OPTIONS="--retry-after 30 --worker-timeout 1"
start_run stopped
stopped=$(hit $RUN worker STOP)
sleep 3
kill -CONT "$stopped"
check_run stopped
grep -q "worker lost, resending what it held reason=\"no heartbeat" "$WORK/stopped.err" \
    || fail "the stopped worker's silence was not detected"
