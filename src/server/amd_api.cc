#include "server/amd_api.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "amd/kds_paths.h"
#include "server/pcs_api.h"

namespace thim::server {
namespace {

using amd::KeyKind;
using amd::Product;

// A fixed pool for lookups that may wait on KDS. One per process, never
// destroyed: a job may hold the last reference to the routes' state, so the
// pool must not be owned by it (it would join itself).
class Workers {
 public:
  explicit Workers(int n) {
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Run(); });
  }
  static Workers& Shared(int n) {
    static Workers* pool = new Workers(n);
    return *pool;
  }
  void Post(std::function<void()> job) {
    {
      std::lock_guard lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

 private:
  void Run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !jobs_.empty(); });
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
};

struct Ctx {
  std::shared_ptr<amd::AmdService> service;
  AmdApiOptions options;
  Workers* workers = nullptr;
};

HttpResponse Body(std::string body, std::string content_type, int max_age) {
  HttpResponse r = HttpResponse::Text(200, std::move(body), std::move(content_type));
  r.headers.push_back({"Cache-Control", "max-age=" + std::to_string(max_age)});
  return r;
}

std::vector<std::string> Split(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t slash = s.find('/', pos);
    if (slash == std::string_view::npos) slash = s.size();
    out.emplace_back(s.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

// Hex of a uint64, any case, no more than 16 digits (CCF and Azure drop leading zeros).
StatusOr<uint64_t> ParseTcbHex(std::string_view text) {
  if (text.empty() || text.size() > 16) return InvalidArgumentError("a TCB is 1 to 16 hex digits");
  uint64_t v = 0;
  for (char ch : text) {
    int d = std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0'
            : (ch >= 'a' && ch <= 'f')                    ? ch - 'a' + 10
            : (ch >= 'A' && ch <= 'F')                    ? ch - 'A' + 10
                                                          : -1;
    if (d < 0) return InvalidArgumentError("a TCB is hex digits");
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}

// A chip ID as clients send it: 128 hex digits (Turin: 16, or 128 ending in zeros).
StatusOr<Bytes> ParseChipId(std::string_view text, Product product) {
  if (!IsHex(text, 128) && !IsHex(text, 16)) return InvalidArgumentError("a chip ID is 128 hex digits (Turin: 16)");
  Bytes chip = *HexDecode(text);
  size_t want = amd::HwIdLength(product);
  if (chip.size() < want) return InvalidArgumentError("a " + std::string(amd::ProductName(product)) + " chip ID is 128 hex digits");
  for (size_t i = want; i < chip.size(); ++i)
    if (chip[i] != 0) return InvalidArgumentError("a Turin chip ID uses only its first 8 bytes");
  chip.resize(want);
  return chip;
}

// Looks the VCEK and chain up (hit: now; miss: on a worker) and replies with `render`.
void WithVcek(const std::shared_ptr<Ctx>& ctx, Product product, Bytes hw, uint64_t tcb, Reply reply,
              std::function<HttpResponse(const amd::VcekEntry&, const amd::ChainEntry&)> render) {
  auto vcek = ctx->service->PeekVcek(product, hw, tcb);
  auto chain = ctx->service->PeekChain(product, KeyKind::kVcek);
  if (vcek && chain) return reply(render(*vcek, *chain));
  ctx->workers->Post([ctx, product, hw = std::move(hw), tcb, reply = std::move(reply), render = std::move(render)] {
    auto chain = ctx->service->Chain(product, KeyKind::kVcek);
    if (!chain.ok()) return reply(RespondWithError(chain.status()));
    auto vcek = ctx->service->Vcek(product, hw, tcb);
    if (!vcek.ok()) return reply(RespondWithError(vcek.status()));
    reply(render(**vcek, **chain));
  });
}

void HandleThim(const std::shared_ptr<Ctx>& ctx, const HttpRequest& req, Reply reply) {
  auto v = req.HeaderValue("Metadata");
  if (!v || !EqualsIgnoreCase(*v, "true")) {
    return reply(HttpResponse::Error(400, "InvalidArgument", "the Metadata: true header is required"));
  }
  std::optional<Product> product;
  if (auto p = req.Param("product")) {
    auto parsed = amd::ParseProduct(*p);
    if (!parsed.ok()) return reply(HttpResponse::Error(parsed.status()));
    product = *parsed;
  } else if (ctx->options.node) {
    product = ctx->options.node->product;
  }
  auto platform = req.Param("platformId");
  auto tcb_text = req.Param("tcbVersion");
  Bytes hw;
  uint64_t tcb = 0;
  if (platform || tcb_text) {
    // CCF's form: another chip (and TCB) than this node's.
    if (!platform || !tcb_text) {
      return reply(HttpResponse::Error(400, "InvalidArgument", "platformId and tcbVersion go together"));
    }
    if (!product) return reply(HttpResponse::Error(400, "InvalidArgument", "no product: configure amd.node or pass product="));
    auto chip = ParseChipId(*platform, *product);
    if (!chip.ok()) return reply(HttpResponse::Error(chip.status()));
    auto t = ParseTcbHex(*tcb_text);
    if (!t.ok()) return reply(HttpResponse::Error(t.status()));
    hw = *chip;
    tcb = *t;
  } else {
    if (!ctx->options.node) {
      return reply(HttpResponse::Error(404, "NotFound", "this thimd has no node identity (amd.node): pass platformId and tcbVersion"));
    }
    hw = Bytes(ctx->options.node->chip_id.begin(), ctx->options.node->chip_id.begin() + amd::HwIdLength(*product));
    tcb = ctx->options.node->reported_tcb;
  }
  int max_age = ctx->options.cache_control_seconds;
  WithVcek(ctx, *product, std::move(hw), tcb, std::move(reply), [max_age](const auto& vcek, const auto& chain) {
    return Body(ThimAmdJson(vcek, chain, max_age), "application/json; charset=utf-8", max_age);
  });
}

// /vcek/v1/{product}/… and /vlek/v1/{product}/…
void HandleKds(const std::shared_ptr<Ctx>& ctx, KeyKind kind, const HttpRequest& req, Reply reply) {
  std::string_view rest = std::string_view(req.path).substr(std::string_view("/vcek/v1/").size());  // same length for vlek
  std::vector<std::string> parts = Split(rest);
  if (parts.size() != 2) return reply(HttpResponse::Error(404, "NotFound", "no such KDS path"));
  if (parts[0] != "Milan" && parts[0] != "Genoa" && parts[0] != "Turin") {
    return reply(HttpResponse::Error(404, "NotFound", "unknown product \"" + parts[0] + "\" (Milan, Genoa or Turin)"));
  }
  Product product = *amd::ParseProduct(parts[0]);
  int max_age = ctx->options.cache_control_seconds;
  if (parts[1] == "cert_chain" || parts[1] == "crl") {
    bool crl = parts[1] == "crl";
    ctx->workers->Post([ctx, product, kind, crl, max_age, reply = std::move(reply)] {
      if (crl) {
        auto c = ctx->service->Crl(product, kind);
        if (!c.ok()) return reply(RespondWithError(c.status()));
        HttpResponse r = Body((*c)->der, "application/pkix-crl", max_age);
        if ((*c)->stale) r.headers.push_back({"Warning", "110 thimd \"Response is Stale\""});
        return reply(std::move(r));
      }
      auto c = ctx->service->Chain(product, kind);
      if (!c.ok()) return reply(RespondWithError(c.status()));
      reply(Body((*c)->pem, "application/x-pem-file", max_age));
    });
    return;
  }
  if (kind == KeyKind::kVlek) return reply(HttpResponse::Error(404, "NotFound", "VLEKs are not distributed by KDS"));
  std::map<std::string, std::string> query;
  for (const auto& [k, v] : req.query) {
    if (query.count(k)) return reply(HttpResponse::Error(400, "InvalidArgument", "duplicate query parameter " + k));
    query[k] = v;
  }
  auto request = amd::ParseVcekRequest(parts[0], parts[1], query);
  if (!request.ok()) return reply(HttpResponse::Error(request.status()));
  uint64_t tcb = amd::EncodeTcb(product, request->tcb);
  WithVcek(ctx, product, request->hw_id, tcb, std::move(reply), [max_age](const auto& vcek, const auto&) {
    return Body(vcek.der, "application/pkix-cert", max_age);
  });
}

// /SevSnpVM/certificates/{chipId}/{tcbHex}: the product is not in the path;
// the node's product, or each product whose hwID fits, in turn.
void HandleAzureGlobal(const std::shared_ptr<Ctx>& ctx, const HttpRequest& req, Reply reply) {
  std::vector<std::string> parts = Split(std::string_view(req.path).substr(std::string_view("/SevSnpVM/certificates/").size()));
  auto empty404 = [] { return HttpResponse::Text(404, "", "text/plain"); };
  if (parts.size() != 2) return reply(empty404());
  auto tcb = ParseTcbHex(parts[1]);
  if (!tcb.ok()) return reply(HttpResponse::Error(tcb.status()));
  std::vector<Product> candidates;
  if (auto p = req.Param("product"); p && amd::ParseProduct(*p).ok()) {
    candidates.push_back(*amd::ParseProduct(*p));
  } else if (ctx->options.node) {
    candidates.push_back(ctx->options.node->product);
  } else {
    candidates = {Product::kMilan, Product::kGenoa, Product::kTurin};
  }
  std::string chip_text = parts[0];
  ctx->workers->Post([ctx, candidates, chip_text, tcb = *tcb, reply = std::move(reply), empty404] {
    Status last = NotFoundError("unknown chip or TCB");
    for (Product product : candidates) {
      auto hw = ParseChipId(chip_text, product);
      if (!hw.ok()) continue;
      auto vcek = ctx->service->Vcek(product, *hw, tcb);
      if (vcek.ok()) {
        auto chain = ctx->service->Chain(product, KeyKind::kVcek);
        if (!chain.ok()) return reply(RespondWithError(chain.status()));
        return reply(Body((*vcek)->pem + (*chain)->pem, "application/x-pem-file", ctx->options.cache_control_seconds));
      }
      last = vcek.status();
      if (last.code() != StatusCode::kNotFound && last.code() != StatusCode::kInvalidArgument &&
          last.code() != StatusCode::kDataLoss) {
        return reply(RespondWithError(last));
      }
    }
    reply(empty404());  // as Azure: unknown chip or TCB → 404, empty body
  });
}

nlohmann::ordered_json Describe(const amd::VcekEntry& e) {
  return {{"product", std::string(amd::ProductName(e.product))}, {"chip_id", HexEncode(e.hw_id)},
          {"tcbm", amd::FormatTcbm(e.tcb)}, {"not_after", FormatRfc3339(e.not_after)},
          {"fetched_at", FormatRfc3339(e.fetched_at)}};
}

}  // namespace

std::string ThimAmdJson(const amd::VcekEntry& vcek, const amd::ChainEntry& chain, int cache_control_seconds) {
  nlohmann::ordered_json j;
  j["vcekCert"] = vcek.pem;
  j["tcbm"] = amd::FormatTcbm(vcek.tcb);
  j["certificateChain"] = chain.pem;
  j["cacheControl"] = std::to_string(cache_control_seconds);
  return j.dump();
}

void AddAmdRoutes(Router& router, std::shared_ptr<amd::AmdService> service, AmdApiOptions options,
                  const AdminTokens& tokens) {
  auto ctx = std::make_shared<Ctx>();
  ctx->service = std::move(service);
  ctx->workers = &Workers::Shared(std::max(1, options.worker_threads));
  ctx->options = std::move(options);
  router.Add("GET", "/metadata/THIM/amd/certification", "thim_amd_certification",
             [ctx](const HttpRequest& req, Reply reply) { HandleThim(ctx, req, std::move(reply)); });
  router.AddPrefix("GET", "/vcek/v1/", "kds_vcek",
                   [ctx](const HttpRequest& req, Reply reply) { HandleKds(ctx, KeyKind::kVcek, req, std::move(reply)); });
  router.AddPrefix("GET", "/vlek/v1/", "kds_vlek",
                   [ctx](const HttpRequest& req, Reply reply) { HandleKds(ctx, KeyKind::kVlek, req, std::move(reply)); });
  router.AddPrefix("GET", "/SevSnpVM/certificates/", "azure_sevsnpvm",
                   [ctx](const HttpRequest& req, Reply reply) { HandleAzureGlobal(ctx, req, std::move(reply)); });
  router.Add("GET", "/admin/amd/vceks", "admin_amd_vceks",
             RequireAdmin(tokens, "amd_list", [ctx](const HttpRequest& req, Reply reply) {
               bool with_pem = req.Param("pem").has_value();
               ctx->workers->Post([ctx, with_pem, reply = std::move(reply)] {
                 nlohmann::ordered_json list = nlohmann::ordered_json::array();
                 for (const auto& e : ctx->service->ListVceks()) {
                   auto j = Describe(*e);
                   if (with_pem) j["vcekCert"] = e->pem;
                   list.push_back(j);
                 }
                 reply(HttpResponse::Json(200, nlohmann::ordered_json{{"vceks", list}}.dump()));
               });
             }));
  // {"product","chip_id","tcbm"} pre-loads from KDS; {"vcekCert": PEM} imports one.
  router.Add("POST", "/admin/amd/vceks", "admin_amd_preload",
             RequireAdmin(tokens, "amd_preload", [ctx](const HttpRequest& req, Reply reply) {
               auto j = nlohmann::json::parse(req.body, nullptr, false);
               if (!j.is_object()) return reply(HttpResponse::Error(400, "InvalidArgument", "expected a JSON object"));
               ctx->workers->Post([ctx, j, reply = std::move(reply)] {
                 StatusOr<std::shared_ptr<const amd::VcekEntry>> e = InvalidArgumentError("");
                 if (j.contains("vcekCert") && j["vcekCert"].is_string()) {
                   auto certs = crypto::ParseCertificateList(j["vcekCert"].get<std::string>());
                   if (!certs.ok()) return reply(HttpResponse::Error(certs.status()));
                   e = ctx->service->ImportVcek(certs->front().der());
                 } else {
                   std::string p = j.value("product", ""), chip = j.value("chip_id", ""), tcbm = j.value("tcbm", "");
                   auto product = amd::ParseProduct(p);
                   if (!product.ok()) return reply(HttpResponse::Error(product.status()));
                   auto hw = ParseChipId(chip, *product);
                   if (!hw.ok()) return reply(HttpResponse::Error(hw.status()));
                   auto tcb = ParseTcbHex(tcbm);
                   if (!tcb.ok()) return reply(HttpResponse::Error(tcb.status()));
                   e = ctx->service->Vcek(*product, *hw, *tcb);
                 }
                 if (!e.ok()) return reply(RespondWithError(e.status()));
                 reply(HttpResponse::Json(200, Describe(**e).dump()));
               });
             }));
}

}  // namespace thim::server
