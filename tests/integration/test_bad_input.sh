#!/usr/bin/env bash
# Bad documents end in dead_letters with a reason; good ones around them
# are stored; nothing crashes; the run says so with exit status 3.
source "$(dirname "$0")/lib.sh"
DB="$WORK/b.db"
IN="$WORK/in"
mkdir -p "$IN/nested"
: >"$IN/empty.txt"
head -c 4096 /dev/urandom >"$IN/random.bin"
printf '\x00\x01\x02binary\x00data' >"$IN/nul.bin"
head -c 300000 /dev/zero | tr '\0' 'a' >"$IN/too-big.txt"
printf 'caf\xe9 au lait: invalid UTF-8 \xff\xfe but still text worth keeping.\n' >"$IN/latin1.txt"
printf '<html><head><title>Unclosed</title></head><body><p>Truncated page with text <b>bold' >"$IN/nested/truncated.html"
printf ' date 2026-03-03 정상 문서\n\n싱가포르와 한국은 협력을 강화하기로 했다.\n' >"$IN/nested/good.txt"
printf '<html><head><title>Compressed</title></head><body><p>싱가포르와 한국의 협력 기사 본문입니다.</p></body></html>' | gzip >"$IN/nested/page.html.gz"
gzip -c "$IN/nested/good.txt" | head -c 40 >"$IN/truncated.gz"
printf 'same bytes\n' >"$IN/copy1.txt"
cp "$IN/copy1.txt" "$IN/nested/copy2.txt"
printf 'hidden\n' >"$IN/.hidden.txt"

set +e
"$FEEDMILL" run --db "$DB" --workers 2 --max-size 100000 "$IN" >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 3 "exit status with dead letters"
grep -q "dead_letters" "$WORK/err" || fail "no message pointing at dead_letters: $(cat "$WORK/err")"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 5 "stored documents (latin1, truncated html, good, gzip page, one of the copies)"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 5 "dead letters (empty, random, nul, too big, truncated gzip)"
expect_eq "$(sql "$DB" "SELECT error FROM dead_letters WHERE source LIKE '%truncated.gz'")" "gzip data is truncated" "reason for the truncated gzip"
expect_eq "$(sql "$DB" "SELECT title FROM documents WHERE source LIKE '%page.html.gz'")" "Compressed" "title of the gzip-compressed page"
expect_eq "$(sql "$DB" "SELECT error FROM dead_letters WHERE source LIKE '%empty.txt'")" "empty document" "reason for the empty file"
sql "$DB" "SELECT error FROM dead_letters WHERE source LIKE '%too-big.txt'" | contains "max-size" || fail "reason for the oversized file"
sql "$DB" "SELECT error FROM dead_letters WHERE source LIKE '%random.bin'" | contains "binary" || fail "reason for random bytes"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE source LIKE '%hidden%'")" 0 "hidden files skipped"
body=$(sql "$DB" "SELECT body FROM documents WHERE source LIKE '%latin1.txt'")
printf '%s' "$body" | iconv -f UTF-8 -t UTF-8 >/dev/null || fail "stored body is not valid UTF-8"
pass "invalid input stored as valid UTF-8"
# The second copy is one more source of the first either way: while the
# first is in flight, or once the sink has committed it.
grep -q "5 stored, 1 new source, 0 unchanged, 5 dead-lettered" \
    "$WORK/out" || fail "duplicate not reported: $(cat "$WORK/out")"
