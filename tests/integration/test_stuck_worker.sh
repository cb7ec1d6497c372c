#!/usr/bin/env bash
# A worker that takes documents and never finishes them, while it
# heartbeats (buggy or hostile; here a fake worker in Python with an
# allowed key), costs the documents nothing: once one of them is past
# --retry-after twice with that worker and the sink alive (the honest
# worker idles: the holder took everything), the producer takes
# back everything it holds without charging the attempts, sends it
# nothing for a while, and says so. With --max-attempts 1 a single
# charged resend would have made a dead letter.
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info
PY="${FEEDMILL_PYTHON:-/usr/bin/python3}"
"$PY" -c 'import zmq, msgpack' 2>/dev/null \
    || fail "$PY lacks zmq or msgpack: install python3-zmq python3-msgpack (scripts/setup.sh)"
make_documents "$WORK/docs" 60
EXPECTED=$(cd "$WORK/docs" && sha256sum -- * | cut -c1-64 | sort | sha256sum)
make_keys worker holder
W=$(free_port) A=$(free_port) R=$(free_port)
DB="$WORK/s.db"

"$FEEDMILL" sink --db "$DB" --results "tcp://127.0.0.1:$R" --acks "tcp://127.0.0.1:$A" \
    "${SINK_KEYS[@]}" 2>"$WORK/sink.err" &
SINK=$!; BACKGROUND+=($SINK)
"$FEEDMILL" producer --work "tcp://127.0.0.1:$W" --acks "tcp://127.0.0.1:$A" \
    --sink "tcp://127.0.0.1:$R" --state "$WORK/state.db" --retry-after 2 --worker-timeout 30 \
    --max-attempts 1 "${PRODUCER_KEYS[@]}" "$WORK/docs" 2>"$WORK/producer.err" &
PRODUCER=$!; BACKGROUND+=($PRODUCER)
"$PY" "$SOURCE_DIR/tests/tools/stranger.py" --cert "$KEYS/holder_secret" --server "$KEYS/producer" \
    ready "tcp://127.0.0.1:$W" 60 >"$WORK/held" 2>"$WORK/holder.err" &
HOLDER=$!; BACKGROUND+=($HOLDER)
wait_for 15 test -s "$WORK/held" || fail "the holder got no document"
pass "the holder holds $(wc -l <"$WORK/held") documents and heartbeats"
# shellcheck disable=SC2046
"$FEEDMILL" worker --work "tcp://127.0.0.1:$W" --results "tcp://127.0.0.1:$R" \
    $(worker_keys worker) 2>"$WORK/worker.err" &
BACKGROUND+=($!)

wait_for 60 bash -c "! kill -0 $PRODUCER 2>/dev/null" || fail "producer did not finish"
set +e
wait "$PRODUCER"
status=$?
set -e
expect_eq "$status" 0 "producer exit status (3 would mean dead letters)"
expect_eq "$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$EXPECTED" \
    "stored ids are exactly the input's content hashes"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "dead letters"
holder_key=$(sed -n 's/.*public-key = "\(.*\)"/\1/p' "$KEYS/holder")
grep "worker holds documents without finishing them, taking them back uncharged" "$WORK/producer.err" \
    | contains -F -- "$holder_key" || fail "the producer did not say which worker it paused: $(tail -5 "$WORK/producer.err")"
pass "the producer named the stuck worker by its key"
while read -r id; do
    expect_eq "$(sql "$DB" "SELECT worker FROM documents WHERE id = '$id'")" \
        "$(sed -n 's/.*public-key = "\(.*\)"/\1/p' "$KEYS/worker")" "document $id, held by the stuck worker, stored by the honest one"
done <"$WORK/held"
kill -TERM "$SINK"
wait "$SINK" || fail "sink did not stop cleanly"
