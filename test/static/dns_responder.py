#!/usr/bin/env python3
"""Minimal UDP DNS responder for check-static-nss.

Answers A queries for the names given as NAME=IPV4 arguments, NXDOMAIN for
other names, and an empty NOERROR for other types of a known name. Listens
on 127.0.0.1:53 only (run it in a network namespace of your own) and exits by
itself after --lifetime seconds. Prints "ready" once bound.
"""
import argparse
import socket
import struct
import sys
import time


def parse_qname(packet, offset):
    labels = []
    while True:
        length = packet[offset]
        offset += 1
        if length == 0:
            return ".".join(labels).lower(), offset
        labels.append(packet[offset:offset + length].decode("ascii", "replace"))
        offset += length


def answer(packet, records):
    (qid, flags, qdcount) = struct.unpack("!HHH", packet[:6])
    if qdcount != 1:
        return None
    name, end = parse_qname(packet, 12)
    qtype, qclass = struct.unpack("!HH", packet[end:end + 4])
    question = packet[12:end + 4]
    rd = flags & 0x0100
    if name not in records:
        header = struct.pack("!HHHHHH", qid, 0x8180 | rd | 3, 1, 0, 0, 0)
        return header + question
    if qtype != 1:  # known name, no record of that type
        header = struct.pack("!HHHHHH", qid, 0x8180 | rd, 1, 0, 0, 0)
        return header + question
    rdata = socket.inet_aton(records[name])
    rr = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, len(rdata)) + rdata
    header = struct.pack("!HHHHHH", qid, 0x8180 | rd, 1, 1, 0, 0)
    return header + question + rr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lifetime", type=float, default=60.0)
    parser.add_argument("records", nargs="*", help="NAME=IPV4")
    args = parser.parse_args()
    records = dict(r.lower().split("=", 1) for r in args.records)

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 53))
    print("ready", flush=True)
    deadline = time.monotonic() + args.lifetime
    while (remaining := deadline - time.monotonic()) > 0:
        sock.settimeout(remaining)
        try:
            packet, peer = sock.recvfrom(512)
        except socket.timeout:
            break
        try:
            reply = answer(packet, records)
        except (IndexError, struct.error):
            continue
        if reply is not None:
            print(f"query {parse_qname(packet, 12)[0]} from {peer[0]}", file=sys.stderr, flush=True)
            sock.sendto(reply, peer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
