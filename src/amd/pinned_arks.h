// The AMD Root Keys (ARK) every SEV-SNP chain must end at, pinned in the binary
// per product (taken from AMD KDS cert_chain as published), and AMD's ASK/ASVK
// intermediates as built-in data. Operators can pin
// other roots (the simulator's) through configuration.
// Thread-safety: the returned certificates are immutable.
#pragma once

#include <string_view>

#include "amd/kds_paths.h"
#include "amd/product.h"
#include "crypto/certificate.h"

namespace thim::amd {

extern const std::string_view kArkMilanPem;
extern const std::string_view kArkGenoaPem;
extern const std::string_view kArkTurinPem;

const crypto::Certificate& PinnedArk(Product product);

// AMD's public intermediates, built in (pinned_intermediates.cc) so a report
// verifies offline with just its VCEK/VLEK: the ASK (CN=SEV-<Product>, signs
// VCEKs) for kVcek, the ASVK (CN=SEV-VLEK-<Product>, signs VLEKs) for kVlek.
// Data, not trust: callers still verify them against PinnedArk(product).
extern const std::string_view kAskMilanPem, kAsvkMilanPem, kAskGenoaPem, kAsvkGenoaPem, kAskTurinPem, kAsvkTurinPem;
const crypto::Certificate& BuiltInIntermediate(Product product, KeyKind kind);

namespace internal {
// A built-in PEM constant, parsed once and kept for the process (aborts on a
// constant that does not parse: a build defect, not input).
const crypto::Certificate* ParseBuiltInPem(std::string_view pem);
}  // namespace internal

}  // namespace thim::amd
