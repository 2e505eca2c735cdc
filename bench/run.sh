#!/usr/bin/env bash
# Tether side by side with HAProxy, nginx and no proxy at all, on the same backends, in one run.
#
#   bench/run.sh [--quick] [--runs N] [--duration SECONDS] [--warmup SECONDS] [--pin-proxy CPUS]
#                [--threads N] [--wrk-threads N] [--rate R] [--scenarios a,b] [--contestants a,b] [--build] [--jfr]
#                [--nice N] [--syscalls] [--metrics on,off] [--access-log off,stdout,file]
#
# Installs haproxy, nginx-light and wrk from Debian's packages when missing, builds the jars when missing (or with
# --build), starts one nginx with two backends, then for each proxy profile starts the three proxies, warms them
# up and measures every scenario of the profile, contestants interleaved within each run. Prints a Markdown table
# and writes it to bench/results/<UTC date and time>.md; raw outputs stay in bench/results/<same>/.
# --metrics and --access-log run one Tether per combination (tether, tether-nometrics, tether-log-stdout, ...), as
# separate contestants, and report what each feature costs.
# Everything listens on 127.0.0.1. Only processes this script started are stopped, by PID. See bench/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_JAR=$ROOT/bench/target/benchmarks.jar
TETHER_JAR=${TETHER_JAR:-$ROOT/proxy-core/target/proxy-core-0.1.0-SNAPSHOT-all.jar}
TETHER_JAVA_OPTS=${TETHER_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseSerialGC}
# The load generator never collects during a run: with a 256 MB heap its young GCs (10-15 ms in a new JVM, new pages
# to fault in) fell at the start and end of every measured window, and were every contestant's p99.
HARNESS_JAVA_OPTS=${HARNESS_JAVA_OPTS:--Xms1g -Xmx1g -Xmn768m -XX:+UseSerialGC}
COMMAND_LINE="bench/run.sh $*"

QUICK=0 RUNS="" DURATION="" WARMUP="" PIN_PROXY="" THREADS=1 WRK_THREADS=1 RATE=0 SCENARIOS="" CONTESTANTS=""
BUILD=0 JFR=0 NICE="" SYSCALLS=0
# No contestant writes an access log (HAProxy: no "log", nginx: access_log off), so by default neither does Tether.
METRICS=on ACCESS_LOG=off
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 2; }
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) QUICK=1 ;;
        --runs) RUNS=$2; shift ;;
        --duration) DURATION=$2; shift ;;
        --warmup) WARMUP=$2; shift ;;
        --pin-proxy) PIN_PROXY=$2; shift ;;
        --threads) THREADS=$2; shift ;;
        --wrk-threads) WRK_THREADS=$2; shift ;;
        --rate) RATE=$2; shift ;;
        --scenarios) SCENARIOS=$2; shift ;;
        --contestants) CONTESTANTS=$2; shift ;;
        --build) BUILD=1 ;;
        --jfr) JFR=1 ;;
        --nice) NICE=$2; shift ;;
        --syscalls) SYSCALLS=1 ;;
        --metrics) METRICS=$2; shift ;;
        --access-log) ACCESS_LOG=$2; shift ;;
        -h|--help) usage ;;
        *) echo "run.sh: unknown option '$1'" >&2; usage ;;
    esac
    shift
done
if [[ $QUICK == 1 ]]; then
    # LoadHarness's own warm-up: a new JVM per run, whose first second (interpreter, its own JIT) is slow for every
    # contestant alike (bench/RESULTS.md, 2026-11-22 05:00); 1 s let that tail into the measured window.
    RUNS=${RUNS:-2} DURATION=${DURATION:-3} WARMUP=${WARMUP:-4} HARNESS_WARMUP=2 HARNESS_DRAIN=2
else
    RUNS=${RUNS:-5} DURATION=${DURATION:-10} WARMUP=${WARMUP:-10} HARNESS_WARMUP=2 HARNESS_DRAIN=5
fi
# Bounded: a typo must not turn into an hour of load.
(( RUNS >= 1 && RUNS <= 20 )) || { echo "run.sh: --runs $RUNS (expected 1..20)" >&2; exit 2; }
(( DURATION >= 1 && DURATION <= 120 )) || { echo "run.sh: --duration $DURATION (expected 1..120)" >&2; exit 2; }
(( WARMUP >= 0 && WARMUP <= 120 )) || { echo "run.sh: --warmup $WARMUP (expected 0..120)" >&2; exit 2; }

# Proxies and wrk need a descriptor per connection; take what the hard limit allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# On a machine shared with other work, a higher priority for everything the benchmark starts (backends,
# proxies, load generators, which all inherit it) keeps other processes from distorting the figures.
if [[ -n $NICE ]]; then
    renice -n "$NICE" -p $$ >/dev/null
fi

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# ---- tools -------------------------------------------------------------------------------------------------------
PATH=$PATH:/usr/sbin:/sbin
install_tools() {
    local missing=()
    command -v haproxy >/dev/null || missing+=(haproxy)
    command -v nginx >/dev/null || missing+=(nginx-light)
    command -v wrk >/dev/null || missing+=(wrk)
    [[ $SYSCALLS == 0 ]] || command -v strace >/dev/null || missing+=(strace)
    [[ ${#missing[@]} == 0 ]] && return
    local sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    log "installing ${missing[*]} from Debian packages"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
install_tools

wanted() { [[ -z $CONTESTANTS || ",$CONTESTANTS," == *",$1,"* ]]; }
if [[ $BUILD == 1 || ! -f $BENCH_JAR ]] || { wanted tether && [[ ! -f $TETHER_JAR ]]; }; then
    log "building (./mvnw -q -B -DskipTests package)"
    (cd "$ROOT" && ./mvnw -q -B -DskipTests ${MVN_OFFLINE:+-o} package)
fi
harness() { java -cp "$BENCH_JAR" dev.tether.bench.harness.Main "$@"; }

# ---- processes we own --------------------------------------------------------------------------------------------
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME PINNING... -- COMMAND...: runs COMMAND in the background (taskset execs, so $! is the process itself).
STARTED_PID=""
start() {
    local name=$1; shift
    "$@" >"$OUT/$name.log" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}
stop() {
    local pid=$1 kept=() p
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    PIDS=("${kept[@]}")
}
wait_http() { # wait_http URL NAME PID: up to 30 s for a 2xx
    local url=$1 name=$2 pid=$3 i
    for ((i = 0; i < 300; i++)); do
        kill -0 "$pid" 2>/dev/null || { log "$name exited; its log:"; tail -20 "$OUT/$name.log" >&2; exit 1; }
        curl -fs -o /dev/null --max-time 1 "$url" && return 0
        sleep 0.1
    done
    log "$name did not answer $url within 30 s; its log:"; tail -20 "$OUT/$name.log" >&2; exit 1
}
# Every process of a proxy (nginx master and workers), for CPU accounting.
proc_tree() {
    local pid=$1 child
    echo "$pid"
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do proc_tree "$child"; done
}
cpu_snapshot() { # cpu_snapshot PID FILE
    local p
    : >"$2"
    for p in $(proc_tree "$1"); do cat /proc/"$p"/stat >>"$2" 2>/dev/null || true; done
}

# ---- CPU pinning -------------------------------------------------------------------------------------------------
expand_cpus() { # "0-2,5" -> "0 1 2 5"
    local part a b
    for part in ${1//,/ }; do
        if [[ $part == *-* ]]; then a=${part%-*} b=${part#*-}; seq "$a" "$b"; else echo "$part"; fi
    done
}
PROXY_PIN=() LOAD_PIN=() OTHER_CPUS=""
if [[ -n $PIN_PROXY ]]; then
    PROXY_PIN=(taskset -c "$PIN_PROXY")
    proxy_set=" $(expand_cpus "$PIN_PROXY" | tr '\n' ' ') "
    for ((c = 0; c < $(nproc --all); c++)); do
        [[ $proxy_set == *" $c "* ]] || OTHER_CPUS+="${OTHER_CPUS:+,}$c"
    done
    # Load generator and backends get the other cores, when there are any.
    [[ -n $OTHER_CPUS ]] && LOAD_PIN=(taskset -c "$OTHER_CPUS")
fi

# ---- layout ------------------------------------------------------------------------------------------------------
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
STARTED=$(date -u '+%Y-%m-%d %H:%M')
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
OUT=$ROOT/bench/results/$STAMP
mkdir -p "$OUT/runs"
chmod 755 "$OUT"
# Measure a copy: a rebuild of the jar during the run must not change (or break) the running Tether.
if wanted tether; then
    cp -p "$TETHER_JAR" "$OUT/tether.jar"
    TETHER_JAR=$OUT/tether.jar
fi
# Tether variants: label and JVM options, one Tether process each (just "tether" unless --metrics/--access-log).
TETHERS=()
declare -A TETHER_OPTS
if wanted tether; then
    mapfile -t variant_lines < <(harness tether-variants --metrics "$METRICS" --access-log "$ACCESS_LOG" --dir "$OUT")
    [[ ${#variant_lines[@]} -gt 0 ]] || exit 2
    for line in "${variant_lines[@]}"; do
        IFS=$'\t' read -r label opts <<<"$line"
        TETHERS+=("$label")
        TETHER_OPTS[$label]=$opts
    done
fi
mapfile -t PORTS < <(harness free-ports $((4 + ${#TETHERS[@]})))
BACKEND_PORTS="${PORTS[0]},${PORTS[1]}"
declare -A PROXY_PORT=([haproxy]=${PORTS[2]} [nginx]=${PORTS[3]})
for i in "${!TETHERS[@]}"; do PROXY_PORT[${TETHERS[$i]}]=${PORTS[$((4 + i))]}; done
# expand_who "direct,tether,haproxy" [RUN]: the contestants to run, "tether" replaced by every Tether variant. On
# even runs the variants go in reverse order, so neither side of a comparison always runs first.
expand_who() {
    local c i
    for c in ${1//,/ }; do
        wanted "$c" || continue
        if [[ $c != tether ]]; then echo "$c"; continue; fi
        if (( ${2:-1} % 2 == 1 )); then
            printf '%s\n' "${TETHERS[@]}"
        else
            for ((i = ${#TETHERS[@]} - 1; i >= 0; i--)); do echo "${TETHERS[$i]}"; done
        fi
    done
}
# Per profile: which backends the proxies use and where "direct" goes (the websocket profile has its own).
PROFILE_BACKENDS=$BACKEND_PORTS
DIRECT_URL="http://127.0.0.1:${PORTS[0]}"
HARNESS_SCHEME=http

scenario_args=()
[[ $QUICK == 1 ]] && scenario_args+=(--quick)
[[ -n $SCENARIOS ]] && scenario_args+=(--names "$SCENARIOS")
(( RATE > 0 )) && scenario_args+=(--rate "$RATE")
mapfile -t SCENARIO_LINES < <(harness scenarios "${scenario_args[@]}")
[[ ${#SCENARIO_LINES[@]} -gt 0 ]] || { echo "run.sh: no runnable scenario selected" >&2; exit 2; }

# ---- backends ----------------------------------------------------------------------------------------------------
BACKEND_CONF=$(harness backends --dir "$OUT" --ports "$BACKEND_PORTS")
start backends "${LOAD_PIN[@]}" nginx -c "$BACKEND_CONF" -e "$OUT/backends.stderr.log"
BACKENDS_PID=$STARTED_PID
wait_http "http://127.0.0.1:${PORTS[0]}/status" backends "$BACKENDS_PID"
wait_http "http://127.0.0.1:${PORTS[1]}/status" backends "$BACKENDS_PID"
log "backends on $BACKEND_PORTS (pid $BACKENDS_PID); proxies:$(for t in "${TETHERS[@]}"; do
    printf ' %s %s,' "$t" "${PROXY_PORT[$t]}"; done) haproxy ${PROXY_PORT[haproxy]}, nginx ${PROXY_PORT[nginx]};" \
    "pin proxy: ${PIN_PROXY:-none}, load and backends: ${OTHER_CPUS:-unpinned}"

start_proxy() { # start_proxy CONTESTANT PROFILE -> STARTED_PID
    local c=$1 profile=$2 conf
    conf=$(harness proxy-conf --contestant "$c" --profile "$profile" --dir "$OUT" --port "${PROXY_PORT[$c]}" \
        --backends "$PROFILE_BACKENDS" --threads "$THREADS")
    local jfr=""
    if [[ $JFR == 1 ]]; then
        # JDK's "profile" settings, sampling Java stacks every 1 ms instead of 10 ms: a short run gets enough samples.
        local java_home
        java_home=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.home/ {print $2}')
        sed '/"jdk.ExecutionSample"/,/<\/event>/ s|<setting name="period"\([^>]*\)>[^<]*<|<setting name="period"\1>1 ms<|' \
            "$java_home/lib/jfr/profile.jfc" >"$OUT/profile-1ms.jfc"
        # Netty pipelines are deep: the default 64 frames cut stacks before they reach Tether's handlers.
        jfr="-XX:FlightRecorderOptions:stackdepth=256"
        jfr+=" -XX:StartFlightRecording=filename=$OUT/tether-$profile.jfr,settings=$OUT/profile-1ms.jfc"
    fi
    case $c in
        tether*)
            [[ $JFR == 1 ]] && jfr=${jfr//tether-$profile.jfr/$c-$profile.jfr}
            # shellcheck disable=SC2086 # options are words on purpose
            start "$c-$profile" "${PROXY_PIN[@]}" java $TETHER_JAVA_OPTS ${TETHER_OPTS[$c]} $jfr \
                -jar "$TETHER_JAR" "$conf" ;;
        haproxy) start "$c-$profile" "${PROXY_PIN[@]}" haproxy -db -f "$conf" ;;
        nginx) start "$c-$profile" "${PROXY_PIN[@]}" nginx -c "$conf" -e "$OUT/nginx-$profile.stderr.log" ;;
    esac
    wait_http "http://127.0.0.1:${PROXY_PORT[$c]}/small" "$c-$profile" "$STARTED_PID"
}

# measure SCENARIO CONTESTANT RUN DRIVER CONNECTIONS RATE PATH CHURN
measure() {
    local scenario=$1 c=$2 run=$3 driver=$4 conns=$5 rate=$6 path=$7 churn=$8 url pid="" dir t0 t1
    dir=$OUT/runs/$(printf '%s.%s.%02d' "$scenario" "$c" "$run")
    mkdir -p "$dir"
    if [[ $c == direct ]]; then url=$DIRECT_URL; else url=http://127.0.0.1:${PROXY_PORT[$c]}; pid=${PROXY_PID[$c]}; fi
    [[ $driver == wrk ]] || url=$HARNESS_SCHEME://${url#http://}
    [[ -n $pid ]] && cpu_snapshot "$pid" "$dir/cpu.before"
    t0=$(date +%s%N)
    if [[ $driver == wrk ]]; then
        "${LOAD_PIN[@]}" wrk -t"$WRK_THREADS" -c"$conns" -d"${DURATION}s" --latency --timeout 5s \
            -s "$OUT/$scenario.$c.lua" "$url" >"$dir/out" 2>&1 || true
    else
        # shellcheck disable=SC2086
        "${LOAD_PIN[@]}" java $HARNESS_JAVA_OPTS -cp "$BENCH_JAR" dev.tether.bench.load.LoadHarness \
            --url "$url$path" --rate "$rate" --sessions "$conns" --duration "$DURATION" --cookie SRV \
            --warmup "$HARNESS_WARMUP" --drain "$HARNESS_DRAIN" --churn "$churn" \
            >"$dir/out" 2>"$dir/err" || true
    fi
    t1=$(date +%s%N)
    [[ -n $pid ]] && cpu_snapshot "$pid" "$dir/cpu.after"
    printf 'scenario=%s\ncontestant=%s\nrun=%d\nwall_ns=%d\n' "$scenario" "$c" "$run" $((t1 - t0)) >"$dir/meta"
    log "  $scenario / $c / run $run: $(grep -o 'requests=[0-9]* duration_us=[0-9]*' "$dir/out" || echo 'no result')"
}

# ---- profiles ----------------------------------------------------------------------------------------------------
PROFILES=()
for line in "${SCENARIO_LINES[@]}"; do
    IFS=$'\t' read -r _ profile _ <<<"$line"
    [[ " ${PROFILES[*]} " == *" $profile "* ]] || PROFILES+=("$profile")
done

declare -A PROXY_PID
for profile in "${PROFILES[@]}"; do
    lines=()
    for line in "${SCENARIO_LINES[@]}"; do
        IFS=$'\t' read -r _ p _ <<<"$line"
        [[ $p == "$profile" ]] && lines+=("$line")
    done
    PROXY_PID=()
    FARM_PID=""
    if [[ $profile == websocket ]]; then
        # nginx-light cannot echo websockets: in-process Netty backends (BackendFarm) serve this profile.
        # shellcheck disable=SC2086
        start "farm" "${LOAD_PIN[@]}" java $HARNESS_JAVA_OPTS -cp "$BENCH_JAR" dev.tether.bench.load.BackendFarm \
            --count 2 --max-seconds 3600
        FARM_PID=$STARTED_PID
        for ((i = 0; i < 300; i++)); do
            [[ $(grep -c '^[0-9][0-9]*$' "$OUT/farm.log" || true) -ge 2 ]] && break
            kill -0 "$FARM_PID" 2>/dev/null || { log "BackendFarm exited:"; tail -20 "$OUT/farm.log" >&2; exit 1; }
            sleep 0.1
        done
        mapfile -t FARM_PORTS < <(grep '^[0-9][0-9]*$' "$OUT/farm.log")
        PROFILE_BACKENDS="${FARM_PORTS[0]},${FARM_PORTS[1]}"
        DIRECT_URL="http://127.0.0.1:${FARM_PORTS[0]}"
        HARNESS_SCHEME=ws
        wait_http "$DIRECT_URL/status" farm "$FARM_PID"
        log "websocket echo backends (BackendFarm) on $PROFILE_BACKENDS (pid $FARM_PID)"
    else
        PROFILE_BACKENDS=$BACKEND_PORTS
        DIRECT_URL="http://127.0.0.1:${PORTS[0]}"
        HARNESS_SCHEME=http
    fi
    for c in "${TETHERS[@]}" haproxy nginx; do
        wanted "${c%%-*}" || continue
        needed=0
        for line in "${lines[@]}"; do
            IFS=$'\t' read -r _ _ _ who _ <<<"$line"
            [[ ",$who," == *",${c%%-*},"* ]] && needed=1
        done
        [[ $needed == 1 ]] || continue
        log "starting $c ($profile)"
        start_proxy "$c" "$profile"
        PROXY_PID[$c]=$STARTED_PID
    done
    # Warm-up: the JVM compiles its hot paths, every proxy opens its backend connections. Not measured.
    # Each proxy gets the load shape it will be measured with: wrk (with the cookies it sets, in the sticky
    # profile) when the profile has wrk scenarios, LoadHarness (200 new sessions, cookie insertion) when it has
    # LoadHarness ones.
    if (( WARMUP > 0 )); then
        has_wrk=0 harness_line=""
        for line in "${lines[@]}"; do
            IFS=$'\t' read -r _ _ driver _ <<<"$line"
            if [[ $driver == wrk ]]; then has_wrk=1; elif [[ -z $harness_line ]]; then harness_line=$line; fi
        done
        for c in "${!PROXY_PID[@]}"; do
            if [[ $has_wrk == 1 ]]; then
                warmup_script=$OUT/warmup.$c.$profile.lua
                case $profile in
                    sticky)
                        harness learn-cookies --url "http://127.0.0.1:${PROXY_PORT[$c]}/small" \
                            >"$warmup_script.cookies"
                        harness wrk-script --scenario sticky-cookie --cookies "$warmup_script.cookies" \
                            --out "$warmup_script" ;;
                    uuid-map) harness wrk-script --scenario uuid-map-1000 --out "$warmup_script" ;;
                    *) harness wrk-script --scenario keepalive-small --out "$warmup_script" ;;
                esac
                log "warming up $c for ${WARMUP}s (wrk)"
                "${LOAD_PIN[@]}" wrk -t"$WRK_THREADS" -c64 -d"${WARMUP}s" -s "$warmup_script" \
                    "http://127.0.0.1:${PROXY_PORT[$c]}" >"$OUT/warmup.$c.$profile.out" 2>&1 || true
            fi
            if [[ -n $harness_line ]]; then
                IFS=$'\t' read -r _ _ _ _ conns rate _ path churn <<<"$harness_line"
                # Runs of the measured shape, not one long run: each opens its sessions' connections, gets fresh
                # cookies and closes them, as every measured run does. After one long run a JVM proxy has compiled
                # a steady state without any new connection, and the measured run's burst of 200 new ones
                # deoptimizes its event loop's hottest methods (bench/RESULTS.md, 2026-11-22 05:00).
                rounds=$(( (WARMUP + (DURATION + HARNESS_WARMUP) / 2) / (DURATION + HARNESS_WARMUP) ))
                (( rounds >= 1 )) || rounds=1
                log "warming up $c with $rounds LoadHarness runs of ${HARNESS_WARMUP}+${DURATION}s"
                : >"$OUT/warmup.$c.$profile.harness.out"
                for ((round = 1; round <= rounds; round++)); do
                    # shellcheck disable=SC2086
                    "${LOAD_PIN[@]}" java $HARNESS_JAVA_OPTS -cp "$BENCH_JAR" dev.tether.bench.load.LoadHarness \
                        --url "$HARNESS_SCHEME://127.0.0.1:${PROXY_PORT[$c]}$path" --rate "$rate" \
                        --sessions "$conns" --duration "$DURATION" --warmup "$HARNESS_WARMUP" \
                        --drain "$HARNESS_DRAIN" --churn "$churn" --cookie SRV \
                        >>"$OUT/warmup.$c.$profile.harness.out" 2>&1 || true
                done
            fi
        done
    fi
    # wrk scripts; sticky scenarios replay the cookies each proxy hands out.
    for line in "${lines[@]}"; do
        IFS=$'\t' read -r scenario _ driver who _ <<<"$line"
        [[ $driver == wrk ]] || continue
        for c in $(expand_who "$who"); do
            cookies=$OUT/$scenario.$c.cookies
            case $c in
                tether*|haproxy) harness learn-cookies --url "http://127.0.0.1:${PROXY_PORT[$c]}/small" >"$cookies" ;;
                *) printf 'SRV=s1\nSRV=s2\n' >"$cookies" ;; # nginx hashes on it; direct ignores it
            esac
            harness wrk-script --scenario "$scenario" --cookies "$cookies" --out "$OUT/$scenario.$c.lua"
        done
    done
    for ((run = 1; run <= RUNS; run++)); do
        log "profile $profile, run $run of $RUNS"
        for line in "${lines[@]}"; do
            IFS=$'\t' read -r scenario _ driver who conns rate _ path churn <<<"$line"
            for c in $(expand_who "$who" "$run"); do
                measure "$scenario" "$c" "$run" "$driver" "$conns" "$rate" "$path" "$churn"
            done
        done
    done
    # Syscalls per request: strace slows a proxy several times, so it counts during an extra, unmeasured run of
    # the profile's first wrk scenario.
    if [[ $SYSCALLS == 1 ]]; then
        mkdir -p "$OUT/syscalls"
        for line in "${lines[@]}"; do
            IFS=$'\t' read -r scenario _ driver who conns _ <<<"$line"
            [[ $driver == wrk ]] || continue
            for c in "${!PROXY_PID[@]}"; do
                # Only the contestants themselves: StraceSummary has a row per contestant, not per variant.
                [[ ",$who," == *",$c,"* ]] || continue
                attach=()
                for p in $(proc_tree "${PROXY_PID[$c]}"); do attach+=(-p "$p"); done
                start "strace-$scenario-$c" strace -c -f -q -o "$OUT/syscalls/$scenario.$c.strace" "${attach[@]}"
                strace_pid=$STARTED_PID
                sleep 1 # strace attaches to every thread before wrk starts
                "${LOAD_PIN[@]}" wrk -t"$WRK_THREADS" -c"$conns" -d2s -s "$OUT/$scenario.$c.lua" \
                    "http://127.0.0.1:${PROXY_PORT[$c]}" >"$OUT/syscalls/$scenario.$c.out" 2>&1 || true
                stop "$strace_pid"
                log "  syscalls counted for $scenario / $c"
            done
            break
        done
    fi
    for c in "${!PROXY_PID[@]}"; do stop "${PROXY_PID[$c]}"; done
    [[ -n $FARM_PID ]] && stop "$FARM_PID"
done

# ---- report ------------------------------------------------------------------------------------------------------
first_line() { "$@" 2>&1 | head -1 || true; }
REPORT=$ROOT/bench/results/$STAMP.md
{
    echo "## $STARTED UTC — \`$COMMAND_LINE\`"
    echo
    echo "- host: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), kernel $(uname -r)"
    echo "- tether: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$ROOT" && \
        git diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)'), java: $(first_line java -version)," \
        "opts \`$TETHER_JAVA_OPTS\`$(for t in "${TETHERS[@]}"; do printf ', %s `%s`' "$t" "${TETHER_OPTS[$t]}"; done)$(wanted tether && echo ", jar built $(date -u -r "$TETHER_JAR" '+%H:%M UTC')" \
            "sha256 $(sha256sum "$TETHER_JAR" | cut -c1-12)")"
    echo "- $(first_line haproxy -v | cut -d' ' -f1-3); $(first_line nginx -v | sed 's/^nginx version: //');" \
        "$(first_line wrk -v | cut -d' ' -f1-2); LoadHarness opts \`$HARNESS_JAVA_OPTS\`"
    echo "- runs $RUNS × ${DURATION}s after ${WARMUP}s warm-up, proxy threads $THREADS, wrk threads $WRK_THREADS," \
        "proxy CPUs ${PIN_PROXY:-unpinned}, load generator and backends on ${OTHER_CPUS:-unpinned}," \
        "nice ${NICE:-0}, load average before the run: $LOAD_BEFORE"
    echo "- nginx differs: passive health checks only; sticky profile uses \`hash \$cookie_SRV consistent\`" \
        "(no cookie inserted). direct = load generator straight to backend s1."
    echo
    harness report --dir "$OUT" --clk-tck "$(getconf CLK_TCK)"
} >"$REPORT"
cat "$REPORT"
log "report written to ${REPORT#"$ROOT"/}; raw outputs in ${OUT#"$ROOT"/}/"
