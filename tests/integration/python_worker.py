"""A feedmill worker in Python, written from proto/README.md alone: the
proof that the wire format is a contract another language can keep.

usage: python_worker.py WORK_ENDPOINT RESULTS_ENDPOINT [--cert SECRET_CERT
           --producer-cert PUBLIC_CERT --sink-cert PUBLIC_CERT] [--delay SECONDS]

It connects a DEALER to the producer's work endpoint and a PUSH to the
sink's results endpoint (with CurveZMQ when given certificates in CZMQ's
format, as `feedmill keygen` writes them), says READY with its credit at
start, after each document and every second, and answers every DOC with a
RESULT whose record is the document's text (no extraction: that is the C
worker's job), or a FAILED when the document is not UTF-8 text. It stops
on SIGTERM. --delay makes it a slow worker: it waits that long before
answering each document.
"""
import re
import signal
import sys
import time

import msgpack
import zmq

CREDIT = 2


def read_cert(path):
    """(public, secret) Z85 keys of a CZMQ certificate file; secret is
    None in a public certificate."""
    text = open(path, encoding="utf-8").read()
    public = re.search(r'public-key\s*=\s*"([^"]{40})"', text)
    secret = re.search(r'secret-key\s*=\s*"([^"]{40})"', text)
    if not public:
        raise SystemExit("python_worker: no public-key in %s" % path)
    return public.group(1).encode(), secret.group(1).encode() if secret else None


def secure(sock, own, server):
    public, secret = own
    sock.curve_publickey = public
    sock.curve_secretkey = secret
    sock.curve_serverkey = server[0]


def main():
    args = sys.argv[1:]
    work, results = args[0], args[1]
    opts = dict(zip(args[2::2], args[3::2]))
    ctx = zmq.Context()
    dealer, push = ctx.socket(zmq.DEALER), ctx.socket(zmq.PUSH)
    for sock in (dealer, push):
        sock.setsockopt(zmq.LINGER, 2000)
    if "--cert" in opts:
        own = read_cert(opts["--cert"])
        secure(dealer, own, read_cert(opts["--producer-cert"]))
        secure(push, own, read_cert(opts["--sink-cert"]))
    delay = float(opts.get("--delay", 0))
    dealer.connect(work)
    push.connect(results)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    received = 0
    done = 0

    def ready():
        dealer.send(msgpack.packb({"v": 1, "type": "ready", "credit": CREDIT,
                                   "received": received}))

    ready()
    last_ready = time.monotonic()
    while not stop:
        if dealer.poll(200):
            raw = dealer.recv()
            received += 1
            msg = msgpack.unpackb(raw, raw=False)
            if msg.get("v") == 1 and msg.get("type") == "doc":
                time.sleep(delay)
                push.send(answer(msg))
                done += 1
            ready()
            last_ready = time.monotonic()
        if time.monotonic() - last_ready >= 1.0:
            ready()          # the heartbeat
            last_ready = time.monotonic()
    print("python worker: %d documents" % done, file=sys.stderr)


def answer(doc):
    """RESULT with the document's text as its body, or FAILED."""
    header = {"v": 1, "id": doc["id"], "source": doc["source"], "attempt": doc["attempt"]}
    try:
        text = doc["body"].decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if not text or "\x00" in text:
        return msgpack.packb(dict(header, type="failed",
                                  error="not UTF-8 text (the Python worker reads only that)"))
    hints = doc.get("hints", {})
    record = {"kind": "text", "lang": hints.get("lang", "und"), "title": hints.get("title"),
              "published": None, "author": hints.get("author"), "body": text,
              "entities": [], "keywords": [], "simhash": "0000000000000000"}
    return msgpack.packb(dict(header, type="result", record=record))


if __name__ == "__main__":
    main()
