// The AMD part of `thim bundle inspect`: every chain, CRL and VCEK of a
// bundle, described and validated as thimd would import it (chains to the
// ARK of their product, CRLs signed by it, VCEKs the chip and TCB their key
// names), at a given time and without contacting KDS.
// Thread-safety: a pure function.
#pragma once

#include <map>

#include <nlohmann/json.hpp>

#include "amd/product.h"
#include "cache/bundle.h"
#include "crypto/certificate.h"

namespace thim::cli {

// One entry per item: key, what, bytes, valid and (error | the item's dates).
// `arks`: products absent use AMD's ARK, built in. `*all_valid` is cleared
// when an item fails.
nlohmann::ordered_json InspectAmdItems(const cache::AmdBundle& bundle, const std::map<amd::Product, crypto::Certificate>& arks,
                                       TimePoint at, bool* all_valid);

}  // namespace thim::cli
