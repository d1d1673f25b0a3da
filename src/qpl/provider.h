// The QPL's logic behind the C ABI: configuration, fetch order, caching and
// Intel's error codes. One process-wide instance, created on first use (no
// global constructors), every method thread-safe and exception-free.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "qpl/cache.h"
#include "qpl/config.h"
#include "qpl/region.h"
#include "thim/sgx_dcap_quoteprov.h"

namespace thim::qpl {

struct PckCertData {
  std::string cert;   // leaf PEM
  std::string chain;  // intermediate ‖ root PEM, percent-decoded
  std::string tcbm;   // 36 hex
};

struct Document {
  std::string body;
  std::string chain;  // percent-decoded PEM
};

struct CollateralData {
  uint32_t version = 3;
  Document pck_crl, tcb_info, qe_identity;
  std::string root_ca_crl;
};

struct PckRequest {
  std::string qeid, cpusvn, pcesvn, pceid, encrypted_ppid;  // upper-case hex, as on the wire
};

class Provider {
 public:
  static Provider& Instance();

  // Loads (or reloads) the configuration; the error is logged.
  quote3_error_t Init();
  void SetLogger(sgx_ql_logging_callback_t cb, sgx_ql_log_level_t level);
  void Log(int level, const std::string& message);

  quote3_error_t GetPckCert(const PckRequest& req, PckCertData& out);
  quote3_error_t GetCollateral(bool tdx, const std::string& fmspc_hex, const std::string& ca, const std::string& custom_param,
                               CollateralData& out);
  quote3_error_t GetQveIdentity(Document& out);
  quote3_error_t GetRootCaCrl(std::string& out);
  quote3_error_t GetPlatformPolicy(const std::string& fmspc_hex, std::string& out);
  quote3_error_t ClearCache(uint32_t mask);

 private:
  Provider() = default;
  struct Snapshot {
    std::shared_ptr<const Config> config;
    std::shared_ptr<Cache> cache;
    std::shared_ptr<RegionDiscovery> region;  // per configuration: reloading asks again
  };
  // The configuration in force, loading it on first use.
  quote3_error_t Current(Snapshot& s);
  // A collateral document: the cache, else `url` (404 ⇒ `not_found`).
  quote3_error_t FetchDocument(const Snapshot& s, const std::string& key, const std::string& url,
                               const char* chain_header, const char* alt_chain_header, quote3_error_t not_found,
                               Document& out);
  quote3_error_t FetchRootCrl(const Snapshot& s, const std::string& base, const std::string& qe_chain, const std::string& custom,
                              std::string& out);
  quote3_error_t Map(const HttpResult& r, quote3_error_t not_found);
  int64_t Lifetime(const Config& c, const HttpResult& r, double hours);
  void Store(const Snapshot& s, const std::string& key, CachedItem item, const HttpResult& r, double hours);

  std::mutex init_mu_;  // one loader at a time on first use
  std::mutex mu_;
  std::shared_ptr<const Config> config_;
  std::shared_ptr<Cache> cache_;
  std::shared_ptr<RegionDiscovery> region_;
  std::string config_error_;
  bool invalid_json_ = false;
  std::mutex log_mu_;
  sgx_ql_logging_callback_t logger_ = nullptr;
  int log_level_ = SGX_QL_LOG_ERROR;
};

}  // namespace thim::qpl
