#include "cli/qpl_seed.h"

#include <limits>
#include <map>

#include "cache/bundle.h"
#include "core/bytes.h"
#include "intel/pck_cert_list.h"
#include "intel/tcb_info.h"
#include "qpl/cache.h"
#include "qpl/platform_entry.h"

namespace thim::cli {
namespace {

using json = nlohmann::json;

// The SGX TCB levels per FMSPC, as TCBm texts. Per FMSPC the standard
// baseline (what thimd selects with by default) wins over a pinned
// evaluation number, then the highest evaluation number.
std::map<std::string, std::vector<std::string>> LevelsByFmspc(const cache::Bundle& bundle) {
  struct Best {
    int rank = -1;
    std::vector<std::string> levels;
  };
  std::map<std::string, Best> best;
  for (const auto& item : bundle.items) {
    const cache::CollateralKey& k = item.key;
    if (k.kind != cache::CollateralKind::kTcbInfo || k.tee != cache::Tee::kSgx) continue;
    auto info = intel::ParseTcbInfo(item.document.body);
    if (!info.ok() || info->levels.empty()) continue;
    int rank = k.eval_number == 0 && k.update == cache::UpdateType::kStandard
                   ? std::numeric_limits<int>::max()
                   : static_cast<int>(info->tcb_evaluation_data_number);
    Best& b = best[info->FmspcHex()];
    if (rank <= b.rank) continue;
    b.rank = rank;
    b.levels.clear();
    for (const auto& level : info->levels) b.levels.push_back(intel::FormatTcbm(level.sgx.components, level.sgx.pcesvn));
  }
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [fmspc, b] : best) out[fmspc] = std::move(b.levels);
  return out;
}

// The platform as the QPL's cache keeps it, or the reason it cannot be seeded.
StatusOr<qpl::SeededPlatform> ToSeeded(const store::PlatformRecord& p,
                                       const std::map<std::string, std::vector<std::string>>& levels) {
  if (p.qe_id.empty()) return FailedPreconditionError("no QE ID (registered by manifest only)");
  if (p.pck_certs.empty()) return FailedPreconditionError("no PCK certificates in the bundle");
  auto it = levels.find(p.fmspc);
  if (it == levels.end()) return FailedPreconditionError("the bundle has no SGX TCB info for FMSPC " + p.fmspc);
  ASSIGN_OR_RETURN(auto entries, intel::ParsePckCertList(p.pck_certs, /*parse_certificates=*/false));
  ASSIGN_OR_RETURN(std::string chain, PercentDecode(p.issuer_chain));
  qpl::SeededPlatform s{.qeid = p.qe_id, .pceid = p.pce_id, .certs = {}, .chain = chain, .levels = it->second};
  for (const auto& e : entries)
    if (!e.cert_pem.empty()) s.certs.push_back({.tcbm = e.tcbm, .pem = e.cert_pem});
  if (s.certs.empty()) return FailedPreconditionError("every certificate is \"Not available\"");
  if (s.chain.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    return FailedPreconditionError("no PCK issuer chain");
  return s;
}

}  // namespace

QplOutcome RunQplSeed(const QplSeedArgs& args) {
  QplOutcome o;
  auto text = ReadFileString(args.bundle, 256u << 20);
  if (!text.ok()) return o.message = text.status().message(), o;
  auto bundle = cache::ReadBundle(*text);
  if (!bundle.ok()) return o.message = args.bundle + ": " + bundle.status().message(), o;
  std::string log_text;
  auto log = [&log_text](int, const std::string& m) { log_text += m + "\n"; };
  std::string dir = args.cache_dir.empty() ? qpl::Cache::ChooseDir(log) : args.cache_dir;
  if (dir.empty()) return o.message = "no usable cache directory: " + log_text, o;
  qpl::Cache cache(dir, log);

  auto levels = LevelsByFmspc(*bundle);
  json seeded = json::array(), skipped = json::array();
  for (const auto& p : bundle->platforms) {
    auto s = ToSeeded(p, levels);
    if (!s.ok()) {
      skipped.push_back({{"id", p.id}, {"reason", s.status().message()}});
      continue;
    }
    std::string key = qpl::PlatformEntryKey(s->qeid, s->pceid);
    cache.Put(key, qpl::MakePlatformEntry(*s, std::numeric_limits<int64_t>::max()));
    // Read back from disk, as the library will: a failed write is not "seeded".
    if (!qpl::Cache(dir, log).Get(key, 0)) {
      skipped.push_back({{"id", p.id}, {"reason", "could not write the cache file in " + dir}});
      continue;
    }
    seeded.push_back({{"id", p.id}, {"qeId", s->qeid}, {"pceId", s->pceid}, {"fmspc", p.fmspc}, {"certificates", s->certs.size()}});
  }
  o.report = {{"cacheDir", dir}, {"seeded", seeded}, {"skipped", skipped}};
  if (!log_text.empty()) o.report["log"] = log_text;  // a cache write the library would log
  if (seeded.empty()) return o.exit_code = 1, o.message = "no platform of the bundle could be seeded", o;
  o.exit_code = 0;
  return o;
}

}  // namespace thim::cli
