#include "upstream/pcs_client.h"

#include <utility>

namespace thim::upstream {
namespace {

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Host part of scheme://host[:port][/...], lower-case not needed: compared
// case-insensitively.
std::string_view HostOf(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/:"));
  return url;
}

}  // namespace

bool PcsPathTakesSubscriptionKey(std::string_view path_and_query) {
  std::string_view path = path_and_query.substr(0, path_and_query.find('?'));
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/sgx/registration/v1/package") return true;
  for (std::string_view version : {"v3", "v4"}) {
    const std::string prefix = "/sgx/certification/" + std::string(version) + "/";
    if (path.substr(0, prefix.size()) != prefix) continue;
    const std::string_view rest = path.substr(prefix.size());
    if (rest == "pckcert" || rest == "pckcerts" || rest == "pckcerts/config") return true;
  }
  return false;
}

UpstreamConfig PcsClient::DefaultConfig() {
  UpstreamConfig c;
  c.name = "intel-pcs";
  c.base_url = std::string(kPcsDefaultBaseUrl);
  c.request_id_header = "Request-ID";
  c.log_headers = {"Error-Code", "Error-Message", "Warning"};
  return c;
}

StatusOr<std::unique_ptr<PcsClient>> PcsClient::Create(UpstreamConfig config, std::shared_ptr<HttpClient> http,
                                                       const Clock& clock, Sleeper& sleeper) {
  std::string key(TrimSpace(config.api_key));
  const bool early_access = EqualsIgnoreCase(HostOf(config.base_url), "validation.api.trustedservices.intel.com");
  ASSIGN_OR_RETURN(auto client, UpstreamClient::Create(std::move(config), std::move(http), clock, sleeper));
  return std::unique_ptr<PcsClient>(new PcsClient(std::move(client), std::move(key), early_access));
}

PcsClient::PcsClient(std::unique_ptr<UpstreamClient> client, std::string api_key, bool key_on_every_request)
    : client_(std::move(client)), api_key_(std::move(api_key)), key_on_every_request_(key_on_every_request) {}

void PcsClient::AddKey(std::string_view path, HttpHeaders& headers) const {
  if (api_key_.empty()) return;
  if (key_on_every_request_ || PcsPathTakesSubscriptionKey(path)) {
    headers.Add(std::string(kPcsSubscriptionKeyHeader), api_key_);
  }
}

StatusOr<UpstreamResponse> PcsClient::Get(std::string_view path_and_query, CallInfo* info) {
  UpstreamRequest request{.method = HttpMethod::kGet, .path_and_query = std::string(path_and_query)};
  AddKey(path_and_query, request.headers);
  return client_->Send(request, info);
}

StatusOr<UpstreamResponse> PcsClient::Post(std::string_view path, std::string json_body, CallInfo* info) {
  UpstreamRequest request{.method = HttpMethod::kPost,
                          .path_and_query = std::string(path),
                          .body = std::move(json_body),
                          .idempotent = true};
  request.headers.Add("Content-Type", "application/json");
  AddKey(path, request.headers);
  return client_->Send(request, info);
}

}  // namespace thim::upstream
