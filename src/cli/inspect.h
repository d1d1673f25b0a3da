// `thim inspect`: recognises what a file is and describes its key fields as
// JSON. Recognised: Intel TCB info, enclave identity, TCB evaluation data
// numbers, FMSPC lists, X.509 certificates (PCK certificates with their SGX
// extensions), certificate chains (PEM or URL-encoded PEM), CRLs (PEM, DER or
// hex of DER). Thread-safe (pure function of its input).
#pragma once

#include <nlohmann/json.hpp>

#include "core/bytes.h"

namespace thim::cli {

// The description always has "type" first. InvalidArgument when the content
// is none of the recognised kinds, with the reason of the closest match.
StatusOr<nlohmann::ordered_json> Inspect(ByteSpan data);

}  // namespace thim::cli
