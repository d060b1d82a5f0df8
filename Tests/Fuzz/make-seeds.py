#!/usr/bin/env python3
"""Writes the seed corpora of two fuzz targets (`make fuzz`):
- Tests/Fuzz/Corpus/server/: for ServerFuzz.swift, one file per conversation a peer may
  start, in the harness's input format (messages split on C1 00, frames on C1 01);
- Tests/Fuzz/Corpus/messagepack/: for MessagePackFuzz.swift, the events of those
  conversations one per file, plus msgpack edge values.
Run it again after changing the seeds; the files are committed so `make fuzz` needs no
Python.

A small msgpack encoder of its own keeps this free of third-party packages."""

import os
import struct
import sys


def pack(value):
    if value is None:
        return b"\xc0"
    if value is True:
        return b"\xc3"
    if value is False:
        return b"\xc2"
    if isinstance(value, int):
        if 0 <= value < 128:
            return bytes([value])
        if -32 <= value < 0:
            return struct.pack("b", value)
        if 0 <= value < 2**64:
            return b"\xcf" + struct.pack(">Q", value)
        return b"\xd3" + struct.pack(">q", value)
    if isinstance(value, float):
        return b"\xcb" + struct.pack(">d", value)
    if isinstance(value, str):
        data = value.encode()
        if len(data) < 32:
            return bytes([0xA0 | len(data)]) + data
        return b"\xd9" + bytes([len(data)]) + data
    if isinstance(value, bytes):
        return b"\xc4" + bytes([len(value)]) + value
    if isinstance(value, list):
        return bytes([0x90 | len(value)]) + b"".join(pack(item) for item in value)
    if isinstance(value, dict):
        return bytes([0x80 | len(value)]) + b"".join(pack(k) + pack(v) for k, v in value.items())
    raise TypeError(value)


EXT = ["oneway", "deferred", "generator", "close"]


EVENTS = []


def event(name, args, message_id, response_to=None, **extra):
    header = {"message_id": message_id, "v": 3}
    if response_to is not None:
        header["response_to"] = response_to
    header.update(extra)
    encoded = pack([header, name, args])
    EVENTS.append(encoded)
    return encoded


def message(*frames):
    return b"\xc1\x01".join(frames)


def conversation(*messages):
    return b"\xc1\x00".join(messages)


def call(name, args, message_id, **extra):
    """A request as our client sends it: delimiter frame, then the event."""
    return message(b"", event(name, args, message_id, **extra))


SEEDS = {
    "ping": conversation(call("_zerorpc_ping", [], "a1")),
    "ping-without-delimiter": conversation(message(event("_zerorpc_ping", [], "a2"))),
    "inspect": conversation(call("_zerorpc_inspect", [], "a3", ext=EXT)),
    "args": conversation(call("_zerorpc_args", ["fz.add"], "a4"), call("_zerorpc_help", ["echo"], "a5")),
    "echo": conversation(call("echo", [1, "two", 3.0, None, True, [1], {"k": b"v"}], "u1")),
    "add": conversation(call("fz.add", [2, 3], "u2"), call("fz.add", [2], "u3"), call("fz.add", ["x"], "u4")),
    "add-ext": conversation(call("fz.add", [2**63, -1], 7, ext=EXT)),
    "unknown-method": conversation(call("nope", [], "u5")),
    "oneway": conversation(call("fz.note", ["hi"], "o1"), call("fz.note", [1, 2], "o2")),
    "oneway-flagged": conversation(call("fz.note", ["hi"], "o3", ext=EXT, oneway=True)),
    "stream": conversation(
        call("fz.count", [5], "s1", ext=EXT),
        call("_zpc_more", [10], "s2", response_to="s1"),
        call("_zpc_hb", [], "s3", response_to="s1"),
    ),
    "stream-close": conversation(
        call("fz.count", [64], "s4", ext=EXT),
        call("_zpc_more", [1], "s5", response_to="s4"),
        call("_zpc_close", [], "s6", response_to="s4"),
    ),
    "stream-huge-credit": conversation(
        call("fz.count", [64], "s7"), call("_zpc_more", [2**64 - 1], "s8", response_to="s7")
    ),
    "generator": conversation(
        call("fz.accumulate", [], "g1", ext=EXT),
        call("_zpc_more", [1], "g2", response_to="g1"),
        call("_zpc_send", [5], "g3", response_to="g1"),
        call("_zpc_throw", ["ValueError", "no", ""], "g4", response_to="g1"),
        call("_zpc_close", [], "g5", response_to="g1"),
    ),
    "deferred": conversation(
        call("wait", [40], "d1", ext=EXT, deferred=1),
        call("_zpc_status", ["token"], "d2", ext=EXT),
        call("_zpc_result", ["token", 5], "d3", ext=EXT),
        call("_zpc_cancel", ["token"], "d4", ext=EXT),
        call("_zpc_ack", ["token"], "d5", ext=EXT),
    ),
    "deferred-idempotent": conversation(
        call("wait", [10], "d6", ext=EXT, deferred=0, idem="key-1"),
        call("wait", [10], "d7", ext=EXT, deferred=0, idem="key-1"),
    ),
    "duplicate-id": conversation(call("wait", [20], "r1"), call("wait", [20], "r1")),
    "heartbeat-unknown-channel": conversation(call("_zpc_hb", [], "h1", response_to="nowhere")),
    "zpc-without-channel": conversation(call("_zpc_more", [1], "h2")),
    "malformed-header": conversation(message(b"", pack(["not a map", "echo", []]))),
    "malformed-short": conversation(message(b"", pack([{"message_id": "m1"}, "echo"]))),
    "malformed-args": conversation(message(b"", pack([{"message_id": "m2", "v": 3}, "echo", "not an array"]))),
    "binary-id": conversation(call("echo", [], b"\x00\x01\x02")),
    "integer-id": conversation(call("echo", [], 12345)),
    "many-frames": conversation(message(b"a", b"", b"b", event("echo", [], "f1"))),
    "empty-frames": conversation(message(b"", b""), message(b"")),
}


VALUES = {
    "integers": pack([0, -1, -32, -33, 127, 128, 255, 256, 65535, 65536, 2**32, 2**63 - 1, -(2**63), 2**64 - 1]),
    "floats": b"\x93" + pack(1.5) + b"\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00" + b"\xca\x7f\x80\x00\x00",
    "timestamps": b"\x93\xd6\xff\x00\x00\x00\x01\xd7\xff" + bytes(8) + b"\xc7\x0c\xff" + bytes(12),
    "containers": pack({"a": [1, {"b": [None, True, False]}], "c": b"bytes", 1: "int key"}),
    "str8-bin16": b"\xd9\x03abc\xc5\x00\x02xy\xdc\x00\x01\xc0\xde\x00\x01\xa1k\xc0",
    "ext": b"\xd4\x01\x00\xc7\x02\x05ab",
}


def write(directory, files):
    os.makedirs(directory, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(directory, name), "wb") as file:
            file.write(data)
    print(f"wrote {len(files)} seeds to {directory}", file=sys.stderr)


def main():
    corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")
    write(os.path.join(corpus, "server"), SEEDS)
    messagepack = {f"event-{index:02}": data for index, data in enumerate(EVENTS)}
    messagepack.update(VALUES)
    write(os.path.join(corpus, "messagepack"), messagepack)


if __name__ == "__main__":
    main()
