#!/usr/bin/env bash
# `feedmill search` as a user types it, over documents ingested with
# `feedmill run`: punctuation, symbols and emoji in a query are ignored
# (the index never holds them), a query of nothing else is a usage error,
# and query words that start with '-' are searched for, not parsed.
source "$(dirname "$0")/lib.sh"
DB="$WORK/t.db"
IN="$WORK/in"
mkdir -p "$IN"

cat >"$IN/alliance.txt" <<'EOF'
한·싱가포르 ‘AI 동맹’ 뜬다… 「전방위」 협력 🤝

이재명 대통령과 로런스 웡 싱가포르 총리는 AI 동맹 — 인공지능 협력 — 을 맺었다. 양국은 올해 교역을 5% 늘리기로 했다… 업계는 「AI 커넥트」 행사에 주목한다 😀.
EOF
cat >"$IN/markets.txt" <<'EOF'
Markets: the yen fell

The yen fell against the dollar — again… Analysts expect the yen to fall further.
EOF

"$FEEDMILL" run --db "$DB" --workers 2 "$IN" >"$WORK/run.out" 2>"$WORK/run.err" \
    || { cat "$WORK/run.err" >&2; fail "feedmill run exited non-zero"; }
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 2 "documents ingested"
ALLIANCE=$(sql "$DB" "SELECT id FROM documents WHERE source LIKE '%alliance.txt'")
[ -n "$ALLIANCE" ] || fail "alliance.txt was not stored"

# search_ids WORD...: the ids found, one a line. It runs inside $(...),
# where fail would only end the subshell, so a failed search prints
# its status and error instead, which no expected list of ids equals.
search_ids() {
    local out status=0
    out=$("$FEEDMILL" search --db "$DB" --json "$@" 2>"$WORK/search.err") || status=$?
    if [ "$status" -ne 0 ]; then
        echo "search exited $status: $(cat "$WORK/search.err")"
        return
    fi
    printf '%s\n' "$out" | sed -n 's/^{"id":"\([0-9a-f]*\)".*/\1/p'
}

expect_eq "$(search_ids AI 동맹 싱가포르)" "$ALLIANCE" "AI 동맹 싱가포르"

# Each symbol alone between the words: the same hit, not none.
for symbol in — … · 「 」 ‘ 😀 🤝 🤖 ※ '—…·'; do
    expect_eq "$(search_ids AI 동맹 "$symbol" 싱가포르)" "$ALLIANCE" "AI 동맹 $symbol 싱가포르"
done
expect_eq "$(search_ids 「전방위」 협력…)" "$ALLIANCE" "words with symbols attached"
expect_eq "$(search_ids yen — …)" "$(sql "$DB" "SELECT id FROM documents WHERE source LIKE '%markets.txt'")" "yen — …"
expect_eq "$(search_ids 싱가포르 — yen)" "" "words are still ANDed"

# What is unknown is null in JSON, not "": the texts carry no date.
"$FEEDMILL" search --db "$DB" --json yen >"$WORK/null.out" 2>&1 || fail "search --json yen"
grep -q '"published":null' "$WORK/null.out" || fail "an unknown date is not null: $(cat "$WORK/null.out")"
"$FEEDMILL" stats --db "$DB" --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["earliest"] is None and s["latest"] is None, (s["earliest"], s["latest"])
' || fail "stats --json: no document has a date, so earliest and latest are null"
pass "an unknown date is null in search --json and stats --json"

# The text output too, as a person reads it.
"$FEEDMILL" search --db "$DB" AI 동맹 — 싱가포르 >"$WORK/text.out" 2>&1 \
    || fail "text search exited non-zero: $(cat "$WORK/text.out")"
grep -q '^1\. 한·싱가포르' "$WORK/text.out" || fail "text search shows no hit: $(cat "$WORK/text.out")"
pass "text output of AI 동맹 — 싱가포르"

# Nothing searchable: status 2, a message that says so, no results.
for query in — '… · 「' 😀 '— … · 「 」 😀 ※'; do
    status=0
    "$FEEDMILL" search --db "$DB" $query >"$WORK/none.out" 2>"$WORK/none.err" || status=$?
    expect_eq "$status" 2 "exit status of a search for '$query'"
    grep -q "nothing searchable" "$WORK/none.err" || fail "no clear message for '$query': $(cat "$WORK/none.err")"
    [ ! -s "$WORK/none.out" ] || fail "search for '$query' printed results: $(cat "$WORK/none.out")"
done

# Words starting with '-': after the first query word they are searched
# for (-5% finds "5%"); as the first word they need --.
expect_eq "$(search_ids 싱가포르 -5%)" "$ALLIANCE" "싱가포르 -5%"
expect_eq "$(search_ids -- -5%)" "$ALLIANCE" "-- -5%"
expect_eq "$(search_ids -- -5% 싱가포르 -yen)" "" "-- -5% 싱가포르 -yen"
status=0
"$FEEDMILL" search --db "$DB" -5% >/dev/null 2>"$WORK/dash.err" || status=$?
expect_eq "$status" 2 "exit status of -5% without --"
grep -q -- "put -- before the query" "$WORK/dash.err" || fail "no hint about --: $(cat "$WORK/dash.err")"
# An option after the query is a query word, so no JSON here.
"$FEEDMILL" search --db "$DB" yen --json >"$WORK/late.out" 2>&1 || fail "yen --json exited non-zero"
grep -q '^no documents match "yen --json"' "$WORK/late.out" || fail "--json after the query was parsed: $(cat "$WORK/late.out")"
pass "options end at the first query word"

"$FEEDMILL" search --help | contains -- "--  *end of the options" || fail "--help does not describe --"
"$FEEDMILL" search --help | contains "ignored" || fail "--help does not say symbols are ignored"
pass "--help"
