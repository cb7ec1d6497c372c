#!/usr/bin/env bash
# What operators see, over real processes, sockets and HTTP: status lines
# (rates, the database's totals, in flight, workers, per-worker counts),
# JSON log lines, /metrics checked by `promtool check metrics` with values
# that match what was ingested, /healthz and /readyz; the same through one
# `feedmill run --metrics` endpoint; run's progress lines, plain and in a
# terminal.
source "$(dirname "$0")/lib.sh"
: "${ZMQ_INJECT:?ZMQ_INJECT must name the zmq_inject tool (ctest sets it)}"
command -v promtool >/dev/null || fail "promtool is not installed (scripts/setup.sh installs it)"
command -v curl >/dev/null || fail "curl is not installed"
export FEEDMILL_LOG=info

# http URL: the body; status URL: the HTTP status code.
http() { curl -sS --max-time 10 "$1"; }
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$1"; }
# sample FILE NAME: the value of one sample in exposition text.
sample() { awk -v name="$2" '$1 == name { print $2; found = 1 } END { if (!found) print "missing" }' "$1"; }
# lint FILE WHAT: promtool finds nothing to say.
lint() {
    local out
    out=$(promtool check metrics <"$1" 2>&1) || fail "$2: promtool check metrics failed: $out"
    [ -z "$out" ] || fail "$2: promtool check metrics complains: $out"
    pass "$2: promtool check metrics is clean"
}
# json_lines FILE WHAT: every line is one JSON object with time and level.
json_lines() {
    python3 - "$1" <<'EOF' || fail "$2: not JSON lines"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines, "no line at all"
for line in lines:
    event = json.loads(line)
    assert isinstance(event, dict), line
    assert event["time"].endswith("Z") and event["level"] in ("debug", "info", "warn", "error"), line
    assert isinstance(event["msg"], str) and isinstance(event["pid"], int), line
EOF
    pass "$2: every line is a JSON object with time and level"
}

# Made aside, moved into the watched folder once both workers are there.
make_documents "$WORK/staging" 100
: >"$WORK/staging/empty.txt"                                   # refused by the extractor
head -c 5000 /dev/zero | tr '\0' 'x' >"$WORK/staging/large.txt"   # over --max-size
mkdir -p "$WORK/docs"
DB="$WORK/m.db"
W=$(free_port) R=$(free_port) A=$(free_port) SM=$(free_port) PM=$(free_port)
make_keys worker1 worker2

# 1. The sink alone: alive, not ready (no producer), JSON lines.
"$FEEDMILL" sink --db "$DB" --results "tcp://127.0.0.1:$R" --acks "tcp://127.0.0.1:$A" "${SINK_KEYS[@]}" \
    --metrics "127.0.0.1:$SM" --status-interval 0.5 --log-format json 2>"$WORK/sink.log" &
SINK=$!; BACKGROUND+=($SINK)
wait_for 20 grep -q '"msg":"serving metrics"' "$WORK/sink.log" || fail "sink never served metrics: $(cat "$WORK/sink.log")"
expect_eq "$(status "http://127.0.0.1:$SM/healthz")" 200 "sink /healthz"
expect_eq "$(status "http://127.0.0.1:$SM/readyz")" 503 "sink /readyz without a producer"
http "http://127.0.0.1:$SM/readyz" | contains "acks endpoint is not reached" || fail "/readyz does not say what is missing"
expect_eq "$(status "http://127.0.0.1:$SM/nothing")" 404 "an unknown path"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$SM/metrics")" 405 "POST"
http "http://127.0.0.1:$SM/metrics" >"$WORK/empty.prom"
lint "$WORK/empty.prom" "sink metrics before any document"
expect_eq "$(sample "$WORK/empty.prom" feedmill_sink_ready)" 0 "feedmill_sink_ready before the producer"
# Which feedmill answers: the same facts as `feedmill --version`.
version=$("$FEEDMILL" --version)
[[ "$version" =~ ^feedmill\ ([^ ]+)\ \(extractor\ ([0-9]+),\ database\ schema\ ([0-9]+)\)$ ]] \
    || fail "feedmill --version: $version"
expect_eq "$(sample "$WORK/empty.prom" "feedmill_build_info{version=\"${BASH_REMATCH[1]}\",extractor=\"${BASH_REMATCH[2]}\",schema=\"${BASH_REMATCH[3]}\"}")" \
    1 "feedmill_build_info says what feedmill --version says ($version)"

# 2. Producer and two workers; garbage on the results socket. The
#    workers start first, so both are waiting when the producer comes up
#    (a CURVE handshake takes a moment: a late one could find the work
#    done by the other).
for i in 1 2; do
    # shellcheck disable=SC2046
    "$FEEDMILL" worker --work "tcp://127.0.0.1:$W" --results "tcp://127.0.0.1:$R" --log-format json \
        $(worker_keys worker$i) \
        2>"$WORK/worker$i.log" &
    BACKGROUND+=($!)
done
"$FEEDMILL" producer --work "tcp://127.0.0.1:$W" --acks "tcp://127.0.0.1:$A" --sink "tcp://127.0.0.1:$R" \
    --state "$WORK/state.db" --max-size 4000 --watch --metrics "127.0.0.1:$PM" --status-interval 0.5 \
    "${PRODUCER_KEYS[@]}" "$WORK/docs" 2>"$WORK/producer.log" &
PRODUCER=$!; BACKGROUND+=($PRODUCER)
# Both workers connected before any document: one fast worker could
# otherwise take all 101 while the other's handshake completes.
wait_for 30 bash -c "curl -s http://127.0.0.1:$PM/metrics | grep -qx 'feedmill_producer_workers 2'" \
    || fail "the two workers never connected: $(tail -3 "$WORK/producer.log")"
mv "$WORK/staging"/* "$WORK/docs/"
printf 'not msgpack' >"$WORK/garbage"
# From an allowed key: a stranger's garbage would not get past the handshake.
ZMQ_INJECT_CERT="$KEYS/worker1_secret" ZMQ_INJECT_SERVER_CERT="$KEYS/sink" \
    "$ZMQ_INJECT" push "tcp://127.0.0.1:$R" "$WORK/garbage"
wait_for 60 bash -c "[ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM documents' 2>/dev/null)\" = 100 ] \
    && [ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM dead_letters' 2>/dev/null)\" = 2 ]" \
    || fail "documents were not all committed: $(tail -5 "$WORK/producer.log")"
pass "100 rows and 2 dead letters committed"
# The figures settle: the producer's gauges at its next loop turn.
wait_for 20 bash -c "curl -s http://127.0.0.1:$PM/metrics | grep -qx 'feedmill_producer_documents_in_flight 0'" \
    || fail "documents stay in flight"
wait_for 20 bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$SM/readyz)\" = 200 ]" \
    || fail "sink never ready: $(http "http://127.0.0.1:$SM/readyz")"
pass "sink /readyz 200 once the producer is there"
expect_eq "$(status "http://127.0.0.1:$PM/readyz")" 200 "producer /readyz with workers and a sink"

http "http://127.0.0.1:$SM/metrics" >"$WORK/sink.prom"
http "http://127.0.0.1:$PM/metrics" >"$WORK/producer.prom"
lint "$WORK/sink.prom" "sink metrics"
lint "$WORK/producer.prom" "producer metrics"
expect_eq "$(sample "$WORK/sink.prom" 'feedmill_sink_documents_total{outcome="stored"}')" 100 "sink: stored"
expect_eq "$(sample "$WORK/sink.prom" 'feedmill_sink_documents_total{outcome="dead"}')" 2 "sink: dead"
expect_eq "$(sample "$WORK/sink.prom" 'feedmill_sink_dead_letters_total{reason="refused"}')" 1 "sink: dead letters refused"
expect_eq "$(sample "$WORK/sink.prom" 'feedmill_sink_dead_letters_total{reason="too_large"}')" 1 "sink: dead letters too_large"
expect_eq "$(sample "$WORK/sink.prom" feedmill_sink_database_documents)" 100 "sink: rows in the database"
expect_eq "$(sample "$WORK/sink.prom" feedmill_sink_bad_messages_total)" 1 "sink: bad messages"
# Every document a worker extracted or refused has its extraction time;
# the oversized one never reached a worker.
expect_eq "$(sample "$WORK/sink.prom" feedmill_sink_extraction_seconds_count)" 101 "sink: extraction times"
expect_eq "$(sample "$WORK/sink.prom" feedmill_sink_commit_seconds_count)" \
    "$(sample "$WORK/sink.prom" feedmill_sink_batches_total)" "sink: one commit time per batch"
# The writer wrote 102 messages: it was busy for some time, and for no
# longer than the sink has been running.
BUSY=$(sample "$WORK/sink.prom" feedmill_sink_writer_busy_seconds_total)
UPTIME=$(ps -o etimes= -p "$SINK" | tr -d ' ')
awk -v b="$BUSY" -v u="$UPTIME" 'BEGIN { exit !(b > 0 && b <= u + 1) }' \
    || fail "sink: writer busy ${BUSY}s in ${UPTIME}s of running"
pass "sink: the writer's busy time is counted (${BUSY}s)"
TEXT_BYTES=$(sqlite3 "$DB" 'SELECT sum(length(CAST(body AS BLOB))) FROM documents')
expect_eq "$(sample "$WORK/sink.prom" feedmill_sink_text_bytes_total)" "$TEXT_BYTES" "sink: text bytes"
expect_eq "$(sample "$WORK/producer.prom" 'feedmill_producer_documents_total{outcome="stored"}')" 100 "producer: stored"
expect_eq "$(sample "$WORK/producer.prom" 'feedmill_producer_documents_total{outcome="dead"}')" 2 "producer: dead"
expect_eq "$(sample "$WORK/producer.prom" feedmill_producer_inputs_total)" 102 "producer: inputs"
expect_eq "$(sample "$WORK/producer.prom" feedmill_producer_read_to_commit_seconds_count)" 102 "producer: latencies"
expect_eq "$(sample "$WORK/producer.prom" feedmill_producer_workers)" 2 "producer: workers"
READ_BYTES=$(find "$WORK/docs" -name 'doc_*' -o -name empty.txt | xargs cat | wc -c)
expect_eq "$(sample "$WORK/producer.prom" feedmill_producer_read_bytes_total)" "$READ_BYTES" "producer: bytes read"
# The empty document went to a worker, the oversized one never did.
expect_eq "$(awk '/^feedmill_producer_worker_documents_total\{/ { n += $2 } END { print n }' "$WORK/producer.prom")" \
    101 "producer: per-worker counts add up"
expect_eq "$(grep -c '^feedmill_producer_worker_documents_total{worker="' "$WORK/producer.prom")" 2 "producer: one series a worker"
# Workers are named NAME:PID (the host name by default, --name otherwise).
grep -q "^feedmill_producer_worker_documents_total{worker=\"$(hostname):[0-9]*\"}" "$WORK/producer.prom" \
    || fail "workers not labelled by name: $(grep worker_documents "$WORK/producer.prom")"
pass "per-worker series are labelled HOST:PID"

# Status lines: the database's totals, what is in flight, the workers.
wait_for 10 grep -q '"msg":"status".*"db_documents":100,"db_sources":100,"db_dead_letters":2' "$WORK/sink.log" \
    || fail "no sink status line with the database's totals: $(grep status "$WORK/sink.log" | tail -2)"
pass "sink status line with the database's totals"
grep '"msg":"status"' "$WORK/sink.log" | contains '"documents":[1-9].*"docs_per_s":[0-9]' \
    || fail "no sink status line counts documents over its interval"
pass "sink status line counts documents and their rate"
grep '"msg":"status"' "$WORK/sink.log" | contains -E '"writer_busy":(0\.[0-9][0-9]|1\.00),' \
    || fail "no sink status line says how busy its writer was: $(grep status "$WORK/sink.log" | tail -1)"
pass "sink status line says how busy its writer was"
wait_for 10 grep -Eq 'status interval_s=[0-9.]+ documents=0 docs_per_s=0.0 mb_per_s=0.00 in_flight=0 oldest_unacked_s=0.0 workers=2 retries=0 inputs=102 files=102 lines=0 submissions=0 acknowledged=102 stored=100 updated=0 new_sources=0 unchanged=0 dead=2 skipped=0 per_worker="[^ :"]+:[0-9]+:[0-9]+ [^ :"]+:[0-9]+:[0-9]+"' \
    "$WORK/producer.log" || fail "no idle producer status line: $(grep status "$WORK/producer.log" | tail -2)"
pass "producer status line when idle, with per-worker counts"
json_lines "$WORK/sink.log" "sink --log-format json"
json_lines "$WORK/worker1.log" "worker --log-format json"
grep -q "committed batch" "$WORK/sink.log" && fail "a committed batch is logged at info"
pass "committed batches are not logged at info"

# 3. A restarted sink reports the database's totals, not its own.
kill -TERM $SINK; wait $SINK || fail "sink did not stop cleanly"
# Its last line: the seconds its writer was busy, over everything it wrote.
STOPPED_BUSY=$(grep '"msg":"stopped"' "$WORK/sink.log" | grep -o '"writer_busy_s":[0-9.]*' | cut -d: -f2)
awk -v b="$STOPPED_BUSY" 'BEGIN { exit !(b > 0) }' \
    || fail "the sink's stopped line has no writer_busy_s: $(grep '"msg":"stopped"' "$WORK/sink.log")"
pass "the sink's stopped line says how long its writer was busy (${STOPPED_BUSY}s)"
"$FEEDMILL" sink --db "$DB" --results "tcp://127.0.0.1:$R" --acks "tcp://127.0.0.1:$A" "${SINK_KEYS[@]}" \
    --metrics "127.0.0.1:$SM" --status-interval 0.5 2>"$WORK/sink2.log" &
SINK=$!; BACKGROUND+=($SINK)
wait_for 20 grep -q "status .* db_documents=100 db_sources=100 db_dead_letters=2" "$WORK/sink2.log" \
    || fail "restarted sink: $(cat "$WORK/sink2.log")"
pass "a restarted sink's status line counts every row of the database"
http "http://127.0.0.1:$SM/metrics" >"$WORK/sink2.prom"
expect_eq "$(sample "$WORK/sink2.prom" feedmill_sink_database_documents)" 100 "restarted sink: rows in the database"
expect_eq "$(sample "$WORK/sink2.prom" 'feedmill_sink_documents_total{outcome="stored"}')" 0 "restarted sink: stored since start"

# 4. An endpoint that cannot listen is a setup error.
set +e
"$FEEDMILL" sink --db "$WORK/other.db" --results "tcp://127.0.0.1:$(free_port)" --acks "tcp://127.0.0.1:$A" \
    "${SINK_KEYS[@]}" \
    --metrics "127.0.0.1:$SM" 2>"$WORK/taken.log"
code=$?
"$FEEDMILL" sink --log-format yaml 2>/dev/null
code2=$?
set -e
expect_eq "$code" 1 "sink exit status when --metrics is taken"
grep -q "cannot serve metrics .*Address already in use" "$WORK/taken.log" || fail "no reason: $(cat "$WORK/taken.log")"
pass "the reason is logged"
expect_eq "$code2" 2 "sink exit status for --log-format yaml"
kill -TERM $SINK $PRODUCER; wait $SINK $PRODUCER 2>/dev/null || true

# 5. feedmill run: one endpoint for the whole pipeline; plain progress lines.
RM=$(free_port)
"$FEEDMILL" run --db "$WORK/run.db" --workers 2 --watch --metrics "127.0.0.1:$RM" --status-interval 0.5 \
    --log-format json "$WORK/docs" >"$WORK/run.out" 2>"$WORK/run.log" &
RUN=$!; BACKGROUND+=($RUN)
wait_for 60 bash -c "[ \"\$(sqlite3 '$WORK/run.db' 'SELECT count(*) FROM documents' 2>/dev/null)\" = 101 ]" \
    || fail "run did not commit: $(tail -5 "$WORK/run.log")"
# Each child rewrites its figures' file once a second, on its own clock:
# the producer's showing the last ACK says nothing of the sink's file.
wait_for 20 bash -c "curl -s http://127.0.0.1:$RM/metrics | grep -qx 'feedmill_producer_documents_total{outcome=\"stored\"} 101'" \
    || fail "run's endpoint never showed the producer's figures"
wait_for 20 bash -c "curl -s http://127.0.0.1:$RM/metrics | grep -qx 'feedmill_sink_documents_total{outcome=\"stored\"} 101'" \
    || fail "run's endpoint never showed the sink's figures"
wait_for 20 bash -c "curl -s http://127.0.0.1:$RM/metrics | grep -qx 'feedmill_sink_database_documents 101'" \
    || fail "run's endpoint never showed the sink's count of rows"
wait_for 20 bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$RM/readyz)\" = 200 ]" \
    || fail "run never ready: $(http "http://127.0.0.1:$RM/readyz")"
pass "run /readyz 200"
expect_eq "$(status "http://127.0.0.1:$RM/healthz")" 200 "run /healthz"
http "http://127.0.0.1:$RM/metrics" >"$WORK/run.prom"
lint "$WORK/run.prom" "run's metrics (run, sink and producer together)"
expect_eq "$(sample "$WORK/run.prom" 'feedmill_sink_documents_total{outcome="stored"}')" 101 "run: sink stored"
expect_eq "$(sample "$WORK/run.prom" feedmill_sink_database_documents)" 101 "run: rows in the database"
expect_eq "$(sample "$WORK/run.prom" 'feedmill_run_children{component="worker"}')" 2 "run: workers running"
expect_eq "$(sample "$WORK/run.prom" 'feedmill_run_restarts_total{component="worker"}')" 0 "run: restarts"
expect_eq "$(sample "$WORK/run.prom" feedmill_producer_workers)" 2 "run: producer's workers"
wait_for 10 grep -q '"msg":"progress","done":102,"total":102,"percent":100' "$WORK/run.log" \
    || fail "no plain progress line: $(grep progress "$WORK/run.log" | tail -2)"
pass "run logs plain progress lines when stderr is not a terminal"
json_lines "$WORK/run.log" "run --log-format json, children included"
# A worker killed: restarted, counted.
kill -9 "$(pgrep -f -P $RUN 'feedmill worker' | head -1)"
wait_for 20 bash -c "curl -s http://127.0.0.1:$RM/metrics | grep -qx 'feedmill_run_restarts_total{component=\"worker\"} 1'" \
    || fail "the restart is not counted"
pass "a killed worker's restart is counted"
kill -TERM $RUN; wait $RUN || fail "run did not stop cleanly"
pass "run stopped cleanly"

# 6. In a terminal: the live line, redrawn, with done of total.
command -v script >/dev/null || fail "script (util-linux) is needed for the terminal test"
set +e
script -qec "'$FEEDMILL' run --db '$WORK/tty.db' --workers 2 '$WORK/docs'" /dev/null >"$WORK/tty.out"
code=$?
set -e
expect_eq "$code" 3 "run in a terminal exits as elsewhere (the empty file is a dead letter)"
grep -aq $'\r\033\[Kfeedmill run: [0-9]* of 102 documents' "$WORK/tty.out" \
    || fail "no live progress line: $(tail -c 600 "$WORK/tty.out" | cat -v)"
pass "run draws a live progress line in a terminal"
grep -aq "feedmill run: 102 files in" "$WORK/tty.out" || fail "no summary after the progress line"
pass "the summary follows it"

# 7. stats: the breakdowns.
"$FEEDMILL" stats --db "$DB" >"$WORK/stats.txt"
grep -A1 "documents by kind:" "$WORK/stats.txt" | contains " 100  text" || fail "stats by kind: $(cat "$WORK/stats.txt")"
grep -q "^ *1  refused$" "$WORK/stats.txt" || fail "stats by reason: $(cat "$WORK/stats.txt")"
grep -q "^ *1  too_large$" "$WORK/stats.txt" || fail "stats by reason: $(cat "$WORK/stats.txt")"
grep -q "^ *100  $WORK/docs/$" "$WORK/stats.txt" || fail "stats top sources: $(cat "$WORK/stats.txt")"
grep -q "^ *100  $(date -u +%F)$" "$WORK/stats.txt" || fail "stats by day: $(cat "$WORK/stats.txt")"
"$FEEDMILL" stats --db "$DB" --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["kinds"] == [{"key": "text", "count": 100}], s["kinds"]
assert s["dead_letter_reasons"] == {"refused": 1, "too_large": 1}, s["dead_letter_reasons"]
assert s["top_sources"][0]["count"] == 100, s["top_sources"]
' || fail "stats --json breakdowns"
pass "stats: kinds, days, dead letters by reason, top sources"

# 8. The scrape configuration and alert rules docs/operating.md describes.
(cd "$SOURCE_DIR/monitoring" && promtool check config prometheus.yml >/dev/null 2>&1) \
    || fail "monitoring/prometheus.yml: $(cd "$SOURCE_DIR/monitoring" && promtool check config prometheus.yml 2>&1)"
pass "promtool check config monitoring/prometheus.yml"
promtool check rules "$SOURCE_DIR/monitoring/alerts.yml" >/dev/null 2>&1 \
    || fail "monitoring/alerts.yml: $(promtool check rules "$SOURCE_DIR/monitoring/alerts.yml" 2>&1)"
pass "promtool check rules monitoring/alerts.yml"
for name in $(grep -o 'feedmill_[a-z_]*' "$SOURCE_DIR/monitoring/alerts.yml" | sort -u); do
    grep -q "^# TYPE $name " "$WORK/run.prom" || fail "alerts.yml uses $name, which run does not export"
done
pass "every metric the alert rules use is exported"
