#!/usr/bin/env bash
# The wire format as a contract other languages keep: a worker and a
# submission client written in Python (Debian's python3-zmq and
# python3-msgpack) from proto/README.md alone, with CurveZMQ keys made by
# `feedmill keygen`, run against the C producer and sink over TCP. The
# Python worker is the only worker: every row is its work, and the
# database records its key. The client's documents are acknowledged
# (ACCEPTED, then COMMITTED) and stored; a client without an allowed key
# gets nothing in.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3   # Debian's, with python3-zmq and python3-msgpack
"$PY" -c 'import zmq, msgpack' || fail "python3-zmq and python3-msgpack are needed (scripts/setup.sh)"
HERE="$SOURCE_DIR/tests/integration"
make_keys python-worker python-client
make_documents "$WORK/docs" 40
printf '\xff\xfe not text' >"$WORK/docs/binary.bin"   # the Python worker refuses it: a dead letter
DB="$WORK/i.db"
W=$(free_port) R=$(free_port) A=$(free_port) S=$(free_port)

"$FEEDMILL" sink --db "$DB" --results "tcp://127.0.0.1:$R" --acks "tcp://127.0.0.1:$A" \
    "${SINK_KEYS[@]}" 2>"$WORK/sink.log" &
BACKGROUND+=($!)
"$FEEDMILL" producer --work "tcp://127.0.0.1:$W" --acks "tcp://127.0.0.1:$A" --sink "tcp://127.0.0.1:$R" \
    --state "$WORK/state.db" --submit "tcp://127.0.0.1:$S" --watch "${PRODUCER_KEYS[@]}" "$WORK/docs" \
    2>"$WORK/producer.log" &
BACKGROUND+=($!)
"$PY" "$HERE/python_worker.py" "tcp://127.0.0.1:$W" "tcp://127.0.0.1:$R" \
    --cert "$KEYS/python-worker_secret" --producer-cert "$KEYS/producer" --sink-cert "$KEYS/sink" \
    2>"$WORK/python-worker.log" &
PYWORKER=$!
BACKGROUND+=($PYWORKER)

# The client submits 30 documents and asks for COMMITTED.
"$PY" "$HERE/submit_client.py" "tcp://127.0.0.1:$S" 1 30 --commit \
    --cert "$KEYS/python-client_secret" --producer-cert "$KEYS/producer" >"$WORK/client.json" \
    || fail "the Python client failed"
"$PY" - "$WORK/client.json" <<'PYEOF' || fail "the client's answers"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["accepted"]) == 30 and not d["rejected"], d
assert sorted(d["committed"].values()) == ["stored"] * 30, d["committed"]
PYEOF
pass "the Python client: 30 ACCEPTED, 30 COMMITTED stored"

wait_for 60 bash -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM documents' 2>/dev/null)\" = 70 ] \
    && [ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM dead_letters' 2>/dev/null)\" = 1 ]" \
    || fail "not everything stored: $(sql "$DB" 'SELECT count(*) FROM documents') documents, $(tail -3 "$WORK/producer.log")"
pass "70 documents and the binary file's dead letter"

# Every row is the Python worker's work, named by its key.
PYKEY=$("$PY" -c 'import re,sys; print(re.search(r"public-key\s*=\s*\"([^\"]{40})\"", open(sys.argv[1]).read()).group(1))' "$KEYS/python-worker")
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE worker = '$PYKEY'")" 70 "rows that name the Python worker's key"
expect_eq "$(sql "$DB" "SELECT error FROM dead_letters")" "not UTF-8 text (the Python worker reads only that)" \
    "the Python worker's FAILED became the dead letter"
want=$("$PY" -c '
import glob, hashlib, sys
sys.path.insert(0, sys.argv[1])
from submit_client import doc_body
ids = [hashlib.sha256(doc_body(n)).hexdigest() for n in range(1, 31)]
ids += [hashlib.sha256(open(f, "rb").read()).hexdigest() for f in glob.glob(sys.argv[2] + "/docs/doc_*")]
print("\n".join(sorted(ids)))' "$HERE" "$WORK" | sha256sum)
expect_eq "$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$want" "stored ids are exactly the input"

# A client whose key is not allowed: its SUBMIT never arrives.
"$FEEDMILL" keygen "$WORK/stranger" >/dev/null 2>&1 || fail "keygen"
timeout 20 "$PY" - "tcp://127.0.0.1:$S" "$WORK/stranger_secret" "$KEYS/producer" <<'PYEOF' || fail "a stranger's SUBMIT got an answer"
import re, sys, msgpack, zmq
def keys(path):
    t = open(path).read()
    return (re.search(r'public-key\s*=\s*"([^"]{40})"', t).group(1).encode(),
            (re.search(r'secret-key\s*=\s*"([^"]{40})"', t) or [None, None])[1])
s = zmq.Context().socket(zmq.DEALER)
s.setsockopt(zmq.LINGER, 0)
pub, sec = keys(sys.argv[2])
s.curve_publickey, s.curve_secretkey = pub, sec.encode()
s.curve_serverkey = keys(sys.argv[3])[0]
s.connect(sys.argv[1])
s.send(msgpack.packb({"v": 1, "type": "submit", "ref": 1, "body": b"stranger's document"}))
sys.exit(1 if s.poll(3000) else 0)
PYEOF
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 70 "nothing from the stranger stored"
kill -TERM "$PYWORKER"
wait "$PYWORKER" || true
done_count=$(sed -n 's/^python worker: \([0-9]*\) documents$/\1/p' "$WORK/python-worker.log")
[ "${done_count:-0}" -ge 71 ] || fail "python worker: $(cat "$WORK/python-worker.log")"
pass "the Python worker processed all 71 documents ($done_count with repeats) and stopped on SIGTERM"
