#include "amd/amd_refresher.h"

#include <spdlog/spdlog.h>

namespace thim::amd {

namespace {
std::string Name(Product p, KeyKind k) { return std::string(ProductName(p)) + "/" + std::string(KeyKindPath(k)); }
}  // namespace

AmdRefresher::AmdRefresher(std::shared_ptr<AmdService> service, AmdRefreshOptions options, const Clock& clock)
    : service_(std::move(service)), options_(options), clock_(clock) {}

AmdRefresher::~AmdRefresher() { Stop(); }

void AmdRefresher::Start() {
  std::lock_guard lock(thread_mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void AmdRefresher::Stop() {
  {
    std::lock_guard lock(thread_mu_);
    stopping_ = true;
  }
  thread_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AmdRefresher::Loop() {
  std::unique_lock lock(thread_mu_);
  while (!stopping_) {
    lock.unlock();
    RunOnce();
    lock.lock();
    thread_cv_.wait_for(lock, options_.check_interval, [&] { return stopping_; });
  }
}

AmdRefreshStats AmdRefresher::Stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::chrono::seconds AmdRefresher::Jitter(std::chrono::seconds span) {
  std::uniform_real_distribution<double> d(0.0, options_.jitter);
  return std::chrono::seconds(static_cast<int64_t>(static_cast<double>(span.count()) * d(rng_)));
}

TimePoint AmdRefresher::CrlDue(const CrlEntry& crl) {
  auto margin = options_.crl_refresh_before - Jitter(options_.crl_refresh_before);
  TimePoint halfway = crl.this_update + (crl.next_update - crl.this_update) / 2;
  return std::max(crl.next_update - margin, halfway);
}

TimePoint AmdRefresher::ChainDue(const ChainEntry& chain) {
  TimePoint due = chain.fetched_at + options_.chain_refresh_interval - Jitter(options_.chain_refresh_interval);
  // A certificate about to expire is worth asking KDS about sooner.
  for (const auto& c : chain.certs) due = std::min(due, c.NotAfter() - options_.crl_refresh_before);
  return due;
}

TimePoint AmdRefresher::Backoff(Due& due, TimePoint now) {
  ++due.failures;
  auto wait = options_.retry_min * (int64_t{1} << std::min(due.failures - 1, 20));
  if (wait > options_.retry_max) wait = options_.retry_max;
  return now + wait - Jitter(wait);
}

bool AmdRefresher::IsDue(const std::string& key, TimePoint basis, TimePoint now, const std::function<TimePoint()>& first_due) {
  std::lock_guard lock(mu_);
  Due& due = schedule_[key];
  if (due.basis != basis) due = Due{.at = first_due(), .basis = basis, .failures = 0};
  return now >= due.at;
}

void AmdRefresher::RefreshCrlIfDue(const CrlEntry& held, TimePoint now, int& attempted) {
  const std::string key = CrlStoreKey(held.product, held.kind);
  if (!IsDue(key, held.next_update, now, [&] { return CrlDue(held); })) return;
  ++attempted;
  auto fresh = service_->RefreshCrl(held.product, held.kind);
  std::lock_guard lock(mu_);
  Due& due = schedule_[key];
  if (fresh.ok() && (*fresh)->this_update > held.this_update) {
    ++stats_.crl_updated;
    due = Due{.at = CrlDue(**fresh), .basis = (*fresh)->next_update, .failures = 0};
    spdlog::info("AMD CRL {}: refreshed, now issued {} and valid until {}", Name(held.product, held.kind),
                 FormatRfc3339((*fresh)->this_update), FormatRfc3339((*fresh)->next_update));
    return;
  }
  if (fresh.ok()) {
    ++stats_.crl_unchanged;
  } else {
    ++stats_.crl_failed;
  }
  due.at = Backoff(due, now);
  std::string why = fresh.ok() ? "KDS has no newer CRL yet" : fresh.status().ToString();
  auto log = now > held.next_update ? spdlog::level::warn : spdlog::level::info;
  spdlog::log(log, "AMD CRL {}: refresh {} ({}); serving the held one (nextUpdate {}{}); next attempt {}",
              Name(held.product, held.kind), fresh.ok() ? "unchanged" : "failed", why, FormatRfc3339(held.next_update),
              now > held.next_update ? ", stale" : "", FormatRfc3339(due.at));
}

void AmdRefresher::RefreshChainIfDue(const ChainEntry& held, TimePoint now, int& attempted) {
  const std::string key = ChainStoreKey(held.product, held.kind);
  if (!IsDue(key, held.fetched_at, now, [&] { return ChainDue(held); })) return;
  ++attempted;
  auto fresh = service_->RefreshChain(held.product, held.kind);
  std::lock_guard lock(mu_);
  Due& due = schedule_[key];
  if (fresh.ok()) {
    ((*fresh)->pem == held.pem ? stats_.chain_unchanged : stats_.chain_updated)++;
    due = Due{.at = ChainDue(**fresh), .basis = (*fresh)->fetched_at, .failures = 0};
    if ((*fresh)->pem != held.pem) spdlog::info("AMD cert_chain {}: KDS serves a new chain", Name(held.product, held.kind));
    return;
  }
  ++stats_.chain_failed;
  due.at = Backoff(due, now);
  spdlog::warn("AMD cert_chain {}: refresh failed ({}); serving the held one; next attempt {}", Name(held.product, held.kind),
               fresh.status().ToString(), FormatRfc3339(due.at));
}

int AmdRefresher::RunOnce() {
  std::lock_guard run(run_mu_);
  int attempted = 0;
  for (const auto& crl : service_->ListCrls()) RefreshCrlIfDue(*crl, clock_.Now(), attempted);
  for (const auto& chain : service_->ListChains()) RefreshChainIfDue(*chain, clock_.Now(), attempted);
  return attempted;
}

}  // namespace thim::amd
