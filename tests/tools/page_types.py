#!/usr/bin/env python3
"""Page types against wcxb-dev's labels (issue 17): `make quality` runs it.

usage: page_types.py FEEDMILL WCXB_DEV_DIR

Extracts every page of WCXB_DEV_DIR/html with `FEEDMILL extract` (what a
worker runs) and compares each record's page_type with the page's
ground-truth `_internal.page_type.primary`. Prints the accuracy, the
recall of each type and the confusion (rows: the label, columns: what
feedmill said). A page that fails to extract counts as wrong.
"""
import collections
import json
import os
import subprocess
import sys

TYPES = ["article", "forum", "product", "collection", "listing", "documentation", "service"]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    feedmill, corpus = sys.argv[1], sys.argv[2]
    truth = {}
    for name in os.listdir(os.path.join(corpus, "ground-truth")):
        with open(os.path.join(corpus, "ground-truth", name), encoding="utf-8") as f:
            truth[name.split(".")[0]] = json.load(f)["_internal"]["page_type"]["primary"]
    pages = sorted(os.path.join(corpus, "html", n) for n in os.listdir(os.path.join(corpus, "html")))
    out = subprocess.run([feedmill, "extract"] + pages, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=False).stdout.decode("utf-8")
    said = {}
    for line in out.splitlines():
        record = json.loads(line)
        said[os.path.basename(record["source"]).split(".")[0]] = record.get("page_type")
    confusion = collections.Counter()
    for page, label in truth.items():
        confusion[(label, said.get(page))] += 1
    right = sum(confusion[(t, t)] for t in TYPES)
    print("page types on %s: accuracy %.3f (%d of %d pages)"
          % (os.path.basename(corpus.rstrip("/")), right / len(truth), right, len(truth)))
    print("%-14s" % "label \\ said" + "".join("%7s" % t[:6] for t in TYPES) + "  recall")
    for t in TYPES:
        row = sum(v for (label, _), v in confusion.items() if label == t)
        print("%-14s" % t + "".join("%7d" % confusion[(t, s)] for s in TYPES)
              + "  %.2f" % (confusion[(t, t)] / row if row else 0))


if __name__ == "__main__":
    main()
