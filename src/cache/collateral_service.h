// CollateralService: the heart of thimd. Serves Intel collateral from memory,
// fetches what is missing exactly once however many clients ask (single
// flight), validates everything before it is stored or served, keeps it in the
// Store, refreshes it ahead of its nextUpdate, and keeps serving the last good
// copy when upstream fails.
//
// Hot path: Get() on a cached key takes one shared (reader) lock on one shard
// of the index to copy a shared_ptr, and calls back synchronously. Writers
// take the exclusive lock only to swap that pointer; no lock is held while
// talking to upstream or the store.
//
// Thread-safety: every public method may be called concurrently. Callbacks run
// on the caller's thread (hits) or on a fetch thread (misses); they must not
// block.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/bundle.h"
#include "cache/collateral_key.h"
#include "cache/collateral_source.h"
#include "cache/validator.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/prepared_response.h"
#include "store/store.h"

namespace thim::cache {

// One published answer: immutable.
struct CachedItem {
  CollateralKey key;
  std::shared_ptr<const PreparedResponse> response;
  TimePoint issue_date{};
  std::optional<TimePoint> next_update;
  int64_t evaluation_number = -1;
  TimePoint fetched_at{};
};

// Where an item's copy came from and how the last attempt to fetch it went.
struct ItemHistory {
  std::string source = "upstream";  // "upstream", "import" or "store" (loaded at start)
  std::string last_outcome;         // "ok: updated", "ok: unchanged", "failed: …", "rejected: …", "loaded from the store"
  TimePoint last_attempt{};
};

enum class StalePolicy {
  kServeFlagged,  // past the grace window: still serve, flagged (Warning header)
  kUnavailable,   // past the grace window: 503
};

struct CacheOptions {
  int fetch_threads = 4;
  // Refresh each item this long after it was fetched…
  std::chrono::seconds refresh_interval{std::chrono::hours(12)};
  // …and in any case this long before its nextUpdate.
  std::chrono::seconds refresh_before_expiry{std::chrono::hours(24 * 7)};
  double refresh_jitter = 0.1;  // ± fraction of the interval
  std::chrono::seconds retry_min{30};
  std::chrono::seconds retry_max{std::chrono::minutes(30)};
  // After nextUpdate, keep serving (flagged) for this long if refresh fails.
  std::chrono::seconds stale_grace{std::chrono::hours(24 * 7)};
  StalePolicy past_grace = StalePolicy::kServeFlagged;
  // How long an upstream 404 is remembered.
  std::chrono::seconds negative_ttl{std::chrono::minutes(5)};
  // Cache-Control max-age cap.
  std::chrono::seconds max_age_cap{86400};
  // Fetched at start if absent from the store.
  std::vector<CollateralKey> warmup;
  // Accept documents issued up to this far in the future (clock skew).
  std::chrono::seconds clock_skew{std::chrono::minutes(5)};
};

// How an item may be served at a given time.
struct ServeDecision {
  bool serve = true;
  std::chrono::seconds max_age{0};
  bool stale = false;  // past nextUpdate
  std::string warning;  // Warning header value when stale
};

class CollateralService {
 public:
  using Result = StatusOr<std::shared_ptr<const CachedItem>>;
  using Callback = std::function<void(Result)>;

  CollateralService(CacheOptions options, std::shared_ptr<store::Store> store, std::shared_ptr<CollateralSource> source,
                    std::shared_ptr<const CollateralValidator> validator, const Clock& clock, MetricsRegistry* metrics);
  ~CollateralService();
  CollateralService(const CollateralService&) = delete;
  CollateralService& operator=(const CollateralService&) = delete;

  // Loads every stored item (served from then on without upstream), starts
  // the fetch threads and the refresher, and warms up configured keys.
  Status Start();
  void Stop();
  // True once the store was loaded and the warm-up attempted.
  bool Ready() const;

  // The item for `key`: synchronously from memory, or after one shared fetch.
  // Errors: NotFound (upstream has none), OutOfRange (upstream: gone),
  // InvalidArgument (upstream rejected the parameters), Unavailable (upstream
  // down and nothing cached), ResourceExhausted (upstream rate limit),
  // DataLoss (upstream answered with something that failed validation).
  void Get(const CollateralKey& key, Callback callback);
  Result GetBlocking(const CollateralKey& key, std::chrono::milliseconds timeout);

  // Fetches `key` now, whether cached or not (admin refresh); waits.
  Result Refresh(const CollateralKey& key, std::chrono::milliseconds timeout);

  // Imports a document without upstream (offline bundles): validated like a
  // fetched one, stored, published.
  Result Import(const CollateralKey& key, const FetchedCollateral& document);

  ServeDecision Decide(const CachedItem& item) const;

  // Every stored Intel document, as a bundle would carry it (offline export).
  StatusOr<std::vector<BundleItem>> ExportItems() const;

  // The published item for `key`, or null; never fetches.
  std::shared_ptr<const CachedItem> Peek(const CollateralKey& key) const;

  // The item's source and last fetch outcome, if it was ever loaded or fetched.
  std::optional<ItemHistory> History(const CollateralKey& key) const;

  // Every published item (for admin listings and metrics).
  std::vector<std::shared_ptr<const CachedItem>> Snapshot() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Renders the PCS-compatible response for a validated document: Intel's
// content type and issuer-chain header name for the key's kind and API
// version (v3 "SGX-TCB-Info-Issuer-Chain", v4 "TCB-Info-Issuer-Chain", …),
// the chain percent-encoded as Intel does (ending "%0A"), and an ETag.
std::shared_ptr<const PreparedResponse> RenderPcsResponse(const CollateralKey& key, const store::StoredItem& item);

}  // namespace thim::cache
