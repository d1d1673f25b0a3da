// The QPL's configuration: Intel's sgx_default_qcnl.conf (JSON with
// comments, or the legacy KEY=VALUE form) overlaid with Azure's AZDCAP_*
// environment variables. Unlike Intel's QCNL, an invalid file is an error
// the caller reports, never a silent fall-back to defaults.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace thim::qpl {

struct Config {
  std::string pccs_url = "https://localhost:8081/sgx/certification/v4/";
  std::string collateral_service;  // empty = pccs_url
  bool use_secure_cert = true;
  std::string tcb_update_type = "standard";
  std::string pccs_api_version = "3.0";
  int retry_times = 0;
  int retry_delay = 0;  // seconds; 0 = exponential 1, 2, 4 …
  std::string local_pck_url;
  double pck_cache_expire_hours = 0;
  double verify_collateral_cache_expire_hours = 0;
  bool local_cache_only = false;
  // custom_request_options.get_cert: applied to both PCK-certificate URLs.
  std::vector<std::pair<std::string, std::string>> get_cert_headers;
  std::vector<std::pair<std::string, std::string>> get_cert_params;
  // thim extensions (Intel's client sets no timeouts at all).
  int connect_timeout_seconds = 5;
  int request_timeout_seconds = 30;
  // Azure compatibility (AZDCAP_*).
  std::string client_id;                  // appended as clientid= when set
  std::string tdx_collateral_service;     // AZDCAP_REGION_URL: regional THIM for TDX collateral ("" = collateral_service)
  // Azure-style configuration without AZDCAP_REGION_URL: the region is
  // discovered through IMDS (qpl/region.h) and TDX collateral comes from
  // https://{region}{tdx_region_suffix}/v4/. Empty = no discovery.
  std::string tdx_region_suffix;
  std::string imds_url = "http://169.254.169.254";  // THIM_QPL_IMDS_URL (tests and operations only)
  bool send_encrypted_ppid = true;        // AZDCAP_DISABLE_ONDEMAND=1 clears it
  int64_t cache_cap_seconds = 0;          // AZDCAP_CACHE_EXPIRY_IN_SECONDS (0 = no extra cap)
  std::string source;                     // where the configuration came from, for the log

  const std::string& CollateralBase() const { return collateral_service.empty() ? pccs_url : collateral_service; }
  std::string Describe() const;
};

struct ParseResult {
  std::optional<Config> config;
  std::string error;     // set when config is empty
  bool invalid_json = false;  // the file starts with '{' but is not JSON
};

// Parses a configuration file's text. Hours are capped at 2160 as Intel does.
ParseResult ParseConfigText(const std::string& text, std::string source);

// Reads $QCNL_CONF_PATH, else /etc/sgx_default_qcnl.conf (a missing file
// means Intel's built-in defaults), then applies the AZDCAP_* variables.
ParseResult LoadConfig();

// Applies Azure's environment variables on top of `c` (values of length 0 or
// >= 2000 count as unset, as in Azure's client).
void ApplyAzureEnvironment(Config& c);

// An environment variable's value; unset, empty or >= 2000 bytes (as Azure's
// client treats them) is nullopt.
std::optional<std::string> EnvValue(const char* name);

// Ensures a base URL ends in '/', since paths are appended directly.
std::string WithSlash(std::string url);

}  // namespace thim::qpl
