#include "cli/bundle_commands.h"

#include "cache/bundle.h"
#include "cli/bundle_inspect_amd.h"
#include "cache/intel_validator.h"
#include "intel/pck_cert_list.h"
#include "upstream/curl_http_client.h"

namespace thim::cli {

StatusOr<nlohmann::ordered_json> InspectBundle(std::string_view text, const crypto::Certificate& root, TimePoint at,
                                               bool* all_valid, const std::map<amd::Product, crypto::Certificate>& amd_arks) {
  ASSIGN_OR_RETURN(cache::Bundle bundle, cache::ReadBundle(text));
  const std::vector<cache::BundleItem>& items = bundle.items;
  cache::IntelCollateralValidator validator(root);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  *all_valid = true;
  for (const auto& item : items) {
    auto v = validator.Validate(item.key, item.document, at);
    *all_valid &= v.ok();
    nlohmann::ordered_json j = {{"key", item.key.CacheKey()}, {"what", item.key.Describe()}, {"bytes", item.document.body.size()},
                                {"valid", v.ok()}};
    if (v.ok()) {
      j["issueDate"] = FormatRfc3339(v->issue_date);
      if (v->next_update) j["nextUpdate"] = FormatRfc3339(*v->next_update);
      if (v->evaluation_number >= 0) j["evaluationDataNumber"] = v->evaluation_number;
    } else {
      j["error"] = v.status().ToString();
    }
    list.push_back(j);
  }
  nlohmann::ordered_json platforms = nlohmann::ordered_json::array();
  for (const auto& p : bundle.platforms) {
    size_t certs = 0, not_available = 0;
    auto entries = intel::ParsePckCertList(p.pck_certs);
    if (entries.ok())
      for (const auto& e : *entries) (e.cert ? certs : not_available)++;
    platforms.push_back({{"id", p.id}, {"fmspc", p.fmspc}, {"caType", p.ca_type}, {"certificates", certs},
                         {"notAvailable", not_available}, {"parses", p.pck_certs.empty() || entries.ok()}});
    if (!p.pck_certs.empty() && !entries.ok()) *all_valid = false;
  }
  nlohmann::ordered_json report{{"type", "thim_bundle"}, {"at", FormatRfc3339(at)}, {"count", items.size()}, {"items", list},
                                {"platforms", platforms}};
  if (!bundle.amd.empty()) report["amd"] = InspectAmdItems(bundle.amd, amd_arks, at, all_valid);
  return report;
}

namespace {
StatusOr<std::string> Call(upstream::HttpMethod method, const std::string& url, const std::string& token, const std::string& ca_file,
                           std::string body) {
  upstream::CurlHttpClientOptions options;
  options.ca_file = ca_file;
  options.max_response_bytes = 256u << 20;
  upstream::CurlHttpClient client(options);
  upstream::HttpRequest request;
  request.method = method;
  request.url = url + "/admin/bundle";
  request.headers.Add("admin-token", token);
  if (!body.empty()) request.headers.Add("Content-Type", "application/json");
  request.body = std::move(body);
  request.timeout = std::chrono::minutes(5);
  ASSIGN_OR_RETURN(upstream::HttpResponse response, client.Send(request));
  if (response.status != 200)
    return Status(response.status == 401 ? StatusCode::kUnauthenticated : StatusCode::kUnavailable,
                  "thimd answered HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 300));
  return std::move(response.body);
}
}  // namespace

StatusOr<std::string> ExportBundle(const std::string& url, const std::string& token, const std::string& ca_file) {
  return Call(upstream::HttpMethod::kGet, url, token, ca_file, "");
}

StatusOr<std::string> ImportBundle(const std::string& url, const std::string& token, const std::string& ca_file, std::string bundle) {
  return Call(upstream::HttpMethod::kPut, url, token, ca_file, std::move(bundle));
}

}  // namespace thim::cli
