#include "qpl/config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace thim::qpl {
namespace {

using json = nlohmann::json;

constexpr double kMaxHours = 2160;  // Intel's cap: 90 days

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A key of the wrong JSON type is an error here (Intel ignores it silently,
// which hides typos such as "retry_times": "6").
bool ReadJson(const json& j, Config& c, std::string& error) {
  auto str = [&](const char* k, std::string& out) {
    if (!j.contains(k)) return true;
    if (!j[k].is_string()) return error = std::string(k) + " must be a string", false;
    out = j[k].get<std::string>();
    return true;
  };
  auto boolean = [&](const char* k, bool& out) {
    if (!j.contains(k)) return true;
    if (!j[k].is_boolean()) return error = std::string(k) + " must be true or false", false;
    out = j[k].get<bool>();
    return true;
  };
  auto integer = [&](const char* k, int& out, int lo, int hi) {
    if (!j.contains(k)) return true;
    if (!j[k].is_number_integer() || j[k].get<int64_t>() < lo || j[k].get<int64_t>() > hi)
      return error = std::string(k) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]", false;
    out = j[k].get<int>();
    return true;
  };
  auto hours = [&](const char* k, double& out) {
    if (!j.contains(k)) return true;
    if (!j[k].is_number() || j[k].get<double>() < 0) return error = std::string(k) + " must be a non-negative number", false;
    out = std::min(j[k].get<double>(), kMaxHours);
    return true;
  };
  if (!j.is_object()) return error = "the configuration must be a JSON object", false;
  bool collateral_set = j.contains("collateral_service");
  if (!(str("pccs_url", c.pccs_url) && str("collateral_service", c.collateral_service) &&
        boolean("use_secure_cert", c.use_secure_cert) && str("tcb_update_type", c.tcb_update_type) &&
        str("pccs_api_version", c.pccs_api_version) && integer("retry_times", c.retry_times, 0, 100) &&
        integer("retry_delay", c.retry_delay, 0, 3600) && str("local_pck_url", c.local_pck_url) &&
        hours("pck_cache_expire_hours", c.pck_cache_expire_hours) &&
        hours("verify_collateral_cache_expire_hours", c.verify_collateral_cache_expire_hours) &&
        boolean("local_cache_only", c.local_cache_only) &&
        integer("connect_timeout_seconds", c.connect_timeout_seconds, 1, 600) &&
        integer("request_timeout_seconds", c.request_timeout_seconds, 1, 3600)))
    return false;
  if (!collateral_set) c.collateral_service.clear();
  c.tcb_update_type = Lower(c.tcb_update_type);
  if (c.tcb_update_type != "standard" && c.tcb_update_type != "early")
    return error = "tcb_update_type must be \"standard\" or \"early\"", false;
  if (c.pccs_api_version != "3.0" && c.pccs_api_version != "3.1")
    return error = "pccs_api_version must be \"3.0\" or \"3.1\"", false;
  if (j.contains("custom_request_options")) {
    const json& o = j["custom_request_options"];
    if (!o.is_object()) return error = "custom_request_options must be an object", false;
    if (o.contains("get_cert")) {
      const json& g = o["get_cert"];
      if (!g.is_object()) return error = "custom_request_options.get_cert must be an object", false;
      for (const char* part : {"headers", "params"}) {
        if (!g.contains(part)) continue;
        if (!g[part].is_object()) return error = std::string("custom_request_options.get_cert.") + part + " must be an object", false;
        for (auto& [name, value] : g[part].items()) {
          if (!value.is_string())
            return error = std::string("custom_request_options.get_cert.") + part + "." + name + " must be a string", false;
          auto& list = std::string(part) == "headers" ? c.get_cert_headers : c.get_cert_params;
          list.emplace_back(name, value.get<std::string>());
        }
      }
    }
  }
  return true;
}

// Intel's legacy format: KEY=VALUE lines, all whitespace removed, '#' comments.
bool ReadLegacy(const std::string& text, Config& c, std::string& error) {
  std::istringstream in(text);
  std::string line;
  bool collateral_set = false;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    line.erase(std::remove_if(line.begin(), line.end(), [](unsigned char ch) { return std::isspace(ch); }), line.end());
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) return error = "line " + std::to_string(n) + ": expected KEY=VALUE", false;
    std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    auto to_int = [&](int& out) {
      char* end = nullptr;
      long x = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || x < 0 || x > 1000000) return error = k + " must be a non-negative integer", false;
      out = static_cast<int>(x);
      return true;
    };
    int tmp = 0;
    if (k == "PCCS_URL") c.pccs_url = v;
    else if (k == "COLLATERAL_SERVICE") c.collateral_service = v, collateral_set = true;
    else if (k == "PCCS_API_VERSION") c.pccs_api_version = v;
    else if (k == "USE_SECURE_CERT") c.use_secure_cert = !(v == "FALSE" || v == "false");
    else if (k == "LOCAL_PCK_URL") c.local_pck_url = v;
    else if (k == "LOCAL_CACHE_ONLY") c.local_cache_only = (v == "TRUE" || v == "true");
    else if (k == "RETRY_TIMES") { if (!to_int(c.retry_times)) return false; }
    else if (k == "RETRY_DELAY") { if (!to_int(c.retry_delay)) return false; }
    else if (k == "PCK_CACHE_EXPIRE_HOURS") { if (!to_int(tmp)) return false; c.pck_cache_expire_hours = std::min<double>(tmp, kMaxHours); }
    else if (k == "VERIFY_COLLATERAL_CACHE_EXPIRE_HOURS") {
      if (!to_int(tmp)) return false;
      c.verify_collateral_cache_expire_hours = std::min<double>(tmp, kMaxHours);
    } else return error = "line " + std::to_string(n) + ": unknown key " + k, false;
  }
  if (!collateral_set) c.collateral_service.clear();
  return true;
}

// A machine set up for Azure's DCAP client names at least one of its URLs.
bool AzureStyle() {
  for (const char* v : {"AZDCAP_BASE_CERT_URL", "AZDCAP_PRIMARY_BASE_CERT_URL", "AZDCAP_SECONDARY_BASE_CERT_URL",
                        "AZDCAP_BASE_CERT_URL_TDX"})
    if (EnvValue(v)) return true;
  return false;
}

}  // namespace

std::optional<std::string> EnvValue(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  size_t n = std::strlen(v);
  if (n == 0 || n >= 2000) return std::nullopt;
  return std::string(v);
}

std::string WithSlash(std::string url) {
  if (!url.empty() && url.back() != '/') url += '/';
  return url;
}

ParseResult ParseConfigText(const std::string& text, std::string source) {
  ParseResult r;
  Config c;
  c.source = source;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '{' || text.compare(first, 2, "//") == 0 || text.compare(first, 2, "/*") == 0)) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
    if (j.is_discarded()) {
      r.invalid_json = true;
      r.error = source + ": not valid JSON (comments are allowed, trailing commas are not)";
      return r;
    }
    std::string error;
    if (!ReadJson(j, c, error)) {
      r.error = source + ": " + error;
      return r;
    }
  } else {
    std::string error;
    if (!ReadLegacy(text, c, error)) {
      r.error = source + ": " + error;
      return r;
    }
  }
  r.config = std::move(c);
  return r;
}

void ApplyAzureEnvironment(Config& c) {
  std::string version = "v4";
  if (auto v = EnvValue("AZDCAP_COLLATERAL_VERSION"); v && (*v == "v2" || *v == "v3" || *v == "v4")) version = *v;
  auto base = [&](const std::string& b) { return WithSlash(b) + version + "/"; };
  if (auto v = EnvValue("AZDCAP_SECONDARY_BASE_CERT_URL")) c.pccs_url = base(*v);
  if (auto v = EnvValue("AZDCAP_BASE_CERT_URL")) c.collateral_service = base(*v);
  if (auto v = EnvValue("AZDCAP_PRIMARY_BASE_CERT_URL")) {
    c.local_pck_url = base(*v);
    // THIM's node-local endpoint wants IMDS's header and API version.
    bool has_meta = false, has_api = false;
    for (auto& [k, _] : c.get_cert_headers) has_meta |= Lower(k) == "metadata";
    for (auto& [k, _] : c.get_cert_params) has_api |= k == "api-version";
    if (!has_meta) c.get_cert_headers.emplace_back("Metadata", "true");
    if (!has_api) c.get_cert_params.emplace_back("api-version", "2021-07-22-preview");
  }
  // Azure's TDX collateral comes from the regional THIM: https://{region}{suffix}/v4/
  // (only v4 exists for TDX). The region is AZDCAP_REGION_URL, else — when the
  // machine is set up for Azure's client — IMDS's, discovered on first use.
  std::string suffix = EnvValue("AZDCAP_BASE_CERT_URL_TDX").value_or(".thim.azure.net/sgx/certification");
  if (auto region = EnvValue("AZDCAP_REGION_URL")) {
    c.tdx_collateral_service = WithSlash("https://" + *region + suffix) + "v4/";
  } else if (AzureStyle()) {
    c.tdx_region_suffix = suffix;
    if (auto imds = EnvValue("THIM_QPL_IMDS_URL")) c.imds_url = *imds;
  }
  if (auto v = EnvValue("AZDCAP_BYPASS_BASE_URL"); v && Lower(*v) != "false") c.local_pck_url.clear();
  if (auto v = EnvValue("AZDCAP_CLIENT_ID")) c.client_id = *v;
  if (auto v = EnvValue("AZDCAP_DISABLE_ONDEMAND"); v && *v == "1") c.send_encrypted_ppid = false;
  if (auto v = EnvValue("AZDCAP_CACHE_EXPIRY_IN_SECONDS")) {
    char* end = nullptr;
    long s = std::strtol(v->c_str(), &end, 10);
    if (*end == '\0' && s >= 1 && s <= 86400) c.cache_cap_seconds = s;
  }
}

ParseResult LoadConfig() {
  std::string path = "/etc/sgx_default_qcnl.conf";
  if (const char* p = std::getenv("QCNL_CONF_PATH"); p != nullptr && *p != '\0') path = p;
  std::ifstream in(path, std::ios::binary);
  ParseResult r;
  if (!in) {
    r.config = Config{};
    r.config->source = path + " (absent: Intel's built-in defaults)";
  } else {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > (1 << 20)) {
      r.error = path + ": larger than 1 MiB";
      return r;
    }
    r = ParseConfigText(text, path);
    if (!r.config) return r;
  }
  ApplyAzureEnvironment(*r.config);
  return r;
}

std::string Config::Describe() const {
  std::ostringstream o;
  o << "configuration from " << source << ": PCK certificates from ";
  if (local_cache_only) o << "the cache only";
  else {
    if (!local_pck_url.empty()) o << local_pck_url << ", then ";
    o << "the cache, then " << pccs_url;
  }
  o << "; collateral from " << CollateralBase();
  if (!tdx_collateral_service.empty()) o << " (TDX: " << tdx_collateral_service << ")";
  else if (!tdx_region_suffix.empty()) o << " (TDX: https://{region}" << tdx_region_suffix << "/v4/, region from IMDS " << imds_url << ")";
  o << " (api " << pccs_api_version << ", update=" << tcb_update_type
    << "); retries " << retry_times << " delay " << retry_delay << "s; cache hours pck " << pck_cache_expire_hours
    << " collateral " << verify_collateral_cache_expire_hours;
  if (cache_cap_seconds > 0) o << " (capped at " << cache_cap_seconds << "s)";
  if (!use_secure_cert) o << "; TLS verification OFF";
  return o.str();
}

}  // namespace thim::qpl
