#include "intel/enclave_identity.h"

#include "intel/strict_json.h"

namespace thim::intel {

std::string_view EnclaveIdName(EnclaveId id) {
  switch (id) {
    case EnclaveId::kQe: return "QE";
    case EnclaveId::kQve: return "QVE";
    case EnclaveId::kQae: return "QAE";
    case EnclaveId::kTdQe: return "TD_QE";
  }
  return "?";
}

StatusOr<EnclaveIdentity> ParseEnclaveIdentity(std::string_view text) {
  nlohmann::json body;
  ASSIGN_OR_RETURN(SignedDocument doc, ParseSignedDocument(text, "enclaveIdentity", &body));
  ASSIGN_OR_RETURN(JsonObject obj, JsonObject::Of(body, "enclaveIdentity"));
  EnclaveIdentity out;
  ASSIGN_OR_RETURN(std::string id, obj.String("id"));
  bool known = false;
  for (EnclaveId e : {EnclaveId::kQe, EnclaveId::kQve, EnclaveId::kQae, EnclaveId::kTdQe})
    if (id == EnclaveIdName(e)) {
      out.id = e;
      known = true;
    }
  if (!known) return obj.Error("id", "expected QE, QVE, QAE or TD_QE");
  ASSIGN_OR_RETURN(int64_t version, obj.Int("version", 0, 1000));
  if (version != 2) return obj.Error("version", "only version 2 is supported, got " + std::to_string(version));
  ASSIGN_OR_RETURN(out.issue_date, obj.IntelTime("issueDate"));
  ASSIGN_OR_RETURN(out.next_update, obj.IntelTime("nextUpdate"));
  if (out.next_update < out.issue_date) return obj.Error("nextUpdate", "before issueDate");
  ASSIGN_OR_RETURN(int64_t eval, obj.Int("tcbEvaluationDataNumber", 0, UINT32_MAX));
  out.tcb_evaluation_data_number = static_cast<uint32_t>(eval);
  ASSIGN_OR_RETURN(out.miscselect, obj.Hex("miscselect", 8));
  ASSIGN_OR_RETURN(out.miscselect_mask, obj.Hex("miscselectMask", 8));
  ASSIGN_OR_RETURN(out.attributes, obj.Hex("attributes", 32));
  ASSIGN_OR_RETURN(out.attributes_mask, obj.Hex("attributesMask", 32));
  ASSIGN_OR_RETURN(out.mrsigner, obj.Hex("mrsigner", 64));
  ASSIGN_OR_RETURN(int64_t prodid, obj.Int("isvprodid", 0, 65535));
  out.isvprodid = static_cast<uint16_t>(prodid);
  ASSIGN_OR_RETURN(const nlohmann::json* levels, obj.Array("tcbLevels"));
  if (levels->empty()) return obj.Error("tcbLevels", "no TCB levels");
  for (size_t i = 0; i < levels->size(); ++i) {
    std::string path = obj.PathOf("tcbLevels") + "[" + std::to_string(i) + "]";
    ASSIGN_OR_RETURN(JsonObject level, JsonObject::Of((*levels)[i], path));
    EnclaveIdentityLevel l;
    ASSIGN_OR_RETURN(JsonObject tcb, level.Object("tcb"));
    ASSIGN_OR_RETURN(int64_t isvsvn, tcb.Int("isvsvn", 0, 65535));
    l.isvsvn = static_cast<uint16_t>(isvsvn);
    ASSIGN_OR_RETURN(l.tcb_date, level.IntelTime("tcbDate"));
    ASSIGN_OR_RETURN(std::string status, level.String("tcbStatus"));
    auto parsed = ParseTcbStatus(status);
    if (!parsed.ok() || *parsed == TcbStatus::kSWHardeningNeeded || *parsed == TcbStatus::kConfigurationAndSWHardeningNeeded)
      return level.Error("tcbStatus", "\"" + status.substr(0, 64) + "\" is not an enclave identity status");
    l.status = *parsed;
    ASSIGN_OR_RETURN(l.advisory_ids, level.StringList("advisoryIDs"));
    out.levels.push_back(std::move(l));
  }
  doc.issue_date = out.issue_date;
  doc.next_update = out.next_update;
  out.document = std::move(doc);
  return out;
}

}  // namespace thim::intel
