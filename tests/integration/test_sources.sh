#!/usr/bin/env bash
# The same story from many sources (issue 20): one row per text, every
# source that delivered it kept in document_sources, and counts that are
# true. Identical and different texts come in through every input at
# once: files, standard input, a followed JSON-lines file and the
# submission socket, some of them at the same moment (in flight
# together), one source twice. Then every figure of run's summary, of
# the producer's and the sink's metrics and of their status lines must
# equal what the database holds; search and export show the sources;
# stats names the document with the most sources.
source "$(dirname "$0")/lib.sh"
need_python_zmq
export FEEDMILL_LOG=info
DB="$WORK/s.db"
A="The same wire story about the central bank raising its rate by a quarter point, carried by every site."
B="A second story, about harvest figures in the southern provinces, told twice."
C="A third story, told by two sources: the port reopened after the storm."

# Files: A three times (one in a subfolder), B once; their bytes are the
# JSON lines' texts exactly, so the same documents (ids are SHA-256).
mkdir -p "$WORK/docs/sub"
printf '%s' "$A" >"$WORK/docs/a1.txt"
printf '%s' "$A" >"$WORK/docs/a2.txt"
printf '%s' "$A" >"$WORK/docs/sub/a3.txt"
printf '%s' "$B" >"$WORK/docs/b.txt"
# Standard input: A from two URLs, C, and A from the first URL again
# (a source already known: nothing new).
line() { python3 -c 'import json,sys; print(json.dumps({"url": sys.argv[1], "text": sys.argv[2]}))' "$1" "$2"; }
{
    line https://one.example/a "$A"
    line https://two.example/a "$A"
    line https://one.example/c "$C"
    line https://one.example/a "$A"
} >"$WORK/stdin.jsonl"
# The followed file: A and B from a third site.
{
    line https://three.example/a "$A"
    line https://three.example/b "$B"
} >"$WORK/feed.jsonl"

SUBMIT="ipc://$WORK/submit"
MPORT=$(free_port)
"$FEEDMILL" run --db "$DB" --workers 2 --submit "$SUBMIT" --follow "$WORK/feed.jsonl" \
    --metrics "127.0.0.1:$MPORT" --status-interval 0.5 "$WORK/docs" - \
    <"$WORK/stdin.jsonl" >"$WORK/run.out" 2>"$WORK/run.err" &
RUN=$!
BACKGROUND+=($RUN)
wait_for 20 grep -q 'taking submissions' "$WORK/run.err" || fail "no submission socket: $(tail -3 "$WORK/run.err")"

# Submissions: A from a fourth site, C from a second one, and A from the
# fourth site again; each answered ACCEPTED once on disk.
"$PY" - "$SUBMIT" "$A" "$C" <<'PYEOF' || fail "submissions"
import sys, time, msgpack, zmq
endpoint, a, c = sys.argv[1:4]
s = zmq.Context().socket(zmq.DEALER)
s.setsockopt(zmq.LINGER, 0)
s.connect(endpoint)
docs = [(1, a, "https://four.example/a"), (2, c, "https://two.example/c"),
        (3, a, "https://four.example/a")]
for ref, body, source in docs:
    s.send(msgpack.packb({"v": 1, "type": "submit", "ref": ref, "body": body.encode(),
                          "source": source}, use_bin_type=True))
accepted = set()
deadline = time.time() + 60
while len(accepted) < len(docs) and time.time() < deadline:
    if s.poll(1000):
        answer = msgpack.unpackb(s.recv(), raw=False)
        assert answer["type"] == "accepted", answer
        accepted.add(answer["ref"])
assert len(accepted) == len(docs), accepted
PYEOF

# Every source of every text, once: A 7 (3 files, 2 URLs on stdin, the
# followed line, the submission), B 2, C 2.
sources() { sql "$DB" 'SELECT count(*) FROM document_sources' 2>/dev/null || echo 0; }
wait_for 60 bash -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$DB' 'SELECT count(*) FROM document_sources' 2>/dev/null)\" = 11 ]" \
    || fail "sources: $(sources), expected 11: $(sql "$DB" 'SELECT id, source FROM document_sources')"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 3 "one row per text"
expect_eq "$(sql "$DB" "SELECT count(*) FROM document_sources AS s JOIN documents AS d ON d.id = s.id WHERE d.body LIKE '%central bank%'")" 7 "the wire story's sources"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents AS d JOIN document_sources AS s ON s.id = d.id AND s.source = d.source')" 3 \
    "each row's own source is one of its sources"

# The metrics, once every input is acknowledged: the producer's and the
# sink's outcomes agree with each other and with the database.
metric() { curl -s --max-time 10 "http://127.0.0.1:$MPORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
outcomes() {
    local family=$1 o out=""
    for o in stored updated new_source unchanged dead; do
        out="$out $o=$(metric "${family}{outcome=\"$o\"}")"
    done
    echo "${out# }"
}
WANT="stored=3 updated=0 new_source=8 unchanged=2 dead=0"
acked() { curl -s --max-time 10 "http://127.0.0.1:$MPORT/metrics" \
              | awk '$1 ~ /^feedmill_producer_documents_total[{]/ { n += $2 } END { print n + 0 }'; }
acked_is() { [ "$(acked)" = "$1" ]; }
wait_for 60 acked_is 13 || fail "the producer's outcomes add up to $(acked), expected 13: $(outcomes feedmill_producer_documents_total)"
expect_eq "$(metric feedmill_producer_inputs_total)" 13 "inputs: 4 files, 6 lines, 3 submissions"
expect_eq "$(outcomes feedmill_producer_documents_total)" "$WANT" "the producer's outcomes"
# run serves each child's figures from the file the child rewrites once a
# second, on its own clock: the sink's may come a second after the
# producer's.
sink_agrees() { [ "$(outcomes feedmill_sink_documents_total)" = "$WANT" ] &&
                [ "$(metric feedmill_sink_database_documents) $(metric feedmill_sink_database_sources)" = "3 11" ]; }
wait_for 20 sink_agrees || true
expect_eq "$(outcomes feedmill_sink_documents_total)" "$WANT" "the sink's outcomes"
expect_eq "$(metric feedmill_sink_database_documents) $(metric feedmill_sink_database_sources)" "3 11" \
    "the sink's gauges of the database"

# The status lines use the same words.
producer_says() { grep 'producer\[' "$WORK/run.err" | grep ' status ' | contains "$1"; }
wait_for 10 producer_says 'inputs=13 files=4 lines=6 submissions=3 acknowledged=13 stored=3 updated=0 new_sources=8 unchanged=2 dead=0' \
    || fail "the producer's status line: $(grep 'producer\[' "$WORK/run.err" | grep ' status ' | tail -1)"
grep 'sink\[' "$WORK/run.err" | grep ' status ' | contains 'db_documents=3 db_sources=11' \
    || fail "the sink's status line: $(grep 'sink\[' "$WORK/run.err" | grep ' status ' | tail -1)"
pass "status lines count in the same words"

# run's summary: each input in its word, and the outcomes add up.
kill -TERM "$RUN"
wait "$RUN" || fail "run exited $? after SIGTERM: $(tail -5 "$WORK/run.err")"
grep -q "^feedmill run: 4 files, 6 lines, 3 submissions in .* s: 3 stored, 8 new sources, 2 unchanged, 0 dead-lettered, 0 skipped" "$WORK/run.out" \
    || fail "summary: $(cat "$WORK/run.out")"
grep -q "holds 3 documents from 11 sources" "$WORK/run.out" || fail "summary: $(cat "$WORK/run.out")"
pass "the summary's counts are the database's"

# search and export show the sources; stats ranks the wire story first.
"$FEEDMILL" search --db "$DB" --json central bank >"$WORK/search.json" || fail "search"
python3 - "$WORK/search.json" <<'PYEOF' || fail "search --json sources: $(cat "$WORK/search.json")"
import json, sys
hit = json.loads(open(sys.argv[1]).readline())
assert len(hit["sources"]) == 7, hit["sources"]
assert hit["sources"][0] == hit["source"], hit
assert "https://four.example/a" in hit["sources"] and any(s.endswith("docs/sub/a3.txt") for s in hit["sources"])
PYEOF
"$FEEDMILL" search --db "$DB" central bank | contains "and 6 more sources" || fail "search: $("$FEEDMILL" search --db "$DB" central bank)"
"$FEEDMILL" search --db "$DB" --sources central bank | contains "also from https://two.example/a" \
    || fail "search --sources: $("$FEEDMILL" search --db "$DB" --sources central bank)"
"$FEEDMILL" export --db "$DB" --fields title,sources 2>/dev/null | python3 -c '
import json, sys
counts = sorted(len(json.loads(l)["sources"]) for l in sys.stdin)
assert counts == [2, 2, 7], counts' || fail "export --fields sources"
"$FEEDMILL" stats --db "$DB" --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["documents"] == 3 and s["sources"] == 11, s
assert [d["sources"] for d in s["most_sources"]] == [7, 2, 2], s["most_sources"]
assert "central bank" in s["most_sources"][0]["title"], s["most_sources"]' || fail "stats --json"
pass "search, export and stats show every source"

# Again, across a restart: the files are skipped, the lines and the
# submission bring nothing new, a new source of B is one.
line https://five.example/b "$B" >>"$WORK/stdin.jsonl"
"$FEEDMILL" run --db "$DB" --workers 1 "$WORK/docs" - <"$WORK/stdin.jsonl" >"$WORK/again.out" 2>"$WORK/again.err" \
    || fail "second run: $(tail -3 "$WORK/again.err")"
grep -q "^feedmill run: 4 files, 5 lines in .* s: 0 stored, 1 new source, 4 unchanged, 0 dead-lettered, 4 skipped" "$WORK/again.out" \
    || fail "second run's summary: $(cat "$WORK/again.out")"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents') $(sql "$DB" 'SELECT count(*) FROM document_sources')" "3 12" \
    "one new source, no new row"
