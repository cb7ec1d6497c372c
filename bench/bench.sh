#!/usr/bin/env bash
# bench.sh: feedmill's stages against the bare work beneath them, both
# measured in this one run, printed as figures and ratios (ours / bare).
#
#   bash bench/bench.sh [BUILD_DIR]      `make bench` passes build
#
# The machines are shared and noisy, so nothing here passes or fails on a
# time: it prints medians over repetitions (5 where cheap, 3 where not),
# with every repetition's seconds below the table. bench/README.md says
# what each figure means. Inputs come from the shared corpus
# (FEEDMILL_CORPUS, default ../shared/corpus) and are copied to a temporary
# folder that is removed at exit; nothing is written into the source tree.
set -euo pipefail
export LC_ALL=C

PAGES=600            # HTML pages: the first ones of web-eval, by name
TEXT_COPIES=6000     # text documents: the seeds, each copy made unique (enough for
                     # `run` to spend most of its time at its steady rate)
ROWS=10000           # bare SQLite rows of ~5 KB
MESSAGES=200000      # bare ZeroMQ messages
MESSAGE_BYTES=6000
WORKERS=2
CHEAP_REPS=5
COSTLY_REPS=3
LATENCY_SAMPLES=100  # files dropped, and lines appended, one at a time
KOREAN_WINDOWS=2100  # Korean texts made from the seeds for the sink's records (about a
                     # quarter are menu lines only, which the extractor refuses)
MIN_RECORDS=4000     # the sink's records: every web-eval and wcxb-dev page, and those texts
PRODUCER_DOCS=20000  # small Korean texts the producer deals to pass-through workers
LARGE_FACTOR=4       # the text corpus this many times larger, once: is memory flat?

die() {
    echo "bench: $*" >&2
    exit 1
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-build}" 2>/dev/null && pwd) || die "no build folder '${1:-build}': run 'make build' first"
CORPUS=${FEEDMILL_CORPUS:-$ROOT/../shared/corpus}
FEEDMILL=$BUILD/feedmill
TOOLS=$BUILD/bench
TMP=$(mktemp -d "${TMPDIR:-/tmp}/feedmill-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/times" "$TMP/last"

# ---- inputs -----------------------------------------------------------

check_setup() {
    [ -d "$CORPUS/web-eval/html" ] && [ -d "$CORPUS/wcxb-dev/html" ] && [ -d "$CORPUS/seeds" ] ||
        die "shared corpus not found at $CORPUS (set FEEDMILL_CORPUS to the folder holding seeds/, web-eval/ and wcxb-dev/)"
    local tool
    for tool in "$FEEDMILL" "$TOOLS/bench_extract" "$TOOLS/bare_libxml2" \
                "$TOOLS/bare_sqlite" "$TOOLS/bare_zmq" "$TOOLS/bench_sink" \
                "$TOOLS/bench_texts" "$TOOLS/null_sink"; do
        [ -x "$tool" ] || die "$tool is missing: run 'make build' first"
    done
    command -v sqlite3 >/dev/null || die "the sqlite3 shell is missing (scripts/setup.sh installs it)"
}

# The first $PAGES pages in byte order of their names, as page_NNN.html
# (some corpus names hold spaces).
prepare_pages() {
    mkdir -p "$TMP/html"
    local n=0 name
    while IFS= read -r name; do
        gzip -dc -- "$CORPUS/web-eval/html/$name" >"$(printf '%s/html/page_%03d.html' "$TMP" "$n")"
        n=$((n + 1))
    done < <(cd "$CORPUS/web-eval/html" && ls -- *.gz | sort | head -n "$PAGES")
    [ "$n" -eq "$PAGES" ] || die "only $n pages in $CORPUS/web-eval/html, $PAGES needed"
}

# $TEXT_COPIES documents: the seeds in turn, each with a counter line
# appended so that every one is a distinct document.
# prepare_text DIR COUNT
prepare_text() {
    mkdir -p "$1"
    local seeds=("$CORPUS"/seeds/*.txt) texts=() seed i
    for seed in "${seeds[@]}"; do
        texts+=("$(<"$seed")")
    done
    local path
    for ((i = 0; i < $2; i++)); do
        printf -v path '%s/doc_%06d.txt' "$1" "$i"   # (no subshell: 24 000 forks took minutes)
        printf '%s\n\nbench copy %d\n' "${texts[i % ${#texts[@]}]}" "$i" >"$path"
    done
}

# The sink's records, extracted once before any timing: every page of
# web-eval and wcxb-dev (gzipped, as the extractor takes them) and the
# first $KOREAN_WINDOWS Korean texts of $TMP/korean, which holds
# $PRODUCER_DOCS windows of consecutive sentences of the seeds
# (bench_texts), the producer's input. bench_sink prepare runs the real
# extractor over them and keeps each record as the RESULT message a worker
# sends, in $TMP/records.cache; every side of the sink's comparisons
# writes exactly those records.
prepare_records() {
    mkdir -p "$TMP/korean"
    "$TOOLS/bench_texts" "$TMP/korean" "$PRODUCER_DOCS" "$CORPUS"/seeds/*.txt >"$TMP/korean.line"
    local korean=("$TMP"/korean/*)
    record records "$("$TOOLS/bench_sink" prepare "$TMP/records.cache" \
        "$CORPUS"/web-eval/html/*.gz "$CORPUS"/wcxb-dev/html/*.gz "${korean[@]:0:KOREAN_WINDOWS}")"
    local count
    count=$(field items "$(cat "$TMP/last/records")")
    [ "$count" -ge "$MIN_RECORDS" ] ||
        die "only $count records for the sink, $MIN_RECORDS wanted: raise KOREAN_WINDOWS"
    # The records of the runs' own documents: the sink's rate over these
    # is the one a run's limit is made of (the mixed records above are
    # shorter on average than the Korean texts, and longer than the pages).
    record text_records "$("$TOOLS/bench_sink" prepare "$TMP/text.cache" "$TMP"/text/*)"
    record html_records "$("$TOOLS/bench_sink" prepare "$TMP/html.cache" "$TMP"/html/*)"
}

# ---- measuring ----------------------------------------------------------

# A result line is "items=N bytes=N seconds=S failed=N version=V" (bench.h).
field() {
    [[ " $2" =~ \ $1=([^ ]*) ]] || die "no '$1' in result line: $2"
    echo "${BASH_REMATCH[1]}"
}

# record NAME LINE: keeps the line and appends its seconds to NAME's list.
record() {
    echo "$2" >"$TMP/last/$1"
    field seconds "$2" >>"$TMP/times/$1"
    [[ " $2" =~ \ cpu=([^ ]*) ]] && echo "${BASH_REMATCH[1]}" >>"$TMP/times/$1.cpu"
    return 0
}

# measure NAME COMMAND...: one repetition of a benchmark program.
# Every measurement starts with the disk's queue empty: the stages before
# write hundreds of MB (databases, WAL files), and the kernel's writeback
# of them made a checkpoint's fdatasync in the next timed run wait behind
# it (run text took 4.3 s, or 6 to 9 s, one time in three).
settle() {
    sync
}

measure() {
    local name=$1
    shift
    settle
    record "$name" "$("$@")"
}

# sample_rss RUN_PID NAME: until RUN_PID ends, the peak resident memory
# (VmHWM) of each of its children, by component (producer, worker, sink,
# and the workers' extraction children), into $TMP/rss/NAME.COMPONENT, kB.
# Bash builtins only, reading /proc (a child's children are listed in
# /proc/PID/task/PID/children): a sampler that forks a dozen processes
# five times a second takes CPU from the run it measures.
sample_rss() {
    local run=$1 name=$2 pid child kind hwm key value argv
    local -A peak=()
    local -a children grandchildren
    mkdir -p "$TMP/rss"
    while [ -d "/proc/$run" ]; do
        # (The list ends without a newline: read fills the array and fails.)
        children=()
        read -r -a children 2>/dev/null <"/proc/$run/task/$run/children" || true
        for child in "${children[@]}"; do
            grandchildren=()
            read -r -a grandchildren 2>/dev/null <"/proc/$child/task/$child/children" || true
            for pid in "$child" "${grandchildren[@]}"; do
                argv=()
                mapfile -d '' -t argv 2>/dev/null <"/proc/$pid/cmdline" || continue
                kind=${argv[1]:-}
                [ "$kind" = worker ] || [ "$kind" = producer ] || [ "$kind" = sink ] || continue
                [ "$pid" = "$child" ] || kind=extraction
                hwm=
                while read -r key value _; do
                    [ "$key" = VmHWM: ] && { hwm=$value; break; }
                done 2>/dev/null <"/proc/$pid/status"
                [ -n "$hwm" ] || continue
                [ "$hwm" -gt "${peak[$kind]:-0}" ] && peak[$kind]=$hwm
            done
        done
        sleep 0.2
    done
    for kind in "${!peak[@]}"; do
        echo "${peak[$kind]}" >"$TMP/rss/$name.$kind"
    done
}

# pipeline NAME DIR [WORKERS [RUN_OPTION]]: one `feedmill run` over DIR
# into a fresh database, timed from the outside; checks that every
# distinct input became a row; samples each component's peak memory.
pipeline() {
    local name=$1 dir=$2 workers=${3:-$WORKERS} db=$TMP/$1.db rc=0
    local extra=("${@:4}")
    rm -f "$db" "$db"-wal "$db"-shm "$db".producer
    settle
    local start=$EPOCHREALTIME
    FEEDMILL_LOG=info "$FEEDMILL" run --db "$db" --workers "$workers" "${extra[@]}" "$dir" \
        >"$TMP/$name.out" 2>"$TMP/$name.err" &
    local run=$!
    sample_rss "$run" "$name" &
    local sampler=$!
    wait "$run" || rc=$?
    local end=$EPOCHREALTIME
    wait "$sampler" || true
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        cat "$TMP/$name.err" >&2
        die "feedmill run over $dir exited $rc"
    fi
    local stored dead expected
    stored=$(sqlite3 "$db" 'SELECT count(*) FROM documents')
    dead=$(sqlite3 "$db" 'SELECT count(*) FROM dead_letters')
    expected=$(find "$dir" -type f -exec sha256sum {} + | cut -c1-64 | sort -u | wc -l)
    [ $((stored + dead)) -eq "$expected" ] ||
        die "feedmill run over $dir left $stored documents and $dead dead letters for $expected distinct inputs"
    local files bytes
    files=$(find "$dir" -type f | wc -l)
    bytes=$(find "$dir" -type f -exec cat {} + | wc -c)
    record "$name" "items=$files bytes=$bytes seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", b - a }') failed=$dead version=feedmill"
    # run's account of its components' CPU (each child's rusage at exit),
    # and how long its sink's writer was busy (its "stopped" line).
    mkdir -p "$TMP/cpu"
    local busy
    busy=$(grep -o 'sink\[[0-9]*\] stopped .*writer_busy_s=[0-9.]*' "$TMP/$name.err" | tail -n 1 |
        sed 's/.*writer_busy_s=//')
    grep -o 'cpu used .*' "$TMP/$name.err" | tail -n 1 |
        sed "s/\$/ writer_busy_s=${busy:-nan}/" >>"$TMP/cpu/$name" || true
}

# The producer's own capacity: `feedmill producer` over $PRODUCER_DOCS
# small Korean texts, dealing them to $WORKERS `feedmill worker
# --pass-through` (no extraction: the text is the record) that send their
# results to null_sink, which acknowledges each at once and writes nothing.
# Documents read, hashed, recorded in its --state and dealt per second,
# timed from the producer's start to its exit (after the last ACK).
producer_capacity() {
    local dir=$TMP/producer rc=0 w pids=()
    rm -rf "$dir"
    mkdir -p "$dir"
    "$TOOLS/null_sink" "ipc://$dir/results" "ipc://$dir/acks" >"$dir/null_sink.out" 2>"$dir/null_sink.err" &
    local null_sink=$!
    for ((w = 0; w < WORKERS; w++)); do
        FEEDMILL_LOG=warn "$FEEDMILL" worker --pass-through --work "ipc://$dir/work" \
            --results "ipc://$dir/results" 2>>"$dir/workers.err" &
        pids+=($!)
    done
    settle
    local start=$EPOCHREALTIME
    FEEDMILL_LOG=warn "$FEEDMILL" producer --work "ipc://$dir/work" --acks "ipc://$dir/acks" \
        --sink "ipc://$dir/results" --state "$dir/state" --summary -- "$TMP/korean" \
        >"$dir/producer.out" 2>"$dir/producer.err" || rc=$?
    local end=$EPOCHREALTIME
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    kill "$null_sink"
    wait "$null_sink" || true
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        cat "$dir/producer.err" "$dir/workers.err" "$dir/null_sink.err" >&2
        die "feedmill producer over $TMP/korean exited $rc"
    fi
    local acked
    acked=$(awk '{ split($1, r, "="); split($2, f, "="); print r[2] + f[2] }' "$dir/null_sink.out")
    [ "$acked" = "$PRODUCER_DOCS" ] ||
        die "null_sink acknowledged $acked results for $PRODUCER_DOCS documents: $(cat "$dir/null_sink.out")"
    record producer "items=$PRODUCER_DOCS bytes=$(field bytes "$(cat "$TMP/korean.line")") seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", b - a }') failed=$(field dead "$(cat "$dir/producer.out")") version=feedmill"
    rm -rf "$dir"
}

# The sink fed the cached records, bare SQLite+FTS5 with the user's own
# table, and bare SQLite with feedmill's schema, each into a new database,
# in an order that alternates between rounds so that neither side always
# runs first.
# store_sides REP
store_sides() {
    local names=(store_fts store_schema store_sink) name
    [ $(($1 % 2)) -eq 0 ] || names=(store_sink store_schema store_fts)
    for name in "${names[@]}"; do
        rm -f "$TMP"/store.db*
        case $name in
            store_fts) measure store_fts "$TOOLS/bench_sink" bare "$TMP/store.db" "$TMP/records.cache" ;;
            store_schema) measure store_schema "$TOOLS/bench_sink" schema "$TMP/store.db" "$TMP/records.cache" ;;
            store_sink) measure store_sink "$TOOLS/bench_sink" sink "$FEEDMILL" "$TMP/store.db" "$TMP/records.cache" ;;
        esac
    done
    rm -f "$TMP"/store.db*
}

# The sink alone over the records of the runs' own documents (the Korean
# texts, the pages), for the runs' limits.
run_sinks() {
    local kind
    for kind in text html; do
        rm -f "$TMP"/store.db*
        measure "sink_$kind" "$TOOLS/bench_sink" sink "$FEEDMILL" "$TMP/store.db" "$TMP/$kind.cache"
    done
    rm -f "$TMP"/store.db*
}

# The producer's own work per document, bare: read the file and take its
# id, the SHA-256 of its bytes with the producer's own function (OpenSSL's:
# bare_hash), over the texts and over the pages, each for its own runs'
# limit.
hash_files() {   # hash_files NAME DIR
    measure "$1" "$TOOLS/bare_hash" "$2"/*
}

# One round measures every stage once; the costly ones run in the first
# $COSTLY_REPS rounds only. Rounds rather than one stage after another, so
# that a change in the machine's load falls on both sides of every ratio.
round() {
    local rep=$1
    measure extract "$TOOLS/bench_extract" "$TMP"/html/*
    measure libxml2 "$TOOLS/bare_libxml2" "$TMP"/html/*
    rm -f "$TMP"/bare.db*
    measure sqlite "$TOOLS/bare_sqlite" "$TMP/bare.db" "$ROWS" "$CORPUS"/seeds/*.txt
    rm -f "$TMP"/bare.db*
    measure sqlite_fts "$TOOLS/bare_sqlite" --fts "$TMP/bare.db" "$ROWS" "$CORPUS"/seeds/*.txt
    rm -f "$TMP"/bare.db*
    hash_files hash "$TMP/text"
    hash_files hash_html "$TMP/html"
    if [ "$rep" -lt "$COSTLY_REPS" ]; then
        measure extract_text "$TOOLS/bench_extract" "$TMP"/text/*
        pipeline run_text "$TMP/text"
        pipeline run_text_1 "$TMP/text" 1
        pipeline transport "$TMP/text" "$WORKERS" --pass-through
        pipeline run_one "$TMP/one"
        pipeline run_html "$TMP/html"
        pipeline run_html_1 "$TMP/html" 1
        measure zmq "$TOOLS/bare_zmq" "ipc://$TMP/zmq.ipc" "$MESSAGES" "$MESSAGE_BYTES"
        store_sides "$rep"
        run_sinks
        producer_capacity
    fi
}

# ---- figures ------------------------------------------------------------

median_seconds() {
    sort -g "$TMP/times/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# cpu_per_item NAME: median CPU seconds per item of NAME, from its cpu=
# field (a process of several threads), else its seconds per item.
cpu_per_item() {
    local file=$TMP/times/$1.cpu
    [ -s "$file" ] || file=$TMP/times/$1
    sort -g "$file" | awk -v n="$(field items "$(cat "$TMP/last/$1")")" \
        '{ v[NR] = $1 } END { printf "%.9f", v[int((NR + 1) / 2)] / n }'
}

# per_second NAME items|bytes [SCALE]: median rate of NAME, times SCALE.
per_second() {
    local last
    last=$(cat "$TMP/last/$1")
    awk -v n="$(field "$2" "$last")" -v s="$(median_seconds "$1")" -v k="${3:-1}" \
        'BEGIN { printf "%.6f", k * n / s }'
}

# Whole numbers from 100 up, one or two decimals below.
fmt() {
    awk -v x="$1" 'BEGIN {
        if (x >= 100) printf "%.0f", x; else if (x >= 10) printf "%.1f", x; else printf "%.2f", x }'
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

# rate NAME UNIT [SCALE]: "310 pages/s, 41.2 MB/s"
rate() {
    echo "$(fmt "$(per_second "$1" items "${3:-1}")") $2/s, $(fmt "$(per_second "$1" bytes "${3:-1}" | awk '{ print $1 / 1e6 }')") MB/s"
}

row() {
    printf '%-60s %-26s %-26s %s\n' "$@"
}

print_machine() {
    local model
    model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    echo "feedmill bench, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) cores, ${model:-unknown cpu}, Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
    echo "source: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" --no-optional-locks status --porcelain 2>/dev/null | grep -q . && echo ' + uncommitted changes')"
}

print_table() {
    local extract libxml2 sqlite_fts text html
    extract=$(per_second extract items)
    libxml2=$(per_second libxml2 items)
    sqlite_fts=$(per_second sqlite_fts items)
    text=$(per_second run_text items)
    html=$(per_second run_html items)
    echo
    row "stage" "ours" "bare" "ratio"
    row "extract html, 1 core / libxml2 parse" "$(rate extract pages)" "$(rate libxml2 pages)" "$(ratio "$extract" "$libxml2")"
    row "extract text, 1 core" "$(rate extract_text docs)" "-" "-"
    row "store: sqlite, primary key only" "-" "$(rate sqlite rows)" "-"
    row "store: sqlite + fts5 unicode61" "-" "$(rate sqlite_fts rows)" "-"
    row "run text, $WORKERS workers / sqlite+fts5" "$(rate run_text docs)" "$(rate sqlite_fts rows)" "$(ratio "$text" "$sqlite_fts")"
    row "run html, $WORKERS workers / $WORKERS x libxml2" "$(rate run_html pages)" "$(rate libxml2 pages "$WORKERS")" "$(ratio "$html" "$(per_second libxml2 items "$WORKERS")")"
    row "run html, $WORKERS workers / sqlite+fts5" "$(rate run_html pages)" "$(rate sqlite_fts rows)" "$(ratio "$html" "$sqlite_fts")"
    row "transport: zmq ipc, $MESSAGE_BYTES B messages" "-" "$(rate zmq msg)" "-"
    row "run text, no extraction / sqlite+fts5" "$(rate transport docs)" "$(rate sqlite_fts rows)" "$(ratio "$(per_second transport items)" "$sqlite_fts")"
    row "sink, fed ready records / bare SQLite+FTS5 (id, title, body)" "$(rate store_sink rows)" "$(rate store_fts rows)" "$(ratio "$(per_second store_sink items)" "$(per_second store_fts items)")"
    row "sink, fed ready records / bare sqlite, same schema" "$(rate store_sink rows)" "$(rate store_schema rows)" "$(ratio "$(per_second store_sink items)" "$(per_second store_schema items)")"
}

# How far one sink scales: how many cores of extraction its rate absorbs
# (sink / one core's extraction rate, both from this run), and whether the
# producer, alone with workers that answer at once, deals faster than the
# sink commits.
print_scaling() {
    local sink producer
    sink=$(per_second store_sink items)
    producer=$(per_second producer items)
    echo
    row "how far one sink scales" "ours" "against" "ratio"
    row "html extraction cores one sink absorbs" "sink $(fmt "$sink") docs/s" "1 core $(fmt "$(per_second extract items)") pages/s" "$(ratio "$sink" "$(per_second extract items)") cores"
    row "text extraction cores one sink absorbs" "sink $(fmt "$sink") docs/s" "1 core $(fmt "$(per_second extract_text items)") docs/s" "$(ratio "$sink" "$(per_second extract_text items)") cores"
    row "producer, $WORKERS pass-through workers, null sink / sink" "$(rate producer docs)" "sink $(fmt "$sink") docs/s" "$(ratio "$producer" "$sink")"
    echo "the producer $(awk -v p="$producer" -v s="$sink" 'BEGIN { print (p > s ? "exceeds" : "does NOT exceed") }') the sink's rate: it $(awk -v p="$producer" -v s="$sink" 'BEGIN { print (p > s ? "is not" : "is") }') the limit of one sink's pipeline"
}

# The pipeline's limit, from the per-document CPU cost of its stages
# measured in this run over the run's own documents: extraction (one
# core), the sink's write of their records with its indexes, and the
# producer's hashing, spread over the machine's cores. The sink's cost
# is the CPU of its whole process (cpu=: its writer, reader and
# checkpointing threads overlap, so it may differ from its time), its
# rate is its time: its writer is one thread. The workers can use at
# most one core each.
#   limit = min(cores / (extract + sink CPU + hash), 1 / sink time, workers / extract)
limit() {   # limit EXTRACT_NAME SINK_NAME WORKERS: documents/s
    local hash=hash
    [ "$1" = extract_text ] || hash=hash_html
    awk -v e="$(per_second "$1" items)" -v s="$(per_second "$2" items)" \
        -v sc="$(cpu_per_item "$2")" \
        -v h="$(per_second "$hash" items)" -v c="$(nproc)" -v w="$3" 'BEGIN {
        total = 1 / e + sc + 1 / h
        l = c / total; if (s < l) l = s; if (w * e < l) l = w * e
        printf "%.6f", l }'
}

# The rounds' own ratios: round i's run against the limit made of round
# i's stages (each list holds one line a round, in order). A bench takes
# minutes, and the machine's speed drifts meanwhile: medians of separate
# series may pair a fast run with a slow stage; a ratio taken inside a
# round pairs them as farm-bench pairs A and B. Prints the ratios, then
# their median.
paired_ratios() {   # paired_ratios RUN EXTRACT SINK WORKERS
    local hash=hash
    [ "$2" = extract_text ] || hash=hash_html
    paste "$TMP/times/$1" "$TMP/times/$2" "$TMP/times/$3" "$TMP/times/$3.cpu" "$TMP/times/$hash" |
        awk -F '\t' -v nr="$(field items "$(cat "$TMP/last/$1")")" \
            -v ne="$(field items "$(cat "$TMP/last/$2")")" -v ns="$(field items "$(cat "$TMP/last/$3")")" \
            -v nh="$(field items "$(cat "$TMP/last/$hash")")" -v c="$(nproc)" -v w="$4" '
            $1 != "" && $2 != "" && $3 != "" && $4 != "" && $5 != "" {
                e = $2 / ne; l = c / (e + $4 / ns + $5 / nh)
                if (ns / $3 < l) l = ns / $3
                if (w / e < l) l = w / e
                r[++n] = (nr / $1) / l }
            END {
                for (i = 1; i <= n; i++) { printf "%s%.2f", (i > 1 ? " " : ""), r[i]; s[i] = r[i] }
                for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
                printf "|%.2f\n", n ? s[int((n + 1) / 2)] : 0 }'
}

print_limits() {
    local name extract workers run lim
    echo
    row "pipeline against its limit" "ours" "limit" "ratio"
    for name in run_text_1:extract_text:sink_text:1 run_text:extract_text:sink_text:$WORKERS \
        run_html_1:extract:sink_html:1 run_html:extract:sink_html:$WORKERS; do
        IFS=: read -r run extract sink workers <<<"$name"
        lim=$(limit "$extract" "$sink" "$workers")
        row "$run ($workers worker$([ "$workers" = 1 ] || echo s))" "$(fmt "$(per_second "$run" items)") docs/s" "$(fmt "$lim") docs/s" "$(ratio "$(per_second "$run" items)" "$lim")"
    done
    row "run text / 2 x extract text, 1 core" "$(fmt "$(per_second run_text items)") docs/s" "$(fmt "$(per_second extract_text items 2)") docs/s" "$(ratio "$(per_second run_text items)" "$(per_second extract_text items 2)")"
    row "run html / 2 x extract html, 1 core" "$(fmt "$(per_second run_html items)") docs/s" "$(fmt "$(per_second extract items 2)") docs/s" "$(ratio "$(per_second run_html items)" "$(per_second extract items 2)")"
    # A run's fixed cost (start the processes, connect, one document,
    # drain, stop), measured with one document; the steady rate leaves it out.
    local fixed
    fixed=$(median_seconds run_one)
    row "fixed cost of a run (1 document)" "$(fmt "$fixed") s" "-" "-"
    for name in run_text:extract_text:sink_text:$WORKERS run_html:extract:sink_html:$WORKERS; do
        IFS=: read -r run extract sink workers <<<"$name"
        lim=$(limit "$extract" "$sink" "$workers")
        local steady
        steady=$(awk -v n="$(field items "$(cat "$TMP/last/$run")")" -v t="$(median_seconds "$run")" -v f="$fixed" \
            'BEGIN { if (t > f) printf "%.6f", n / (t - f); else print 0 }')
        row "$run, fixed cost left out" "$(fmt "$steady") docs/s" "$(fmt "$lim") docs/s" "$(ratio "$steady" "$lim")"
    done
    local pair
    for name in run_text:extract_text:sink_text:$WORKERS run_html:extract:sink_html:$WORKERS; do
        IFS=: read -r run extract sink workers <<<"$name"
        pair=$(paired_ratios "$run" "$extract" "$sink" "$workers")
        row "$run, each round against its own limit" "rounds ${pair%|*}" "median" "${pair#*|}"
    done
    lim=$(limit extract_text sink_text "$WORKERS")
    row "run text x$LARGE_FACTOR ($WORKERS workers, once)" "$(fmt "$(per_second run_text_large items)") docs/s" "$(fmt "$lim") docs/s" "$(ratio "$(per_second run_text_large items)" "$lim")"
    echo "limit = min(cores / per-document CPU of extraction + sink + hashing, sink alone, workers x extraction); $(nproc) cores"
    echo "  over the run's own documents: the sink alone commits their records at $(fmt "$(per_second sink_text items)") texts/s and $(fmt "$(per_second sink_html items)") pages/s,"
    echo "  using $(awk -v x="$(cpu_per_item sink_text)" 'BEGIN { printf "%.3f", x * 1000 }') and $(awk -v x="$(cpu_per_item sink_html)" 'BEGIN { printf "%.3f", x * 1000 }') ms of CPU a document (all its threads)"
}

# Where a run's CPU went: `feedmill run`'s own account (its "cpu used"
# line: each child's CPU from its rusage at exit, a worker's extraction
# children in it), medians over the repetitions, per document, against
# the bare extraction of one core. busy cores near the machine's cores
# mean the run was bound by CPU, and the columns say by whose; "writer
# busy" is the share of the run its sink's writer spent writing (its
# writer_busy): near 1, the sink was the limit.
print_cpu() {
    local name
    echo
    printf '%-14s %9s %9s %9s %9s %9s %11s %12s %12s\n' "CPU, ms a doc" "total" "sink" "workers" "producer" "run" "busy cores" "bare extract" "writer busy"
    for name in run_text:extract_text run_html:extract; do
        IFS=: read -r name extract <<<"$name"
        [ -s "$TMP/cpu/$name" ] || continue
        awk -v n="$(field items "$(cat "$TMP/last/$name")")" -v e="$(awk -v x="$(per_second "$extract" items)" 'BEGIN { printf "%.6f", 1000 / x }')" -v name="$name" '
            function median(k,   i, j, t, c) {
                c = 0; for (i = 1; i <= NR; i++) a[++c] = v[k, i]
                for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                return a[int((c + 1) / 2)] }
            { for (i = 1; i <= NF; i++) if (split($i, kv, "=") == 2) v[kv[1], NR] = kv[2]
              v["writer_share", NR] = v["elapsed_s", NR] > 0 ? v["writer_busy_s", NR] / v["elapsed_s", NR] : 0 }
            END { printf "%-14s %9.3f %9.3f %9.3f %9.3f %9.3f %11.2f %12.3f %12.2f\n", name,
                      1000 * median("cpu_s") / n, 1000 * median("sink_s") / n, 1000 * median("workers_s") / n,
                      1000 * median("producer_s") / n, 1000 * median("run_s") / n, median("busy_cores"), e,
                      median("writer_share") }' "$TMP/cpu/$name"
    done
}

# Peak resident memory (VmHWM, MB) of each component, per run; the last
# column is the text corpus $LARGE_FACTOR times larger: flat means bounded.
print_memory() {
    local kind
    echo
    printf '%-24s %12s %12s %12s %14s\n' "peak RSS, MB" "run text" "run html" "run text x$LARGE_FACTOR" "x$LARGE_FACTOR / x1"
    for kind in producer worker extraction sink; do
        printf '%-24s %12s %12s %12s %14s\n' "$kind" "$(rss run_text "$kind")" "$(rss run_html "$kind")" \
            "$(rss run_text_large "$kind")" \
            "$(awk -v a="$(rss run_text_large "$kind")" -v b="$(rss run_text "$kind")" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
    done
}

rss() {   # rss RUN KIND: MB, or 0 when not seen
    local file=$TMP/rss/$1.$2
    [ -s "$file" ] && awk '{ printf "%.1f", $1 / 1024 }' "$file" || echo 0
}

# Every figure of this run, for the record: $BUILD/bench.json.
write_json() {
    local out=$BUILD/bench.json name
    {
        printf '{\n  "date": "%s",\n  "commit": "%s",\n  "cores": %s,\n  "median_per_second": {\n' \
            "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(nproc)"
        local first=1
        for name in extract libxml2 extract_text sqlite sqlite_fts hash hash_html run_text run_text_1 transport run_html run_html_1 run_one run_text_large zmq store_fts store_schema store_sink sink_text sink_html producer; do
            [ -s "$TMP/times/$name" ] || continue
            [ $first = 1 ] || printf ',\n'
            first=0
            printf '    "%s": {"items": %s, "mb": %s}' "$name" "$(per_second "$name" items)" "$(per_second "$name" bytes | awk '{ printf "%.6f", $1 / 1e6 }')"
        done
        printf '\n  },\n  "limit_docs_per_second": {"run_text": %s, "run_text_1": %s, "run_html": %s, "run_html_1": %s},\n' \
            "$(limit extract_text sink_text "$WORKERS")" "$(limit extract_text sink_text 1)" \
            "$(limit extract sink_html "$WORKERS")" "$(limit extract sink_html 1)"
        local text_pair html_pair
        text_pair=$(paired_ratios run_text extract_text sink_text "$WORKERS")
        html_pair=$(paired_ratios run_html extract sink_html "$WORKERS")
        printf '  "paired_ratio_median": {"run_text": %s, "run_html": %s},\n' "${text_pair#*|}" "${html_pair#*|}"
        printf '  "sink_absorbs_cores": {"html": %s, "text": %s},\n' \
            "$(ratio "$(per_second store_sink items)" "$(per_second extract items)")" \
            "$(ratio "$(per_second store_sink items)" "$(per_second extract_text items)")"
        printf '  "producer_over_sink": %s,\n' "$(ratio "$(per_second producer items)" "$(per_second store_sink items)")"
        printf '  "search_lag_ms": {%s},\n' "$(echo "$SEARCH_LAG_LINE" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] != "samples") printf "%s\"%s\": %s", (n++ ? ", " : ""), kv[1], kv[2] } }')"
        printf '  "latency_ms": {%s},\n' "$(echo "$LATENCY_LINE" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] != "samples") printf "%s\"%s\": %s", (n++ ? ", " : ""), kv[1], kv[2] } }')"
        printf '  "peak_rss_mb": {'
        first=1
        for name in "$TMP"/rss/*; do
            [ $first = 1 ] || printf ', '
            first=0
            printf '"%s": %s' "$(basename "$name")" "$(awk '{ printf "%.1f", $1 / 1024 }' "$name")"
        done
        printf '}\n}\n'
    } >"$out"
    echo
    echo "figures written to $out"
}

# Arrival to commit on an idle pipeline (bench/latency.py): a file renamed
# into a watched folder, a line appended to a followed file.
print_latency() {
    local line
    echo "latency: measuring..." >&2
    mkdir -p "$TMP/latency"
    line=$(python3 "$ROOT/bench/latency.py" "$FEEDMILL" "$TMP/latency" "$LATENCY_SAMPLES") ||
        die "latency measurement failed: $(tail -3 "$TMP/latency/latency.err" 2>/dev/null)"
    LATENCY_LINE=$line
    row "latency, watch: rename in -> committed" "p50 $(field watch_p50_ms "$line") ms, p99 $(field watch_p99_ms "$line") ms" "-" "-"
    row "latency, follow: line -> committed" "p50 $(field follow_p50_ms "$line") ms, p99 $(field follow_p99_ms "$line") ms" "-" "-"
    # Deferred indexing (sink/store_fts.c): a committed row is found by
    # search once its full-text entry is written; issue 16 bounds that at 1 s.
    row "search lag at full rate: committed -> found" "p50 $(field search_lag_p50_ms "$SEARCH_LAG_LINE") ms, p99 $(field search_lag_p99_ms "$SEARCH_LAG_LINE") ms" "1000 ms (p99)" "-"
}

print_details() {
    local last name
    echo
    echo "ratio = ours / bare, from medians of this run (higher is better; 1.00 = as fast as the bare stage)."
    echo "inputs: $PAGES html pages ($(field bytes "$(cat "$TMP/last/libxml2")") bytes), $TEXT_COPIES text documents ($(field bytes "$(cat "$TMP/last/run_text")") bytes), $ROWS sqlite rows ($(field bytes "$(cat "$TMP/last/sqlite")") bytes), $MESSAGES zmq messages"
    local records
    records=$(cat "$TMP/last/records")
    echo "sink records: $(field items "$records") ($(field html "$records") html pages of web-eval and wcxb-dev, $(field text "$records") Korean texts from $KOREAN_WINDOWS seed windows; $(field failed "$records") refused by the extractor, $(field duplicates "$records") duplicates), $(field bytes "$records") input bytes extracted once in $(fmt "$(field seconds "$records")") s; body bytes $(field bytes "$(cat "$TMP/last/store_sink")")"
    echo "producer: $PRODUCER_DOCS Korean texts ($(field bytes "$(cat "$TMP/last/producer")") bytes), $WORKERS pass-through workers, null_sink; dead letters $(field failed "$(cat "$TMP/last/producer")")"
    echo "failures: extract refused $(field failed "$(cat "$TMP/last/extract")") pages, $(field failed "$(cat "$TMP/last/extract_text")") text documents; dead letters $(field failed "$(cat "$TMP/last/run_text")") text, $(field failed "$(cat "$TMP/last/run_html")") html (last repetition)"
    echo "versions: $(field version "$(cat "$TMP/last/libxml2")"), $(field version "$(cat "$TMP/last/sqlite")"), $(field version "$(cat "$TMP/last/zmq")"), $(field version "$(cat "$TMP/last/extract")")"
    echo "seconds per repetition:"
    for name in extract libxml2 extract_text sqlite sqlite_fts hash hash_html run_text run_text_1 transport run_html run_html_1 run_one zmq store_fts store_schema store_sink sink_text sink_html producer; do
        printf '  %-13s %s\n' "$name" "$(paste -sd' ' "$TMP/times/$name")"
    done
}

check_setup
print_machine
echo "preparing inputs..." >&2
prepare_pages
prepare_text "$TMP/text" "$TEXT_COPIES"
prepare_records
mkdir -p "$TMP/one" && cp "$TMP/text/doc_000000.txt" "$TMP/one/"   # a run's fixed cost
for ((rep = 0; rep < CHEAP_REPS; rep++)); do
    echo "round $((rep + 1)) of $CHEAP_REPS..." >&2
    round "$rep"
done
echo "memory: the text corpus $LARGE_FACTOR times larger, once..." >&2
prepare_text "$TMP/text_large" $((TEXT_COPIES * LARGE_FACTOR))
pipeline run_text_large "$TMP/text_large"
echo "search lag: the large text corpus again, polled..." >&2
SEARCH_LAG_LINE=$(python3 "$ROOT/bench/search_lag.py" "$FEEDMILL" "$TMP/text_large" "$TMP/search_lag.db") ||
    die "search lag measurement failed"
rm -f "$TMP"/search_lag.db*
rm -rf "$TMP/text_large" "$TMP"/run_text_large.db*
print_table
print_scaling
print_limits
print_cpu
print_latency
print_memory
print_details
write_json
