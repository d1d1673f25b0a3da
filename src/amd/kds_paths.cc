#include "amd/kds_paths.h"

#include <charconv>

namespace thim::amd {

std::string_view KeyKindPath(KeyKind kind) { return kind == KeyKind::kVlek ? "vlek" : "vcek"; }

std::string VcekPath(Product product, ByteSpan hw_id, const TcbParts& t) {
  std::string path = "/vcek/v1/" + std::string(ProductName(product)) + "/" + HexEncode(hw_id) + "?";
  if (product == Product::kTurin) path += "fmcSPL=" + std::to_string(t.fmc) + "&";
  path += "blSPL=" + std::to_string(t.bl) + "&teeSPL=" + std::to_string(t.tee) + "&snpSPL=" + std::to_string(t.snp) +
          "&ucodeSPL=" + std::to_string(t.ucode);
  return path;
}

std::string CertChainPath(Product product, KeyKind kind) {
  return "/" + std::string(KeyKindPath(kind)) + "/v1/" + std::string(ProductName(product)) + "/cert_chain";
}

std::string CrlPath(Product product, KeyKind kind) {
  return "/" + std::string(KeyKindPath(kind)) + "/v1/" + std::string(ProductName(product)) + "/crl";
}

StatusOr<VcekRequest> ParseVcekRequest(std::string_view product_text, std::string_view hwid,
                                       const std::map<std::string, std::string>& query) {
  // KDS names products exactly; steppings and Zen 4c names are not paths.
  if (product_text != "Milan" && product_text != "Genoa" && product_text != "Turin") {
    return InvalidArgumentError("unknown product \"" + std::string(product_text) + "\" (Milan, Genoa or Turin)");
  }
  VcekRequest r{.product = *ParseProduct(product_text), .hw_id = {}, .tcb = {}};
  size_t want = HwIdLength(r.product);
  if (hwid.size() != 2 * want || !IsHex(hwid)) {
    return InvalidArgumentError("hwid must be " + std::to_string(2 * want) + " hex characters for " +
                                std::string(product_text));
  }
  r.hw_id = *HexDecode(hwid);
  bool turin = r.product == Product::kTurin;
  for (const auto& [name, _] : query) {
    if (name != "blSPL" && name != "teeSPL" && name != "snpSPL" && name != "ucodeSPL" && !(turin && name == "fmcSPL")) {
      return InvalidArgumentError("unknown query parameter \"" + name + "\"");
    }
  }
  auto spl = [&](const char* name, uint8_t* out) -> Status {
    auto it = query.find(name);
    if (it == query.end()) return InvalidArgumentError(std::string("missing ") + name);
    const std::string& v = it->second;
    unsigned value = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
    if (v.empty() || v.size() > 3 || ec != std::errc() || end != v.data() + v.size() || value > 255) {
      return InvalidArgumentError(std::string(name) + " must be a decimal 0..255, got \"" + v + "\"");
    }
    *out = static_cast<uint8_t>(value);
    return OkStatus();
  };
  RETURN_IF_ERROR(spl("blSPL", &r.tcb.bl));
  RETURN_IF_ERROR(spl("teeSPL", &r.tcb.tee));
  RETURN_IF_ERROR(spl("snpSPL", &r.tcb.snp));
  RETURN_IF_ERROR(spl("ucodeSPL", &r.tcb.ucode));
  if (turin) RETURN_IF_ERROR(spl("fmcSPL", &r.tcb.fmc));
  return r;
}

}  // namespace thim::amd
