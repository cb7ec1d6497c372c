#!/usr/bin/env bash
# A database kept inside the folder it ingests is never ingested, nor its
# -wal, -shm and the producer's state; whatever spelling of the path.
source "$(dirname "$0")/lib.sh"
NEWS="$WORK/news"
make_documents "$NEWS" 10
cd "$NEWS"
set +e
"$FEEDMILL" run --db news.db --workers 2 . >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 0 "exit status"
expect_eq "$(sql news.db 'SELECT count(*) FROM documents')" 10 "documents"
expect_eq "$(sql news.db 'SELECT count(*) FROM dead_letters')" 0 "dead letters"
grep -q "^feedmill run: 10 files in" "$WORK/out" || fail "summary: $(cat "$WORK/out")"
pass "summary counts 10 files"
# Again, with the folder named another way and the files all there now.
set +e
"$FEEDMILL" run --db "$NEWS/news.db" --workers 2 ../news "$NEWS" >"$WORK/out" 2>"$WORK/err"
status=$?
set -e
expect_eq "$status" 0 "second run exit status"
expect_eq "$(sql news.db 'SELECT count(*) FROM documents') $(sql news.db 'SELECT count(*) FROM dead_letters')" \
    "10 0" "documents and dead letters after the second run"
# A standalone producer never ingests its own state, nor a --skip database.
cd "$WORK"
port() { free_port; }
W=$(port) A=$(port) R=$(port)
make_keys
"$FEEDMILL" sink --db "$NEWS/other.db" --results "tcp://127.0.0.1:$R" --acks "tcp://127.0.0.1:$A" \
    "${SINK_KEYS[@]}" 2>"$WORK/sink.err" &
BACKGROUND+=($!)
# shellcheck disable=SC2046
"$FEEDMILL" worker --work "tcp://127.0.0.1:$W" --results "tcp://127.0.0.1:$R" $(worker_keys worker) \
    2>"$WORK/worker.err" &
BACKGROUND+=($!)
timeout 60 "$FEEDMILL" producer --work "tcp://127.0.0.1:$W" --acks "tcp://127.0.0.1:$A" \
    --sink "tcp://127.0.0.1:$R" --state "$NEWS/state.db" --skip "$NEWS/other.db" --skip "$NEWS/news.db" \
    "${PRODUCER_KEYS[@]}" "$NEWS" 2>"$WORK/producer.err" || fail "standalone producer: $(tail -3 "$WORK/producer.err")"
expect_eq "$(sql "$NEWS/other.db" 'SELECT count(*) FROM documents') $(sql "$NEWS/other.db" 'SELECT count(*) FROM dead_letters')" \
    "10 0" "standalone: documents and dead letters"
