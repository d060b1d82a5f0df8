#!/usr/bin/env bash
# Builds a user package that uses the ZeroRPCGenerator plugin, the way a user would, and
# checks four things: it builds without warnings; it runs (a server under a ServiceGroup
# with logging, metrics and tracing); an unchanged .rpc file is not regenerated; a
# broken .rpc file fails the build with `path:line:column: error:` on that file.
# Slow (a fresh build of the package), so not part of `swift test`:
#   Tests/ZeroRPCCodeGenTests/PluginFixture/check-plugin.sh
set -euo pipefail

checkout="$(cd "$(dirname "$0")/../../.." && pwd)"
# The layout the README assumes: the user's package beside this checkout, reached as
# ../zerorpc-swift (a link here, whatever this checkout's folder is called), so the
# template's manifest is the README's, word for word.
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
ln -s "$checkout" "$root/zerorpc-swift"
work="$root/App"
mkdir "$work"
cp -R "$(dirname "$0")/Template/." "$work/"
cd "$work"

fail() { echo "check-plugin: FAIL: $*" >&2; exit 1; }

swift build >build.log 2>&1 || { cat build.log; fail "the fixture does not build"; }
# A user's build shows no warning from this package. Allowed: manifest warnings of
# other packages that SwiftPM prints for every dependency (swift-distributed-tracing
# 1.7 ships CMakeLists.txt files it does not declare).
warnings="$(grep "warning:" build.log | grep -vE "^warning: 'swift-distributed-tracing': found [0-9]+ file\(s\) which are unhandled" || true)"
[ -z "$warnings" ] || { echo "$warnings"; fail "the build printed warnings"; }
[ "$(.build/debug/App 2>/dev/null)" = "Hello, plugin!" ] || fail "the generated client and service do not answer under a ServiceGroup with logging, metrics and tracing"

# SwiftPM relinks the plugin's tool once on the first rebuild, which reruns the command;
# from then on an unchanged .rpc file must not be regenerated.
swift build >rebuild.log 2>&1 || { cat rebuild.log; fail "the rebuild failed"; }
swift build >rebuild.log 2>&1 || { cat rebuild.log; fail "the rebuild failed"; }
! grep -q "Generating Swift for greeter.rpc" rebuild.log || fail "an unchanged .rpc file was regenerated"

# Touched but not changed: the tool runs, leaves the generated file alone, nothing recompiles.
generated="$(find .build/plugins/outputs -name greeter.swift)"
before="$(stat -c %Y "$generated")"
sleep 1
touch Sources/App/greeter.rpc
swift build >touched.log 2>&1 || { cat touched.log; fail "the build after touch failed"; }
[ "$(stat -c %Y "$generated")" = "$before" ] || fail "an unchanged generated file was rewritten"
! grep -q "Compiling App" touched.log || fail "the target was recompiled for an unchanged .rpc file"

printf 'namespace greet\n\nservice Greeter {\n    hello(name: strng) -> string\n}\n' >Sources/App/greeter.rpc
if swift build >broken.log 2>&1; then fail "a broken .rpc file did not fail the build"; fi
expected="$work/Sources/App/greeter.rpc:4:17: error: unknown type \`strng\`; did you mean \`string\`?"
grep -qF "$expected" broken.log || { cat broken.log; fail "missing diagnostic: $expected"; }

echo "check-plugin: ok (builds without warnings and runs, no needless regeneration or recompilation, broken .rpc fails with its position)"
