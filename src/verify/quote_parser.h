// Strict parser for Intel DCAP quotes: SGX v3, v4 (SGX enclave or TD 1.0
// body) and v5 (body types 1, 2, 3), the ECDSA signature data, the QE report
// certification data (type 6) wrapping the PCK chain (type 5), the QE report
// and the QE auth data.
//
// Stricter than Intel's QVL on purpose (every input is untrusted): every
// declared length must exactly fill its container, and unknown versions,
// types and vendor IDs are errors. Each error is InvalidArgument and names the
// field and its byte offset, e.g.
//   "quote: certification data type at offset 1218: unknown type 9 (expected 5)".
// Bytes after the signature data are an error unless the options allow them
// (real quotes come zero-padded from fixed-size buffers; QVL ignores them).
// Thread-safety: pure function.
#pragma once
#include "verify/quote.h"

namespace thim::verify {

enum class TrailingBytes {
  kReject,            // any byte after the signature data is an error (default)
  kAllowZeroPadding,  // only zero bytes may follow (a fixed-size quote buffer)
  kAllow,             // anything may follow; it is never signed (QVL's behaviour)
};

struct ParseOptions {
  TrailingBytes trailing = TrailingBytes::kReject;
};

// The largest quote accepted: Intel's maximum certification data (12294 B)
// plus the largest fixed parts, rounded up generously.
inline constexpr size_t kMaxQuoteSize = 64 * 1024;

StatusOr<Quote> ParseQuote(ByteSpan data, const ParseOptions& options = {});

std::string_view TrailingBytesName(TrailingBytes t);  // "reject", "zeros", "any"
StatusOr<TrailingBytes> ParseTrailingBytes(std::string_view name);

}  // namespace thim::verify
