#include "thimd/app.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "amd/amd_metrics.h"
#include "cache/collateral_service.h"
#include "cache/intel_validator.h"
#include "cache/pcs_source.h"
#include "cache/platform_service.h"
#include "core/bytes.h"
#include "intel/pinned_roots.h"
#include "server/admin_api.h"
#include "server/health_api.h"
#include "server/http_server.h"
#include "server/pck_api.h"
#include "server/pcs_api.h"
#include "store/sqlite_store.h"
#include "thimd/amd_wiring.h"

namespace thim::thimd {

namespace {
std::atomic<bool> g_stop{false};

std::chrono::seconds Hours(double h) { return std::chrono::seconds(static_cast<int64_t>(h * 3600)); }

// The keys fetched at start when the store does not have them yet.
std::vector<cache::CollateralKey> WarmupKeys(const WarmupConfig& w) {
  using cache::CollateralKind;
  using cache::Tee;
  std::vector<cache::CollateralKey> keys;
  auto add = [&](CollateralKind kind, Tee tee, cache::CollateralParams p) {
    auto k = cache::MakeKey(kind, tee, 4, p);
    if (k.ok()) keys.push_back(*k);
  };
  for (const auto& f : w.sgx_fmspcs) add(CollateralKind::kTcbInfo, Tee::kSgx, {.fmspc = f});
  for (const auto& f : w.tdx_fmspcs) add(CollateralKind::kTcbInfo, Tee::kTdx, {.fmspc = f});
  if (w.identities_and_crls) {
    add(CollateralKind::kQeIdentity, Tee::kSgx, {});
    add(CollateralKind::kQveIdentity, Tee::kSgx, {});
    add(CollateralKind::kQeIdentity, Tee::kTdx, {});
    add(CollateralKind::kPckCrl, Tee::kSgx, {.ca = "processor"});
    add(CollateralKind::kPckCrl, Tee::kSgx, {.ca = "platform"});
    add(CollateralKind::kTcbEvalNumbers, Tee::kSgx, {});
    add(CollateralKind::kTcbEvalNumbers, Tee::kTdx, {});
    cache::CollateralKey root;
    root.kind = CollateralKind::kRootCaCrl;
    keys.push_back(root);
  }
  return keys;
}

// "https://host:port/path" → ("https://host:port", "/path").
std::pair<std::string, std::string> SplitUrl(const std::string& url) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

}  // namespace

struct App::Impl {
  explicit Impl(const Clock& c) : clock(c) {}
  const Clock& clock;
  Config config;
  MetricsRegistry metrics;
  std::shared_ptr<store::Store> store;
  std::shared_ptr<cache::CollateralService> service;
  std::shared_ptr<cache::PlatformService> platforms;
  std::shared_ptr<server::BaselineRegistry> baselines;
  std::shared_ptr<amd::AmdService> amd;
  std::shared_ptr<amd::AmdRefresher> amd_refresher;
  std::shared_ptr<BlockingPool> blocking;
  std::unique_ptr<server::HttpServer> server;
};

App::App(Config config, const Clock& clock) : impl_(std::make_unique<Impl>(clock)) { impl_->config = std::move(config); }
App::~App() { Stop(); }

void App::RequestStop() { g_stop.store(true); }

Status App::Start() {
  Impl& s = *impl_;
  const Config& c = s.config;

  // Store.
  std::error_code ec;
  auto dir = std::filesystem::path(c.store.path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  store::SqliteOptions sqlite;
  sqlite.path = c.store.path;
  ASSIGN_OR_RETURN(auto store, store::OpenSqliteStore(sqlite));
  s.store = std::move(store);

  // Pinned root.
  crypto::Certificate root = intel::IntelSgxRootCa();
  if (!c.intel.root_ca_file.empty()) {
    ASSIGN_OR_RETURN(std::string pem, ReadFileString(c.intel.root_ca_file, 1 << 20));
    auto pinned = crypto::Certificate::FromPem(pem);
    if (!pinned.ok()) return pinned.status().WithContext("intel.root_ca_file " + c.intel.root_ca_file);
    root = *pinned;
    spdlog::warn("pinning a non-default Intel root: {}", root.SubjectOneLine());
  }

  // Upstream.
  upstream::UpstreamConfig pcs_config = upstream::PcsClient::DefaultConfig();
  pcs_config.base_url = c.intel.pcs_url;
  pcs_config.api_key = c.intel.api_key;
  pcs_config.ca_file = c.intel.tls_ca_file;
  pcs_config.request_timeout = std::chrono::seconds(c.intel.timeout_seconds);
  pcs_config.retry.max_attempts = c.intel.max_attempts;
  pcs_config.rate_per_second = c.intel.rate_per_second;
  pcs_config.burst = c.intel.burst;
  pcs_config.max_concurrency = c.intel.max_concurrency;
  ASSIGN_OR_RETURN(std::unique_ptr<upstream::PcsClient> pcs_client, upstream::PcsClient::Create(pcs_config));
  std::shared_ptr<upstream::PcsClient> pcs = std::move(pcs_client);
  auto [crl_base, crl_path] = SplitUrl(c.intel.root_crl_url);
  upstream::UpstreamConfig crl_config = pcs_config;
  crl_config.name = "intel-root-crl";
  crl_config.base_url = crl_base;
  crl_config.api_key.clear();
  ASSIGN_OR_RETURN(std::unique_ptr<upstream::UpstreamClient> crl_client, upstream::UpstreamClient::Create(crl_config));
  ASSIGN_OR_RETURN(cache::FillMode fill_mode, cache::ParseFillMode(c.platforms.fill_mode));
  // Offline: nothing ever contacts upstream; collateral and platforms arrive by import.
  std::shared_ptr<cache::CollateralSource> source;
  if (fill_mode == cache::FillMode::kOffline) {
    source = std::make_shared<cache::OfflineCollateralSource>();
  } else {
    source = std::make_shared<cache::PcsCollateralSource>(pcs, std::move(crl_client), crl_path);
  }

  // The service.
  cache::CacheOptions options;
  options.fetch_threads = c.cache.fetch_threads;
  options.refresh_interval = Hours(c.cache.refresh_interval_hours);
  options.refresh_before_expiry = Hours(c.cache.refresh_before_expiry_hours);
  options.stale_grace = Hours(c.cache.stale_grace_hours);
  options.past_grace = c.cache.past_grace == "serve" ? cache::StalePolicy::kServeFlagged : cache::StalePolicy::kUnavailable;
  options.negative_ttl = std::chrono::seconds(c.cache.negative_ttl_seconds);
  options.warmup = WarmupKeys(c.cache.warmup);
  auto validator = std::make_shared<cache::IntelCollateralValidator>(root);
  s.service = std::make_shared<cache::CollateralService>(options, s.store, source, validator, s.clock,
                                                         &s.metrics);
  // Chains are checked against the root CA CRL the service itself caches.
  validator->SetRootCrlProvider([weak = std::weak_ptr<cache::CollateralService>(s.service)]() -> std::string {
    auto service = weak.lock();
    if (!service) return "";
    cache::CollateralKey key;
    key.kind = cache::CollateralKind::kRootCaCrl;
    auto item = service->Peek(key);
    return item ? item->response->body : "";
  });
  RETURN_IF_ERROR(s.service->Start());

  // Platforms and their PCK certificates.
  cache::PlatformOptions platform_options;
  platform_options.fill_mode = fill_mode;
  platform_options.refetch_interval = Hours(c.platforms.refetch_interval_hours);
  platform_options.min_refetch_interval = std::chrono::seconds(c.platforms.min_refetch_interval_seconds);
  platform_options.check_interval = std::chrono::seconds(c.platforms.check_interval_seconds);
  platform_options.max_cached_platforms = static_cast<size_t>(c.platforms.memory_cache_platforms);
  platform_options.worker_threads = c.platforms.worker_threads;
  std::shared_ptr<cache::PckSource> pck_source;
  if (fill_mode != cache::FillMode::kOffline) pck_source = std::make_shared<cache::PcsPckSource>(pcs);
  s.platforms = std::make_shared<cache::PlatformService>(platform_options, s.store, pck_source, s.service, root, s.clock,
                                                         &s.metrics);
  RETURN_IF_ERROR(s.platforms->Start());

  // Routes and listener.
  auto router = std::make_shared<server::Router>();
  s.blocking = std::make_shared<BlockingPool>(c.server.blocking_threads, static_cast<size_t>(c.server.blocking_queue));
  std::weak_ptr<BlockingPool> blocking = s.blocking;
  s.metrics.AddGauge("thim_blocking_queue_depth", "Slow requests (registrations, admin work) waiting for a thread", [blocking] {
    auto pool = blocking.lock();
    return std::vector<std::pair<Labels, double>>{{{}, pool ? double(pool->queued()) : 0.0}};
  });
  s.metrics.AddCounterFunc("thim_blocking_refused_total", "Slow requests refused with 503 (queue full or shutting down)",
                           [blocking] {
                             auto pool = blocking.lock();
                             return std::vector<std::pair<Labels, double>>{{{}, pool ? double(pool->refused()) : 0.0}};
                           });
  ASSIGN_OR_RETURN(cache::BaselinePolicy policy, BaselinePolicyFrom(c.baselines));
  s.baselines = std::make_shared<server::BaselineRegistry>(policy);
  server::AddPcsRoutes(*router, s.service, s.baselines);
  server::AddPckRoutes(*router, s.blocking, s.platforms,
                       {.user_token_sha256 = c.admin.user_token_sha256, .max_age_seconds = c.platforms.max_age_seconds});
  if (c.amd.enabled) {
    ASSIGN_OR_RETURN(AmdWiring amd, BuildAmd(c.amd, s.store, s.clock, Hours(c.cache.stale_grace_hours),
                                                 fill_mode == cache::FillMode::kOffline));
    s.amd = amd.service;
    s.amd_refresher = amd.refresher;
    amd::RegisterAmdMetrics(s.metrics, amd.service, amd.kds, amd.refresher, s.clock);
    if (s.amd_refresher) s.amd_refresher->Start();
    if (amd.api.node) {
      spdlog::info("AMD node identity: {} chip {}… REPORTED_TCB {}", amd::ProductName(amd.api.node->product),
                   HexEncode(ByteSpan(amd.api.node->chip_id).first(8)), amd::FormatTcbm(amd.api.node->reported_tcb));
    }
    server::AddAmdRoutes(*router, amd.service, amd.api, {.admin_sha256_hex = c.admin.token_sha256});
  }
  server::AddAdminRoutes(*router, s.blocking, s.service, s.baselines, {.admin_sha256_hex = c.admin.token_sha256}, s.platforms, s.amd);
  server::AddHealthRoutes(*router, [&s]() -> Status {
    RETURN_IF_ERROR(s.store->Ping());
    if (!s.service->Ready()) return UnavailableError("initial synchronisation with upstream in progress");
    return OkStatus();
  }, &s.metrics);
  server::ServerOptions so;
  so.address = c.server.address;
  so.port = static_cast<uint16_t>(c.server.port);
  so.threads = c.server.threads;
  so.tls_cert_file = c.server.tls_cert_file;
  so.tls_key_file = c.server.tls_key_file;
  so.max_connections = static_cast<size_t>(c.server.max_connections);
  so.client_requests_per_second = c.server.client_requests_per_second;
  so.client_burst = c.server.client_burst;
  so.read_timeout = std::chrono::seconds(c.server.read_timeout_seconds);
  so.idle_timeout = std::chrono::seconds(c.server.idle_timeout_seconds);
  so.max_header_bytes = static_cast<size_t>(c.server.max_header_bytes);
  s.server = std::make_unique<server::HttpServer>(so, router, &s.metrics);
  RETURN_IF_ERROR(s.server->Start());
  spdlog::info("thimd listening on {}://{}:{} (store {}, upstream {}, default baseline {}, floor {})",
               so.tls_cert_file.empty() ? "http" : "https", c.server.address, s.server->port(), c.store.path, c.intel.pcs_url,
               policy.default_baseline.ToString(), policy.floor);
  return OkStatus();
}

uint16_t App::port() const { return impl_->server ? impl_->server->port() : 0; }

void App::Run() {
  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  spdlog::info("shutting down");
  Stop();
  spdlog::info("stopped");
}

void App::Stop() {
  Impl& s = *impl_;
  if (s.server) s.server->Stop();
  if (s.amd_refresher) s.amd_refresher->Stop();
  if (s.platforms) s.platforms->Stop();
  if (s.service) s.service->Stop();
  // After the services: queued slow requests then fail fast and still answer.
  if (s.blocking) s.blocking->Stop();
  s.server.reset();
  s.blocking.reset();
  s.platforms.reset();
  s.service.reset();
  s.amd_refresher.reset();
  s.amd.reset();
  s.store.reset();
}

namespace {
// %* in a pattern: the message, escaped for a JSON string.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static constexpr char kHex[] = "0123456789abcdef";
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"': dest.append(std::string_view("\\\"")); break;
        case '\\': dest.append(std::string_view("\\\\")); break;
        case '\n': dest.append(std::string_view("\\n")); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', kHex[(c >> 4) & 0xF], kHex[c & 0xF]};
            dest.append(esc, esc + 6);
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};
}  // namespace

void ConfigureLogging(const LogConfig& log) {
  auto logger = spdlog::stderr_logger_mt("thimd");
  if (log.format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","thread":%t,"message":"%*"})");
    logger->set_formatter(std::move(formatter));
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(log.level));
  spdlog::set_default_logger(logger);
}

}  // namespace thim::thimd
