#!/usr/bin/env bash
# The on-demand soak (issue 9; not run in CI): mixed traffic through an in-process Tether with servers killed and
# restarted, then an account of every request and of the heap. See dev.tether.bench.load.Soak.
#
#   bench/soak.sh [--seconds N]     default 600 (10 minutes); builds bench/target/benchmarks.jar when missing
#
# Exit status 0 when every check passed, 1 otherwise. Loopback only; it starts no other process.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/${BENCH_TARGET:-target}/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
    (cd "$root" && ./mvnw ${MVN_OFFLINE:+-o} -q -B -pl bench -am package -DskipTests -DskipITs) >&2
fi
exec java -Xmx512m -XX:+UseG1GC -cp "$jar" dev.tether.bench.load.Soak "$@"
