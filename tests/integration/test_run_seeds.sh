#!/usr/bin/env bash
# `feedmill run` over the four seed documents: exactly four clean rows,
# idempotent on a second run, searchable in Korean.
source "$(dirname "$0")/lib.sh"
need_corpus
DB="$WORK/t.db"

FEEDMILL_LOG=info "$FEEDMILL" run --db "$DB" --workers 2 "$CORPUS/seeds" >"$WORK/out1" 2>"$WORK/err1" \
    || { cat "$WORK/err1" >&2; fail "first run exited non-zero"; }
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 4 "documents after first run"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE length(body) < 200")" 0 "documents with short or empty body"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE body LIKE '%<p>%' OR body LIKE '%<sup>%' OR body LIKE '%<li>%' OR body LIKE '%</%'")" 0 "bodies with HTML tags"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE published IS NULL OR published NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'")" 1 "documents without an ISO date (only the press release has none)"
expect_eq "$(sql "$DB" "SELECT count(DISTINCT lang) || ':' || min(lang) FROM documents")" "1:ko" "languages"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM dead_letters')" 0 "dead letters"
grep -q "4 files in" "$WORK/out1" || fail "summary does not report 4 documents: $(cat "$WORK/out1")"
# Where the CPU went, from each child's rusage at its exit (a worker's
# extraction children in it): every component did work, and the parts
# add up to the total.
cpu_line=$(grep "cpu used" "$WORK/err1") || fail "no 'cpu used' line: $(cat "$WORK/err1")"
python3 - "$cpu_line" <<'PY' || fail "cpu used line: $cpu_line"
import re, sys
f = {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", sys.argv[1])}
for k in ("sink_s", "workers_s", "producer_s", "run_s"):
    assert f[k] > 0, k
assert abs(f["cpu_s"] - (f["sink_s"] + f["workers_s"] + f["producer_s"] + f["run_s"])) < 0.005, f
assert f["elapsed_s"] > 0 and 0 < f["busy_cores"] <= f["cores"] * 1.05, f
PY
pass "run accounts the CPU of its components: ${cpu_line#*cpu used }"

"$FEEDMILL" run --db "$DB" --workers 2 "$CORPUS/seeds" >"$WORK/out2" 2>"$WORK/err2" \
    || { cat "$WORK/err2" >&2; fail "second run exited non-zero"; }
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 4 "documents after second run"
grep -q "0 stored, 0 new sources, 0 unchanged, 0 dead-lettered, 4 skipped (unchanged since an earlier run)" "$WORK/out2" || fail "second run rewrote rows: $(cat "$WORK/out2")"

# Without the producer's memory every file is read and sent again: the
# sink's upsert on the content id still adds nothing.
rm -f "$DB.producer" "$DB.producer-wal" "$DB.producer-shm"
"$FEEDMILL" run --db "$DB" --workers 2 "$CORPUS/seeds" >"$WORK/out3" 2>"$WORK/err3" \
    || { cat "$WORK/err3" >&2; fail "third run exited non-zero"; }
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 4 "documents after a run without producer state"
grep -q "0 stored, 0 new sources, 4 unchanged" "$WORK/out3" || fail "sink rewrote rows: $(cat "$WORK/out3")"

# Korean words are found inside longer eojeol: every document that
# contains 싱가포르 anywhere (as 싱가포르와, 싱가포르의, ...) is a hit.
containing=$(sql "$DB" "SELECT count(*) FROM documents WHERE body LIKE '%싱가포르%' OR title LIKE '%싱가포르%'")
[ "$containing" -ge 3 ] || fail "seeds should mention 싱가포르 in 3 documents, found $containing"
hits=$("$FEEDMILL" search --db "$DB" --json 싱가포르 | wc -l)
expect_eq "$hits" "$containing" "search hits for 싱가포르"
"$FEEDMILL" search --db "$DB" --json 싱가포르 | contains '\[싱가포르[와의에]' \
    || fail "no hit through an eojeol with a particle (싱가포르와, 싱가포르의, 싱가포르에)"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH '\"싱가포르\"*'")" "$containing" "raw FTS prefix query"
expect_eq "$("$FEEDMILL" search --db "$DB" --json 싱가포르 협력 | wc -l)" "$containing" "two words, ANDed"
expect_eq "$("$FEEDMILL" search --db "$DB" --json 엔비디아없는말 | wc -l)" 0 "hits for a word in no document"
"$FEEDMILL" stats --db "$DB" | contains "documents: *4" || fail "stats does not report 4 documents"
