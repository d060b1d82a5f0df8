"""Writes msgpack_vectors.json: bytes packed by Python's msgpack (as zerorpc packs
them: use_bin_type=True) for every type and edge value, with a typed description the
Swift tests rebuild the expected value from.

Run: .venv/bin/python Tests/ZeroRPCTests/Fixtures/make_msgpack_vectors.py
"""
import json
import math
import os
import struct

import msgpack

vectors = []


def describe(value):
    if value is None:
        return {"nil": None}
    if isinstance(value, msgpack.Timestamp):
        return {"timestamp": [value.seconds, value.nanoseconds]}
    # ExtType is a namedtuple: test it before tuples.
    if isinstance(value, msgpack.ExtType):
        return {"ext": [value.code, value.data.hex()]}

    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, float):
        return {"double": struct.pack(">d", value).hex()}
    if isinstance(value, str):
        return {"str": value}
    if isinstance(value, bytes):
        return {"bin": value.hex()}
    if isinstance(value, (list, tuple)):
        if len(value) > 100 and all(v == value[0] for v in value):
            return {"repeat": [len(value), describe(value[0])]}
        return {"array": [describe(v) for v in value]}
    if isinstance(value, dict):
        return {"map": [[describe(k), describe(v)] for k, v in value.items()]}
    raise TypeError(value)


def add(name, value, **packer_options):
    packed = msgpack.packb(value, use_bin_type=True, **packer_options)
    assert msgpack.unpackb(packed, raw=False, strict_map_key=False) == value or value != value
    vectors.append({"name": name, "hex": packed.hex(), "value": describe(value)})


add("nil", None)
add("true", True)
add("false", False)
for n in [0, 1, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**63 - 1, 2**63, 2**64 - 1,
          -1, -32, -33, -128, -129, -32768, -32769, -2**31, -2**31 - 1, -2**63]:
    add(f"int {n}", n)
for x in [0.0, -0.0, 1.5, -2.0, 1e300, 5e-324, math.inf, -math.inf, math.nan]:
    add(f"double {x!r}", x)
vectors.append({"name": "float32 1.5", "hex": msgpack.packb(1.5, use_single_float=True).hex(),
                "value": {"float": struct.pack(">f", 1.5).hex()}})
for s in ["", "a", "x" * 31, "x" * 32, "x" * 255, "x" * 256, "x" * 65535, "x" * 70000, "héllo ✓ 🚀"]:
    add(f"str len {len(s.encode())}", s)
for b in [b"", b"\x00\xff", bytes(range(256)), b"\x01" * 65536]:
    add(f"bin len {len(b)}", b)
add("empty array", [])
add("array 15", list(range(15)))
add("array 16", list(range(16)))
add("array 65536", [0] * 65536)
add("empty map", {})
add("map 15", {str(i): i for i in range(15)})
add("map 16", {str(i): i for i in range(16)})
add("nested", {"a": [1, {"b": [None, True, 2.5, "s", b"\x01"]}], "c": {}})
add("timestamp 32", msgpack.Timestamp(1, 0))
add("timestamp 64", msgpack.Timestamp(1700000000, 123456789))
add("timestamp 96", msgpack.Timestamp(-1, 999999999))
add("timestamp 96 far future", msgpack.Timestamp(2**40, 5))
add("ext fixext1", msgpack.ExtType(5, b"\x01"))
add("ext fixext16", msgpack.ExtType(3, bytes(16)))
add("ext8", msgpack.ExtType(42, b"abc"))

invalid = [
    {"name": "str with invalid UTF-8", "hex": "a2c328", "error": "expected str, got str with invalid UTF-8"},
    {"name": "truncated str", "hex": "a5616263", "error": "expected str, got 5 bytes claimed, 3 left"},
    {"name": "reserved byte", "hex": "c1", "error": "expected a value, got reserved byte 0xc1"},
    {"name": "array claiming more elements than bytes", "hex": "dd7fffffff01",
     "error": "expected array of at most 1 elements (the bytes left), got array header claiming 2147483647"},
    {"name": "truncated uint32", "hex": "ce0001", "error": "expected int, got end of data"},
]

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "msgpack_vectors.json"), "w") as out:
    json.dump({"generator": f"python msgpack {'.'.join(map(str, msgpack.version))}",
               "valid": vectors, "invalid": invalid}, out, indent=1)
    out.write("\n")
print(f"{len(vectors)} valid, {len(invalid)} invalid vectors")
