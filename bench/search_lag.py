"""search_lag.py: from a document's commit to `feedmill search` finding it,
at full rate. The sink lets a batch's full-text entries wait for later
batches' (deferred indexing, sink/store_fts.c); issue 16 bounds the wait at
1 s (p99).

Runs `feedmill run --workers 2` over DIR (texts that all hold the word
QUERY) and, every 10 ms on a read-only connection of its own, counts the
committed rows and the rows the full-text index finds. For n = 1..N (400
steps), the lag is the time the index first found n rows minus the time n
rows were first committed. Prints one line:

    search_lag_p50_ms=.. search_lag_p99_ms=.. search_lag_max_ms=.. samples=..

usage: search_lag.py FEEDMILL DIR DB [QUERY]
"""
import os
import sqlite3
import subprocess
import sys
import time


def first_reaching(series, n):
    for t, count in series:
        if count >= n:
            return t
    return None


def main():
    feedmill, folder, db = sys.argv[1:4]
    query = sys.argv[4] if len(sys.argv) > 4 else "협력"
    for suffix in ("", "-wal", "-shm", ".producer"):
        try:
            os.remove(db + suffix)
        except FileNotFoundError:
            pass
    run = subprocess.Popen([feedmill, "run", "--db", db, "--workers", "2", folder],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    committed, found, con = [], [], None
    while run.poll() is None:
        now = time.monotonic()
        try:
            if con is None:
                con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
            rows = con.execute("SELECT count(*) FROM documents").fetchone()[0]
            hits = con.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?",
                               ('"%s"' % query,)).fetchone()[0]
            committed.append((now, rows))
            found.append((now, hits))
        except sqlite3.Error:
            con = None   # not created yet, or being migrated
        time.sleep(0.01)
    if run.returncode not in (0, 3):
        sys.exit("feedmill run exited %d" % run.returncode)
    total = committed[-1][1] if committed else 0
    lags = []
    for n in range(1, total + 1, max(1, total // 400)):
        a, b = first_reaching(committed, n), first_reaching(found, n)
        if a is not None and b is not None:
            lags.append(b - a)
    if not lags:
        sys.exit("no rows were seen committed")
    lags.sort()
    print("search_lag_p50_ms=%.0f search_lag_p99_ms=%.0f search_lag_max_ms=%.0f samples=%d"
          % (1000 * lags[len(lags) // 2], 1000 * lags[min(len(lags) - 1, int(len(lags) * 0.99))],
             1000 * lags[-1], len(lags)))


if __name__ == "__main__":
    main()
