// Admin routes for platforms, tenants, the floor and the impact report (see admin_api.h).
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cache/impact_report.h"
#include "intel/pck_cert_list.h"
#include "server/admin_api.h"
#include "server/offload.h"

namespace thim::server {

namespace {

using json = nlohmann::ordered_json;

json Describe(const store::PlatformRecord& r) {
  return {{"id", r.id},
          {"qeId", r.qe_id},
          {"pceId", r.pce_id},
          {"fmspc", r.fmspc},
          {"caType", r.ca_type},
          {"ppid", r.ppid},
          {"hasEncryptedPpid", !r.encrypted_ppid.empty()},
          {"hasPlatformManifest", !r.platform_manifest.empty()},
          {"certificatesFetchedAt", r.certs_fetched_at ? json(FormatRfc3339(TimePoint(std::chrono::seconds(r.certs_fetched_at)))) : json(nullptr)},
          {"levelsEvaluationDataNumber", r.levels_eval_number},
          {"registeredAt", r.registered_at ? json(FormatRfc3339(TimePoint(std::chrono::seconds(r.registered_at)))) : json(nullptr)},
          {"rawTcbs", r.raw_tcbs},
          {"source", r.source}};
}



}  // namespace

void RefreshPlatforms(BlockingPool& pool, std::shared_ptr<cache::PlatformService> platforms, const HttpRequest& req, Reply reply) {
  std::vector<std::string> ids;
  if (auto id = req.Param("platform")) {
    ids.emplace_back(*id);
  } else {
    auto list = platforms->List(req.Param("fmspc").value_or(""));
    if (!list.ok()) return reply(HttpResponse::Error(list.status()));
    for (const auto& r : *list) ids.push_back(r.id);
  }
  Offload(pool, std::move(reply), [platforms, ids = std::move(ids)](Reply reply) {
    json results = json::array();
    for (const auto& id : ids) {
      auto r = platforms->Refetch(id);
      results.push_back({{"platform", id}, {"ok", r.ok()}, {"status", r.ok() ? "OK" : r.status().ToString()}});
    }
    reply(HttpResponse::Json(200, json{{"refreshed", results}}.dump()));
  });
}

void AddAdminPlatformRoutes(Router& router, std::shared_ptr<BlockingPool> pool, std::shared_ptr<cache::CollateralService> service,
                            std::shared_ptr<cache::PlatformService> platforms, std::shared_ptr<BaselineRegistry> baselines,
                            AdminTokens tokens) {
  router.Add("GET", "/admin/platforms", "admin", RequireAdmin(tokens, "list platforms", [platforms](const HttpRequest& req, Reply reply) {
    auto list = platforms->List(req.Param("fmspc").value_or(""));
    if (!list.ok()) return reply(HttpResponse::Error(list.status()));
    json items = json::array();
    for (const auto& r : *list) items.push_back(Describe(r));
    reply(HttpResponse::Json(200, json{{"platforms", items}, {"count", items.size()}}.dump()));
  }));
  router.Add("GET", "/admin/platform", "admin", RequireAdmin(tokens, "get platform", [platforms](const HttpRequest& req, Reply reply) {
    auto id = req.Param("id");
    if (!id) return reply(HttpResponse::Error(400, "InvalidArgument", "id is required"));
    auto r = platforms->Get(*id);
    if (!r.ok()) return reply(HttpResponse::Error(r.status()));
    json j = Describe(*r);
    json certs = json::array();
    auto entries = intel::ParsePckCertList(r->pck_certs);
    if (entries.ok())
      for (const auto& e : *entries) certs.push_back({{"tcbm", e.tcbm}, {"available", e.cert.has_value()}});
    j["certificates"] = certs;
    reply(HttpResponse::Json(200, j.dump()));
  }));
  router.Add("DELETE", "/admin/platforms", "admin", RequireAdmin(tokens, "delete platform", [platforms](const HttpRequest& req, Reply reply) {
    auto id = req.Param("id");
    if (!id) return reply(HttpResponse::Error(400, "InvalidArgument", "id is required"));
    Status st = platforms->Delete(*id);
    if (!st.ok()) return reply(HttpResponse::Error(st));
    spdlog::info("admin: platform {} deleted", *id);
    reply(HttpResponse::Json(200, json{{"deleted", *id}}.dump()));
  }));

  router.Add("GET", "/admin/tenants", "admin", RequireAdmin(tokens, "list tenants", [baselines](const HttpRequest&, Reply reply) {
    json tenants = json::object();
    for (const auto& [k, v] : baselines->Get()->tenants) tenants[k] = v.ToString();
    reply(HttpResponse::Json(200, json{{"tenants", tenants}}.dump()));
  }));
  router.Add("PUT", "/admin/tenants", "admin", RequireAdmin(tokens, "set tenant baseline", [baselines](const HttpRequest& req, Reply reply) {
    auto tenant = req.Param("tenant");
    auto text = req.Param("baseline");
    if (!tenant || tenant->empty() || tenant->size() > 128 || !text)
      return reply(HttpResponse::Error(400, "InvalidArgument", "tenant (1-128 characters) and baseline are required"));
    auto baseline = cache::ParseBaseline(*text);
    if (!baseline.ok()) return reply(HttpResponse::Error(baseline.status()));
    cache::BaselinePolicy policy = *baselines->Get();
    policy.tenants[std::string(*tenant)] = *baseline;
    baselines->Set(policy);
    spdlog::info("admin: tenant {} now on baseline {}", *tenant, baseline->ToString());
    reply(HttpResponse::Json(200, json{{"tenant", *tenant}, {"baseline", baseline->ToString()}}.dump()));
  }));
  router.Add("DELETE", "/admin/tenants", "admin", RequireAdmin(tokens, "delete tenant", [baselines](const HttpRequest& req, Reply reply) {
    auto tenant = req.Param("tenant");
    if (!tenant) return reply(HttpResponse::Error(400, "InvalidArgument", "tenant is required"));
    cache::BaselinePolicy policy = *baselines->Get();
    if (policy.tenants.erase(std::string(*tenant)) == 0) return reply(HttpResponse::Error(404, "NotFound", "no such tenant"));
    baselines->Set(policy);
    spdlog::info("admin: tenant {} removed (default baseline applies)", *tenant);
    reply(HttpResponse::Json(200, json{{"deleted", *tenant}}.dump()));
  }));
  router.Add("PUT", "/admin/floor", "admin", RequireAdmin(tokens, "set floor", [baselines](const HttpRequest& req, Reply reply) {
    auto value = req.Param("value");
    uint32_t floor = 0;
    if (!value || value->empty() || value->size() > 6 || value->find_first_not_of("0123456789") != std::string_view::npos)
      return reply(HttpResponse::Error(400, "InvalidArgument", "value must be a non-negative integer"));
    floor = static_cast<uint32_t>(std::stoul(std::string(*value)));
    cache::BaselinePolicy policy = *baselines->Get();
    policy.floor = floor;
    baselines->Set(policy);
    spdlog::info("admin: floor now {}", floor);
    reply(HttpResponse::Json(200, json{{"floor", floor}}.dump()));
  }));
  router.Add("GET", "/admin/baselines/impact", "admin",
             RequireAdmin(tokens, "baseline impact report", [pool, service, platforms, baselines](const HttpRequest& req, Reply reply) {
               auto text = req.Param("baseline");
               if (!text) return reply(HttpResponse::Error(400, "InvalidArgument", "baseline (the candidate) is required"));
               auto candidate = cache::ParseBaseline(*text);
               if (!candidate.ok()) return reply(HttpResponse::Error(candidate.status()));
               cache::ImpactRequest request{.candidate = *candidate, .tenant = std::string(req.Param("tenant").value_or(""))};
               auto policy = baselines->Get();
               // Blocks on collateral it may have to fetch: off the I/O thread.
               Offload(*pool, std::move(reply), [service, platforms, policy, request](Reply reply) {
                 auto report = cache::BuildImpactReport(*service, platforms.get(), *policy, request);
                 if (!report.ok()) return reply(HttpResponse::Error(report.status()));
                 reply(HttpResponse::Json(200, *report));
               });
             }));
}

}  // namespace thim::server
