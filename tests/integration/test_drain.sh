#!/usr/bin/env bash
# The producer's drain on SIGTERM keeps its promises: it waits while
# acknowledgements keep coming (past the 5 s it once gave), up to
# --drain-timeout; it stops sooner when no worker is left to make any
# progress, at once with --drain-timeout 0; its last line says what was
# committed and what stays spooled, and the next start sends the rest,
# each document stored once. `run` passes --drain-timeout on and kills a
# producer that outlives it, saying so and exiting 1.
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info
PY=/usr/bin/python3   # Debian's, with python3-zmq and python3-msgpack
"$PY" -c 'import zmq, msgpack' || fail "python3-zmq and python3-msgpack are needed (scripts/setup.sh)"
DB="$WORK/d.db"
FEED="$WORK/feed.jsonl"
: >"$FEED"
EP=(--work "ipc://$WORK/work" --acks "ipc://$WORK/acks" --sink "ipc://$WORK/results")

rows() { sqlite3 -cmd '.timeout 5000' "$DB" 'SELECT count(*) FROM documents' 2>/dev/null || echo 0; }
lines() {   # lines FIRST LAST: documents FIRST..LAST appended to the followed file
    local i
    for ((i = $1; i <= $2; i++)); do
        printf '{"text":"배출 시험 문서 %d번입니다. Drain test document number %d."}\n' "$i" "$i"
    done >>"$FEED"
}
start_producer() {   # start_producer LOG [OPTION...]
    local log=$1
    shift
    "$FEEDMILL" producer "${EP[@]}" --state "$WORK/state.db" --follow "$FEED" "$@" 2>"$log" &
    PRODUCER=$!
    BACKGROUND+=($PRODUCER)
}
start_worker() {   # start_worker DELAY: the Python worker, slow on purpose
    "$PY" "$SOURCE_DIR/tests/integration/python_worker.py" "ipc://$WORK/work" \
        "ipc://$WORK/results" --delay "$1" 2>>"$WORK/worker.log" &
    WORKER=$!
    BACKGROUND+=($WORKER)
}
# stop_producer: SIGTERM; STOP_STATUS is its exit status, STOP_MS how long
# it took.
stop_producer() {
    local started=$(date +%s%N) status=0
    kill -TERM "$PRODUCER"
    wait "$PRODUCER" || status=$?
    STOP_STATUS=$status
    STOP_MS=$((($(date +%s%N) - started) / 1000000))
}
field() { grep -o "$2=[^ ]*" <<<"$1" | head -1 | cut -d= -f2; }
ms() { awk -v s="$1" 'BEGIN { printf "%d", s * 1000 }'; }   # ms SECONDS

"$FEEDMILL" sink --db "$DB" --results "ipc://$WORK/results" --acks "ipc://$WORK/acks" \
    2>"$WORK/sink.log" &
BACKGROUND+=($!)

# 1. A slow worker (0.25 s a document): 28 spooled documents take about
#    7 s. SIGTERM after the first commit: the drain goes on while
#    acknowledgements come, and commits every one.
start_worker 0.25
lines 1 28
start_producer "$WORK/p1.log"
wait_for 30 bash -c "[ \$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0) -ge 1 ]" \
    || fail "nothing committed: $(tail -3 "$WORK/p1.log")"
stop_producer
expect_eq "$STOP_STATUS" 0 "exit status after SIGTERM during a slow drain"
line=$(grep 'drained, stopping' "$WORK/p1.log") || fail "no drain line: $(tail -3 "$WORK/p1.log")"
expect_eq "$(field "$line" reason) $(field "$line" still_spooled) $(field "$line" files_unacked)" \
    "all_committed 0 0" "drain ended with everything committed"
taken=$(field "$(grep 'stopping, waiting' "$WORK/p1.log")" taken_in)
[ "$(field "$line" committed)" -ge "$taken" ] && [ "$taken" -ge 20 ] \
    || fail "taken in: $taken, committed during the drain: $(field "$line" committed)"
[ "$(ms "$(field "$line" seconds)")" -gt 5000 ] || fail "the drain took $(field "$line" seconds) s: too fast to prove anything"
expect_eq "$(rows)" 28 "every spooled document committed by the time the producer exits"
pass "the drain went on for $(field "$line" seconds) s while acknowledgements came"

# 2. The worker falls silent past --worker-timeout (stopped), so the
#    producer has forgotten it when SIGTERM comes; it is back 1 s into the
#    drain, well within the 5 s without acknowledgement that would end it:
#    every document is committed (the producer once left at once here).
lines 29 40
start_producer "$WORK/p1b.log" --worker-timeout 1
wait_for 30 bash -c "[ \$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0) -ge 30 ]" \
    || fail "nothing committed: $(tail -3 "$WORK/p1b.log")"
kill -STOP "$WORKER"
wait_for 20 grep -q 'worker lost' "$WORK/p1b.log" || { kill -CONT "$WORKER"; fail "the worker was not given up"; }
kill -TERM "$PRODUCER"
wait_for 10 grep -q 'stopping, waiting' "$WORK/p1b.log" || { kill -CONT "$WORKER"; fail "no drain"; }
sleep 1   # the drain goes on without any worker for a while
kill -CONT "$WORKER"
status=0; wait "$PRODUCER" || status=$?
line=$(grep 'stopping, waiting' "$WORK/p1b.log")
expect_eq "$status $(field "$line" sent)" "0 0" "exit status, and no document out with a worker when the drain began"
line=$(grep 'drained, stopping' "$WORK/p1b.log") || fail "not drained: $(tail -3 "$WORK/p1b.log")"
expect_eq "$(field "$line" reason) $(rows)" "all_committed 40" "a worker back during the drain commits everything"

# 3. --drain-timeout 2 with the slow worker: the producer stops after 2 s,
#    exit 0, and names what stays spooled.
lines 41 68
start_producer "$WORK/p2.log" --drain-timeout 2
wait_for 30 bash -c "[ \$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0) -ge 41 ]" \
    || fail "nothing committed: $(tail -3 "$WORK/p2.log")"
stop_producer
expect_eq "$STOP_STATUS" 0 "exit status when --drain-timeout ends the drain"
line=$(grep 'stopping before every document was committed' "$WORK/p2.log") || fail "no warning: $(tail -3 "$WORK/p2.log")"
expect_eq "$(field "$line" reason)" drain_timeout "reason"
spooled=$(field "$line" still_spooled)
# Not acknowledged is not the same as not committed: a document the worker
# held may still be committed after the producer left (the next start
# sends it again, and it is stored once).
[ "$spooled" -gt 0 ] && [ "$spooled" -ge $((68 - $(rows))) ] || fail "still_spooled=$spooled with $(rows) of 68 committed"
[ "$STOP_MS" -lt 8000 ] || fail "stopping took $STOP_MS ms with --drain-timeout 2"
pass "--drain-timeout 2: stopped after $(field "$line" seconds) s with still_spooled=$spooled"

# 4. No worker at all: nothing can be committed, and after 5 s without an
#    acknowledgement the producer stops, far within --drain-timeout.
kill -TERM "$WORKER"; wait "$WORKER" || true
start_producer "$WORK/p3.log" --drain-timeout 60
wait_for 10 grep -q 'following files=1' "$WORK/p3.log" || fail "not following: $(tail -3 "$WORK/p3.log")"
stop_producer
expect_eq "$STOP_STATUS" 0 "exit status with no worker"
line=$(grep 'stopping before every document was committed' "$WORK/p3.log") || fail "no warning: $(tail -3 "$WORK/p3.log")"
expect_eq "$(field "$line" reason) $(field "$line" still_spooled)" "no_worker $spooled" "reason, and nothing lost"
[ "$STOP_MS" -lt 15000 ] || fail "stopping took $STOP_MS ms without workers"
pass "no worker: stopped after $(field "$line" seconds) s"

# 5. --drain-timeout 0: no wait at all.
start_producer "$WORK/p4.log" --drain-timeout 0
wait_for 10 grep -q 'following files=1' "$WORK/p4.log" || fail "not following: $(tail -3 "$WORK/p4.log")"
stop_producer
line=$(grep 'stopping before every document was committed' "$WORK/p4.log") || fail "no warning: $(tail -3 "$WORK/p4.log")"
expect_eq "$STOP_STATUS $(field "$line" reason) $(field "$line" still_spooled)" "0 drain_timeout $spooled" \
    "--drain-timeout 0 stops at once"

# 6. The next start sends what stayed spooled: each document stored once.
start_worker 0
start_producer "$WORK/p5.log"
wait_for 60 bash -c "[ \$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0) -ge 68 ]" \
    || fail "the rest was not committed: $(rows) of 68"
stop_producer
expect_eq "$STOP_STATUS $(rows) $(sql "$DB" 'SELECT count(*) FROM dead_letters')" "0 68 0" \
    "all 68 stored once, no dead letter"
kill -TERM "$WORKER"; wait "$WORKER" || true

# 7. run passes --drain-timeout on, and kills a producer that outlives it
#    by its grace (10 s): named in the log, exit 1.
RDB="$WORK/r.db"
"$FEEDMILL" run --db "$RDB" --workers 1 --drain-timeout 1 --follow "$FEED" \
    >"$WORK/run.out" 2>"$WORK/run.err" &
RUN=$!
BACKGROUND+=($RUN)
wait_for 60 bash -c "[ \$(sqlite3 -cmd '.timeout 5000' '$RDB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0) -ge 68 ]" \
    || fail "run did not ingest the feed: $(tail -3 "$WORK/run.err")"
P=$(pgrep -f "feedmill producer " -P "$RUN")
tr '\0' ' ' <"/proc/$P/cmdline" | contains -- '--drain-timeout 1 ' \
    || fail "run did not pass --drain-timeout: $(tr '\0' ' ' <"/proc/$P/cmdline")"
kill -STOP "$P"
started=$SECONDS
kill -TERM "$RUN"
status=0; wait "$RUN" || status=$?
expect_eq "$status" 1 "run's exit status when it had to kill its producer"
grep -q 'the producer did not stop within its --drain-timeout, killing it' "$WORK/run.err" \
    || fail "the kill is not said: $(tail -5 "$WORK/run.err")"
[ $((SECONDS - started)) -ge 10 ] && [ $((SECONDS - started)) -le 25 ] \
    || fail "run killed its producer after $((SECONDS - started)) s, not 1 + 10"
pass "run killed the producer $((SECONDS - started)) s after SIGTERM and exited 1"
