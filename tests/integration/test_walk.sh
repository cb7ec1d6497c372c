#!/usr/bin/env bash
# Symbolic links: followed, loops and broken links skipped with a log line
# each and counted in the summary; a missing PATH exits 1 as documented.
source "$(dirname "$0")/lib.sh"
IN="$WORK/in"
make_documents "$IN/a" 3
mkdir -p "$WORK/elsewhere"
make_documents "$WORK/elsewhere" 2
mv "$WORK/elsewhere/doc_00000.txt" "$WORK/elsewhere/other_0.txt"
mv "$WORK/elsewhere/doc_00001.txt" "$WORK/elsewhere/other_1.txt"
printf 'A document outside, ingested through a link to its folder: 싱가포르와 협력, 300억원.\n' >"$WORK/elsewhere/outside.txt"
ln -s "$WORK/elsewhere" "$IN/linked"       # a link to a folder: followed
ln -s .. "$IN/a/up"                        # a loop back to the root
ln -s self "$IN/self"                      # a link to itself
ln -s nowhere "$IN/broken"                 # a broken link
mkfifo "$IN/fifo"                          # not a regular file
set +e
"$FEEDMILL" run --db "$WORK/t.db" --workers 2 "$IN" >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 0 "exit status"
expect_eq "$(sql "$WORK/t.db" "SELECT count(*) FROM documents WHERE body LIKE '%outside%'")" 1 \
    "a document below a link to a folder"
expect_eq "$(sql "$WORK/t.db" 'SELECT count(*) FROM documents')" 4 "documents (3 + 1 outside; the 2 others duplicate the first 2)"
grep -q "4 paths skipped" "$WORK/out" || fail "summary does not count the skipped paths: $(cat "$WORK/out")"
pass "summary counts 4 skipped paths"
for what in "$IN/a/up reason=.*symbolic link loop" "$IN/self.*symbolic link loop" "$IN/broken.*broken symbolic link" "$IN/fifo.*not a regular file"; do
    grep -q "skipping path=$what" "$WORK/err" || fail "no log line for $what: $(grep skipping "$WORK/err")"
    pass "logged: $what"
done

set +e
"$FEEDMILL" run --db "$WORK/t.db" "$WORK/missing" >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 1 "exit status for a missing PATH"
grep -q "missing: No such file" "$WORK/err" || fail "message for a missing PATH: $(cat "$WORK/err")"
set +e
"$FEEDMILL" run --db "$WORK/t.db" --no-such-option "$IN" >/dev/null 2>&1
status=$?
set -e
expect_eq "$status" 2 "exit status for a usage error"

# Many PATHs on the command line all reach the producer.
make_documents "$WORK/many" 40
set +e
"$FEEDMILL" run --db "$WORK/many.db" --workers 2 "$WORK"/many/doc_*.txt >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 0 "exit status with 40 file PATHs"
expect_eq "$(sql "$WORK/many.db" 'SELECT count(*) FROM documents')" 40 "documents from 40 file PATHs"
