#include "cache/bundle.h"

#include <set>

#include "core/bytes.h"
#include "intel/strict_json.h"

namespace thim::cache {

namespace {

// Chains travel as the PEM text itself, DER items as base64.
constexpr const char* BodyField(amd::AmdItemType type) { return type == amd::AmdItemType::kChain ? "pem" : "der"; }

nlohmann::ordered_json WriteAmdList(const std::vector<AmdBundleItem>& items) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& item : items) {
    bool pem = item.key.type == amd::AmdItemType::kChain;
    list.push_back({{"key", amd::StoreKey(item.key)}, {BodyField(item.key.type), pem ? item.body : Base64Encode(AsBytes(item.body))}});
  }
  return list;
}

nlohmann::ordered_json WriteAmd(const AmdBundle& section) {
  return {{"chains", WriteAmdList(section.chains)}, {"crls", WriteAmdList(section.crls)}, {"vceks", WriteAmdList(section.vceks)}};
}

// bundle.amd.<list>: each entry's key must name an item of `type`.
Status ReadAmdList(const intel::JsonObject& section, const char* list_name, amd::AmdItemType type, std::vector<AmdBundleItem>& out,
                   std::set<std::string>& seen) {
  if (!section.Has(list_name)) return OkStatus();
  ASSIGN_OR_RETURN(const nlohmann::json* list, section.Array(list_name));
  for (size_t i = 0; i < list->size(); ++i) {
    std::string path = "bundle.amd." + std::string(list_name) + "[" + std::to_string(i) + "]";
    ASSIGN_OR_RETURN(intel::JsonObject e, intel::JsonObject::Of((*list)[i], path));
    RETURN_IF_ERROR(e.OnlyKeys({"key", BodyField(type)}));
    ASSIGN_OR_RETURN(std::string key_text, e.String("key"));
    auto key = amd::ParseAmdKey(key_text);
    if (!key.ok()) return e.Error("key", key.status().message());
    if (key->type != type) return e.Error("key", "not a key of the " + std::string(list_name) + " list");
    if (!seen.insert(key_text).second) return e.Error("key", "appears twice in the bundle");
    ASSIGN_OR_RETURN(std::string body, e.String(BodyField(type)));
    if (type != amd::AmdItemType::kChain) {
      auto der = Base64Decode(body);
      if (!der.ok()) return e.Error(BodyField(type), der.status().message());
      body.assign(der->begin(), der->end());
    }
    out.push_back({.key = *key, .body = std::move(body)});
  }
  return OkStatus();
}

Status ReadAmd(const intel::JsonObject& top, AmdBundle& out) {
  if (!top.Has("amd")) return OkStatus();
  ASSIGN_OR_RETURN(intel::JsonObject section, top.Object("amd"));
  RETURN_IF_ERROR(section.OnlyKeys({"chains", "crls", "vceks"}));
  std::set<std::string> seen;
  RETURN_IF_ERROR(ReadAmdList(section, "chains", amd::AmdItemType::kChain, out.chains, seen));
  RETURN_IF_ERROR(ReadAmdList(section, "crls", amd::AmdItemType::kCrl, out.crls, seen));
  return ReadAmdList(section, "vceks", amd::AmdItemType::kVcek, out.vceks, seen);
}

}  // namespace

std::string WriteBundle(const Bundle& bundle, TimePoint created) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& item : bundle.items)
    list.push_back({{"key", item.key.CacheKey()},
                    {"contentType", item.document.content_type},
                    {"body", Base64Encode(AsBytes(item.document.body))},
                    {"issuerChain", item.document.issuer_chain}});
  nlohmann::ordered_json platforms = nlohmann::ordered_json::array();
  for (const auto& p : bundle.platforms)
    platforms.push_back({{"id", p.id},
                         {"qeId", p.qe_id},
                         {"pceId", p.pce_id},
                         {"encryptedPpid", p.encrypted_ppid},
                         {"platformManifest", p.platform_manifest},
                         {"fmspc", p.fmspc},
                         {"caType", p.ca_type},
                         {"ppid", p.ppid},
                         {"pckCerts", Base64Encode(AsBytes(p.pck_certs))},
                         {"issuerChain", p.issuer_chain},
                         {"certsFetchedAt", p.certs_fetched_at},
                         {"levelsEvaluationDataNumber", p.levels_eval_number},
                         {"registeredAt", p.registered_at},
                         {"rawTcbs", p.raw_tcbs}});
  nlohmann::ordered_json j = {{"format", "thim-bundle"}, {"version", 1}, {"created", FormatRfc3339(created)}, {"items", list}};
  if (!bundle.platforms.empty()) j["platforms"] = platforms;
  if (!bundle.amd.empty()) j["amd"] = WriteAmd(bundle.amd);
  return j.dump(1);
}

namespace {

StatusOr<store::PlatformRecord> ReadPlatform(const nlohmann::json& value, const std::string& path) {
  ASSIGN_OR_RETURN(intel::JsonObject e, intel::JsonObject::Of(value, path));
  RETURN_IF_ERROR(e.OnlyKeys({"id", "qeId", "pceId", "encryptedPpid", "platformManifest", "fmspc", "caType", "ppid", "pckCerts",
                              "issuerChain", "certsFetchedAt", "levelsEvaluationDataNumber", "registeredAt", "rawTcbs"}));
  store::PlatformRecord p;
  ASSIGN_OR_RETURN(p.id, e.String("id"));
  if (p.id.empty() || p.id.size() > 300) return e.Error("id", "expected 1 to 300 characters");
  ASSIGN_OR_RETURN(p.qe_id, e.String("qeId"));
  ASSIGN_OR_RETURN(p.pce_id, e.String("pceId"));
  if (!IsHex(p.pce_id, 4)) return e.Error("pceId", "expected 4 hex digits");
  ASSIGN_OR_RETURN(p.encrypted_ppid, e.String("encryptedPpid"));
  ASSIGN_OR_RETURN(p.platform_manifest, e.String("platformManifest"));
  ASSIGN_OR_RETURN(p.fmspc, e.String("fmspc"));
  ASSIGN_OR_RETURN(p.ca_type, e.String("caType"));
  ASSIGN_OR_RETURN(p.ppid, e.String("ppid"));
  ASSIGN_OR_RETURN(std::string b64, e.String("pckCerts"));
  auto certs = Base64Decode(b64);
  if (!certs.ok()) return e.Error("pckCerts", certs.status().message());
  p.pck_certs.assign(certs->begin(), certs->end());
  ASSIGN_OR_RETURN(p.issuer_chain, e.String("issuerChain"));
  ASSIGN_OR_RETURN(p.certs_fetched_at, e.Int("certsFetchedAt", 0, int64_t{1} << 40));
  ASSIGN_OR_RETURN(p.levels_eval_number, e.Int("levelsEvaluationDataNumber", -1, 1 << 30));
  ASSIGN_OR_RETURN(p.registered_at, e.Int("registeredAt", 0, int64_t{1} << 40));
  ASSIGN_OR_RETURN(p.raw_tcbs, e.String("rawTcbs"));
  return p;
}

}  // namespace

StatusOr<Bundle> ReadBundle(std::string_view text) {
  ASSIGN_OR_RETURN(nlohmann::json root, intel::ParseStrictJson(text, 256u << 20));
  ASSIGN_OR_RETURN(intel::JsonObject top, intel::JsonObject::Of(root, "bundle"));
  ASSIGN_OR_RETURN(std::string format, top.String("format"));
  if (format != "thim-bundle") return top.Error("format", "expected \"thim-bundle\"");
  ASSIGN_OR_RETURN(int64_t version, top.Int("version", 0, 1000));
  if (version != 1) return top.Error("version", "only version 1 is supported");
  ASSIGN_OR_RETURN(const nlohmann::json* items, top.Array("items"));
  Bundle bundle;
  std::vector<BundleItem>& out = bundle.items;
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
  if (top.Has("platforms")) {
    ASSIGN_OR_RETURN(const nlohmann::json* platforms, top.Array("platforms"));
    std::set<std::string> ids;
    for (size_t i = 0; i < platforms->size(); ++i) {
      std::string path = "bundle.platforms[" + std::to_string(i) + "]";
      ASSIGN_OR_RETURN(store::PlatformRecord p, ReadPlatform((*platforms)[i], path));
      if (!ids.insert(p.id).second) return InvalidArgumentError("malformed at " + path + ".id: appears twice in the bundle");
      bundle.platforms.push_back(std::move(p));
    }
  }
  RETURN_IF_ERROR(ReadAmd(top, bundle.amd));
  return bundle;
}

}  // namespace thim::cache
