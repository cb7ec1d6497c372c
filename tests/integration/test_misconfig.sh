#!/usr/bin/env bash
# A component that has not heard from a peer it needs says so within
# seconds, naming the endpoint; a producer whose documents are stored but
# never acknowledged says so. Each case used to be silent for ever.
source "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2046   # $(worker_keys NAME) splits into options on purpose
export FEEDMILL_LOG=info
make_documents "$WORK/docs" 20
make_keys
W=$(free_port) A=$(free_port) R=$(free_port) NOWHERE=$(free_port)

# has LOG PATTERN: waits up to 30 s for a line in LOG (said after about 3 s;
# the bound is for an ASan build on a loaded machine).
has() { wait_for 30 grep -qs -- "$2" "$1"; }

# 1. A worker pointed at an address where nothing listens.
"$FEEDMILL" worker --work "tcp://127.0.0.1:$NOWHERE" --results "tcp://127.0.0.1:$NOWHERE" \
    $(worker_keys worker) 2>"$WORK/lonely.err" &
BACKGROUND+=($!)
has "$WORK/lonely.err" "cannot reach the producer's work endpoint for .* endpoint=tcp://127.0.0.1:$NOWHERE" \
    || fail "worker says nothing about its missing producer: $(cat "$WORK/lonely.err")"
pass "worker names the producer endpoint it cannot reach"
has "$WORK/lonely.err" "cannot reach the sink's results endpoint for .* endpoint=tcp://127.0.0.1:$NOWHERE" \
    || fail "worker says nothing about its missing sink"
pass "worker names the sink endpoint it cannot reach"

# 2. A sink started with a wrong --acks: rows are committed, the producer
#    is never told. Both sides say so.
"$FEEDMILL" sink --db "$WORK/t.db" --results "tcp://127.0.0.1:$R" --acks "tcp://127.0.0.1:$NOWHERE" \
    "${SINK_KEYS[@]}" 2>"$WORK/sink.err" &
SINK=$!; BACKGROUND+=($SINK)
"$FEEDMILL" producer --work "tcp://127.0.0.1:$W" --acks "tcp://127.0.0.1:$A" --sink "tcp://127.0.0.1:$R" \
    --state "$WORK/state.db" "${PRODUCER_KEYS[@]}" "$WORK/docs" 2>"$WORK/producer.err" &
PRODUCER=$!; BACKGROUND+=($PRODUCER)
# No worker yet: the producer says documents wait for one.
has "$WORK/producer.err" "no worker connected for .* endpoint=tcp://127.0.0.1:$W" \
    || fail "producer says nothing about having no worker: $(cat "$WORK/producer.err")"
pass "producer says no worker is connected"
"$FEEDMILL" worker --work "tcp://127.0.0.1:$W" --results "tcp://127.0.0.1:$R" $(worker_keys worker) \
    2>"$WORK/worker.err" &
BACKGROUND+=($!)
wait_for 20 bash -c "[ \"\$(sqlite3 '$WORK/t.db' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0)\" -eq 20 ]" \
    || fail "rows were not committed"
pass "rows committed"
has "$WORK/sink.err" "cannot reach the producer's acks endpoint for .* endpoint=tcp://127.0.0.1:$NOWHERE" \
    || fail "sink says nothing about its unreachable producer: $(cat "$WORK/sink.err")"
pass "sink names the acks endpoint it cannot reach"
has "$WORK/producer.err" "no sink has connected to the acks endpoint for .* documents wait for acknowledgement endpoint=tcp://127.0.0.1:$A" \
    || fail "producer says nothing about missing acknowledgements: $(cat "$WORK/producer.err")"
pass "producer says its documents are not acknowledged"
kill "$SINK" "$PRODUCER"; wait "$SINK" "$PRODUCER" 2>/dev/null || true

# 3. A producer with a wrong --sink cannot report unreadable files.
"$FEEDMILL" producer --work "tcp://127.0.0.1:$(free_port)" --acks "tcp://127.0.0.1:$(free_port)" \
    --sink "tcp://127.0.0.1:$NOWHERE" --state "$WORK/state2.db" "${PRODUCER_KEYS[@]}" "$WORK/docs" \
    2>"$WORK/producer2.err" &
BACKGROUND+=($!)
has "$WORK/producer2.err" "cannot reach the sink's results endpoint for .* endpoint=tcp://127.0.0.1:$NOWHERE" \
    || fail "producer says nothing about its unreachable sink: $(cat "$WORK/producer2.err")"
pass "producer names the sink endpoint it cannot reach"
