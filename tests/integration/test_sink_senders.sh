#!/usr/bin/env bash
# Several senders feed one sink at once (issue 16): four workers' worth
# of RESULT messages, every tenth delivered twice from two of them. The
# committed ids are exactly the ids sent, each once; every entity is
# stored once; every near copy is linked to its original; search finds
# them.
. "$(dirname "$0")/lib.sh"

DOCS=3000
need_python_zmq
"$FEEDMILL" sink --db "$WORK/db" --results "ipc://$WORK/results" --acks "ipc://$WORK/acks" \
    2>"$WORK/sink.log" &
BACKGROUND+=($!)

timeout 200 "$PY" "$SOURCE_DIR/tests/integration/result_senders.py" \
    "ipc://$WORK/results" "ipc://$WORK/acks" 4 "$DOCS" "$WORK" \
    || fail "the senders did not see every document acknowledged: $(tail -5 "$WORK/sink.log")"

expect_eq "$(sort -u "$WORK/acked" | wc -l)" "$DOCS" "documents acknowledged"
sort "$WORK/sent" >"$WORK/sent.sorted"
sql "$WORK/db" "SELECT id FROM documents ORDER BY id" >"$WORK/committed"
cmp -s "$WORK/sent.sorted" "$WORK/committed" \
    || fail "committed ids differ from sent ids: $(diff "$WORK/sent.sorted" "$WORK/committed" | head -5)"
pass "committed ids = sent ids, each once"
# Two money entities a document (the 1조1천35억 엔 and the n+4 USD).
expect_eq "$(sql "$WORK/db" "SELECT count(*) FROM entities")" "$((2 * DOCS))" "entities, each once"
expect_eq "$(sql "$WORK/db" "SELECT count(DISTINCT doc_id || ':' || ord) FROM entities")" \
    "$((2 * DOCS))" "entities without a duplicate (doc_id, ord)"
expect_eq "$(sql "$WORK/db" "SELECT count(*) FROM entities WHERE type = 'money' AND unit = 'JPY'
                             AND value >= 103500000000 AND value < 103500000000 + $DOCS")" \
    "$DOCS" "yen amounts found by type, unit and value"
# Record n (n % 5 = 4, n >= 5) is record n - 3 with one bit flipped.
# Senders interleave, so either may arrive first: the later one links to
# the earlier.
copies=$(( (DOCS - 4 + 4) / 5 - 1 ))
expect_eq "$(sql "$WORK/db" "SELECT count(*) FROM documents AS d JOIN documents AS o
                             ON o.id = d.near_duplicate_of
                             WHERE d.near_duplicate_distance = 1
                               AND abs(CAST(substr(o.source, 8) AS INTEGER)
                                       - CAST(substr(d.source, 8) AS INTEGER)) = 3")" \
    "$copies" "near copies linked to their originals"
expect_eq "$(sql "$WORK/db" "SELECT count(*) FROM documents WHERE near_duplicate_of IS NOT NULL")" \
    "$copies" "no other links"
# The last batches' full-text entries may wait for their group until the
# results stop (deferred indexing, sink/store_fts.c): committed rows are
# found by search within a second, here waited for.
hits() { "$FEEDMILL" search --db "$WORK/db" --limit 5000 --json 협력 | grep -c '"id"'; }
wait_for 30 bash -c "[ \$(\"$FEEDMILL\" search --db '$WORK/db' --limit 5000 --json 협력 | grep -c '\"id\"') -eq $DOCS ]" || true
expect_eq "$(hits)" "$DOCS" "documents found by search"
