# zerorpc-swift — every set-up step a fresh Debian machine needs lives here.
#   make demo    install what is missing, build, run the calculator demo
#   make test    install what is missing (+ a Python venv with zerorpc), run all tests
#   make bench   run the benchmark against its baselines (release build)
#   make callgrind  instructions per call, ours against C zerorpc (valgrind)

SWIFT        ?= swift
PYTHON       ?= python3
VENV         := .venv
VENV_PYTHON  := $(CURDIR)/$(VENV)/bin/python
VENV_STAMP   := $(VENV)/.installed-0.6.3
APT_PACKAGES := libzmq3-dev libmsgpack-dev libsqlite3-dev pkg-config
PY_PACKAGES  := zerorpc==0.6.3 msgpack

# Tests find the interop Python through this variable; without it they fail loudly.
export ZERORPC_PYTHON := $(VENV_PYTHON)

.PHONY: all deps venv build build-tests test test-plugin test-asan test-tsan demo bench grpc-baseline lint format clean fuzz
.PHONY: pg-deps

all: build

## deps: install the system libraries with apt-get when they are missing (root only).
deps:
	@missing=""; \
	for pkg in $(APT_PACKAGES); do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "==> installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "error: missing system packages:$$missing" >&2; \
	    echo "       install them with: sudo apt-get install$$missing" >&2; \
	    exit 1; \
	  fi; \
	fi

## pg-deps: PostgreSQL from Debian, for the PostgresResultStore tests (the deps recipe
## with another list). The tests start a private cluster of their own through
## Tests/Postgres/pg-cluster.sh; nothing uses a system-wide server.
pg-deps:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="postgresql"

## venv: a Python virtualenv with stock zerorpc, for the interop tests.
venv: $(VENV_STAMP)

$(VENV_STAMP):
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv; \
	  else echo "error: python3 is needed for the interop tests" >&2; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(PY_PACKAGES)
	@touch $@

build: deps
	$(SWIFT) build

build-tests: deps
	$(SWIFT) build --build-tests

# Runs on its own after the parallel run: it stops and restarts a PostgreSQL cluster
# under a store. (ServiceLifecycleTests ran alone too until session 8 found why its held
# call lost its reply inside the parallel run: libzmq dropped it at the server's
# disconnect, docs/RUNTIME.md, "Replies just before a disconnect".) ClientBacklogTests
# runs alone too: its 10,000 calls in flight take both cores for a moment, which starves
# the tests that check a stream's consumer received for itself.
SERIAL_TESTS := DeferredPostgresOutageTests|ClientBacklogTests

test: deps pg-deps venv baselines build-tests
	Tests/Postgres/pg-cluster.sh run $(SWIFT) test --skip-build --parallel --skip '$(SERIAL_TESTS)'
	Tests/Postgres/pg-cluster.sh run $(SWIFT) test --skip-build --filter '$(SERIAL_TESTS)'
	.build/debug/zerorpc-bench --smoke
	.build/debug/zerorpc-bench --smoke --sequential-only
	.build/debug/zerorpc-bench --smoke --streams-only
	.build/debug/zerorpc-bench check-report
	.build/debug/zerorpc-bench --smoke --events
	Tests/ZeroRPCCodeGenTests/PluginFixture/check-plugin.sh

## test-plugin: a user package built with the plugin, as a user would (also run by test).
test-plugin: deps
	Tests/ZeroRPCCodeGenTests/PluginFixture/check-plugin.sh

## test-asan, test-tsan: every test under a sanitizer, in two runs of one build: the
## CPU-bound parser and generator tests, then the rest, whose heartbeats and timers must
## not share the 2 cores' concurrency pool with them. ZERORPC_SANITIZED=1 scales the
## tests' periods (Tests/ZeroRPCTestSupport/TestTiming.swift, docs/RUNTIME.md).
SANITIZED_CPU_TESTS := 'ZeroRPCSchemaTests\.|ZeroRPCCodeGenTests\.'
# Under a sanitizer, ReapedPeerMemoryTests (400 streams in a server process of its own)
# also runs after the parallel run: inside it, the sanitized load kept its streams from
# all starting within the test's bound (three TSan runs in session 9; alone it passed in
# 11 s each time).
SANITIZED_SERIAL_TESTS := $(SERIAL_TESTS)|ReapedPeerMemoryTests
# At most six tests at a time in the sanitized parallel run: unbounded, the instrumented
# suite started every test at once and starved process start-ups, PostgreSQL's first
# connections and heartbeats past their bounds on 2 cores (69 timeouts in session 14's
# TSan run, none with this bound in session 15, in 157 s).
SANITIZED_WIDTH := --experimental-maximum-parallelization-width 6
ASAN_ENV := ZERORPC_SANITIZED=1 LSAN_OPTIONS=suppressions=$(CURDIR)/.lsan-suppressions \
  ASAN_OPTIONS=suppressions=$(CURDIR)/.asan-suppressions

# ASan's handle_abort: a libzmq assertion (abort) prints a stack trace, not just the message.
test-asan: deps pg-deps venv
	$(ASAN_ENV) $(SWIFT) test --sanitize=address --scratch-path .build-asan --filter $(SANITIZED_CPU_TESTS)
	$(ASAN_ENV):handle_abort=1 Tests/Postgres/pg-cluster.sh run \
	  $(SWIFT) test --sanitize=address --scratch-path .build-asan $(SANITIZED_WIDTH) \
	  --skip $(SANITIZED_CPU_TESTS)'|$(SANITIZED_SERIAL_TESTS)'
	$(ASAN_ENV):handle_abort=1 Tests/Postgres/pg-cluster.sh run \
	  $(SWIFT) test --sanitize=address --scratch-path .build-asan --filter '$(SANITIZED_SERIAL_TESTS)'

test-tsan: deps pg-deps venv
	ZERORPC_SANITIZED=1 $(SWIFT) test --sanitize=thread --scratch-path .build-tsan --filter $(SANITIZED_CPU_TESTS)
	ZERORPC_SANITIZED=1 Tests/Postgres/pg-cluster.sh run \
	  $(SWIFT) test --sanitize=thread --scratch-path .build-tsan $(SANITIZED_WIDTH) \
	  --skip $(SANITIZED_CPU_TESTS)'|$(SANITIZED_SERIAL_TESTS)'
	ZERORPC_SANITIZED=1 Tests/Postgres/pg-cluster.sh run \
	  $(SWIFT) test --sanitize=thread --scratch-path .build-tsan --filter '$(SANITIZED_SERIAL_TESTS)'

## demo: the calculator of Schemas/calculator.rpc, server and client (Examples/Calculator).
demo: deps
	$(SWIFT) build --product calculator-server
	$(SWIFT) build --product calculator-client
	Examples/Calculator/run-demo.sh .build/debug

## bench: every scenario against its baselines, release build (see docs/PERFORMANCE.md).
bench: deps pg-deps venv baselines grpc-baseline
	$(SWIFT) build -c release --product zerorpc-bench
	PG_FSYNC=on Tests/Postgres/pg-cluster.sh run .build/release/zerorpc-bench $(BENCH_ARGS)

## grpc-baseline: the grpc-swift-2 baseline, a package of its own so the main package never
## depends on gRPC; minutes to build the first time, so `make test` never builds it.
GRPC_DIR := Benchmarks/GRPCBaseline
grpc-baseline:
	$(SWIFT) build -c release --package-path $(GRPC_DIR) --scratch-path $(GRPC_DIR)/.build

lint:
	$(SWIFT) format lint --strict -r Sources Tests Plugins Benchmarks Examples

format:
	$(SWIFT) format -i -r Sources Tests Plugins Benchmarks Examples

clean:
	rm -rf .build .build-asan .build-tsan $(VENV) $(GRPC_DIR)/.build

## fuzz: libFuzzer over the MessagePack reader, the IDL front end (lexer, parser, checker,
## generator) and the server's event decoding and dispatch (a real Server on inproc://),
## FUZZ_SECONDS each (default 30). Built with swiftc: SwiftPM executables rename `main`,
## which libFuzzer's own main trips over. Seeds in Tests/Fuzz/Corpus; new inputs and any
## crash-*/timeout-* in $(FUZZ_DIR). See docs/SECURITY.md, "Fuzzing".
FUZZ_SECONDS ?= 30
FUZZ_DIR     := .build-fuzz
SWIFTC       ?= swiftc
# fuzz-long rebuilds into $(FUZZ_DIR)/long without ASan (FUZZ_SANITIZE=fuzzer) for throughput.
FUZZ_SANITIZE ?= fuzzer,address
FUZZ_BIN     ?= $(FUZZ_DIR)
FUZZ_SWIFTC  := $(SWIFTC) -O -sanitize=$(FUZZ_SANITIZE) -parse-as-library
FUZZ_LIMIT   ?= -max_total_time=$(FUZZ_SECONDS)
FUZZ_RUN     := $(FUZZ_LIMIT) -timeout=20 -max_len=4096 -print_final_stats=1
# Swift's backtracer and ASan both catch the fatal signal; ASan's report is the one we want.
fuzz-messagepack fuzz-schema fuzz-server: export SWIFT_BACKTRACE = enable=no
.PHONY: fuzz-build fuzz-messagepack fuzz-schema fuzz-server
fuzz: fuzz-messagepack fuzz-schema fuzz-server

fuzz-build: deps
	@mkdir -p $(FUZZ_DIR)/modules $(FUZZ_BIN)
	$(FUZZ_SWIFTC) -module-name ZeroRPCFuzz -I Sources/CMessagePack -lmsgpackc \
	  Tests/Fuzz/MessagePackFuzz.swift Sources/ZeroRPC/Wire/MessagePack*.swift Sources/ZeroRPC/Wire/Timestamp.swift \
	  Sources/ZeroRPC/Wire/LargePayload.swift Sources/ZeroRPC/Wire/EventBytes.swift \
	  -o $(FUZZ_BIN)/messagepack-fuzz
	$(FUZZ_SWIFTC) -module-name ZeroRPCSchema Tests/Fuzz/SchemaFuzz.swift Tests/ZeroRPCSchemaTests/SchemaFuzzInput.swift \
	  $$(find Sources/ZeroRPCSchema Sources/ZeroRPCCodeGen -name '*.swift') -o $(FUZZ_BIN)/schema-fuzz
	$(SWIFT) package resolve
	$(SWIFTC) -O -swift-version 6 -parse-as-library -module-name Logging -package-name swift_log \
	  -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility \
	  -enable-upcoming-feature InternalImportsByDefault -emit-module -emit-library -static \
	  -emit-module-path $(FUZZ_DIR)/modules/Logging.swiftmodule -o $(FUZZ_DIR)/modules/libLogging.a \
	  $$(find .build/checkouts/swift-log/Sources/Logging -name '*.swift')
	$(FUZZ_SWIFTC) -swift-version 6 -module-name ZeroRPC -package-name zerorpc_swift \
	  -I $(FUZZ_DIR)/modules -L $(FUZZ_DIR)/modules -lLogging -I Sources/CZeroMQ -I Sources/CMessagePack -lzmq -lmsgpackc \
	  Tests/Fuzz/ServerFuzz.swift Tests/ZeroRPCTests/Fuzz/ServerFuzzInput.swift \
	  $$(find Sources/ZeroRPC -name '*.swift') -o $(FUZZ_BIN)/server-fuzz

fuzz-messagepack: fuzz-build
	@mkdir -p $(FUZZ_DIR)/corpus-messagepack
	$(FUZZ_BIN)/messagepack-fuzz $(FUZZ_RUN) -artifact_prefix=$(FUZZ_DIR)/messagepack- $(FUZZ_DIR)/corpus-messagepack Tests/Fuzz/Corpus/messagepack

fuzz-schema: fuzz-build
	@mkdir -p $(FUZZ_DIR)/corpus-schema
	$(FUZZ_BIN)/schema-fuzz $(FUZZ_RUN) $(FUZZ_SCHEMA_LEN) -artifact_prefix=$(FUZZ_DIR)/schema- -dict=Tests/Fuzz/schema.dict $(FUZZ_DIR)/corpus-schema Tests/Fuzz/Corpus/schema

# Leak checks off: the server lives across inputs, so memory an input allocates is often
# still in use after it, and Swift's weak-reference side tables read as leaks to LSan.
fuzz-server: fuzz-build
	@mkdir -p $(FUZZ_DIR)/corpus-server
	ASAN_OPTIONS=detect_leaks=0 $(FUZZ_BIN)/server-fuzz $(FUZZ_RUN) -artifact_prefix=$(FUZZ_DIR)/server- -detect_leaks=0 -dict=Tests/Fuzz/server.dict \
	  $(FUZZ_DIR)/corpus-server Tests/Fuzz/Corpus/server

## fuzz-long: the long run (docs/SECURITY.md, "Long runs"): the same three targets and
## corpora built without ASan (libFuzzer's coverage and its checks only) for throughput,
## each run until FUZZ_RUNS executions or FUZZ_LONG_SECONDS, whichever comes first.
## `make -j3 fuzz-long` runs them side by side. CI keeps the ASan build of `make fuzz`.
## The IDL target's long run takes inputs of at most 1 KiB (a later -max_len wins): the
## front end costs time in proportion to its input, and every construct, limit and import
## case fits in 1 KiB (docs/SECURITY.md, "Long runs", says why that loses nothing).
FUZZ_RUNS         ?= 10000000
FUZZ_LONG_SECONDS ?= 14400
.PHONY: fuzz-long
fuzz-long:
	$(MAKE) fuzz FUZZ_SANITIZE=fuzzer FUZZ_BIN=$(FUZZ_DIR)/long \
	  FUZZ_LIMIT="-runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_LONG_SECONDS)" FUZZ_SCHEMA_LEN=-max_len=1024

## faults: servers and clients in processes of their own, killed, restarted, flooded
## (Tests/ZeroRPCFaultTests; docs/SECURITY.md). Part of `make test` too.
.PHONY: faults
faults: deps build-tests
	$(SWIFT) test --skip-build --filter ZeroRPCFaultTests

## baselines: the C floor for the benchmarks (raw libzmq ping-pong, C zerorpc add and stream) and
## the malloc counter preloaded for allocations per call.
BASELINES_DIR := Benchmarks/Baselines/c
BASELINES     := $(BASELINES_DIR)/bin/raw_pingpong $(BASELINES_DIR)/bin/zerorpc_add \
                 $(BASELINES_DIR)/bin/libmalloc_count.so $(BASELINES_DIR)/bin/raw_pushpull \
                 $(BASELINES_DIR)/bin/zerorpc_stream
BASELINE_CFLAGS ?= -O2 -Wall -Wextra

.PHONY: baselines
baselines: deps $(BASELINES)

$(BASELINES_DIR)/bin/raw_pingpong: $(BASELINES_DIR)/raw_pingpong.c $(BASELINES_DIR)/bench_common.h
	@mkdir -p $(@D)
	$(CC) $(BASELINE_CFLAGS) -o $@ $< -lzmq

$(BASELINES_DIR)/bin/zerorpc_add: $(BASELINES_DIR)/zerorpc_add.c $(BASELINES_DIR)/zerorpc_event.h $(BASELINES_DIR)/bench_common.h
	@mkdir -p $(@D)
	$(CC) $(BASELINE_CFLAGS) -o $@ $< -lzmq -lmsgpackc

$(BASELINES_DIR)/bin/zerorpc_stream: $(BASELINES_DIR)/zerorpc_stream.c $(BASELINES_DIR)/zerorpc_event.h $(BASELINES_DIR)/bench_common.h
	@mkdir -p $(@D)
	$(CC) $(BASELINE_CFLAGS) -o $@ $< -lzmq -lmsgpackc

$(BASELINES_DIR)/bin/raw_pushpull: $(BASELINES_DIR)/raw_pushpull.c $(BASELINES_DIR)/bench_common.h
	@mkdir -p $(@D)
	$(CC) $(BASELINE_CFLAGS) -o $@ $< -lzmq

$(BASELINES_DIR)/bin/libmalloc_count.so: $(BASELINES_DIR)/malloc_count.c
	@mkdir -p $(@D)
	$(CC) $(BASELINE_CFLAGS) -shared -fPIC -o $@ $<

## callgrind: user-space instructions per add call, client and server, zerorpc-swift
## against C zerorpc (valgrind; a few minutes). See docs/PERFORMANCE.md.
CALLGRIND_DIR := Benchmarks/Callgrind
.PHONY: callgrind
callgrind: deps baselines $(CALLGRIND_DIR)/bin/libsigsuspend_copy.so
	$(SWIFT) build -c release --product zerorpc-bench
	$(CALLGRIND_DIR)/count-instructions.sh .build/release/zerorpc-bench $(CALLGRIND_CALLS)

$(CALLGRIND_DIR)/bin/libsigsuspend_copy.so: $(CALLGRIND_DIR)/sigsuspend_copy.c
	@mkdir -p $(@D)
	$(CC) $(BASELINE_CFLAGS) -shared -fPIC -o $@ $<

## docs: the DocC catalog of ZeroRPC (Sources/ZeroRPC/ZeroRPC.docc, swift-docc-plugin) into
## .build/plugins/Swift-DocC/outputs/ZeroRPC.doccarchive; fails on a broken doc link.
.PHONY: docs
docs:
	$(SWIFT) package generate-documentation --target ZeroRPC --warnings-as-errors

## callgrind-metrics: instructions per call with and without the metrics interceptors
## (issue 14; docs/PRODUCTION.md, "Cost").
.PHONY: callgrind-metrics
callgrind-metrics: deps baselines $(CALLGRIND_DIR)/bin/libsigsuspend_copy.so
	$(SWIFT) build -c release --product zerorpc-bench
	COUNT_OBSERVABILITY=1 $(CALLGRIND_DIR)/count-instructions.sh .build/release/zerorpc-bench 500 1500

## hostile: the hostile-input run against a server process: ERR count and RSS growth
## (docs/SECURITY.md, "Hostile input"). Measures; the assertions are in the tests.
.PHONY: hostile
hostile: venv build-tests
	$(VENV_PYTHON) Tests/Hostile/hostile_run.py
