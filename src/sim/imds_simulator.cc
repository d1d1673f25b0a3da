#include "sim/imds_simulator.h"

#include <nlohmann/json.hpp>

namespace thim::sim {

using server::HttpRequest;
using server::HttpResponse;
using server::Reply;

void ImdsSimulator::SetLocation(std::string location) {
  std::lock_guard lock(mu_);
  location_ = std::move(location);
}

void ImdsSimulator::SetOutage(bool on) {
  std::lock_guard lock(mu_);
  outage_ = on;
}

uint64_t ImdsSimulator::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void ImdsSimulator::AddRoutes(server::Router& router) {
  router.Add("GET", "/metadata/instance", "imds_instance", [this](const HttpRequest& req, Reply reply) {
    std::string location;
    {
      std::lock_guard lock(mu_);
      ++requests_;
      if (outage_) return reply(HttpResponse::Text(500, "IMDS outage (simulated)"));
      location = location_;
    }
    if (req.HeaderValue("Metadata").value_or("") != "true") {
      return reply(HttpResponse::Json(400, R"({"error":"Bad request. Required metadata header not specified"})"));
    }
    if (!req.Param("api-version")) {
      return reply(HttpResponse::Json(400, R"({"error":"Bad request. api-version was not specified in the request"})"));
    }
    nlohmann::json j = {{"compute",
                         {{"azEnvironment", "AzurePublicCloud"},
                          {"location", location},
                          {"name", "thim-sim-vm"},
                          {"vmSize", "Standard_DC2es_v5"}}}};
    reply(HttpResponse::Json(200, j.dump()));
  });
  router.Add("POST", "/_sim/imds/location", "sim_imds_location", [this](const HttpRequest& req, Reply reply) {
    auto v = req.Param("value");
    if (!v) return reply(HttpResponse::Text(400, "value is required"));
    SetLocation(std::string(*v));
    reply(HttpResponse::Text(200, "ok"));
  });
  router.Add("POST", "/_sim/imds/outage", "sim_imds_outage", [this](const HttpRequest& req, Reply reply) {
    SetOutage(req.Param("on").value_or("1") == "1");
    reply(HttpResponse::Text(200, "ok"));
  });
  router.Add("GET", "/_sim/imds/stats", "sim_imds_stats", [this](const HttpRequest&, Reply reply) {
    reply(HttpResponse::Json(200, nlohmann::json{{"requests", Requests()}}.dump()));
  });
}

}  // namespace thim::sim
