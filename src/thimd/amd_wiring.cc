#include "thimd/amd_wiring.h"

#include <string>

#include "amd/snp_report.h"

namespace thim::thimd {

StatusOr<std::optional<server::AmdNodeIdentity>> NodeIdentityFrom(const AmdNodeConfig& node) {
  if (!node.report_file.empty()) {
    ASSIGN_OR_RETURN(Bytes data, ReadFileBytes(node.report_file, 1 << 20));
    auto report = amd::ParseSnpReportOrHcl(data);
    if (!report.ok()) return report.status().WithContext("amd.node.report_file " + node.report_file);
    std::optional<amd::Product> product = amd::ReportProduct(*report);
    if (!node.product.empty()) product = *amd::ParseProduct(node.product);
    if (!product) {
      return InvalidArgumentError("amd.node.report_file: a v2 report does not name its product; set amd.node.product too");
    }
    if (report->chip_id_masked()) return InvalidArgumentError("amd.node.report_file: CHIP_ID is masked (MASK_CHIP_ID)");
    server::AmdNodeIdentity id{.product = *product, .chip_id = Bytes(report->chip_id.begin(), report->chip_id.end()),
                               .reported_tcb = report->reported_tcb};
    return std::optional<server::AmdNodeIdentity>(id);
  }
  if (node.chip_id.empty()) return std::optional<server::AmdNodeIdentity>();
  ASSIGN_OR_RETURN(amd::Product product, amd::ParseProduct(node.product));
  Bytes chip = *HexDecode(node.chip_id);
  chip.resize(64, 0);
  uint64_t tcb = std::stoull(node.reported_tcb, nullptr, 16);  // validated: 16 hex digits
  return std::optional<server::AmdNodeIdentity>(server::AmdNodeIdentity{.product = product, .chip_id = chip, .reported_tcb = tcb});
}

amd::AmdRefreshOptions RefreshOptionsFrom(const AmdConfig& c) {
  auto hours = [](double h) { return std::chrono::seconds(static_cast<int64_t>(h * 3600)); };
  amd::AmdRefreshOptions o;
  o.crl_refresh_before = hours(c.crl_refresh_before_hours);
  o.chain_refresh_interval = hours(c.chain_refresh_hours);
  o.check_interval = std::chrono::seconds(c.refresh_check_seconds);
  o.retry_min = std::chrono::seconds(c.refresh_retry_min_seconds);
  o.retry_max = std::chrono::seconds(c.refresh_retry_max_seconds);
  return o;
}

StatusOr<AmdWiring> BuildAmd(const AmdConfig& c, std::shared_ptr<store::Store> store, const Clock& clock,
                             std::chrono::seconds stale_grace, bool offline) {
  upstream::UpstreamConfig kds = amd::DefaultKdsConfig(c.kds_url);
  kds.ca_file = c.tls_ca_file;
  kds.request_timeout = std::chrono::seconds(c.timeout_seconds);
  kds.retry.max_attempts = c.max_attempts;
  kds.rate_per_second = c.rate_per_second;
  kds.burst = c.burst;
  kds.max_concurrency = c.max_concurrency;
  kds.max_queue_wait = std::chrono::seconds(c.max_queue_wait_seconds);
  auto client = upstream::UpstreamClient::Create(kds);
  if (!client.ok()) return client.status().WithContext("amd");
  amd::AmdServiceOptions options;
  options.cache_control_seconds = c.cache_control_seconds;
  options.stale_grace = stale_grace;
  for (const auto& [name, path] : c.ark_files) {
    ASSIGN_OR_RETURN(std::string pem, ReadFileString(path, 1 << 20));
    auto cert = crypto::Certificate::FromPem(pem);
    if (!cert.ok()) return cert.status().WithContext("amd.ark_files." + name);
    options.arks.emplace(*amd::ParseProduct(name), *cert);
  }
  AmdWiring w;
  w.kds = std::make_shared<amd::KdsClient>(std::move(*client));
  std::shared_ptr<amd::KdsSource> source = w.kds;
  if (offline) source = std::make_shared<amd::OfflineKdsSource>("offline (platforms.fill_mode): KDS is not contacted");
  w.service = std::make_shared<amd::AmdService>(std::move(source), std::move(store), std::move(options), clock);
  if (c.refresh_enabled && !offline) w.refresher = std::make_shared<amd::AmdRefresher>(w.service, RefreshOptionsFrom(c), clock);
  ASSIGN_OR_RETURN(w.api.node, NodeIdentityFrom(c.node));
  w.api.cache_control_seconds = c.cache_control_seconds;
  return w;
}

}  // namespace thim::thimd
