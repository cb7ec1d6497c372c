#!/usr/bin/env bash
# The filesystem under a running sink turns read-only, as ext4 does on a
# disk error (errors=remount-ro), and its operator repairs it: unmounts
# it, runs e2fsck, mounts it again, without stopping the sink. The sink
# says the database cannot be written (read_only, with the path), /readyz
# is not ready, the metric counts it, and it holds the results rather
# than dropping them. It lets go of the database's files while it waits,
# so the unmount is not refused as busy, and heals by itself once the
# filesystem is back: every document is then stored exactly once.
#
# Why not a tmpfs remounted read-only, or a chmod: the kernel refuses to
# remount read-only a filesystem with a file open for writing (EBUSY),
# and a file's mode does not apply to a descriptor already open. ext4's
# trigger_fs_error (sysfs) raises a real filesystem error instead.
#
# Needs root, a loop device and ext4 (CI runs as root); skipped, and
# said, where those are missing.
source "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || fail "curl is not installed"
export FEEDMILL_LOG=info
N=400

MNT="$WORK/disk"
IMAGE="$WORK/disk.img"
mkdir -p "$MNT"
[ "$(id -u)" = 0 ] || skip "needs root to mount an ext4 image; CI runs as root"
command -v mkfs.ext4 >/dev/null && command -v e2fsck >/dev/null \
    || skip "needs mkfs.ext4 and e2fsck (e2fsprogs)"
truncate -s 16M "$IMAGE"
# Without a journal: e2fsck has nothing to replay, and the repair is quick.
mkfs.ext4 -q -O ^has_journal "$IMAGE" || fail "mkfs.ext4 failed"
mount_disk() { mount -o loop,errors=remount-ro "$IMAGE" "$MNT" 2>"$WORK/mount.err"; }
mount_disk || skip "cannot mount an ext4 image on a loop device here: $(cat "$WORK/mount.err")"
MOUNTS+=("$MNT")
TRIGGER="/sys/fs/ext4/$(basename "$(findmnt -no SOURCE "$MNT")")/trigger_fs_error"
[ -w "$TRIGGER" ] || skip "this kernel has no $TRIGGER to raise an ext4 error"
DB="$MNT/fm.db"

make_documents "$WORK/docs" "$N"
EXPECTED=$(cd "$WORK/docs" && sha256sum -- * | cut -c1-64 | sort | sha256sum)
SM=$(free_port)
E="ipc://$WORK"

http() { curl -sS --max-time 10 "$1"; }
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$1"; }
store_errors() {
    http "http://127.0.0.1:$SM/metrics" \
        | awk -v s="feedmill_sink_store_errors_total{reason=\"$1\"}" '$1 == s { print $2 }'
}
rows() { sqlite3 "$DB" 'SELECT count(*) FROM documents' 2>/dev/null || echo "?"; }

# 1. The sink makes its database; it is on disk (synced); then the disk
#    fails and ext4 turns the filesystem read-only under the running sink.
"$FEEDMILL" sink --db "$DB" --results "$E/results" --acks "$E/acks" --metrics "127.0.0.1:$SM" \
    --status-interval 1 2>"$WORK/sink.log" &
SINK=$!; BACKGROUND+=($SINK)
wait_for 20 grep -q "started db=" "$WORK/sink.log" || fail "the sink did not start: $(cat "$WORK/sink.log")"
sync -f "$DB"
echo 1 >"$TRIGGER"
touch "$MNT/probe" 2>/dev/null && fail "the filesystem is still writable after the ext4 error"
pass "the filesystem under the running sink is read-only"

for i in 1 2; do
    "$FEEDMILL" worker --work "$E/work" --results "$E/results" 2>"$WORK/worker$i.log" &
    BACKGROUND+=($!)
done
"$FEEDMILL" producer --work "$E/work" --acks "$E/acks" --sink "$E/results" --state "$WORK/state.db" \
    --retry-after 60 "$WORK/docs" 2>"$WORK/producer.log" &
PRODUCER=$!; BACKGROUND+=($PRODUCER)

# 2. Said, not ready, counted; the results are held.
wait_for 30 grep -q "database cannot be written.*path=$DB reason=read_only" "$WORK/sink.log" \
    || fail "the sink never said the database is read-only: $(tail -5 "$WORK/sink.log")"
pass "the sink said the database is read-only"
expect_eq "$(status "http://127.0.0.1:$SM/readyz")" 503 "/readyz while read-only"
http "http://127.0.0.1:$SM/readyz" | contains "cannot be written (read_only)" \
    || fail "/readyz does not say why: $(http "http://127.0.0.1:$SM/readyz")"
ro=$(store_errors read_only)
[ "${ro:-0}" -ge 1 ] || fail "feedmill_sink_store_errors_total{reason=\"read_only\"} is '$ro'"
pass "feedmill_sink_store_errors_total{reason=\"read_only\"} = $ro"

# 3. The operator repairs the filesystem while the sink runs: the unmount
#    is not refused as busy (the sink let go of the files).
wait_for 10 umount "$MNT" 2>"$WORK/umount.err" \
    || fail "the filesystem stays busy while the sink waits: $(cat "$WORK/umount.err"); $(ls -l /proc/"$SINK"/fd | grep "$MNT")"
pass "unmounted while the sink runs"
kill -0 "$SINK" || fail "the sink died: $(tail -5 "$WORK/sink.log")"
rc=0; e2fsck -fy "$IMAGE" >"$WORK/e2fsck.log" 2>&1 || rc=$?
[ "$rc" -le 1 ] || fail "e2fsck could not repair the image (exit $rc): $(tail -5 "$WORK/e2fsck.log")"
mount_disk || fail "cannot mount the repaired image: $(cat "$WORK/mount.err")"
remounted=$SECONDS

# 4. It heals by itself within its backoff, and the rest follows.
wait_for 10 grep -q "database written again path=$DB reason_was=read_only" "$WORK/sink.log" \
    || fail "the sink did not heal within 10 s of the mount: $(tail -3 "$WORK/sink.log")"
pass "healed $((SECONDS - remounted)) s after the mount"
wait_for 30 bash -c "[ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM documents' 2>/dev/null)\" = $N ]" \
    || fail "not every document stored within 30 s of the mount: $(rows) of $N"
wait_for 15 bash -c "! kill -0 $PRODUCER 2>/dev/null" || fail "the producer did not finish"
wait "$PRODUCER" || fail "the producer exited non-zero: $(tail -3 "$WORK/producer.log")"
expect_eq "$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$EXPECTED" \
    "stored ids are exactly the input's content hashes, each once"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "dead letters"
if grep -q "write failed, leaving it to be resent" "$WORK/sink.log"; then
    fail "the sink dropped results: $(grep -m3 'write failed' "$WORK/sink.log")"
fi
