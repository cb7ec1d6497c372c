#!/usr/bin/env bash
# A worker with a small --credit (1, or any up to the eight documents its
# extraction child's pipe holds) is dealt the next documents as soon as it
# finishes some, not at its next heartbeat. Before, it said READY only
# after receiving half its credit; with all of it in the child's pipe it
# received nothing more and waited for the heartbeat: one document a
# second at --credit 1.
#
# The deadline is a liveness bound, not a measure of speed: 24 documents
# take well under a second here, and a worker dealt one a heartbeat needs
# at least 23 s for them.
source "$(dirname "$0")/lib.sh"
make_documents "$WORK/docs" 24
DEADLINE=15

for credit in 1 3; do
    dir="$WORK/credit$credit"
    mkdir -p "$dir"
    E="ipc://$dir"
    "$FEEDMILL" sink --db "$dir/c.db" --results "$E/results" --acks "$E/acks" 2>"$dir/sink.log" &
    SINK=$!; BACKGROUND+=($SINK)
    FEEDMILL_LOG=info "$FEEDMILL" worker --credit "$credit" --work "$E/work" --results "$E/results" 2>"$dir/worker.log" &
    WORKER=$!; BACKGROUND+=($WORKER)
    # The producer starts once the worker is up, so that its clock
    # counts documents, not the worker's start.
    wait_for 20 contains "started name=" "$dir/worker.log" || fail "credit $credit: worker did not start"
    set +e
    timeout "$DEADLINE" "$FEEDMILL" producer --work "$E/work" --acks "$E/acks" --sink "$E/results" \
        --state "$dir/producer.db" --summary "$WORK/docs" >"$dir/summary" 2>"$dir/producer.log"
    status=$?
    set -e
    [ "$status" -ne 124 ] || fail "credit $credit: 24 documents not done in ${DEADLINE} s" \
        "($(sql "$dir/c.db" 'SELECT count(*) FROM documents') stored): the worker waits for its heartbeat"
    expect_eq "$status" 0 "credit $credit: producer exit status"
    expect_eq "$(sql "$dir/c.db" 'SELECT count(*) FROM documents')" 24 "credit $credit: rows"
    kill -TERM "$SINK" "$WORKER"
    wait "$SINK" && wait "$WORKER" || fail "credit $credit: sink or worker did not stop cleanly"
    pass "credit $credit: every document dealt as soon as the worker had room"
done
