#!/usr/bin/env bash
# The components started one by one over TCP, as on several machines,
# with CurveZMQ keys: workers join after the producer started, results
# flow, every document is committed and acknowledged, and the producer
# exits 0. Each row names the worker (its key) that produced it.
source "$(dirname "$0")/lib.sh"
DB="$WORK/c.db"
make_documents "$WORK/docs" 200
make_keys worker1 worker2 worker3
WORK_PORT=$(free_port); RESULTS_PORT=$(free_port); ACKS_PORT=$(free_port)

"$FEEDMILL" sink --db "$DB" --results "tcp://127.0.0.1:$RESULTS_PORT" \
    --acks "tcp://127.0.0.1:$ACKS_PORT" "${SINK_KEYS[@]}" 2>"$WORK/sink.log" &
SINK=$!; BACKGROUND+=($SINK)
"$FEEDMILL" producer --work "tcp://127.0.0.1:$WORK_PORT" --acks "tcp://127.0.0.1:$ACKS_PORT" \
    --sink "tcp://127.0.0.1:$RESULTS_PORT" --state "$WORK/producer.db" "${PRODUCER_KEYS[@]}" \
    --summary "$WORK/docs" >"$WORK/summary" 2>"$WORK/producer.log" &
PRODUCER=$!; BACKGROUND+=($PRODUCER)
sleep 0.5
kill -0 $PRODUCER 2>/dev/null || fail "producer exited before any worker joined"
for i in 1 2 3; do
    # shellcheck disable=SC2046
    "$FEEDMILL" worker --work "tcp://127.0.0.1:$WORK_PORT" --results "tcp://127.0.0.1:$RESULTS_PORT" \
        $(worker_keys worker$i) 2>"$WORK/worker$i.log" &
    BACKGROUND+=($!)
done

wait $PRODUCER || { cat "$WORK/producer.log" >&2; fail "producer exited non-zero"; }
grep -q "summary documents=200 files=200 lines=0 submissions=0 skipped=0 stored=200 updated=0 new_sources=0 unchanged=0 dead=0" "$WORK/summary" \
    || fail "producer summary: $(cat "$WORK/summary")"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 200 "rows committed before the producer exited"
expect_eq "$(sql "$DB" 'SELECT count(DISTINCT id) FROM documents')" 200 "distinct ids"
keys="$(for i in 1 2 3; do sed -n 's/.*public-key = "\(.*\)"/\1/p' "$KEYS/worker$i"; done | sort)"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents WHERE worker IS NULL')" 0 "rows without a worker"
sql "$DB" 'SELECT DISTINCT worker FROM documents' | sort >"$WORK/row_keys"
[ -s "$WORK/row_keys" ] && comm -23 "$WORK/row_keys" <(echo "$keys") | contains . \
    && fail "a row names a key that is no worker's: $(cat "$WORK/row_keys")"
pass "every row names the key of one of the three workers"
# ZeroMQ's I/O threads run as SCHED_BATCH (proto/curve.c): a message
# sent does not preempt its sender (the sink's writer sending a commit's
# ACKs); the writer itself keeps the ordinary policy. Field 41 of a
# thread's stat is its policy: 0 SCHED_OTHER, 3 SCHED_BATCH.
policy_of() {   # policy_of PID COMM
    local task
    for task in /proc/"$1"/task/*; do
        [ "$(cat "$task/comm")" = "$2" ] && { awk '{ print $41 }' "$task/stat"; return; }
    done
    echo none
}
expect_eq "$(policy_of $SINK ZMQbg/IO/0)" 3 "scheduling policy of the sink's ZeroMQ I/O thread"
expect_eq "$(policy_of $SINK feedmill)" 0 "scheduling policy of the sink's writer"
kill -TERM $SINK
wait $SINK || fail "sink did not stop cleanly on SIGTERM"
pass "sink stopped cleanly"
