#!/usr/bin/env bash
# Dead letters are not for ever. One caused by reading (permissions, the
# size limit) is retried by the next run once its cause is gone, and
# `feedmill retry` sends extraction failures through again. Either way
# the file ends as exactly one row.
source "$(dirname "$0")/lib.sh"
IN="$WORK/in"
DB="$WORK/db/t.db"
mkdir -p "$WORK/db"
make_documents "$IN" 5
head -c 3000 /dev/zero | tr '\0' 'b' >"$IN/big.txt"
printf '싱가포르와 한국은 협력을 강화하기로 했다. 잠긴 문서의 본문입니다.\n' >"$IN/locked.txt"
chmod 000 "$IN/locked.txt"

# Unreadable for whoever runs it: as root, run as nobody, since root
# reads any file whatever its mode.
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    command -v setpriv >/dev/null || fail "setpriv (util-linux) is needed to drop root"
    chmod 755 "$WORK"
    chmod 777 "$IN" "$WORK/db"
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
    # The build may sit below a folder only root can enter (a clone in a
    # mktemp -d): nobody runs a copy from the test's own folder.
    cp "$FEEDMILL" "$WORK/feedmill"
    chmod 755 "$WORK/feedmill"
fi
RUN_AS="${as_user:+$WORK/feedmill}"
run() { "${as_user[@]}" "${RUN_AS:-$FEEDMILL}" run --db "$DB" --workers 2 "$@"; }

set +e
run --max-size 2000 "$IN" >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 3 "first run: two dead letters"
sql "$DB" "SELECT error FROM dead_letters WHERE source LIKE '%locked.txt'" | contains "Permission denied" \
    || fail "reason for the locked file: $(sql "$DB" 'SELECT source, error FROM dead_letters')"
sql "$DB" "SELECT error FROM dead_letters WHERE source LIKE '%big.txt'" | contains "max-size" \
    || fail "reason for the big file"
pass "reasons recorded"

chmod 644 "$IN/locked.txt"          # the cause is gone: mtime and size unchanged
set +e
run --max-size 2000 "$IN" >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 3 "second run: the big file is still too big"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE source LIKE '%locked.txt'")" 1 "the unlocked file is stored"
expect_eq "$(sql "$DB" "SELECT count(*) FROM dead_letters WHERE source LIKE '%locked.txt'")" 0 "its dead letter is gone"

set +e
run --max-size 10000 "$IN" >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 0 "third run with a larger --max-size"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 7 "every file stored"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "no dead letters left"
set +e
run --max-size 10000 "$IN" >"$WORK/out" 2>"$WORK/err"
set -e
grep -q "7 skipped (unchanged since an earlier run)" "$WORK/out" || fail "fourth run re-read something: $(cat "$WORK/out")"
pass "fourth run reads nothing again"

# Extraction failures: a time limit nothing can meet dead-letters three
# documents; `feedmill retry` with a sane limit stores them. Each is
# about 340 KB, tens of milliseconds of extraction: one of 30 KB took
# under the 1 ms limit on a fast machine.
R="$WORK/r"
mkdir -p "$R"
for i in 1 2 3; do
    for ((j = 0; j < 3000; j++)); do
        printf '싱가포르와 한국은 협력을 강화하기로 했다 문단 %d %d. 정부는 %d억원 규모의 기금을 조성한다.\n\n' $i $j $j
    done >"$R/long_$i.txt"
done
set +e
"$FEEDMILL" run --db "$WORK/r.db" --workers 2 --time-limit 0.001 --max-attempts 2 "$R" >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 3 "time-limited run dead-letters"
expect_eq "$(sql "$WORK/r.db" 'SELECT count(*) FROM dead_letters')" 3 "three dead letters"
id=$(sql "$WORK/r.db" "SELECT substr(id, 1, 12) FROM dead_letters WHERE source LIKE '%long_2.txt'")
set +e
"$FEEDMILL" retry --db "$WORK/r.db" --workers 2 "$id" >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 0 "retry of one id"
grep -q "1 retried: 1 stored now" "$WORK/out" || fail "retry summary: $(cat "$WORK/out")"
expect_eq "$(sql "$WORK/r.db" "SELECT count(*) FROM documents WHERE source LIKE '%long_2.txt'")" 1 "that document is stored"
expect_eq "$(sql "$WORK/r.db" 'SELECT count(*) FROM dead_letters')" 2 "the other two are still dead letters"
set +e
"$FEEDMILL" retry --db "$WORK/r.db" --all >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 0 "retry --all"
expect_eq "$(sql "$WORK/r.db" 'SELECT count(*) FROM documents'),$(sql "$WORK/r.db" 'SELECT count(*) FROM dead_letters')" "3,0" "all stored"

set +e
"$FEEDMILL" retry --db "$WORK/r.db" >/dev/null 2>&1; expect_eq "$?" 2 "retry without ids"
"$FEEDMILL" retry --db "$WORK/r.db" 0123abcd >/dev/null 2>"$WORK/err"; expect_eq "$?" 1 "retry of an unknown id"
set -e
grep -q "no dead letter" "$WORK/err" || fail "message for an unknown id: $(cat "$WORK/err")"
