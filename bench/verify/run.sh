#!/bin/sh
# Quote verifications per second on one core (cached and cold collateral),
# beside `openssl speed ecdsap256` run on the same core, and the ratio of the
# cached rate to the limit of two ECDSA P-256 verifications per quote.
# Usage: bench/verify/run.sh [BUILD_DIR] [SECONDS]   (build with -DTHIM_BUILD_BENCH=ON)
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-$ROOT/build}"
SECS="${2:-3}"
PIN=""
command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0"
echo "== thim_bench_verify (one core)"
OUT="$($PIN "$BUILD/bench/verify/thim_bench_verify" "${THIM_TESTDATA:-$ROOT/../shared/testdata/real}" "$SECS")"
echo "$OUT"
echo "== openssl speed -seconds $SECS ecdsap256 (one core)"
SPEED="$($PIN openssl speed -seconds "$SECS" ecdsap256 2>/dev/null | awk '/256 bits ecdsa \(nistp256\)/ {print $NF}')"
echo "openssl_ecdsap256_verify_per_s $SPEED"
CACHED="$(echo "$OUT" | awk '/quote_verify_cached_per_s/ {print $2}')"
awk -v c="$CACHED" -v s="$SPEED" 'BEGIN { if (s > 0) printf "ratio_cached_to_openssl_limit %.3f (limit = openssl verify/s / 2; target >= 0.7)\n", c / (s / 2) }'
