#!/usr/bin/env bash
# feedmill top (issue 19) in a real terminal: tmux runs it against a
# running pipeline (`run`'s metrics endpoint) and a lone sink; the test
# reads the screen as a user would, sees documents per second change
# while documents arrive, sees the sink reported unreachable once it is
# stopped, and quits with q. Without a terminal it prints lines.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || fail "tmux is missing (scripts/setup.sh installs it)"
TMUX_SOCKET="feedmill-test-$$"
tmux_() { tmux -L "$TMUX_SOCKET" "$@"; }
trap 'tmux_ kill-server 2>/dev/null || true; cleanup' EXIT

P1=$(free_port) P2=$(free_port)
mkdir "$WORK/in"
"$FEEDMILL" run --db "$WORK/run.db" --workers 1 --metrics "127.0.0.1:$P1" --watch "$WORK/in" \
    2>"$WORK/run.log" &
BACKGROUND+=($!)
"$FEEDMILL" sink --db "$WORK/sink.db" --results "ipc://$WORK/results" --acks "ipc://$WORK/acks" \
    --metrics "127.0.0.1:$P2" 2>"$WORK/sink.log" &
SINK=$!
BACKGROUND+=($SINK)
up() { curl -sf "http://127.0.0.1:$1/metrics" >/dev/null; }
wait_for 30 up "$P1" || fail "run serves no metrics: $(tail -3 "$WORK/run.log")"
wait_for 30 up "$P2" || fail "the sink serves no metrics: $(tail -3 "$WORK/sink.log")"

# Documents keep arriving, a few every tenth of a second.
( i=0; while :; do for _ in 1 2 3 4 5; do i=$((i + 1)); echo "document $i" >"$WORK/in/d$i.txt"; done;
  sleep 0.1; done ) &
FEED=$!
BACKGROUND+=($FEED)

tmux_ new-session -d -s top -x 160 -y 30 \
    "TERM=screen-256color '$FEEDMILL' top 127.0.0.1:$P1 127.0.0.1:$P2; echo top exited \$?; sleep 60"
screen() { tmux_ capture-pane -p -t top; }
# The run's row: "127.0.0.1:P1  run  DOCS/S ...": its rate, once it is a number.
rate() { screen | awk -v ep="127.0.0.1:$P1" '$1 == ep && $2 == "run" { print $3 }'; }
rate_is_number() { [[ "$(rate)" =~ ^[0-9]+\.[0-9]$ ]]; }
wait_for 30 rate_is_number || fail "top shows no rate for run: $(screen)"
first=$(rate)
changed() { rate_is_number && [ "$(rate)" != "$first" ]; }
wait_for 30 changed || fail "the rate never changed from $first: $(screen)"
pass "top shows run's documents per second, changing ($first, then $(rate))"
screen | contains "127.0.0.1:$P2 *sink" || fail "top does not show the sink: $(screen)"
screen | contains "worker " || fail "top shows no worker row: $(screen)"
# How busy run's sink writer is: a share, 0.00-1.00, in the BUSY column.
busy() { screen | awk -v ep="127.0.0.1:$P1" '$1 == ep && $2 == "run" { print $8 }'; }
screen | contains "COMMIT ms BUSY PEERS" || fail "top has no BUSY column: $(screen)"
[[ "$(busy)" =~ ^(0\.[0-9][0-9]|1\.00)$ ]] || fail "top shows no writer busy share for run: $(screen)"
pass "top shows how busy the sink's writer is ($(busy))"

kill -TERM "$SINK"
unreachable() { screen | contains "127.0.0.1:$P2 *unreachable"; }
wait_for 30 unreachable || fail "top does not say the stopped sink is unreachable: $(screen)"
pass "a stopped endpoint is reported unreachable"

tmux_ send-keys -t top q
quit() { screen | contains "top exited 0"; }
wait_for 10 quit || fail "q did not quit top: $(screen)"
pass "q quits"

# Not a terminal: one line per endpoint per refresh.
"$FEEDMILL" top --count 2 --interval 0.5 "127.0.0.1:$P1" >"$WORK/lines" 2>&1 || fail "top --count 2"
expect_eq "$(grep -c "^endpoint=127.0.0.1:$P1 component=run " "$WORK/lines")" 2 "lines without a terminal"
grep "^endpoint=127.0.0.1:$P1 component=run " "$WORK/lines" | tail -1 \
    | contains -E " writer_busy=(0\.[0-9][0-9]|1\.00) " \
    || fail "no writer_busy share in top's second line: $(tail -2 "$WORK/lines")"
"$FEEDMILL" top 2>/dev/null && fail "top without an endpoint"
pass "usage"
