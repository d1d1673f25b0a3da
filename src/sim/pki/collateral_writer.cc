#include "sim/pki/collateral_writer.h"

#include <nlohmann/json.hpp>

namespace thim::sim {
namespace {

using ojson = nlohmann::ordered_json;

ojson Components(const std::array<uint8_t, 16>& comps) {
  ojson arr = ojson::array();
  for (uint8_t c : comps) arr.push_back(ojson{{"svn", c}});
  return arr;
}

ojson Level(const TcbLevelSpec& l, int version) {
  ojson tcb;
  if (version == 2) {
    for (int i = 0; i < 16; ++i) {
      char key[32];
      std::snprintf(key, sizeof key, "sgxtcbcomp%02dsvn", i + 1);
      tcb[key] = l.sgx.components[static_cast<size_t>(i)];
    }
    tcb["pcesvn"] = l.sgx.pcesvn;
  } else {
    tcb["sgxtcbcomponents"] = Components(l.sgx.components);
    tcb["pcesvn"] = l.sgx.pcesvn;
    if (l.tdx) tcb["tdxtcbcomponents"] = Components(*l.tdx);
  }
  ojson level = {{"tcb", tcb}, {"tcbDate", l.tcb_date}, {"tcbStatus", l.status}};
  if (version == 3 && !l.advisory_ids.empty()) level["advisoryIDs"] = l.advisory_ids;
  return level;
}

}  // namespace

std::string TcbInfoBody(const TcbInfoSpec& spec) {
  ojson j;
  if (spec.version == 3) j["id"] = std::string(intel::TeeTypeName(spec.tee));
  j["version"] = spec.version;
  j["issueDate"] = FormatRfc3339(spec.issue_date);
  j["nextUpdate"] = FormatRfc3339(spec.next_update);
  j["fmspc"] = spec.fmspc;
  j["pceId"] = spec.pce_id;
  j["tcbType"] = 0;
  j["tcbEvaluationDataNumber"] = spec.eval_number;
  if (spec.tee == intel::TeeType::kTdx) {
    j["tdxModule"] = {{"mrsigner", std::string(96, '0')}, {"attributes", "0000000000000000"}, {"attributesMask", "FFFFFFFFFFFFFFFF"}};
    ojson ids = ojson::array();
    for (const auto& m : spec.module_identities) {
      ojson levels = ojson::array();
      for (const auto& [isvsvn, status] : m.levels)
        levels.push_back({{"tcb", {{"isvsvn", isvsvn}}}, {"tcbDate", "2024-03-13T00:00:00Z"}, {"tcbStatus", status}});
      ids.push_back({{"id", m.id}, {"mrsigner", std::string(96, '0')}, {"attributes", "0000000000000000"},
                     {"attributesMask", "FFFFFFFFFFFFFFFF"}, {"tcbLevels", levels}});
    }
    j["tdxModuleIdentities"] = ids;
  }
  ojson levels = ojson::array();
  for (const auto& l : spec.levels) levels.push_back(Level(l, spec.version));
  j["tcbLevels"] = levels;
  return j.dump();
}

std::string EnclaveIdentityBody(const EnclaveIdentitySpec& spec) {
  ojson j;
  j["id"] = std::string(intel::EnclaveIdName(spec.id));
  j["version"] = 2;
  j["issueDate"] = FormatRfc3339(spec.issue_date);
  j["nextUpdate"] = FormatRfc3339(spec.next_update);
  j["tcbEvaluationDataNumber"] = spec.eval_number;
  j["miscselect"] = "00000000";
  j["miscselectMask"] = "FFFFFFFF";
  j["attributes"] = "11000000000000000000000000000000";
  j["attributesMask"] = "FBFFFFFFFFFFFFFF0000000000000000";
  j["mrsigner"] = spec.mrsigner;
  j["isvprodid"] = spec.isvprodid;
  ojson levels = ojson::array();
  for (const auto& [isvsvn, status] : spec.levels) {
    ojson l = {{"tcb", {{"isvsvn", isvsvn}}}, {"tcbDate", "2024-03-13T00:00:00Z"}, {"tcbStatus", status}};
    if (spec.advisory_ids && status != "UpToDate") l["advisoryIDs"] = {"INTEL-SA-00615"};
    levels.push_back(l);
  }
  j["tcbLevels"] = levels;
  return j.dump();
}

std::string TcbEvalNumbersBody(const TcbEvalNumbersSpec& spec) {
  ojson j;
  j["id"] = std::string(intel::TeeTypeName(spec.tee));
  j["version"] = 1;
  j["issueDate"] = FormatRfc3339(spec.issue_date);
  j["nextUpdate"] = FormatRfc3339(spec.next_update);
  ojson list = ojson::array();
  for (const auto& n : spec.numbers)
    list.push_back({{"tcbEvaluationDataNumber", n.number}, {"tcbRecoveryEventDate", n.recovery_date}, {"tcbDate", n.tcb_date}});
  j["tcbEvalNumbers"] = list;
  return j.dump();
}

StatusOr<std::string> SignDocument(std::string_view name, const std::string& body, const crypto::PrivateKey& signer) {
  ASSIGN_OR_RETURN(Bytes sig, signer.SignEcdsaP256Raw(AsBytes(body)));
  return "{\"" + std::string(name) + "\":" + body + ",\"signature\":\"" + HexEncode(sig) + "\"}";
}

}  // namespace thim::sim
