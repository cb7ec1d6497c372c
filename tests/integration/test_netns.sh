#!/usr/bin/env bash
# Several machines, for real: the producer, the sink and two workers each
# get a network namespace of their own with an address on one bridge
# (veth pairs), and run with CurveZMQ keys made and copied as README.md's
# tour and docs/security.md say. They ingest the web-eval corpus;
# in the middle of the run one worker's link goes down (no FIN, no RST:
# its connections just go silent). The producer notices within
# --worker-timeout, the other worker takes over, and the database ends
# holding exactly the input: one row per distinct file, in documents or
# dead_letters, none of them for want of a result.
#
# Needs root (CI runs as root) and iproute2. Where namespaces cannot be
# made the test fails, loudly: it never passes without having run.
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info
INPUT="$CORPUS/web-eval/html"
[ -d "$INPUT" ] || fail "shared corpus not found at $INPUT (set FEEDMILL_CORPUS)"
[ "$(id -u)" = 0 ] || fail "needs root to create network namespaces (ip netns); CI runs as root"
command -v ip >/dev/null || fail "needs iproute2 (ip); scripts/setup.sh installs it"

# Names unique to this run: ctest runs tests side by side.
TAG="fm$$"
SWITCH="${TAG}sw"
HOSTS=(p s w1 w2)   # the producer's, the sink's, two workers'
declare -A ADDRESS=([p]=10.231.0.1 [s]=10.231.0.2 [w1]=10.231.0.3 [w2]=10.231.0.4)
ns() { echo "${TAG}$1"; }
remove_namespaces() {
    local host
    for host in "${HOSTS[@]}"; do ip netns del "$(ns "$host")" 2>/dev/null || true; done
    ip netns del "$SWITCH" 2>/dev/null || true
}
trap 'cleanup; remove_namespaces' EXIT

ip netns add "$SWITCH" || fail "cannot create a network namespace (ip netns add): is this a container without CAP_SYS_ADMIN?"
ip -n "$SWITCH" link add br0 type bridge || fail "cannot create a bridge"
ip -n "$SWITCH" link set br0 up
for host in "${HOSTS[@]}"; do
    n=$(ns "$host")
    ip netns add "$n" || fail "cannot create namespace $n"
    # Interface names are at most 15 bytes: fm<pid><host>-e fits (pids
    # have at most 7 digits).
    ip link add "${n}-e" type veth peer name "${n}-b" || fail "cannot create a veth pair"
    ip link set "${n}-e" netns "$n"
    ip link set "${n}-b" netns "$SWITCH"
    ip -n "$n" link set "${n}-e" name eth0
    ip -n "$n" addr add "${ADDRESS[$host]}/24" dev eth0
    ip -n "$n" link set eth0 up
    ip -n "$n" link set lo up
    ip -n "$SWITCH" link set "${n}-b" master br0 up
done
pass "four hosts on one switch: ${ADDRESS[*]}"
# start_on HOST LOG COMMAND...: COMMAND on HOST, in the background, its
# stderr in LOG; $STARTED is its pid (ip netns exec execs the command).
start_on() {
    local host=$1 log=$2
    shift 2
    ip netns exec "$(ns "$host")" "$@" 2>"$log" &
    STARTED=$!; BACKGROUND+=($STARTED)
}

# Keys: one pair per host, made where it will be used; the public halves
# are copied to the servers' allow folders and named by the clients.
make_keys w1 w2
P=${ADDRESS[p]} S=${ADDRESS[s]}
DB="$WORK/news.db"

start_on s "$WORK/sink.err" "$FEEDMILL" sink --db "$DB" --results "tcp://*:5558" \
    --acks "tcp://$P:5559" "${SINK_KEYS[@]}"
SINK=$STARTED
start_on p "$WORK/producer.err" "$FEEDMILL" producer --work "tcp://*:5557" --acks "tcp://*:5559" \
    --sink "tcp://$S:5558" --state "$WORK/producer.db" --worker-timeout 3 "${PRODUCER_KEYS[@]}" \
    "$INPUT"
PRODUCER=$STARTED
for w in w1 w2; do
    # shellcheck disable=SC2046
    start_on "$w" "$WORK/$w.err" "$FEEDMILL" worker --work "tcp://$P:5557" --results "tcp://$S:5558" \
        $(worker_keys "$w")
done

# Both workers are storing rows: now w1's link goes down.
W1_KEY=$(sed -n 's/.*public-key = "\(.*\)"/\1/p' "$KEYS/w1")
rows_by() { sql "$DB" "SELECT count(*) FROM documents WHERE worker = '$1'" 2>/dev/null || echo 0; }
wait_for 60 bash -c "[ \"\$(sqlite3 '$DB' \"SELECT count(DISTINCT worker) FROM documents\" 2>/dev/null || echo 0)\" = 2 ] \
    && [ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM documents' 2>/dev/null || echo 0)\" -ge 50 ]" \
    || fail "the two workers did not both store rows: $(tail -3 "$WORK/producer.err" "$WORK/w1.err")"
before=$(sql "$DB" 'SELECT count(*) FROM documents')
total=$(find "$INPUT" -type f | wc -l)
[ "$before" -lt "$total" ] || fail "the run ended before the link could be taken down"
w1_before=$(rows_by "$W1_KEY")
ip -n "$(ns w1)" link set eth0 down
pass "w1's link down after $before of $total documents ($w1_before of them by w1)"

wait_for 240 bash -c "! kill -0 $PRODUCER 2>/dev/null" || fail "producer did not finish: $(tail -5 "$WORK/producer.err")"
set +e
wait "$PRODUCER"
status=$?
set -e
[ "$status" = 0 ] || [ "$status" = 3 ] || fail "producer exit status $status: $(tail -5 "$WORK/producer.err")"
grep -q 'worker lost, resending what it held reason="no heartbeat within --worker-timeout"' \
    "$WORK/producer.err" || fail "the producer did not notice w1 was gone"
pass "the producer noticed the silent worker and resent what it held"

EXPECTED=$(find "$INPUT" -type f -exec sha256sum {} + | cut -c1-64 | sort -u)
GOT=$(sql "$DB" 'SELECT id FROM documents UNION ALL SELECT id FROM dead_letters' | sort)
expect_eq "$(echo "$GOT" | sha256sum)" "$(echo "$EXPECTED" | sha256sum)" \
    "rows (documents and dead letters) are exactly the input's distinct content hashes"
expect_eq "$(sql "$DB" "SELECT count(*) FROM dead_letters WHERE error LIKE 'no result after%'")" 0 \
    "dead letters for want of a result (a lost worker's documents)"
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents WHERE worker IS NULL')" 0 "rows without a worker key"
kill -TERM "$SINK"
wait "$SINK" || fail "sink did not stop cleanly (status $?): $(tail -3 "$WORK/sink.err")"
pass "sink stopped cleanly"
