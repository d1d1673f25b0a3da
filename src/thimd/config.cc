#include "thimd/config.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "cache/baseline.h"
#include "core/bytes.h"

#include <functional>

namespace thim::thimd {
namespace {

using json = nlohmann::json;

// Reads typed fields out of one JSON object, remembering which keys were
// consumed so unknown ones can be reported.
class ObjectReader {
 public:
  ObjectReader(const json& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

  Status Check() const {
    if (!obj_.is_object()) return InvalidArgumentError(Where("") + "expected an object");
    return OkStatus();
  }

  Status String(const char* key, std::string* out) {
    const json* v = Take(key);
    if (!v) return OkStatus();
    if (!v->is_string()) return InvalidArgumentError(Where(key) + "expected a string");
    *out = v->get<std::string>();
    return OkStatus();
  }
  Status Int(const char* key, int* out, int min, int max) {
    const json* v = Take(key);
    if (!v) return OkStatus();
    if (!v->is_number_integer()) return InvalidArgumentError(Where(key) + "expected an integer");
    auto n = v->get<int64_t>();
    if (n < min || n > max)
      return InvalidArgumentError(Where(key) + "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
    *out = static_cast<int>(n);
    return OkStatus();
  }
  Status Double(const char* key, double* out, double min, double max) {
    const json* v = Take(key);
    if (!v) return OkStatus();
    if (!v->is_number()) return InvalidArgumentError(Where(key) + "expected a number");
    double d = v->get<double>();
    if (d < min || d > max)
      return InvalidArgumentError(Where(key) + "expected a number from " + std::to_string(min) + " to " + std::to_string(max));
    *out = d;
    return OkStatus();
  }
  Status Bool(const char* key, bool* out) {
    const json* v = Take(key);
    if (!v) return OkStatus();
    if (!v->is_boolean()) return InvalidArgumentError(Where(key) + "expected true or false");
    *out = v->get<bool>();
    return OkStatus();
  }
  Status OneOf(const char* key, std::string* out, std::initializer_list<const char*> allowed) {
    RETURN_IF_ERROR(String(key, out));
    for (const char* a : allowed)
      if (*out == a) return OkStatus();
    std::string list;
    for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + "\"" + a + "\"";
    return InvalidArgumentError(Where(key) + "expected one of " + list);
  }
  Status HexList(const char* key, std::vector<std::string>* out, size_t hex_len) {
    const json* v = Take(key);
    if (!v) return OkStatus();
    if (!v->is_array()) return InvalidArgumentError(Where(key) + "expected an array of strings");
    out->clear();
    for (size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      if (!e.is_string() || !IsHex(e.get<std::string>(), hex_len))
        return InvalidArgumentError(Child(key) + "[" + std::to_string(i) + "]: expected " + std::to_string(hex_len) + " hex digits");
      out->push_back(e.get<std::string>());
    }
    return OkStatus();
  }
  // An object of string values, each validated by `check`.
  Status StringMap(const char* key, std::map<std::string, std::string>* out,
                   const std::function<Status(const std::string&, const std::string&)>& check) {
    const json* v = Take(key);
    if (!v) return OkStatus();
    if (!v->is_object()) return InvalidArgumentError(Where(key) + "expected an object");
    for (const auto& [k, value] : v->items()) {
      if (!value.is_string()) return InvalidArgumentError(Child(key) + "." + k + ": expected a string");
      Status st = check(k, value.get<std::string>());
      if (!st.ok()) return InvalidArgumentError(Child(key) + "." + k + ": " + st.message());
      (*out)[k] = value.get<std::string>();
    }
    return OkStatus();
  }
  // A nested object, or nullptr when absent.
  const json* Object(const char* key) { return Take(key); }
  std::string Child(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

  Status NoUnknownKeys() const {
    for (const auto& [k, v] : obj_.items())
      if (!seen_.count(k)) return InvalidArgumentError(Where(k.c_str()) + "unknown key");
    return OkStatus();
  }

 private:
  const json* Take(const char* key) {
    seen_.insert(key);
    auto it = obj_.find(key);
    return it == obj_.end() ? nullptr : &*it;
  }
  std::string Where(const std::string& key) const {
    std::string p = key.empty() ? path_ : Child(key.c_str());
    return (p.empty() ? "configuration" : p) + ": ";
  }
  const json& obj_;
  std::string path_;
  std::set<std::string> seen_;
};

template <typename Fn>
Status Section(ObjectReader& parent, const char* key, Fn&& fn) {
  const json* obj = parent.Object(key);
  if (!obj) return OkStatus();
  ObjectReader r(*obj, parent.Child(key));
  RETURN_IF_ERROR(r.Check());
  RETURN_IF_ERROR(fn(r));
  return r.NoUnknownKeys();
}

}  // namespace

StatusOr<Config> ParseConfig(std::string_view text) {
  json root;
  try {
    root = json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    return InvalidArgumentError(std::string("configuration is not valid JSON: ") + e.what());
  }
  Config c;
  ObjectReader top(root, "");
  RETURN_IF_ERROR(top.Check());
  RETURN_IF_ERROR(Section(top, "server", [&](ObjectReader& r) -> Status {
    RETURN_IF_ERROR(r.String("address", &c.server.address));
    RETURN_IF_ERROR(r.Int("port", &c.server.port, 0, 65535));
    RETURN_IF_ERROR(r.Int("threads", &c.server.threads, 0, 1024));
    RETURN_IF_ERROR(r.String("tls_cert_file", &c.server.tls_cert_file));
    RETURN_IF_ERROR(r.String("tls_key_file", &c.server.tls_key_file));
    RETURN_IF_ERROR(r.Int("max_connections", &c.server.max_connections, 1, 1000000));
    RETURN_IF_ERROR(r.Double("client_requests_per_second", &c.server.client_requests_per_second, 0, 1e9));
    RETURN_IF_ERROR(r.Double("client_burst", &c.server.client_burst, 0, 1e9));
    RETURN_IF_ERROR(r.Int("read_timeout_seconds", &c.server.read_timeout_seconds, 1, 3600));
    RETURN_IF_ERROR(r.Int("idle_timeout_seconds", &c.server.idle_timeout_seconds, 1, 86400));
    RETURN_IF_ERROR(r.Int("max_header_bytes", &c.server.max_header_bytes, 1024, 1 << 20));
    RETURN_IF_ERROR(r.Int("blocking_threads", &c.server.blocking_threads, 1, 256));
    RETURN_IF_ERROR(r.Int("blocking_queue", &c.server.blocking_queue, 1, 1000000));
    if (c.server.tls_cert_file.empty() != c.server.tls_key_file.empty())
      return InvalidArgumentError("server: tls_cert_file and tls_key_file must be set together");
    return OkStatus();
  }));
  RETURN_IF_ERROR(Section(top, "store", [&](ObjectReader& r) -> Status {
    RETURN_IF_ERROR(r.OneOf("type", &c.store.type, {"sqlite"}));
    RETURN_IF_ERROR(r.String("path", &c.store.path));
    if (c.store.path.empty()) return InvalidArgumentError("store.path: must not be empty");
    return OkStatus();
  }));
  RETURN_IF_ERROR(Section(top, "intel", [&](ObjectReader& r) -> Status {
    RETURN_IF_ERROR(r.String("pcs_url", &c.intel.pcs_url));
    RETURN_IF_ERROR(r.String("root_crl_url", &c.intel.root_crl_url));
    RETURN_IF_ERROR(r.String("api_key", &c.intel.api_key));
    RETURN_IF_ERROR(r.String("root_ca_file", &c.intel.root_ca_file));
    RETURN_IF_ERROR(r.String("tls_ca_file", &c.intel.tls_ca_file));
    RETURN_IF_ERROR(r.Int("timeout_seconds", &c.intel.timeout_seconds, 1, 600));
    RETURN_IF_ERROR(r.Int("max_attempts", &c.intel.max_attempts, 1, 20));
    RETURN_IF_ERROR(r.Double("rate_per_second", &c.intel.rate_per_second, 0.001, 1e6));
    RETURN_IF_ERROR(r.Double("burst", &c.intel.burst, 1, 1e6));
    RETURN_IF_ERROR(r.Int("max_concurrency", &c.intel.max_concurrency, 1, 1024));
    for (const auto* url : {&c.intel.pcs_url, &c.intel.root_crl_url})
      if (!url->starts_with("https://") && !url->starts_with("http://"))
        return InvalidArgumentError("intel: " + *url + ": expected an http:// or https:// URL");
    return OkStatus();
  }));
  RETURN_IF_ERROR(Section(top, "cache", [&](ObjectReader& r) -> Status {
    RETURN_IF_ERROR(r.Int("fetch_threads", &c.cache.fetch_threads, 1, 256));
    RETURN_IF_ERROR(r.Double("refresh_interval_hours", &c.cache.refresh_interval_hours, 0.01, 24 * 30));
    RETURN_IF_ERROR(r.Double("refresh_before_expiry_hours", &c.cache.refresh_before_expiry_hours, 0, 24 * 365));
    RETURN_IF_ERROR(r.Double("stale_grace_hours", &c.cache.stale_grace_hours, 0, 24 * 3650));
    RETURN_IF_ERROR(r.OneOf("past_grace", &c.cache.past_grace, {"serve", "unavailable"}));
    RETURN_IF_ERROR(r.Int("negative_ttl_seconds", &c.cache.negative_ttl_seconds, 0, 86400));
    return Section(r, "warmup", [&](ObjectReader& w) -> Status {
      RETURN_IF_ERROR(w.HexList("sgx_fmspcs", &c.cache.warmup.sgx_fmspcs, 12));
      RETURN_IF_ERROR(w.HexList("tdx_fmspcs", &c.cache.warmup.tdx_fmspcs, 12));
      return w.Bool("identities_and_crls", &c.cache.warmup.identities_and_crls);
    });
  }));
  RETURN_IF_ERROR(Section(top, "baselines", [&](ObjectReader& r) -> Status {
    auto baseline = [](const std::string&, const std::string& v) { return cache::ParseBaseline(v).status(); };
    RETURN_IF_ERROR(r.String("default", &c.baselines.default_baseline));
    if (Status st = cache::ParseBaseline(c.baselines.default_baseline).status(); !st.ok())
      return InvalidArgumentError("baselines.default: " + st.message());
    RETURN_IF_ERROR(r.Int("floor", &c.baselines.floor, 0, 1 << 30));
    RETURN_IF_ERROR(r.Bool("standard_means_baseline", &c.baselines.standard_means_baseline));
    RETURN_IF_ERROR(r.StringMap("fmspc", &c.baselines.fmspc, [&](const std::string& k, const std::string& v) {
      if (!IsHex(k, 12)) return InvalidArgumentError("expected an FMSPC (12 hex digits) as the key");
      return baseline(k, v);
    }));
    return r.StringMap("tenants", &c.baselines.tenants, baseline);
  }));
  RETURN_IF_ERROR(Section(top, "admin", [&](ObjectReader& r) -> Status {
    RETURN_IF_ERROR(r.String("token_sha256", &c.admin.token_sha256));
    if (!c.admin.token_sha256.empty() && !IsHex(c.admin.token_sha256, 64))
      return InvalidArgumentError("admin.token_sha256: expected 64 hex digits (sha256sum of the token)");
    RETURN_IF_ERROR(r.String("user_token_sha256", &c.admin.user_token_sha256));
    if (!c.admin.user_token_sha256.empty() && !IsHex(c.admin.user_token_sha256, 64))
      return InvalidArgumentError("admin.user_token_sha256: expected 64 hex digits (sha256sum of the token)");
    if (!c.admin.user_token_sha256.empty() && c.admin.user_token_sha256 == c.admin.token_sha256)
      return InvalidArgumentError("admin.user_token_sha256: must differ from the admin token");
    return OkStatus();
  }));
  RETURN_IF_ERROR(Section(top, "platforms", [&](ObjectReader& r) -> Status {
    RETURN_IF_ERROR(r.OneOf("fill_mode", &c.platforms.fill_mode, {"lazy", "req", "offline"}));
    RETURN_IF_ERROR(r.Double("refetch_interval_hours", &c.platforms.refetch_interval_hours, 0.01, 24 * 365));
    RETURN_IF_ERROR(r.Int("min_refetch_interval_seconds", &c.platforms.min_refetch_interval_seconds, 0, 86400 * 30));
    RETURN_IF_ERROR(r.Int("check_interval_seconds", &c.platforms.check_interval_seconds, 1, 86400));
    RETURN_IF_ERROR(r.Int("memory_cache_platforms", &c.platforms.memory_cache_platforms, 1, 10000000));
    RETURN_IF_ERROR(r.Int("worker_threads", &c.platforms.worker_threads, 1, 64));
    return r.Int("max_age_seconds", &c.platforms.max_age_seconds, 0, 86400 * 30);
  }));
  RETURN_IF_ERROR(Section(top, "amd", [&](ObjectReader& r) -> Status {
    AmdConfig& a = c.amd;
    RETURN_IF_ERROR(r.Bool("enabled", &a.enabled));
    RETURN_IF_ERROR(r.String("kds_url", &a.kds_url));
    if (a.kds_url.rfind("http://", 0) != 0 && a.kds_url.rfind("https://", 0) != 0)
      return InvalidArgumentError("amd.kds_url: expected an http:// or https:// URL");
    RETURN_IF_ERROR(r.String("tls_ca_file", &a.tls_ca_file));
    RETURN_IF_ERROR(r.Int("timeout_seconds", &a.timeout_seconds, 1, 600));
    RETURN_IF_ERROR(r.Int("max_attempts", &a.max_attempts, 1, 20));
    RETURN_IF_ERROR(r.Double("rate_per_second", &a.rate_per_second, 0.0001, 1000));
    RETURN_IF_ERROR(r.Double("burst", &a.burst, 1, 1000));
    RETURN_IF_ERROR(r.Int("max_concurrency", &a.max_concurrency, 1, 64));
    RETURN_IF_ERROR(r.Int("max_queue_wait_seconds", &a.max_queue_wait_seconds, 1, 3600));
    RETURN_IF_ERROR(r.Int("cache_control_seconds", &a.cache_control_seconds, 0, 86400 * 30));
    RETURN_IF_ERROR(r.StringMap("ark_files", &a.ark_files, [](const std::string& k, const std::string&) {
      return k == "Milan" || k == "Genoa" || k == "Turin" ? OkStatus()
                                                          : InvalidArgumentError("expected Milan, Genoa or Turin as the key");
    }));
    RETURN_IF_ERROR(r.Bool("refresh_enabled", &a.refresh_enabled));
    RETURN_IF_ERROR(r.Double("crl_refresh_before_hours", &a.crl_refresh_before_hours, 0, 24 * 365));
    RETURN_IF_ERROR(r.Double("chain_refresh_hours", &a.chain_refresh_hours, 1, 24 * 365));
    RETURN_IF_ERROR(r.Int("refresh_check_seconds", &a.refresh_check_seconds, 1, 86400));
    RETURN_IF_ERROR(r.Int("refresh_retry_min_seconds", &a.refresh_retry_min_seconds, 1, 86400));
    RETURN_IF_ERROR(r.Int("refresh_retry_max_seconds", &a.refresh_retry_max_seconds, 1, 7 * 86400));
    if (a.refresh_retry_max_seconds < a.refresh_retry_min_seconds)
      return InvalidArgumentError("amd.refresh_retry_max_seconds: expected at least amd.refresh_retry_min_seconds");
    return Section(r, "node", [&](ObjectReader& n) -> Status {
      RETURN_IF_ERROR(n.OneOf("product", &a.node.product, {"", "Milan", "Genoa", "Turin"}));
      RETURN_IF_ERROR(n.String("chip_id", &a.node.chip_id));
      if (!a.node.chip_id.empty() && !IsHex(a.node.chip_id, 128) && !IsHex(a.node.chip_id, 16))
        return InvalidArgumentError("amd.node.chip_id: expected 128 hex digits (Turin: 16)");
      RETURN_IF_ERROR(n.String("reported_tcb", &a.node.reported_tcb));
      if (!a.node.reported_tcb.empty() && !IsHex(a.node.reported_tcb, 16))
        return InvalidArgumentError("amd.node.reported_tcb: expected 16 hex digits (THIM's tcbm)");
      RETURN_IF_ERROR(n.String("report_file", &a.node.report_file));
      bool some = !a.node.product.empty() || !a.node.chip_id.empty() || !a.node.reported_tcb.empty();
      bool all = !a.node.product.empty() && !a.node.chip_id.empty() && !a.node.reported_tcb.empty();
      if (some && !all) return InvalidArgumentError("amd.node: product, chip_id and reported_tcb go together");
      if (all && !a.node.report_file.empty())
        return InvalidArgumentError("amd.node: give either report_file or product/chip_id/reported_tcb");
      return OkStatus();
    });
  }));
  RETURN_IF_ERROR(Section(top, "log", [&](ObjectReader& r) -> Status {
    RETURN_IF_ERROR(r.OneOf("level", &c.log.level, {"trace", "debug", "info", "warn", "error"}));
    return r.OneOf("format", &c.log.format, {"text", "json"});
  }));
  RETURN_IF_ERROR(top.NoUnknownKeys());
  return c;
}

void ApplyEnvironment(Config& config) {
  if (const char* v = std::getenv("THIM_INTEL_API_KEY")) config.intel.api_key = v;
  if (const char* v = std::getenv("THIM_INTEL_PCS_URL")) config.intel.pcs_url = v;
  if (const char* v = std::getenv("THIM_STORE_PATH")) config.store.path = v;
  if (const char* v = std::getenv("THIM_ADMIN_TOKEN_SHA256")) config.admin.token_sha256 = v;
  if (const char* v = std::getenv("THIM_USER_TOKEN_SHA256")) config.admin.user_token_sha256 = v;
}

StatusOr<cache::BaselinePolicy> BaselinePolicyFrom(const BaselineConfig& config) {
  cache::BaselinePolicy policy;
  ASSIGN_OR_RETURN(policy.default_baseline, cache::ParseBaseline(config.default_baseline));
  policy.floor = static_cast<uint32_t>(config.floor);
  policy.standard_means_baseline = config.standard_means_baseline;
  for (const auto& [fmspc, text] : config.fmspc) {
    std::string upper;
    for (char ch : fmspc) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    ASSIGN_OR_RETURN(policy.fmspc_overrides[upper], cache::ParseBaseline(text));
  }
  for (const auto& [tenant, text] : config.tenants) {
    ASSIGN_OR_RETURN(policy.tenants[tenant], cache::ParseBaseline(text));
  }
  return policy;
}

StatusOr<Config> LoadConfig(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileString(path, 1 << 20));
  auto config = ParseConfig(text);
  if (!config.ok()) return config.status().WithContext(path);
  ApplyEnvironment(*config);
  return config;
}

}  // namespace thim::thimd
