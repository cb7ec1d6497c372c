#!/usr/bin/env bash
# `feedmill extract FILE...`: one process extracts many documents and
# prints one JSON object per line, in the order given, each naming its
# path in "source". A document that cannot be read or extracted gets a
# line on stderr and none on stdout, the others still come out, and the
# exit status says some failed (3); usage errors exit 2.
source "$(dirname "$0")/lib.sh"
need_corpus
IN="$WORK/in"
mkdir -p "$IN"
cp "$CORPUS"/seeds/* "$IN/"
: >"$IN/empty.txt"
printf 'The harbour budget was approved on Tuesday after a long debate.\n' | gzip >"$IN/page.txt.gz"

seeds=("$IN"/0*.txt)
expect_eq "${#seeds[@]}" 4 "seed files"

# All good: one line each, in order, exit 0.
status=0
"$FEEDMILL" extract "${seeds[@]}" "$IN/page.txt.gz" >"$WORK/out" 2>"$WORK/err" || status=$?
expect_eq "$status" 0 "exit status when every document is extracted"
[ ! -s "$WORK/err" ] || fail "stderr not empty: $(cat "$WORK/err")"
python3 - "$WORK/out" "${seeds[@]}" "$IN/page.txt.gz" <<'PY' || fail "JSON lines"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "output ends with a newline"
records = [json.loads(line) for line in lines[:-1]]
assert [r["source"] for r in records] == sys.argv[2:], [r["source"] for r in records]
for r in records:
    assert set(r) >= {"id", "source", "kind", "lang", "title", "published", "author",
                      "body", "entities", "keywords", "simhash"}, sorted(r)
    assert r["body"], r["source"]
assert "harbour budget" in records[-1]["body"]
PY
pass "one JSON object per line, in the order given"

# Failures in the middle: reported on stderr, the rest extracted, exit 3.
status=0
"$FEEDMILL" extract "${seeds[0]}" "$IN/empty.txt" "$IN/missing.txt" "${seeds[1]}" \
    >"$WORK/out" 2>"$WORK/err" || status=$?
expect_eq "$status" 3 "exit status when some documents fail"
expect_eq "$(wc -l <"$WORK/out")" 2 "records printed"
grep -q "feedmill extract: $IN/empty.txt: empty document" "$WORK/err" \
    || fail "no reason for the empty file: $(cat "$WORK/err")"
grep -q "feedmill extract: $IN/missing.txt: No such file" "$WORK/err" \
    || fail "no reason for the missing file: $(cat "$WORK/err")"
expect_eq "$(wc -l <"$WORK/err")" 2 "stderr lines"
pass "failures reported per file, the others extracted"

# Standard input still works, alone or among files.
status=0
"$FEEDMILL" extract - <"${seeds[2]}" >"$WORK/out" 2>"$WORK/err" || status=$?
expect_eq "$status" 0 "exit status for standard input"
grep -q '"source":"stdin"' "$WORK/out" || fail "stdin record"

# Usage errors.
for args in "" "--bogus"; do
    status=0
    # shellcheck disable=SC2086
    "$FEEDMILL" extract $args >/dev/null 2>&1 || status=$?
    expect_eq "$status" 2 "exit status of 'extract $args'"
done
status=0
"$FEEDMILL" extract -- "${seeds[0]}" >/dev/null 2>&1 || status=$?
expect_eq "$status" 0 "'--' ends the options"
