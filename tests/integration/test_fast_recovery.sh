#!/usr/bin/env bash
# A restarted sink is noticed at once: the producer resends what was in
# flight without waiting --retry-after, and says so; also when the
# producer was restarted in between and never heard the sink that died
# (its state remembers the session). A worker killed while
# holding documents is noticed when its connection closes, long before
# --worker-timeout. Both timeouts are 60 s here: finishing well within
# them is the proof.
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info
make_documents "$WORK/docs" 1000
make_keys
EXPECTED=$(cd "$WORK/docs" && sha256sum -- * | cut -c1-64 | sort | sha256sum)
W=$(free_port) A=$(free_port) R=$(free_port)

start_sink() {   # start_sink DB [OPTIONS...]
    local db=$1
    shift
    "$FEEDMILL" sink --db "$db" --results "tcp://127.0.0.1:$R" --acks "tcp://127.0.0.1:$A" \
        "${SINK_KEYS[@]}" "$@" \
        2>>"$WORK/sink.err" &
    SINK=$!; BACKGROUND+=($SINK)
}
start_worker() {
    # shellcheck disable=SC2046
    "$FEEDMILL" worker --work "tcp://127.0.0.1:$W" --results "tcp://127.0.0.1:$R" $(worker_keys worker) \
        2>>"$WORK/worker.err" &
    WORKER=$!; BACKGROUND+=($WORKER)
}
start_producer() {   # start_producer STATE
    "$FEEDMILL" producer --work "tcp://127.0.0.1:$W" --acks "tcp://127.0.0.1:$A" --sink "tcp://127.0.0.1:$R" \
        --state "$1" --retry-after 60 --worker-timeout 60 "${PRODUCER_KEYS[@]}" "$WORK/docs" \
        2>>"$WORK/producer.err" &
    PRODUCER=$!; BACKGROUND+=($PRODUCER)
}
finish() {   # finish DB WHAT: the producer ends in time with exactly the input stored
    wait_for 40 bash -c "[ \"\$(sqlite3 '$1' 'SELECT count(*) FROM documents' 2>/dev/null)\" = 1000 ]" \
        || fail "$2: not everything stored within 40 s: $(tail -5 "$WORK/producer.err")"
    wait_for 10 bash -c "! ps -o stat= -p $PRODUCER | grep -qv Z" || fail "$2: producer did not exit"
    wait "$PRODUCER" || fail "$2: producer exited non-zero"
    expect_eq "$(sql "$1" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$EXPECTED" \
        "$2: stored ids are exactly the input's content hashes"
    expect_eq "$(sql "$1" 'SELECT count(*) FROM dead_letters')" 0 "$2: dead letters"
}

# 1. The sink holds every result uncommitted (its batch never fills), and
#    is killed once all were sent: they die with it.
start_sink "$WORK/s.db" --batch 100000 --batch-ms 60000
start_worker
start_producer "$WORK/s.state"
wait_for 30 grep -q "all inputs read" "$WORK/producer.err" || fail "the run did not get going"
sleep 0.5
kill -9 "$SINK"; wait "$SINK" 2>/dev/null || true
expect_eq "$(sqlite3 "$WORK/s.db" 'SELECT count(*) FROM documents')" 0 "nothing committed before the kill"
start_sink "$WORK/s.db"
wait_for 10 grep -q "sink restarted, resending what was in flight now" "$WORK/producer.err" \
    || fail "producer did not notice the sink restart: $(tail -5 "$WORK/producer.err")"
pass "producer noticed the sink restart"
finish "$WORK/s.db" "sink restart"
kill "$WORKER" "$SINK"; wait "$WORKER" "$SINK" 2>/dev/null || true

# 2. A worker killed while it holds documents: its connection closes.
#    It must hold some when killed, however fast it works: the sink is
#    stopped before anyone reaches it, so nothing the worker is dealt is
#    acknowledged (its credit's worth, and the results it queued for the
#    sink: up to 256 more) until it dies.
start_sink "$WORK/w.db"
kill -STOP "$SINK"
start_producer "$WORK/w.state"
FEEDMILL_LOG=debug start_worker
wait_for 30 grep -q "document taken" "$WORK/worker.err" || fail "the second run did not get going"
kill -STOP "$WORKER"
sleep 0.5
kill -9 "$WORKER"; wait "$WORKER" 2>/dev/null || true
start_worker
kill -CONT "$SINK"
wait_for 10 grep -q 'worker lost, resending what it held reason="its connection closed and no heartbeat since" documents=[1-9][0-9]*' \
    "$WORK/producer.err" || fail "producer did not notice the killed worker: $(grep 'worker lost' "$WORK/producer.err")"
pass "producer noticed the killed worker by its closed connection"
finish "$WORK/w.db" "worker killed"
kill "$WORKER" "$SINK"; wait "$WORKER" "$SINK" 2>/dev/null || true

# 3. The producer is killed, and the sink dies before the new producer
#    ever hears it: the new producer resends its predecessor's documents,
#    their results reach the sink (stopped, so it says no HELLO) and die
#    with it. The first HELLO the new producer hears is the next sink's;
#    the state's note of the session the first producer heard tells it
#    the sink restarted.
start_sink "$WORK/p.db" --batch 100000 --batch-ms 60000
FEEDMILL_LOG=debug start_worker
start_producer "$WORK/p.state"
wait_for 30 bash -c "[ -n \"\$(sqlite3 '$WORK/p.state' \"SELECT value FROM notes WHERE name = 'sink session'\" 2>/dev/null)\" ]" \
    || fail "the producer's state did not keep the sink's session"
pass "the producer's state keeps the sink's session"
wait_for 30 grep -q "document taken" "$WORK/worker.err" || fail "the third run did not get going"
kill -STOP "$SINK"
kill -9 "$PRODUCER"; wait "$PRODUCER" 2>/dev/null || true
: >"$WORK/worker.err"
start_producer "$WORK/p.state"
# Its predecessor's documents go out again as second attempts: one taken
# is the new producer's (the worker may still be logging the first's).
wait_for 30 grep -q "document taken .* attempt=2" "$WORK/worker.err" || fail "the new producer dealt nothing"
kill -9 "$SINK"; wait "$SINK" 2>/dev/null || true
expect_eq "$(sqlite3 "$WORK/p.db" 'SELECT count(*) FROM documents')" 0 "nothing committed before the kills"
start_sink "$WORK/p.db"
wait_for 10 grep -q "sink restarted, resending what was in flight now documents=[1-9][0-9]* since=last_run" \
    "$WORK/producer.err" || fail "the new producer did not notice the sink restart: $(tail -5 "$WORK/producer.err")"
pass "a restarted producer noticed that the sink restarted since its predecessor heard it"
finish "$WORK/p.db" "producer and sink killed"
