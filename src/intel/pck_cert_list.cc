#include "intel/pck_cert_list.h"

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/pem.h"

namespace thim::intel {

namespace {

using ordered_json = nlohmann::ordered_json;

std::string CompName(int i) {
  char name[32];
  std::snprintf(name, sizeof(name), "sgxtcbcomp%02dsvn", i + 1);
  return name;
}

StatusOr<SgxTcb> ParseFlatTcb(const ordered_json& j, const std::string& where) {
  if (!j.is_object()) return InvalidArgumentError(where + ".tcb: expected an object");
  if (j.size() != 17) return InvalidArgumentError(where + ".tcb: expected 16 sgxtcbcompNNsvn and pcesvn");
  SgxTcb tcb;
  for (int i = 0; i < 16; ++i) {
    auto it = j.find(CompName(i));
    if (it == j.end() || !it->is_number_unsigned() || it->get<uint64_t>() > 255)
      return InvalidArgumentError(where + ".tcb." + CompName(i) + ": expected an integer 0..255");
    tcb.components[static_cast<size_t>(i)] = static_cast<uint8_t>(it->get<uint64_t>());
  }
  auto it = j.find("pcesvn");
  if (it == j.end() || !it->is_number_unsigned() || it->get<uint64_t>() > 65535)
    return InvalidArgumentError(where + ".tcb.pcesvn: expected an integer 0..65535");
  tcb.pcesvn = static_cast<uint16_t>(it->get<uint64_t>());
  return tcb;
}

StatusOr<PckCertListEntry> ParseEntry(const ordered_json& e, const std::string& where, bool parse_certificate) {
  if (!e.is_object()) return InvalidArgumentError(where + ": expected an object");
  for (const auto& [k, v] : e.items())
    if (k != "tcb" && k != "tcbm" && k != "cert") return InvalidArgumentError(where + ": unexpected key \"" + k.substr(0, 40) + "\"");
  if (!e.contains("tcb") || !e.contains("tcbm") || !e.contains("cert"))
    return InvalidArgumentError(where + ": tcb, tcbm and cert are required");
  PckCertListEntry out;
  ASSIGN_OR_RETURN(out.tcb, ParseFlatTcb(e["tcb"], where));
  if (!e["tcbm"].is_string()) return InvalidArgumentError(where + ".tcbm: expected a string");
  std::string tcbm = e["tcbm"].get<std::string>();
  auto parsed_tcbm = ParseTcbm(tcbm);
  if (!parsed_tcbm.ok()) return InvalidArgumentError(where + ".tcbm: " + parsed_tcbm.status().message());
  for (char& c : tcbm) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out.tcbm = tcbm;
  if (parsed_tcbm->pcesvn != out.tcb.pcesvn) return InvalidArgumentError(where + ": tcbm's PCESVN differs from tcb.pcesvn");
  if (!e["cert"].is_string()) return InvalidArgumentError(where + ".cert: expected a string");
  std::string cert_text = e["cert"].get<std::string>();
  if (cert_text == kNotAvailable) return out;
  auto pem = PercentDecode(cert_text);
  if (!pem.ok()) return InvalidArgumentError(where + ".cert: not URL-encoded PEM");
  out.cert_pem = *pem;
  if (!parse_certificate) {
    if (pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos) return InvalidArgumentError(where + ".cert: not PEM");
    return out;
  }
  auto cert = crypto::Certificate::FromPem(*pem);
  if (!cert.ok()) return InvalidArgumentError(where + ".cert: " + cert.status().message());
  auto pck = ParsePckCertificate(*cert);
  if (!pck.ok()) return InvalidArgumentError(where + ".cert: " + pck.status().message());
  if (!(pck->tcb == out.tcb)) return InvalidArgumentError(where + ": the certificate's TCB differs from the entry's tcb");
  if (pck->Tcbm() != out.tcbm) return InvalidArgumentError(where + ": the certificate's TCBm differs from the entry's tcbm");
  out.cert = std::move(*pck);
  return out;
}

}  // namespace

StatusOr<std::vector<PckCertListEntry>> ParsePckCertList(std::string_view body, bool parse_certificates) {
  ordered_json j = ordered_json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgumentError("PCK certificate list: not JSON");
  if (!j.is_array()) return InvalidArgumentError("PCK certificate list: expected a JSON array");
  if (j.empty()) return InvalidArgumentError("PCK certificate list: empty");
  if (j.size() > 1024) return InvalidArgumentError("PCK certificate list: more than 1024 entries");
  std::vector<PckCertListEntry> entries;
  entries.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    ASSIGN_OR_RETURN(PckCertListEntry e, ParseEntry(j[i], "PCK certificate list [" + std::to_string(i) + "]", parse_certificates));
    entries.push_back(std::move(e));
  }
  return entries;
}

std::string WritePckCertList(const std::vector<PckCertListEntry>& entries) {
  ordered_json out = ordered_json::array();
  for (const auto& e : entries) {
    ordered_json tcb = ordered_json::object();
    for (int i = 0; i < 16; ++i) tcb[CompName(i)] = e.tcb.components[static_cast<size_t>(i)];
    tcb["pcesvn"] = e.tcb.pcesvn;
    std::string cert = e.cert      ? PercentEncode(EncodePem("CERTIFICATE", e.cert->cert.der()))
                       : !e.cert_pem.empty() ? PercentEncode(e.cert_pem)
                                             : std::string(kNotAvailable);
    out.push_back(ordered_json{{"tcb", tcb}, {"tcbm", e.tcbm}, {"cert", cert}});
  }
  return out.dump();
}

}  // namespace thim::intel
