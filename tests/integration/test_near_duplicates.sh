#!/usr/bin/env bash
# Near-duplicates and entity offsets through `feedmill run`: the four
# seeds, then edited copies of them (a sentence added, a word changed,
# the last paragraph cut). Each stored link must be the one the rule of
# docs/database.md gives, recomputed here from the stored simhashes: the nearest
# document ingested before, within 3 bits, the earliest among equals.
# `feedmill stats` must report the groups those links make. Every stored
# entity's offset must point at its text in the stored body, in bytes.
source "$(dirname "$0")/lib.sh"
need_corpus
DB="$WORK/t.db"
SEEDS="$WORK/seeds"
COPIES="$WORK/copies"
mkdir -p "$SEEDS" "$COPIES"
cp "$CORPUS"/seeds/*.txt "$SEEDS/"

# Three edits of each seed. Their simhashes land 0 to 7 bits from the
# seed's (the extractor decides; the checks below do not assume which).
python3 - "$SEEDS" "$COPIES" <<'EOF'
import os, sys
seeds, copies = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(seeds)):
    text = open(os.path.join(seeds, name), encoding="utf-8").read()
    stem = name[:-4]
    paras = text.split("\n\n")
    mid = len(paras) // 2
    added = paras[:]
    added[mid] = (paras[mid].replace(".", ". 이 문장은 새로 들어간 문장이다.", 1)
                  if "." in paras[mid] else paras[mid] + " 추가된 문장.")
    words = text.split(" ")
    words[len(words) // 2] = "변경된단어"
    variants = {"sentence": "\n\n".join(added), "word": " ".join(words),
                "cut": "\n\n".join(paras[:-1])}
    for kind, body in variants.items():
        assert body != text
        with open(os.path.join(copies, f"{stem}_{kind}.txt"), "w", encoding="utf-8") as f:
            f.write(body)
EOF

# Seeds first, so each copy finds its original already stored.
"$FEEDMILL" run --db "$DB" --workers 2 "$SEEDS" >"$WORK/out1" 2>"$WORK/err1" \
    || { cat "$WORK/err1" >&2; fail "run over the seeds exited non-zero"; }
"$FEEDMILL" run --db "$DB" --workers 2 "$COPIES" >"$WORK/out2" 2>"$WORK/err2" \
    || { cat "$WORK/err2" >&2; fail "run over the copies exited non-zero"; }
expect_eq "$(sql "$DB" 'SELECT count(*) FROM documents')" 16 "documents stored"

# The oracle: links, groups and their sizes from the stored simhashes and
# ingestion order, compared with what the sink stored.
python3 - "$DB" >"$WORK/oracle" <<'EOF' || fail "stored links differ from the rule (see above)"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT id, simhash, ingested_at, rowid, near_duplicate_of,"
                  " near_duplicate_distance, source FROM documents"
                  " ORDER BY ingested_at, rowid").fetchall()
dist = lambda a, b: bin(int(a, 16) ^ int(b, 16)).count("1")
ok, links = True, {}
for i, (id_, sh, _, _, stored, stored_d, source) in enumerate(rows):
    best = None
    for (cid, csh, *_rest) in rows[:i]:          # earlier rows, earliest first
        d = dist(sh, csh)
        if d <= 3 and (best is None or d < best[1]):
            best = (cid, d)
    want = best or (None, None)
    if (stored, stored_d) != want:
        print(f"{source}: stored {stored} at {stored_d}, rule says {want[0]} at {want[1]}",
              file=sys.stderr)
        ok = False
    if best:
        links[id_] = best[0]
def root(x):
    while x in links:
        x = links[x]
    return x
sizes = {}
for x in links:
    sizes[root(x)] = sizes.get(root(x), 1) + 1
# A copy within 3 bits of its seed is linked (to the seed or a nearer copy).
seeds = {s.rsplit("/", 1)[1][:3]: sh for (_, sh, _, _, _, _, s) in rows if "/seeds/" in s}
near_copies = 0
for (id_, sh, _, _, stored, stored_d, source) in rows:
    if "/copies/" in source and dist(sh, seeds[source.rsplit("/", 1)[1][:3]]) <= 3:
        near_copies += 1
        if stored is None or stored_d > dist(sh, seeds[source.rsplit("/", 1)[1][:3]]):
            print(f"{source}: within 3 bits of its seed, linked to {stored} at {stored_d}",
                  file=sys.stderr)
            ok = False
print(len(sizes), sum(sizes.values()), max(sizes.values(), default=0), len(links), near_copies)
sys.exit(0 if ok else 1)
EOF
read -r groups in_groups largest linked near_copies <"$WORK/oracle"
pass "every stored link is the nearest earlier document within 3 bits ($linked links)"
# The edits above put at least 4 copies within 3 bits of their seed
# (measured: 8 of 12); fewer would make this test prove little.
[ "$near_copies" -ge 4 ] || fail "only $near_copies copies within 3 bits of their seed"
pass "$near_copies copies within 3 bits of their seed are linked"
[ "$groups" -ge 2 ] || fail "expected at least 2 near-duplicate groups, the rule gives $groups"
expect_eq "$(sql "$DB" "SELECT count(*) FROM documents WHERE source LIKE '%/seeds/%' AND near_duplicate_of IS NOT NULL")" 0 "seeds linked (nothing came before them that is near)"

"$FEEDMILL" stats --db "$DB" >"$WORK/stats" || fail "feedmill stats failed"
grep -qx "near-duplicates: $groups groups, $in_groups documents (simhash within 3 bits)" "$WORK/stats" \
    || fail "stats text: $(grep near "$WORK/stats")"
pass "stats text reports $groups groups of $in_groups documents"
"$FEEDMILL" stats --db "$DB" --json >"$WORK/stats.json" || fail "feedmill stats --json failed"
python3 - "$WORK/stats.json" "$groups" "$in_groups" "$largest" <<'EOF' || fail "stats --json near_duplicates"
import json, sys
near = json.load(open(sys.argv[1]))["near_duplicates"]
groups, in_groups, largest = map(int, sys.argv[2:5])
assert near["within_bits"] == 3, near
assert near["groups"] == groups and near["documents"] == in_groups, near
sizes = [g["documents"] for g in near["largest"]]
assert sizes and sizes[0] == largest and sizes == sorted(sizes, reverse=True), near
assert len(near["largest"]) == min(groups, 5), near
assert all(g["title"] and len(g["id"]) == 64 and 0 <= g["max_distance"] <= 3
           for g in near["largest"]), near
EOF
pass "stats --json reports the same groups, largest first"

# Entity offsets: in bytes of the stored body (substr on TEXT counts
# characters, so both sides are cast to BLOB).
entities=$(sql "$DB" "SELECT count(*) FROM entities")
[ "$entities" -gt 40 ] || fail "only $entities entities stored"
expect_eq "$(sql "$DB" "SELECT count(*) FROM entities AS e JOIN documents AS d ON d.id = e.doc_id
    WHERE e.offset IS NULL OR substr(CAST(d.body AS BLOB), e.offset + 1,
          length(CAST(e.text AS BLOB))) IS NOT CAST(e.text AS BLOB)")" 0 \
    "entities whose offset does not point at their text (of $entities)"

# feedmill extract prints the same offsets in its JSON.
"$FEEDMILL" extract "$SEEDS"/*.txt >"$WORK/extract.jsonl" || fail "feedmill extract failed"
python3 - "$WORK/extract.jsonl" <<'EOF' || fail "feedmill extract offsets"
import json, sys
count = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    body = r["body"].encode()
    for e in r["entities"]:
        assert list(e) == ["type", "text", "offset", "value", "unit"], list(e)
        text = e["text"].encode()
        assert body[e["offset"]:e["offset"] + len(text)] == text, e
        count += 1
assert count > 40, count
EOF
pass "feedmill extract: every entity's offset points at its text"

# Running the copies again changes no link.
links() {
    sql "$DB" "SELECT group_concat(x, ' ') FROM (SELECT id || '>' ||
        coalesce(near_duplicate_of || ':' || near_duplicate_distance, '-') AS x
        FROM documents ORDER BY id)" | md5sum
}
before=$(links)
"$FEEDMILL" run --db "$DB" --workers 2 "$COPIES" >"$WORK/out3" 2>"$WORK/err3" \
    || { cat "$WORK/err3" >&2; fail "second run over the copies exited non-zero"; }
expect_eq "$(links)" "$before" "digest of every link after a second run"
