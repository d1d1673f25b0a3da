#include "cli/inspect.h"

#include "amd/endorsement_cert.h"
#include "amd/snp_report.h"
#include "cli/describe.h"
#include "cli/describe_amd.h"
#include "core/pem.h"
#include "intel/enclave_identity.h"
#include "intel/strict_json.h"
#include "intel/tcb_evaluation_data_numbers.h"
#include "intel/tcb_info.h"

namespace thim::cli {

using ojson = nlohmann::ordered_json;

namespace {

ojson Levels(const std::vector<intel::TcbLevel>& levels) {
  ojson out = ojson::array();
  for (const auto& l : levels) {
    // Components as hex (one byte each), like CPUSVN, to keep the output readable.
    ojson j = {{"sgxComponents", HexEncode(l.sgx.components, true)}, {"pcesvn", l.sgx.pcesvn}};
    if (l.tdx) j["tdxComponents"] = HexEncode(*l.tdx, true);
    j["tcbDate"] = FormatRfc3339(l.tcb_date);
    j["tcbStatus"] = std::string(intel::TcbStatusName(l.status));
    if (!l.advisory_ids.empty()) j["advisoryIDs"] = l.advisory_ids;
    out.push_back(j);
  }
  return out;
}

StatusOr<ojson> InspectSigned(std::string_view text, const std::string& name) {
  ojson j;
  if (name == "tcbInfo") {
    ASSIGN_OR_RETURN(intel::TcbInfo t, intel::ParseTcbInfo(text));
    j["type"] = "tcb_info";
    j["id"] = std::string(intel::TeeTypeName(t.id));
    j["version"] = t.version;
    j["fmspc"] = t.FmspcHex();
    j["pceId"] = t.PceIdHex();
    j["tcbType"] = t.tcb_type;
    j["tcbEvaluationDataNumber"] = t.tcb_evaluation_data_number;
    j["issueDate"] = FormatRfc3339(t.issue_date);
    j["nextUpdate"] = FormatRfc3339(t.next_update);
    j["tcbLevelCount"] = t.levels.size();
    if (t.tdx_module) j["tdxModuleIdentities"] = t.tdx_module_identities.size();
    j["tcbLevels"] = Levels(t.levels);
    return j;
  }
  if (name == "enclaveIdentity") {
    ASSIGN_OR_RETURN(intel::EnclaveIdentity e, intel::ParseEnclaveIdentity(text));
    j["type"] = "enclave_identity";
    j["id"] = std::string(intel::EnclaveIdName(e.id));
    j["version"] = e.version;
    j["tcbEvaluationDataNumber"] = e.tcb_evaluation_data_number;
    j["issueDate"] = FormatRfc3339(e.issue_date);
    j["nextUpdate"] = FormatRfc3339(e.next_update);
    j["mrsigner"] = HexEncode(e.mrsigner, true);
    j["isvprodid"] = e.isvprodid;
    j["miscselect"] = HexEncode(e.miscselect, true);
    j["attributes"] = HexEncode(e.attributes, true);
    ojson levels = ojson::array();
    for (const auto& l : e.levels)
      levels.push_back({{"isvsvn", l.isvsvn}, {"tcbDate", FormatRfc3339(l.tcb_date)}, {"tcbStatus", std::string(intel::TcbStatusName(l.status))}});
    j["tcbLevels"] = levels;
    return j;
  }
  ASSIGN_OR_RETURN(intel::TcbEvaluationDataNumbers n, intel::ParseTcbEvaluationDataNumbers(text));
  j["type"] = "tcb_evaluation_data_numbers";
  j["id"] = std::string(intel::TeeTypeName(n.id));
  j["issueDate"] = FormatRfc3339(n.issue_date);
  j["nextUpdate"] = FormatRfc3339(n.next_update);
  ojson numbers = ojson::array();
  for (const auto& e : n.numbers)
    numbers.push_back({{"tcbEvaluationDataNumber", e.number}, {"tcbRecoveryEventDate", FormatRfc3339(e.tcb_recovery_event_date)},
                       {"tcbDate", FormatRfc3339(e.tcb_date)}});
  j["tcbEvalNumbers"] = numbers;
  return j;
}

// THIM's AMD answer: {"vcekCert","tcbm","certificateChain","cacheControl"}.
StatusOr<ojson> InspectThimAmd(const nlohmann::json& j) {
  for (const char* key : {"vcekCert", "tcbm", "certificateChain", "cacheControl"}) {
    if (!j.contains(key) || !j[key].is_string()) return InvalidArgumentError(std::string("THIM AMD answer: \"") + key + "\" is missing or not a string");
  }
  ASSIGN_OR_RETURN(amd::EndorsementCert key, amd::ParseEndorsementCertBytes(AsBytes(j["vcekCert"].get<std::string>())));
  ASSIGN_OR_RETURN(auto chain, crypto::ParseCertificateList(j["certificateChain"].get<std::string>()));
  ojson out = {{"type", "thim_amd_certification"}, {"tcbm", j["tcbm"]}, {"cacheControl", j["cacheControl"]}};
  out["tcbm_matches_vcek"] = j["tcbm"] == amd::FormatTcbm(key.TcbRaw());
  out["vcek"] = DescribeCertificate(key.cert);
  ojson list = ojson::array();
  for (const auto& c : chain) list.push_back(DescribeCertificate(c));
  out["certificateChain"] = list;
  return out;
}

StatusOr<ojson> InspectJson(std::string_view text) {
  auto name = intel::DetectSignedBodyName(text);
  if (name.ok()) return InspectSigned(text, *name);
  // Unsigned: the FMSPC list.
  ASSIGN_OR_RETURN(nlohmann::json j, intel::ParseStrictJson(text));
  if (j.is_array() && !j.empty() && j[0].is_object() && j[0].contains("fmspc")) {
    ojson out = {{"type", "fmspc_list"}, {"count", j.size()}};
    ojson platforms = ojson::object();
    for (const auto& e : j)
      if (e.contains("platform") && e["platform"].is_string()) platforms[e["platform"].get<std::string>()] = platforms.value(e["platform"].get<std::string>(), 0) + 1;
    out["platforms"] = platforms;
    return out;
  }
  if (j.is_object() && j.contains("vcekCert") && j.contains("tcbm")) return InspectThimAmd(j);
  return InvalidArgumentError("JSON, but not Intel collateral (no tcbInfo, enclaveIdentity, tcbEvaluationDataNumbers or FMSPC list)");
}

StatusOr<ojson> InspectCertificates(std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<crypto::Certificate> certs, crypto::ParseCertificateList(text));
  if (certs.size() == 1) return DescribeCertificate(certs[0]);
  ojson out = {{"type", "certificate_chain"}, {"count", certs.size()}};
  ojson list = ojson::array();
  for (const auto& c : certs) list.push_back(DescribeCertificate(c));
  out["certificates"] = list;
  return out;
}

}  // namespace

StatusOr<ojson> Inspect(ByteSpan data) {
  std::string_view text = AsChars(data);
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return InvalidArgumentError("empty input");
  if (text[first] == '{' || text[first] == '[') return InspectJson(text);
  // SEV-SNP reports are fixed-size binaries (or Azure HCL reports wrapping one).
  if (data.size() == amd::kSnpReportSize || (data.size() > 4 && text.substr(0, 4) == "HCLA")) {
    bool hcl = false;
    auto report = amd::ParseSnpReportOrHcl(data, &hcl);
    if (report.ok()) {
      ojson j = DescribeSnpReport(*report, amd::ReportProduct(*report));
      if (hcl) j["container"] = "azure_hcl_report";
      return j;
    }
    if (data.size() == amd::kSnpReportSize || hcl) return report.status().WithContext("SNP report");
  }
  if (LooksLikePem(text)) {
    if (text.find("-----BEGIN X509 CRL-----") != std::string_view::npos) {
      crypto::CrlEncoding enc;
      ASSIGN_OR_RETURN(crypto::Crl crl, crypto::Crl::FromAny(data, &enc));
      ojson j = DescribeCrl(crl);
      j["encoding"] = "pem";
      return j;
    }
    return InspectCertificates(text);
  }
  if (text.find("-----BEGIN%20") != std::string_view::npos) return InspectCertificates(text);
  // DER (certificate or CRL) or hex of a DER CRL.
  crypto::CrlEncoding enc;
  auto crl = crypto::Crl::FromAny(data, &enc);
  if (crl.ok()) {
    ojson j = DescribeCrl(*crl);
    j["encoding"] = enc == crypto::CrlEncoding::kDer ? "der" : "hex";
    return j;
  }
  auto cert = crypto::Certificate::FromDer(data);
  if (cert.ok()) return DescribeCertificate(*cert);
  return InvalidArgumentError("not recognised: neither Intel collateral JSON, a certificate or chain (PEM, URL-encoded PEM, DER) nor a CRL (PEM, DER, hex); as a CRL: " +
                              crl.status().message());
}

}  // namespace thim::cli
