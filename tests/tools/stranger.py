#!/usr/bin/python3
"""stranger: a peer that should not be there, for tests (python3-zmq, msgpack).

Speaks the wire format of proto/README.md from outside feedmill, with or
without CurveZMQ, to show what a stranger on the network can and cannot do:

  stranger.py [KEYS] ready ENDPOINT SECONDS
      a fake worker: a DEALER that says READY (credit 2) every half second
      for SECONDS and prints the id of every DOC it receives, one a line,
      never answering (it holds them)
  stranger.py [KEYS] result ENDPOINT ID       PUSH a RESULT with a made-up record
  stranger.py [KEYS] failed ENDPOINT ID       PUSH a FAILED (a dead letter, at the sink)
  stranger.py [KEYS] work-failed ENDPOINT ID  a FAILED attempt on the work socket
  stranger.py [KEYS] ack ENDPOINT ID...       PUSH an ACK "stored" for each ID
  stranger.py [KEYS] submit ENDPOINT FILE     SUBMIT FILE's bytes (ref 1) to a submission
      socket and print the type of the answer ("accepted"), or nothing after 3 s

KEYS: --cert FILE (our secret certificate, CZMQ's format) or --random-key
(a fresh key pair nobody allowed), with --server FILE (the server's public
certificate). Without KEYS: plain TCP, no CURVE at all.
"""
import argparse
import sys
import time

import msgpack
import zmq
import zmq.auth


def curve(socket, args):
    if not args.cert and not args.random_key:
        return
    if args.random_key:
        public, secret = zmq.curve_keypair()
    else:
        public, secret = zmq.auth.load_certificate(args.cert)
    server, _ = zmq.auth.load_certificate(args.server)
    socket.curve_publickey = public
    socket.curve_secretkey = secret
    socket.curve_serverkey = server


def connect(ctx, kind, args):
    socket = ctx.socket(kind)
    socket.linger = 1000
    # A refused connection never completes, and DEALER and PUSH block
    # their sends until one does: give up on a message after a while.
    socket.sndtimeo = 3000
    curve(socket, args)
    socket.connect(args.endpoint)
    return socket


def message(kind, **fields):
    return msgpack.packb(dict(v=1, type=kind, **fields))


def record(doc_id):
    return dict(kind="text", lang="en", title="forged by a stranger", published=None,
                author=None, body="This row was written by a stranger.", entities=[],
                keywords=["forged"], simhash="0000000000000000")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--random-key", action="store_true")
    parser.add_argument("--server")
    parser.add_argument("mode")
    parser.add_argument("endpoint")
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args()
    ctx = zmq.Context()
    if args.mode == "ready":
        socket = connect(ctx, zmq.DEALER, args)
        deadline = time.time() + float(args.rest[0])
        received = 0
        while time.time() < deadline:
            try:
                socket.send(message("ready", credit=2, received=received), zmq.NOBLOCK)
            except zmq.Again:
                pass   # not connected (yet, or ever)
            if socket.poll(500):
                doc = msgpack.unpackb(socket.recv(), raw=False)
                received += 1
                if doc.get("type") == "doc":
                    print(doc["id"], flush=True)
    elif args.mode == "submit":
        socket = connect(ctx, zmq.DEALER, args)
        with open(args.rest[0], "rb") as f:
            body = f.read()
        try:
            socket.send(message("submit", ref=1, body=body))
        except zmq.Again:
            print("stranger: not delivered (no connection)", file=sys.stderr)
        if socket.poll(3000):
            print(msgpack.unpackb(socket.recv(), raw=False).get("type"), flush=True)
    else:
        kind = zmq.DEALER if args.mode == "work-failed" else zmq.PUSH
        socket = connect(ctx, kind, args)
        for doc_id in args.rest:
            if args.mode == "result":
                body = message("result", id=doc_id, source="stranger.txt", attempt=1,
                               record=record(doc_id))
            elif args.mode in ("failed", "work-failed"):
                body = message("failed", id=doc_id, source="stranger.txt", attempt=1,
                               error="forged by a stranger")
            elif args.mode == "ack":
                body = message("ack", id=doc_id, status="stored")
            else:
                sys.exit("stranger: unknown mode " + args.mode)
            try:
                socket.send(body)
            except zmq.Again:
                print("stranger: not delivered (no connection)", file=sys.stderr)
        time.sleep(0.5)   # a connection that will be accepted has the time to be
    socket.close()
    ctx.term()


if __name__ == "__main__":
    main()
