#!/usr/bin/env bash
# CurveZMQ on every network socket. A tcp:// endpoint without keys refuses
# to start (naming `feedmill keygen` and --insecure). Without CURVE a
# stranger's RESULT becomes a row; with it, a stranger (no CURVE at all,
# or a key nobody allowed) gets no document from a fake READY, writes no
# row, forges no FAILED (at the sink: a dead letter; at the producer: a
# failed attempt) and no ACK, and is logged with its address and key. An
# allowed worker's key cannot pose as the sink, and removing it from the
# allow folders revokes it at once, connected or not. The database ends
# holding exactly the input, with --max-attempts 1: any forged failure or
# charged resend would have made a dead letter.
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info
PY="${FEEDMILL_PYTHON:-/usr/bin/python3}"
"$PY" -c 'import zmq, msgpack' 2>/dev/null \
    || fail "$PY lacks zmq or msgpack: install python3-zmq python3-msgpack (scripts/setup.sh)"
STRANGER=("$PY" "$SOURCE_DIR/tests/tools/stranger.py")
make_documents "$WORK/docs" 40
EXPECTED=$(cd "$WORK/docs" && sha256sum -- * | cut -c1-64 | sort | sha256sum)
make_keys worker holder
"$FEEDMILL" keygen "$KEYS/stranger" >/dev/null 2>&1 || fail "keygen"
public_key() { sed -n 's/.*public-key = "\(.*\)"/\1/p' "$1"; }
STRANGER_KEY=$(public_key "$KEYS/stranger")
FORGED=$(printf 'forged by a stranger' | sha256sum | cut -c1-64)
FORGED_REVOKED=$(printf 'forged with a revoked key' | sha256sum | cut -c1-64)
W=$(free_port) A=$(free_port) R=$(free_port) SUB=$(free_port)
# A program allowed to submit documents: its key in the producer's folder only.
"$FEEDMILL" keygen "$KEYS/submitter" >/dev/null 2>&1 || fail "keygen"
cp "$KEYS/submitter" "$KEYS/producer.allow/"

# 0. `feedmill run` needs no keys: its ipc:// sockets live in a folder of
#    its own that only its user can enter.
mkdir -p "$WORK/rt" "$WORK/watched"
env -u XDG_RUNTIME_DIR TMPDIR="$WORK/rt" "$FEEDMILL" run --db "$WORK/local.db" --workers 1 \
    --watch "$WORK/watched" >/dev/null 2>"$WORK/run.err" &
RUN=$!; BACKGROUND+=($RUN)
wait_for 20 bash -c "ls '$WORK'/rt/feedmill-*/work >/dev/null 2>&1" || fail "no runtime folder in $WORK/rt"
rundir=$(echo "$WORK"/rt/feedmill-*)
expect_eq "$(stat -c %a "$rundir")" 700 "mode of feedmill run's socket folder"
# The producer binds work first; the sink's results and the producer's
# acks come a moment later, under load after the first is there.
sockets_in_rundir() { find "$rundir" -maxdepth 1 -type s | wc -l; }
three_sockets() { [ "$(sockets_in_rundir)" = 3 ]; }
wait_for 20 three_sockets || true
expect_eq "$(sockets_in_rundir)" 3 "ipc sockets in it (work, results, acks)"
cp "$WORK/docs/doc_00000.txt" "$WORK/watched/"
wait_for 20 bash -c "[ \"\$(sqlite3 '$WORK/local.db' 'SELECT count(*) FROM documents' 2>/dev/null)\" = 1 ]" \
    || fail "feedmill run without keys stored nothing: $(tail -3 "$WORK/run.err")"
kill -TERM "$RUN"
wait "$RUN" || fail "feedmill run did not stop cleanly"
grep -q "CurveZMQ\|--insecure" "$WORK/run.err" && fail "feedmill run talks about keys: $(cat "$WORK/run.err")"
pass "feedmill run needs no keys; its sockets are in a 0700 folder"

# 1. No keys, no start: every component, naming the way out.
for cmd in "producer --state $WORK/nokeys.db $WORK/docs" "sink --db $WORK/nokeys-sink.db" "worker"; do
    set +e
    # shellcheck disable=SC2086
    timeout 10 "$FEEDMILL" $cmd 2>"$WORK/nokeys.err"
    status=$?
    set -e
    expect_eq "$status" 2 "feedmill ${cmd%% *} with tcp:// endpoints and no keys: exit status"
    grep -q "feedmill keygen" "$WORK/nokeys.err" && grep -q -- "--insecure" "$WORK/nokeys.err" \
        || fail "the refusal names neither keygen nor --insecure: $(cat "$WORK/nokeys.err")"
done
pass "without keys nothing listens or connects over TCP; the message says what to do"

# 2. The attack is real: a sink with --insecure stores a stranger's RESULT,
#    and warns about it in the log.
IR=$(free_port) IA=$(free_port)
"$FEEDMILL" sink --db "$WORK/insecure.db" --results "tcp://127.0.0.1:$IR" \
    --acks "tcp://127.0.0.1:$IA" --insecure 2>"$WORK/insecure.err" &
INSECURE=$!; BACKGROUND+=($INSECURE)
wait_for 10 grep -q "no CurveZMQ on this endpoint (--insecure)" "$WORK/insecure.err" \
    || fail "--insecure gives no warning: $(cat "$WORK/insecure.err")"
pass "--insecure warns in the log"
"${STRANGER[@]}" result "tcp://127.0.0.1:$IR" "$FORGED"
wait_for 10 bash -c "[ \"\$(sqlite3 '$WORK/insecure.db' \"SELECT count(*) FROM documents WHERE id = '$FORGED'\" 2>/dev/null)\" = 1 ]" \
    || fail "control: a stranger's RESULT did not reach an --insecure sink"
kill "$INSECURE"; wait "$INSECURE" || true
pass "control: without CURVE a stranger's RESULT becomes a row"

# 3. The real pipeline, keys on.
DB="$WORK/c.db"
"$FEEDMILL" sink --db "$DB" --results "tcp://127.0.0.1:$R" --acks "tcp://127.0.0.1:$A" \
    "${SINK_KEYS[@]}" 2>"$WORK/sink.err" &
SINK=$!; BACKGROUND+=($SINK)
"$FEEDMILL" producer --work "tcp://127.0.0.1:$W" --acks "tcp://127.0.0.1:$A" \
    --sink "tcp://127.0.0.1:$R" --state "$WORK/state.db" --retry-after 60 --worker-timeout 60 \
    --max-attempts 1 --submit "tcp://127.0.0.1:$SUB" "${PRODUCER_KEYS[@]}" "$WORK/docs" \
    2>"$WORK/producer.err" &
PRODUCER=$!; BACKGROUND+=($PRODUCER)

# An allowed key works: the holder (a worker that never answers) gets
# documents, which stay in flight while the strangers try their luck.
"${STRANGER[@]}" --cert "$KEYS/holder_secret" --server "$KEYS/producer" \
    ready "tcp://127.0.0.1:$W" 120 >"$WORK/held" 2>"$WORK/holder.err" &
HOLDER=$!; BACKGROUND+=($HOLDER)
wait_for 15 test -s "$WORK/held" || fail "an allowed worker key got no document"
HELD=$(head -1 "$WORK/held")
pass "an allowed key is served (the holder holds $HELD)"

# 4. Strangers: a key nobody allowed, then no CURVE at all. Each tries
#    every forgery on every socket.
attack() {   # attack WHO OPTIONS_FOR_PRODUCER... -- OPTIONS_FOR_SINK...
    local who=$1 for_producer=() for_sink=()
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do for_producer+=("$1"); shift; done
    shift
    for_sink=("$@")
    "${STRANGER[@]}" "${for_producer[@]}" ready "tcp://127.0.0.1:$W" 3 >"$WORK/got-$who"
    [ ! -s "$WORK/got-$who" ] || fail "$who got documents from a fake READY: $(cat "$WORK/got-$who")"
    pass "$who: a fake READY gets no document"
    "${STRANGER[@]}" "${for_sink[@]}" result "tcp://127.0.0.1:$R" "$FORGED"
    "${STRANGER[@]}" "${for_sink[@]}" failed "tcp://127.0.0.1:$R" "$HELD"
    "${STRANGER[@]}" "${for_producer[@]}" work-failed "tcp://127.0.0.1:$W" "$HELD"
    "${STRANGER[@]}" "${for_producer[@]}" ack "tcp://127.0.0.1:$A" "$HELD"
}
attack "unknown key" --cert "$KEYS/stranger_secret" --server "$KEYS/producer" \
    -- --cert "$KEYS/stranger_secret" --server "$KEYS/sink"
attack "no CURVE" --
# The submission socket: strangers get no answer, an allowed program is
# answered (it submits the bytes of an input file: the same document).
for who in "no CURVE" "unknown key" allowed; do
    case $who in
        "no CURVE") keys=() ;;
        "unknown key") keys=(--cert "$KEYS/stranger_secret" --server "$KEYS/producer") ;;
        allowed) keys=(--cert "$KEYS/submitter_secret" --server "$KEYS/producer") ;;
    esac
    "${STRANGER[@]}" "${keys[@]}" submit "tcp://127.0.0.1:$SUB" "$WORK/docs/doc_00001.txt" \
        >"$WORK/submit-answer"
    want=""; [ "$who" = allowed ] && want=accepted
    expect_eq "$(cat "$WORK/submit-answer")" "$want" "submission socket, $who: the answer"
done
# An allowed worker key poses as the sink on the acks socket.
"${STRANGER[@]}" --cert "$KEYS/holder_secret" --server "$KEYS/producer" \
    ack "tcp://127.0.0.1:$A" "$HELD"

# An impostor posing as the producer (a key other than --producer-cert's)
# gets nothing from a worker, which says its handshake fails.
FAKE=$(free_port)
printf 'x' >"$WORK/one-byte"
ZMQ_INJECT_CERT="$KEYS/stranger_secret" "$ZMQ_INJECT" router "tcp://127.0.0.1:$FAKE" "$WORK/one-byte" &
IMPOSTOR=$!; BACKGROUND+=($IMPOSTOR)
sleep 0.5   # listening before the worker's first try
# shellcheck disable=SC2046
"$FEEDMILL" worker --work "tcp://127.0.0.1:$FAKE" --results "tcp://127.0.0.1:$R" \
    $(worker_keys worker) 2>"$WORK/fooled.err" &
FOOLED=$!; BACKGROUND+=($FOOLED)
wait "$IMPOSTOR" && fail "a worker spoke to a producer that holds the wrong key"
grep -q "cannot reach the producer's work endpoint .* problem=\"the .*handshake" "$WORK/fooled.err" \
    || fail "the worker does not say its handshake fails: $(cat "$WORK/fooled.err")"
kill "$FOOLED"; wait "$FOOLED" || true
pass "an impostor producer gets nothing, and the worker says why"

# 5. Revocation without a restart: the holder's key leaves both allow
#    folders while it is connected. Its documents go back (uncharged:
#    --max-attempts is 1) and a new connection with that key is refused.
rm "$KEYS/producer.allow/holder" "$KEYS/sink.allow/holder"
wait_for 10 grep -q 'worker lost, resending what it held reason="its key was removed from --allow"' \
    "$WORK/producer.err" || fail "revoked key still heard: $(tail -5 "$WORK/producer.err")"
pass "a connected worker whose key was removed is cut off at once"
"${STRANGER[@]}" --cert "$KEYS/holder_secret" --server "$KEYS/producer" \
    ready "tcp://127.0.0.1:$W" 3 >"$WORK/got-revoked"
[ ! -s "$WORK/got-revoked" ] || fail "a revoked key got documents on a new connection"
"${STRANGER[@]}" --cert "$KEYS/holder_secret" --server "$KEYS/sink" \
    result "tcp://127.0.0.1:$R" "$FORGED_REVOKED"
pass "a revoked key is refused on a new connection"

# 6. An honest worker does the job.
# shellcheck disable=SC2046
"$FEEDMILL" worker --work "tcp://127.0.0.1:$W" --results "tcp://127.0.0.1:$R" \
    $(worker_keys worker) 2>"$WORK/worker.err" &
BACKGROUND+=($!)
# With --submit the producer runs until stopped: once everything is
# stored, SIGTERM, and it exits 0.
wait_for 60 bash -c "[ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM documents' 2>/dev/null)\" = 40 ]" \
    || fail "not everything was stored: $(tail -5 "$WORK/producer.err")"
kill -TERM "$PRODUCER"
wait "$PRODUCER" || fail "producer exited non-zero: $(tail -5 "$WORK/producer.err")"
expect_eq "$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$EXPECTED" \
    "stored ids are exactly the input's content hashes"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "dead letters (forged FAILED)"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE id IN ('$FORGED', '$FORGED_REVOKED')")" 0 \
    "rows written by strangers"
expect_eq "$(sql "$DB" 'SELECT DISTINCT worker FROM documents')" "$(public_key "$KEYS/worker")" \
    "every row names the honest worker's key, from its connection"
grep -q "attempt failed" "$WORK/producer.err" && fail "a forged FAILED reached the producer"
pass "no forged failed attempt was heard"

# 7. Refused peers are in the logs: address and key where zauth judged,
#    the endpoint where the handshake failed before (no CURVE).
for log in producer sink; do
    grep 'refused a peer address=127.0.0.1 key=.* reason="its key is not in the --allow folder"' \
        "$WORK/$log.err" | contains -F -- "$STRANGER_KEY" \
        || fail "$log does not log the unknown key: $(grep refused "$WORK/$log.err")"
    # Which side of a mismatched handshake notices first is a race: the
    # server logs a mechanism mismatch, or a handshake cut short.
    grep -Eq 'refused a peer endpoint=.* reason="(it does not speak CurveZMQ|the handshake did not complete)' \
        "$WORK/$log.err" || fail "$log does not log the peer without CURVE: $(grep refused "$WORK/$log.err")"
done
pass "refused peers are logged with address and key"

# 8. A flood of strangers is logged at a bounded rate, then counted.
sleep 10   # a fresh rate-limiting window
flood=()
for i in $(seq 12); do
    "${STRANGER[@]}" --random-key --server "$KEYS/sink" result "tcp://127.0.0.1:$R" "$FORGED" &
    flood+=($!)
done
wait "${flood[@]}" || true
wait_for 20 grep -q "refused more peers without logging each (rate limit) count=" "$WORK/sink.err" \
    || fail "no rate-limit summary: $(grep -c refused "$WORK/sink.err") refusal lines"
lines=$(awk -v since="$(date -u -d '-12 seconds' +%Y-%m-%dT%H:%M:%S)" \
    '$1 >= since && /refused a peer/' "$WORK/sink.err" | wc -l)
[ "$lines" -le 5 ] || fail "$lines refusal lines in one window, more than 5"
pass "a flood of 12 strangers gave $lines lines and a count"
kill -TERM "$SINK"
wait "$SINK" || fail "sink did not stop cleanly"
