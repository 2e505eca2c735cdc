#!/usr/bin/env bash
# Black-box tests of the real Tether jar with VTest (varnishtest, Debian package `varnish`).
#
#   vtest/run.sh [JAR] [TEST.vtc ...]
#
# JAR defaults to the newest proxy-core/target*/proxy-core-*-all.jar. Each test file gets its own free port for
# Tether's listener (macro tether_port) and starts Tether itself with `process`. Exit status: 0 when all passed or
# when varnishtest is not installed (skipped, with a message), 1 when a test failed, 2 on a usage error.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

if ! command -v varnishtest >/dev/null 2>&1; then
    echo "vtest: SKIPPED: varnishtest is not installed (apt-get install -y varnish)"
    exit 0
fi

jar="${1:-}"
if [[ -n "$jar" && "$jar" == *.jar ]]; then
    shift
else
    jar="$(ls -t "$root"/proxy-core/target*/proxy-core-*-all.jar 2>/dev/null | head -n 1 || true)"
fi
if [[ -z "$jar" || ! -f "$jar" ]]; then
    echo "vtest: no Tether jar; build one: ./mvnw -o -q -B -pl proxy-core -am package -DskipTests -DskipITs" >&2
    exit 2
fi

jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")" # process runs in the test's own directory

tests=("$@")
if [[ ${#tests[@]} -eq 0 ]]; then
    tests=("$here"/tests/*.vtc)
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

failed=0
for t in "${tests[@]}"; do
    port="$(free_port)"
    if varnishtest -q -t 60 -D tether_jar="$jar" -D tether_port="$port" "$t"; then
        echo "vtest: passed $(basename "$t")"
    else
        echo "vtest: FAILED $(basename "$t") (rerun with: varnishtest -v -D tether_jar=$jar -D tether_port=$port $t)"
        failed=1
    fi
done
exit $failed
