#!/usr/bin/env bash
# feedmill run --submit ENDPOINT (with a folder and --follow beside it):
# programs push documents over ZeroMQ
# (SUBMIT in proto/README.md). Each is answered ACCEPTED once on disk and,
# when asked, COMMITTED once stored; a bad message is REJECTED with the
# reason. kill -9 of the producer and of the sink while documents are
# submitted loses none that was accepted and stores none twice. The
# client is Python (Debian's python3-zmq, python3-msgpack), written from
# the wire format's README alone.
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info
PY=/usr/bin/python3   # Debian's, with python3-zmq and python3-msgpack
"$PY" -c 'import zmq, msgpack' || fail "python3-zmq and python3-msgpack are needed (scripts/setup.sh)"
CLIENT="$SOURCE_DIR/tests/integration/submit_client.py"
PORT=$(free_port)
ENDPOINT="tcp://127.0.0.1:$PORT"
MPORT=$(free_port)
DB="$WORK/s.db"
# Combined with a folder and a followed file, as every input mode may be.
make_documents "$WORK/docs" 3
printf '{"text":"따라 읽는 파일의 문서입니다. 협력 기사 본문."}\n' >"$WORK/feed.jsonl"
# CurveZMQ on the tcp:// submission socket: the producer's certificate,
# and the client's, allowed.
mkdir -p "$WORK/keys/allow"
"$FEEDMILL" keygen "$WORK/keys/producer" >/dev/null 2>&1 || fail "keygen"
"$FEEDMILL" keygen "$WORK/keys/client" >/dev/null 2>&1 || fail "keygen"
cp "$WORK/keys/client" "$WORK/keys/allow/"
CLIENT_KEYS=(--cert "$WORK/keys/client_secret" --producer-cert "$WORK/keys/producer")
"$FEEDMILL" run --db "$DB" --workers 2 --submit "$ENDPOINT" --cert "$WORK/keys/producer_secret" \
    --allow "$WORK/keys/allow" --follow "$WORK/feed.jsonl" "$WORK/docs" \
    --metrics "127.0.0.1:$MPORT" >"$WORK/run.out" 2>"$WORK/run.err" &
RUN=$!
BACKGROUND+=($RUN)
child_pid() { pgrep -f "feedmill $1 " -P "$RUN" | head -1 || true; }
wait_for 10 bash -c "grep -q 'taking submissions' '$WORK/run.err' 2>/dev/null" || fail "no submission socket: $(tail -3 "$WORK/run.err")"

# 1. Documents with kill -9 of the producer, then of the sink, in the
#    middle. The client sends again whatever was not accepted.
# The pid is looked up when the kill is due (a child restarted meanwhile
# has another), and the kill must find one.
kill_now() { echo "pid=\$(pgrep -f 'feedmill $1 ' -P $RUN | head -1); [ -n \"\$pid\" ] && kill -9 \$pid"; }
"$PY" "$CLIENT" "$ENDPOINT" 1 150 "${CLIENT_KEYS[@]}" --kill-after 40 bash -c "$(kill_now producer)" >"$WORK/a.json"
"$PY" "$CLIENT" "$ENDPOINT" 151 300 "${CLIENT_KEYS[@]}" --kill-after 60 bash -c "$(kill_now sink)" >"$WORK/b.json"
for f in a b; do
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert not d["rejected"], d["rejected"]; print(len(d["accepted"]))' \
        "$WORK/$f.json" >"$WORK/$f.count" || fail "$f: rejections"
done
expect_eq "$(cat "$WORK/a.count") $(cat "$WORK/b.count")" "150 150" "every submission accepted around the kills"
# run says so once it has reaped the child: wait for the line.
wait_for 20 grep -q 'child=producer reason="killed by signal 9' "$WORK/run.err" || fail "producer was not killed"
wait_for 20 grep -q 'child=sink reason="killed by signal 9' "$WORK/run.err" || fail "sink was not killed"

# 2. COMMITTED when asked: stored for new documents, unchanged for one
#    submitted again.
#    (Once what was accepted so far is committed: 300 submitted, 3 files,
#    1 followed line.)
wait_for 60 bash -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0)\" -ge 304 ]" \
    || fail "accepted documents were not all committed: $(sql "$DB" 'SELECT count(*) FROM documents')"
"$PY" "$CLIENT" "$ENDPOINT" 299 330 --commit "${CLIENT_KEYS[@]}" >"$WORK/c.json"
"$PY" - "$WORK/c.json" <<'PYEOF' || fail "COMMITTED answers"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["accepted"]) == 32, d
assert len(d["committed"]) == 32, d["committed"]
for ref, status in d["committed"].items():
    want = "unchanged" if int(ref) in (299, 300) else "stored"
    assert status == want, (ref, status)
PYEOF
pass "COMMITTED for all 32: stored, and unchanged for the two already there"

# 3. Not a SUBMIT: REJECTED, ref nil, the reason; nothing stored.
"$PY" - "$ENDPOINT" "$WORK/keys/client_secret" "$WORK/keys/producer" <<'PYEOF' >"$WORK/rejected.txt" || fail "REJECTED answers"
import sys, msgpack, zmq, zmq.auth
s = zmq.Context().socket(zmq.DEALER)
s.setsockopt(zmq.LINGER, 0)
s.curve_publickey, s.curve_secretkey = zmq.auth.load_certificate(sys.argv[2])
s.curve_serverkey = zmq.auth.load_certificate(sys.argv[3])[0]
s.connect(sys.argv[1])
s.send(b"not msgpack at all")
s.send(msgpack.packb({"v": 1, "type": "ready", "credit": 1, "received": 0}))
s.send(msgpack.packb({"v": 1, "type": "submit", "ref": 5, "body": 12}))
for _ in range(3):
    assert s.poll(10000), "no answer"
    a = msgpack.unpackb(s.recv(), raw=False)
    assert a["type"] == "rejected" and a["ref"] is None and a["error"], a
    print(a["error"])
PYEOF
grep -q "field 'body': expected binary or string" "$WORK/rejected.txt" || fail "reason not given: $(cat "$WORK/rejected.txt")"
pass "bad messages are rejected with the reason"
# The producer's figures count them (run serves them within a second or two).
metric() { curl -s --max-time 10 "http://127.0.0.1:$MPORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
wait_for 10 bash -c "[ \"\$(curl -s http://127.0.0.1:$MPORT/metrics | awk '\$1 == \"feedmill_producer_bad_messages_total{socket=\\\"submit\\\"}\" { print \$2 }')\" = 3 ]" \
    || fail "bad submissions not counted: $(metric 'feedmill_producer_bad_messages_total{socket="submit"}')"
pass "feedmill_producer_bad_messages_total{socket=\"submit\"} = 3"
# Phases 2 and 3 went to the producer that runs now (phase 1 killed one).
[ "$(metric feedmill_producer_submitted_total)" -ge 182 ] || fail "submitted_total: $(metric feedmill_producer_submitted_total)"
pass "feedmill_producer_submitted_total counts the accepted documents"
curl -s "http://127.0.0.1:$MPORT/metrics" | promtool check metrics || fail "promtool finds problems"
pass "promtool check metrics is clean"

# 4. SIGTERM right after a burst is accepted: what was accepted is
#    committed before run exits (the drain sends the spool too). The
#    workers are stopped meanwhile, so the burst waits in the spool: 50
#    documents, within the 64 the spool takes before the producer stops
#    reading submissions (backpressure), so every one is accepted.
WORKERS=$(pgrep -f "feedmill worker " -P "$RUN" | tr '\n' ' ')
kill -STOP $WORKERS
"$PY" "$CLIENT" "$ENDPOINT" 331 380 "${CLIENT_KEYS[@]}" >"$WORK/d.json"
expect_eq "$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["accepted"]))' "$WORK/d.json")" 50 \
    "the burst accepted while the workers are stopped"
kill -TERM "$RUN"
sleep 0.3
kill -CONT $WORKERS
wait "$RUN" || fail "run exited non-zero: $(tail -3 "$WORK/run.err")"
pass "SIGTERM stops a run that takes submissions with exit 0"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE source LIKE 'https://crawler.example/%'")" 380 \
    "every accepted document committed by the time run exits"

# Exactly the input: documents 1..380 once each, the folder's files and
# the followed file's line.
want=$("$PY" -c '
import glob, hashlib, json, sys
sys.path.insert(0, sys.argv[1])
from submit_client import doc_body
ids = [hashlib.sha256(doc_body(n)).hexdigest() for n in range(1, 381)]
ids += [hashlib.sha256(open(f, "rb").read()).hexdigest() for f in glob.glob(sys.argv[2] + "/docs/*")]
ids += [hashlib.sha256(json.loads(l)["text"].encode()).hexdigest() for l in open(sys.argv[2] + "/feed.jsonl")]
print("\n".join(sorted(ids)))' "$(dirname "$CLIENT")" "$WORK" | sha256sum)
expect_eq "$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$want" "stored ids are exactly the submitted documents"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE source = 'https://crawler.example/7'")" 1 "the SUBMIT's source kept"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "no dead letters"
