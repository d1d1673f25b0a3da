#!/bin/sh
# Builds the quote fuzzers with clang (ASan+UBSan+libFuzzer) and runs each
# for SECONDS (default 60), seeded with the real quotes: thim_fuzz_quote (the
# parser) and thim_fuzz_quote_verify (the whole verifier against Intel's real
# 2025 TDX collateral). CI hook:
#   fuzz/run_quote_fuzz.sh 60
# Exit status is libFuzzer's: non-zero when a crash or invariant break is found.
set -eu
SECONDS_TO_RUN="${1:-60}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${THIM_FUZZ_BUILD:-$ROOT/build-fuzz}"
DATA="${THIM_TESTDATA:-$ROOT/../shared/testdata/real}"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTHIM_FUZZ=ON -DTHIM_BUILD_TESTS=OFF -DTHIM_BUILD_BENCH=OFF >/dev/null
ninja -C "$BUILD" thim_fuzz_quote thim_fuzz_quote_verify
CORPUS="$BUILD/fuzz/corpus-quote"
mkdir -p "$CORPUS"
for f in go-tdx-guest/testing/testdata/tdx_prod_quote_SPR_E4.dat go-tdx-guest/testing/testdata/quote_v5_sample.dat \
         go-tdx-guest/testing/testdata/ccel/cos-113-tdx-quote.dat mobilecoin-attestation/verifier/data/tests/hw_quote.dat \
         trustee/deps/verifier/test_data/az-tdx-vtpm/td-quote.bin; do
  if [ -f "$DATA/$f" ]; then cp "$DATA/$f" "$CORPUS/$(echo "$f" | tr / _)"; fi
done
"$BUILD/fuzz/thim_fuzz_quote" -max_total_time="$SECONDS_TO_RUN" -max_len=16384 -rss_limit_mb=2048 "$CORPUS"
mkdir -p "$CORPUS-verify"
cp "$CORPUS"/*.dat "$CORPUS"/*.bin "$CORPUS-verify/" 2>/dev/null || true
THIM_TESTDATA="$DATA" "$BUILD/fuzz/thim_fuzz_quote_verify" -max_total_time="$SECONDS_TO_RUN" -max_len=16384 \
  -rss_limit_mb=2048 "$CORPUS-verify"
