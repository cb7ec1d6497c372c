#!/usr/bin/env bash
# feedmill run -: JSON lines on standard input. Every line ends as one row
# (a document, or a dead letter naming stdin:LINE), ids are the SHA-256 of
# the html/text value, hints fill what the document lacks, and kill -9 of
# the producer (even in the middle of a line) or of the sink loses none.
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info
# ids LINES_FILE: the sorted ids the lines' documents must have.
ids() {
    python3 -c '
import hashlib, json, sys
ids = set()
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if isinstance(d, dict) and isinstance(d.get("html", d.get("text")), str):
        ids.add(hashlib.sha256(d.get("html", d.get("text")).encode()).hexdigest())
print("\n".join(sorted(ids)))' "$1"
}
line() {   # line N: one JSON-lines document
    printf '{"text":"표준 입력 문서 %d번: 싱가포르와 한국의 협력 기사 본문입니다. 정부는 %d억원을 투입한다.","date":"2026-03-%02d"}\n' \
        "$1" "$1" $(($1 % 28 + 1))
}

# 1. A small feed: documents, a malformed line, a blank line, a URL, hints,
#    the same content twice, and a last line without its newline.
{
    printf '{"html":"<html><head><title>From stdin</title></head><body><p>싱가포르와 한국은 협력을 강화하기로 했다. 정부는 500억원을 투입한다.</p></body></html>","url":"https://example.com/a"}\n'
    printf 'not json at all\n\n'
    printf '{"text":"힌트가 있는 문서입니다. 협력 기사 본문이 충분히 길어야 합니다.","date":"2026-03-04","author":"박기석","lang":"ko"}\n'
    line 1
    line 1
    printf '{"text":"마지막 줄은 줄바꿈 없이 끝납니다. 협력 기사 본문."}'
} >"$WORK/small.jsonl"
set +e
"$FEEDMILL" run --db "$WORK/s.db" --workers 2 - <"$WORK/small.jsonl" >"$WORK/s.out" 2>"$WORK/s.err"
status=$?
set -e
expect_eq "$status" 3 "exit status: one malformed line"
expect_eq "$(sql "$WORK/s.db" 'SELECT count(*) FROM documents')" 4 "documents (the repeated line is one)"
expect_eq "$(sql "$WORK/s.db" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$(ids "$WORK/small.jsonl" | sha256sum)" \
    "ids are the SHA-256 of the html/text values"
expect_eq "$(sql "$WORK/s.db" "SELECT source FROM dead_letters")" "stdin:2" "the malformed line's dead letter names it"
sql "$WORK/s.db" "SELECT error FROM dead_letters" | contains "not JSON" || fail "reason for the malformed line"
expect_eq "$(sql "$WORK/s.db" "SELECT title FROM documents WHERE source = 'https://example.com/a'")" "From stdin" \
    "url becomes the source"
expect_eq "$(sql "$WORK/s.db" "SELECT published || ' ' || author FROM documents WHERE source = 'stdin:4'")" \
    "2026-03-04 박기석" "hints fill the date and author"
expect_eq "$(sql "$WORK/s.db" "SELECT count(*) FROM documents WHERE source = 'stdin:7'")" 1 \
    "a last line without its newline"
expect_eq "$(sqlite3 "$WORK/s.db.producer" 'SELECT count(*) FROM spool')" 0 "the spool is empty once all is committed"

# 2. A stream through a pipe, with kill -9 of the producer (once in the
#    middle of a line) and of the sink while it flows.
for i in $(seq 1 400); do line "$i"; done >"$WORK/stream.jsonl"
mkfifo "$WORK/fifo"
"$FEEDMILL" run --db "$WORK/k.db" --workers 2 - <"$WORK/fifo" >"$WORK/k.out" 2>"$WORK/k.err" &
RUN=$!; BACKGROUND+=($RUN)
child_pid() { pgrep -f "feedmill $1 " -P "$RUN" | head -1 || true; }
exec 3>"$WORK/fifo"
head -n 150 "$WORK/stream.jsonl" >&3
wait_for 20 bash -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$WORK/k.db' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0)\" -ge 100 ]" \
    || fail "stream did not get going"
kill -9 "$(child_pid producer)"
sed -n '151,250p' "$WORK/stream.jsonl" >&3
sleep 0.5
kill -9 "$(child_pid sink)"
# Half a line, a pause, a kill, then the rest of the line.
sed -n '251p' "$WORK/stream.jsonl" | head -c 40 >&3
sleep 1
kill -9 "$(child_pid producer)"
sleep 0.5
sed -n '251p' "$WORK/stream.jsonl" | tail -c +41 >&3
sed -n '252,400p' "$WORK/stream.jsonl" >&3
exec 3>&-
wait "$RUN" || fail "run - exited non-zero: $(tail -5 "$WORK/k.err")"
expect_eq "$(sql "$WORK/k.db" 'SELECT count(*) FROM documents')" 400 "documents after three kills"
expect_eq "$(sql "$WORK/k.db" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$(ids "$WORK/stream.jsonl" | sha256sum)" \
    "stored ids are exactly the lines' documents"
expect_eq "$(sql "$WORK/k.db" 'SELECT count(*) FROM dead_letters')" 0 "no dead letters: the cut line was put back together"
expect_eq "$(sql "$WORK/k.db" "SELECT count(*) FROM documents WHERE source = 'stdin:251'")" 1 "the cut line keeps its number"
grep -q "resuming standard input" "$WORK/k.err" || fail "the restarted producer did not resume the stream"
pass "the restarted producer resumed the stream"
