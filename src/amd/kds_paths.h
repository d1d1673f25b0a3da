// AMD KDS request paths (reference §3.1), shared by the KDS client, thimd's
// KDS mirror and the simulator so all three agree on one spelling.
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "amd/product.h"
#include "core/bytes.h"

namespace thim::amd {

enum class KeyKind { kVcek, kVlek };
std::string_view KeyKindPath(KeyKind kind);  // "vcek", "vlek"

// "/vcek/v1/Milan/<hwid hex>?blSPL=3&teeSPL=0&snpSPL=8&ucodeSPL=115"; Turin
// puts fmcSPL first and uses the 8-byte hwID. Values are decimal, unpadded.
std::string VcekPath(Product product, ByteSpan hw_id, const TcbParts& tcb);
std::string CertChainPath(Product product, KeyKind kind);  // "/vcek/v1/Milan/cert_chain"
std::string CrlPath(Product product, KeyKind kind);        // "/vcek/v1/Milan/crl"

// A VCEK request as KDS (and thus thimd's mirror) accepts it.
struct VcekRequest {
  Product product;
  Bytes hw_id;
  TcbParts tcb;
};
// `product` and `hwid` from the path, SPLs from the decoded query. Accepts
// zero-padded values ("blSPL=03", as snpguest sends) but nothing outside
// 0..255, no unknown parameter, every SPL present (fmcSPL only for Turin).
// InvalidArgument otherwise.
StatusOr<VcekRequest> ParseVcekRequest(std::string_view product, std::string_view hwid,
                                       const std::map<std::string, std::string>& query);

}  // namespace thim::amd
