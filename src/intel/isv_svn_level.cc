#include "intel/isv_svn_level.h"

#include <algorithm>

namespace thim::intel {

StatusOr<std::vector<IsvSvnLevel>> ParseIsvSvnLevels(const JsonObject& parent, uint16_t max_isvsvn,
                                                     std::initializer_list<TcbStatus> allowed, const char* allowed_text) {
  ASSIGN_OR_RETURN(const nlohmann::json* levels, parent.Array("tcbLevels"));
  if (levels->empty()) return parent.Error("tcbLevels", "no TCB levels");
  std::vector<IsvSvnLevel> out;
  for (size_t i = 0; i < levels->size(); ++i) {
    ASSIGN_OR_RETURN(JsonObject level, JsonObject::Of((*levels)[i], parent.PathOf("tcbLevels") + "[" + std::to_string(i) + "]"));
    IsvSvnLevel l;
    ASSIGN_OR_RETURN(JsonObject tcb, level.Object("tcb"));
    ASSIGN_OR_RETURN(int64_t isvsvn, tcb.Int("isvsvn", 0, max_isvsvn));
    l.isvsvn = static_cast<uint16_t>(isvsvn);
    ASSIGN_OR_RETURN(l.tcb_date, level.IntelTime("tcbDate"));
    ASSIGN_OR_RETURN(std::string status, level.String("tcbStatus"));
    auto parsed = ParseTcbStatus(status);
    if (!parsed.ok() || std::find(allowed.begin(), allowed.end(), *parsed) == allowed.end())
      return level.Error("tcbStatus", "\"" + status.substr(0, 64) + "\" is not one of " + allowed_text);
    l.status = *parsed;
    ASSIGN_OR_RETURN(l.advisory_ids, level.StringList("advisoryIDs"));
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace thim::intel
