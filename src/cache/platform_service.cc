#include "cache/platform_service.h"

#include <spdlog/spdlog.h>

#include <array>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "cache/pck_certs_validator.h"
#include "core/pem.h"
#include "crypto/public_key.h"
#include "intel/pck_cert_selector.h"
#include "intel/tcb_info.h"

namespace thim::cache {

StatusOr<FillMode> ParseFillMode(std::string_view text) {
  if (text == "lazy") return FillMode::kLazy;
  if (text == "req") return FillMode::kReq;
  if (text == "offline") return FillMode::kOffline;
  return InvalidArgumentError("fill mode must be lazy, req or offline");
}

std::string_view FillModeName(FillMode mode) {
  switch (mode) {
    case FillMode::kLazy: return "lazy";
    case FillMode::kReq: return "req";
    case FillMode::kOffline: return "offline";
  }
  return "lazy";
}

bool IsZeroPpid(std::string_view hex) {
  return !hex.empty() && hex.find_first_not_of('0') == std::string_view::npos;
}

std::string PlatformIdOf(const PlatformIdentity& id) {
  auto short_hash = [](std::string_view text) { return HexEncode(crypto::Sha256(AsBytes(text)), true).substr(0, 32); };
  if (!id.qe_id.empty()) return id.qe_id + "-" + id.pce_id;
  if (!id.platform_manifest.empty()) return "manifest:" + short_hash(id.platform_manifest) + "-" + id.pce_id;
  if (!id.encrypted_ppid.empty() && !IsZeroPpid(id.encrypted_ppid))
    return "ppid:" + short_hash(id.encrypted_ppid) + "-" + id.pce_id;
  return "";
}

std::string RawTcb::ToString() const { return HexEncode(cpusvn, true) + ":" + std::to_string(pcesvn); }

namespace {

intel::SgxTcb ToSgxTcb(const RawTcb& raw) {
  intel::SgxTcb t;
  for (size_t i = 0; i < 16 && i < raw.cpusvn.size(); ++i) t.components[i] = raw.cpusvn[i];
  t.pcesvn = raw.pcesvn;
  return t;
}

StatusOr<RawTcb> ParseRawTcb(std::string_view text) {
  size_t colon = text.find(':');
  if (colon != 32) return InvalidArgumentError("raw TCB");
  RawTcb raw;
  ASSIGN_OR_RETURN(raw.cpusvn, HexDecode(text.substr(0, 32)));
  uint32_t pcesvn = 0;
  std::string_view digits = text.substr(33);
  if (digits.empty() || digits.size() > 5) return InvalidArgumentError("raw TCB");
  for (char c : digits) {
    if (c < '0' || c > '9') return InvalidArgumentError("raw TCB");
    pcesvn = pcesvn * 10 + static_cast<uint32_t>(c - '0');
  }
  if (pcesvn > 65535) return InvalidArgumentError("raw TCB");
  raw.pcesvn = static_cast<uint16_t>(pcesvn);
  return raw;
}

std::vector<std::string> SplitRawTcbs(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (comma != 0) out.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

// A platform in memory: its record, parsed certificates and memoised answers.
struct ParsedPlatform {
  store::PlatformRecord record;  // identity and metadata; the certificate list itself stays in the store
  // The available certificates, in list order. Validated when they were
  // fetched or imported; read back from the store they are not parsed again
  // (X.509 parsing would be most of the cost of a lookup).
  std::vector<intel::SgxTcb> tcbs;
  std::vector<std::string> pems;
  std::vector<std::string> tcbms;
  std::atomic<uint64_t> last_used{0};
  mutable std::mutex answers_mu;
  std::map<std::string, std::shared_ptr<const PckAnswer>, std::less<>> answers;  // raw TCB → answer
};

std::shared_ptr<ParsedPlatform> ParseStored(const store::PlatformRecord& record) {
  auto p = std::make_shared<ParsedPlatform>();
  p->record = record;
  if (record.pck_certs.empty()) return p;
  auto entries = intel::ParsePckCertList(record.pck_certs, /*parse_certificates=*/false);
  if (!entries.ok()) {
    spdlog::error("platform {}: stored PCK certificates do not parse ({}); they will be fetched again", record.id,
                  entries.status().ToString());
    p->record.pck_certs.clear();
    return p;
  }
  for (auto& e : *entries) {
    if (e.cert_pem.empty()) continue;  // "Not available"
    p->tcbs.push_back(e.tcb);
    p->tcbms.push_back(e.tcbm);
    p->pems.push_back(std::move(e.cert_pem));
  }
  // The list itself stays in the store (pckcerts reads it there): memory
  // holds what pckcert answers need, half the bytes.
  p->record.pck_certs.clear();
  p->record.pck_certs.shrink_to_fit();
  return p;
}

}  // namespace

struct PlatformService::Impl : std::enable_shared_from_this<PlatformService::Impl> {
  Impl(PlatformOptions o, std::shared_ptr<store::Store> s, std::shared_ptr<PckSource> src, std::shared_ptr<CollateralService> c,
       crypto::Certificate root, const Clock& clk, MetricsRegistry* m)
      : options(std::move(o)), store(std::move(s)), source(std::move(src)), collateral(std::move(c)), pinned_root(std::move(root)),
        clock(clk), metrics(m) {
    if (metrics) {
      hits = &metrics->GetCounter("thim_pck_requests_total", "PCK certificate lookups by outcome", {{"result", "hit"}});
      misses = &metrics->GetCounter("thim_pck_requests_total", "PCK certificate lookups by outcome", {{"result", "miss"}});
      fetches_ok = &metrics->GetCounter("thim_pck_fetches_total", "Upstream pckcerts fetches by outcome", {{"result", "ok"}});
      fetches_failed = &metrics->GetCounter("thim_pck_fetches_total", "Upstream pckcerts fetches by outcome", {{"result", "failed"}});
    }
  }

  PlatformOptions options;
  std::shared_ptr<store::Store> store;
  std::shared_ptr<PckSource> source;
  std::shared_ptr<CollateralService> collateral;
  crypto::Certificate pinned_root;
  const Clock& clock;
  MetricsRegistry* metrics;
  Counter* hits = nullptr;
  Counter* misses = nullptr;
  Counter* fetches_ok = nullptr;
  Counter* fetches_failed = nullptr;

  // ---- memory index -------------------------------------------------------
  mutable std::shared_mutex index_mu;
  std::unordered_map<std::string, std::shared_ptr<ParsedPlatform>> index;
  mutable std::atomic<uint64_t> tick{0};

  std::shared_ptr<ParsedPlatform> Find(std::string_view id) const {
    std::shared_lock lock(index_mu);
    auto it = index.find(std::string(id));
    if (it == index.end()) return nullptr;
    it->second->last_used.store(tick.fetch_add(1, std::memory_order_relaxed), std::memory_order_relaxed);
    return it->second;
  }

  void Publish(const std::shared_ptr<ParsedPlatform>& p) {
    p->last_used.store(tick.fetch_add(1, std::memory_order_relaxed));
    std::unique_lock lock(index_mu);
    index[p->record.id] = p;
    if (index.size() <= options.max_cached_platforms) return;
    // Evict the least recently used tenth (amortised O(1) per insertion).
    std::vector<std::pair<uint64_t, std::string>> ages;
    ages.reserve(index.size());
    for (const auto& [id, e] : index) ages.emplace_back(e->last_used.load(std::memory_order_relaxed), id);
    size_t drop = std::max<size_t>(1, index.size() / 10);
    std::nth_element(ages.begin(), ages.begin() + static_cast<std::ptrdiff_t>(drop), ages.end());
    for (size_t i = 0; i < drop; ++i) index.erase(ages[i].second);
  }

  void Forget(std::string_view id) {
    std::unique_lock lock(index_mu);
    index.erase(std::string(id));
  }

  // ---- per-platform serialisation of misses (single flight) ---------------
  std::array<std::mutex, 64> stripes;
  std::mutex& StripeFor(std::string_view id) { return stripes[std::hash<std::string_view>()(id) % stripes.size()]; }

  // ---- workers -------------------------------------------------------------
  std::mutex work_mu;
  std::condition_variable work_cv;     // workers wait here
  std::condition_variable refresh_cv;  // the refresher waits here (its own: a notify_one must reach a worker)
  std::deque<std::function<void()>> work;
  std::vector<std::thread> workers;
  std::thread refresher;
  bool stopping = false;

  bool Submit(std::function<void()> job) {
    std::lock_guard lock(work_mu);
    if (stopping || work.size() >= options.max_queue) return false;
    work.push_back(std::move(job));
    work_cv.notify_one();
    return true;
  }

  void WorkerLoop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(work_mu);
        work_cv.wait(lock, [&] { return stopping || !work.empty(); });
        if (stopping && work.empty()) return;
        job = std::move(work.front());
        work.pop_front();
      }
      job();
    }
  }

  void RefresherLoop() {
    std::unique_lock lock(work_mu);
    while (!stopping) {
      refresh_cv.wait_for(lock, options.check_interval, [&] { return stopping; });
      if (stopping) return;
      lock.unlock();
      RefreshDue();
      lock.lock();
    }
  }

  // ---- collateral the service needs ----------------------------------------
  // The SGX TCB info used for selection: the newest one ("early", else
  // "standard"), parsed once per published document.
  std::mutex tcb_mu;
  std::map<std::string, std::pair<const PreparedResponse*, std::shared_ptr<const intel::TcbInfo>>> tcb_infos;

  StatusOr<std::shared_ptr<const CachedItem>> SelectionTcbItem(const std::string& fmspc) {
    auto early = MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 4, {.fmspc = fmspc, .update = "early"});
    auto standard = MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 4, {.fmspc = fmspc});
    if (!early.ok()) return early.status();
    if (auto item = collateral->Peek(*early)) return item;
    if (auto item = collateral->Peek(*standard)) return item;
    auto item = collateral->GetBlocking(*early, options.collateral_timeout);
    if (item.ok()) return item;
    return collateral->GetBlocking(*standard, options.collateral_timeout);
  }

  StatusOr<std::shared_ptr<const intel::TcbInfo>> SelectionTcbInfo(const std::string& fmspc) {
    auto item = SelectionTcbItem(fmspc);
    if (!item.ok()) return Status(item.status().code(), "SGX TCB info for FMSPC " + fmspc + ": " + item.status().message());
    std::lock_guard lock(tcb_mu);
    auto& slot = tcb_infos[fmspc];
    if (slot.first == (*item)->response.get() && slot.second) return slot.second;
    auto parsed = intel::ParseTcbInfo((*item)->response->body);
    if (!parsed.ok()) return parsed.status();
    slot = {(*item)->response.get(), std::make_shared<const intel::TcbInfo>(std::move(*parsed))};
    return slot.second;
  }

  int64_t CurrentEvalNumber(const std::string& fmspc) const {
    int64_t best = -1;
    for (const char* update : {"early", "standard"}) {
      auto key = MakeKey(CollateralKind::kTcbInfo, Tee::kSgx, 4, {.fmspc = fmspc, .update = update});
      if (!key.ok()) continue;
      if (auto item = collateral->Peek(*key)) best = std::max(best, item->evaluation_number);
    }
    return best;
  }

  std::vector<crypto::Crl> Crls(const std::string& ca_type_hint) {
    std::vector<crypto::Crl> crls;
    std::vector<std::string> cas = {"processor", "platform"};
    if (!ca_type_hint.empty()) cas = {ca_type_hint};
    for (const auto& ca : cas) {
      auto key = MakeKey(CollateralKind::kPckCrl, Tee::kSgx, 4, {.ca = ca});
      auto der_key = MakeKey(CollateralKind::kPckCrl, Tee::kSgx, 4, {.ca = ca, .encoding = "der"});
      if (!key.ok() || !der_key.ok()) continue;
      auto item = collateral->Peek(*key);
      if (!item) item = collateral->Peek(*der_key);  // e.g. imported from a PCCS file
      if (!item && options.fill_mode != FillMode::kOffline) {
        auto fetched = collateral->GetBlocking(*key, options.collateral_timeout);
        if (fetched.ok()) item = *fetched;
      }
      if (!item) continue;
      auto crl = crypto::Crl::FromAny(AsBytes(item->response->body));
      if (crl.ok()) crls.push_back(std::move(*crl));
    }
    CollateralKey root;
    root.kind = CollateralKind::kRootCaCrl;
    auto item = collateral->Peek(root);
    if (!item && options.fill_mode != FillMode::kOffline) {
      auto fetched = collateral->GetBlocking(root, options.collateral_timeout);
      if (fetched.ok()) item = *fetched;
    }
    if (item) {
      auto crl = crypto::Crl::FromAny(AsBytes(item->response->body));
      if (crl.ok()) crls.push_back(std::move(*crl));
    }
    return crls;
  }

  // ---- fetching --------------------------------------------------------------
  bool CanFetch(const store::PlatformRecord& r) const {
    return options.fill_mode != FillMode::kOffline && source &&
           (!r.platform_manifest.empty() || (!r.encrypted_ppid.empty() && !IsZeroPpid(r.encrypted_ppid)));
  }

  // Validates `fetched` as `identity`'s certificates and returns the record to store.
  StatusOr<store::PlatformRecord> Accept(const store::PlatformRecord& identity, const FetchedPckCerts& fetched,
                                         int64_t fetched_at) {
    PckCertsCheck check{.pce_id = identity.pce_id, .at = clock.Now()};
    std::string hint = fetched.ca_type;
    for (char& c : hint) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (hint != "processor" && hint != "platform") hint.clear();
    check.crls = Crls(hint);
    ASSIGN_OR_RETURN(ValidatedPckCerts valid, ValidatePckCerts(fetched, pinned_root, check));
    store::PlatformRecord r = identity;
    r.fmspc = valid.fmspc;
    r.ca_type = valid.ca_type;
    r.ppid = valid.ppid;
    r.pck_certs = fetched.body;
    r.issuer_chain = fetched.issuer_chain;
    r.certs_fetched_at = fetched_at;
    // The TCB info the certificates will be selected with; its evaluation
    // number tells the refresher when a newer one (TCB recovery) appears.
    auto tcb_item = SelectionTcbItem(valid.fmspc);
    r.levels_eval_number = std::max(CurrentEvalNumber(valid.fmspc), tcb_item.ok() ? (*tcb_item)->evaluation_number : int64_t{-1});
    return r;
  }

  // Fetches, validates and stores the certificates of `identity` (caller
  // holds the platform's stripe). Returns the new in-memory platform.
  StatusOr<std::shared_ptr<ParsedPlatform>> FetchLocked(const store::PlatformRecord& identity) {
    if (!CanFetch(identity)) {
      if (options.fill_mode == FillMode::kOffline)
        return FailedPreconditionError("platform " + identity.id + " has no cached PCK certificates (fill mode offline)");
      return NotFoundError("platform " + identity.id + " has no cached PCK certificates and sent no encrypted PPID or manifest");
    }
    std::optional<std::chrono::seconds> retry_after;
    auto fetched = source->Fetch(identity, &retry_after);
    auto fail = [&](Status st) {
      if (fetches_failed) fetches_failed->Inc();
      spdlog::warn("platform {}: pckcerts fetch failed: {}", identity.id, st.ToString());
      if (retry_after && (st.code() == StatusCode::kUnavailable || st.code() == StatusCode::kResourceExhausted))
        return st.WithRetryAfter(retry_after->count());
      return st;
    };
    if (!fetched.ok()) return fail(fetched.status());
    const std::string detail = fetched->error_message.empty() ? "" : " (" + fetched->error_message + ")";
    switch (fetched->http_status) {
      case 200: break;
      case 404: return fail(NotFoundError("upstream has no PCK certificates for platform " + identity.id + detail));
      case 400: return fail(InvalidArgumentError("upstream rejected the platform's identity" + detail));
      case 401:
      case 403: return fail(UnavailableError("upstream refused thimd's credentials for pckcerts" + detail));
      default:
        return fail(UnavailableError("upstream answered pckcerts with HTTP " + std::to_string(fetched->http_status) + detail));
    }
    auto record = Accept(identity, *fetched, std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count());
    if (!record.ok()) {
      if (record.status().code() == StatusCode::kFailedPrecondition) return fail(UnavailableError(record.status().message()));
      return fail(DataLossError("upstream's PCK certificates for platform " + identity.id +
                                " failed validation: " + record.status().message()));
    }
    Status put = store->PutPlatform(*record);
    if (!put.ok()) spdlog::error("platform {}: storing PCK certificates failed: {}", identity.id, put.ToString());
    if (fetches_ok) fetches_ok->Inc();
    spdlog::info("platform {}: fetched {} bytes of PCK certificates (FMSPC {}, {} CA, request {})", identity.id,
                 record->pck_certs.size(), record->fmspc, record->ca_type, fetched->request_id);
    auto parsed = ParseStored(*record);
    Publish(parsed);
    return parsed;
  }

  // The platform in memory or from the store (caller holds the stripe).
  StatusOr<std::shared_ptr<ParsedPlatform>> LoadLocked(std::string_view id) {
    if (auto p = Find(id)) return p;
    auto record = store->GetPlatform(id);
    if (!record.ok()) return record.status();
    auto p = ParseStored(*record);
    Publish(p);
    return p;
  }

  // Merges what the client told us about itself into the stored identity.
  // Without `overwrite`, only fields still empty are filled: OAEP makes every
  // encrypted PPID a client sends different, and rewriting the record each
  // time would only churn the store and the memo.
  static bool MergeIdentity(store::PlatformRecord& r, const PlatformIdentity& id, bool overwrite = true) {
    bool changed = false;
    auto set = [&](std::string& field, const std::string& value) {
      if (!value.empty() && field != value && (overwrite || field.empty())) {
        field = value;
        changed = true;
      }
    };
    set(r.qe_id, id.qe_id);
    set(r.pce_id, id.pce_id);
    if (!IsZeroPpid(id.encrypted_ppid)) set(r.encrypted_ppid, id.encrypted_ppid);
    set(r.platform_manifest, id.platform_manifest);
    return changed;
  }

  static store::PlatformRecord NewRecord(const std::string& id, const PlatformIdentity& identity, std::string source) {
    store::PlatformRecord r;
    r.id = id;
    MergeIdentity(r, identity);
    r.source = std::move(source);
    return r;
  }

  // The platform with certificates, fetching per the fill mode (caller holds the stripe).
  StatusOr<std::shared_ptr<ParsedPlatform>> EnsureCertsLocked(const std::string& id, const PlatformIdentity& identity) {
    auto loaded = LoadLocked(id);
    if (!loaded.ok() && loaded.status().code() != StatusCode::kNotFound) return loaded.status();
    std::shared_ptr<ParsedPlatform> p = loaded.ok() ? *loaded : nullptr;
    if (p && !p->tcbs.empty()) {
      store::PlatformRecord probe = p->record;
      if (MergeIdentity(probe, identity, /*overwrite=*/false)) {  // e.g. a PPID learned later: keep it for re-fetches
        auto full = store->GetPlatform(id);  // memory holds no certificate list: never write one back empty
        if (!full.ok()) return p;
        MergeIdentity(*full, identity, /*overwrite=*/false);
        store->PutPlatform(*full).ok();
        auto updated = ParseStored(*full);
        Publish(updated);
        return updated;
      }
      return p;
    }
    if (options.fill_mode == FillMode::kOffline)
      return FailedPreconditionError("platform " + id + " is not in the cache (fill mode offline: platforms arrive by import)");
    if (options.fill_mode == FillMode::kReq && (!p || p->record.registered_at == 0))
      return FailedPreconditionError("platform " + id + " is not registered (fill mode req: register it with POST /platforms)");
    store::PlatformRecord r = p ? p->record : NewRecord(id, identity, "request");
    MergeIdentity(r, identity);
    return FetchLocked(r);
  }

  // ---- selection ---------------------------------------------------------------
  struct Selection {
    size_t index = 0;
    bool wants_newer = false;  // a TCB level fits the raw TCB above the selected certificate, or the raw TCB is above every certificate
  };

  StatusOr<Selection> Select(const ParsedPlatform& p, const RawTcb& raw) {
    if (p.tcbs.empty()) return NotFoundError("platform " + p.record.id + " has no PCK certificates");
    ASSIGN_OR_RETURN(auto tcb_info, SelectionTcbInfo(p.record.fmspc));
    if (tcb_info->tcb_type != 0) return FailedPreconditionError("TCB info tcbType " + std::to_string(tcb_info->tcb_type) + " is not supported");
    std::vector<intel::SgxTcb> levels;
    levels.reserve(tcb_info->levels.size());
    for (const auto& level : tcb_info->levels) levels.push_back(level.sgx);
    intel::SgxTcb raw_tcb = ToSgxTcb(raw);
    std::optional<size_t> selected = intel::SelectByTcb(levels, p.tcbs, raw_tcb);
    const intel::SgxTcb* chosen = selected ? &p.tcbs[*selected] : nullptr;
    // Would a newer certificate serve this raw TCB better? Either the raw TCB
    // is above every certificate, or a TCB level fits it above the chosen one
    // and the platform has no certificate for that level.
    bool above_all = true;
    for (const auto& t : p.tcbs)
      if (intel::CompareTcb(raw_tcb, t) != intel::TcbOrder::kGreater) above_all = false;
    bool level_missing = false;
    for (const auto& level : levels) {
      if (!intel::TcbNotAbove(level, raw_tcb)) continue;
      if (chosen && intel::CompareTcb(level, *chosen) != intel::TcbOrder::kGreater) continue;
      if (std::find(p.tcbs.begin(), p.tcbs.end(), level) == p.tcbs.end()) level_missing = true;
    }
    if (!selected) return NotFoundError("no PCK certificate of platform " + p.record.id + " fits raw TCB " + raw.ToString());
    return Selection{*selected, above_all || level_missing};
  }

  std::shared_ptr<const PckAnswer> MakeAnswer(const ParsedPlatform& p, size_t index) {
    auto a = std::make_shared<PckAnswer>();
    a->platform_id = p.record.id;
    a->cert_pem = p.pems[index];
    a->issuer_chain = p.record.issuer_chain;
    a->tcbm = p.tcbms[index];
    a->fmspc = p.record.fmspc;
    a->ca_type = p.record.ca_type;
    return a;
  }

  bool DueForRefetch(const ParsedPlatform& p) const {
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
    return now - p.record.certs_fetched_at >= options.min_refetch_interval.count();
  }

  void RememberRawTcb(const std::shared_ptr<ParsedPlatform>& p, const RawTcb& raw) {
    std::string text = raw.ToString();
    std::vector<std::string> list = SplitRawTcbs(p->record.raw_tcbs);
    if (std::find(list.begin(), list.end(), text) != list.end()) return;
    list.push_back(text);
    while (list.size() > options.max_raw_tcbs) list.erase(list.begin());
    std::string joined;
    for (const auto& t : list) joined += (joined.empty() ? "" : ",") + t;
    Status st = store->SetPlatformRawTcbs(p->record.id, joined);
    if (!st.ok()) {
      spdlog::warn("platform {}: remembering raw TCB failed: {}", p->record.id, st.ToString());
      return;
    }
    p->record.raw_tcbs = joined;  // caller holds the stripe; readers of raw_tcbs go through the store
  }

  // The miss path: load/fetch, select, maybe re-fetch for a newer level, memoise.
  StatusOr<std::shared_ptr<const PckAnswer>> Resolve(const std::string& id, const PlatformIdentity& identity, const RawTcb& raw) {
    std::lock_guard lock(StripeFor(id));
    ASSIGN_OR_RETURN(auto p, EnsureCertsLocked(id, identity));
    std::string raw_key = raw.ToString();
    {
      std::lock_guard a(p->answers_mu);
      auto it = p->answers.find(raw_key);
      if (it != p->answers.end()) return it->second;
    }
    auto selection = Select(*p, raw);
    bool not_found = !selection.ok() && selection.status().code() == StatusCode::kNotFound;
    if (!selection.ok() && !not_found) return selection.status();
    bool wants_newer = selection.ok() ? selection->wants_newer : true;
    if (wants_newer && CanFetch(p->record) && DueForRefetch(*p)) {
      spdlog::info("platform {}: raw TCB {} is above its best PCK certificate: fetching its certificates again", id, raw_key);
      auto refreshed = FetchLocked(p->record);
      if (refreshed.ok()) {
        p = *refreshed;
        selection = Select(*p, raw);
        if (!selection.ok()) return selection.status();
      } else if (not_found) {
        return selection.status();
      }
    } else if (not_found) {
      return selection.status();
    }
    auto answer = MakeAnswer(*p, selection->index);
    RememberRawTcb(p, raw);
    std::lock_guard a(p->answers_mu);
    if (p->answers.size() >= 64) p->answers.erase(p->answers.begin());
    p->answers.emplace(raw_key, answer);
    return std::shared_ptr<const PckAnswer>(answer);
  }

  StatusOr<PckCertsAnswer> ResolveAll(const std::string& id, const PlatformIdentity& identity) {
    std::lock_guard lock(StripeFor(id));
    ASSIGN_OR_RETURN(auto p, EnsureCertsLocked(id, identity));
    ASSIGN_OR_RETURN(auto full, store->GetPlatform(id));
    PckCertsAnswer a;
    a.platform_id = p->record.id;
    a.body = std::move(full.pck_certs);
    a.issuer_chain = p->record.issuer_chain;
    a.fmspc = p->record.fmspc;
    a.ca_type = p->record.ca_type;
    return a;
  }

  StatusOr<store::PlatformRecord> RefetchNow(std::string_view id) {
    std::lock_guard lock(StripeFor(id));
    ASSIGN_OR_RETURN(auto p, LoadLocked(id));
    ASSIGN_OR_RETURN(auto fresh, FetchLocked(p->record));
    return fresh->record;
  }

  void RefreshDue() {
    if (options.fill_mode == FillMode::kOffline) return;
    auto platforms = store->ListPlatforms();
    if (!platforms.ok()) {
      spdlog::warn("platform refresher: listing platforms failed: {}", platforms.status().ToString());
      return;
    }
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
    std::map<std::string, int64_t> current_eval;
    size_t refetched = 0;
    for (const auto& r : *platforms) {
      if (!CanFetch(r)) continue;
      std::string why;
      if (r.certs_fetched_at == 0) {
        if (options.fill_mode == FillMode::kReq && r.registered_at == 0) continue;
        if (r.registered_at == 0) continue;  // lazily learned platforms without certs are fetched on request
        why = "registered, certificates not fetched yet";
      } else if (now - r.certs_fetched_at >= options.refetch_interval.count()) {
        why = "periodic re-fetch";
      } else {
        auto [it, inserted] = current_eval.try_emplace(r.fmspc, 0);
        if (inserted) it->second = CurrentEvalNumber(r.fmspc);
        if (it->second > r.levels_eval_number && r.levels_eval_number >= 0 &&
            now - r.certs_fetched_at >= std::min<int64_t>(options.min_refetch_interval.count(), 60)) {
          why = "TCB info for FMSPC " + r.fmspc + " moved to evaluation number " + std::to_string(it->second);
        }
      }
      if (why.empty()) continue;
      spdlog::info("platform {}: re-fetching PCK certificates ({})", r.id, why);
      auto done = RefetchNow(r.id);
      if (done.ok()) ++refetched;
    }
    if (refetched) spdlog::info("platform refresher: re-fetched {} platform(s)", refetched);
  }
};

PlatformService::PlatformService(PlatformOptions options, std::shared_ptr<store::Store> store, std::shared_ptr<PckSource> source,
                                 std::shared_ptr<CollateralService> collateral, crypto::Certificate pinned_root,
                                 const Clock& clock, MetricsRegistry* metrics)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(store), std::move(source), std::move(collateral),
                                   std::move(pinned_root), clock, metrics)) {
  if (metrics) {
    std::weak_ptr<Impl> weak = impl_;
    metrics->AddGauge("thim_pck_platforms_in_memory", "Platforms whose certificates are held in memory", [weak] {
      std::vector<std::pair<Labels, double>> out;
      if (auto s = weak.lock()) {
        std::shared_lock lock(s->index_mu);
        out.push_back({{}, static_cast<double>(s->index.size())});
      }
      return out;
    });
  }
}

PlatformService::~PlatformService() { Stop(); }

Status PlatformService::Start() {
  Impl& s = *impl_;
  if (!s.workers.empty()) return OkStatus();
  for (int i = 0; i < std::max(1, s.options.worker_threads); ++i) s.workers.emplace_back([&s] { s.WorkerLoop(); });
  s.refresher = std::thread([&s] { s.RefresherLoop(); });
  spdlog::info("platform service: fill mode {}, re-fetch every {} h", FillModeName(s.options.fill_mode),
               s.options.refetch_interval.count() / 3600);
  return OkStatus();
}

void PlatformService::Stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.work_mu);
    s.stopping = true;
  }
  s.work_cv.notify_all();
  s.refresh_cv.notify_all();
  for (auto& t : s.workers)
    if (t.joinable()) t.join();
  s.workers.clear();
  if (s.refresher.joinable()) s.refresher.join();
}

FillMode PlatformService::fill_mode() const { return impl_->options.fill_mode; }

void PlatformService::GetPckCert(const PlatformIdentity& identity, const RawTcb& raw, PckCallback callback) {
  Impl& s = *impl_;
  std::string id = PlatformIdOf(identity);
  if (id.empty()) return callback(InvalidArgumentError("a QE id, an encrypted PPID or a platform manifest is required"));
  if (auto p = s.Find(id)) {
    std::string raw_key = raw.ToString();
    std::shared_ptr<const PckAnswer> hit;
    {
      std::lock_guard a(p->answers_mu);
      auto it = p->answers.find(raw_key);
      if (it != p->answers.end()) hit = it->second;
    }
    if (hit) {
      if (s.hits) s.hits->Inc();
      return callback(*hit);
    }
  }
  if (s.misses) s.misses->Inc();
  auto impl = impl_;
  auto shared_cb = std::make_shared<PckCallback>(std::move(callback));
  bool queued = s.Submit([impl, id, identity, raw, shared_cb] {
    auto r = impl->Resolve(id, identity, raw);
    if (!r.ok()) return (*shared_cb)(r.status());
    (*shared_cb)(**r);
  });
  if (!queued) (*shared_cb)(ResourceExhaustedError("too many PCK certificate lookups queued"));
}

StatusOr<PckAnswer> PlatformService::GetPckCertBlocking(const PlatformIdentity& identity, const RawTcb& raw) {
  std::string id = PlatformIdOf(identity);
  if (id.empty()) return InvalidArgumentError("a QE id, an encrypted PPID or a platform manifest is required");
  ASSIGN_OR_RETURN(auto answer, impl_->Resolve(id, identity, raw));
  return *answer;
}

void PlatformService::GetPckCerts(const PlatformIdentity& identity, PckCertsCallback callback) {
  std::string id = PlatformIdOf(identity);
  if (id.empty()) return callback(InvalidArgumentError("a QE id, an encrypted PPID or a platform manifest is required"));
  auto impl = impl_;
  auto shared_cb = std::make_shared<PckCertsCallback>(std::move(callback));
  bool queued = impl_->Submit([impl, id, identity, shared_cb] { (*shared_cb)(impl->ResolveAll(id, identity)); });
  if (!queued) (*shared_cb)(ResourceExhaustedError("too many PCK certificate lookups queued"));
}

StatusOr<PckCertsAnswer> PlatformService::GetPckCertsBlocking(const PlatformIdentity& identity) {
  std::string id = PlatformIdOf(identity);
  if (id.empty()) return InvalidArgumentError("a QE id, an encrypted PPID or a platform manifest is required");
  return impl_->ResolveAll(id, identity);
}

StatusOr<PlatformService::Registered> PlatformService::Register(const PlatformIdentity& identity, std::optional<RawTcb> raw) {
  Impl& s = *impl_;
  std::string id = PlatformIdOf(identity);
  if (id.empty()) return InvalidArgumentError("qe_id and pce_id are required");
  std::lock_guard lock(s.StripeFor(id));
  auto loaded = s.LoadLocked(id);
  if (!loaded.ok() && loaded.status().code() != StatusCode::kNotFound) return loaded.status();
  store::PlatformRecord r = Impl::NewRecord(id, identity, "registration");
  if (loaded.ok()) {
    auto full = s.store->GetPlatform(id);  // with its certificate list, which memory does not hold
    if (!full.ok()) return full.status();
    r = std::move(*full);
  }
  // A new manifest replaces the old identity: the platform was re-registered (e.g. after a TCB recovery).
  bool new_manifest = !identity.platform_manifest.empty() && identity.platform_manifest != r.platform_manifest;
  Impl::MergeIdentity(r, identity);
  r.registered_at = std::chrono::duration_cast<std::chrono::seconds>(s.clock.Now().time_since_epoch()).count();
  RETURN_IF_ERROR(s.store->PutPlatform(r));
  auto parsed = ParseStored(r);
  s.Publish(parsed);
  Registered out{r, OkStatus(), !r.pck_certs.empty()};
  out.record.pck_certs.clear();  // callers get the identity, not the certificate list
  if (s.options.fill_mode != FillMode::kOffline && (r.pck_certs.empty() || new_manifest)) {
    auto fetched = s.FetchLocked(r);
    if (fetched.ok()) {
      out.record = (*fetched)->record;
      out.has_certificates = true;
    } else {
      out.fetch_status = fetched.status();
    }
  }
  if (raw && out.has_certificates) {
    auto p = s.Find(id);
    if (p) s.RememberRawTcb(p, *raw);
    if (p) out.record.raw_tcbs = p->record.raw_tcbs;
  }
  spdlog::info("platform {}: registered (fill mode {}, certificates {})", id, FillModeName(s.options.fill_mode),
               out.has_certificates ? "cached" : "not fetched");
  return out;
}

StatusOr<store::PlatformRecord> PlatformService::Refetch(std::string_view platform_id) {
  if (impl_->options.fill_mode == FillMode::kOffline) return FailedPreconditionError("fill mode offline: no upstream");
  return impl_->RefetchNow(platform_id);
}

StatusOr<store::PlatformRecord> PlatformService::Import(const store::PlatformRecord& record) {
  Impl& s = *impl_;
  if (record.id.empty() || record.pce_id.empty()) return InvalidArgumentError("platform id and pce_id are required");
  std::lock_guard lock(s.StripeFor(record.id));
  store::PlatformRecord identity = record;
  FetchedPckCerts document{.http_status = 200, .body = record.pck_certs, .issuer_chain = record.issuer_chain,
                           .fmspc = record.fmspc, .ca_type = record.ca_type};
  store::PlatformRecord accepted = identity;
  if (!record.pck_certs.empty()) {
    auto valid = s.Accept(identity, document, record.certs_fetched_at);
    if (!valid.ok()) return valid.status().WithContext("platform " + record.id);
    accepted = *valid;
  }
  accepted.source = "import";
  RETURN_IF_ERROR(s.store->PutPlatform(accepted));
  s.Publish(ParseStored(accepted));
  return accepted;
}

StatusOr<std::vector<store::PlatformRecord>> PlatformService::List(std::string_view fmspc, bool with_certs) const {
  return impl_->store->ListPlatforms(fmspc, with_certs);
}

StatusOr<store::PlatformRecord> PlatformService::Get(std::string_view platform_id) const {
  return impl_->store->GetPlatform(platform_id);
}

Status PlatformService::Delete(std::string_view platform_id) {
  std::lock_guard lock(impl_->StripeFor(platform_id));
  RETURN_IF_ERROR(impl_->store->DeletePlatform(platform_id));
  impl_->Forget(platform_id);
  return OkStatus();
}

StatusOr<std::vector<intel::SgxTcb>> PlatformService::PlatformTcbs(const store::PlatformRecord& record) const {
  std::vector<intel::SgxTcb> out;
  for (const auto& text : SplitRawTcbs(record.raw_tcbs)) {
    auto raw = ParseRawTcb(text);
    if (raw.ok()) out.push_back(ToSgxTcb(*raw));
  }
  if (!out.empty()) return out;
  std::string body = record.pck_certs;
  if (body.empty()) {
    ASSIGN_OR_RETURN(auto full, impl_->store->GetPlatform(record.id));
    body = full.pck_certs;
  }
  if (body.empty()) return out;
  auto entries = intel::ParsePckCertList(body, /*parse_certificates=*/false);
  if (!entries.ok()) return entries.status();
  // The highest available certificate: one no other certificate is above.
  for (const auto& e : *entries) {
    if (e.cert_pem.empty()) continue;
    bool dominated = false;
    for (const auto& o : *entries)
      if (!o.cert_pem.empty() && intel::CompareTcb(o.tcb, e.tcb) == intel::TcbOrder::kGreater) dominated = true;
    if (!dominated) out.push_back(e.tcb);
  }
  return out;
}

void PlatformService::RefreshDue() { impl_->RefreshDue(); }

}  // namespace thim::cache
