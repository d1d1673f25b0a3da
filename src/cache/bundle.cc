#include "cache/bundle.h"

#include <set>

#include "core/bytes.h"
#include "intel/strict_json.h"

namespace thim::cache {

std::string WriteBundle(const std::vector<BundleItem>& items, TimePoint created) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& item : items)
    list.push_back({{"key", item.key.CacheKey()},
                    {"contentType", item.document.content_type},
                    {"body", Base64Encode(AsBytes(item.document.body))},
                    {"issuerChain", item.document.issuer_chain}});
  nlohmann::ordered_json j = {{"format", "thim-bundle"}, {"version", 1}, {"created", FormatRfc3339(created)}, {"items", list}};
  return j.dump(1);
}

StatusOr<std::vector<BundleItem>> ReadBundle(std::string_view text) {
  ASSIGN_OR_RETURN(nlohmann::json root, intel::ParseStrictJson(text, 256u << 20));
  ASSIGN_OR_RETURN(intel::JsonObject top, intel::JsonObject::Of(root, "bundle"));
  ASSIGN_OR_RETURN(std::string format, top.String("format"));
  if (format != "thim-bundle") return top.Error("format", "expected \"thim-bundle\"");
  ASSIGN_OR_RETURN(int64_t version, top.Int("version", 0, 1000));
  if (version != 1) return top.Error("version", "only version 1 is supported");
  ASSIGN_OR_RETURN(const nlohmann::json* items, top.Array("items"));
  std::vector<BundleItem> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < items->size(); ++i) {
    ASSIGN_OR_RETURN(intel::JsonObject e, intel::JsonObject::Of((*items)[i], "bundle.items[" + std::to_string(i) + "]"));
    ASSIGN_OR_RETURN(std::string key_text, e.String("key"));
    auto key = ParseCacheKey(key_text);
    if (!key.ok()) return e.Error("key", key.status().message());
    if (!seen.insert(key_text).second) return e.Error("key", "appears twice in the bundle");
    BundleItem item{.key = *key};
    item.document.http_status = 200;
    ASSIGN_OR_RETURN(item.document.content_type, e.String("contentType"));
    ASSIGN_OR_RETURN(std::string b64, e.String("body"));
    auto body = Base64Decode(b64);
    if (!body.ok()) return e.Error("body", body.status().message());
    item.document.body.assign(body->begin(), body->end());
    ASSIGN_OR_RETURN(item.document.issuer_chain, e.String("issuerChain"));
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace thim::cache
