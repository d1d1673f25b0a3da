#include "sim/kds_simulator.h"

#include <nlohmann/json.hpp>

#include "sim/snp_report_generator.h"

namespace thim::sim {

using server::HttpRequest;
using server::HttpResponse;
using server::Reply;

KdsSimulator::KdsSimulator(std::shared_ptr<AmdPki> pki, KdsSimOptions options)
    : pki_(std::move(pki)), options_(options) {}

KdsSimStats KdsSimulator::Stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void KdsSimulator::SetThrottle(std::chrono::milliseconds interval) {
  std::lock_guard lock(mu_);
  options_.vcek_interval = interval;
}

void KdsSimulator::SetOutage(bool on) {
  std::lock_guard lock(mu_);
  outage_ = on;
}

void KdsSimulator::HandleKds(amd::KeyKind kind, const HttpRequest& req, Reply reply) {
  {
    std::lock_guard lock(mu_);
    if (outage_) return reply(HttpResponse::Text(500, "KDS outage (simulated)"));
  }
  std::string_view rest = std::string_view(req.path).substr(9);  // after "/vcek/v1/"
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return reply(HttpResponse::Text(404, "Not Found"));
  std::string product_text(rest.substr(0, slash));
  std::string tail(rest.substr(slash + 1));
  if (product_text != "Milan" && product_text != "Genoa" && product_text != "Turin") {
    return reply(HttpResponse::Text(404, "Not Found"));  // KDS: Siena/Bergamo 404 too
  }
  amd::Product product = *amd::ParseProduct(product_text);
  const AmdProductPki& pp = pki_->product(product);
  if (tail == "cert_chain") {
    std::lock_guard lock(mu_);
    ++stats_.chain_requests;
    return reply(HttpResponse::Text(200, kind == amd::KeyKind::kVcek ? pp.vcek_chain_pem : pp.vlek_chain_pem,
                                    "application/x-pem-file"));
  }
  if (tail == "crl") {
    std::lock_guard lock(mu_);
    ++stats_.crl_requests;
    const Bytes der = pki_->Crl(product, kind).der();
    return reply(HttpResponse::Text(200, std::string(der.begin(), der.end()), "application/pkix-crl"));
  }
  if (kind == amd::KeyKind::kVlek) return reply(HttpResponse::Text(404, "Not Found"));
  std::map<std::string, std::string> query(req.query.begin(), req.query.end());
  auto request = amd::ParseVcekRequest(product_text, tail, query);
  if (!request.ok()) return reply(HttpResponse::Text(400, request.status().message()));
  {
    // AMD's throttle: one VCEK per interval per client.
    std::lock_guard lock(mu_);
    ++stats_.vcek_requests;
    auto now = std::chrono::steady_clock::now();
    auto it = last_vcek_.find(req.peer);
    if (it != last_vcek_.end() && options_.vcek_interval.count() > 0) {
      auto since = now - it->second;
      if (since < options_.vcek_interval) {
        ++stats_.throttled;
        auto wait = std::chrono::duration_cast<std::chrono::seconds>(options_.vcek_interval - since).count() + 1;
        HttpResponse r = HttpResponse::Text(429, "Too Many Requests");
        r.headers.push_back({"Retry-After", std::to_string(wait)});
        return reply(std::move(r));
      }
      int64_t gap = std::chrono::duration_cast<std::chrono::milliseconds>(since).count();
      if (stats_.min_gap_ms < 0 || gap < stats_.min_gap_ms) stats_.min_gap_ms = gap;
    }
    last_vcek_[req.peer] = now;
    ++stats_.vcek_served;
  }
  auto vcek = pki_->Vcek(product, request->hw_id, request->tcb);
  if (!vcek.ok()) return reply(HttpResponse::Text(500, vcek.status().message()));
  const Bytes& der = vcek->cert.der();
  reply(HttpResponse::Text(200, std::string(der.begin(), der.end()), "application/pkix-cert"));
}

void KdsSimulator::AddRoutes(server::Router& router) {
  router.AddPrefix("GET", "/vcek/v1/", "kds_vcek",
                   [this](const HttpRequest& req, Reply reply) { HandleKds(amd::KeyKind::kVcek, req, std::move(reply)); });
  router.AddPrefix("GET", "/vlek/v1/", "kds_vlek",
                   [this](const HttpRequest& req, Reply reply) { HandleKds(amd::KeyKind::kVlek, req, std::move(reply)); });
  router.Add("POST", "/_sim/kds/throttle", "sim_kds_throttle", [this](const HttpRequest& req, Reply reply) {
    auto v = req.Param("interval_ms");
    if (!v) return reply(HttpResponse::Text(400, "interval_ms is required"));
    SetThrottle(std::chrono::milliseconds(std::atoll(std::string(*v).c_str())));
    reply(HttpResponse::Text(200, "ok"));
  });
  router.Add("POST", "/_sim/kds/outage", "sim_kds_outage", [this](const HttpRequest& req, Reply reply) {
    SetOutage(req.Param("on").value_or("1") == "1");
    reply(HttpResponse::Text(200, "ok"));
  });
  // A new CRL: ?product=Milan&kind=vcek|vlek&this_update=<RFC 3339>&next_update=<RFC 3339>
  router.Add("POST", "/_sim/kds/crl", "sim_kds_crl", [this](const HttpRequest& req, Reply reply) {
    auto product = amd::ParseProduct(req.Param("product").value_or("Milan"));
    std::string kind(req.Param("kind").value_or("vcek"));
    auto this_update = ParseRfc3339(req.Param("this_update").value_or(""));
    auto next_update = ParseRfc3339(req.Param("next_update").value_or(""));
    if (!product.ok() || (kind != "vcek" && kind != "vlek") || !this_update.ok() || !next_update.ok()) {
      return reply(HttpResponse::Text(400, "expected product, kind vcek|vlek, this_update and next_update (RFC 3339)"));
    }
    auto crl = pki_->ReissueCrl(*product, kind == "vcek" ? amd::KeyKind::kVcek : amd::KeyKind::kVlek, *this_update, *next_update);
    if (!crl.ok()) return reply(HttpResponse::Text(500, crl.status().message()));
    reply(HttpResponse::Text(200, "ok"));
  });
  // A signed report from this simulator's PKI (so thimd can verify it):
  // ?product=Milan|Genoa|Turin&version=2|3|5&chip=N&tcbm=HEX16[&vlek=CSP]
  router.Add("GET", "/_sim/kds/report", "sim_kds_report", [this](const HttpRequest& req, Reply reply) {
    sim::SnpReportSpec spec;
    auto product = amd::ParseProduct(req.Param("product").value_or("Milan"));
    if (!product.ok()) return reply(HttpResponse::Text(400, product.status().message()));
    spec.product = *product;
    std::string version(req.Param("version").value_or("3"));
    std::string chip(req.Param("chip").value_or("0"));
    std::string tcbm(req.Param("tcbm").value_or("7308000000000003"));
    if (!IsHex(tcbm, 16) || (version != "2" && version != "3" && version != "5") || chip.empty() || chip.size() > 6 ||
        chip.find_first_not_of("0123456789") != std::string::npos) {
      return reply(HttpResponse::Text(400, "expected version 2|3|5, chip a number, tcbm 16 hex digits"));
    }
    spec.version = static_cast<uint32_t>(std::stoul(version));
    spec.chip_id = SimChipId(spec.product, static_cast<uint32_t>(std::stoul(chip)));
    spec.reported_tcb = amd::DecodeTcb(spec.product, std::stoull(tcbm, nullptr, 16));
    spec.vlek_csp = std::string(req.Param("vlek").value_or(""));
    auto report = GenerateSnpReport(*pki_, spec);
    if (!report.ok()) return reply(HttpResponse::Text(500, report.status().message()));
    reply(HttpResponse::Text(200, std::string(report->begin(), report->end()), "application/octet-stream"));
  });
  router.Add("GET", "/_sim/kds/stats", "sim_kds_stats", [this](const HttpRequest&, Reply reply) {
    KdsSimStats s = Stats();
    nlohmann::json j = {{"vcek_requests", s.vcek_requests}, {"vcek_served", s.vcek_served}, {"throttled", s.throttled},
                        {"chain_requests", s.chain_requests}, {"crl_requests", s.crl_requests}, {"min_gap_ms", s.min_gap_ms}};
    reply(HttpResponse::Json(200, j.dump()));
  });
}

}  // namespace thim::sim
