#!/bin/sh
# Builds the quote-parser fuzzer with clang (ASan+UBSan+libFuzzer) and runs it
# for SECONDS (default 60), seeded with the real quotes. CI hook:
#   fuzz/run_quote_fuzz.sh 60
# Exit status is libFuzzer's: non-zero when a crash or invariant break is found.
set -eu
SECONDS_TO_RUN="${1:-60}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${THIM_FUZZ_BUILD:-$ROOT/build-fuzz}"
DATA="${THIM_TESTDATA:-$ROOT/../shared/testdata/real}"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTHIM_FUZZ=ON -DTHIM_BUILD_TESTS=OFF -DTHIM_BUILD_BENCH=OFF >/dev/null
ninja -C "$BUILD" thim_fuzz_quote
CORPUS="$BUILD/fuzz/corpus-quote"
mkdir -p "$CORPUS"
for f in go-tdx-guest/testing/testdata/tdx_prod_quote_SPR_E4.dat go-tdx-guest/testing/testdata/quote_v5_sample.dat \
         go-tdx-guest/testing/testdata/ccel/cos-113-tdx-quote.dat mobilecoin-attestation/verifier/data/tests/hw_quote.dat \
         trustee/deps/verifier/test_data/az-tdx-vtpm/td-quote.bin; do
  [ -f "$DATA/$f" ] && cp "$DATA/$f" "$CORPUS/$(echo "$f" | tr / _)"
done
exec "$BUILD/fuzz/thim_fuzz_quote" -max_total_time="$SECONDS_TO_RUN" -max_len=16384 -rss_limit_mb=2048 "$CORPUS"
