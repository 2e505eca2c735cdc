#!/usr/bin/env bash
# Slow-client attacks (slowhttptest, Debian package `slowhttptest`) against Tether on loopback.
#
#   bench/slow-clients.sh [--duration S] [--connections N] [--out DIR] [--jar JAR] [--min-body-rate RATE]
#                         [ATTACK ...]          ATTACK: slowloris | slow-body | slow-read (default: all three)
#
# Starts a small Python backend and the Tether jar on free 127.0.0.1 ports, runs each attack for --duration
# seconds (default 60) with at most --connections connections (default 1000, 500 for slow-read), and prints per
# attack: slowhttptest's own verdict, connections over time from its CSV (-g), and what Tether's access log says
# closed them. Everything goes to --out (default a new temporary folder): the CSV/HTML reports, slowhttptest's
# output, Tether's log and access log. Only the processes this script started are stopped, by PID.
#
# Needs: java 17+, python3, slowhttptest (apt-get install -y slowhttptest). The jar defaults to the newest
# proxy-core/target*/proxy-core-*-all.jar (build: ./mvnw -o -q -B -pl proxy-core -am package -DskipTests -DskipITs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

duration=60
connections=1000
out=""
jar=""
min_body_rate=0
attacks=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) duration="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --jar) jar="$2"; shift 2 ;;
        --min-body-rate) min_body_rate="$2"; shift 2 ;;
        slowloris|slow-body|slow-read) attacks+=("$1"); shift ;;
        *) echo "slow-clients: unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done
[[ ${#attacks[@]} -gt 0 ]] || attacks=(slowloris slow-body slow-read)
command -v slowhttptest >/dev/null || { echo "slow-clients: slowhttptest is not installed (apt-get install -y slowhttptest)" >&2; exit 2; }
[[ -n "$jar" ]] || jar="$(ls -t "$root"/proxy-core/target*/proxy-core-*-all.jar 2>/dev/null | head -n 1 || true)"
[[ -f "$jar" ]] || { echo "slow-clients: no Tether jar; build one: ./mvnw -o -q -B -pl proxy-core -am package -DskipTests -DskipITs" >&2; exit 2; }
[[ -n "$out" ]] || out="$(mktemp -d /tmp/slow-clients.XXXXXX)"
mkdir -p "$out"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

wait_port() {
    for _ in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "slow-clients: nothing listens on 127.0.0.1:$1" >&2
    return 1
}

backend_port="$(free_port)"
tether_port="$(free_port)"

# A threaded backend: GET / is small, GET /big is 8 MB (bigger than loopback socket buffers), POST reads the body.
python3 - "$backend_port" >"$out/backend.log" 2>&1 <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
BIG = b"x" * (8 << 20)
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def answer(self, body):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        self.answer(BIG if self.path.startswith("/big") else b"ok\n")
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        self.answer(b"got %d\n" % n)
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer.request_queue_size = 1024
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
pids+=($!)

cat >"$out/tether.conf" <<EOF
tether {
  admin.enabled = off
  listener-defaults.min-body-rate = $min_body_rate
  listeners = [ { name = http, address = "127.0.0.1", port = $tether_port } ]
  default-backend = app
  backends { app { servers = [ { name = py, address = "127.0.0.1:$backend_port" } ] } }
}
EOF
java -Xmx256m -Dtether.access.format=json -Dtether.access.log=file -Dtether.access.file="$out/access.log" -jar "$jar" "$out/tether.conf" \
    >"$out/tether.log" 2>&1 &
pids+=($!)
wait_port "$backend_port"
wait_port "$tether_port"
echo "slow-clients: Tether on 127.0.0.1:$tether_port (jar $jar), backend on :$backend_port, output in $out"

probe() {
    while true; do
        curl -s -o /dev/null -m 3 -w "%{http_code} %{time_total}\n" "$1" || echo "000 3"
        sleep 1
    done
}

summarize() {
    local name="$1" since="$2"
    python3 - "$out/$name.csv" "$out/access.log" "$since" <<'PY'
import csv, collections, json, sys
# Columns: Seconds, Closed, Pending, Connected, Service Available (the connection count when available, else 0).
rows = [{k.strip().lower(): v for k, v in r.items()} for r in csv.DictReader(open(sys.argv[1]))]
key = lambda r, *names: next((int(float(r[n])) for n in names if n in r and r[n] != ""), 0)
connected = [key(r, "connected") for r in rows]
closed = [key(r, "closed") for r in rows]
available = [key(r, "service_available", "service available") for r in rows]
first_close = next((int(float(r["seconds"])) for r in rows if key(r, "closed") > 0), None)
print(f"  seconds {len(rows)}, connected max {max(connected, default=0)}, at end {connected[-1] if rows else 0}, "
      f"closed at end {closed[-1] if rows else 0}, first close at {first_close} s")
down = [int(float(r["seconds"])) for r in rows if key(r, "service_available", "service available") == 0]
print(f"  slowhttptest's probe (the attacked URL) got no answer within 3 s at seconds: {down if down else 'never'}")
since = int(sys.argv[3])
counts = collections.Counter()
try:
    for i, line in enumerate(open(sys.argv[2])):
        if i >= since:
            r = json.loads(line)
            counts[f"{r['status']} {r['termination']}"] += 1
except FileNotFoundError:
    pass
print("  Tether access log, exchanges by status and termination (a slowloris 408 has no exchange):", dict(counts.most_common(8)) or "none")
PY
}

run() {
    local name="$1"; shift
    local since
    since="$( (cat "$out/access.log" 2>/dev/null || true) | wc -l)"
    echo "== $name: slowhttptest $* -l $duration -p 3 -g -o $out/$name"
    # Our own probe besides slowhttptest's (which asks for the attacked URL): a small GET / every second.
    probe "$url/" >"$out/$name.probe" &
    local probe_pid=$!
    slowhttptest "$@" -l "$duration" -p 3 -g -o "$out/$name" >"$out/$name.txt" 2>&1 || true
    kill "$probe_pid" 2>/dev/null || true
    wait "$probe_pid" 2>/dev/null || true
    awk '{ n++; if ($1 != 200) bad++; if ($2 > max) max = $2 } END { printf "  probe GET / every second: %d sent, %d not 200 within 3 s, slowest %.3f s\n", n, bad, max }' "$out/$name.probe"
    sed 's/\x1b\[[0-9;]*m//g' "$out/$name.txt" | grep -E "Exit status|Test ended" | sed 's/^/  slowhttptest: /' || true
    summarize "$name" "$since"
    # Between attacks: the proxy must answer a plain request at once.
    curl -s -o /dev/null -m 5 -w "  after $name: GET / -> %{http_code} in %{time_total} s\n" "http://127.0.0.1:$tether_port/" || true
}

url="http://127.0.0.1:$tether_port"
for a in "${attacks[@]}"; do
    case "$a" in
        slowloris) run slowloris -H -c "$connections" -r 200 -i 10 -x 24 -t GET -u "$url/" ;;
        slow-body) run slow-body -B -c "$connections" -r 200 -i 10 -x 10 -s 8192 -t POST -u "$url/" ;;
        slow-read) run slow-read -X -c "$((connections < 500 ? connections : 500))" -r 200 -w 512 -y 1024 -n 5 -z 32 \
                       -k 1 -u "$url/big" ;;
    esac
done
