#!/usr/bin/env bash
# kill -9 of the sink under load from several senders (issue 16): every
# document it acknowledged is in the database the moment it dies, before
# any restart; a new sink then takes the rest (the senders send again what
# was never acknowledged, as the producer does), and in the end the
# committed ids are exactly the ids sent, each once, with their entities
# once.
. "$(dirname "$0")/lib.sh"

DOCS=8000
need_python_zmq

start_sink() {
    "$FEEDMILL" sink --db "$WORK/db" --results "ipc://$WORK/results" --acks "ipc://$WORK/acks" \
        2>>"$WORK/sink.log" &
    SINK=$!
    BACKGROUND+=($SINK)
}
acked() { [ -f "$WORK/acked" ] && wc -l <"$WORK/acked" || echo 0; }

start_sink
timeout 200 "$PY" "$SOURCE_DIR/tests/integration/result_senders.py" \
    "ipc://$WORK/results" "ipc://$WORK/acks" 3 "$DOCS" "$WORK" --resend-after 2 &
SENDERS=$!
BACKGROUND+=($SENDERS)

# Mid-stream: some acknowledged, more in flight.
wait_for 120 bash -c "[ \$(wc -l <'$WORK/acked' 2>/dev/null || echo 0) -ge 1500 ]" \
    || fail "the sink acknowledged $(acked) documents in 120 s"
kill -KILL "$SINK"
wait "$SINK" 2>/dev/null || true
cp "$WORK/acked" "$WORK/acked-at-kill"
at_kill=$(wc -l <"$WORK/acked-at-kill")
[ "$at_kill" -lt "$DOCS" ] || fail "every document was acknowledged before the kill: raise DOCS"

# The file as the dead sink left it (SQLite recovers its WAL on open).
sort -u "$WORK/acked-at-kill" >"$WORK/acked.sorted"
sql "$WORK/db" "SELECT id FROM documents ORDER BY id" >"$WORK/committed"
missing=$(comm -23 "$WORK/acked.sorted" "$WORK/committed" | wc -l)
expect_eq "$missing" 0 "acknowledged documents missing after kill -9 (of $at_kill acknowledged)"
# Committed rows whose full-text entries were waiting for their group when
# the sink died (deferred indexing): the new sink indexes them at open.
echo "rows left waiting for their full-text entries at the kill: $(sql "$WORK/db" "SELECT count(*) FROM fts_pending")"

start_sink
wait "$SENDERS" || fail "the senders did not see every document acknowledged after the restart"
sort "$WORK/sent" >"$WORK/sent.sorted"
sql "$WORK/db" "SELECT id FROM documents ORDER BY id" >"$WORK/committed"
cmp -s "$WORK/sent.sorted" "$WORK/committed" \
    || fail "committed ids differ from sent ids: $(diff "$WORK/sent.sorted" "$WORK/committed" | head -5)"
pass "committed ids = sent ids, each once"
expect_eq "$(sql "$WORK/db" "SELECT count(*) FROM entities")" "$((2 * DOCS))" "entities, each once"
expect_eq "$(sql "$WORK/db" "SELECT count(*) FROM simhashes")" "$DOCS" "simhashes, each once"
# Every row indexed once: those the killed sink left waiting for their
# full-text entries (indexed by the new sink when it opened the file),
# and the last batches', written once the results stopped.
wait_for 30 bash -c "[ \$(sqlite3 '$WORK/db' \"SELECT count(*) FROM fts_pending\") -eq 0 ]" \
    || fail "rows still wait for their full-text entries 30 s after the results stopped"
expect_eq "$(sql "$WORK/db" "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH '협력'")" \
    "$DOCS" "documents found in the full-text index"
sql "$WORK/db" "INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)" \
    || fail "the full-text index is out of step with the documents"
pass "full-text index in step"
