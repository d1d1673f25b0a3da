#include "server/pcs_api.h"

#include "core/bytes.h"

namespace thim::server {

using cache::CollateralKey;
using cache::CollateralKind;
using cache::CollateralParams;
using cache::Tee;

namespace {

bool IContains(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i)
    if (EqualsIgnoreCase(haystack.substr(i, needle.size()), needle)) return true;
  return false;
}

constexpr std::string_view kKnownParams[] = {"fmspc", "update", "tcbEvaluationDataNumber", "ca", "encoding", "platform", "uri"};

Status CheckDuplicates(const HttpRequest& req) {
  for (std::string_view name : kKnownParams)
    if (req.ParamCount(name) > 1) return InvalidArgumentError("parameter " + std::string(name) + " given more than once");
  return OkStatus();
}

CollateralParams ParamsOf(const HttpRequest& req) {
  CollateralParams p;
  p.fmspc = req.Param("fmspc");
  p.update = req.Param("update");
  p.eval_number = req.Param("tcbEvaluationDataNumber");
  p.ca = req.Param("ca");
  p.encoding = req.Param("encoding");
  p.platform = req.Param("platform");
  return p;
}

void Serve(const std::shared_ptr<cache::CollateralService>& service, const CollateralKey& key, Reply reply,
           std::function<HttpResponse(const cache::CachedItem&)> render = nullptr) {
  service->Get(key, [service, reply = std::move(reply), render = std::move(render)](cache::CollateralService::Result r) {
    if (!r.ok()) return reply(RespondWithError(r.status()));
    reply(render ? render(**r) : RespondWithItem(*service, **r));
  });
}

bool HasBaseline(CollateralKind kind) {
  return kind == CollateralKind::kTcbInfo || kind == CollateralKind::kQeIdentity || kind == CollateralKind::kQveIdentity ||
         kind == CollateralKind::kQaeIdentity;
}

// Serves `key` with the baseline headers added.
void ServeLabelled(const std::shared_ptr<cache::CollateralService>& service, const CollateralKey& key, std::string label,
                   Reply reply) {
  Serve(service, key, std::move(reply), [service, label = std::move(label)](const cache::CachedItem& item) {
    HttpResponse r = RespondWithItem(*service, item);
    if (r.status == 200) {
      r.headers.push_back({std::string(kBaselineHeader), label});
      r.headers.push_back({std::string(kEvaluationNumberHeader), std::to_string(item.evaluation_number)});
    }
    return r;
  });
}

// A TCB info or identity request under the baseline policy.
void ServeWithBaseline(const std::shared_ptr<cache::CollateralService>& service, const cache::BaselinePolicy& policy,
                       const HttpRequest& req, CollateralKey key, Reply reply) {
  uint32_t floor = policy.floor;
  if (key.eval_number != 0) {  // explicitly pinned by the client
    if (floor && key.eval_number < floor)
      return reply(RespondWithError(PermissionDeniedError("tcbEvaluationDataNumber " + std::to_string(key.eval_number) +
                                                          " is below this service's floor " + std::to_string(floor))));
    return ServeLabelled(service, key, "eval:" + std::to_string(key.eval_number), std::move(reply));
  }
  if (req.Param("update") && !(policy.standard_means_baseline && key.update == cache::UpdateType::kStandard)) {
    std::string label = key.update == cache::UpdateType::kEarly ? "early" : "standard";
    return ServeLabelled(service, key, label, std::move(reply));
  }
  std::string_view tenant = req.Param("clientid").value_or(req.HeaderValue(kTenantHeader).value_or(""));
  cache::Baseline baseline = policy.For(tenant, key.fmspc);
  std::string label = baseline.ToString();
  if (baseline.kind == cache::Baseline::Kind::kPinned) {
    key.eval_number = std::max(baseline.n, floor);
    return ServeLabelled(service, key, label, std::move(reply));
  }
  key.update = baseline.kind == cache::Baseline::Kind::kEarly ? cache::UpdateType::kEarly : cache::UpdateType::kStandard;
  if (baseline.kind != cache::Baseline::Kind::kLag && floor == 0) return ServeLabelled(service, key, label, std::move(reply));
  // Relative to Intel's current standard number: learn it from the standard document first.
  CollateralKey standard = key;
  standard.update = cache::UpdateType::kStandard;
  service->Get(standard, [service, key, baseline, floor, label, reply = std::move(reply)](cache::CollateralService::Result r) mutable {
    if (!r.ok()) return reply(RespondWithError(r.status()));
    uint32_t current = static_cast<uint32_t>(std::max<int64_t>((*r)->evaluation_number, 0));
    std::optional<uint32_t> n = cache::ResolveNumber(baseline, current, floor);
    if (n && *n != current) key.eval_number = *n;
    ServeLabelled(service, key, label, std::move(reply));
  });
}

Handler CollateralHandler(std::shared_ptr<cache::CollateralService> service, std::shared_ptr<const BaselineRegistry> baselines,
                          CollateralKind kind, Tee tee, int version) {
  return [service, baselines, kind, tee, version](const HttpRequest& req, Reply reply) {
    Status dup = CheckDuplicates(req);
    if (!dup.ok()) return reply(HttpResponse::Error(dup));
    // THIM's form of the PCK CRL request names the CRL by its distribution point.
    if (kind == CollateralKind::kPckCrl && req.Param("uri")) {
      auto key = KeyForCrlUri(*req.Param("uri"));
      if (!key.ok()) return reply(HttpResponse::Error(key.status()));
      return Serve(service, *key, std::move(reply));
    }
    auto key = cache::MakeKey(kind, tee, version, ParamsOf(req));
    if (!key.ok()) return reply(HttpResponse::Error(key.status()));
    if (HasBaseline(kind) && baselines) return ServeWithBaseline(service, *baselines->Get(), req, std::move(*key), std::move(reply));
    Serve(service, *key, std::move(reply));
  };
}

// PCCS's rootcacrl: the root CA CRL as hex text of its DER (PCCS API 3.0).
Handler RootCaCrlHexHandler(std::shared_ptr<cache::CollateralService> service) {
  return [service](const HttpRequest&, Reply reply) {
    CollateralKey key;
    key.kind = CollateralKind::kRootCaCrl;
    Serve(service, key, std::move(reply), [service](const cache::CachedItem& item) {
      HttpResponse r = RespondWithItem(*service, item);
      if (r.status != 200) return r;
      HttpResponse hex = HttpResponse::Text(200, HexEncode(AsBytes(item.response->body)), "application/pkix-crl");
      for (auto& h : r.headers) hex.headers.push_back(h);
      return hex;
    });
  };
}

Handler RootCaCrlHandler(std::shared_ptr<cache::CollateralService> service) {
  return [service](const HttpRequest&, Reply reply) {
    CollateralKey key;
    key.kind = CollateralKind::kRootCaCrl;
    Serve(service, key, std::move(reply));
  };
}

Handler CrlByUriHandler(std::shared_ptr<cache::CollateralService> service) {
  return [service](const HttpRequest& req, Reply reply) {
    if (req.ParamCount("uri") != 1) return reply(HttpResponse::Error(400, "InvalidArgument", "exactly one uri parameter is required"));
    auto key = KeyForCrlUri(*req.Param("uri"));
    if (!key.ok()) return reply(HttpResponse::Error(key.status()));
    Serve(service, *key, std::move(reply));
  };
}

void AddTree(Router& router, std::string_view prefix, bool metadata, const std::shared_ptr<cache::CollateralService>& service,
             const std::shared_ptr<const BaselineRegistry>& baselines) {
  auto add = [&](std::string path, std::string name, Handler h) {
    router.Add("GET", std::string(prefix) + path, (metadata ? "thim_" : "") + name, metadata ? RequireMetadata(std::move(h)) : std::move(h));
  };
  for (int v : {3, 4}) {
    std::string base = "/sgx/certification/v" + std::to_string(v) + "/";
    std::string tag = "sgx_v" + std::to_string(v) + "_";
    add(base + "pckcrl", tag + "pckcrl", CollateralHandler(service, baselines, CollateralKind::kPckCrl, Tee::kSgx, v));
    add(base + "tcb", tag + "tcb", CollateralHandler(service, baselines, CollateralKind::kTcbInfo, Tee::kSgx, v));
    add(base + "qe/identity", tag + "qe_identity", CollateralHandler(service, baselines, CollateralKind::kQeIdentity, Tee::kSgx, v));
    add(base + "qve/identity", tag + "qve_identity", CollateralHandler(service, baselines, CollateralKind::kQveIdentity, Tee::kSgx, v));
    add(base + "qae/identity", tag + "qae_identity", CollateralHandler(service, baselines, CollateralKind::kQaeIdentity, Tee::kSgx, v));
    add(base + "rootcacrl", tag + "rootcacrl", RootCaCrlHexHandler(service));
    add(base + "crl", tag + "crl", CrlByUriHandler(service));
  }
  add("/sgx/certification/v4/tcbevaluationdatanumbers", "sgx_v4_tcbevaluationdatanumbers",
      CollateralHandler(service, baselines, CollateralKind::kTcbEvalNumbers, Tee::kSgx, 4));
  add("/sgx/certification/v4/fmspcs", "sgx_v4_fmspcs", CollateralHandler(service, baselines, CollateralKind::kFmspcs, Tee::kSgx, 4));
  add("/tdx/certification/v4/tcb", "tdx_v4_tcb", CollateralHandler(service, baselines, CollateralKind::kTcbInfo, Tee::kTdx, 4));
  add("/tdx/certification/v4/qe/identity", "tdx_v4_qe_identity", CollateralHandler(service, baselines, CollateralKind::kQeIdentity, Tee::kTdx, 4));
  add("/tdx/certification/v4/tcbevaluationdatanumbers", "tdx_v4_tcbevaluationdatanumbers",
      CollateralHandler(service, baselines, CollateralKind::kTcbEvalNumbers, Tee::kTdx, 4));
}

}  // namespace

Handler RequireMetadata(Handler inner) {
  return [inner = std::move(inner)](const HttpRequest& req, Reply reply) {
    auto v = req.HeaderValue("Metadata");
    if (!v || !EqualsIgnoreCase(*v, "true"))
      return reply(HttpResponse::Error(400, "InvalidArgument", "the Metadata: true header is required"));
    inner(req, std::move(reply));
  };
}

StatusOr<CollateralKey> KeyForCrlUri(std::string_view uri) {
  auto decoded = PercentDecodeFully(uri);
  if (!decoded.ok()) return InvalidArgumentError("uri is not percent-encoded correctly");
  std::string_view u = *decoded;
  CollateralKey key;
  // Intel's root CA CRL (and Azure's legacy spelling of it); thim-sim's root
  // names it under api.trustedservices.intel.com.
  if (IContains(u, "certificates.trustedservices.intel.com/intelsgxrootca.") ||
      IContains(u, "api.trustedservices.intel.com/intelsgxrootca.")) {
    key.kind = CollateralKind::kRootCaCrl;
    return key;
  }
  if (IContains(u, "certificates.trustedservices.intel.com/intelsgxpckprocessor.crl")) {
    return cache::MakeKey(CollateralKind::kPckCrl, Tee::kSgx, 4, {.ca = "processor", .encoding = "der"});
  }
  // A PCS pckcrl URL: https://api.trustedservices.intel.com/sgx/certification/v3|v4/pckcrl?ca=…[&encoding=…]
  size_t pos = std::string_view::npos;
  for (std::string_view marker : {"/sgx/certification/v4/pckcrl?", "/sgx/certification/v3/pckcrl?"}) {
    for (size_t i = 0; i + marker.size() <= u.size(); ++i)
      if (EqualsIgnoreCase(u.substr(i, marker.size()), marker)) {
        pos = i + marker.size();
        break;
      }
    if (pos != std::string_view::npos) break;
  }
  if (pos == std::string_view::npos)
    return InvalidArgumentError("uri is not an Intel CRL distribution point: \"" + std::string(u.substr(0, 200)) + "\"");
  std::string ca, encoding = "der";  // CDP fetches get DER unless the URL asks for PEM
  std::string_view query = u.substr(pos);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (EqualsIgnoreCase(name, "ca")) ca = std::string(value);
    if (EqualsIgnoreCase(name, "encoding")) encoding = std::string(value);
  }
  return cache::MakeKey(CollateralKind::kPckCrl, Tee::kSgx, 4, {.ca = ca, .encoding = encoding});
}

HttpResponse RespondWithItem(const cache::CollateralService& service, const cache::CachedItem& item) {
  cache::ServeDecision d = service.Decide(item);
  if (!d.serve)
    return RespondWithError(UnavailableError(item.key.Describe() + " expired and could not be refreshed within the grace window"));
  HttpResponse r = HttpResponse::FromPrepared(item.response);
  r.headers.reserve(2);
  r.headers.push_back({"Cache-Control", "max-age=" + std::to_string(d.max_age.count())});
  if (d.stale) r.headers.push_back({"Warning", d.warning});
  return r;
}

HttpResponse RespondWithError(const Status& status) {
  const std::string& message = status.message();
  HttpResponse r = HttpResponse::Error(status);
  if (status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kResourceExhausted)
    r.headers.push_back({"Retry-After", std::to_string(status.retry_after_seconds().value_or(30))});
  if (status.code() == StatusCode::kOutOfRange)
    r.headers.push_back({"Warning", "299 thimd \"" + message.substr(0, 200) + "\""});
  return r;
}

void AddPcsRoutes(Router& router, std::shared_ptr<cache::CollateralService> service,
                  std::shared_ptr<const BaselineRegistry> baselines) {
  AddTree(router, "", false, service, baselines);
  AddTree(router, "/metadata/THIM", true, service, baselines);
  router.Add("GET", "/IntelSGXRootCA.der", "root_ca_crl", RootCaCrlHandler(service));
  router.Add("GET", "/IntelSGXRootCA.crl", "root_ca_crl", RootCaCrlHandler(service));
}

}  // namespace thim::server
