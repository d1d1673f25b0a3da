#include "server/health_api.h"

namespace thim::server {

void AddHealthRoutes(Router& router, std::function<Status()> ready, MetricsRegistry* metrics) {
  router.Add("GET", "/healthz", "healthz", [](const HttpRequest&, Reply reply) {
    reply(HttpResponse::Json(200, R"({"status":"ok"})"));
  });
  router.Add("GET", "/readyz", "readyz", [ready = std::move(ready)](const HttpRequest&, Reply reply) {
    Status st = ready();
    if (st.ok()) return reply(HttpResponse::Json(200, R"({"status":"ready"})"));
    reply(HttpResponse::Error(503, "Unavailable", "not ready: " + st.message()));
  });
  router.Add("GET", "/metrics", "metrics", [metrics](const HttpRequest&, Reply reply) {
    reply(HttpResponse::Text(200, metrics ? metrics->Render() : "", "text/plain; version=0.0.4"));
  });
}

}  // namespace thim::server
