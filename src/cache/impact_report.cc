#include "cache/impact_report.h"

#include <nlohmann/json.hpp>
#include <set>

#include "intel/tcb_info.h"

namespace thim::cache {

namespace {

using json = nlohmann::ordered_json;

// Worse statuses rank higher; a platform matching no level is worst.
int Rank(const std::string& status) {
  static const char* kOrder[] = {"UpToDate",   "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded",
                                 "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked"};
  for (int i = 0; i < 7; ++i)
    if (status == kOrder[i]) return i;
  return 7;  // "TcbNotSupported": below every level
}

std::string StatusUnder(const intel::TcbInfo& info, const intel::SgxTcb& tcb) {
  auto level = intel::MatchTcbLevel(info, tcb);
  if (!level.ok()) return "TcbNotSupported";
  return std::string(intel::TcbStatusName((*level)->status));
}

std::string TcbmOf(const intel::SgxTcb& tcb) { return intel::FormatTcbm(tcb.components, tcb.pcesvn); }

struct Resolved {
  uint32_t eval_number = 0;
  std::shared_ptr<const intel::TcbInfo> info;
};

class Resolver {
 public:
  Resolver(CollateralService& c, uint32_t floor, std::chrono::milliseconds timeout) : collateral_(c), floor_(floor), timeout_(timeout) {}

  StatusOr<Resolved> Resolve(const std::string& fmspc, const Baseline& baseline) {
    ASSIGN_OR_RETURN(auto standard, Item(fmspc, UpdateType::kStandard, 0));
    uint32_t current = static_cast<uint32_t>(std::max<int64_t>(standard->evaluation_number, 0));
    std::optional<uint32_t> n = ResolveNumber(baseline, current, floor_);
    std::shared_ptr<const CachedItem> item = standard;
    if (baseline.kind == Baseline::Kind::kEarly && !n) {
      ASSIGN_OR_RETURN(item, Item(fmspc, UpdateType::kEarly, 0));
    } else if (n && *n != current) {
      ASSIGN_OR_RETURN(item, Item(fmspc, UpdateType::kStandard, *n));
    }
    auto key = std::make_pair(fmspc, item->evaluation_number);
    auto it = parsed_.find(key);
    if (it == parsed_.end()) {
      ASSIGN_OR_RETURN(intel::TcbInfo info, intel::ParseTcbInfo(item->response->body));
      it = parsed_.emplace(key, std::make_shared<const intel::TcbInfo>(std::move(info))).first;
    }
    return Resolved{static_cast<uint32_t>(std::max<int64_t>(item->evaluation_number, 0)), it->second};
  }

 private:
  StatusOr<std::shared_ptr<const CachedItem>> Item(const std::string& fmspc, UpdateType update, uint32_t n) {
    CollateralKey key;
    key.kind = CollateralKind::kTcbInfo;
    key.tee = Tee::kSgx;
    key.api_version = 4;
    key.fmspc = fmspc;
    key.update = update;
    key.eval_number = n;
    if (auto item = collateral_.Peek(key)) return item;
    return collateral_.GetBlocking(key, timeout_);
  }

  CollateralService& collateral_;
  uint32_t floor_;
  std::chrono::milliseconds timeout_;
  std::map<std::pair<std::string, int64_t>, std::shared_ptr<const intel::TcbInfo>> parsed_;
};

}  // namespace

StatusOr<std::string> BuildImpactReport(CollateralService& collateral, const PlatformService* platforms,
                                        const BaselinePolicy& policy, const ImpactRequest& request) {
  std::set<std::string> fmspcs;
  for (const auto& item : collateral.Snapshot())
    if (item->key.kind == CollateralKind::kTcbInfo && item->key.tee == Tee::kSgx && !item->key.fmspc.empty())
      fmspcs.insert(item->key.fmspc);
  std::vector<store::PlatformRecord> records;
  if (platforms) {
    ASSIGN_OR_RETURN(records, platforms->List());
    for (const auto& r : records)
      if (!r.fmspc.empty()) fmspcs.insert(r.fmspc);
  }

  Resolver resolver(collateral, policy.floor, request.timeout);
  json out;
  out["tenant"] = request.tenant;
  out["candidate"] = request.candidate.ToString();
  json fmspc_list = json::array(), platform_list = json::array();
  size_t degraded = 0, improved = 0, unchanged = 0, errors = 0;
  std::map<std::string, std::pair<Resolved, Resolved>> resolved;

  for (const auto& fmspc : fmspcs) {
    Baseline current_baseline = policy.For(request.tenant, fmspc);
    json entry{{"fmspc", fmspc}};
    auto current = resolver.Resolve(fmspc, current_baseline);
    auto candidate = current.ok() ? resolver.Resolve(fmspc, request.candidate) : current;
    if (!current.ok() || !candidate.ok()) {
      entry["error"] = (current.ok() ? candidate.status() : current.status()).ToString();
      ++errors;
      fmspc_list.push_back(entry);
      continue;
    }
    entry["current"] = {{"baseline", current_baseline.ToString()}, {"evaluationDataNumber", current->eval_number}};
    entry["candidate"] = {{"baseline", request.candidate.ToString()}, {"evaluationDataNumber", candidate->eval_number}};
    // Every TCB the fleet could be at: the levels of both documents.
    std::vector<intel::SgxTcb> tcbs;
    for (const auto* info : {current->info.get(), candidate->info.get()})
      for (const auto& level : info->levels)
        if (std::find(tcbs.begin(), tcbs.end(), level.sgx) == tcbs.end()) tcbs.push_back(level.sgx);
    json degraded_levels = json::array();
    for (const auto& tcb : tcbs) {
      std::string a = StatusUnder(*current->info, tcb), b = StatusUnder(*candidate->info, tcb);
      if (Rank(b) > Rank(a)) degraded_levels.push_back({{"tcbm", TcbmOf(tcb)}, {"current", a}, {"candidate", b}});
    }
    entry["levels"] = tcbs.size();
    entry["degradedLevels"] = degraded_levels;
    fmspc_list.push_back(entry);
    resolved.emplace(fmspc, std::make_pair(*current, *candidate));
  }

  for (const auto& r : records) {
    auto it = resolved.find(r.fmspc);
    if (it == resolved.end()) continue;  // no certificates yet, or its FMSPC's collateral failed (reported above)
    auto tcbs = platforms->PlatformTcbs(r);
    if (!tcbs.ok()) {
      platform_list.push_back({{"id", r.id}, {"fmspc", r.fmspc}, {"error", tcbs.status().ToString()}});
      ++errors;
      continue;
    }
    for (const auto& tcb : *tcbs) {
      std::string a = StatusUnder(*it->second.first.info, tcb), b = StatusUnder(*it->second.second.info, tcb);
      std::string change = Rank(b) > Rank(a) ? "degraded" : Rank(b) < Rank(a) ? "improved" : "unchanged";
      (change == "degraded" ? degraded : change == "improved" ? improved : unchanged)++;
      platform_list.push_back({{"id", r.id}, {"fmspc", r.fmspc}, {"tcbm", TcbmOf(tcb)}, {"current", a}, {"candidate", b}, {"change", change}});
    }
  }
  out["fmspcs"] = fmspc_list;
  out["platforms"] = platform_list;
  out["summary"] = {{"fmspcs", fmspc_list.size()}, {"platforms", records.size()}, {"degraded", degraded},
                    {"improved", improved},       {"unchanged", unchanged},         {"errors", errors}};
  return out.dump();
}

}  // namespace thim::cache
