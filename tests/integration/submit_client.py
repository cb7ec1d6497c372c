"""A submission client written from proto/README.md alone, as a user's
crawler would be: a DEALER that sends SUBMIT, keeps a window of documents
outstanding, sends again whatever was not ACCEPTED in time (the id makes a
repeat harmless), and matches answers by ref.

usage: submit_client.py ENDPOINT FIRST LAST [--commit] [--answers FILE]
           [--cert SECRET_CERT --producer-cert PUBLIC_CERT] [--kill-after K CMD...]
Submits documents FIRST..LAST (document N's body is doc_body(N)), over
CurveZMQ when given certificates in CZMQ's format (`feedmill keygen`). With
--kill-after (last), runs CMD once K documents are accepted (the test
kills a process there). With --answers, writes each answer to FILE as it
comes ("accepted 12", "rejected 13 REASON"), for a test to watch. Prints
one JSON object: the answers it got.
"""
import json
import re
import subprocess
import sys
import time

import msgpack
import zmq

WINDOW = 20
RESEND_AFTER = 3.0
GIVE_UP_AFTER = 90.0


def doc_body(n):
    return ("제출된 문서 %d번: 싱가포르와 한국의 협력 기사 본문입니다. "
            "정부는 %d억원을 투입한다. Submitted document %d." % (n, n, n)).encode()


def submit(sock, ref, n, commit):
    msg = {"v": 1, "type": "submit", "ref": ref, "body": doc_body(n),
           "source": "https://crawler.example/%d" % n, "commit": commit,
           "hints": {"title": "문서 %d" % n}}
    sock.send(msgpack.packb(msg, use_bin_type=True))


def cert_keys(path):
    """(public, secret or None) Z85 keys of a CZMQ certificate file."""
    text = open(path, encoding="utf-8").read()
    public = re.search(r'public-key\s*=\s*"([^"]{40})"', text).group(1).encode()
    secret = re.search(r'secret-key\s*=\s*"([^"]{40})"', text)
    return public, secret.group(1).encode() if secret else None


def main():
    endpoint, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    args = sys.argv[4:]
    kill_after, kill_cmd = None, None
    if "--kill-after" in args:
        i = args.index("--kill-after")
        kill_after, kill_cmd = int(args[i + 1]), args[i + 2:]
        args = args[:i]
    commit = "--commit" in args
    rest = [a for a in args if a != "--commit"]
    opts = dict(zip(rest[0::2], rest[1::2]))
    log = open(opts["--answers"], "a", encoding="utf-8") if "--answers" in opts else None
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    if "--cert" in opts:
        sock.curve_publickey, sock.curve_secretkey = cert_keys(opts["--cert"])
        sock.curve_serverkey = cert_keys(opts["--producer-cert"])[0]
    sock.connect(endpoint)
    todo = list(range(first, last + 1))
    sent = {}          # ref -> (n, time sent)
    accepted, committed, rejected = {}, {}, []
    started = time.time()
    while (todo or sent or (commit and len(committed) < len(accepted))) \
            and time.time() - started < GIVE_UP_AFTER:
        while todo and len(sent) < WINDOW:
            n = todo.pop(0)
            sent[n] = time.time()
            submit(sock, n, n, commit)
        if sock.poll(200):
            answer = msgpack.unpackb(sock.recv(), raw=False)
            kind, ref = answer.get("type"), answer.get("ref")
            if log:
                log.write("%s %s %s\n" % (kind, ref, answer.get("error") or ""))
                log.flush()
            if kind == "accepted":
                sent.pop(ref, None)
                accepted[ref] = answer["id"]
                if kill_after is not None and len(accepted) >= kill_after:
                    subprocess.run(kill_cmd, check=False)
                    kill_after = None
            elif kind == "committed":
                committed[ref] = answer["status"]
            elif kind == "rejected":
                rejected.append(answer)
        now = time.time()
        for n, when in list(sent.items()):
            if now - when > RESEND_AFTER:   # no answer: send it again
                sent[n] = now
                submit(sock, n, n, commit)
    print(json.dumps({"accepted": {str(k): v for k, v in accepted.items()},
                      "committed": {str(k): v for k, v in committed.items()},
                      "rejected": rejected}))


if __name__ == "__main__":
    main()
