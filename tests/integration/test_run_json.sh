#!/usr/bin/env bash
# run --log-format json (issue 20): every line on stderr is a JSON object,
# run's own messages included (a dead letter's notice, a missing PATH, a
# stop on request), for a log shipper that parses each line; the summary
# stays on stdout.
. "$(dirname "$0")/lib.sh"

mkdir "$WORK/in"
cp "$SOURCE_DIR"/examples/* "$WORK/in/"
: >"$WORK/in/empty.txt"     # refused by the extractor: a dead letter, run exits 3 and says why
all_json() {   # all_json FILE WHAT
    python3 - "$1" <<'PY' || fail "$2: a line on stderr is not JSON"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines, "no line at all"
for line in lines:
    obj = json.loads(line)
    assert isinstance(obj, dict) and "msg" in obj, line
PY
    pass "$2: every line on stderr is a JSON object ($(wc -l <"$1") lines)"
}

rc=0
"$FEEDMILL" run --db "$WORK/j.db" --workers 1 --log-format json "$WORK/in" \
    >"$WORK/out" 2>"$WORK/err" || rc=$?
expect_eq "$rc" 3 "run with a dead letter"
grep -q '"msg":"some documents could not be processed' "$WORK/err" || fail "the dead-letter notice: $(cat "$WORK/err")"
grep -q "^feedmill run: .* in .* s: " "$WORK/out" || fail "the summary is not on stdout: $(cat "$WORK/out")"
all_json "$WORK/err" "a run with a dead letter"

rc=0
"$FEEDMILL" run --db "$WORK/j.db" --log-format json "$WORK/missing" 2>"$WORK/err2" || rc=$?
expect_eq "$rc" 1 "a missing PATH"
all_json "$WORK/err2" "a missing PATH"

# A stop on request, while watching.
"$FEEDMILL" run --db "$WORK/w.db" --workers 1 --log-format json --watch "$WORK/in" \
    >"$WORK/out3" 2>"$WORK/err3" &
RUN=$!
BACKGROUND+=($RUN)
stored() { [ "$(sql "$WORK/w.db" "SELECT count(*) FROM documents" 2>/dev/null || echo 0)" -ge 5 ]; }
wait_for 60 stored || fail "the watching run stored nothing: $(tail -3 "$WORK/err3")"
kill -TERM "$RUN"
rc=0; wait "$RUN" || rc=$?
expect_eq "$rc" 0 "a watching run stopped with SIGTERM"
grep -q '"msg":"stopped on request' "$WORK/err3" || fail "the stop notice: $(tail -3 "$WORK/err3")"
all_json "$WORK/err3" "a run stopped on request"
