"""Several workers' worth of RESULT messages into one sink, for tests.

usage: result_senders.py RESULTS_ENDPOINT ACKS_ENDPOINT SENDERS DOCS OUT_DIR
           [--resend-after SECONDS]

Plays SENDERS workers (one PUSH socket each, connected to the sink's
results endpoint) and the producer's end of the acks (a PULL bound at
ACKS_ENDPOINT). DOCS records are dealt round-robin to the senders as fast
as the sink takes them, at most 2000 unacknowledged; each has its own id
(the SHA-256 of its number), a body of Korean and English sentences,
entities with values and offsets, and a simhash: every fifth one a near
copy of an earlier record (one bit flipped). Every tenth is sent twice,
from two senders, as a redelivery would.

It writes OUT_DIR/sent (every id, once) as it sends, and appends to
OUT_DIR/acked each id the sink acknowledged as stored or unchanged, one
per line, flushed at once: a kill -9 of the sink cannot lose a line of
it. It exits 0 once every id is acknowledged. With --resend-after, a
record not acknowledged for that long is sent again (the producer's
retry, for a sink that was killed and restarted), and HELLO from a new
sink starts the wait over.
"""
import hashlib
import os
import sys
import time

import msgpack
import zmq

KOREAN = ["정부는 {n}일 1조1천35억 엔 규모의 협력 방안을 발표했다.",
          "싱가포르와 한국은 민간 협력을 {n}% 늘리기로 했다.",
          "이 대통령은 \"협력을 강화하겠다\"고 말했다."]
ENGLISH = ["The ministry said on day {n} that prices rose 3.{n} percent.",
           "Shares of the company fell by {n} USD in early trading."]


def doc_id(n):
    return hashlib.sha256(b"result-senders-%d" % n).hexdigest()


def simhash_of(n, hashes):
    if n % 5 == 4 and n >= 5:
        return hashes[n - 3] ^ (1 << (n % 64))
    return int.from_bytes(hashlib.sha256(b"simhash-%d" % n).digest()[:8], "big")


def record(n, hashes):
    sentences = [s.format(n=n + i) for i, s in enumerate(KOREAN + ENGLISH)]
    body = "\n\n".join(sentences[n % 5:] + sentences[:n % 5]) + "\n\nDocument %d." % n
    raw = body.encode("utf-8")
    entities = []
    for text, kind, value, unit in (("1조1천35억 엔", "money", 103500000000.0 + n, "JPY"),
                                    ("%d USD" % (n + 4), "money", float(n + 4), "USD")):
        at = raw.find(text.encode("utf-8"))
        if at >= 0:
            entities.append({"type": kind, "text": text, "value": value, "unit": unit,
                             "offset": at})
    return {"kind": "text", "lang": "ko", "title": "Document %d" % n, "published": None,
            "author": None, "body": body, "entities": entities,
            "keywords": ["협력", "document"], "simhash": "%016x" % hashes[n]}


def main():
    args = sys.argv[1:]
    results, acks, senders, docs, out = args[0], args[1], int(args[2]), int(args[3]), args[4]
    resend_after = float(args[args.index("--resend-after") + 1]) if "--resend-after" in args else 0
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.setsockopt(zmq.RCVHWM, 100000)    # as the producer's (WIRE_ACK_HWM)
    pull.bind(acks)
    pushes = []
    for _ in range(senders):
        push = ctx.socket(zmq.PUSH)
        push.setsockopt(zmq.LINGER, 0)
        push.connect(results)
        pushes.append(push)

    hashes = {}
    messages = {}
    for n in range(docs):
        hashes[n] = simhash_of(n, hashes)
        messages[n] = msgpack.packb({"v": 1, "type": "result", "id": doc_id(n),
                                     "source": "sender/%d" % n, "attempt": 1,
                                     "record": record(n, hashes)})
    ids = {doc_id(n): n for n in range(docs)}
    with open(os.path.join(out, "sent"), "w") as f:
        f.write("".join(doc_id(n) + "\n" for n in range(docs)))
    acked_file = open(os.path.join(out, "acked"), "a", buffering=1)

    pending = {}           # n -> when last sent
    acked = set()
    next_n = 0
    turn = 0

    def send(n):
        nonlocal turn
        pushes[turn % senders].send(messages[n])
        turn += 1
        pending[n] = time.monotonic()

    while len(acked) < docs:
        while next_n < docs and len(pending) < 2000:
            send(next_n)
            if next_n % 10 == 9:
                send(next_n)           # a redelivery, from the next sender
            next_n += 1
        if pull.poll(200):
            msg = msgpack.unpackb(pull.recv(), raw=False)
            if msg.get("type") == "hello" and resend_after:
                for n in list(pending):
                    pending[n] = 0.0   # a new sink: what it never acked goes again
            elif msg.get("type") == "ack" and msg.get("id") in ids:
                if msg.get("status") not in ("stored", "unchanged"):
                    sys.exit("result_senders: %s acked %s" % (msg.get("id"), msg.get("status")))
                n = ids[msg["id"]]
                if n not in acked:
                    acked.add(n)
                    acked_file.write(msg["id"] + "\n")
                pending.pop(n, None)
        if resend_after:
            now = time.monotonic()
            for n, when in list(pending.items()):
                if now - when >= resend_after:
                    send(n)
    acked_file.close()


if __name__ == "__main__":
    main()
