#include "server/admin_api.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cache/amd_bundle.h"
#include "cache/pccs_import.h"
#include "core/bytes.h"
#include "core/clock.h"
#include "crypto/public_key.h"
#include "server/offload.h"

namespace thim::server {

bool TokenMatches(std::string_view presented, std::string_view expected_sha256_hex) {
  auto expected = HexDecode(expected_sha256_hex);
  if (!expected.ok() || expected->size() != 32 || presented.empty()) return false;
  Bytes digest = crypto::Sha256(AsBytes(presented));
  return CRYPTO_memcmp(digest.data(), expected->data(), 32) == 0;
}

Handler RequireAdmin(const AdminTokens& tokens, std::string action, Handler inner) {
  return [hash = tokens.admin_sha256_hex, action = std::move(action), inner = std::move(inner)](const HttpRequest& req,
                                                                                                 Reply reply) {
    std::string_view token = req.HeaderValue("admin-token").value_or("");
    if (hash.empty() || !TokenMatches(token, hash)) {
      spdlog::warn("admin: refused {} {} from {} (request {})", req.method, req.path, req.peer, req.request_id);
      return reply(HttpResponse::Error(401, "Unauthenticated", "authentication required"));
    }
    spdlog::info("admin: {} by admin token from {} (request {}): {}", action, req.peer, req.request_id, req.target.substr(0, 300));
    inner(req, std::move(reply));
  };
}

namespace {

using json = nlohmann::ordered_json;

Handler Admin(const AdminTokens& tokens, std::string action, Handler inner) {
  return RequireAdmin(tokens, std::move(action), std::move(inner));
}

json Describe(const cache::CollateralService& service, const cache::CachedItem& item) {
  json j;
  j["key"] = item.key.CacheKey();
  j["what"] = item.key.Describe();
  j["issueDate"] = FormatRfc3339(item.issue_date);
  j["nextUpdate"] = item.next_update ? json(FormatRfc3339(*item.next_update)) : json(nullptr);
  j["fetchedAt"] = FormatRfc3339(item.fetched_at);
  j["evaluationDataNumber"] = item.evaluation_number;
  j["stale"] = service.Decide(item).stale;
  j["bytes"] = item.response->body.size();
  if (auto h = service.History(item.key)) {
    j["source"] = h->source;
    j["lastRefresh"] = {{"at", FormatRfc3339(h->last_attempt)}, {"outcome", h->last_outcome}};
  }
  return j;
}

json PolicyJson(const cache::BaselinePolicy& p) {
  json fmspc = json::object(), tenants = json::object();
  for (const auto& [k, v] : p.fmspc_overrides) fmspc[k] = v.ToString();
  for (const auto& [k, v] : p.tenants) tenants[k] = v.ToString();
  return {{"default", p.default_baseline.ToString()}, {"floor", p.floor}, {"fmspc", fmspc}, {"tenants", tenants},
          {"standard_means_baseline", p.standard_means_baseline}};
}

StatusOr<cache::BaselinePolicy> PolicyFromJson(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return InvalidArgumentError("body must be a JSON object");
  cache::BaselinePolicy p;
  for (const auto& [k, v] : j.items()) {
    if (k != "default" && k != "floor" && k != "fmspc" && k != "tenants" && k != "standard_means_baseline")
      return InvalidArgumentError("unknown key " + k);
  }
  if (j.contains("default")) {
    if (!j["default"].is_string()) return InvalidArgumentError("default: expected a string");
    ASSIGN_OR_RETURN(p.default_baseline, cache::ParseBaseline(j["default"].get<std::string>()));
  }
  if (j.contains("floor")) {
    if (!j["floor"].is_number_unsigned()) return InvalidArgumentError("floor: expected a non-negative integer");
    p.floor = j["floor"].get<uint32_t>();
  }
  if (j.contains("standard_means_baseline")) {
    if (!j["standard_means_baseline"].is_boolean()) return InvalidArgumentError("standard_means_baseline: expected true or false");
    p.standard_means_baseline = j["standard_means_baseline"].get<bool>();
  }
  for (const char* section : {"fmspc", "tenants"}) {
    if (!j.contains(section)) continue;
    if (!j[section].is_object()) return InvalidArgumentError(std::string(section) + ": expected an object");
    for (const auto& [k, v] : j[section].items()) {
      if (!v.is_string()) return InvalidArgumentError(std::string(section) + "." + k + ": expected a string");
      ASSIGN_OR_RETURN(cache::Baseline b, cache::ParseBaseline(v.get<std::string>()));
      if (std::string(section) == "fmspc") {
        if (!IsHex(k, 12)) return InvalidArgumentError("fmspc." + k + ": not an FMSPC");
        std::string upper;
        for (char c : k) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        p.fmspc_overrides[upper] = b;
      } else {
        p.tenants[k] = b;
      }
    }
  }
  return p;
}

// Imports items one by one (each validated, rollback-guarded), then the AMD
// items, then the platforms (whose validation needs the CRLs just imported),
// and reports. An invalid item is refused alone, named in "rejected".
HttpResponse ImportItems(cache::CollateralService& service, cache::PlatformService* platforms, amd::AmdService* amd_service,
                         const cache::Bundle& bundle, const std::vector<std::string>& skipped) {
  json imported = json::array(), rejected = json::array();
  for (const auto& item : bundle.items) {
    auto r = service.Import(item.key, item.document);
    // Import answers with the item it holds: the new one, or the kept one
    // when the offered one is older (rollback guard).
    if (r.ok() && (*r)->response->body == item.document.body) {
      imported.push_back(item.key.CacheKey());
    } else {
      rejected.push_back({{"key", item.key.CacheKey()},
                          {"reason", r.ok() ? "older than the stored document (rollback guard)" : r.status().ToString()}});
    }
  }
  if (amd_service) {
    for (const auto& r : cache::ImportAmd(*amd_service, bundle.amd)) {
      if (r.status.ok()) {
        imported.push_back(r.key);
      } else {
        rejected.push_back({{"key", r.key}, {"reason", r.status.ToString()}});
      }
    }
  } else {
    for (const auto* list : {&bundle.amd.chains, &bundle.amd.crls, &bundle.amd.vceks})
      for (const auto& item : *list)
        rejected.push_back({{"key", amd::StoreKey(item.key)}, {"reason", "AMD is disabled on this thimd (amd.enabled)"}});
  }
  for (const auto& p : bundle.platforms) {
    if (!platforms) break;
    auto r = platforms->Import(p);
    if (r.ok()) {
      imported.push_back("platform/" + p.id);
    } else {
      rejected.push_back({{"key", "platform/" + p.id}, {"reason", r.status().ToString()}});
    }
  }
  spdlog::info("admin: import: {} imported, {} rejected, {} skipped", imported.size(), rejected.size(), skipped.size());
  return HttpResponse::Json(200, json{{"imported", imported}, {"rejected", rejected}, {"skipped", skipped}}.dump());
}

}  // namespace

void AddAdminRoutes(Router& router, std::shared_ptr<BlockingPool> pool, std::shared_ptr<cache::CollateralService> service,
                    std::shared_ptr<BaselineRegistry> baselines, AdminTokens tokens,
                    std::shared_ptr<cache::PlatformService> platforms, std::shared_ptr<amd::AmdService> amd_service) {
  if (platforms) AddAdminPlatformRoutes(router, pool, service, platforms, baselines, tokens);

  router.Add("GET", "/admin/cache", "admin", Admin(tokens, "list cache", [service](const HttpRequest&, Reply reply) {
    json items = json::array();
    for (const auto& item : service->Snapshot()) items.push_back(Describe(*service, *item));
    reply(HttpResponse::Json(200, json{{"items", items}, {"count", items.size()}}.dump()));
  }));

  router.Add("POST", "/admin/refresh", "admin", Admin(tokens, "refresh", [pool, service, platforms](const HttpRequest& req, Reply reply) {
    if (req.Param("platform") || req.Param("kind") == std::optional<std::string_view>("platforms")) {
      if (!platforms) return reply(HttpResponse::Error(404, "NotFound", "no platform service"));
      return RefreshPlatforms(*pool, platforms, req, std::move(reply));
    }
    std::vector<cache::CollateralKey> keys;
    if (auto k = req.Param("key")) {
      auto key = cache::ParseCacheKey(*k);
      if (!key.ok()) return reply(HttpResponse::Error(key.status()));
      keys.push_back(*key);
    } else {
      auto kind = req.Param("kind");
      auto fmspc = req.Param("fmspc");
      for (const auto& item : service->Snapshot()) {
        if (kind && item->key.KindName() != *kind) continue;
        if (fmspc && item->key.fmspc != *fmspc) continue;
        keys.push_back(item->key);
      }
    }
    // Upstream calls block: run them off the I/O thread.
    Offload(*pool, std::move(reply), [service, keys = std::move(keys)](Reply reply) {
      json results = json::array();
      for (const auto& key : keys) {
        auto r = service->Refresh(key, std::chrono::seconds(60));
        results.push_back({{"key", key.CacheKey()}, {"ok", r.ok()}, {"status", r.ok() ? "OK" : r.status().ToString()}});
      }
      reply(HttpResponse::Json(200, json{{"refreshed", results}}.dump()));
    });
  }));

  // Export reads (and re-validates) the whole store: off the I/O thread.
  router.Add("GET", "/admin/bundle", "admin", Admin(tokens, "export bundle", [pool, service, platforms, amd_service](const HttpRequest&, Reply reply) {
    Offload(*pool, std::move(reply), [service, platforms, amd_service](Reply reply) {
      cache::Bundle bundle;
      auto items = service->ExportItems();
      if (!items.ok()) return reply(HttpResponse::Error(items.status()));
      bundle.items = std::move(*items);
      if (platforms) {
        auto list = platforms->List("", /*with_certs=*/true);
        if (!list.ok()) return reply(HttpResponse::Error(list.status()));
        bundle.platforms = std::move(*list);
      }
      if (amd_service) bundle.amd = cache::ExportAmd(*amd_service);
      reply(HttpResponse::Json(200, cache::WriteBundle(bundle, SystemClock::Instance().Now())));
    });
  }));
  router.Add("PUT", "/admin/bundle", "admin", Admin(tokens, "import bundle", [pool, service, platforms, amd_service](const HttpRequest& req, Reply reply) {
    auto bundle = cache::ReadBundle(req.body);
    if (!bundle.ok()) return reply(HttpResponse::Error(bundle.status()));
    if (!bundle->platforms.empty() && !platforms)
      return reply(HttpResponse::Error(400, "InvalidArgument", "this thimd has no platform service"));
    // Validation verifies every signature, and AMD items may wait on KDS (a VCEK
    // whose chain is not held): off the I/O thread.
    Offload(*pool, std::move(reply), [service, platforms, amd_service, bundle = std::move(*bundle)](Reply reply) {
      reply(ImportItems(*service, platforms.get(), amd_service.get(), bundle, {}));
    });
  }));
  // PCCS's own upload path, as PccsAdminTool `put` uses it.
  for (const char* path : {"/sgx/certification/v4/platformcollateral", "/sgx/certification/v3/platformcollateral"}) {
    router.Add("PUT", path, "admin", Admin(tokens, "import PCCS platform collaterals", [pool, service, platforms](const HttpRequest& req, Reply reply) {
      auto collaterals = cache::ReadPccsCollaterals(req.body);
      if (!collaterals.ok()) return reply(HttpResponse::Error(collaterals.status()));
      Offload(*pool, std::move(reply), [service, platforms, collaterals = std::move(*collaterals)](Reply reply) {
        reply(ImportItems(*service, platforms.get(), nullptr, {.items = collaterals.items, .platforms = collaterals.platforms},
                          collaterals.skipped));
      });
    }));
  }
  router.Add("GET", "/admin/baselines", "admin", Admin(tokens, "get baselines", [baselines](const HttpRequest&, Reply reply) {
    reply(HttpResponse::Json(200, PolicyJson(*baselines->Get()).dump()));
  }));
  router.Add("PUT", "/admin/baselines", "admin", Admin(tokens, "set baselines", [baselines](const HttpRequest& req, Reply reply) {
    auto policy = PolicyFromJson(req.body);
    if (!policy.ok()) return reply(HttpResponse::Error(policy.status()));
    baselines->Set(*policy);
    spdlog::info("admin: baseline policy now {}", PolicyJson(*policy).dump());
    reply(HttpResponse::Json(200, PolicyJson(*policy).dump()));
  }));
}

}  // namespace thim::server
