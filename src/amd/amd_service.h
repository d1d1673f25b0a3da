// The AMD collateral cache: VCEKs per (product, chip, TCB), the ASK/ARK and
// ASVK/ARK chains and the CRLs per product, fetched from KDS, validated, kept
// in the store and in memory, and served byte-exact.
//   * One KDS call per key at a time (single flight): a burst of VM starts on
//     one chip makes one call, whatever the number of requests.
//   * VCEK: validated (chain to the pinned ARK, AMD's PSS profile, hwID and
//     TCB equal to what was asked) and kept forever: a (chip, TCB) VCEK never
//     changes. Chains: kept while valid. CRLs: re-fetched after nextUpdate,
//     the stale copy served within `stale_grace` when KDS fails.
// Store keys: amd/amd_keys.h. Items imported from a bundle are validated
// exactly like KDS answers; a CRL never replaces a newer one (thisUpdate).
// The background refresh of CRLs and chains is AmdRefresher's
// (amd/amd_refresher.h), through RefreshCrl / RefreshChain.
// Thread-safety: every method may be called concurrently.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "amd/amd_keys.h"
#include "amd/endorsement_cert.h"
#include "amd/kds_client.h"
#include "amd/kds_paths.h"
#include "core/clock.h"
#include "crypto/crl.h"
#include "store/store.h"

namespace thim::amd {

struct VcekEntry {
  Product product;
  Bytes hw_id;
  uint64_t tcb = 0;      // TCB_VERSION as the VCEK encodes it
  std::string der;       // as KDS served it
  std::string pem;       // the same, PEM
  TimePoint not_after;
  TimePoint fetched_at;
};

struct ChainEntry {
  Product product;
  KeyKind kind;
  std::string pem;  // as KDS served it: ASK (or ASVK) then ARK
  std::vector<crypto::Certificate> certs;
  TimePoint fetched_at;
};

struct CrlEntry {
  Product product;
  KeyKind kind;
  std::string der;  // as KDS served it
  TimePoint this_update;
  TimePoint next_update;
  bool stale = false;  // past nextUpdate, served within the grace
};

struct AmdServiceOptions {
  // Roots other than AMD's (the simulator's); products absent use the pinned ARK.
  std::map<Product, crypto::Certificate> arks;
  std::chrono::seconds stale_grace{std::chrono::hours(168)};
  int cache_control_seconds = 86400;
};

struct AmdStats {
  uint64_t kds_calls = 0;       // requests sent to KDS
  uint64_t kds_failures = 0;     // of which failed (any cause)
  uint64_t kds_throttled = 0;    // of which ended throttled (429 after the retries)
  uint64_t vcek_hits = 0;       // answered from memory
  uint64_t vcek_waits = 0;      // joined a fetch already in flight (any item)
  uint64_t vceks_in_memory = 0;
};

class AmdService {
 public:
  AmdService(std::shared_ptr<KdsSource> kds, std::shared_ptr<store::Store> store, AmdServiceOptions options,
             const Clock& clock = SystemClock::Instance());

  StatusOr<std::shared_ptr<const VcekEntry>> Vcek(Product product, ByteSpan hw_id, uint64_t tcb);
  // The VCEK when it is in memory (never blocks, never calls KDS), else null.
  std::shared_ptr<const VcekEntry> PeekVcek(Product product, ByteSpan hw_id, uint64_t tcb);
  std::shared_ptr<const ChainEntry> PeekChain(Product product, KeyKind kind);
  StatusOr<std::shared_ptr<const ChainEntry>> Chain(Product product, KeyKind kind);
  StatusOr<std::shared_ptr<const CrlEntry>> Crl(Product product, KeyKind kind);

  // Every VCEK held (memory and store), for the admin API.
  std::vector<std::shared_ptr<const VcekEntry>> ListVceks();
  // Every chain / CRL held (memory and store; stored ones are validated and
  // kept in memory from then on), for bundle export and the refresher.
  std::vector<std::shared_ptr<const ChainEntry>> ListChains();
  std::vector<std::shared_ptr<const CrlEntry>> ListCrls();

  // Items obtained out of band (bundle import), validated like KDS answers
  // and stored. ImportVcek: with `expected`, the VCEK must be that chip's at
  // that TCB. ImportCrl: FailedPrecondition (rollback) when the held CRL has
  // a later thisUpdate; the same CRL again is OK.
  StatusOr<std::shared_ptr<const VcekEntry>> ImportVcek(ByteSpan der, std::optional<VcekRequest> expected = std::nullopt);
  StatusOr<std::shared_ptr<const ChainEntry>> ImportChain(Product product, KeyKind kind, std::string pem);
  StatusOr<std::shared_ptr<const CrlEntry>> ImportCrl(Product product, KeyKind kind, std::string der);

  // Fetch from KDS now, whatever is held (background refresh); shares the
  // single flight with requests. The held item stays when KDS fails or
  // answers an older CRL (DataLoss).
  StatusOr<std::shared_ptr<const CrlEntry>> RefreshCrl(Product product, KeyKind kind);
  StatusOr<std::shared_ptr<const ChainEntry>> RefreshChain(Product product, KeyKind kind);

  AmdStats Stats() const;
  const AmdServiceOptions& options() const { return options_; }
  const crypto::Certificate& Ark(Product product) const;

 private:
  struct Flight;
  // Runs `fetch` once for concurrent callers of the same key (single flight).
  template <typename T>
  StatusOr<std::shared_ptr<const T>> Once(const std::string& key,
                                          const std::function<StatusOr<std::shared_ptr<const T>>()>& fetch);
  StatusOr<std::string> KdsGet(const std::string& path);
  StatusOr<std::shared_ptr<const VcekEntry>> ValidateVcek(std::string der, std::optional<VcekRequest> asked, TimePoint fetched);
  StatusOr<std::shared_ptr<const ChainEntry>> ValidateChain(std::string pem, Product product, KeyKind kind, TimePoint fetched);
  StatusOr<std::shared_ptr<const CrlEntry>> ValidateCrl(std::string der, Product product, KeyKind kind);
  StatusOr<std::shared_ptr<const ChainEntry>> FetchChain(Product product, KeyKind kind);
  StatusOr<std::shared_ptr<const CrlEntry>> FetchCrl(Product product, KeyKind kind);
  // The CRL in memory, else the stored one (validated, then kept in memory); null when none.
  std::shared_ptr<const CrlEntry> HeldCrl(Product product, KeyKind kind);
  // Writes the item to the store (no-op without one).
  Status StoreChain(const ChainEntry& entry);
  Status StoreVcek(const VcekEntry& entry);
  // Rollback guard, store, memory. FailedPrecondition when a newer CRL is held.
  Status PublishCrl(const std::shared_ptr<const CrlEntry>& entry);

  std::shared_ptr<KdsSource> kds_;
  std::shared_ptr<store::Store> store_;
  AmdServiceOptions options_;
  const Clock& clock_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<Flight>> flights_;
  std::map<std::string, std::shared_ptr<const VcekEntry>> vceks_;
  std::map<std::string, std::shared_ptr<const ChainEntry>> chains_;
  std::map<std::string, std::shared_ptr<const CrlEntry>> crls_;
  std::atomic<uint64_t> kds_calls_{0}, kds_failures_{0}, kds_throttled_{0}, vcek_hits_{0}, vcek_waits_{0};
};

}  // namespace thim::amd
