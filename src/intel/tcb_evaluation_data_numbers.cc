#include "intel/tcb_evaluation_data_numbers.h"

#include <algorithm>

#include "intel/strict_json.h"

namespace thim::intel {

uint32_t TcbEvaluationDataNumbers::Newest() const {
  uint32_t n = 0;
  for (const auto& e : numbers) n = std::max(n, e.number);
  return n;
}

StatusOr<TcbEvaluationDataNumbers> ParseTcbEvaluationDataNumbers(std::string_view text) {
  nlohmann::json body;
  ASSIGN_OR_RETURN(SignedDocument doc, ParseSignedDocument(text, "tcbEvaluationDataNumbers", &body));
  ASSIGN_OR_RETURN(JsonObject obj, JsonObject::Of(body, "tcbEvaluationDataNumbers"));
  TcbEvaluationDataNumbers out;
  ASSIGN_OR_RETURN(std::string id, obj.String("id"));
  if (id == "SGX") out.id = TeeType::kSgx;
  else if (id == "TDX") out.id = TeeType::kTdx;
  else return obj.Error("id", "expected \"SGX\" or \"TDX\"");
  ASSIGN_OR_RETURN(int64_t version, obj.Int("version", 0, 1000));
  if (version != 1) return obj.Error("version", "only version 1 is supported");
  ASSIGN_OR_RETURN(out.issue_date, obj.IntelTime("issueDate"));
  ASSIGN_OR_RETURN(out.next_update, obj.IntelTime("nextUpdate"));
  if (out.next_update < out.issue_date) return obj.Error("nextUpdate", "before issueDate");
  ASSIGN_OR_RETURN(const nlohmann::json* list, obj.Array("tcbEvalNumbers"));
  if (list->empty()) return obj.Error("tcbEvalNumbers", "empty list");
  for (size_t i = 0; i < list->size(); ++i) {
    ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*list)[i], obj.PathOf("tcbEvalNumbers") + "[" + std::to_string(i) + "]"));
    TcbEvaluationDataNumber n;
    ASSIGN_OR_RETURN(int64_t number, e.Int("tcbEvaluationDataNumber", 0, UINT32_MAX));
    n.number = static_cast<uint32_t>(number);
    ASSIGN_OR_RETURN(n.tcb_recovery_event_date, e.IntelTime("tcbRecoveryEventDate"));
    ASSIGN_OR_RETURN(n.tcb_date, e.IntelTime("tcbDate"));
    out.numbers.push_back(n);
  }
  doc.issue_date = out.issue_date;
  doc.next_update = out.next_update;
  out.document = std::move(doc);
  return out;
}

}  // namespace thim::intel
