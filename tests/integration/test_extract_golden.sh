#!/usr/bin/env bash
# Extraction gives the very same records as the last time they were
# checked, to the byte: ids, titles, bodies, dates, entities, keywords,
# fingerprints. A speed-up must change none of it; a deliberate change
# of what extraction says comes with a new EXTRACT_VERSION and a new
# golden file, made with
#
#   FEEDMILL=build/feedmill bash tests/integration/test_extract_golden.sh --update
#
# after reading the differences it reports. The documents: the four
# seeds, examples/, and the first 100 pages of web-eval (by name), each
# record's JSON line hashed (SHA-256) into tests/golden/extract.sha256.
source "$(dirname "$0")/lib.sh"
need_corpus
GOLDEN="$SOURCE_DIR/tests/golden/extract.sha256"
# The extractor's version, as the binary says it (common/version.h).
version=$("$FEEDMILL" --version | sed -n 's/.*(extractor \([0-9]*\),.*/\1/p')
[ -n "$version" ] || fail "feedmill --version does not name the extractor: $("$FEEDMILL" --version)"

# One "HASH  PATH" line per document, paths relative to the corpus (and
# examples/), so that "source" is the same on every machine.
records() {
    local pages
    mapfile -t pages < <(cd "$CORPUS" && LC_ALL=C ls web-eval/html/*.gz | LC_ALL=C sort | head -n 100)
    (cd "$CORPUS" && "$FEEDMILL" extract seeds/*.txt "${pages[@]}")
    (cd "$SOURCE_DIR" && "$FEEDMILL" extract examples/*)
}
hash_lines() {
    python3 -c '
import hashlib, json, sys
for line in sys.stdin:
    source = json.loads(line)["source"]
    print(hashlib.sha256(line.rstrip("\n").encode()).hexdigest() + "  " + source)'
}

records >"$WORK/records.jsonl" 2>"$WORK/err" || fail "feedmill extract: $(cat "$WORK/err")"
{ echo "# extractor $version"; hash_lines <"$WORK/records.jsonl"; } >"$WORK/now.sha256"

if [ "${1:-}" = "--update" ]; then
    cp "$WORK/now.sha256" "$GOLDEN"
    echo "wrote $GOLDEN ($(($(wc -l <"$GOLDEN") - 1)) documents)"
    exit 0
fi

[ -f "$GOLDEN" ] || fail "$GOLDEN is missing (make it with --update)"
golden_version=$(sed -n 's/^# extractor //p' "$GOLDEN")
[ "$golden_version" = "$version" ] ||
    fail "EXTRACT_VERSION is $version, $GOLDEN is for $golden_version: check the differences, then --update"
if ! diff -q "$GOLDEN" "$WORK/now.sha256" >/dev/null; then
    { diff "$GOLDEN" "$WORK/now.sha256" || true; } | sed -n 's/^> [0-9a-f]*  //p' >"$WORK/changed"
    echo "records that changed ($(wc -l <"$WORK/changed")):" >&2
    head -20 "$WORK/changed" >&2
    head -3 "$WORK/changed" | while IFS= read -r source; do
        { grep -F "\"source\":\"$source\"" "$WORK/records.jsonl" || true; } | head -c 2000 >&2
        echo >&2
    done
    fail "extraction output changed without a new EXTRACT_VERSION"
fi
pass "$(($(wc -l <"$GOLDEN") - 1)) records as before (extractor $version)"
