// The admin API under /admin/…, token-protected. Tokens are configured as
// SHA-256 hashes (hex) and compared in constant time; a missing or wrong
// token gets 401 with no detail. Every admin action is logged with who (the
// client address and which token) and what.
// Thread-safety: handlers are reentrant.
#pragma once

#include <memory>
#include <string>

#include "amd/amd_service.h"
#include "cache/collateral_service.h"
#include "cache/platform_service.h"
#include "core/blocking_pool.h"
#include "server/pcs_api.h"
#include "server/router.h"

namespace thim::server {

struct AdminTokens {
  std::string admin_sha256_hex;  // empty = the admin API is disabled (every call 401)
};

// True when SHA-256(`presented`) equals `expected_sha256_hex` (constant time).
bool TokenMatches(std::string_view presented, std::string_view expected_sha256_hex);

// Wraps `inner` with the admin-token check (401 with no detail on failure)
// and an audit log line naming the action, the client and the request.
Handler RequireAdmin(const AdminTokens& tokens, std::string action, Handler inner);

// GET  /admin/cache                     every cached item: key, description, issueDate, nextUpdate, fetchedAt, evaluation number, stale
// POST /admin/refresh?key=<cache key>   refresh one item now (waits for upstream)
// POST /admin/refresh[?kind=tcb_info|enclave_identity|…][&fmspc=…]   refresh every matching item
// GET  /admin/baselines                 the baseline policy in force
// GET  /admin/bundle                    every stored document (and, with `amd`, AMD item) as a thim bundle (offline export)
// PUT  /admin/bundle                    import a bundle: each item validated like an upstream answer
// PUT  /admin/baselines                 replace it (JSON: {"default","floor","fmspc":{},"tenants":{},"standard_means_baseline"})
// POST /admin/refresh?platform=<id>     fetch one platform's PCK certificates again
// POST /admin/refresh?kind=platforms[&fmspc=…]   …every platform's (of one FMSPC)
// and, with a platform service, the routes of AddAdminPlatformRoutes.
// Slow work (refreshes, bundle export/import, the impact report) runs on `pool`.
void AddAdminRoutes(Router& router, std::shared_ptr<BlockingPool> pool, std::shared_ptr<cache::CollateralService> service,
                    std::shared_ptr<BaselineRegistry> baselines, AdminTokens tokens,
                    std::shared_ptr<cache::PlatformService> platforms = nullptr,
                    std::shared_ptr<amd::AmdService> amd_service = nullptr);

// GET    /admin/platforms[?fmspc=…]     every platform (identity, FMSPC, CA, fetch times, raw TCBs seen)
// GET    /admin/platform?id=…           one platform with its certificates' TCBm list
// DELETE /admin/platforms?id=…          forget a platform and its certificates
// GET    /admin/tenants                 tenant → baseline
// PUT    /admin/tenants?tenant=…&baseline=…   set one tenant's baseline
// DELETE /admin/tenants?tenant=…        the tenant falls back to the default
// PUT    /admin/floor?value=N           the lowest evaluation number ever served
// GET    /admin/baselines/impact?baseline=<candidate>[&tenant=…]   the impact report
void AddAdminPlatformRoutes(Router& router, std::shared_ptr<BlockingPool> pool, std::shared_ptr<cache::CollateralService> service,
                            std::shared_ptr<cache::PlatformService> platforms, std::shared_ptr<BaselineRegistry> baselines,
                            AdminTokens tokens);
// Runs the platform re-fetches an /admin/refresh asks for, off the I/O thread.
void RefreshPlatforms(BlockingPool& pool, std::shared_ptr<cache::PlatformService> platforms, const HttpRequest& req, Reply reply);

}  // namespace thim::server
