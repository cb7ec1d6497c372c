#!/usr/bin/env bash
# run_fuzz.sh: one bounded libFuzzer run, as the ctest tests fuzz/<name>
# run it (tests/fuzz/CMakeLists.txt).
#
#   run_fuzz.sh FUZZER CORPUS DICT WORKDIR SECONDS
#
# Fuzzes a fresh copy of the committed CORPUS in WORKDIR/corpus, so the
# source tree never changes. Crashes, leaks and timeouts are kept in
# WORKDIR/artifacts; when libFuzzer fails, each new one is printed with
# the command that replays it, and the exit status is libFuzzer's.
set -u
fuzzer=$1 corpus=$2 dict=$3 work=$4 seconds=$5

if [ -z "$(ls -A "$corpus" 2>/dev/null)" ]; then
    echo "run_fuzz: corpus $corpus is missing or empty" >&2
    exit 1
fi
rm -rf "$work/corpus"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$corpus"/* "$work/corpus/"
touch "$work/started"   # artifacts newer than this come from this run

options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10
         -print_final_stats=1 -artifact_prefix="$work/artifacts/")
[ -f "$dict" ] && options+=(-dict="$dict")

"$fuzzer" "${options[@]}" "$work/corpus"
status=$?
[ $status -eq 0 ] && exit 0

echo "run_fuzz: $(basename "$fuzzer") failed with exit status $status"
find "$work/artifacts" -type f -newer "$work/started" | while read -r input; do
    echo "run_fuzz: input kept in $input ($(stat -c %s "$input") bytes)"
    echo "run_fuzz: replay with: $fuzzer $input"
    od -A d -t x1z -v "$input" | head -n 40
done
exit $status
