#!/usr/bin/env bash
# Random bytes, truncated or mistyped msgpack, multi-frame and empty
# messages sent into every socket by a peer whose key is allowed (a buggy
# worker, over CurveZMQ): each component logs the bad message, stays up,
# and the real documents are all stored.
source "$(dirname "$0")/lib.sh"
: "${ZMQ_INJECT:?ZMQ_INJECT must name the zmq_inject tool (ctest sets it)}"
DB="$WORK/p.db"
make_documents "$WORK/docs" 200
G="$WORK/garbage"; mkdir -p "$G"
head -c 2000 /dev/urandom >"$G/random.bin"
: >"$G/empty.bin"
printf '\x85\xa1v\x01\xa4type\xa3doc' >"$G/truncated.bin"
printf '\xdd\xff\xff\xff\xff\x01' >"$G/huge-array.bin"
printf '\x83\xa1v\x02\xa4type\xa5ready\xa6credit\x01' >"$G/version2.bin"
id=$(printf x | sha256sum | cut -c1-64)
printf '\x84\xa1v\x01\xa4type\xa3ack\xa2id\xd9\x40%s\xa6status\xa6stored' "$id" >"$G/ack.bin"
GARBAGE=("$G/random.bin" "$G/empty.bin" "$G/truncated.bin" "$G/huge-array.bin" "$G/version2.bin" "$G/ack.bin")

make_keys worker buggy
WORK_PORT=$(free_port); RESULTS_PORT=$(free_port); ACKS_PORT=$(free_port)
"$FEEDMILL" sink --db "$DB" --results "tcp://127.0.0.1:$RESULTS_PORT" \
    --acks "tcp://127.0.0.1:$ACKS_PORT" "${SINK_KEYS[@]}" 2>"$WORK/sink.log" &
SINK=$!; BACKGROUND+=($SINK)
"$FEEDMILL" producer --work "tcp://127.0.0.1:$WORK_PORT" --acks "tcp://127.0.0.1:$ACKS_PORT" \
    --sink "tcp://127.0.0.1:$RESULTS_PORT" --state "$WORK/state.db" "${PRODUCER_KEYS[@]}" "$WORK/docs" \
    2>"$WORK/producer.log" &
PRODUCER=$!; BACKGROUND+=($PRODUCER)
sleep 0.3

# The buggy peer's key is allowed. On the acks socket the producer
# hears the sink's key alone: there the buggy peer poses as the sink.
export ZMQ_INJECT_CERT="$KEYS/buggy_secret"
ZMQ_INJECT_SERVER_CERT="$KEYS/sink" "$ZMQ_INJECT" push "tcp://127.0.0.1:$RESULTS_PORT" "${GARBAGE[@]}"
ZMQ_INJECT_SERVER_CERT="$KEYS/sink" "$ZMQ_INJECT" multi "tcp://127.0.0.1:$RESULTS_PORT"
ZMQ_INJECT_CERT="$KEYS/sink_secret" ZMQ_INJECT_SERVER_CERT="$KEYS/producer" \
    "$ZMQ_INJECT" push "tcp://127.0.0.1:$ACKS_PORT" "${GARBAGE[@]}"
ZMQ_INJECT_CERT="$KEYS/sink_secret" ZMQ_INJECT_SERVER_CERT="$KEYS/producer" \
    "$ZMQ_INJECT" multi "tcp://127.0.0.1:$ACKS_PORT"
ZMQ_INJECT_SERVER_CERT="$KEYS/producer" "$ZMQ_INJECT" dealer "tcp://127.0.0.1:$WORK_PORT" "${GARBAGE[@]}"
sleep 0.5
kill -0 $SINK 2>/dev/null || fail "sink died of bad input"
kill -0 $PRODUCER 2>/dev/null || fail "producer died of bad input"
pass "sink and producer survived garbage on every socket"

# shellcheck disable=SC2046
"$FEEDMILL" worker --work "tcp://127.0.0.1:$WORK_PORT" --results "tcp://127.0.0.1:$RESULTS_PORT" \
    $(worker_keys worker) 2>"$WORK/worker.log" &
BACKGROUND+=($!)
wait $PRODUCER || { cat "$WORK/producer.log" >&2; fail "producer exited non-zero"; }
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 200 "documents stored around the garbage"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "dead letters made of garbage"
[ "$(grep -c 'bad message on results socket' "$WORK/sink.log")" -ge 5 ] \
    || fail "sink did not log each bad message: $(cat "$WORK/sink.log")"
grep -q "unexpected message on results socket type=ack" "$WORK/sink.log" || fail "mistyped message not logged"
[ "$(grep -c 'bad message on acks socket' "$WORK/producer.log")" -ge 5 ] || fail "producer acks: $(cat "$WORK/producer.log")"
[ "$(grep -c 'bad message on work socket' "$WORK/producer.log")" -ge 4 ] || fail "producer work: $(cat "$WORK/producer.log")"
grep -q "expected one frame, got 3" "$WORK/sink.log" || fail "multi-frame message not reported"
grep -q "unsupported version 2" "$WORK/producer.log" || fail "unknown version not reported"
pass "every bad message was logged with its reason"

# A worker fed garbage by a fake producer (holding the producer's key)
# keeps asking for work.
FAKE_PORT=$(free_port)
# shellcheck disable=SC2046
"$FEEDMILL" worker --work "tcp://127.0.0.1:$FAKE_PORT" --results "tcp://127.0.0.1:$RESULTS_PORT" \
    $(worker_keys worker) 2>"$WORK/worker2.log" &
WORKER=$!; BACKGROUND+=($WORKER)
ZMQ_INJECT_CERT="$KEYS/producer_secret" "$ZMQ_INJECT" router "tcp://127.0.0.1:$FAKE_PORT" "${GARBAGE[@]}" \
    || fail "worker went quiet after garbage from its producer"
kill -0 $WORKER 2>/dev/null || fail "worker died of bad input"
[ "$(grep -c 'bad message on work socket' "$WORK/worker2.log")" -ge 5 ] || fail "worker: $(cat "$WORK/worker2.log")"
pass "worker survived garbage from its producer and still asks for work"
