// PEM blocks (RFC 7468): splitting a text into labelled DER blocks and back.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"

namespace thim {

struct PemBlock {
  std::string label;  // "CERTIFICATE", "X509 CRL", …
  Bytes der;
};

// Every block in `text`, in order. Text outside blocks is ignored (PCS bodies
// and chain files carry none, but operators' files may carry comments).
// InvalidArgument when there is no block, a BEGIN has no matching END, the
// labels differ, or a body is not base64.
StatusOr<std::vector<PemBlock>> ParsePem(std::string_view text);

// True when `text` contains a PEM BEGIN line.
bool LooksLikePem(std::string_view text);

// "-----BEGIN <label>-----\n" + base64 in 64-char lines + "-----END <label>-----\n".
std::string EncodePem(std::string_view label, ByteSpan der);

}  // namespace thim
