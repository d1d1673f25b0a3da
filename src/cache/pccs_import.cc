#include "cache/pccs_import.h"

#include "core/bytes.h"
#include "intel/strict_json.h"

namespace thim::cache {
namespace {

using ojson = nlohmann::ordered_json;

// Intel's compact form: nlohmann's ordered dump keeps member order and emits
// no whitespace, which is what PCS serves. Non-ASCII is kept as is.
std::string Compact(const ojson& j) { return j.dump(); }

std::string ChainOf(const ojson& certificates, const char* name, const char* which = nullptr) {
  if (!certificates.contains(name)) return "";
  const ojson& v = certificates[name];
  if (which) return v.contains(which) && v[which].is_string() ? v[which].get<std::string>() : "";
  return v.is_string() ? v.get<std::string>() : "";
}

}  // namespace

StatusOr<PccsCollaterals> ReadPccsCollaterals(std::string_view text) {
  // Validate strictly first (duplicates, depth, UTF-8), then re-read keeping member order.
  RETURN_IF_ERROR(intel::ParseStrictJson(text, 256u << 20).status());
  ojson root = ojson::parse(text, nullptr, false);
  if (!root.is_object() || !root.contains("collaterals") || !root["collaterals"].is_object())
    return InvalidArgumentError("malformed at collaterals: missing (not a platform_collaterals.json)");
  const ojson& c = root["collaterals"];
  if (!c.contains("version") || !c["version"].is_number_integer()) return InvalidArgumentError("malformed at collaterals.version");
  int version = c["version"].get<int>();
  if (version != 3 && version != 4) return InvalidArgumentError("collaterals.version must be 3 or 4");
  if (!c.contains("certificates") || !c["certificates"].is_object())
    return InvalidArgumentError("malformed at collaterals.certificates: missing");
  const ojson& certs = c["certificates"];
  PccsCollaterals out;
  std::string tcb_chain = ChainOf(certs, version == 4 ? "TCB-Info-Issuer-Chain" : "SGX-TCB-Info-Issuer-Chain");
  std::string identity_chain = ChainOf(certs, "SGX-Enclave-Identity-Issuer-Chain");

  auto add = [&](StatusOr<CollateralKey> key, std::string body, std::string chain, std::string type) {
    if (!key.ok()) return;
    BundleItem item{.key = *key};
    item.document.http_status = 200;
    item.document.body = std::move(body);
    item.document.issuer_chain = std::move(chain);
    item.document.content_type = std::move(type);
    out.items.push_back(std::move(item));
  };

  if (c.contains("tcbinfos") && c["tcbinfos"].is_array()) {
    for (size_t i = 0; i < c["tcbinfos"].size(); ++i) {
      const ojson& t = c["tcbinfos"][i];
      if (!t.is_object() || !t.contains("fmspc") || !t["fmspc"].is_string())
        return InvalidArgumentError("malformed at collaterals.tcbinfos[" + std::to_string(i) + "].fmspc");
      std::string fmspc = t["fmspc"].get<std::string>();
      struct Field { const char* name; Tee tee; const char* update; };
      const Field fields[] = {{"sgx_tcbinfo", Tee::kSgx, "standard"}, {"sgx_tcbinfo_early", Tee::kSgx, "early"},
                              {"tdx_tcbinfo", Tee::kTdx, "standard"}, {"tdx_tcbinfo_early", Tee::kTdx, "early"},
                              {"tcbinfo", Tee::kSgx, "standard"},     {"tcbinfo_early", Tee::kSgx, "early"}};
      for (const Field& f : fields) {
        if (!t.contains(f.name) || !t[f.name].is_object()) continue;
        int api = (version == 3 || std::string_view(f.name).starts_with("tcbinfo")) ? version : 4;
        add(MakeKey(CollateralKind::kTcbInfo, f.tee, api, {.fmspc = fmspc, .update = f.update}), Compact(t[f.name]), tcb_chain,
            "application/json");
      }
    }
  }
  struct Identity { const char* name; CollateralKind kind; Tee tee; const char* update; };
  const Identity identities[] = {{"qeidentity", CollateralKind::kQeIdentity, Tee::kSgx, "standard"},
                                 {"qeidentity_early", CollateralKind::kQeIdentity, Tee::kSgx, "early"},
                                 {"tdqeidentity", CollateralKind::kQeIdentity, Tee::kTdx, "standard"},
                                 {"tdqeidentity_early", CollateralKind::kQeIdentity, Tee::kTdx, "early"},
                                 {"qveidentity", CollateralKind::kQveIdentity, Tee::kSgx, "standard"},
                                 {"qveidentity_early", CollateralKind::kQveIdentity, Tee::kSgx, "early"}};
  for (const Identity& id : identities) {
    if (!c.contains(id.name)) continue;
    const ojson& v = c[id.name];
    // PCCS files carry identities as JSON strings (the served text) or objects.
    std::string body = v.is_string() ? v.get<std::string>() : v.is_object() ? Compact(v) : "";
    if (body.empty()) continue;
    int api = id.tee == Tee::kTdx ? 4 : version;
    add(MakeKey(id.kind, id.tee, api, {.update = id.update}), body, identity_chain, "application/json");
  }
  if (c.contains("pckcacrl") && c["pckcacrl"].is_object()) {
    for (const auto& [field, ca, which] : {std::tuple{"processorCrl", "processor", "PROCESSOR"}, std::tuple{"platformCrl", "platform", "PLATFORM"}}) {
      const ojson& crls = c["pckcacrl"];
      if (!crls.contains(field) || !crls[field].is_string()) continue;
      auto der = HexDecode(crls[field].get<std::string>());
      if (!der.ok()) return InvalidArgumentError(std::string("malformed at collaterals.pckcacrl.") + field + ": not hex");
      add(MakeKey(CollateralKind::kPckCrl, Tee::kSgx, 4, {.ca = ca, .encoding = "der"}), std::string(der->begin(), der->end()),
          ChainOf(certs, "SGX-PCK-Certificate-Issuer-Chain", which), "application/pkix-crl");
    }
  }
  if (c.contains("rootcacrl") && c["rootcacrl"].is_string()) {
    auto der = HexDecode(c["rootcacrl"].get<std::string>());
    if (!der.ok()) return InvalidArgumentError("malformed at collaterals.rootcacrl: not hex");
    CollateralKey key;
    key.kind = CollateralKind::kRootCaCrl;
    add(key, std::string(der->begin(), der->end()), "", "application/pkix-crl");
  }
  if (c.contains("pck_certs") && c["pck_certs"].is_array() && !c["pck_certs"].empty())
    out.skipped.push_back(std::to_string(c["pck_certs"].size()) + " platforms' PCK certificates (platforms are not supported yet)");
  if (root.contains("platforms") && root["platforms"].is_array() && !root["platforms"].empty())
    out.skipped.push_back(std::to_string(root["platforms"].size()) + " platform registration records (not supported yet)");
  return out;
}

}  // namespace thim::cache
