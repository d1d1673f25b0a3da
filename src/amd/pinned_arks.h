// The AMD Root Keys (ARK) every SEV-SNP chain must end at, pinned in the binary
// per product (taken from AMD KDS cert_chain as published). Operators can pin
// other roots (the simulator's) through configuration.
// Thread-safety: the returned certificates are immutable.
#pragma once

#include <string_view>

#include "amd/product.h"
#include "crypto/certificate.h"

namespace thim::amd {

extern const std::string_view kArkMilanPem;
extern const std::string_view kArkGenoaPem;
extern const std::string_view kArkTurinPem;

const crypto::Certificate& PinnedArk(Product product);

}  // namespace thim::amd
