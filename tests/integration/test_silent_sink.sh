#!/usr/bin/env bash
# A sink that commits nothing is not a worker that holds documents. The
# sink's database sits on a 1 MB tmpfs that fills: the sink is alive (it
# says HELLO every second) and holds its batch, so nothing is
# acknowledged for anyone. With --retry-after 2, every document in flight
# passes its deadline again and again; the producer says `sink
# acknowledges nothing`, pauses no worker, and neither resends nor
# charges the documents (with --max-attempts 1, one charged resend would
# make a dead letter). The disk is full before the first document
# comes; --max-in-flight keeps about 150 documents out. Once the
# filesystem is enlarged, the sink commits
# its backlog, the producer says the sink acknowledges again, and every
# document is stored exactly once, with no worker blamed on the way.
#
# Needs root to mount (CI runs as root); skipped, and said, where even a
# tmpfs cannot be mounted.
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info
N=500

MNT="$WORK/disk"
mkdir -p "$MNT"
[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs under the database; CI runs as root"
mount -t tmpfs -o size=1m tmpfs "$MNT" 2>"$WORK/mount.err" \
    || skip "cannot mount a tmpfs here: $(cat "$WORK/mount.err")"
MOUNTS+=("$MNT")
DB="$MNT/fm.db"

# The documents are moved into a watched folder once both workers are
# connected: a worker alone at first could take every document in flight
# before the other one joined (small texts go fast), and a worker that
# holds every waiting document while another idles is rightly the one
# suspected, not the sink.
make_documents "$WORK/new" "$N"
mkdir -p "$WORK/docs"
EXPECTED=$(cd "$WORK/new" && sha256sum -- * | cut -c1-64 | sort | sha256sum)
E="ipc://$WORK"
rows() { sqlite3 "$DB" 'SELECT count(*) FROM documents' 2>/dev/null || echo "?"; }

"$FEEDMILL" sink --db "$DB" --results "$E/results" --acks "$E/acks" 2>"$WORK/sink.log" &
BACKGROUND+=($!)
# The disk is filled once the database is made, before any document is
# sent: a test under load that left the first ones to fill it would see
# them take past --retry-after, be charged, and become dead letters.
wait_for 30 grep -q "started db=" "$WORK/sink.log" || fail "the sink did not start: $(tail -3 "$WORK/sink.log")"
dd if=/dev/zero of="$MNT/filler" bs=4096 2>/dev/null || true
for i in 1 2; do
    "$FEEDMILL" worker --work "$E/work" --results "$E/results" 2>"$WORK/worker$i.log" &
    BACKGROUND+=($!)
done
"$FEEDMILL" producer --work "$E/work" --acks "$E/acks" --sink "$E/results" --state "$WORK/state.db" \
    --retry-after 2 --max-attempts 1 --max-in-flight 40000 --watch "$WORK/docs" 2>"$WORK/producer.log" &
PRODUCER=$!; BACKGROUND+=($PRODUCER)
for i in 1 2; do
    wait_for 30 grep -q "connected to producer" "$WORK/worker$i.log" \
        || fail "worker $i did not connect: $(tail -3 "$WORK/worker$i.log")"
done
mv "$WORK/new"/* "$WORK/docs"/

blamed() {
    grep -E "worker holds documents without finishing them|no ack in time|giving up" "$WORK/producer.log" | head -3
}

# 1. The sink's disk fills; past --retry-after the producer names the sink.
wait_for 30 grep -q "database cannot be written.*reason=disk_full" "$WORK/sink.log" \
    || fail "the sink's disk did not fill: $(tail -3 "$WORK/sink.log")"
full_at=$(rows)
wait_for 10 grep -q "sink acknowledges nothing, waiting for it without blaming any worker in_flight=[1-9][0-9]* since_s=[0-9]* sink=alive" "$WORK/producer.log" \
    || fail "the producer did not say the sink acknowledges nothing: $(tail -5 "$WORK/producer.log")"
pass "said: $(grep -m1 -o 'sink acknowledges nothing.*sink=alive' "$WORK/producer.log")"
# Said again 10 s later: five more --retry-after went by meanwhile, each
# expiring every document in flight, the second one (where a worker
# alone at fault would be paused) included.
wait_for 20 bash -c "[ \$(grep -c 'sink acknowledges nothing' '$WORK/producer.log') -ge 2 ]" \
    || fail "not said again 10 s later: $(grep 'sink acknowledges nothing' "$WORK/producer.log")"
[ -z "$(blamed)" ] || fail "a worker or a document was blamed for the sink's disk: $(blamed)"
expect_eq "$(rows)" "$full_at" "rows committed while the sink's disk is full"
pass "no worker paused, no document resent or charged while the sink commits nothing"

# 2. Space returns: the backlog is committed, nothing was lost or blamed.
mount -o remount,size=64m "$MNT"
wait_for 10 grep -q "sink acknowledges again" "$WORK/producer.log" \
    || fail "the producer did not say the sink acknowledges again: $(tail -3 "$WORK/producer.log")"
wait_for 60 bash -c "[ \$(sqlite3 '$DB' 'SELECT count(*) FROM documents') -eq $N ]" \
    || fail "the backlog was not committed: $(rows) of $N stored"
kill -TERM "$PRODUCER"
wait "$PRODUCER" || fail "the producer exited non-zero (3: dead letters): $(tail -3 "$WORK/producer.log")"
expect_eq "$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$EXPECTED" \
    "stored ids are exactly the input's content hashes, each once"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "dead letters"
[ -z "$(blamed)" ] || fail "a worker or a document was blamed after the sink healed: $(blamed)"
pass "no worker blamed, nothing charged, from the fault to the end"
