#include "server/pck_api.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "server/admin_api.h"
#include "server/offload.h"
#include "server/pcs_api.h"

namespace thim::server {

namespace {

using json = nlohmann::ordered_json;

constexpr int kPlatformUnknown = 461;  // PCCS's status for a platform it may not fetch

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Status CheckHex(std::string_view name, std::string_view value, size_t min_len, size_t max_len) {
  if (value.size() < min_len || value.size() > max_len || !IsHex(value))
    return InvalidArgumentError(std::string(name) + " must be " +
                                (min_len == max_len ? std::to_string(min_len) : std::to_string(min_len) + " to " + std::to_string(max_len)) +
                                " hex characters");
  return OkStatus();
}

// PCCS's 461 for a platform the fill mode may not fetch; otherwise as every
// collateral lookup (JSON error, Retry-After on 429/503).
HttpResponse PckError(const Status& status) {
  if (status.code() == StatusCode::kFailedPrecondition)
    return HttpResponse::Error(kPlatformUnknown, "PlatformUnknown", status.message());
  return RespondWithError(status);
}

constexpr std::string_view kPckParams[] = {"qeid", "encrypted_ppid", "cpusvn", "pcesvn", "pceid", "clientid", "api-version"};

// The query of a GET or the JSON body of a POST, as optional fields.
struct RawFields {
  std::optional<std::string> qeid, encrypted_ppid, manifest, cpusvn, pcesvn, pceid;
};

StatusOr<RawFields> FieldsOf(const HttpRequest& req) {
  RawFields f;
  if (req.method == "POST") {
    json j = json::parse(req.body, nullptr, false);
    if (!j.is_object()) return InvalidArgumentError("body must be a JSON object");
    auto get = [&](const char* name, std::optional<std::string>& out) -> Status {
      if (!j.contains(name)) return OkStatus();
      if (!j[name].is_string()) return InvalidArgumentError(std::string(name) + " must be a string");
      out = j[name].get<std::string>();
      return OkStatus();
    };
    for (const auto& [k, v] : j.items())
      if (k != "platformManifest" && k != "cpusvn" && k != "pcesvn" && k != "pceid" && k != "qeid")
        return InvalidArgumentError("unexpected key \"" + k.substr(0, 40) + "\"");
    RETURN_IF_ERROR(get("platformManifest", f.manifest));
    RETURN_IF_ERROR(get("cpusvn", f.cpusvn));
    RETURN_IF_ERROR(get("pcesvn", f.pcesvn));
    RETURN_IF_ERROR(get("pceid", f.pceid));
    RETURN_IF_ERROR(get("qeid", f.qeid));
    if (!f.manifest) return InvalidArgumentError("platformManifest is required");
    return f;
  }
  for (std::string_view name : kPckParams)
    if (req.ParamCount(name) > 1) return InvalidArgumentError("parameter " + std::string(name) + " given more than once");
  auto opt = [&](std::string_view name) -> std::optional<std::string> {
    auto v = req.Param(name);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  };
  f.qeid = opt("qeid");
  f.encrypted_ppid = opt("encrypted_ppid");
  f.cpusvn = opt("cpusvn");
  f.pcesvn = opt("pcesvn");
  f.pceid = opt("pceid");
  return f;
}

enum class Kind { kPckCert, kPckCerts, kPckCertsConfig };

StatusOr<PckQuery> QueryOf(const HttpRequest& req, Kind kind) {
  ASSIGN_OR_RETURN(RawFields f, FieldsOf(req));
  auto sv = [](const std::optional<std::string>& s) { return s ? std::optional<std::string_view>(*s) : std::nullopt; };
  bool need_raw = kind == Kind::kPckCert;
  if (kind == Kind::kPckCertsConfig && !f.cpusvn) return InvalidArgumentError("cpusvn is required");
  if (kind == Kind::kPckCertsConfig) RETURN_IF_ERROR(CheckHex("cpusvn", *f.cpusvn, 32, 32));
  return ParsePckQuery(sv(f.qeid), sv(f.encrypted_ppid), sv(f.manifest), need_raw ? sv(f.cpusvn) : std::nullopt,
                       need_raw ? sv(f.pcesvn) : std::nullopt, sv(f.pceid), need_raw);
}

Handler PckCertHandler(std::shared_ptr<cache::PlatformService> platforms, PckApiOptions options, bool thim_json) {
  return [platforms, options, thim_json](const HttpRequest& req, Reply reply) {
    auto query = QueryOf(req, Kind::kPckCert);
    if (!query.ok()) return reply(HttpResponse::Error(query.status()));
    platforms->GetPckCert(query->identity, *query->raw, [reply, options, thim_json](StatusOr<cache::PckAnswer> a) {
      if (!a.ok()) return reply(PckError(a.status()));
      std::string max_age = std::to_string(options.max_age_seconds);
      if (thim_json) {
        json body{{"pckCert", a->cert_pem}, {"sgx-Pck-Certificate-Issuer-Chain", a->issuer_chain}, {"sgx-Tcbm", a->tcbm},
                  {"cacheMaxAge", max_age}};
        HttpResponse r = HttpResponse::Json(200, body.dump());
        r.headers.push_back({"Cache-Control", "max-age=" + max_age});
        return reply(std::move(r));
      }
      HttpResponse r = HttpResponse::Text(200, a->cert_pem, "application/x-pem-file");
      r.headers.push_back({"SGX-PCK-Certificate-Issuer-Chain", a->issuer_chain});
      r.headers.push_back({"SGX-TCBm", a->tcbm});
      r.headers.push_back({"SGX-FMSPC", a->fmspc});
      r.headers.push_back({"SGX-PCK-Certificate-CA-Type", a->ca_type});
      r.headers.push_back({"Cache-Control", "max-age=" + max_age});
      reply(std::move(r));
    });
  };
}

Handler PckCertsHandler(std::shared_ptr<cache::PlatformService> platforms, PckApiOptions options, Kind kind) {
  return [platforms, options, kind](const HttpRequest& req, Reply reply) {
    auto query = QueryOf(req, kind);
    if (!query.ok()) return reply(HttpResponse::Error(query.status()));
    platforms->GetPckCerts(query->identity, [reply, options](StatusOr<cache::PckCertsAnswer> a) {
      if (!a.ok()) return reply(PckError(a.status()));
      HttpResponse r = HttpResponse::Json(200, a->body);
      r.headers.push_back({"SGX-PCK-Certificate-Issuer-Chain", a->issuer_chain});
      r.headers.push_back({"SGX-FMSPC", a->fmspc});
      r.headers.push_back({"SGX-PCK-Certificate-CA-Type", a->ca_type});
      r.headers.push_back({"Cache-Control", "max-age=" + std::to_string(options.max_age_seconds)});
      reply(std::move(r));
    });
  };
}

// PCCS's PLATFORM_REG_SCHEMA: qe_id and pce_id required; with a manifest the
// other three are ignored, otherwise enc_ppid, cpu_svn and pce_svn are required.
Handler RegistrationHandler(std::shared_ptr<BlockingPool> pool, std::shared_ptr<cache::PlatformService> platforms, PckApiOptions options) {
  return [pool, platforms, hash = options.user_token_sha256](const HttpRequest& req, Reply reply) {
    std::string_view token = req.HeaderValue("user-token").value_or("");
    if (hash.empty() || !TokenMatches(token, hash)) {
      spdlog::warn("registration refused from {} (request {})", req.peer, req.request_id);
      return reply(HttpResponse::Error(401, "Unauthenticated", "authentication required"));
    }
    json j = json::parse(req.body, nullptr, false);
    if (!j.is_object()) return reply(HttpResponse::Error(400, "InvalidArgument", "body must be a JSON object"));
    std::optional<std::string> fields[6];
    const char* names[6] = {"qe_id", "pce_id", "cpu_svn", "pce_svn", "enc_ppid", "platform_manifest"};
    for (const auto& [k, v] : j.items()) {
      int index = -1;
      for (int i = 0; i < 6; ++i)
        if (k == names[i]) index = i;
      if (index < 0) return reply(HttpResponse::Error(400, "InvalidArgument", "unexpected key \"" + k.substr(0, 40) + "\""));
      if (!v.is_string()) return reply(HttpResponse::Error(400, "InvalidArgument", k + " must be a string"));
      if (!v.get<std::string>().empty()) fields[index] = v.get<std::string>();
    }
    if (!fields[0] || !fields[1]) return reply(HttpResponse::Error(400, "InvalidArgument", "qe_id and pce_id are required"));
    bool manifest = fields[5].has_value();
    if (!manifest && (!fields[2] || !fields[3] || !fields[4]))
      return reply(HttpResponse::Error(400, "InvalidArgument", "without platform_manifest, enc_ppid, cpu_svn and pce_svn are required"));
    auto sv = [](const std::optional<std::string>& s) { return s ? std::optional<std::string_view>(*s) : std::nullopt; };
    // With a manifest, PCCS blanks the other three: the manifest identifies the platform.
    auto query = ParsePckQuery(sv(fields[0]), manifest ? std::nullopt : sv(fields[4]), sv(fields[5]),
                               manifest ? std::nullopt : sv(fields[2]), manifest ? std::nullopt : sv(fields[3]), sv(fields[1]),
                               !manifest);
    if (!query.ok()) return reply(HttpResponse::Error(query.status()));
    spdlog::info("registration of platform {} from {} (request {})", cache::PlatformIdOf(query->identity), req.peer, req.request_id);
    // Registration may fetch from upstream: off the I/O thread.
    Offload(*pool, std::move(reply), [platforms, query = std::move(*query)](Reply reply) {
      auto r = platforms->Register(query.identity, query.raw);
      if (!r.ok()) return reply(HttpResponse::Error(r.status()));
      json body{{"status", "Operation successful."},
                {"platform", r->record.id},
                {"certificates", r->has_certificates ? "cached" : "pending"}};
      if (!r->fetch_status.ok()) body["fetchError"] = r->fetch_status.ToString();
      reply(HttpResponse::Json(200, body.dump()));
    });
  };
}

}  // namespace

StatusOr<PckQuery> ParsePckQuery(std::optional<std::string_view> qeid, std::optional<std::string_view> encrypted_ppid,
                                 std::optional<std::string_view> manifest, std::optional<std::string_view> cpusvn,
                                 std::optional<std::string_view> pcesvn, std::optional<std::string_view> pceid,
                                 bool need_raw_tcb) {
  PckQuery q;
  if (!pceid) return InvalidArgumentError("pceid is required");
  RETURN_IF_ERROR(CheckHex("pceid", *pceid, 4, 4));
  q.identity.pce_id = Upper(*pceid);
  if (qeid) {
    RETURN_IF_ERROR(CheckHex("qeid", *qeid, 1, 260));
    q.identity.qe_id = Upper(*qeid);
  }
  if (encrypted_ppid) {
    RETURN_IF_ERROR(CheckHex("encrypted_ppid", *encrypted_ppid, 768, 768));
    if (!cache::IsZeroPpid(*encrypted_ppid)) q.identity.encrypted_ppid = Upper(*encrypted_ppid);
  }
  if (manifest) {
    if (manifest->empty() || manifest->size() > (1u << 20) || manifest->size() % 2 != 0 || !IsHex(*manifest))
      return InvalidArgumentError("platformManifest must be hex (at most 1 MiB)");
    q.identity.platform_manifest = Upper(*manifest);
  }
  if (q.identity.qe_id.empty() && q.identity.encrypted_ppid.empty() && q.identity.platform_manifest.empty())
    return InvalidArgumentError(encrypted_ppid ? "encrypted_ppid is all zeros and no qeid was given"
                                               : "encrypted_ppid (or qeid, or a platform manifest) is required");
  if (need_raw_tcb) {
    if (!cpusvn) return InvalidArgumentError("cpusvn is required");
    if (!pcesvn) return InvalidArgumentError("pcesvn is required");
    RETURN_IF_ERROR(CheckHex("cpusvn", *cpusvn, 32, 32));
    RETURN_IF_ERROR(CheckHex("pcesvn", *pcesvn, 4, 4));
    cache::RawTcb raw;
    raw.cpusvn = *HexDecode(*cpusvn);
    Bytes le = *HexDecode(*pcesvn);  // little endian, as Intel's tools print it
    raw.pcesvn = static_cast<uint16_t>(le[0] | (le[1] << 8));
    q.raw = std::move(raw);
  }
  return q;
}

void AddPckRoutes(Router& router, std::shared_ptr<BlockingPool> pool, std::shared_ptr<cache::PlatformService> platforms,
                  PckApiOptions options) {
  for (int v : {3, 4}) {
    std::string base = "/sgx/certification/v" + std::to_string(v) + "/";
    std::string tag = "sgx_v" + std::to_string(v) + "_";
    for (bool thim : {false, true}) {
      std::string prefix = thim ? "/metadata/THIM" : "";
      std::string name = (thim ? "thim_" : "") + tag;
      auto wrap = [&](Handler h) { return thim ? RequireMetadata(std::move(h)) : std::move(h); };
      for (const char* method : {"GET", "POST"}) {
        router.Add(method, prefix + base + "pckcert", name + "pckcert", wrap(PckCertHandler(platforms, options, thim)));
        router.Add(method, prefix + base + "pckcerts", name + "pckcerts", wrap(PckCertsHandler(platforms, options, Kind::kPckCerts)));
        router.Add(method, prefix + base + "pckcerts/config", name + "pckcerts_config",
                   wrap(PckCertsHandler(platforms, options, Kind::kPckCertsConfig)));
      }
    }
    router.Add("POST", base + "platforms", tag + "platforms", RegistrationHandler(pool, platforms, options));
  }
}

}  // namespace thim::server
