"""Stock zerorpc 0.6.3 client: the Python baseline for `make bench`.

Usage: bench_client.py ENDPOINT [--calls N] [--window N] [--pipelined M] [--records N]
                        [--warmup W]

Makes W untimed add calls (default 1; zerorpc-bench passes the warm-up every
implementation gets), then N sequential add(1, 2) calls against ENDPOINT (any zerorpc
server with `add`, e.g. bench_server.py), then M (default N) calls with WINDOW in
flight through zerorpc's async mode, then (with --records N) N sequential echo_records
of 100 records, and prints one JSON line like the C baselines.
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


def sample(index):
    """The index-th record, as BenchRecord.sample builds it in zerorpc-bench."""
    return {
        "id": index, "name": "record-%d" % index, "score": index * 0.5,
        "active": index % 2 == 0, "tags": ["alpha", "beta"],
        "note": None if index % 3 == 0 else "note %d" % index,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--records", type=int, default=0)
    parser.add_argument("--pipelined", type=int, default=None)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()

    client = zerorpc.Client(timeout=30)
    client.connect(args.endpoint)
    for _ in range(max(1, args.warmup)):  # connect and warm up
        client.add(1, 2)
    pipelined_calls = args.pipelined if args.pipelined else args.calls

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
    for _ in range(pipelined_calls):
        pending.append(client.add(1, 2, **{"async": True}))
        if len(pending) >= args.window:
            if pending.pop(0).get() != 3:
                sys.exit("wrong sum")
    for result in pending:
        if result.get() != 3:
            sys.exit("wrong sum")
    pipelined_seconds = time.perf_counter() - start

    report = {
        "baseline": "python_zerorpc",
        "sequential_calls": args.calls,
        "sequential_per_s": round(args.calls / sequential_seconds),
        "sequential_p50_us": round(percentile(latencies, 0.50) * 1e6, 1),
        "sequential_p99_us": round(percentile(latencies, 0.99) * 1e6, 1),
        "window": args.window,
        "pipelined_calls": pipelined_calls,
        "pipelined_per_s": round(pipelined_calls / pipelined_seconds),
    }

    if args.records > 0:
        records = [sample(index) for index in range(100)]
        client.echo_records(records)
        start = time.perf_counter()
        for _ in range(args.records):
            if len(client.echo_records(records)) != 100:
                sys.exit("echo_records lost records")
        report["records_calls"] = args.records
        report["records_per_s"] = round(args.records / (time.perf_counter() - start), 1)

    print(json.dumps(report), flush=True)
    client.close()


if __name__ == "__main__":
    main()
