#!/usr/bin/env bash
# feedmill run --follow FILE: a JSON-lines file followed like `tail -F`.
# Appended lines become rows, a last line without its newline waits for
# it, a malformed line is a dead letter naming FILE:LINE, rotation by
# rename (with lines written to the old file after the rename), by
# copytruncate, and a file replaced while stopped are all read; kill -9 of
# the producer and of the sink lose and duplicate nothing; a restart
# continues after the last line taken, reading nothing twice.
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info
FEED="$WORK/feed.jsonl"
DB="$WORK/f.db"
ALL="$WORK/all.jsonl"    # every line ever written to the feed, in any of its files

line() {   # line N: one document
    printf '{"text":"따라 읽는 문서 %d번: 싱가포르와 한국의 협력 기사 본문입니다. 정부는 %d억원을 투입한다.","date":"2026-03-%02d"}\n' \
        "$1" "$1" $(($1 % 28 + 1))
}
emit() {   # emit FILE N...: appends those documents to FILE and to ALL
    local f=$1 n
    shift
    for n in "$@"; do line "$n" | tee -a "$ALL" >>"$f"; done
}
ids() {    # the sorted ids of ALL's documents
    python3 -c '
import hashlib, json, sys
ids = set()
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if isinstance(d, dict) and isinstance(d.get("text"), str):
        ids.add(hashlib.sha256(d["text"].encode()).hexdigest())
print("\n".join(sorted(ids)))' "$ALL"
}
count() { sqlite3 -cmd '.timeout 5000' "$DB" 'SELECT count(*) FROM documents' 2>/dev/null || echo 0; }
stored() {   # stored N WHAT: waits until N documents are stored
    wait_for 30 bash -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0)\" -ge $1 ]" \
        || fail "$2: $(count) documents stored, expected $1"
    sleep 0.3
    expect_eq "$(count)" "$1" "$2"
}
start() {   # start NAME: feedmill run --follow in the background
    "$FEEDMILL" run --db "$DB" --workers 2 --follow "$FEED" >"$WORK/$1.out" 2>"$WORK/$1.err" &
    RUN=$!
    BACKGROUND+=($RUN)
}
stop() {
    kill -TERM "$RUN"
    wait "$RUN" || fail "$1: run exited non-zero: $(tail -3 "$WORK/$1.err")"
    pass "$1: SIGTERM stops the follow with exit 0"
}
child_pid() { pgrep -f "feedmill $1 " -P "$RUN" | head -1 || true; }

# 1. Lines present at start, then appended ones.
emit "$FEED" 1 2 3
start first
stored 3 "the lines present at start"
emit "$FEED" 4 5
stored 5 "appended lines"

# 2. A last line without its newline waits for it.
line 6 | head -c 50 | tee -a "$ALL" >>"$FEED"
sleep 1.5
expect_eq "$(count)" 5 "half a line is not a document"
line 6 | tail -c +51 | tee -a "$ALL" >>"$FEED"
stored 6 "the line once its newline came"

# 3. A malformed line: a dead letter naming FILE:LINE; the feed goes on.
printf 'this is not json\n' | tee -a "$ALL" >>"$FEED"
emit "$FEED" 7
stored 7 "the line after a malformed one"
expect_eq "$(sql "$DB" "SELECT source FROM dead_letters")" "$FEED:7" "the malformed line's dead letter names FILE:LINE"

# 4. Rotation by rename: the writer adds to the old file just after the
#    rename, then the new file starts.
mv "$FEED" "$FEED.1"
emit "$FEED.1" 8 9
emit "$FEED" 10 11
stored 11 "rotation by rename, old file's late lines included"

# 5. Rotation by copytruncate.
cp "$FEED" "$FEED.2"
: >"$FEED"
sleep 1.2
emit "$FEED" 12 13 14
stored 14 "rotation by copytruncate"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE source = '$FEED:1'")" 3 \
    "numbering starts again in the new and the truncated file"

# 6. kill -9 of the producer and of the sink while lines flow.
( for i in $(seq 15 214); do emit "$FEED" "$i"; sleep 0.01; done ) &
WRITER=$!
BACKGROUND+=($WRITER)
wait_for 30 bash -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0)\" -ge 40 ]" \
    || fail "the stream did not get going"
kill -9 "$(child_pid producer)"
sleep 0.7
kill -9 "$(child_pid sink)"
wait "$WRITER"
stored 214 "the stream around two kills"
grep -q 'child=producer reason="killed by signal 9' "$WORK/first.err" || fail "producer restart not logged"
grep -q "resuming followed file" "$WORK/first.err" || fail "the restarted producer did not resume"
pass "the restarted producer resumed the file"
stop first

# 7. A restart continues after the last line: nothing read twice.
emit "$FEED" 215
start second
stored 215 "the line written while stopped"
stop second
grep -q "feedmill run: 1 line in" "$WORK/second.out" || fail "the restart read more than the new line: $(cat "$WORK/second.out")"
pass "the restart read only the new line"
# Producer and sink both new since the first run, but no sink died in
# this one: what the producer sent before the sink's HELLO went to it.
contains -c "sink restarted" "$WORK/second.err" && fail "an ordinary restart resent: $(grep "sink restarted" "$WORK/second.err")"
pass "an ordinary restart resends nothing"

# 8. Replaced while stopped (a new file, possibly with the old inode
#    number): read from its start.
rm "$FEED"
emit "$FEED" 216 217
start third
stored 217 "a file replaced while stopped is read from its start"
stop third
grep -q "replaced while stopped" "$WORK/third.err" || fail "the replacement was not noticed"

# 9. Rotated by rename while stopped: the rest of the old file first.
emit "$FEED" 218
mv "$FEED" "$FEED.3"
emit "$FEED" 219
start fourth
stored 219 "a file rotated while stopped is finished, then the new one read"
stop fourth
grep -q "rotated while stopped, finishing it first" "$WORK/fourth.err" || fail "the rotation was not noticed"

# Exactly the input: every document's content hash, once.
expect_eq "$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$(ids | sha256sum)" \
    "stored ids are exactly the feed's documents"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 1 "one dead letter: the malformed line"
