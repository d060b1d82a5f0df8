"""Stock zerorpc 0.6.3 client: the Python baseline for `make bench`.

Usage: bench_client.py ENDPOINT [--calls N] [--window N]

Runs N sequential add(1, 2) calls against ENDPOINT (any zerorpc server with `add`,
e.g. Tests/InteropTests/python/server.py), then N calls with WINDOW in flight through
zerorpc's async mode, and prints one JSON line like the C baselines.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "Tests", "InteropTests", "python"))
import py311_compat  # noqa: E402,F401  (must precede zerorpc)

import zerorpc  # noqa: E402


def percentile(sorted_values, fraction):
    index = min(len(sorted_values) - 1, int(fraction * len(sorted_values)))
    return sorted_values[index]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--window", type=int, default=64)
    args = parser.parse_args()

    client = zerorpc.Client(timeout=30)
    client.connect(args.endpoint)
    client.add(1, 2)  # connect and warm up

    latencies = []
    start = time.perf_counter()
    for _ in range(args.calls):
        began = time.perf_counter()
        if client.add(1, 2) != 3:
            sys.exit("wrong sum")
        latencies.append(time.perf_counter() - began)
    sequential_seconds = time.perf_counter() - start
    latencies.sort()

    start = time.perf_counter()
    pending = []
    for _ in range(args.calls):
        pending.append(client.add(1, 2, **{"async": True}))
        if len(pending) >= args.window:
            if pending.pop(0).get() != 3:
                sys.exit("wrong sum")
    for result in pending:
        if result.get() != 3:
            sys.exit("wrong sum")
    pipelined_seconds = time.perf_counter() - start

    print(json.dumps({
        "baseline": "python_zerorpc",
        "sequential_calls": args.calls,
        "sequential_per_s": round(args.calls / sequential_seconds),
        "sequential_p50_us": round(percentile(latencies, 0.50) * 1e6, 1),
        "sequential_p99_us": round(percentile(latencies, 0.99) * 1e6, 1),
        "window": args.window,
        "pipelined_per_s": round(args.calls / pipelined_seconds),
    }), flush=True)
    client.close()


if __name__ == "__main__":
    main()
