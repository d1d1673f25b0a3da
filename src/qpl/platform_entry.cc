#include "qpl/platform_entry.h"

#include <nlohmann/json.hpp>

#include "intel/tcb.h"

namespace thim::qpl {
namespace {

using json = nlohmann::json;

std::optional<intel::SgxTcb> TcbOf(const std::string& tcbm) {
  auto t = intel::ParseTcbm(tcbm);
  if (!t.ok()) return std::nullopt;
  intel::SgxTcb tcb;
  std::copy(t->cpusvn.begin(), t->cpusvn.end(), tcb.components.begin());
  tcb.pcesvn = t->pcesvn;
  return tcb;
}

}  // namespace

std::string PlatformEntryKey(const std::string& qeid, const std::string& pceid) { return "pckcerts/" + qeid + "/" + pceid; }

CachedItem MakePlatformEntry(const SeededPlatform& p, int64_t expires) {
  json certs = json::array();
  for (const auto& c : p.certs) certs.push_back({{"tcbm", c.tcbm}, {"cert", c.pem}});
  CachedItem item;
  item.type = kCertificate;
  item.expires = expires;
  item.fields = {{"certs", certs.dump()}, {"chain", p.chain}, {"levels", json(p.levels).dump()}};
  return item;
}

std::optional<PckCertData> SelectFromPlatformEntry(const CachedItem& entry, const std::string& cpusvn,
                                                   const std::string& pcesvn, std::string* why) {
  auto fail = [&](std::string reason) -> std::optional<PckCertData> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  // The entry comes from a file: checked like any other input.
  json certs = json::parse(entry.Field("certs"), nullptr, false);
  json levels = json::parse(entry.Field("levels"), nullptr, false);
  if (!certs.is_array() || certs.empty() || !levels.is_array() || levels.empty())
    return fail("the seeded platform has no certificates or no TCB levels");
  std::vector<intel::SgxTcb> level_tcbs, cert_tcbs;
  for (const auto& l : levels) {
    auto tcb = l.is_string() ? TcbOf(l.get<std::string>()) : std::nullopt;
    if (!tcb) return fail("a seeded TCB level is not a TCBm");
    level_tcbs.push_back(*tcb);
  }
  for (const auto& c : certs) {
    if (!c.is_object() || !c.contains("tcbm") || !c["tcbm"].is_string() || !c.contains("cert") || !c["cert"].is_string())
      return fail("a seeded certificate entry is malformed");
    auto tcb = TcbOf(c["tcbm"].get<std::string>());
    if (!tcb) return fail("a seeded certificate's TCBm is malformed");
    cert_tcbs.push_back(*tcb);
  }
  auto raw = TcbOf(cpusvn + pcesvn);
  if (!raw) return fail("the raw TCB is malformed");
  auto chosen = intel::SelectByTcb(level_tcbs, cert_tcbs, *raw);
  if (!chosen) return fail("every seeded certificate is above the raw TCB " + cpusvn + "/" + pcesvn);
  const json& c = certs[*chosen];
  return PckCertData{.cert = c["cert"].get<std::string>(), .chain = entry.Field("chain"), .tcbm = c["tcbm"].get<std::string>()};
}

}  // namespace thim::qpl
