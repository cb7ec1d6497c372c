#!/usr/bin/env bash
# kill -9 workers repeatedly during a run: the supervisor restarts them,
# documents they held are resent after --retry-after, the database ends
# with exactly the input set and `feedmill run` exits 0.
source "$(dirname "$0")/lib.sh"
DB="$WORK/k.db"
make_documents "$WORK/docs" 3000
export FEEDMILL_LOG=info
"$FEEDMILL" run --db "$DB" --workers 2 --retry-after 1 "$WORK/docs" >"$WORK/out" 2>"$WORK/err" &
RUN=$!; BACKGROUND+=($RUN)
# Under load the producer may take a while to start: the kills begin once
# it runs (not finding it yet is not its end).
producer_up() { pgrep -f "feedmill producer " -P "$RUN" >/dev/null; }
wait_for 60 producer_up || fail "no producer started: $(tail -5 "$WORK/err")"
killed=0
# Kills only while the producer runs: once it has exited (everything is
# committed) run stops the workers, and a worker killed then would be an
# unclean stop of the test's making, not the pipeline's.
while kill -0 "$RUN" 2>/dev/null && [ $killed -lt 8 ]; do
    sleep 0.25
    pgrep -f "feedmill producer " -P "$RUN" >/dev/null || break
    victim=$(pgrep -f "feedmill worker --work ipc://" -P "$RUN" | shuf -n 1 || true)
    if [ -n "$victim" ] && kill -9 "$victim" 2>/dev/null; then
        killed=$((killed + 1))
    fi
done
wait $RUN || { tail -20 "$WORK/err" >&2; fail "run exited non-zero after worker kills"; }
[ "$killed" -ge 2 ] || fail "only $killed workers killed: the run ended too soon to test anything"
pass "killed $killed workers"
grep -q "child died, restarting" "$WORK/err" || fail "supervisor did not log a restart"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 3000 "documents after worker kills"
expected=$(cd "$WORK/docs" && sha256sum -- * | cut -c1-64 | sort | sha256sum)
actual=$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)
expect_eq "$actual" "$expected" "stored ids are exactly the input's content hashes"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "dead letters"
