#include "intel/tcb_info.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "intel/strict_json.h"

namespace thim::intel {
namespace {

using json = nlohmann::json;

std::string Index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// 16 SVNs from the v3 form [{"svn":n,"category"?,"type"?}, …]. QVL truncates
// SVNs above 255 modulo 256; we reject them: a signed document carrying one is
// not something Intel produces, and truncation could map a level onto another.
Status ParseComponents(const json& arr, const std::string& path, std::array<uint8_t, 16>* out) {
  if (!arr.is_array() || arr.size() != 16)
    return InvalidArgumentError("malformed at " + path + ": expected an array of 16 components");
  for (size_t i = 0; i < 16; ++i) {
    ASSIGN_OR_RETURN(JsonObject c, JsonObject::Of(arr[i], Index(path, i)));
    ASSIGN_OR_RETURN(int64_t svn, c.Int("svn", 0, 255));
    if (c.Has("category")) RETURN_IF_ERROR(c.String("category").status());
    if (c.Has("type")) RETURN_IF_ERROR(c.String("type").status());
    (*out)[i] = static_cast<uint8_t>(svn);
  }
  return OkStatus();
}

StatusOr<TcbLevel> ParseLevel(const json& value, const std::string& path, int version, TeeType tee) {
  ASSIGN_OR_RETURN(JsonObject level, JsonObject::Of(value, path));
  TcbLevel out;
  ASSIGN_OR_RETURN(JsonObject tcb, level.Object("tcb"));
  if (version == 2) {
    for (int i = 0; i < 16; ++i) {
      char key[32];
      std::snprintf(key, sizeof key, "sgxtcbcomp%02dsvn", i + 1);
      ASSIGN_OR_RETURN(int64_t svn, tcb.Int(key, 0, 255));
      out.sgx.components[static_cast<size_t>(i)] = static_cast<uint8_t>(svn);
    }
  } else {
    ASSIGN_OR_RETURN(const json* sgx, tcb.Array("sgxtcbcomponents"));
    RETURN_IF_ERROR(ParseComponents(*sgx, tcb.PathOf("sgxtcbcomponents"), &out.sgx.components));
    if (tee == TeeType::kTdx) {
      ASSIGN_OR_RETURN(const json* tdx, tcb.Array("tdxtcbcomponents"));
      std::array<uint8_t, 16> comps{};
      RETURN_IF_ERROR(ParseComponents(*tdx, tcb.PathOf("tdxtcbcomponents"), &comps));
      out.tdx = comps;
    } else if (tcb.Has("tdxtcbcomponents")) {
      return tcb.Error("tdxtcbcomponents", "not allowed in SGX TCB info");
    }
  }
  ASSIGN_OR_RETURN(int64_t pcesvn, tcb.Int("pcesvn", 0, 65535));
  out.sgx.pcesvn = static_cast<uint16_t>(pcesvn);
  ASSIGN_OR_RETURN(out.tcb_date, level.IntelTime("tcbDate"));
  ASSIGN_OR_RETURN(std::string status, level.String("tcbStatus"));
  auto parsed = ParseTcbStatus(status);
  if (!parsed.ok()) return level.Error("tcbStatus", parsed.status().message());
  out.status = *parsed;
  ASSIGN_OR_RETURN(out.advisory_ids, level.StringList("advisoryIDs"));
  return out;
}

StatusOr<TdxModuleIdentity> ParseModuleIdentity(const json& value, const std::string& path) {
  ASSIGN_OR_RETURN(JsonObject obj, JsonObject::Of(value, path));
  TdxModuleIdentity out;
  ASSIGN_OR_RETURN(out.id, obj.String("id"));
  ASSIGN_OR_RETURN(out.mrsigner, obj.Hex("mrsigner", 96));
  ASSIGN_OR_RETURN(out.attributes, obj.Hex("attributes", 16));
  ASSIGN_OR_RETURN(out.attributes_mask, obj.Hex("attributesMask", 16));
  ASSIGN_OR_RETURN(out.levels, ParseIsvSvnLevels(obj, 255, {TcbStatus::kUpToDate, TcbStatus::kOutOfDate, TcbStatus::kRevoked},
                                                 "UpToDate, OutOfDate or Revoked"));
  return out;
}

// QVL keeps TCB levels in a std::set ordered by this key (16 SGX SVNs, then
// PCESVN, then the TDX SVNs, each lexicographically), walks it from the
// highest, and treats two levels with equal keys as a format error.
using LevelKey = std::tuple<std::array<uint8_t, 16>, uint16_t, std::array<uint8_t, 16>>;
LevelKey KeyOf(const TcbLevel& l) { return {l.sgx.components, l.sgx.pcesvn, l.tdx.value_or(std::array<uint8_t, 16>{})}; }

Status CheckNoDuplicateLevels(const std::vector<TcbLevel>& levels) {
  std::set<LevelKey> seen;
  for (size_t i = 0; i < levels.size(); ++i)
    if (!seen.insert(KeyOf(levels[i])).second)
      return InvalidArgumentError("malformed at tcbInfo.tcbLevels[" + std::to_string(i) + "]: duplicated TCB level");
  return OkStatus();
}

}  // namespace

std::string_view TeeTypeName(TeeType t) { return t == TeeType::kSgx ? "SGX" : "TDX"; }

StatusOr<const TcbLevel*> MatchTcbLevel(const TcbInfo& tcb_info, const SgxTcb& platform, const std::array<uint8_t, 16>* tdx_tcb_svn) {
  std::vector<const TcbLevel*> walk;
  for (const TcbLevel& level : tcb_info.levels) walk.push_back(&level);
  std::stable_sort(walk.begin(), walk.end(), [](const TcbLevel* a, const TcbLevel* b) { return KeyOf(*a) > KeyOf(*b); });
  for (const TcbLevel* l : walk) {
    const TcbLevel& level = *l;
    if (!TcbNotAbove(level.sgx, platform)) continue;
    if (tdx_tcb_svn && level.tdx) {
      size_t first = (*tdx_tcb_svn)[1] > 0 ? 2 : 0;
      bool ok = true;
      for (size_t i = first; i < 16 && ok; ++i) ok = (*level.tdx)[i] <= (*tdx_tcb_svn)[i];
      if (!ok) continue;
    }
    return &level;
  }
  return NotFoundError("no TCB level of " + std::string(TeeTypeName(tcb_info.id)) + " TCB info for FMSPC " + tcb_info.FmspcHex() +
                       " is at or below the platform's TCB " + HexEncode(platform.components, true) + "/" + std::to_string(platform.pcesvn));
}

StatusOr<TcbInfo> ParseTcbInfo(std::string_view text) {
  json body;
  ASSIGN_OR_RETURN(SignedDocument doc, ParseSignedDocument(text, "tcbInfo", &body));
  ASSIGN_OR_RETURN(JsonObject obj, JsonObject::Of(body, "tcbInfo"));
  TcbInfo info;
  ASSIGN_OR_RETURN(int64_t version, obj.Int("version", 0, 1000));
  if (version != 2 && version != 3) return obj.Error("version", "expected 2 or 3, got " + std::to_string(version));
  info.version = static_cast<int>(version);
  if (info.version == 3) {
    ASSIGN_OR_RETURN(std::string id, obj.String("id"));
    if (id == "SGX") info.id = TeeType::kSgx;
    else if (id == "TDX") info.id = TeeType::kTdx;
    else return obj.Error("id", "expected \"SGX\" or \"TDX\"");
  } else if (obj.Has("id")) {
    return obj.Error("id", "not part of TCB info version 2");
  }
  ASSIGN_OR_RETURN(info.issue_date, obj.IntelTime("issueDate"));
  ASSIGN_OR_RETURN(info.next_update, obj.IntelTime("nextUpdate"));
  if (info.next_update < info.issue_date) return obj.Error("nextUpdate", "before issueDate");
  ASSIGN_OR_RETURN(info.fmspc, obj.Hex("fmspc", 12));
  ASSIGN_OR_RETURN(info.pce_id, obj.Hex("pceId", 4));
  ASSIGN_OR_RETURN(int64_t tcb_type, obj.Int("tcbType", 0, 255));
  if (tcb_type != 0) return obj.Error("tcbType", "only tcbType 0 is defined");
  info.tcb_type = 0;
  ASSIGN_OR_RETURN(int64_t eval, obj.Int("tcbEvaluationDataNumber", 0, UINT32_MAX));
  info.tcb_evaluation_data_number = static_cast<uint32_t>(eval);

  if (info.id == TeeType::kTdx) {
    ASSIGN_OR_RETURN(JsonObject module, obj.Object("tdxModule"));
    TdxModule m;
    ASSIGN_OR_RETURN(m.mrsigner, module.Hex("mrsigner", 96));
    ASSIGN_OR_RETURN(m.attributes, module.Hex("attributes", 16));
    ASSIGN_OR_RETURN(m.attributes_mask, module.Hex("attributesMask", 16));
    info.tdx_module = std::move(m);
    if (obj.Has("tdxModuleIdentities")) {
      ASSIGN_OR_RETURN(const json* ids, obj.Array("tdxModuleIdentities"));
      for (size_t i = 0; i < ids->size(); ++i) {
        ASSIGN_OR_RETURN(TdxModuleIdentity id, ParseModuleIdentity((*ids)[i], Index(obj.PathOf("tdxModuleIdentities"), i)));
        info.tdx_module_identities.push_back(std::move(id));
      }
    }
  } else {
    for (const char* key : {"tdxModule", "tdxModuleIdentities"})
      if (obj.Has(key)) return obj.Error(key, "not allowed in SGX TCB info");
  }

  ASSIGN_OR_RETURN(const json* levels, obj.Array("tcbLevels"));
  if (levels->empty()) return obj.Error("tcbLevels", "no TCB levels");
  for (size_t i = 0; i < levels->size(); ++i) {
    ASSIGN_OR_RETURN(TcbLevel level, ParseLevel((*levels)[i], Index(obj.PathOf("tcbLevels"), i), info.version, info.id));
    info.levels.push_back(std::move(level));
  }
  RETURN_IF_ERROR(CheckNoDuplicateLevels(info.levels));
  doc.issue_date = info.issue_date;
  doc.next_update = info.next_update;
  info.document = std::move(doc);
  return info;
}

}  // namespace thim::intel
