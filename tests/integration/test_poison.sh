#!/usr/bin/env bash
# A document whose extraction outruns the worker's time limit, every
# time: it is retried --max-attempts times, then dead-lettered with the
# reason and the attempt count; the other documents are stored and the
# workers never die.
source "$(dirname "$0")/lib.sh"
DB="$WORK/p.db"
make_documents "$WORK/docs" 100
# ~30 MB of text (under the 32 MiB --max-size): about a second of
# extraction at 30 MB/s, against a 0.25 s limit; an extractor four times
# faster still outruns it. (18 MB against 1 s stopped being poison once
# text extraction passed 18 MB/s.)
{ yes '싱가포르와 협력을 정부는 AI 기술 발전 the market 3억 달러.' || true; } | head -c 30000000 >"$WORK/docs/huge.txt"
export FEEDMILL_LOG=info

set +e
"$FEEDMILL" run --db "$DB" --workers 2 --time-limit 0.25 --max-attempts 2 "$WORK/docs" \
    >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 3 "exit status (one dead letter)"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 100 "documents stored beside the poison one"
expect_eq "$(sql "$DB" "SELECT attempts FROM dead_letters WHERE source LIKE '%huge.txt'")" 2 "attempts recorded"
sql "$DB" "SELECT error FROM dead_letters WHERE source LIKE '%huge.txt'" | contains "time limit of 250 ms (2 attempts)" \
    || fail "reason: $(sql "$DB" 'SELECT error FROM dead_letters')"
pass "poison document dead-lettered with its reason"
[ "$(grep -c 'attempt failed' "$WORK/err")" -eq 2 ] || fail "each failed attempt is logged once"
grep -q "child died" "$WORK/err" && fail "a worker died: $(grep 'child died' "$WORK/err")"
pass "no worker died"
