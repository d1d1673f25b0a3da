#include "sim/pck_service.h"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "core/pem.h"
#include "intel/pck_cert_selector.h"
#include "sim/pcs_response.h"

namespace thim::sim {

using server::HttpRequest;
using server::HttpResponse;

namespace {

// Intel documents the platformManifest parameter as 16862–112884 hex characters.
constexpr size_t kManifestMinHex = 16862;
constexpr size_t kManifestMaxHex = 112884;

std::string Tcbm(const intel::SgxTcb& tcb) { return intel::FormatTcbm(tcb.components, tcb.pcesvn); }

// Another FMSPC than the platform's, for the wrong_fmspc tamper.
Bytes OtherFmspc(const std::string& fmspc) { return *HexDecode(fmspc == "00906ED50000" ? "00606A000000" : "00906ED50000"); }

// The request's parameters, from the query (GET) or the JSON body (POST).
struct PckParams {
  std::string encrypted_ppid;     // GET
  std::string platform_manifest;  // POST
  std::string cpusvn;
  std::string pcesvn;
  std::string pceid;
};

// Reads and checks the parameters `route` needs; the error names the first
// bad one, as PCS's Error-Message does.
StatusOr<PckParams> ParseParams(const HttpRequest& req, PckService::Route route) {
  bool post = req.method == "POST";
  bool wants_cpusvn = route != PckService::Route::kPckCerts;
  bool wants_pcesvn = route == PckService::Route::kPckCert;
  PckParams p;
  nlohmann::json body;
  if (post) {
    body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return InvalidArgumentError("request body is not a JSON object");
  }
  // One parameter: from the query for GET, a JSON string member for POST.
  auto get = [&](const char* query_name, const char* json_name, std::string* out) -> bool {
    if (!post) {
      auto v = req.Param(query_name);
      if (!v) return false;
      *out = std::string(*v);
      return true;
    }
    auto it = body.find(json_name);
    if (it == body.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  if (post) {
    if (!get("", "platformManifest", &p.platform_manifest) || !IsHex(p.platform_manifest) ||
        p.platform_manifest.size() < kManifestMinHex || p.platform_manifest.size() > kManifestMaxHex)
      return InvalidArgumentError("Invalid or missing platformManifest");
  } else if (!get("encrypted_ppid", "", &p.encrypted_ppid) || !IsHex(p.encrypted_ppid, 768)) {
    return InvalidArgumentError("Invalid or missing encrypted_ppid");
  }
  if (wants_cpusvn && (!get("cpusvn", "cpusvn", &p.cpusvn) || !IsHex(p.cpusvn, 32)))
    return InvalidArgumentError("Invalid or missing cpusvn");
  if (wants_pcesvn && (!get("pcesvn", "pcesvn", &p.pcesvn) || !IsHex(p.pcesvn, 4)))
    return InvalidArgumentError("Invalid or missing pcesvn");
  if (!get("pceid", "pceid", &p.pceid) || !IsHex(p.pceid, 4)) return InvalidArgumentError("Invalid or missing pceid");
  return p;
}

// pckcerts' flat "tcb" object, Intel's member order.
nlohmann::ordered_json TcbJson(const intel::SgxTcb& tcb) {
  nlohmann::ordered_json j;
  for (size_t i = 0; i < tcb.components.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "sgxtcbcomp%02zusvn", i + 1);
    j[name] = tcb.components[i];
  }
  j["pcesvn"] = tcb.pcesvn;
  return j;
}

}  // namespace

PckService::PckService(const IntelPki& pki, PlatformFleet fleet) : pki_(pki), fleet_(std::move(fleet)) {}

std::vector<SimPckLevel> PckService::Levels(const SimPlatform& platform, const std::vector<intel::SgxTcb>& levels) const {
  std::vector<SimPckLevel> out;
  for (const auto& tcb : levels) out.push_back({tcb, Tcbm(tcb), true});
  if (platform.lowest_level_not_available && !out.empty()) out.back().available = false;
  return out;
}

StatusOr<std::shared_ptr<const PckService::Issued>> PckService::Cert(const SimPlatform& platform, const intel::SgxTcb& tcb,
                                                                     PckTamper tamper, const IntelPki& signer) const {
  // A bad signature is applied to the genuine certificate when serving.
  int variant = static_cast<int>(tamper == PckTamper::kBadSignature ? PckTamper::kNone : tamper);
  auto key = std::make_tuple(platform.index, Tcbm(tcb), variant);
  std::lock_guard lock(mu_);  // issuing under the lock: each certificate exactly once
  if (auto it = certs_.find(key); it != certs_.end()) return it->second;
  PckSpec spec;
  spec.sgx.ppid = platform.ppid;
  spec.sgx.tcb = tcb;  // tcbType 0: CPUSVN = the 16 components
  ASSIGN_OR_RETURN(spec.sgx.pce_id, HexDecode(platform.pce_id));
  ASSIGN_OR_RETURN(spec.sgx.fmspc, HexDecode(platform.fmspc));
  if (tamper == PckTamper::kWrongFmspc) spec.sgx.fmspc = OtherFmspc(platform.fmspc);
  spec.ca = platform.ca;
  if (platform.ca == intel::PckCaType::kPlatform) {
    spec.sgx.sgx_type = static_cast<int>(intel::SgxType::kScalable);  // multi-package Xeons
    spec.sgx.platform_instance_id = platform.platform_instance_id;
    spec.sgx.configuration = intel::PlatformConfiguration{true, platform.cached_keys, true};
  }
  // Valid as long as the hierarchy, so long-lived fixtures and fake clocks
  // never see a PCK certificate expire before its CA.
  spec.not_before = signer.root().cert.NotBefore();
  spec.not_after = signer.root().cert.NotAfter();
  ASSIGN_OR_RETURN(IssuedCert issued, signer.IssuePck(spec));
  ASSIGN_OR_RETURN(intel::PckCertificate pck, intel::ParsePckCertificate(issued.cert));
  auto entry = std::make_shared<const Issued>(Issued{EncodePem("CERTIFICATE", issued.cert.der()), std::move(pck)});
  certs_.emplace(key, entry);
  return entry;
}

StatusOr<std::string> PckService::CertPem(const SimPlatform& platform, const intel::SgxTcb& tcb, PckTamper tamper,
                                          const IntelPki& signer) const {
  ASSIGN_OR_RETURN(auto issued, Cert(platform, tcb, tamper, signer));
  if (tamper != PckTamper::kBadSignature) return issued->pem;
  Bytes der = issued->pck.cert.der();
  der[der.size() - 3] ^= 0x01;  // inside the signature's s: still parses, no longer verifies
  return EncodePem("CERTIFICATE", der);
}

StatusOr<SimPckAnswer> PckService::Select(const SimPlatform& platform, ByteSpan raw_cpusvn, uint16_t raw_pcesvn,
                                          const std::vector<intel::SgxTcb>& levels) const {
  if (raw_cpusvn.size() != 16) return InvalidArgumentError("raw CPUSVN must be 16 bytes");
  std::vector<SimPckLevel> mine = Levels(platform, levels);
  std::vector<intel::PckCertificate> certs;
  std::vector<const SimPckLevel*> cert_levels;
  for (const auto& level : mine) {
    if (!level.available) continue;
    ASSIGN_OR_RETURN(auto issued, Cert(platform, level.tcb, PckTamper::kNone, pki_));
    certs.push_back(issued->pck);
    cert_levels.push_back(&level);
  }
  if (certs.empty()) return NotFoundError("no PCK certificate available for this platform");
  intel::PckSelectionInput in;
  in.raw_cpusvn.assign(raw_cpusvn.begin(), raw_cpusvn.end());
  in.raw_pcesvn = raw_pcesvn;
  ASSIGN_OR_RETURN(in.pce_id, HexDecode(platform.pce_id));
  ASSIGN_OR_RETURN(in.tcb_fmspc, HexDecode(platform.fmspc));
  in.tcb_pce_id = in.pce_id;
  in.tcb_levels = levels;
  ASSIGN_OR_RETURN(intel::PckSelection chosen, intel::SelectPckCertificate(in, certs));
  const SimPckLevel& level = *cert_levels[chosen.index];
  ASSIGN_OR_RETURN(auto issued, Cert(platform, level.tcb, PckTamper::kNone, pki_));
  return SimPckAnswer{issued->pem, level.tcbm, level.tcb, platform.ca, platform.fmspc};
}

HttpResponse PckService::Answer(const HttpRequest& req, Route route, const std::vector<intel::SgxTcb>& levels, PckTamper tamper,
                                const IntelPki& signer) const {
  if (auto key = req.HeaderValue("PPID-Encryption-Key"); key && *key != "RSA-3072")
    return PcsError(400, "InvalidRequestSyntax", "Unsupported PPID-Encryption-Key");
  auto params = ParseParams(req, route);
  if (!params.ok()) return PcsError(400, "InvalidRequestSyntax", params.status().message());

  // Who asks: PCS decrypts the encrypted PPID (and knows only platforms whose
  // keys it holds), or recognises the platform manifest.
  StatusOr<const SimPlatform*> found = req.method == "POST" ? fleet_.FindByManifest(params->platform_manifest)
                                                            : fleet_.FindByEncryptedPpid(params->encrypted_ppid);
  if (!found.ok()) return PcsError(404);
  const SimPlatform& platform = **found;
  if (req.method != "POST" && !platform.cached_keys) return PcsError(404);
  if (*HexDecode(params->pceid) != *HexDecode(platform.pce_id)) return PcsError(404);

  const std::string ca_type(intel::PckCaTypeName(platform.ca));
  auto with_headers = [&](HttpResponse r) {
    r.headers.push_back({"SGX-PCK-Certificate-Issuer-Chain", PercentEncode(signer.PckCaChainPem(platform.ca))});
    r.headers.push_back({"SGX-FMSPC", platform.fmspc});
    r.headers.push_back({"SGX-PCK-Certificate-CA-Type", ca_type});
    return r;
  };

  if (route == Route::kPckCert) {
    Bytes cpusvn = *HexDecode(params->cpusvn);
    Bytes pcesvn_le = *HexDecode(params->pcesvn);
    uint16_t pcesvn = static_cast<uint16_t>(pcesvn_le[0] | (pcesvn_le[1] << 8));
    auto chosen = Select(platform, cpusvn, pcesvn, levels);
    if (!chosen.ok()) return PcsError(chosen.status().code() == StatusCode::kNotFound ? 404 : 500);
    auto pem = CertPem(platform, chosen->tcb, tamper, signer);
    if (!pem.ok()) return PcsError(500);
    HttpResponse r = with_headers(PcsBody(std::move(*pem), "application/x-pem-file"));
    r.headers.push_back({"SGX-TCBm", chosen->tcbm});
    return r;
  }

  // pckcerts and pckcerts/config: every level. Intel narrows /config to the
  // levels of the given CPUSVN's hardware configuration; the simulator's
  // platforms have a single configuration, so both list the same set.
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& level : Levels(platform, levels)) {
    nlohmann::ordered_json entry;
    entry["tcb"] = TcbJson(level.tcb);
    entry["tcbm"] = level.tcbm;
    if (level.available) {
      auto pem = CertPem(platform, level.tcb, tamper, signer);
      if (!pem.ok()) return PcsError(500);
      entry["cert"] = PercentEncode(*pem);
    } else {
      entry["cert"] = "Not available";
    }
    list.push_back(std::move(entry));
  }
  return with_headers(PcsBody(list.dump(), "application/json"));
}

std::string PckService::PlatformsJson() const {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& p : fleet_.platforms()) {
    nlohmann::ordered_json j;
    j["index"] = p.index;
    j["qe_id"] = p.qe_id;
    j["pce_id"] = p.pce_id;
    j["fmspc"] = p.fmspc;
    j["ca"] = std::string(intel::PckCaTypeName(p.ca));
    j["ppid"] = HexEncode(p.ppid, true);
    j["encrypted_ppid"] = p.encrypted_ppid;
    j["platform_manifest"] = p.platform_manifest;
    j["cached_keys"] = p.cached_keys;
    j["lowest_level_not_available"] = p.lowest_level_not_available;
    list.push_back(std::move(j));
  }
  return list.dump();
}

}  // namespace thim::sim
