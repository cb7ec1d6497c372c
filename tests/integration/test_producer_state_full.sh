#!/usr/bin/env bash
# The producer's state on a full filesystem: it reads no new input and
# says so, answers submissions REJECTED (never ACCEPTED: nothing is on
# disk), and once the filesystem is enlarged it takes everything up
# again by itself, every document committed exactly once: submitted
# ones (the client submits a rejected document again later), and lines
# of standard input (a pipe) and of a followed file whose commit failed
# (read again from the position the state kept, none skipped, none
# twice). Then, under `feedmill run`,
# a state still full when it stops makes the producer exit 4 and `run`
# exit 1.
#
# The state sits on a 2 MB tmpfs filled by a file at the moment chosen,
# once the producer is idle: the next write is the one the test causes.
# Needs root to mount (CI runs as root); skipped, and said, where even a
# tmpfs cannot be mounted.
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info
PY=/usr/bin/python3   # Debian's, with python3-zmq and python3-msgpack
"$PY" -c 'import zmq, msgpack' || fail "python3-zmq and python3-msgpack are needed (scripts/setup.sh)"
CLIENT="$SOURCE_DIR/tests/integration/submit_client.py"

MNT="$WORK/disk"
mkdir -p "$MNT"
[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs under the producer's state; CI runs as root"
mount -t tmpfs -o size=2m tmpfs "$MNT" 2>"$WORK/mount.err" \
    || skip "cannot mount a tmpfs here: $(cat "$WORK/mount.err")"
MOUNTS+=("$MNT")
STATE="$MNT/state.db"
DB="$WORK/s.db"
E="ipc://$WORK"
SUBMIT="$E/submit"
FEED="$WORK/feed.jsonl"
feed_lines() {   # feed_lines FIRST LAST: appends those lines to the followed file
    local i
    for ((i = $1; i <= $2; i++)); do
        printf '{"text":"따라 읽는 파일의 %d번째 줄입니다. 협력 기사 본문. Followed line %d."}\n' "$i" "$i"
    done >>"$FEED"
}
stdin_lines() {   # stdin_lines FIRST LAST: writes those lines to the producer's standard input
    local i
    for ((i = $1; i <= $2; i++)); do
        printf '{"text":"표준 입력의 %d번째 줄입니다. 협력 기사 본문. Piped line %d."}\n' "$i" "$i"
    done | tee -a "$WORK/stdin.jsonl" >&3
}
rows() { sqlite3 -cmd ".timeout 5000" "$DB" 'SELECT count(*) FROM documents' 2>/dev/null || echo 0; }
has_rows() { [ "$(rows)" -ge "$1" ]; }
feed_lines 1 20
# Standard input is a pipe the test keeps open (read-write: no EOF, no block).
mkfifo "$WORK/in.fifo"
exec 3<>"$WORK/in.fifo"
stdin_lines 1 10

"$FEEDMILL" sink --db "$DB" --results "$E/results" --acks "$E/acks" 2>"$WORK/sink.log" &
BACKGROUND+=($!)
for i in 1 2; do
    "$FEEDMILL" worker --work "$E/work" --results "$E/results" 2>"$WORK/worker$i.log" &
    BACKGROUND+=($!)
done
"$FEEDMILL" producer --work "$E/work" --acks "$E/acks" --sink "$E/results" --state "$STATE" \
    --submit "$SUBMIT" --follow "$FEED" - <"$WORK/in.fifo" 2>"$WORK/producer.log" &
PRODUCER=$!; BACKGROUND+=($PRODUCER)
wait_for 10 grep -q "taking submissions" "$WORK/producer.log" || fail "no submission socket: $(tail -3 "$WORK/producer.log")"

# 1. Writable: 40 submitted, 20 followed and 10 piped documents, committed.
"$PY" "$CLIENT" "$SUBMIT" 1 40 >"$WORK/a.json"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["accepted"]) == 40 and not d["rejected"], d' \
    "$WORK/a.json" || fail "the first 40 were not all accepted"
wait_for 30 has_rows 70 || fail "the first 70 documents were not committed: $(rows)"
pass "40 submitted, 20 followed and 10 piped documents committed while the state is writable"

# idle: nothing spooled, every acknowledgement written: the next write
# to the state is the one the test causes.
idle() { [ "$(sqlite3 -cmd ".timeout 5000" "$STATE" 'SELECT count(*) FROM spool' 2>/dev/null)" = 0 ]; }
wait_for 15 idle || fail "the producer's spool did not empty"

# 2. The filesystem fills, then lines come on standard input: their
#    commit fails and they are put back (the pipe keeps them). The
#    producer says why, with the path; submissions are answered REJECTED
#    with the reason, never ACCEPTED.
dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true
stdin_lines 11 20
wait_for 15 grep -q "producer state cannot be written, reading no new input until it can path=$STATE reason=disk_full free_bytes=" "$WORK/producer.log" \
    || fail "the producer did not say its state cannot be written: $(tail -5 "$WORK/producer.log")"
pass "said: $(grep -m1 -o 'producer state cannot be written.*' "$WORK/producer.log" | cut -c1-160)"
wait_for 15 grep -q "lines read from standard input not written, reading them again once the producer state can be written after_line=10" "$WORK/producer.log" \
    || fail "the piped lines were not put back: $(tail -5 "$WORK/producer.log")"
pass "the piped lines whose commit failed were put back"
"$PY" "$CLIENT" "$SUBMIT" 41 80 --answers "$WORK/answers" >"$WORK/b.json" &
CLIENT_PID=$!; BACKGROUND+=($CLIENT_PID)
rejected() { [ "$(cat "$WORK/answers" 2>/dev/null | grep -c '^rejected ')" -ge "$1" ]; }
# Every document of the batch answered at least once (resent every 3 s).
wait_for 20 rejected 40 || fail "submissions not rejected while the state is full: $(sort "$WORK/answers" | uniq -c | head -5)"
grep -q "^rejected [0-9]* the producer cannot write its spool" "$WORK/answers" \
    || fail "REJECTED does not say why: $(head -2 "$WORK/answers")"
answered_while_full=$(wc -l <"$WORK/answers")
grep -q "^accepted" "$WORK/answers" && fail "ACCEPTED while the state cannot be written: $(grep -m3 '^accepted' "$WORK/answers")"
pass "$answered_while_full answers while full, all REJECTED with the reason"
expect_eq "$(rows)" 70 "documents committed while the state is full (no new input taken)"

# 3. The filesystem is enlarged: the state heals by itself, the client's
#    next try is accepted, the piped lines are read again from the line
#    the state kept.
mount -o remount,size=64m "$MNT"
enlarged=$SECONDS
wait_for 10 grep -q "producer state written again path=$STATE reason_was=disk_full" "$WORK/producer.log" \
    || fail "the state did not heal within 10 s: $(tail -3 "$WORK/producer.log")"
pass "written again $((SECONDS - enlarged)) s after the enlargement"
wait_for 30 bash -c "! kill -0 $CLIENT_PID 2>/dev/null" || fail "the client did not finish"
"$PY" - "$WORK/b.json" <<'PYEOF' || fail "answers after the enlargement"
import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(map(int, d["accepted"])) == list(range(41, 81)), sorted(d["accepted"])
assert d["rejected"], "no REJECTED in the client's answers"
PYEOF
sed -n "$((answered_while_full + 1)),\$p" "$WORK/answers" | contains "^accepted" \
    || fail "no ACCEPTED after the enlargement"
pass "every one of 41..80 ACCEPTED after the enlargement"
wait_for 30 has_rows 120 || fail "not every document committed after the enlargement: $(rows) of 120"
pass "all 120 committed $((SECONDS - enlarged)) s after the enlargement"

# 4. Full again, then lines are appended to the followed file: their
#    commit fails, and they are read again from the position the state
#    kept once space is freed.
wait_for 15 idle || fail "the producer's spool did not empty"
dd if=/dev/zero of="$MNT/filler2" bs=64k 2>/dev/null || true
feed_lines 21 40
wait_for 15 grep -q "lines of followed files not written, reading them again" "$WORK/producer.log" \
    || fail "the followed lines were not put back: $(tail -5 "$WORK/producer.log")"
pass "the followed lines whose commit failed were put back"
rm -f "$MNT/filler2"
wait_for 10 bash -c "[ \$(grep -c 'producer state written again' '$WORK/producer.log') -ge 2 ]" \
    || fail "the state did not heal once space was freed: $(tail -3 "$WORK/producer.log")"
wait_for 30 has_rows 140 || fail "not every document committed: $(rows) of 140"
pass "all 140 committed"
want=$("$PY" -c '
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
from submit_client import doc_body
ids = [hashlib.sha256(doc_body(n)).hexdigest() for n in range(1, 81)]
for f in sys.argv[2:]:
    ids += [hashlib.sha256(json.loads(l)["text"].encode()).hexdigest() for l in open(f)]
print("\n".join(sorted(ids)))' "$(dirname "$CLIENT")" "$FEED" "$WORK/stdin.jsonl" | sha256sum)
expect_eq "$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$want" \
    "stored ids are exactly the submitted documents and the followed and piped lines, each once"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE source LIKE '$FEED:%'")" 40 "followed lines stored"
expect_eq "$(sql "$DB" "SELECT group_concat(source) FROM (SELECT source FROM documents WHERE source LIKE 'stdin:%' ORDER BY CAST(substr(source, 7) AS INTEGER))")" \
    "$(seq -f 'stdin:%g' 1 20 | paste -sd,)" "piped lines stored, numbered 1 to 20 in order"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "dead letters"
grep -q "worker holds documents without finishing them" "$WORK/producer.log" && fail "a worker was blamed"
kill -TERM "$PRODUCER"
wait "$PRODUCER" || fail "the producer did not stop with 0 once its state is writable: $(tail -3 "$WORK/producer.log")"
pass "the producer stops with 0 once its state is writable"

# 5. `feedmill run` whose producer's state (DB.producer) is still full
#    when it stops: the producer exits 4, run exits 1 and says why.
rm -f "$MNT/filler"
RDB="$MNT/r.db"
"$FEEDMILL" run --db "$RDB" --workers 1 --submit "$E/run-submit" >"$WORK/run.out" 2>"$WORK/run.err" &
RUN=$!; BACKGROUND+=($RUN)
wait_for 15 grep -qs "taking submissions" "$WORK/run.err" || fail "run: no submission socket: $(tail -3 "$WORK/run.err")"
"$PY" "$CLIENT" "$E/run-submit" 1 5 >"$WORK/c.json"
wait_for 30 bash -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$RDB' 'SELECT count(*) FROM documents' 2>/dev/null)\" = 5 ]" \
    || fail "run: the first 5 were not committed"
dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true
"$PY" "$CLIENT" "$E/run-submit" 6 6 --answers "$WORK/run-answers" >/dev/null &
BACKGROUND+=($!)
wait_for 15 grep -qs "^rejected 6 " "$WORK/run-answers" || fail "run: the submission was not rejected"
kill -TERM "$RUN"
set +e
wait "$RUN"
status=$?
set -e
expect_eq "$status" 1 "run's exit status when its producer's state cannot be written at the end"
grep -q "producer state cannot be written at exit" "$WORK/run.err" || fail "the producer did not say so at exit"
grep -q "feedmill run: the producer could not write its state ($RDB.producer)" "$WORK/run.err" \
    || fail "run did not say why it failed: $(tail -3 "$WORK/run.err")"
pass "the producer said so at exit, and run failed naming the state"
