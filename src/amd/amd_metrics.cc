#include "amd/amd_metrics.h"

namespace thim::amd {

namespace {

using Samples = std::vector<std::pair<Labels, double>>;

// One unlabelled sample from `service`'s stats, none when it is gone.
template <typename Source, typename Read>
std::function<Samples()> One(std::weak_ptr<Source> source, Read read) {
  return [source, read]() -> Samples {
    auto s = source.lock();
    if (!s) return {};
    return {{{}, static_cast<double>(read(*s))}};
  };
}

// One sample per held CRL, labelled by product and kind.
std::function<Samples()> PerCrl(std::weak_ptr<AmdService> service, std::function<double(const CrlEntry&)> value) {
  return [service, value]() -> Samples {
    Samples out;
    if (auto s = service.lock())
      for (const auto& crl : s->ListCrls())
        out.push_back({{{"product", std::string(ProductName(crl->product))}, {"kind", std::string(KeyKindPath(crl->kind))}},
                       value(*crl)});
    return out;
  };
}

}  // namespace

void RegisterAmdMetrics(MetricsRegistry& registry, std::weak_ptr<AmdService> service, std::weak_ptr<const KdsClient> kds,
                        std::weak_ptr<const AmdRefresher> refresher, const Clock& clock) {
  registry.AddCounterFunc("thim_amd_kds_requests_total", "Requests thimd sent to AMD KDS (after its own retries, one per call)",
                          One(service, [](AmdService& s) { return s.Stats().kds_calls; }));
  registry.AddCounterFunc("thim_amd_kds_failures_total", "KDS requests that failed (any cause)",
                          One(service, [](AmdService& s) { return s.Stats().kds_failures; }));
  registry.AddCounterFunc("thim_amd_kds_throttled_total", "KDS requests that ended throttled (429 after the retries)",
                          One(service, [](AmdService& s) { return s.Stats().kds_throttled; }));
  registry.AddCounterFunc("thim_amd_kds_429_total", "Every 429 KDS answered, retried ones included",
                          One(kds, [](const KdsClient& k) { return k.Stats().upstream_429; }));
  registry.AddCounterFunc("thim_amd_vcek_memory_hits_total", "VCEK lookups answered from memory",
                          One(service, [](AmdService& s) { return s.Stats().vcek_hits; }));
  registry.AddCounterFunc("thim_amd_single_flight_waits_total", "Lookups that joined a KDS fetch already in flight",
                          One(service, [](AmdService& s) { return s.Stats().vcek_waits; }));
  registry.AddGauge("thim_amd_vceks_in_memory", "VCEKs held in memory (the store may hold more)",
                    One(service, [](AmdService& s) { return s.Stats().vceks_in_memory; }));
  registry.AddGauge("thim_amd_crl_seconds_until_next_update", "Seconds until the held CRL's nextUpdate (negative: past it)",
                    PerCrl(service, [&clock](const CrlEntry& crl) {
                      return static_cast<double>((crl.next_update - clock.Now()).count());
                    }));
  registry.AddGauge("thim_amd_crl_stale", "1 when the held CRL is past its nextUpdate (served within the stale grace)",
                    PerCrl(service, [&clock](const CrlEntry& crl) { return clock.Now() > crl.next_update ? 1.0 : 0.0; }));
  registry.AddCounterFunc("thim_amd_refresh_total", "Background refreshes of AMD CRLs and chains by outcome",
                          [refresher]() -> Samples {
                            auto r = refresher.lock();
                            if (!r) return {};
                            AmdRefreshStats st = r->Stats();
                            auto sample = [](const char* item, const char* outcome, uint64_t v) {
                              return std::pair<Labels, double>{{{"item", item}, {"outcome", outcome}}, static_cast<double>(v)};
                            };
                            return {sample("crl", "updated", st.crl_updated), sample("crl", "unchanged", st.crl_unchanged),
                                    sample("crl", "failed", st.crl_failed), sample("chain", "updated", st.chain_updated),
                                    sample("chain", "unchanged", st.chain_unchanged), sample("chain", "failed", st.chain_failed)};
                          });
}

}  // namespace thim::amd
