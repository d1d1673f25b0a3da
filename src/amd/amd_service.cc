#include "amd/amd_service.h"

#include "amd/amd_pss.h"
#include "amd/pinned_arks.h"
#include "core/pem.h"
#include "crypto/chain.h"

namespace thim::amd {

struct AmdService::Flight {
  bool done = false;
  Status status;
  std::shared_ptr<const void> value;
};

AmdService::AmdService(std::shared_ptr<KdsSource> kds, std::shared_ptr<store::Store> store, AmdServiceOptions options,
                       const Clock& clock)
    : kds_(std::move(kds)), store_(std::move(store)), options_(std::move(options)), clock_(clock) {}

const crypto::Certificate& AmdService::Ark(Product product) const {
  auto it = options_.arks.find(product);
  return it != options_.arks.end() ? it->second : PinnedArk(product);
}

template <typename T>
StatusOr<std::shared_ptr<const T>> AmdService::Once(const std::string& key,
                                                    const std::function<StatusOr<std::shared_ptr<const T>>()>& fetch) {
  std::unique_lock lock(mu_);
  if (auto it = flights_.find(key); it != flights_.end()) {
    std::shared_ptr<Flight> f = it->second;
    ++vcek_waits_;
    cv_.wait(lock, [&] { return f->done; });
    if (!f->status.ok()) return f->status;
    return std::static_pointer_cast<const T>(f->value);
  }
  auto f = std::make_shared<Flight>();
  flights_[key] = f;
  lock.unlock();
  StatusOr<std::shared_ptr<const T>> result = fetch();
  lock.lock();
  f->done = true;
  if (result.ok()) {
    f->value = *result;
  } else {
    f->status = result.status();
  }
  flights_.erase(key);
  cv_.notify_all();
  return result;
}

StatusOr<std::string> AmdService::KdsGet(const std::string& path) {
  ++kds_calls_;
  auto body = kds_->Get(path);
  if (!body.ok()) {
    ++kds_failures_;
    if (body.status().code() == StatusCode::kResourceExhausted) ++kds_throttled_;
  }
  return body;
}

// ---- chains ----------------------------------------------------------------

StatusOr<std::shared_ptr<const ChainEntry>> AmdService::ValidateChain(std::string pem, Product product, KeyKind kind,
                                                                      TimePoint fetched) {
  ASSIGN_OR_RETURN(auto certs, crypto::ParseCertificateList(pem));
  if (certs.size() != 2) return DataLossError("a KDS cert_chain holds 2 certificates, got " + std::to_string(certs.size()));
  std::string want = std::string(kind == KeyKind::kVlek ? "SEV-VLEK-" : "SEV-") + std::string(ProductName(product));
  if (certs[0].SubjectCommonName() != want) {
    return DataLossError("cert_chain starts with " + certs[0].SubjectCommonName() + ", expected " + want);
  }
  crypto::ChainOptions opts{.at = clock_.Now()};
  auto path = crypto::VerifyChain(certs, Ark(product), opts);
  if (!path.ok()) return path.status().WithContext("cert_chain");
  for (const auto& c : certs) RETURN_IF_ERROR(CheckAmdPssProfile(c));
  return std::make_shared<const ChainEntry>(
      ChainEntry{.product = product, .kind = kind, .pem = std::move(pem), .certs = std::move(certs), .fetched_at = fetched});
}

Status AmdService::StoreChain(const ChainEntry& e) {
  if (!store_) return OkStatus();
  store::StoredItem item{.key = ChainStoreKey(e.product, e.kind), .kind = "amd_cert_chain", .body = e.pem,
                         .issuer_chain = "", .content_type = "application/x-pem-file",
                         .issue_date = ToUnixSeconds(e.certs[0].NotBefore()), .next_update = 0, .evaluation_number = -1,
                         .fetched_at = ToUnixSeconds(e.fetched_at)};
  return store_->Put(item);
}

StatusOr<std::shared_ptr<const ChainEntry>> AmdService::FetchChain(Product product, KeyKind kind) {
  ASSIGN_OR_RETURN(std::string pem, KdsGet(CertChainPath(product, kind)));
  ASSIGN_OR_RETURN(auto entry, ValidateChain(std::move(pem), product, kind, clock_.Now()));
  (void)StoreChain(*entry);  // best effort: memory still serves it
  std::lock_guard lock(mu_);
  chains_[ChainStoreKey(product, kind)] = entry;
  return entry;
}

StatusOr<std::shared_ptr<const ChainEntry>> AmdService::Chain(Product product, KeyKind kind) {
  const std::string key = ChainStoreKey(product, kind);
  {
    std::lock_guard lock(mu_);
    if (auto it = chains_.find(key); it != chains_.end()) return it->second;
  }
  return Once<ChainEntry>(key, [&]() -> StatusOr<std::shared_ptr<const ChainEntry>> {
    if (store_) {
      if (auto stored = store_->Get(key); stored.ok()) {
        auto entry = ValidateChain(stored->body, product, kind, FromUnixSeconds(stored->fetched_at));
        if (entry.ok()) {
          std::lock_guard lock(mu_);
          chains_[key] = *entry;
          return entry;
        }
      }
    }
    return FetchChain(product, kind);
  });
}

StatusOr<std::shared_ptr<const ChainEntry>> AmdService::RefreshChain(Product product, KeyKind kind) {
  return Once<ChainEntry>(ChainStoreKey(product, kind), [&] { return FetchChain(product, kind); });
}

std::shared_ptr<const ChainEntry> AmdService::PeekChain(Product product, KeyKind kind) {
  std::lock_guard lock(mu_);
  auto it = chains_.find(ChainStoreKey(product, kind));
  return it == chains_.end() ? nullptr : it->second;
}

StatusOr<std::shared_ptr<const ChainEntry>> AmdService::ImportChain(Product product, KeyKind kind, std::string pem) {
  ASSIGN_OR_RETURN(auto entry, ValidateChain(std::move(pem), product, kind, clock_.Now()));
  RETURN_IF_ERROR(StoreChain(*entry));
  std::lock_guard lock(mu_);
  chains_[ChainStoreKey(product, kind)] = entry;
  return entry;
}

std::vector<std::shared_ptr<const ChainEntry>> AmdService::ListChains() {
  std::vector<std::shared_ptr<const ChainEntry>> out;
  for (Product p : {Product::kMilan, Product::kGenoa, Product::kTurin}) {
    for (KeyKind k : {KeyKind::kVcek, KeyKind::kVlek}) {
      if (auto held = PeekChain(p, k)) {
        out.push_back(held);
        continue;
      }
      if (!store_) continue;
      auto stored = store_->Get(ChainStoreKey(p, k));
      if (!stored.ok()) continue;
      auto entry = ValidateChain(stored->body, p, k, FromUnixSeconds(stored->fetched_at));
      if (!entry.ok()) continue;
      std::lock_guard lock(mu_);
      chains_.try_emplace(ChainStoreKey(p, k), *entry);
      out.push_back(*entry);
    }
  }
  return out;
}

// ---- VCEKs -------------------------------------------------------------------

StatusOr<std::shared_ptr<const VcekEntry>> AmdService::ValidateVcek(std::string der, std::optional<VcekRequest> asked,
                                                                    TimePoint fetched) {
  ASSIGN_OR_RETURN(auto cert, crypto::Certificate::FromDer(AsBytes(der)));
  ASSIGN_OR_RETURN(EndorsementCert key, ParseEndorsementCert(cert));
  if (key.kind != EndorsementKind::kVcek) return DataLossError("KDS answered a VLEK where a VCEK was asked");
  if (asked) {
    if (key.product != asked->product) return DataLossError("the VCEK is for " + key.product_name);
    if (key.hw_id != asked->hw_id) return DataLossError("the VCEK's hwID " + HexEncode(key.hw_id) + " is not the chip asked");
    if (key.TcbRaw() != EncodeTcb(asked->product, asked->tcb) &&
        !(DecodeTcb(key.product, key.TcbRaw()) == asked->tcb)) {
      return DataLossError("the VCEK's TCB " + FormatTcbm(key.TcbRaw()) + " is not the TCB asked");
    }
  }
  ASSIGN_OR_RETURN(auto chain, Chain(key.product, KeyKind::kVcek));
  std::vector<crypto::Certificate> full{cert, chain->certs[0], chain->certs[1]};
  crypto::ChainOptions opts{.at = clock_.Now()};
  auto path = crypto::VerifyChain(full, Ark(key.product), opts);
  if (!path.ok()) return path.status().WithContext("VCEK");
  RETURN_IF_ERROR(CheckAmdPssProfile(cert));
  VcekEntry e{.product = key.product, .hw_id = key.hw_id, .tcb = key.TcbRaw(), .der = std::move(der), .pem = {},
              .not_after = cert.NotAfter(), .fetched_at = fetched};
  e.pem = EncodePem("CERTIFICATE", AsBytes(e.der));
  return std::make_shared<const VcekEntry>(std::move(e));
}

Status AmdService::StoreVcek(const VcekEntry& e) {
  if (!store_) return OkStatus();
  store::StoredItem item{.key = VcekStoreKey(e.product, e.hw_id, e.tcb), .kind = "amd_vcek", .body = e.der,
                         .issuer_chain = "", .content_type = "application/pkix-cert", .issue_date = 0, .next_update = 0,
                         .evaluation_number = -1, .fetched_at = ToUnixSeconds(e.fetched_at)};
  return store_->Put(item);
}

StatusOr<std::shared_ptr<const VcekEntry>> AmdService::Vcek(Product product, ByteSpan hw_id, uint64_t tcb) {
  if (hw_id.size() != HwIdLength(product)) {
    return InvalidArgumentError("a " + std::string(ProductName(product)) + " hwID is " +
                                std::to_string(HwIdLength(product)) + " bytes");
  }
  const std::string key = VcekStoreKey(product, hw_id, tcb);
  {
    std::lock_guard lock(mu_);
    if (auto it = vceks_.find(key); it != vceks_.end()) {
      ++vcek_hits_;
      return it->second;
    }
  }
  VcekRequest asked{.product = product, .hw_id = Bytes(hw_id.begin(), hw_id.end()), .tcb = DecodeTcb(product, tcb)};
  return Once<VcekEntry>(key, [&]() -> StatusOr<std::shared_ptr<const VcekEntry>> {
    StatusOr<std::shared_ptr<const VcekEntry>> entry = NotFoundError("");
    if (store_) {
      if (auto stored = store_->Get(key); stored.ok()) {
        entry = ValidateVcek(stored->body, asked, FromUnixSeconds(stored->fetched_at));
      }
    }
    if (!entry.ok()) {
      // The chain first: without it a fetched VCEK could not be validated.
      ASSIGN_OR_RETURN(auto chain, Chain(product, KeyKind::kVcek));
      (void)chain;
      ASSIGN_OR_RETURN(std::string der, KdsGet(VcekPath(product, hw_id, asked.tcb)));
      ASSIGN_OR_RETURN(entry, ValidateVcek(std::move(der), asked, clock_.Now()));
      (void)StoreVcek(**entry);
    }
    std::lock_guard lock(mu_);
    vceks_[key] = *entry;
    return entry;
  });
}

std::shared_ptr<const VcekEntry> AmdService::PeekVcek(Product product, ByteSpan hw_id, uint64_t tcb) {
  std::lock_guard lock(mu_);
  auto it = vceks_.find(VcekStoreKey(product, hw_id, tcb));
  if (it == vceks_.end()) return nullptr;
  ++vcek_hits_;
  return it->second;
}

StatusOr<std::shared_ptr<const VcekEntry>> AmdService::ImportVcek(ByteSpan der, std::optional<VcekRequest> expected) {
  ASSIGN_OR_RETURN(auto entry, ValidateVcek(std::string(AsChars(der)), std::move(expected), clock_.Now()));
  RETURN_IF_ERROR(StoreVcek(*entry));
  std::lock_guard lock(mu_);
  vceks_[VcekStoreKey(entry->product, entry->hw_id, entry->tcb)] = entry;
  return entry;
}

std::vector<std::shared_ptr<const VcekEntry>> AmdService::ListVceks() {
  std::map<std::string, std::shared_ptr<const VcekEntry>> all;
  {
    std::lock_guard lock(mu_);
    all = vceks_;
  }
  if (store_) {
    if (auto items = store_->List("amd/vcek/"); items.ok()) {
      for (const auto& item : *items) {
        if (all.count(item.key)) continue;
        auto e = ValidateVcek(item.body, std::nullopt, FromUnixSeconds(item.fetched_at));
        if (e.ok()) all[item.key] = *e;
      }
    }
  }
  std::vector<std::shared_ptr<const VcekEntry>> out;
  for (auto& [k, v] : all) out.push_back(v);
  return out;
}

// ---- CRLs --------------------------------------------------------------------

StatusOr<std::shared_ptr<const CrlEntry>> AmdService::ValidateCrl(std::string der, Product product, KeyKind kind) {
  ASSIGN_OR_RETURN(auto crl, crypto::Crl::FromAny(AsBytes(der)));
  RETURN_IF_ERROR(crl.VerifySignature(Ark(product).public_key()).WithContext("KDS CRL"));
  RETURN_IF_ERROR(CheckAmdPssProfile(crl));
  if (crl.ThisUpdate() > clock_.Now()) return DataLossError("KDS CRL is not yet valid");
  TimePoint next = crl.NextUpdate().value_or(crl.ThisUpdate() + std::chrono::hours(24 * 365));
  return std::make_shared<const CrlEntry>(CrlEntry{.product = product, .kind = kind, .der = std::move(der),
                                                   .this_update = crl.ThisUpdate(), .next_update = next,
                                                   .stale = clock_.Now() > next});
}

Status AmdService::PublishCrl(const std::shared_ptr<const CrlEntry>& entry) {
  const std::string key = CrlStoreKey(entry->product, entry->kind);
  std::shared_ptr<const CrlEntry> held = HeldCrl(entry->product, entry->kind);
  if (held && entry->this_update < held->this_update) {
    return FailedPreconditionError("rollback: the CRL " + key + " issued " + FormatRfc3339(entry->this_update) +
                                   " is older than the held one, issued " + FormatRfc3339(held->this_update));
  }
  if (store_) {
    store::StoredItem item{.key = key, .kind = "amd_crl", .body = entry->der, .issuer_chain = "",
                           .content_type = "application/pkix-crl", .issue_date = ToUnixSeconds(entry->this_update),
                           .next_update = ToUnixSeconds(entry->next_update), .evaluation_number = -1,
                           .fetched_at = ToUnixSeconds(clock_.Now())};
    RETURN_IF_ERROR(store_->Put(item));
  }
  std::lock_guard lock(mu_);
  auto& slot = crls_[key];
  if (!slot || slot->this_update <= entry->this_update) slot = entry;  // a concurrent newer one stays
  return OkStatus();
}

std::shared_ptr<const CrlEntry> AmdService::HeldCrl(Product product, KeyKind kind) {
  const std::string key = CrlStoreKey(product, kind);
  {
    std::lock_guard lock(mu_);
    if (auto it = crls_.find(key); it != crls_.end()) return it->second;
  }
  if (!store_) return nullptr;
  auto stored = store_->Get(key);
  if (!stored.ok()) return nullptr;
  auto entry = ValidateCrl(stored->body, product, kind);
  if (!entry.ok()) return nullptr;
  std::lock_guard lock(mu_);
  return crls_.try_emplace(key, *entry).first->second;
}

StatusOr<std::shared_ptr<const CrlEntry>> AmdService::FetchCrl(Product product, KeyKind kind) {
  ASSIGN_OR_RETURN(std::string der, KdsGet(CrlPath(product, kind)));
  ASSIGN_OR_RETURN(auto entry, ValidateCrl(std::move(der), product, kind));
  Status published = PublishCrl(entry);
  if (published.code() == StatusCode::kFailedPrecondition) {
    return DataLossError("KDS served an older CRL than the one held: " + published.message());
  }
  if (!published.ok()) {
    // The store failed: memory still serves the new CRL.
    std::lock_guard lock(mu_);
    crls_[CrlStoreKey(product, kind)] = entry;
  }
  return entry;
}

StatusOr<std::shared_ptr<const CrlEntry>> AmdService::Crl(Product product, KeyKind kind) {
  std::shared_ptr<const CrlEntry> held = HeldCrl(product, kind);
  TimePoint now = clock_.Now();
  if (held && now <= held->next_update) return held;
  auto fresh = Once<CrlEntry>(CrlStoreKey(product, kind), [&] { return FetchCrl(product, kind); });
  if (fresh.ok()) return fresh;
  // KDS failed: the stale copy within the grace, flagged.
  if (held && now <= held->next_update + options_.stale_grace) {
    auto stale = std::make_shared<CrlEntry>(*held);
    stale->stale = true;
    return std::shared_ptr<const CrlEntry>(stale);
  }
  return fresh.status();
}

StatusOr<std::shared_ptr<const CrlEntry>> AmdService::RefreshCrl(Product product, KeyKind kind) {
  return Once<CrlEntry>(CrlStoreKey(product, kind), [&] { return FetchCrl(product, kind); });
}

StatusOr<std::shared_ptr<const CrlEntry>> AmdService::ImportCrl(Product product, KeyKind kind, std::string der) {
  ASSIGN_OR_RETURN(auto entry, ValidateCrl(std::move(der), product, kind));
  auto held = HeldCrl(product, kind);
  if (held && held->der == entry->der) return held;  // the same CRL again
  RETURN_IF_ERROR(PublishCrl(entry));
  return entry;
}

std::vector<std::shared_ptr<const CrlEntry>> AmdService::ListCrls() {
  std::vector<std::shared_ptr<const CrlEntry>> out;
  for (Product p : {Product::kMilan, Product::kGenoa, Product::kTurin})
    for (KeyKind k : {KeyKind::kVcek, KeyKind::kVlek})
      if (auto held = HeldCrl(p, k)) out.push_back(held);
  return out;
}

AmdStats AmdService::Stats() const {
  AmdStats s{.kds_calls = kds_calls_.load(), .kds_failures = kds_failures_.load(), .kds_throttled = kds_throttled_.load(),
             .vcek_hits = vcek_hits_.load(), .vcek_waits = vcek_waits_.load(), .vceks_in_memory = 0};
  std::lock_guard lock(mu_);
  s.vceks_in_memory = vceks_.size();
  return s;
}

}  // namespace thim::amd
