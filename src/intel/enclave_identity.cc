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
  ASSIGN_OR_RETURN(out.levels, ParseIsvSvnLevels(obj, 65535,
                                                 {TcbStatus::kUpToDate, TcbStatus::kOutOfDate, TcbStatus::kConfigurationNeeded,
                                                  TcbStatus::kOutOfDateConfigurationNeeded, TcbStatus::kRevoked},
                                                 "the enclave identity statuses"));
  doc.issue_date = out.issue_date;
  doc.next_update = out.next_update;
  out.document = std::move(doc);
  return out;
}

}  // namespace thim::intel
