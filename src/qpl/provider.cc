#include "qpl/provider.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "qpl/encoding.h"
#include "qpl/platform_entry.h"
#include "qpl/root_crl_url.h"

namespace thim::qpl {
namespace {

using json = nlohmann::json;

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Query parameters shared by every request of a kind (custom options, Azure's client id).
std::string AppendParams(std::string url, const Config& c, bool pck) {
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  if (pck)
    for (auto& [k, v] : c.get_cert_params) url += sep + k + "=" + v, sep = '&';
  if (!c.client_id.empty()) url += sep + std::string("clientid=") + c.client_id;
  return url;
}

// max-age from Cache-Control, -1 when absent.
int64_t MaxAge(const HttpResult& r) {
  std::string cc = r.Header("cache-control");
  size_t p = cc.find("max-age=");
  if (p == std::string::npos) return -1;
  char* end = nullptr;
  long long v = std::strtoll(cc.c_str() + p + 8, &end, 10);
  return end == cc.c_str() + p + 8 || v < 0 ? -1 : v;
}

int LogLevelFromEnv() {
  const char* v = std::getenv("AZDCAP_DEBUG_LOG_LEVEL");
  if (v == nullptr) return -1;
  std::string s(v);
  std::transform(s.begin(), s.end(), s.begin(), ::toupper);
  if (s == "ERROR" || s == "SGX_QL_LOG_ERROR") return SGX_QL_LOG_ERROR;
  if (s == "WARNING" || s == "INFO" || s == "SGX_QL_LOG_INFO") return SGX_QL_LOG_INFO;
  if (s == "DEBUG" || s == "SGX_QL_LOG_DEBUG") return SGX_QL_LOG_DEBUG;
  return -1;
}

}  // namespace

Provider& Provider::Instance() {
  // Function-local static: constructed on first call, never at load time.
  static Provider* p = new Provider();  // never destroyed: other threads may still call in at exit
  return *p;
}

void Provider::SetLogger(sgx_ql_logging_callback_t cb, sgx_ql_log_level_t level) {
  std::lock_guard<std::mutex> lock(log_mu_);
  logger_ = cb;
  log_level_ = level;
}

void Provider::Log(int level, const std::string& message) {
  sgx_ql_logging_callback_t cb;
  int threshold;
  {
    std::lock_guard<std::mutex> lock(log_mu_);
    cb = logger_;
    threshold = logger_ ? log_level_ : std::max(LogLevelFromEnv(), static_cast<int>(SGX_QL_LOG_ERROR));
  }
  if (level > threshold) return;
  std::string line = "[QPL] " + message;
  if (cb) cb(static_cast<sgx_ql_log_level_t>(level), line.c_str());
  else std::fprintf(stderr, "%s\n", line.c_str());  // without a callback only errors (or AZDCAP_DEBUG_LOG_LEVEL) reach stderr
}

quote3_error_t Provider::Init() {
  // Everything that may log runs outside mu_: a logging callback that calls
  // back into the library must not deadlock.
  ParseResult r = LoadConfig();
  auto log = [this](int l, const std::string& m) { Log(l, m); };
  if (!r.config) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      config_error_ = r.error;
      invalid_json_ = r.invalid_json;
      config_.reset();
    }
    Log(SGX_QL_LOG_ERROR, "invalid configuration, refusing to guess: " + r.error);
    return r.invalid_json ? SGX_QL_CONFIG_INVALID_JSON : SGX_QL_ERROR_UNEXPECTED;
  }
  auto config = std::make_shared<const Config>(std::move(*r.config));
  auto cache = std::make_shared<Cache>(Cache::ChooseDir(log), log);
  Log(SGX_QL_LOG_INFO, config->Describe() + "; cache " + (cache->dir().empty() ? "memory only" : cache->dir()));
  std::lock_guard<std::mutex> lock(mu_);
  config_error_.clear();
  config_ = std::move(config);
  cache_ = std::move(cache);
  region_ = std::make_shared<RegionDiscovery>();
  return SGX_QL_SUCCESS;
}

quote3_error_t Provider::Current(Snapshot& s) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (config_) {
      s = {config_, cache_, region_};
      return SGX_QL_SUCCESS;
    }
  }
  std::lock_guard<std::mutex> init(init_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (config_) {  // another thread loaded it meanwhile
      s = {config_, cache_, region_};
      return SGX_QL_SUCCESS;
    }
  }
  quote3_error_t st = Init();
  if (st != SGX_QL_SUCCESS) return st;
  std::lock_guard<std::mutex> lock(mu_);
  if (!config_) return SGX_QL_ERROR_UNEXPECTED;
  s = {config_, cache_, region_};
  return SGX_QL_SUCCESS;
}

quote3_error_t Provider::Map(const HttpResult& r, quote3_error_t not_found) {
  if (!r.transport_ok) return r.tls_untrusted ? SGX_QL_ROOT_CA_UNTRUSTED : SGX_QL_NETWORK_ERROR;
  switch (r.status) {
    case 200: return SGX_QL_SUCCESS;
    case 404: return not_found;
    case 403: return SGX_QL_NETWORK_ERROR;  // Intel's mapping
    case 461: return SGX_QL_PLATFORM_UNKNOWN;
    case 462: return SGX_QL_CERTS_UNAVAILABLE;
    case 429:
    case 503: return SGX_QL_SERVICE_UNAVAILABLE;
    default: return SGX_QL_UNKNOWN_MESSAGE_RESPONSE;
  }
}

// Cache lifetime: the server's max-age capped by the configured hours (0 ⇒
// not cached, Intel's meaning) and by AZDCAP_CACHE_EXPIRY_IN_SECONDS.
int64_t Provider::Lifetime(const Config& c, const HttpResult& r, double hours) {
  int64_t configured = static_cast<int64_t>(hours * 3600);
  if (configured <= 0) configured = c.cache_cap_seconds;
  if (configured <= 0) return 0;
  int64_t life = configured;
  if (int64_t m = MaxAge(r); m >= 0) life = std::min(life, m);
  if (c.cache_cap_seconds > 0) life = std::min(life, c.cache_cap_seconds);
  return life;
}

void Provider::Store(const Snapshot& s, const std::string& key, CachedItem item, const HttpResult& r, double hours) {
  int64_t life = Lifetime(*s.config, r, hours);
  if (life <= 0) return;
  item.expires = Now() + life;
  s.cache->Put(key, item);
}

quote3_error_t Provider::GetPckCert(const PckRequest& req, PckCertData& out) {
  Snapshot s;
  if (quote3_error_t st = Current(s); st != SGX_QL_SUCCESS) return st;
  const Config& c = *s.config;
  std::string key = "pck/" + req.qeid + "/" + req.pceid + "/" + req.cpusvn + "/" + req.pcesvn;
  auto from_item = [&](const CachedItem& item) {
    out.cert = item.Field("cert");
    out.chain = item.Field("chain");
    out.tcbm = item.Field("tcbm");
    return SGX_QL_SUCCESS;
  };
  if (c.local_cache_only) {
    if (auto item = s.cache->Get(key, Now())) return from_item(*item);
    // A platform seeded whole (`thim qpl seed`): Intel's selection for this raw TCB.
    std::string why = "nothing seeded for this platform";
    if (auto platform = s.cache->Get(PlatformEntryKey(req.qeid, req.pceid), Now())) {
      if (auto d = SelectFromPlatformEntry(*platform, req.cpusvn, req.pcesvn, &why)) {
        out = std::move(*d);
        return SGX_QL_SUCCESS;
      }
    }
    Log(SGX_QL_LOG_ERROR, "local_cache_only: no cached PCK certificate for " + key + " (" + why + ")");
    return SGX_QL_ERROR_UNEXPECTED;  // Intel's CACHE_MISSING mapping
  }
  std::string query = "pckcert?qeid=" + req.qeid;
  if (c.send_encrypted_ppid) query += "&encrypted_ppid=" + req.encrypted_ppid;
  query += "&cpusvn=" + req.cpusvn + "&pcesvn=" + req.pcesvn + "&pceid=" + req.pceid;
  Headers headers(c.get_cert_headers.begin(), c.get_cert_headers.end());
  auto log = [this](int l, const std::string& m) { Log(l, m); };

  // Parses either wire form; false when the answer is unusable.
  auto parse = [&](const HttpResult& r, PckCertData& d) {
    d.cert = r.body;
    d.tcbm = r.Header("sgx-tcbm");
    std::string chain = r.Header("sgx-pck-certificate-issuer-chain");
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("pckCert")) {  // THIM's JSON form
      if (!j["pckCert"].is_string()) return false;
      d.cert = j["pckCert"].get<std::string>();
      if (j.contains("sgx-Tcbm") && j["sgx-Tcbm"].is_string()) d.tcbm = j["sgx-Tcbm"].get<std::string>();
      if (j.contains("sgx-Pck-Certificate-Issuer-Chain") && j["sgx-Pck-Certificate-Issuer-Chain"].is_string())
        chain = j["sgx-Pck-Certificate-Issuer-Chain"].get<std::string>();
    }
    d.chain = PercentDecode(chain);
    if (d.tcbm.size() != 36 || !HexDecode(d.tcbm)) return false;
    return d.cert.find("-----BEGIN CERTIFICATE-----") != std::string::npos &&
           d.chain.find("-----BEGIN CERTIFICATE-----") != std::string::npos;
  };
  auto store = [&](const HttpResult& r, const PckCertData& d) {
    CachedItem item;
    item.type = kCertificate;
    item.fields = {{"cert", d.cert}, {"chain", d.chain}, {"tcbm", d.tcbm}};
    Store(s, key, item, r, c.pck_cache_expire_hours);
  };

  if (!c.local_pck_url.empty()) {
    HttpResult r = HttpGet(c, AppendParams(WithSlash(c.local_pck_url) + query, c, true), headers, log);
    PckCertData d;
    if (r.transport_ok && r.status == 200 && parse(r, d)) {
      store(r, d);
      out = std::move(d);
      return SGX_QL_SUCCESS;
    }
    Log(SGX_QL_LOG_INFO, "node-local PCK service " + c.local_pck_url + " did not answer (" +
                             (r.transport_ok ? "HTTP " + std::to_string(r.status) : r.error) + "); trying the cache, then " + c.pccs_url);
  }
  if (auto item = s.cache->Get(key, Now())) return from_item(*item);
  HttpResult r = HttpGet(c, AppendParams(WithSlash(c.pccs_url) + query, c, true), headers, log);
  quote3_error_t st = Map(r, SGX_QL_NO_PLATFORM_CERT_DATA);
  if (st != SGX_QL_SUCCESS) {
    Log(SGX_QL_LOG_ERROR, "PCK certificate from " + c.pccs_url + ": " +
                              (r.transport_ok ? "HTTP " + std::to_string(r.status) : r.error));
    return st;
  }
  PckCertData d;
  if (!parse(r, d)) {
    Log(SGX_QL_LOG_ERROR, "PCK certificate response from " + c.pccs_url + " is malformed");
    return SGX_QL_ERROR_MESSAGE_PARSING_ERROR;
  }
  store(r, d);
  out = std::move(d);
  return SGX_QL_SUCCESS;
}

quote3_error_t Provider::FetchDocument(const Snapshot& s, const std::string& key, const std::string& url,
                                       const char* chain_header, const char* alt_chain_header, quote3_error_t not_found,
                                       Document& out) {
  if (auto item = s.cache->Get(key, Now())) {
    out.body = item->Field("body");
    out.chain = item->Field("chain");
    return SGX_QL_SUCCESS;
  }
  const Config& c = *s.config;
  HttpResult r = HttpGet(c, AppendParams(url, c, false), {}, [this](int l, const std::string& m) { Log(l, m); });
  quote3_error_t st = Map(r, not_found);
  if (st != SGX_QL_SUCCESS) {
    Log(SGX_QL_LOG_ERROR, "GET " + url + ": " + (r.transport_ok ? "HTTP " + std::to_string(r.status) : r.error));
    return st;
  }
  std::string chain = r.Header(chain_header);
  if (chain.empty() && alt_chain_header) chain = r.Header(alt_chain_header);
  if (chain_header[0] != '\0' && (chain.empty() || r.body.empty())) {
    Log(SGX_QL_LOG_ERROR, "GET " + url + ": empty body or no issuer chain");
    return SGX_QL_ERROR_MESSAGE_PARSING_ERROR;
  }
  out.body = r.body;
  out.chain = PercentDecode(chain);
  CachedItem item;
  item.type = kCollateral;
  item.fields = {{"body", out.body}, {"chain", out.chain}};
  Store(s, key, item, r, c.verify_collateral_cache_expire_hours);
  return SGX_QL_SUCCESS;
}

quote3_error_t Provider::FetchRootCrl(const Snapshot& s, const std::string& base, const std::string& qe_chain,
                                      const std::string& custom, std::string& out) {
  const Config& c = *s.config;
  std::string key = "rootcacrl/" + c.pccs_api_version + custom;
  if (auto item = s.cache->Get(key, Now())) {  // before parsing the chain: warm calls skip X.509 entirely
    out = item->Field("body");
    return out.empty() ? SGX_QL_ERROR_MESSAGE_PARSING_ERROR : SGX_QL_SUCCESS;
  }
  std::string cdp = RootCrlDistributionPoint(qe_chain);
  std::string url;
  if (base.find("trustedservices.intel.com") != std::string::npos && !cdp.empty()) url = cdp;  // Intel PCS: the CDP itself
  else if (c.pccs_api_version == "3.1" && !cdp.empty()) url = base + "crl?uri=" + cdp;
  else url = base + "rootcacrl";  // also when the chain names no CDP (Intel would return success with no CRL)
  if (!custom.empty()) url += (url.find('?') == std::string::npos ? "?" : "&") + std::string("customParameter=") + custom;
  Document d;
  quote3_error_t st = FetchDocument(s, key, url, "", nullptr, SGX_QL_NO_QUOTE_COLLATERAL_DATA, d);
  if (st != SGX_QL_SUCCESS) return st;
  if (d.body.empty()) return SGX_QL_ERROR_MESSAGE_PARSING_ERROR;
  out = std::move(d.body);
  return SGX_QL_SUCCESS;
}

quote3_error_t Provider::GetCollateral(bool tdx, const std::string& fmspc_hex, const std::string& ca, const std::string& custom,
                                       CollateralData& out) {
  Snapshot s;
  if (quote3_error_t st = Current(s); st != SGX_QL_SUCCESS) return st;
  const Config& c = *s.config;
  out.version = c.pccs_api_version == "3.1" ? 0x00010003u : 3u;
  std::string tdx_base = tdx ? s.region->TdxBase(c, *s.cache, [this](int l, const std::string& m) { Log(l, m); }) : "";
  std::string base = WithSlash(!tdx_base.empty() ? tdx_base : c.CollateralBase());
  std::string tee_base = base;
  if (tdx) {
    size_t p = tee_base.find("/sgx/");
    if (p == std::string::npos) {
      Log(SGX_QL_LOG_ERROR, "collateral_service " + base + " has no /sgx/ to turn into /tdx/ for TDX collateral");
      return SGX_QL_ERROR_UNEXPECTED;
    }
    tee_base.replace(p, 5, "/tdx/");
  }
  std::string cp = custom.empty() ? "" : "&customParameter=" + custom;
  std::string tee = tdx ? "tdx" : "sgx";
  bool der = c.pccs_api_version == "3.1" || base.find("trustedservices.intel.com") != std::string::npos;
  quote3_error_t st = FetchDocument(s, "pckcrl/" + ca + (der ? "/der" : "/hex") + cp, base + "pckcrl?ca=" + ca + (der ? "&encoding=der" : "") + cp,
                                    "sgx-pck-crl-issuer-chain", nullptr, SGX_QL_NO_QUOTE_COLLATERAL_DATA, out.pck_crl);
  if (st != SGX_QL_SUCCESS) return st;
  st = FetchDocument(s, "tcb/" + tee + "/" + fmspc_hex + "/" + c.tcb_update_type + cp,
                     tee_base + "tcb?fmspc=" + fmspc_hex + "&update=" + c.tcb_update_type + cp, "tcb-info-issuer-chain",
                     "sgx-tcb-info-issuer-chain", SGX_QL_TCBINFO_NOT_FOUND, out.tcb_info);
  if (st != SGX_QL_SUCCESS) return st;
  st = FetchDocument(s, "qe/" + tee + "/" + c.tcb_update_type + cp, tee_base + "qe/identity?update=" + c.tcb_update_type + cp,
                     "sgx-enclave-identity-issuer-chain", "enclave-identity-issuer-chain", SGX_QL_QEIDENTITY_NOT_FOUND, out.qe_identity);
  if (st != SGX_QL_SUCCESS) return st;
  return FetchRootCrl(s, base, out.qe_identity.chain, custom, out.root_ca_crl);
}

quote3_error_t Provider::GetQveIdentity(Document& out) {
  Snapshot s;
  if (quote3_error_t st = Current(s); st != SGX_QL_SUCCESS) return st;
  const Config& c = *s.config;
  return FetchDocument(s, "qve/" + c.tcb_update_type, WithSlash(c.CollateralBase()) + "qve/identity?update=" + c.tcb_update_type,
                       "sgx-enclave-identity-issuer-chain", "enclave-identity-issuer-chain", SGX_QL_NO_QVE_IDENTITY_DATA, out);
}

quote3_error_t Provider::GetRootCaCrl(std::string& out) {
  Snapshot s;
  if (quote3_error_t st = Current(s); st != SGX_QL_SUCCESS) return st;
  const Config& c = *s.config;
  Document qe;
  quote3_error_t st = FetchDocument(s, "qe/sgx/" + c.tcb_update_type, WithSlash(c.CollateralBase()) + "qe/identity?update=" + c.tcb_update_type,
                                    "sgx-enclave-identity-issuer-chain", "enclave-identity-issuer-chain", SGX_QL_QEIDENTITY_NOT_FOUND, qe);
  if (st != SGX_QL_SUCCESS) return st;
  return FetchRootCrl(s, WithSlash(c.CollateralBase()), qe.chain, "", out);
}

quote3_error_t Provider::GetPlatformPolicy(const std::string& fmspc_hex, std::string& out) {
  Snapshot s;
  if (quote3_error_t st = Current(s); st != SGX_QL_SUCCESS) return st;
  const Config& c = *s.config;
  HttpResult r = HttpGet(c, AppendParams(WithSlash(c.pccs_url) + "appraisalpolicy?fmspc=" + fmspc_hex, c, false), {},
                         [this](int l, const std::string& m) { Log(l, m); });
  quote3_error_t st = Map(r, SGX_QL_NO_QUOTE_COLLATERAL_DATA);
  if (st != SGX_QL_SUCCESS) return st;
  if (r.body.empty()) return SGX_QL_NO_QUOTE_COLLATERAL_DATA;
  out = std::move(r.body);
  return SGX_QL_SUCCESS;
}

quote3_error_t Provider::ClearCache(uint32_t mask) {
  if (mask & ~7u) return SGX_QL_ERROR_INVALID_PARAMETER;
  Snapshot s;
  if (Current(s) != SGX_QL_SUCCESS) return SGX_QL_SUCCESS;  // no cache to clear
  s.cache->Clear(mask);
  return SGX_QL_SUCCESS;
}

}  // namespace thim::qpl
