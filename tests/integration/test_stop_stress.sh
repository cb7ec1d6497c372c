#!/usr/bin/env bash
# Every component stops on SIGTERM, whenever it comes: right after start,
# mid-work, while the producer drains, with its peers gone or still there.
# Each round starts a sink, a worker and a producer over a fresh state (or
# `run --watch`), waits a random moment, then sends SIGTERM to each in a
# random order with random gaps (now and then a second signal), and checks
# that every process exits within STOP_DEADLINE seconds with the status
# its signal calls for: 0 (130 after two signals; 143 when the signal
# beat the handler's installation). A process that does not is a hang:
# its threads' stacks are printed (gdb) and the test fails. What it found:
# `run` copied its own signal handler into each child until exec, so a
# stop sent to a child still starting was swallowed there (a producer
# that watches then never stopped, and run waited for it forever) or,
# the counter copied at 1, made it exit 130 and run exit 1. And, under
# ASan, a worker whose extraction child, forked while a ZeroMQ thread held
# the sanitizer allocator's lock, hung at its first malloc: the worker
# waited out its --time-limit after SIGTERM (workers/sandbox.h,
# sandbox_start).
#   STOP_STRESS_ROUNDS=300 STOP_STRESS_SEED=N  for a long run (default: 8
#   rounds, a random seed, printed so a failing run can be repeated).
source "$(dirname "$0")/lib.sh"
export FEEDMILL_LOG=info   # the log of a process that fails is shown
ROUNDS=${STOP_STRESS_ROUNDS:-8}
SEED=${STOP_STRESS_SEED:-$((RANDOM * 32768 + RANDOM))}
STOP_DEADLINE=${STOP_DEADLINE:-20}
RANDOM=$SEED
echo "seed $SEED, $ROUNDS rounds"
make_documents "$WORK/docs" 120
mkdir -p "$WORK/watched"
# Half the rounds over ipc://, half over tcp:// with CurveZMQ keys (the
# producer and the sink then run CZMQ's zauth thread, and `run` takes
# submissions over CURVE).
make_keys worker
W=$(free_port) R=$(free_port) A=$(free_port) S=$(free_port)
mkdir -p "$KEYS/client.allow"

# pause MAX_MS: a random pause of 0 to MAX_MS milliseconds (0 half the time
# when asked for "now": right after start, before the handlers exist).
pause() {
    local ms=$((RANDOM % ($1 + 1)))
    [ $((RANDOM % 4)) -eq 0 ] && ms=0
    [ "$ms" -gt 0 ] && sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
    return 0
}

# stacks PID: what every thread of PID and of its descendants is doing.
stacks() {
    local pid=$1 child
    echo "--- pid $pid: $(tr '\0' ' ' </proc/$pid/cmdline 2>/dev/null | cut -c1-160)"
    grep -E '^(State|Threads|Sig|ShdPnd)' "/proc/$pid/status" 2>/dev/null | tr '\n' ' '
    echo
    if command -v gdb >/dev/null; then
        timeout 60 gdb -p "$pid" -batch -ex 'set pagination off' -ex 'thread apply all bt' 2>&1 \
            | grep -E '^(Thread|#)' | head -150
    else
        for t in /proc/$pid/task/*; do
            echo "thread ${t##*/} wchan=$(cat "$t/wchan" 2>/dev/null)"
            cat "$t/stack" 2>/dev/null
        done
    fi
    for child in $(pgrep -P "$pid"); do
        stacks "$child"
    done
}

# expect_exit PID NAME STATUS...: PID exits within STOP_DEADLINE seconds
# of its signal with one of the STATUSes, or the test fails naming it.
expect_exit() {
    local pid=$1 name=$2 status=0 ok
    shift 2
    local deadline=$((SECONDS + STOP_DEADLINE))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "HANG: round $round: $name (pid $pid) has not exited ${STOP_DEADLINE} s after SIGTERM" >&2
        stacks "$pid" >&2
        tail -30 "$WORK/$name.log" >&2
        tail -8 "$WORK/signals.log" >&2
        pkill -KILL -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
        fail "$name hung on exit in round $round (seed $SEED)"
    fi
    wait "$pid" || status=$?
    for ok in "$@"; do
        [ "$status" = "$ok" ] && return 0
    done
    tail -30 "$WORK/$name.log" >&2
    fail "round $round: $name exited with status $status, expected one of $* (seed $SEED)"
}

# The process has become feedmill (or is gone). Until its exec, a child
# of this shell still runs bash, whose handler (bash catches SIGTERM for
# the EXIT trap) would swallow the signal: measured, 2 in 2000 under load.
# That is bash's window, not ours: `run` blocks the stop signals across
# it for its children (common/signals.h).
execed() {
    [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$FEEDMILL" ] || ! kill -0 "$1" 2>/dev/null
}

# signal PID: SIGTERM, and now and then a second one. CODES: the exit
# statuses that are then right.
signal() {
    wait_for 10 execed "$1" || true
    echo "$(date +%T.%N) SIGTERM to $1" >>"$WORK/signals.log"
    kill -TERM "$1" 2>/dev/null || true
    CODES="0 143"
    if [ $((RANDOM % 8)) -eq 0 ]; then
        pause 30
        echo "$(date +%T.%N) SIGTERM again to $1" >>"$WORK/signals.log"
        kill -TERM "$1" 2>/dev/null || true
        CODES="0 130 143"
    fi
}

components_round() {
    local pids=() names=() codes=() order i j tmp
    local sink=(--results "ipc://$WORK/results" --acks "ipc://$WORK/acks")
    local worker=(--work "ipc://$WORK/work" --results "ipc://$WORK/results")
    local producer=(--work "ipc://$WORK/work" --acks "ipc://$WORK/acks" --sink "ipc://$WORK/results")
    if [ $((RANDOM % 2)) -eq 0 ]; then
        sink=(--results "tcp://127.0.0.1:$R" --acks "tcp://127.0.0.1:$A" "${SINK_KEYS[@]}")
        worker=(--work "tcp://127.0.0.1:$W" --results "tcp://127.0.0.1:$R" $(worker_keys worker))
        producer=(--work "tcp://127.0.0.1:$W" --acks "tcp://127.0.0.1:$A"
                  --sink "tcp://127.0.0.1:$R" "${PRODUCER_KEYS[@]}")
    fi
    "$FEEDMILL" sink --db "$WORK/s.db" "${sink[@]}" \
        --metrics-file "$WORK/sink.prom" 2>"$WORK/sink.log" &
    pids+=($!); names+=(sink); BACKGROUND+=($!)
    echo "$(date +%T.%N) started sink $!" >>"$WORK/signals.log"
    pause 300
    "$FEEDMILL" worker "${worker[@]}" 2>"$WORK/worker.log" &
    pids+=($!); names+=(worker); BACKGROUND+=($!)
    echo "$(date +%T.%N) started worker $!" >>"$WORK/signals.log"
    pause 300
    rm -f "$WORK/state.db"*
    "$FEEDMILL" producer "${producer[@]}" --state "$WORK/state.db" --drain-timeout 2 \
        --metrics-file "$WORK/producer.prom" "$WORK/docs" 2>"$WORK/producer.log" >/dev/null &
    pids+=($!); names+=(producer); BACKGROUND+=($!)
    echo "$(date +%T.%N) started producer $!" >>"$WORK/signals.log"
    pause 1500
    order=(0 1 2)   # a random order
    for ((i = 2; i > 0; i--)); do
        j=$((RANDOM % (i + 1)))
        tmp=${order[i]}; order[i]=${order[j]}; order[j]=$tmp
    done
    for i in "${order[@]}"; do
        signal "${pids[i]}"
        codes[i]=$CODES
        pause 800
    done
    for i in "${order[@]}"; do
        # A producer that finished its work before the signal exits 0 too.
        expect_exit "${pids[i]}" "${names[i]}" ${codes[i]}
    done
}

# descendants PID: every process below PID.
descendants() {
    local child
    for child in $(pgrep -P "$1"); do
        echo "$child"
        descendants "$child"
    done
}

run_round() {
    local pid children p k submit=()
    [ $((RANDOM % 2)) -eq 0 ] && submit=(--submit "tcp://127.0.0.1:$S" --cert "$KEYS/producer_secret"
                                         --allow "$KEYS/client.allow")
    "$FEEDMILL" run --db "$WORK/r.db" --workers 2 --watch --drain-timeout 2 "${submit[@]}" \
        "$WORK/watched" >/dev/null 2>"$WORK/run.log" &
    pid=$!; BACKGROUND+=($pid)
    pause 600
    for k in 1 2 3 4 5 6; do   # work for the watch, mid-run
        cp "$WORK/docs/doc_$(printf %05d $((RANDOM % 120))).txt" "$WORK/watched/r$round-$k.txt"
    done
    pause 1500
    children=$(descendants $pid)
    signal $pid
    expect_exit $pid run $CODES
    # After a second signal run exits at once (130) and its children stop
    # on their own (PR_SET_PDEATHSIG): in time too.
    gone() { for p in $children; do ! kill -0 "$p" 2>/dev/null || return 1; done; }
    wait_for "$STOP_DEADLINE" gone || {
        for p in $children; do kill -0 "$p" 2>/dev/null && stacks "$p" >&2; done
        fail "round $round: run's children outlived it by ${STOP_DEADLINE} s (seed $SEED)"; }
}

started=$SECONDS
for ((round = 1; round <= ROUNDS; round++)); do
    if [ $((RANDOM % 3)) -eq 0 ]; then run_round; else components_round; fi
    [ $((round % 50)) -ne 0 ] || echo "round $round, $((SECONDS - started)) s"
done
pass "$ROUNDS rounds of start and SIGTERM, every process exited in time ($((SECONDS - started)) s, seed $SEED)"
