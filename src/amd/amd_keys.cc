#include "amd/amd_keys.h"

namespace thim::amd {

std::string VcekStoreKey(Product product, ByteSpan hw_id, uint64_t tcb) {
  return "amd/vcek/" + std::string(ProductName(product)) + "/" + HexEncode(hw_id) + "?tcb=" + FormatTcbm(tcb);
}

std::string ChainStoreKey(Product product, KeyKind kind) {
  return "amd/cert_chain/" + std::string(KeyKindPath(kind)) + "/" + std::string(ProductName(product));
}

std::string CrlStoreKey(Product product, KeyKind kind) {
  return "amd/crl/" + std::string(KeyKindPath(kind)) + "/" + std::string(ProductName(product));
}

std::string StoreKey(const AmdKey& key) {
  switch (key.type) {
    case AmdItemType::kVcek: return VcekStoreKey(key.product, key.hw_id, key.tcb);
    case AmdItemType::kChain: return ChainStoreKey(key.product, key.kind);
    case AmdItemType::kCrl: return CrlStoreKey(key.product, key.kind);
  }
  return "";
}

namespace {

StatusOr<Product> ExactProduct(std::string_view name) {
  for (Product p : {Product::kMilan, Product::kGenoa, Product::kTurin})
    if (ProductName(p) == name) return p;
  return InvalidArgumentError("unknown product \"" + std::string(name.substr(0, 40)) + "\" (Milan, Genoa or Turin)");
}

StatusOr<KeyKind> ExactKind(std::string_view name) {
  if (name == "vcek") return KeyKind::kVcek;
  if (name == "vlek") return KeyKind::kVlek;
  return InvalidArgumentError("expected vcek or vlek, got \"" + std::string(name.substr(0, 40)) + "\"");
}

// "<kind>/<Product>" of a chain or CRL key.
Status ParseKindProduct(std::string_view rest, AmdKey& key) {
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return InvalidArgumentError("expected <vcek|vlek>/<Product>");
  ASSIGN_OR_RETURN(key.kind, ExactKind(rest.substr(0, slash)));
  ASSIGN_OR_RETURN(key.product, ExactProduct(rest.substr(slash + 1)));
  return OkStatus();
}

}  // namespace

StatusOr<AmdKey> ParseAmdKey(std::string_view text) {
  AmdKey key;
  auto fail = [&](const Status& why) { return InvalidArgumentError("AMD key \"" + std::string(text.substr(0, 300)) + "\": " + why.message()); };
  constexpr std::string_view kVcek = "amd/vcek/", kChain = "amd/cert_chain/", kCrl = "amd/crl/";
  if (text.starts_with(kChain)) {
    key.type = AmdItemType::kChain;
    if (Status st = ParseKindProduct(text.substr(kChain.size()), key); !st.ok()) return fail(st);
  } else if (text.starts_with(kCrl)) {
    key.type = AmdItemType::kCrl;
    if (Status st = ParseKindProduct(text.substr(kCrl.size()), key); !st.ok()) return fail(st);
  } else if (text.starts_with(kVcek)) {
    key.type = AmdItemType::kVcek;
    std::string_view rest = text.substr(kVcek.size());
    size_t slash = rest.find('/');
    size_t query = rest.find("?tcb=");
    if (slash == std::string_view::npos || query == std::string_view::npos || query < slash)
      return fail(InvalidArgumentError("expected amd/vcek/<Product>/<hwID hex>?tcb=<TCBM>"));
    auto product = ExactProduct(rest.substr(0, slash));
    if (!product.ok()) return fail(product.status());
    key.product = *product;
    std::string_view hw = rest.substr(slash + 1, query - slash - 1);
    if (!IsHex(hw, 2 * HwIdLength(key.product)))
      return fail(InvalidArgumentError("a " + std::string(ProductName(key.product)) + " hwID is " +
                                       std::to_string(2 * HwIdLength(key.product)) + " hex digits"));
    key.hw_id = *HexDecode(hw);
    std::string_view tcb = rest.substr(query + 5);
    if (!IsHex(tcb, 16)) return fail(InvalidArgumentError("the TCB is 16 hex digits"));
    key.tcb = std::stoull(std::string(tcb), nullptr, 16);
  } else {
    return fail(InvalidArgumentError("expected amd/vcek/…, amd/cert_chain/… or amd/crl/…"));
  }
  // One spelling per item: a key that does not round-trip (case) is refused.
  if (StoreKey(key) != text) return fail(InvalidArgumentError("not in canonical form (expected \"" + StoreKey(key) + "\")"));
  return key;
}

}  // namespace thim::amd
