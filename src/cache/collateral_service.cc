#include "cache/collateral_service.h"

#include <spdlog/spdlog.h>

#include <array>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

namespace thim::cache {

namespace {

using Clock_ = std::chrono::steady_clock;
using ItemPtr = std::shared_ptr<const CachedItem>;

// The in-memory index: key text → published item, sharded so readers on
// different keys never touch the same lock.
class Index {
 public:
  ItemPtr Find(const std::string& key) const {
    const Shard& s = shards_[Hash(key)];
    std::shared_lock lock(s.mu);
    auto it = s.items.find(key);
    return it == s.items.end() ? nullptr : it->second;
  }
  void Publish(const std::string& key, ItemPtr item) {
    Shard& s = shards_[Hash(key)];
    std::unique_lock lock(s.mu);
    s.items[key] = std::move(item);
  }
  std::vector<ItemPtr> All() const {
    std::vector<ItemPtr> out;
    for (const Shard& s : shards_) {
      std::shared_lock lock(s.mu);
      for (const auto& [k, v] : s.items) out.push_back(v);
    }
    return out;
  }

 private:
  static constexpr size_t kShards = 32;
  static size_t Hash(const std::string& key) { return std::hash<std::string>{}(key) % kShards; }
  struct Shard {
    mutable std::shared_mutex mu;
    std::unordered_map<std::string, ItemPtr> items;
  };
  std::array<Shard, kShards> shards_;
};

enum class FetchReason { kMiss, kRefresh, kAdmin };

struct Flight {
  std::vector<CollateralService::Callback> waiters;
};

}  // namespace

struct CollateralService::Impl {
  CacheOptions options;
  std::shared_ptr<store::Store> store;
  std::shared_ptr<CollateralSource> source;
  std::shared_ptr<const CollateralValidator> validator;
  const Clock& clock;
  MetricsRegistry* metrics;

  Index index;

  std::mutex negative_mu;
  // Per key: where the copy served came from and how the last attempt went (admin listings).
  mutable std::mutex outcome_mu;
  std::unordered_map<std::string, ItemHistory> history;
  void Record(const std::string& key, std::string outcome, const char* source = nullptr) {
    std::lock_guard lock(outcome_mu);
    ItemHistory& h = history[key];
    h.last_outcome = std::move(outcome);
    h.last_attempt = clock.Now();
    if (source) h.source = source;
  }
  std::unordered_map<std::string, std::pair<Status, TimePoint>> negative;  // key → (error, until)

  std::mutex flights_mu;
  std::unordered_map<std::string, Flight> flights;

  // Work for the fetch threads.
  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<std::pair<CollateralKey, FetchReason>> queue;

  // Refresh schedule: due time → key, plus the per-key consecutive failures.
  std::mutex schedule_mu;
  std::condition_variable schedule_cv;
  std::multimap<TimePoint, std::string> schedule;
  std::unordered_map<std::string, TimePoint> due_of;
  std::unordered_map<std::string, int> failures;

  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  // Shared with the warm-up waiter thread, which may outlive the service.
  std::shared_ptr<std::atomic<bool>> ready = std::make_shared<std::atomic<bool>>(false);
  std::mutex rng_mu;
  std::mt19937_64 rng{std::random_device{}()};

  // Metrics (null-safe through the helpers below).
  Counter* hits = nullptr;
  Counter* misses = nullptr;
  Counter* stale_served = nullptr;
  Counter* negative_hits = nullptr;

  Impl(CacheOptions o, std::shared_ptr<store::Store> s, std::shared_ptr<CollateralSource> src,
       std::shared_ptr<const CollateralValidator> v, const Clock& c, MetricsRegistry* m)
      : options(std::move(o)), store(std::move(s)), source(std::move(src)), validator(std::move(v)), clock(c), metrics(m) {
    if (metrics) {
      const std::string help = "Collateral lookups by result";
      hits = &metrics->GetCounter("thim_cache_lookups_total", help, {{"result", "hit"}});
      misses = &metrics->GetCounter("thim_cache_lookups_total", help, {{"result", "miss"}});
      stale_served = &metrics->GetCounter("thim_cache_lookups_total", help, {{"result", "stale"}});
      negative_hits = &metrics->GetCounter("thim_cache_lookups_total", help, {{"result", "negative"}});
    }
  }

  void Count(Counter* c) {
    if (c) c->Inc();
  }
  void CountLabeled(const std::string& name, const std::string& help, const Labels& labels) {
    if (metrics) metrics->GetCounter(name, help, labels).Inc();
  }

  // ---- publishing -------------------------------------------------------

  ItemPtr MakeItem(const CollateralKey& key, const store::StoredItem& stored) {
    auto item = std::make_shared<CachedItem>();
    item->key = key;
    item->response = RenderPcsResponse(key, stored);
    item->issue_date = FromUnixSeconds(stored.issue_date);
    if (stored.next_update > 0) item->next_update = FromUnixSeconds(stored.next_update);
    item->evaluation_number = stored.evaluation_number;
    item->fetched_at = FromUnixSeconds(stored.fetched_at);
    return item;
  }

  void Publish(const ItemPtr& item) {
    index.Publish(item->key.CacheKey(), item);
    ScheduleRefresh(*item, /*failed=*/false);
  }

  // ---- refresh schedule --------------------------------------------------

  std::chrono::seconds Jittered(std::chrono::seconds base) {
    std::lock_guard lock(rng_mu);
    std::uniform_real_distribution<double> d(1.0 - options.refresh_jitter, 1.0 + options.refresh_jitter);
    return std::chrono::seconds(static_cast<int64_t>(static_cast<double>(base.count()) * d(rng)));
  }

  void ScheduleAt(const std::string& key, TimePoint due) {
    std::lock_guard lock(schedule_mu);
    auto it = due_of.find(key);
    if (it != due_of.end()) {
      auto range = schedule.equal_range(it->second);
      for (auto s = range.first; s != range.second; ++s) {
        if (s->second == key) {
          schedule.erase(s);
          break;
        }
      }
    }
    schedule.emplace(due, key);
    due_of[key] = due;
    schedule_cv.notify_all();
  }

  void ScheduleRefresh(const CachedItem& item, bool failed) {
    const std::string key = item.key.CacheKey();
    TimePoint now = clock.Now();
    TimePoint due;
    if (failed) {
      int n;
      {
        std::lock_guard lock(schedule_mu);
        n = ++failures[key];
      }
      auto backoff = options.retry_min * (1LL << std::min(n - 1, 16));
      if (backoff > options.retry_max) backoff = options.retry_max;
      due = now + Jittered(std::chrono::duration_cast<std::chrono::seconds>(backoff));
    } else {
      {
        std::lock_guard lock(schedule_mu);
        failures.erase(key);
      }
      due = item.fetched_at + Jittered(options.refresh_interval);
      if (item.next_update) due = std::min(due, *item.next_update - options.refresh_before_expiry);
      // Documents Intel issues with a short life still get a sane minimum.
      due = std::max(due, now + std::min(options.retry_min, Jittered(options.retry_min)));
    }
    ScheduleAt(key, due);
  }

  void RefresherLoop() {
    std::unique_lock lock(schedule_mu);
    while (!stopping.load()) {
      if (schedule.empty()) {
        schedule_cv.wait_for(lock, std::chrono::seconds(1));
        continue;
      }
      auto first = schedule.begin();
      TimePoint now = clock.Now();
      if (first->first > now) {
        // The clock may be a fake: poll at most every 200 ms rather than
        // sleeping until the due time.
        schedule_cv.wait_for(lock, std::min<std::chrono::milliseconds>(std::chrono::milliseconds(200), first->first - now));
        continue;
      }
      std::string key = first->second;
      due_of.erase(key);
      schedule.erase(first);
      lock.unlock();
      auto parsed = ParseCacheKey(key);
      if (parsed.ok()) Enqueue(*parsed, FetchReason::kRefresh);
      lock.lock();
    }
  }

  // ---- single flight + fetch threads ------------------------------------

  // Joins or starts the flight for `key`. Returns true if the caller started it.
  bool Join(const std::string& key, Callback cb) {
    std::lock_guard lock(flights_mu);
    auto [it, inserted] = flights.try_emplace(key);
    if (cb) it->second.waiters.push_back(std::move(cb));
    return inserted;
  }

  void Land(const std::string& key, const Result& result) {
    std::vector<Callback> waiters;
    {
      std::lock_guard lock(flights_mu);
      auto it = flights.find(key);
      if (it == flights.end()) return;
      waiters = std::move(it->second.waiters);
      flights.erase(it);
    }
    for (auto& w : waiters) w(result);
  }

  void Enqueue(const CollateralKey& key, FetchReason reason, Callback cb = nullptr) {
    if (!Join(key.CacheKey(), std::move(cb))) return;  // already in flight: it will answer us too
    {
      std::lock_guard lock(queue_mu);
      queue.emplace_back(key, reason);
    }
    queue_cv.notify_one();
  }

  void WorkerLoop() {
    while (true) {
      std::pair<CollateralKey, FetchReason> job;
      {
        std::unique_lock lock(queue_mu);
        queue_cv.wait(lock, [&] { return stopping.load() || !queue.empty(); });
        if (stopping.load()) return;
        job = std::move(queue.front());
        queue.pop_front();
      }
      Result result = Fetch(job.first, job.second);
      Land(job.first.CacheKey(), result);
    }
  }

  Status InterpretUpstream(const CollateralKey& key, const FetchedCollateral& f) {
    std::string detail = f.error_message.empty() ? "" : " (" + f.error_message + ")";
    switch (f.http_status) {
      case 200: return OkStatus();
      case 400: return InvalidArgumentError("upstream rejected the request for " + key.Describe() + detail);
      case 404: return NotFoundError("upstream has no " + key.Describe() + detail);
      case 410: return OutOfRangeError("gone upstream: " + key.Describe() + detail);
      case 401:
      case 403: return UnavailableError("upstream refused access (HTTP " + std::to_string(f.http_status) + ") for " + key.Describe());
      default:
        return UnavailableError("upstream answered HTTP " + std::to_string(f.http_status) + " for " + key.Describe());
    }
  }

  Result Fetch(const CollateralKey& key, FetchReason reason) {
    const std::string k = key.CacheKey();
    ItemPtr current = index.Find(k);
    // Another replica may have stored it (shared PostgreSQL): look there first on a miss.
    if (!current && reason == FetchReason::kMiss) {
      auto stored = store->Get(k);
      if (stored.ok()) {
        ItemPtr item = MakeItem(key, *stored);
        Publish(item);
        return item;
      }
    }
    std::optional<std::chrono::seconds> retry_after;
    auto fetched = source->Fetch(key, &retry_after);
    CountLabeled("thim_upstream_fetches_total", "Upstream fetches by collateral kind and outcome",
                 {{"kind", std::string(key.KindName())},
                  {"outcome", fetched.ok() ? std::to_string(fetched->http_status) : std::string(StatusCodeName(fetched.status().code()))}});
    Status st = fetched.ok() ? InterpretUpstream(key, *fetched) : fetched.status();
    if (!st.ok()) {
      spdlog::warn("fetch of {} failed: {}", key.Describe(), st.ToString());
      Record(k, "failed: " + st.ToString());
      if (st.code() == StatusCode::kNotFound && !current) {
        std::lock_guard lock(negative_mu);
        negative[k] = {st, clock.Now() + options.negative_ttl};
      }
      if (current) {
        ScheduleRefresh(*current, /*failed=*/true);
        if (reason == FetchReason::kRefresh) CountRefresh("failed");
        // A refresh failure never takes away the last good copy.
        if (reason != FetchReason::kAdmin) return current;
      }
      if (st.code() == StatusCode::kResourceExhausted || st.code() == StatusCode::kUnavailable) {
        if (retry_after) return st.WithRetryAfter(retry_after->count());
      }
      return st;
    }
    return Ingest(key, *fetched, reason, current);
  }

  void CountRefresh(const char* outcome) {
    CountLabeled("thim_refresh_total", "Background refreshes by outcome", {{"outcome", outcome}});
  }

  Result Ingest(const CollateralKey& key, const FetchedCollateral& doc, FetchReason reason, const ItemPtr& current) {
    const std::string k = key.CacheKey();
    TimePoint now = clock.Now();
    auto validated = validator->Validate(key, doc, now);
    if (!validated.ok()) {
      spdlog::error("rejected {} {}: {}", key.Describe(),
                    reason == FetchReason::kAdmin && doc.request_id.empty() ? "offered by an admin import or refresh"
                                                                            : "from upstream (request " + doc.request_id + ")",
                    validated.status().ToString());
      Record(k, "rejected: " + validated.status().ToString());
      CountLabeled("thim_validation_rejected_total", "Upstream documents rejected by validation",
                   {{"kind", std::string(key.KindName())}, {"reason", std::string(StatusCodeName(validated.status().code()))}});
      if (current) {
        ScheduleRefresh(*current, /*failed=*/true);
        if (reason == FetchReason::kRefresh) CountRefresh("rejected");
        if (reason != FetchReason::kAdmin) return current;
      }
      return Status(StatusCode::kDataLoss, "upstream sent invalid " + key.Describe() + ": " + validated.status().message());
    }
    store::StoredItem stored;
    stored.key = k;
    stored.kind = std::string(key.KindName());
    stored.body = doc.body;
    stored.issuer_chain = doc.issuer_chain;
    stored.content_type = doc.content_type;
    stored.issue_date = ToUnixSeconds(validated->issue_date);
    stored.next_update = validated->next_update ? ToUnixSeconds(*validated->next_update) : 0;
    stored.evaluation_number = validated->evaluation_number;
    stored.fetched_at = ToUnixSeconds(now);
    Status put = store->Put(stored);
    if (put.code() == StatusCode::kFailedPrecondition) {
      // Rollback guard: upstream (or an import) offered something older than
      // what we hold. Keep ours.
      spdlog::error("rollback rejected for {}: {}", key.Describe(), put.message());
      Record(k, "rejected: older than the stored document (rollback guard)");
      CountLabeled("thim_rollback_rejected_total", "Documents older than the stored one, rejected", {{"kind", std::string(key.KindName())}});
      if (current) {
        ScheduleRefresh(*current, false);
        return current;
      }
      auto kept = store->Get(k);
      if (kept.ok()) {
        ItemPtr item = MakeItem(key, *kept);
        Publish(item);
        return item;
      }
      return put;
    }
    if (!put.ok()) {
      spdlog::error("store write for {} failed: {}", key.Describe(), put.ToString());
      // Serve it anyway from memory: it is valid; durability is retried at the next refresh.
    }
    ItemPtr item = MakeItem(key, stored);
    if (current && key.kind == CollateralKind::kTcbEvalNumbers && item->evaluation_number > current->evaluation_number) {
      spdlog::warn("new TCB evaluation data number {} listed for {} (was {})", item->evaluation_number,
                   key.tee == Tee::kSgx ? "SGX" : "TDX", current->evaluation_number);
      CountLabeled("thim_new_evaluation_numbers_total", "New TCB evaluation data numbers discovered", {});
      RefreshEarlyItems();
    }
    Publish(item);
    {
      std::lock_guard lock(negative_mu);
      negative.erase(k);
    }
    const bool unchanged = current && current->response->body == doc.body;
    if (reason == FetchReason::kRefresh) CountRefresh(unchanged ? "unchanged" : "updated");
    Record(k, unchanged ? "ok: unchanged" : "ok: updated",
           reason == FetchReason::kAdmin && doc.request_id.empty() ? "import" : "upstream");
    return item;
  }

  // A new evaluation number is first published as "early": fetch those now.
  void RefreshEarlyItems() {
    for (const auto& item : index.All())
      if (item->key.update == UpdateType::kEarly && item->key.eval_number == 0) ScheduleAt(item->key.CacheKey(), clock.Now());
  }

  std::optional<Status> NegativeHit(const std::string& key) {
    std::lock_guard lock(negative_mu);
    auto it = negative.find(key);
    if (it == negative.end()) return std::nullopt;
    if (clock.Now() >= it->second.second) {
      negative.erase(it);
      return std::nullopt;
    }
    return it->second.first;
  }
};

CollateralService::CollateralService(CacheOptions options, std::shared_ptr<store::Store> store,
                                     std::shared_ptr<CollateralSource> source,
                                     std::shared_ptr<const CollateralValidator> validator, const Clock& clock,
                                     MetricsRegistry* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(store), std::move(source), std::move(validator), clock,
                                   metrics)) {}

CollateralService::~CollateralService() { Stop(); }

Status CollateralService::Start() {
  Impl& s = *impl_;
  auto all = s.store->List("intel/");
  if (!all.ok()) return all.status().WithContext("loading the store");
  size_t loaded = 0;
  for (const auto& stored : *all) {
    auto key = ParseCacheKey(stored.key);
    if (!key.ok()) {
      spdlog::warn("ignoring unknown stored key {}", stored.key);
      continue;
    }
    s.Publish(s.MakeItem(*key, stored));
    s.Record(stored.key, "loaded from the store", "store");
    ++loaded;
  }
  spdlog::info("loaded {} collateral items from the store", loaded);
  if (s.metrics) {
    Impl* impl = impl_.get();
    s.metrics->AddGauge("thim_cache_items", "Collateral items in memory", [impl] {
      return std::vector<std::pair<Labels, double>>{{{}, double(impl->index.All().size())}};
    });
    s.metrics->AddGauge("thim_cache_oldest_item_age_seconds", "Age of the least recently fetched item", [impl] {
      TimePoint now = impl->clock.Now();
      double oldest = 0;
      for (const auto& item : impl->index.All()) oldest = std::max(oldest, double((now - item->fetched_at).count()));
      return std::vector<std::pair<Labels, double>>{{{}, oldest}};
    });
    s.metrics->AddGauge("thim_cache_seconds_until_next_update", "Seconds until the earliest nextUpdate (negative: expired)", [impl] {
      TimePoint now = impl->clock.Now();
      std::optional<double> earliest;
      for (const auto& item : impl->index.All())
        if (item->next_update) {
          double left = double((*item->next_update - now).count());
          earliest = earliest ? std::min(*earliest, left) : left;
        }
      if (!earliest) return std::vector<std::pair<Labels, double>>{};
      return std::vector<std::pair<Labels, double>>{{{}, *earliest}};
    });
  }
  for (int i = 0; i < std::max(1, s.options.fetch_threads); ++i) s.threads.emplace_back([&s] { s.WorkerLoop(); });
  s.threads.emplace_back([&s] { s.RefresherLoop(); });
  // Warm-up: fetch what the store does not have yet; the last answer (or
  // failure) declares readiness.
  std::vector<CollateralKey> missing;
  for (const auto& key : s.options.warmup)
    if (!s.index.Find(key.CacheKey())) missing.push_back(key);
  if (missing.empty()) s.ready->store(true);
  auto left = std::make_shared<std::atomic<size_t>>(missing.size());
  for (const auto& key : missing) {
    s.Enqueue(key, FetchReason::kMiss, [ready = s.ready, left, key](Result r) {
      if (!r.ok()) spdlog::warn("warm-up of {} failed: {}", key.Describe(), r.status().ToString());
      if (left->fetch_sub(1) == 1) ready->store(true);
    });
  }
  return OkStatus();
}

void CollateralService::Stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true)) return;
  s.queue_cv.notify_all();
  s.schedule_cv.notify_all();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  // Anyone still waiting hears about it.
  std::vector<std::string> keys;
  {
    std::lock_guard lock(s.flights_mu);
    for (const auto& [k, f] : s.flights) keys.push_back(k);
  }
  for (const auto& k : keys) s.Land(k, UnavailableError("service shutting down"));
}

bool CollateralService::Ready() const { return impl_->ready->load(); }

void CollateralService::Get(const CollateralKey& key, Callback callback) {
  Impl& s = *impl_;
  const std::string k = key.CacheKey();
  if (ItemPtr item = s.index.Find(k)) {
    s.Count(s.hits);
    return callback(std::move(item));
  }
  if (auto negative = s.NegativeHit(k)) {
    s.Count(s.negative_hits);
    return callback(*negative);
  }
  s.Count(s.misses);
  if (s.stopping.load()) return callback(UnavailableError("service shutting down"));
  s.Enqueue(key, FetchReason::kMiss, std::move(callback));
}

namespace {
CollateralService::Result WaitFor(std::future<CollateralService::Result>& f, std::chrono::milliseconds timeout) {
  if (f.wait_for(timeout) != std::future_status::ready) return DeadlineExceededError("timed out waiting for upstream");
  return f.get();
}
}  // namespace

CollateralService::Result CollateralService::GetBlocking(const CollateralKey& key, std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  Get(key, [promise](Result r) { promise->set_value(std::move(r)); });
  return WaitFor(future, timeout);
}

CollateralService::Result CollateralService::Refresh(const CollateralKey& key, std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  impl_->Enqueue(key, FetchReason::kAdmin, [promise](Result r) { promise->set_value(std::move(r)); });
  return WaitFor(future, timeout);
}

CollateralService::Result CollateralService::Import(const CollateralKey& key, const FetchedCollateral& document) {
  return impl_->Ingest(key, document, FetchReason::kAdmin, impl_->index.Find(key.CacheKey()));
}

ServeDecision CollateralService::Decide(const CachedItem& item) const {
  const Impl& s = *impl_;
  ServeDecision d;
  TimePoint now = s.clock.Now();
  if (!item.next_update) {
    d.max_age = std::min(s.options.max_age_cap, s.options.refresh_interval);
    return d;
  }
  if (now <= *item.next_update) {
    d.max_age = std::min<std::chrono::seconds>(s.options.max_age_cap, *item.next_update - now);
    return d;
  }
  d.stale = true;
  d.max_age = std::chrono::seconds(0);
  bool past_grace = now > *item.next_update + s.options.stale_grace;
  d.warning = std::string("110 thimd \"Response is Stale: nextUpdate ") + FormatRfc3339(*item.next_update) + " has passed" +
              (past_grace ? ", past the grace window\"" : "\"");
  if (past_grace && s.options.past_grace == StalePolicy::kUnavailable) d.serve = false;
  if (impl_->stale_served) impl_->stale_served->Inc();
  return d;
}

std::vector<std::shared_ptr<const CachedItem>> CollateralService::Snapshot() const { return impl_->index.All(); }

StatusOr<std::vector<BundleItem>> CollateralService::ExportItems() const {
  ASSIGN_OR_RETURN(std::vector<store::StoredItem> stored, impl_->store->List("intel/"));
  std::vector<BundleItem> out;
  for (auto& s : stored) {
    auto key = ParseCacheKey(s.key);
    if (!key.ok()) continue;
    BundleItem item{.key = *key};
    item.document.http_status = 200;
    item.document.body = std::move(s.body);
    item.document.issuer_chain = std::move(s.issuer_chain);
    item.document.content_type = std::move(s.content_type);
    out.push_back(std::move(item));
  }
  return out;
}

std::optional<ItemHistory> CollateralService::History(const CollateralKey& key) const {
  std::lock_guard lock(impl_->outcome_mu);
  auto it = impl_->history.find(key.CacheKey());
  if (it == impl_->history.end()) return std::nullopt;
  return it->second;
}

std::shared_ptr<const CachedItem> CollateralService::Peek(const CollateralKey& key) const { return impl_->index.Find(key.CacheKey()); }

}  // namespace thim::cache
