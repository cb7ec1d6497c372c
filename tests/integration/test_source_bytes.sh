#!/usr/bin/env bash
# A file name that is not valid UTF-8 (a Korean name saved in CP949) is a
# document like any other: stored, with its source in printable form, and
# no other document is affected. It used to stall the whole run for ever:
# a half-sent DOC left a routing frame that corrupted the next message.
source "$(dirname "$0")/lib.sh"
IN="$WORK/in"
DB="$WORK/t.db"
mkdir -p "$IN"
name="$(printf '뉴스.txt' | iconv -t cp949)"
printf '싱가포르와 한국은 인공지능 분야 협력을 강화하기로 했다.\n\n정부는 500억원 규모의 기금을 조성한다고 밝혔다.\n' >"$IN/$name"
make_documents "$IN" 20
: >"$IN/empty.txt"
printf '<html><head><title>%s</title></head><body><p>A page whose file name is Latin-1 bytes, with enough text to be stored as an article.</p></body></html>' café \
    >"$IN/$(printf 'caf\xe9.html')"

set +e
timeout 60 "$FEEDMILL" run --db "$DB" --workers 2 "$IN" >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
[ "$status" -ne 124 ] || fail "the run stalled: $(tail -5 "$WORK/err")"
expect_eq "$status" 3 "exit status (one empty file is a dead letter)"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 22 "stored documents"
expect_eq "$(sql "$DB" "SELECT source FROM documents WHERE body LIKE '%인공지능%'")" \
    "$IN/\\xb4\\xba\\xbd\\xba.txt" "CP949 file name in printable form"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE source = '$IN/caf\\xe9.html'")" 1 \
    "Latin-1 file name in printable form"
expect_eq "$(sql "$DB" "SELECT error FROM dead_letters")" "empty document" \
    "the unrelated dead letter keeps its own reason"
expect_eq "$(sql "$DB" "SELECT id FROM documents WHERE body LIKE '%인공지능%'")" \
    "$(sha256sum "$IN/$name" | cut -d' ' -f1)" "id is the SHA-256 of the bytes"
! grep -q "bad message\|worker lost" "$WORK/err" || fail "a bad frame went out: $(grep -m3 'bad message\|worker lost' "$WORK/err")"
pass "no bad frames, no lost workers"
# Every line the pipeline logs stays valid UTF-8.
iconv -f UTF-8 -t UTF-8 "$WORK/err" >/dev/null || fail "log is not valid UTF-8"
pass "logs are valid UTF-8"

# feedmill extract prints valid JSON for such a file too.
"$FEEDMILL" extract "$IN/$name" | python3 -c '
import json, sys
record = json.load(sys.stdin)
assert record["source"].endswith("\\xb4\\xba\\xbd\\xba.txt"), record["source"]
' || fail "extract JSON for a CP949 file name"
pass "extract prints valid JSON"

# A second run reads nothing again.
"$FEEDMILL" run --db "$DB" --workers 2 "$IN" >"$WORK/out2" 2>"$WORK/err2" || true
grep -q "23 skipped (unchanged since an earlier run)" "$WORK/out2" || fail "second run: $(cat "$WORK/out2")"
pass "second run reads nothing again"
