#!/usr/bin/env bash
# feedmill run --watch: files that appear below the folders are ingested
# once complete (closed after writing, or moved in), never half-written;
# temporary and ignored names never; new subfolders are watched; kill -9
# of the producer and of the sink mid-watch lose and duplicate nothing;
# a restart resumes without re-reading. --poll does the same by rescans.
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info
IN="$WORK/in"
DB="$WORK/w.db"
make_documents "$IN" 5

start_watch() {   # start_watch NAME [OPTIONS...]
    local name=$1
    shift
    "$FEEDMILL" run --db "$DB" --workers 2 --watch --ignore '*.bak' "$@" "$IN" \
        >"$WORK/$name.out" 2>"$WORK/$name.err" &
    RUN=$!; BACKGROUND+=($RUN)
}
stop_watch() {   # stop_watch NAME
    kill -INT "$RUN"
    wait "$RUN" || fail "$1: run --watch did not exit 0 on SIGINT: $(tail -5 "$WORK/$1.err")"
    pass "$1: SIGINT stops the watch with exit 0"
}
count() { sqlite3 -cmd ".timeout 5000" "$DB" 'SELECT count(*) FROM documents' 2>/dev/null || echo 0; }
stored() {   # stored N WHAT: waits up to 20 s for N rows
    wait_for 20 bash -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0)\" -ge $1 ]" \
        || fail "$2: $(count) rows, expected $1"
    expect_eq "$(count)" "$1" "$2"
}
child_pid() { pgrep -f "feedmill $2 " -P "$1" | head -1 || true; }
doc() {   # doc N: one document's text
    printf '감시 폴더 문서 %d번: 싱가포르와 한국의 협력 기사 본문입니다. 정부는 %d억원을 투입한다.\n' "$1" "$1"
}

start_watch first
stored 5 "the PATHs' existing files"

# A slow writer: half the document, a pause longer than any settle time,
# then the rest. Only the complete document may become a row.
( printf '천천히 쓰는 문서의 앞부분입니다. '; sleep 2.5; printf '그리고 뒷부분입니다. 협력은 계속된다.\n' ) >"$IN/slow.txt"
# Written under a hidden or temporary name, then renamed: one row.
doc 100 >"$IN/.incoming.txt"
mv "$IN/.incoming.txt" "$IN/renamed.txt"
doc 101 >"$IN/download.part"
mv "$IN/download.part" "$IN/downloaded.txt"
# Ignored names: never rows.
for name in draft.tmp partial.part notes.txt~ .swapfile.swp backup.bak .hidden.txt; do
    doc 200 >"$IN/$name"
done
# New subfolders, nested, written after they appear.
mkdir -p "$IN/new/deeper/deepest"
doc 102 >"$IN/new/deeper/deepest/nested.txt"
# A folder prepared elsewhere and moved in whole.
mkdir -p "$WORK/prepared/inner"
doc 103 >"$WORK/prepared/one.txt"
doc 104 >"$WORK/prepared/inner/two.txt"
mv "$WORK/prepared" "$IN/prepared"
stored 11 "slow, renamed x2, nested, moved-in folder x2"
expect_eq "$(sql "$DB" "SELECT body LIKE '%앞부분입니다.%뒷부분입니다.%' FROM documents WHERE source LIKE '%slow.txt'")" 1 \
    "the slow file is stored complete"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE source LIKE '%slow.txt'")" 1 \
    "the slow file is one row, not a half and a whole"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE body LIKE '%문서 200번%'")" 0 "ignored names"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "no dead letters"

# A burst, with kill -9 of the producer and then of the sink in the middle.
mkdir -p "$IN/burst"
( for i in $(seq 1000 1299); do doc "$i" >"$IN/burst/b_$i.txt"; [ $((i % 50)) -ne 0 ] || sleep 0.2; done ) &
WRITER=$!
wait_for 20 bash -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' \"SELECT count(*) FROM documents WHERE source LIKE '%burst%'\" 2>/dev/null || echo 0)\" -ge 40 ]" \
    || fail "burst did not get going"
kill -9 "$(child_pid "$RUN" producer)"
sleep 0.5
kill -9 "$(child_pid "$RUN" sink)"
wait "$WRITER"
stored 311 "the burst around two kills"
# Rows committed are not yet acknowledged: around the sink's kill some
# ACKs were lost, and the producer learns of those rows when it resends.
# What the restart below must not read again is what this run was told
# of, so the run stops once nothing is left unacknowledged.
none_unacknowledged() {
    [ "$(sqlite3 -cmd '.timeout 5000' "$DB.producer" "SELECT count(*) FROM files WHERE status = 'sent'" 2>/dev/null || echo x)" = 0 ]
}
wait_for 90 none_unacknowledged || fail "files still unacknowledged: $(sql "$DB.producer" "SELECT source FROM files WHERE status = 'sent'")"
stop_watch first
grep -q 'child=producer reason="killed by signal 9' "$WORK/first.err" || fail "producer restart not logged"
grep -q 'child=sink reason="killed by signal 9' "$WORK/first.err" || fail "sink restart not logged"

# A restart reads nothing again, and goes on watching.
start_watch second
doc 2000 >"$IN/after-restart.txt"
stored 312 "a file after the restart"
stop_watch second
grep -q "1 stored, 0 new sources, 0 unchanged, 0 dead-lettered, 311 skipped (unchanged since an earlier run)" \
    "$WORK/second.out" || fail "the restart re-read files: $(cat "$WORK/second.out")"
pass "the restart read only the new file"

# Exactly the input: every wanted file's content hash, once.
want=$(cd "$IN" && find . -type f ! -name '.*' ! -name '*.tmp' ! -name '*.part' ! -name '*~' \
    ! -name '*.swp' ! -name '*.bak' ! -name 'w.db*' -print0 | xargs -0 sha256sum | cut -c1-64 | sort -u | sha256sum)
expect_eq "$(sql "$DB" 'SELECT id FROM documents ORDER BY id' | sha256sum)" "$want" \
    "stored ids are exactly the content hashes of the complete files"

# Polling instead of inotify (NFS): new files, a slow writer, one row each.
DB="$WORK/p.db"
start_watch poll --poll 0.5
stored 312 "polling: the existing files"
( printf '폴링 모드의 느린 문서 앞부분. '; sleep 0.2; printf '뒷부분. 협력 강화.\n' ) >"$IN/poll-slow.txt"
doc 3000 >"$IN/poll-new.txt"
stored 314 "polling: two new files"
expect_eq "$(sql "$DB" "SELECT body LIKE '%앞부분.%뒷부분.%' FROM documents WHERE source LIKE '%poll-slow.txt'")" 1 \
    "polling: the slow file is stored complete"
stop_watch poll
grep -q "mode=polling" "$WORK/poll.err" || fail "polling mode not logged"
