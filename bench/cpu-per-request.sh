#!/usr/bin/env bash
# Steady-state CPU per request of one or more Tether jars, interleaved, split by thread group.
#
#   bench/cpu-per-request.sh [--rounds N] [--warmup S] [--window S] LABEL=JAR[:JAVA_OPTS] ...
#
# For each round and each LABEL=JAR: bench/run.sh --contestants tether --scenarios keepalive-small with that jar
# (TETHER_JAR=JAR, 1 run of WINDOW + 6 s after WARMUP s of wrk warm-up), and from 3 s into the measured run a
# WINDOW-second sample of /proc/PID/task/*/stat. Prints nanoseconds of CPU per request for the event-loop threads
# (user and system apart), the JIT compiler threads and the GC threads; requests = wrk's req/s x WINDOW.
# Unlike run.sh's whole-process figure, this leaves out the JIT work of the first tens of seconds, which on a
# shared 2-core machine moves more than the request path does; interleaving the jars cancels slow drifts of load.
# Example (a change against its parent): bench/cpu-per-request.sh --rounds 3 old=/tmp/old.jar new=/tmp/new.jar
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=3 WARMUP=20 WINDOW=10 SPECS=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --rounds) ROUNDS=$2; shift ;;
        --warmup) WARMUP=$2; shift ;;
        --window) WINDOW=$2; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 2 ;;
        *=*) SPECS+=("$1") ;;
        *) echo "cpu-per-request.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
[[ ${#SPECS[@]} -gt 0 ]] || { echo "cpu-per-request.sh: give at least one LABEL=JAR" >&2; exit 2; }

# One line per thread: group user-ticks system-ticks.
snapshot() {
    local t name
    for t in /proc/"$1"/task/*; do
        name=$(cat "$t/comm" 2>/dev/null) || continue
        case $name in
            tether-io*) name=loop ;;
            C1*|C2*) name=jit ;;
            GC*|G1*) name=gc ;;
            *) name=other ;;
        esac
        awk -v g="$name" '{ print g, $14, $15 }' "$t/stat" 2>/dev/null || true
    done
}

printf '%-10s %8s %10s %10s %8s %8s %8s %10s  %s\n' label 'req/s' 'loop usr' 'loop sys' jit gc other total 'load avg'
for ((round = 1; round <= ROUNDS; round++)); do
    for spec in "${SPECS[@]}"; do
        label=${spec%%=*} rest=${spec#*=}
        jar=${rest%%:*} opts=""
        [[ $rest == *:* ]] && opts=${rest#*:}
        log=$(mktemp)
        TETHER_JAR=$jar TETHER_JAVA_OPTS="-Xms256m -Xmx256m $opts" "$ROOT/bench/run.sh" --contestants tether \
            --scenarios keepalive-small --runs 1 --duration $((WINDOW + 6)) --warmup "$WARMUP" >"$log" 2>&1 &
        bench=$!
        until grep -q "run 1 of 1" "$log" || ! kill -0 "$bench" 2>/dev/null; do sleep 0.5; done
        sleep 3
        # The Tether run.sh started for this round: it runs a copy of the jar inside this run's results folder.
        pid=$(pgrep -f "$ROOT/bench/results/[^ ]*/tether.jar" | head -1 || true)
        [[ -n $pid ]] || { echo "cpu-per-request.sh: Tether not found; see $log" >&2; exit 1; }
        snapshot "$pid" >"$log.a"; sleep "$WINDOW"; snapshot "$pid" >"$log.b"
        wait "$bench" || { echo "cpu-per-request.sh: run.sh failed; see $log" >&2; exit 1; }
        out=$(sed -n 's/.*raw outputs in \(.*\)\/$/\1/p' "$log")
        rps=$(awk '/^Requests\/sec:/ { print $2 }' "$ROOT/$out/runs/keepalive-small.tether.01/out")
        awk -v label="$label" -v rps="$rps" -v window="$WINDOW" -v hz="$(getconf CLK_TCK)" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
            FNR == NR { u[$1] -= $2; s[$1] -= $3; next }
            { u[$1] += $2; s[$1] += $3 }
            END {
                k = 1e9 / hz / (rps * window)
                total = 0; for (g in u) total += (u[g] + s[g]) * k
                printf "%-10s %8.0f %10.0f %10.0f %8.0f %8.0f %8.0f %10.0f  %s\n", label, rps, u["loop"] * k,
                    s["loop"] * k, (u["jit"] + s["jit"]) * k, (u["gc"] + s["gc"]) * k, (u["other"] + s["other"]) * k,
                    total, load
            }' "$log.a" "$log.b"
        rm -f "$log" "$log.a" "$log.b"
    done
done
echo "(nanoseconds of CPU per request over a ${WINDOW} s window after ${WARMUP} s of warm-up + 3 s)"
