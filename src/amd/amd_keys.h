// Keys of the AMD cache, as the store and thim bundles spell them:
//   "amd/vcek/<Product>/<hwID hex>?tcb=<TCBM, 16 upper-case hex>"
//   "amd/cert_chain/<vcek|vlek>/<Product>"
//   "amd/crl/<vcek|vlek>/<Product>"
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "amd/kds_paths.h"
#include "core/status.h"

namespace thim::amd {

enum class AmdItemType { kVcek, kChain, kCrl };

struct AmdKey {
  AmdItemType type = AmdItemType::kVcek;
  Product product = Product::kMilan;
  KeyKind kind = KeyKind::kVcek;  // chains and CRLs; a VCEK key is always kVcek
  Bytes hw_id;                    // VCEK only: HwIdLength(product) bytes
  uint64_t tcb = 0;               // VCEK only: the raw TCB_VERSION
};

std::string VcekStoreKey(Product product, ByteSpan hw_id, uint64_t tcb);
std::string ChainStoreKey(Product product, KeyKind kind);
std::string CrlStoreKey(Product product, KeyKind kind);
std::string StoreKey(const AmdKey& key);

// Parses a key in exactly the spelling above (products by their KDS name,
// the hwID of the product's length); InvalidArgument naming what is wrong.
StatusOr<AmdKey> ParseAmdKey(std::string_view text);

}  // namespace thim::amd
