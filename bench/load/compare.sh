#!/usr/bin/env bash
# Side-by-side load test: nginx serving a TCB info as a static file vs thimd
# serving the same bytes from its cache, with the same wrk settings, in one
# run. Prints both throughputs, p50/p99 latencies and the ratio thimd/nginx.
#
#   bench/load/compare.sh [BUILD_DIR]      (env: DURATION=10s CONNECTIONS=64 THREADS=2)
#
# Everything runs on 127.0.0.1; the upstream is thim-sim.
set -euo pipefail
BUILD_DIR=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
THIMD="$ROOT/$BUILD_DIR/apps/thimd"
SIM="$ROOT/$BUILD_DIR/apps/thim-sim"
for bin in "$THIMD" "$SIM"; do [ -x "$bin" ] || { echo "missing $bin: run make first" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "wrk missing: run scripts/install-deps" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx missing: run scripts/install-deps" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx workers run unprivileged and must read the document root
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "timeout waiting for $1" >&2; return 1; }

SIM_PORT=$(free_port); THIMD_PORT=$(free_port); NGINX_PORT=$(free_port)
FMSPC=00906ED50000
TARGET="/sgx/certification/v4/tcb?fmspc=$FMSPC"

"$SIM" --port "$SIM_PORT" --state-dir "$WORK/sim" >"$WORK/sim.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$SIM_PORT/_sim/stats"
cat >"$WORK/thimd.json" <<JSON
{"server": {"port": $THIMD_PORT, "threads": 2},
 "store": {"path": "$WORK/thim.db"},
 "intel": {"pcs_url": "http://127.0.0.1:$SIM_PORT", "root_crl_url": "http://127.0.0.1:$SIM_PORT/IntelSGXRootCA.der",
           "root_ca_file": "$WORK/sim/root_ca.pem"},
 "cache": {"warmup": {"identities_and_crls": false}},
 "log": {"level": "warn"}}
JSON
"$THIMD" --config "$WORK/thimd.json" >"$WORK/thimd.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$THIMD_PORT/healthz"
curl -fsS "http://127.0.0.1:$THIMD_PORT$TARGET" -o "$WORK/tcb.json"   # warm the cache

# nginx serves the very same bytes at the same path (query ignored).
mkdir -p "$WORK/www/sgx/certification/v4"
cp "$WORK/tcb.json" "$WORK/www/sgx/certification/v4/tcb"
chmod -R a+rX "$WORK/www"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -g 'daemon off;' & PIDS+=($!)
wait_http "http://127.0.0.1:$NGINX_PORT$TARGET"
cmp -s <(curl -fsS "http://127.0.0.1:$NGINX_PORT$TARGET") "$WORK/tcb.json" || { echo "nginx serves different bytes" >&2; exit 1; }

run_wrk() {  # url → "rps p50 p99"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" >"$WORK/wrk.out" 2>&1
  python3 - "$WORK/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
def pct(p):
    m = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)" % p, text)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors: sys.exit("wrk saw %s non-2xx responses" % errors.group(1))
print(f"{rps:.0f} {pct(50):.3f} {pct(99):.3f}")
PY
}

echo "body: $(wc -c <"$WORK/tcb.json") bytes; wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
read -r N_RPS N_P50 N_P99 <<<"$(run_wrk "http://127.0.0.1:$NGINX_PORT$TARGET")"
read -r T_RPS T_P50 T_P99 <<<"$(run_wrk "http://127.0.0.1:$THIMD_PORT$TARGET")"
RSS_KB=$(awk '/VmRSS/ {print $2}' "/proc/${PIDS[1]}/status")
printf '%-8s %12s %10s %10s\n' server req/s p50_ms p99_ms
printf '%-8s %12s %10s %10s\n' nginx "$N_RPS" "$N_P50" "$N_P99"
printf '%-8s %12s %10s %10s\n' thimd "$T_RPS" "$T_P50" "$T_P99"
python3 -c "print('ratio thimd/nginx: %.2f' % ($T_RPS / $N_RPS))"
echo "thimd RSS after the run: $((RSS_KB / 1024)) MiB"
