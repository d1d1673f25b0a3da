#include "cache/pccs_import.h"

#include <map>

#include "cache/platform_service.h"
#include "core/bytes.h"
#include "crypto/certificate.h"
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
  // Platforms: registration records first, then their certificates.
  std::map<std::string, store::PlatformRecord> platforms;
  auto text_of = [](const ojson& o, const char* key) {
    std::string v = o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : "";
    for (char& ch : v) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return v;
  };
  auto record_of = [&](const ojson& o, const std::string& where) -> StatusOr<store::PlatformRecord*> {
    if (!o.is_object()) return InvalidArgumentError("malformed at " + where + ": expected an object");
    PlatformIdentity id{.qe_id = text_of(o, "qe_id"), .pce_id = text_of(o, "pce_id"), .encrypted_ppid = text_of(o, "enc_ppid"),
                        .platform_manifest = text_of(o, "platform_manifest")};
    if (!IsHex(id.pce_id, 4)) return InvalidArgumentError("malformed at " + where + ".pce_id: expected 4 hex digits");
    if (!id.qe_id.empty() && (id.qe_id.size() > 260 || !IsHex(id.qe_id)))
      return InvalidArgumentError("malformed at " + where + ".qe_id: expected hex");
    if (IsZeroPpid(id.encrypted_ppid)) id.encrypted_ppid.clear();
    std::string pid = PlatformIdOf(id);
    if (pid.empty()) return InvalidArgumentError("malformed at " + where + ": no qe_id, enc_ppid or platform_manifest");
    store::PlatformRecord& r = platforms[pid];
    r.id = pid;
    r.source = "import";
    for (auto [field, value] : {std::pair{&r.qe_id, &id.qe_id}, std::pair{&r.pce_id, &id.pce_id},
                                std::pair{&r.encrypted_ppid, &id.encrypted_ppid},
                                std::pair{&r.platform_manifest, &id.platform_manifest}})
      if (!value->empty()) *field = *value;
    return &r;
  };
  if (root.contains("platforms") && root["platforms"].is_array()) {
    for (size_t i = 0; i < root["platforms"].size(); ++i) {
      ASSIGN_OR_RETURN(store::PlatformRecord * r, record_of(root["platforms"][i], "platforms[" + std::to_string(i) + "]"));
      (void)r;
    }
  }
  if (c.contains("pck_certs") && c["pck_certs"].is_array()) {
    for (size_t i = 0; i < c["pck_certs"].size(); ++i) {
      std::string where = "collaterals.pck_certs[" + std::to_string(i) + "]";
      const ojson& p = c["pck_certs"][i];
      ASSIGN_OR_RETURN(store::PlatformRecord * r, record_of(p, where));
      if (!p.contains("certs") || !p["certs"].is_array() || p["certs"].empty())
        return InvalidArgumentError("malformed at " + where + ".certs: expected a non-empty array");
      r->pck_certs = Compact(p["certs"]);
      // The chain of whichever PCK CA issued them (PROCESSOR or PLATFORM).
      std::string chain;
      for (const auto& e : p["certs"]) {
        if (!e.is_object() || !e.contains("cert") || !e["cert"].is_string()) continue;
        auto pem = PercentDecode(e["cert"].get<std::string>());
        if (!pem.ok()) continue;
        auto cert = crypto::Certificate::FromPem(*pem);
        if (!cert.ok()) continue;
        bool platform_ca = cert->IssuerCommonName().find("Platform") != std::string::npos;
        chain = ChainOf(certs, "SGX-PCK-Certificate-Issuer-Chain", platform_ca ? "PLATFORM" : "PROCESSOR");
        break;
      }
      r->issuer_chain = chain;
    }
  }
  for (auto& [id, r] : platforms) out.platforms.push_back(std::move(r));
  return out;
}

}  // namespace thim::cache
