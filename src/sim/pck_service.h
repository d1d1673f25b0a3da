// The simulator's PCK certificate service: one PCK certificate per platform
// and TCB level, issued on first use and then kept (a certificate never
// changes within a run), Intel's selection for GET/POST pckcert, and the
// PCS wire format of pckcert / pckcerts / pckcerts/config (reference
// intel-pcs-pccs.md §1.4 P1–P6).
//
// TCB levels are passed in by the caller (the simulator derives them from its
// published evaluation numbers, so they grow after a TCB recovery), highest
// first, as a TCB info lists them.
// Thread-safety: every method may be called concurrently.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "intel/pck_certificate.h"
#include "server/http_message.h"
#include "sim/pki/intel_pki.h"
#include "sim/platforms.h"

namespace thim::sim {

// One TCB level of a platform as pckcerts lists it.
struct SimPckLevel {
  intel::SgxTcb tcb;
  std::string tcbm;        // 36 upper-case hex: CPUSVN ‖ PCESVN (LE)
  bool available = true;   // false: pckcerts says "Not available"
};

// The certificate the simulator itself selects for a raw TCB (what
// GET pckcert answers), for tests that compare a cache's choice with it.
struct SimPckAnswer {
  std::string pem;         // the PCK certificate, PEM
  std::string tcbm;        // SGX-TCBm of that certificate
  intel::SgxTcb tcb;       // its TCB level
  intel::PckCaType ca = intel::PckCaType::kProcessor;
  std::string fmspc;       // 12 upper-case hex
};

// How the simulator's tamper modes alter PCK answers.
enum class PckTamper {
  kNone,
  kBadSignature,  // certificates whose signature does not verify
  kWrongFmspc,    // certificates naming another FMSPC than SGX-FMSPC says
  kForeignRoot,   // certificates (and chain) from a different root
};

class PckService {
 public:
  PckService(const IntelPki& pki, PlatformFleet fleet);

  const PlatformFleet& fleet() const { return fleet_; }

  // The platform's levels: every entry of `levels`, the lowest marked
  // unavailable when the platform says so.
  std::vector<SimPckLevel> Levels(const SimPlatform& platform, const std::vector<intel::SgxTcb>& levels) const;

  // Intel's selection (intel::SelectPckCertificate) over the platform's
  // available certificates with `levels` as the TCB info levels. NotFound
  // when no certificate is at or below the raw TCB, InvalidArgument for a raw
  // CPUSVN that is not 16 bytes.
  StatusOr<SimPckAnswer> Select(const SimPlatform& platform, ByteSpan raw_cpusvn, uint16_t raw_pcesvn,
                                const std::vector<intel::SgxTcb>& levels) const;

  enum class Route { kPckCert, kPckCerts, kPckCertsConfig };
  // The PCS answer to a GET (encrypted_ppid query) or POST (JSON with
  // platformManifest) on `route`: 200 in Intel's format; 400 with Error-Code
  // InvalidRequestSyntax for missing or malformed parameters; 404 for an
  // unknown platform or PCE-ID, an indirectly registered platform asked by
  // encrypted PPID, or a raw TCB below every available certificate.
  // `signer` issues the certificates (the simulator's PKI, or a foreign one
  // when tampering with kForeignRoot).
  server::HttpResponse Answer(const server::HttpRequest& req, Route route, const std::vector<intel::SgxTcb>& levels,
                              PckTamper tamper, const IntelPki& signer) const;

  // GET /_sim/platforms: a JSON array describing every platform.
  std::string PlatformsJson() const;

 private:
  struct Issued {
    std::string pem;
    intel::PckCertificate pck;
  };
  // The certificate of `platform` at `tcb`, issued by `signer` on first use.
  StatusOr<std::shared_ptr<const Issued>> Cert(const SimPlatform& platform, const intel::SgxTcb& tcb, PckTamper tamper,
                                               const IntelPki& signer) const;
  StatusOr<std::string> CertPem(const SimPlatform& platform, const intel::SgxTcb& tcb, PckTamper tamper,
                                const IntelPki& signer) const;

  const IntelPki& pki_;
  PlatformFleet fleet_;
  mutable std::mutex mu_;
  // (platform index, TCBm, variant) → certificate. Bounded by platforms × levels × variants.
  mutable std::map<std::tuple<size_t, std::string, int>, std::shared_ptr<const Issued>> certs_;
};

}  // namespace thim::sim
