// PlatformService: PCK certificates of SGX platforms, as a THIM serves them.
//
// A platform is known by its QE id + PCE-ID (what Intel's client library and
// PCCS use), or — for clients speaking Intel PCS's own form — by its
// encrypted PPID or platform manifest. For every platform thimd keeps **all**
// its PCK certificates (one per TCB level, from upstream `pckcerts`) and
// answers `pckcert` for any raw TCB with Intel's selection (the highest
// certificate not above the raw TCB), memoised per raw TCB.
//
// Unlike PCCS it keeps platforms current: a request whose raw TCB reaches a
// TCB level the platform has no certificate for (a microcode/BIOS update or a
// TCB recovery), a newer TCB info for the platform's FMSPC (new evaluation
// number), or simply age, makes it fetch the platform's certificates again.
//
// Every fetched or imported certificate is validated before it is stored:
// chain to the pinned Intel root, not revoked (PCK CRL of its CA and root CA
// CRL), same PPID/FMSPC/CA type for all, PCE-ID as asked, each entry's TCB
// and TCBm equal to its certificate's.
//
// Fill modes (as PCCS operators know them):
//   lazy    – a miss fetches from upstream (default);
//   req     – only registered platforms (POST /platforms) are fetched;
//   offline – never contacts upstream; platforms arrive by import.
//
// Errors: NotFound (no certificate fits this raw TCB / upstream has none),
// FailedPrecondition (platform unknown and the fill mode forbids fetching:
// PCCS's 461), InvalidArgument (malformed request), Unavailable /
// ResourceExhausted (upstream), DataLoss (upstream answered with something
// that failed validation).
//
// Thread-safety: every public method may be called concurrently. Hits are
// answered on the caller's thread from memory; misses run on the service's
// worker threads (never on an I/O thread).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/collateral_service.h"
#include "cache/pck_source.h"
#include "core/bytes.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "crypto/certificate.h"
#include "intel/tcb.h"
#include "store/store.h"

namespace thim::cache {

enum class FillMode { kLazy, kReq, kOffline };
StatusOr<FillMode> ParseFillMode(std::string_view text);  // "lazy" | "req" | "offline"
std::string_view FillModeName(FillMode mode);

// A client's description of its platform (and, for pckcert, its raw TCB).
// Fields are validated and upper-cased by the API layer.
struct PlatformIdentity {
  std::string qe_id;              // hex; empty in the PCS form
  std::string pce_id;             // 4 hex
  std::string encrypted_ppid;     // 768 hex; empty (or all zeros: "none")
  std::string platform_manifest;  // hex; empty
};

// "QEID-PCEID" when a QE id is given, else "ppid:<SHA-256(enc PPID)[0..16]>-PCEID"
// or "manifest:<SHA-256(manifest)[0..16]>-PCEID"; empty when none is given.
std::string PlatformIdOf(const PlatformIdentity& identity);
// True for an encrypted PPID of all zeros (what Intel's client sends when it has none).
bool IsZeroPpid(std::string_view encrypted_ppid_hex);

struct RawTcb {
  Bytes cpusvn;  // 16 bytes
  uint16_t pcesvn = 0;
  std::string ToString() const;  // "CPUSVNHEX:PCESVN"
};

struct PckAnswer {
  std::string platform_id;
  std::string cert_pem;      // the selected PCK certificate
  std::string issuer_chain;  // URL-encoded PEM, as received
  std::string tcbm;          // of the selected certificate
  std::string fmspc;
  std::string ca_type;       // "processor" | "platform"
};

struct PckCertsAnswer {
  std::string platform_id;
  std::string body;  // the pckcerts JSON array as received ("Not available" entries kept)
  std::string issuer_chain;
  std::string fmspc;
  std::string ca_type;
};

struct PlatformOptions {
  FillMode fill_mode = FillMode::kLazy;
  int worker_threads = 2;
  size_t max_queue = 10000;
  // Re-fetch every platform's certificates this often anyway.
  std::chrono::seconds refetch_interval{std::chrono::hours(24 * 7)};
  // A raw TCB above the platform's best certificate re-fetches at most this often per platform.
  std::chrono::seconds min_refetch_interval{std::chrono::hours(1)};
  // How often the refresher looks for platforms to re-fetch.
  std::chrono::seconds check_interval{std::chrono::minutes(5)};
  // Platforms whose parsed certificates and answers are kept in memory (LRU).
  size_t max_cached_platforms = 20000;
  // Raw TCBs remembered per platform (for impact reports and re-selection).
  size_t max_raw_tcbs = 16;
  std::chrono::milliseconds collateral_timeout{30000};
};

class PlatformService {
 public:
  PlatformService(PlatformOptions options, std::shared_ptr<store::Store> store, std::shared_ptr<PckSource> source,
                  std::shared_ptr<CollateralService> collateral, crypto::Certificate pinned_root, const Clock& clock,
                  MetricsRegistry* metrics);
  ~PlatformService();
  PlatformService(const PlatformService&) = delete;
  PlatformService& operator=(const PlatformService&) = delete;

  Status Start();  // starts the workers and the refresher
  void Stop();
  FillMode fill_mode() const;

  using PckCallback = std::function<void(StatusOr<PckAnswer>)>;
  using PckCertsCallback = std::function<void(StatusOr<PckCertsAnswer>)>;

  // The PCK certificate for `raw` (Intel's selection). Hits call back at once
  // on this thread; misses on a worker thread.
  void GetPckCert(const PlatformIdentity& identity, const RawTcb& raw, PckCallback callback);
  StatusOr<PckAnswer> GetPckCertBlocking(const PlatformIdentity& identity, const RawTcb& raw);
  // All certificates of the platform.
  void GetPckCerts(const PlatformIdentity& identity, PckCertsCallback callback);
  StatusOr<PckCertsAnswer> GetPckCertsBlocking(const PlatformIdentity& identity);

  // Registration (POST /platforms): records the platform (and its raw TCB,
  // when given); in lazy and req modes fetches its certificates now. Returns
  // the stored record; a failed fetch is reported in `fetch_status` while the
  // registration itself stands (the refresher retries).
  struct Registered {
    store::PlatformRecord record;  // the identity as stored (without the certificate list)
    Status fetch_status;
    bool has_certificates = false;
  };
  StatusOr<Registered> Register(const PlatformIdentity& identity, std::optional<RawTcb> raw);

  // Fetches the platform's certificates again now (admin refresh). The
  // record returned carries no certificate list (List/Get with the store do).
  StatusOr<store::PlatformRecord> Refetch(std::string_view platform_id);

  // Imports a platform with its certificates (offline bundles): validated
  // exactly like an upstream answer; the store's rollback guard applies.
  StatusOr<store::PlatformRecord> Import(const store::PlatformRecord& record);

  StatusOr<std::vector<store::PlatformRecord>> List(std::string_view fmspc = "", bool with_certs = false) const;
  StatusOr<store::PlatformRecord> Get(std::string_view platform_id) const;
  Status Delete(std::string_view platform_id);

  // The TCB a platform is judged at: each raw TCB clients asked with, or when
  // none was seen, its highest available certificate's TCB.
  StatusOr<std::vector<intel::SgxTcb>> PlatformTcbs(const store::PlatformRecord& record) const;

  // One refresher pass now (tests; the refresher thread calls it periodically).
  void RefreshDue();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace thim::cache
