#!/usr/bin/env bash
# Page types (issue 17, 19): a forum thread, a product page, a shop's
# category and an article go through `feedmill run` with a text file;
# each row has its page_type (the text none), `stats` counts them,
# `search --type` and `export --type` keep one type, and an unknown type
# is a usage error (exit 2).
source "$(dirname "$0")/lib.sh"
DB="$WORK/t.db"
mkdir -p "$WORK/in"
P="<p>The port reopened on Monday after the storm, and the first ships came in with grain and tariff papers.</p>"
cat >"$WORK/in/thread.html" <<EOF
<html><head><title>Port reopened?</title>
<link rel="canonical" href="https://community.example.org/t/port-reopened/1234">
<script type="application/ld+json">{"@type":"DiscussionForumPosting","headline":"Port reopened?"}</script>
</head><body><div class="topic-post"><div class="cooked">$P</div></div>
<div class="topic-post"><div class="cooked">$P Yes, since Monday.</div></div>
<div class="topic-post"><div class="cooked">$P Thanks for the tariff update.</div></div></body></html>
EOF
cat >"$WORK/in/product.html" <<EOF
<html><head><title>Grain scoop</title><meta property="og:type" content="product">
<link rel="canonical" href="https://shop.example/products/grain-scoop">
<script type="application/ld+json">{"@type":"Product","name":"Grain scoop"}</script>
</head><body><h1>Grain scoop</h1><span class="price">\$12</span>$P</body></html>
EOF
cat >"$WORK/in/collection.html" <<EOF
<html><head><title>Scoops</title><link rel="canonical" href="https://shop.example/collections/scoops">
</head><body><h1>Scoops</h1><ul>
<li class="product-card"><a href="/products/a">Grain scoop</a><span class="price">\$12</span></li>
<li class="product-card"><a href="/products/b">Flour scoop</a><span class="price">\$10</span></li>
<li class="product-card"><a href="/products/c">Feed scoop</a><span class="price">\$14</span></li>
<li class="product-card"><a href="/products/d">Salt scoop</a><span class="price">\$9</span></li>
</ul>$P</body></html>
EOF
cat >"$WORK/in/article.html" <<EOF
<html><head><title>Port reopens after storm</title><meta property="og:type" content="article">
<meta property="article:published_time" content="2026-03-03T10:00:00Z">
</head><body><article><h1>Port reopens after storm</h1>$P $P</article></body></html>
EOF
printf 'The port reopened after the storm; tariff papers were checked again.\n' >"$WORK/in/note.txt"

"$FEEDMILL" run --db "$DB" --workers 1 "$WORK/in" >"$WORK/out" 2>"$WORK/err" || fail "run: $(tail -3 "$WORK/err")"
for f in article:article collection:collection note:- product:product thread:forum; do
    expect_eq "$(sql "$DB" "SELECT coalesce(page_type, '-') FROM documents WHERE source LIKE '%/${f%%:*}.%'")" "${f#*:}" "page_type of ${f%%:*}"
done

"$FEEDMILL" stats --db "$DB" --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
got = {g["key"]: g["count"] for g in s["page_types"]}
assert got == {"article": 1, "collection": 1, "forum": 1, "product": 1, "none": 1}, got' \
    || fail "stats --json page_types"
"$FEEDMILL" stats --db "$DB" | grep -A6 "documents by page type" | contains "forum" || fail "stats text: no page types"
pass "stats counts documents by page type"

"$FEEDMILL" search --db "$DB" --json --type forum port >"$WORK/forum.json" || fail "search --type"
expect_eq "$(wc -l <"$WORK/forum.json")" 1 "search --type forum finds the thread only"
grep -q '"page_type":"forum"' "$WORK/forum.json" || fail "search --json gives page_type: $(cat "$WORK/forum.json")"
expect_eq "$("$FEEDMILL" search --db "$DB" --json port | wc -l)" 5 "search without --type finds all five"
set +e
"$FEEDMILL" search --db "$DB" --type blog port >/dev/null 2>"$WORK/bad"
code=$?
set -e
expect_eq "$code" 2 "search --type blog is a usage error"
grep -q "article, forum, product, collection, listing, documentation, service" "$WORK/bad" \
    || fail "the error does not name the types: $(cat "$WORK/bad")"

"$FEEDMILL" export --db "$DB" --type product --fields source,page_type 2>/dev/null >"$WORK/products.jsonl"
expect_eq "$(wc -l <"$WORK/products.jsonl")" 1 "export --type product"
grep -q '"page_type":"product"' "$WORK/products.jsonl" || fail "export: $(cat "$WORK/products.jsonl")"
set +e
"$FEEDMILL" export --db "$DB" --type shop >/dev/null 2>&1
code=$?
set -e
expect_eq "$code" 2 "export --type shop is a usage error"
