// libFuzzer target for the quote parser: any input must either parse into a
// self-consistent Quote or be refused with InvalidArgument naming an offset;
// never crash, hang, or read out of bounds (run under ASan/UBSan).
#include <cstdint>
#include <cstdlib>

#include "verify/prepared_collateral.h"
#include "verify/quote_parser.h"

using thim::verify::ParseOptions;
using thim::verify::TrailingBytes;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  thim::ByteSpan input(data, size);
  for (TrailingBytes t : {TrailingBytes::kReject, TrailingBytes::kAllowZeroPadding, TrailingBytes::kAllow}) {
    auto q = thim::verify::ParseQuote(input, ParseOptions{.trailing = t});
    if (!q.ok()) {
      if (q.status().code() != thim::StatusCode::kInvalidArgument) std::abort();
      if (size <= thim::verify::kMaxQuoteSize && q.status().message().find(" at offset ") == std::string::npos) std::abort();
      continue;
    }
    // Invariants of a parsed quote.
    if (q->signed_length > q->end_offset || q->end_offset + q->trailing_bytes != size) std::abort();
    if (q->pck_chain.empty() || q->qe_report.raw.size() != 384) std::abort();
    if (q->enclave.has_value() == q->td.has_value()) std::abort();
    if (t == TrailingBytes::kReject && q->trailing_bytes != 0) std::abort();
    // The certification data is untrusted text too.
    (void)thim::verify::ParseChainText(thim::AsChars(q->pck_chain));
  }
  return 0;
}
