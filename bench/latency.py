"""latency.py: from a document's arrival to its row being committed, on an
idle pipeline (`feedmill run --watch DIR --follow FILE`).

usage: python3 latency.py FEEDMILL TMPDIR [N]

N times (default 100) each, one after the other: a file renamed into the
watched folder, and a line appended to the followed file. The clock starts
just before the rename or the write and stops when a reader sees the row
(it polls the database every millisecond: a row is visible only once its
transaction is committed). Prints one line:
  watch_p50_ms=.. watch_p99_ms=.. follow_p50_ms=.. follow_p99_ms=.. samples=N
"""
import os
import sqlite3
import subprocess
import sys
import time


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]


def wait_row(db, source, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if db.execute("SELECT 1 FROM documents WHERE source = ?", (source,)).fetchone():
                return
        except sqlite3.OperationalError:
            pass   # the database is being created
        time.sleep(0.001)
    raise SystemExit("latency: no row for %s within %.0f s" % (source, timeout))


def text(kind, n):
    return ("%s 지연 측정 문서 %d번: 싱가포르와 한국의 협력 기사 본문입니다. "
            "정부는 %d억원을 투입한다. Latency sample %d." % (kind, n, n, n))


def main():
    feedmill, tmp = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    inbox, feed, dbpath = os.path.join(tmp, "inbox"), os.path.join(tmp, "feed.jsonl"), \
        os.path.join(tmp, "latency.db")
    os.makedirs(inbox, exist_ok=True)
    open(feed, "w").close()
    env = dict(os.environ, FEEDMILL_LOG="warn")
    run = subprocess.Popen([feedmill, "run", "--db", dbpath, "--workers", "2", "--watch",
                            "--follow", feed, inbox], env=env,
                           stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "latency.err"), "w"))
    try:
        # Warm up: the pipeline is connected once a first file is stored.
        warm = os.path.join(inbox, "warmup.txt")
        with open(warm, "w") as f:
            f.write(text("warm", 0))
        db = sqlite3.connect("file:%s?mode=ro" % dbpath, uri=True, timeout=5) \
            if os.path.exists(dbpath) else None
        while db is None:
            time.sleep(0.01)
            if os.path.exists(dbpath):
                db = sqlite3.connect("file:%s?mode=ro" % dbpath, uri=True, timeout=5)
        wait_row(db, warm)
        watch, follow = [], []
        for i in range(1, n + 1):
            staged = os.path.join(tmp, "staged.txt")
            with open(staged, "w") as f:
                f.write(text("watch", i))
            final = os.path.join(inbox, "doc_%04d.txt" % i)
            start = time.monotonic()
            os.rename(staged, final)
            wait_row(db, final)
            watch.append((time.monotonic() - start) * 1000)

            line = '{"text": "%s"}\n' % text("follow", i)
            start = time.monotonic()
            with open(feed, "a") as f:
                f.write(line)
            wait_row(db, "%s:%d" % (feed, i))
            follow.append((time.monotonic() - start) * 1000)
            time.sleep(0.02)   # idle between samples, as a feed is
        print("watch_p50_ms=%.1f watch_p99_ms=%.1f follow_p50_ms=%.1f follow_p99_ms=%.1f samples=%d"
              % (percentile(watch, 50), percentile(watch, 99), percentile(follow, 50),
                 percentile(follow, 99), n))
    finally:
        run.terminate()
        run.wait(timeout=30)


if __name__ == "__main__":
    main()
