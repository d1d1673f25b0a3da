// thimd's configuration: one JSON file (comments allowed), validated at start
// with precise errors ("intel.rate_per_second: expected a number > 0"), and
// environment overrides for secrets. Every field has a production default;
// the real vendor endpoints and the pinned Intel root are the defaults.
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "cache/baseline.h"
#include "core/status.h"

namespace thim::thimd {

struct ServerConfig {
  std::string address = "127.0.0.1";
  int port = 8080;
  int threads = 0;  // 0 = one per core
  std::string tls_cert_file;
  std::string tls_key_file;
  int max_connections = 10000;
  double client_requests_per_second = 0;  // 0 = unlimited
  double client_burst = 0;
  int read_timeout_seconds = 15;
  int idle_timeout_seconds = 60;
  int max_header_bytes = 16384;
  // Requests that wait on upstream (registrations, admin refreshes, bundle
  // import/export, impact reports) run on this many threads; beyond the
  // queue they get 503 + Retry-After.
  int blocking_threads = 8;
  int blocking_queue = 1024;
};

struct StoreConfig {
  std::string type = "sqlite";
  std::string path = "/var/lib/thim/thim.db";
};

struct IntelConfig {
  std::string pcs_url = "https://api.trustedservices.intel.com";
  std::string root_crl_url = "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der";
  std::string api_key;        // env THIM_INTEL_API_KEY overrides
  std::string root_ca_file;   // PEM; empty = the built-in Intel SGX Root CA
  std::string tls_ca_file;    // CA bundle to verify the upstream's TLS; empty = system store
  int timeout_seconds = 30;
  int max_attempts = 4;
  double rate_per_second = 10;
  double burst = 20;
  int max_concurrency = 8;
};

struct WarmupConfig {
  std::vector<std::string> sgx_fmspcs;
  std::vector<std::string> tdx_fmspcs;
  bool identities_and_crls = true;  // QE/QvE/TD-QE identities, PCK CRLs, root CRL, evaluation numbers
};

struct CacheConfig {
  int fetch_threads = 4;
  double refresh_interval_hours = 12;
  double refresh_before_expiry_hours = 168;
  double stale_grace_hours = 168;
  std::string past_grace = "serve";  // "serve" (flagged) or "unavailable" (503)
  int negative_ttl_seconds = 300;
  WarmupConfig warmup;
};

struct BaselineConfig {
  // standard | early | eval:N | lag:K (docs/configuration.md explains the choice).
  std::string default_baseline = "lag:1";
  int floor = 0;  // lowest TCB evaluation data number ever served; 0 = none
  std::map<std::string, std::string> fmspc;    // FMSPC → baseline
  std::map<std::string, std::string> tenants;  // tenant id (clientid / THIM-Tenant) → baseline
  bool standard_means_baseline = true;         // treat update=standard (sent by Intel's QCNL) as "no preference"
};

struct AdminConfig {
  // SHA-256 (hex) of the admin token, sent in the `admin-token` header.
  // Empty = the admin API answers 401 to everyone. Env THIM_ADMIN_TOKEN_SHA256.
  std::string token_sha256;
  // SHA-256 (hex) of the registration token (`user-token` header of POST
  // /sgx/certification/v4/platforms, as Intel's PCKIDRetrievalTool sends it).
  // Empty = registration disabled. Env THIM_USER_TOKEN_SHA256.
  std::string user_token_sha256;
};

struct PlatformsConfig {
  std::string fill_mode = "lazy";  // lazy | req | offline (as PCCS's CachingFillMode)
  double refetch_interval_hours = 168;       // re-fetch every platform's PCK certificates this often
  int min_refetch_interval_seconds = 3600;   // a raw TCB above the best certificate re-fetches at most this often
  int check_interval_seconds = 300;          // how often the platform refresher runs
  int memory_cache_platforms = 20000;        // platforms held parsed in memory (LRU)
  int worker_threads = 2;
  int max_age_seconds = 86400;               // Cache-Control on PCK certificate answers
};

// AMD SEV-SNP (docs/configuration.md, "amd"): the KDS upstream and, for a
// per-node agent, this node's identity for /metadata/THIM/amd/certification.
struct AmdNodeConfig {
  std::string product;       // Milan | Genoa | Turin; empty = from report_file
  std::string chip_id;       // 128 hex (Turin: 16 or 128 with zeros); empty = from report_file
  std::string reported_tcb;  // 16 hex digits as THIM's tcbm; empty = from report_file
  std::string report_file;   // an SNP (or Azure HCL) report of this node, read at start
};
struct AmdConfig {
  bool enabled = true;
  std::string kds_url = "https://kdsintf.amd.com";
  std::string tls_ca_file;
  int timeout_seconds = 30;
  int max_attempts = 3;
  // KDS allows about one VCEK per 10 s per client: keep well inside it.
  double rate_per_second = 0.1;
  double burst = 1;
  int max_concurrency = 2;
  int max_queue_wait_seconds = 600;
  int cache_control_seconds = 86400;
  std::map<std::string, std::string> ark_files;  // product → PEM of another ARK (the simulator's)
  AmdNodeConfig node;
  // Background refresh of the held CRLs and chains (amd/amd_refresher.h).
  bool refresh_enabled = true;
  double crl_refresh_before_hours = 48;     // re-fetch a CRL this long before its nextUpdate (not before half its life)
  double chain_refresh_hours = 168;         // re-fetch each chain this often
  int refresh_check_seconds = 60;           // how often the refresher looks
  int refresh_retry_min_seconds = 60;       // backoff after a failed or unchanged fetch…
  int refresh_retry_max_seconds = 3600;     // …doubling up to this
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error
  std::string format = "text";  // text or json
};

struct Config {
  ServerConfig server;
  StoreConfig store;
  IntelConfig intel;
  CacheConfig cache;
  BaselineConfig baselines;
  AdminConfig admin;
  PlatformsConfig platforms;
  AmdConfig amd;
  LogConfig log;
};

// Parses and validates `text`. Unknown keys are errors (typos must not fall
// back to defaults silently). InvalidArgument names the key path.
StatusOr<Config> ParseConfig(std::string_view text);
// Reads the file, parses it, then applies environment overrides
// (THIM_INTEL_API_KEY, THIM_INTEL_PCS_URL, THIM_STORE_PATH).
StatusOr<Config> LoadConfig(const std::string& path);
void ApplyEnvironment(Config& config);
// The policy the server applies, from the validated configuration.
StatusOr<cache::BaselinePolicy> BaselinePolicyFrom(const BaselineConfig& config);

}  // namespace thim::thimd
