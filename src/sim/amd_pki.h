// thim-sim's AMD PKI: per product an ARK (self-signed), an ASK and an ASVK
// (RSA, RSASSA-PSS SHA-384 salt 48 as AMD), their CRLs, and on demand VCEKs
// per (chip, TCB) and VLEKs, EC P-384 with AMD's extensions (structVersion,
// productName, SPLs incl. fmcSPL on Turin, raw hwID or cspId). Test tooling.
// Thread-safety: every method may be called concurrently.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "amd/kds_paths.h"
#include "amd/product.h"
#include "sim/pki/cert_builder.h"

namespace thim::sim {

struct AmdProductPki {
  IssuedCert ark, ask, asvk;
  crypto::Crl vcek_crl, vlek_crl;
  std::string vcek_chain_pem, vlek_chain_pem;  // KDS cert_chain: ASK|ASVK then ARK
};

class AmdPki {
 public:
  // RSA-4096 like AMD; tests may pass 2048 to start faster.
  static StatusOr<std::shared_ptr<AmdPki>> Create(TimePoint now, int rsa_bits = 4096);

  // The product's PKI as created (its CRLs are the first ones: Crl() has the current).
  const AmdProductPki& product(amd::Product p) const { return products_.at(p); }
  // The CRL KDS serves now for (product, kind).
  crypto::Crl Crl(amd::Product p, amd::KeyKind kind) const;
  // Issues a new CRL for (product, kind), numbered one above the current,
  // revoking `revoked` serials; KDS serves it from then on.
  StatusOr<crypto::Crl> ReissueCrl(amd::Product p, amd::KeyKind kind, TimePoint this_update, TimePoint next_update,
                                   std::vector<Bytes> revoked = {});
  // The VCEK of a chip at a TCB: the same certificate and key on every call.
  StatusOr<IssuedCert> Vcek(amd::Product p, ByteSpan hw_id, const amd::TcbParts& tcb);
  // A VLEK for a cloud provider (one per product, TCB and csp).
  StatusOr<IssuedCert> Vlek(amd::Product p, const amd::TcbParts& tcb, const std::string& csp_id);
  // Extension DER the simulator puts in a V[CL]EK (exposed for tests that forge).
  static std::vector<CustomExtension> Extensions(amd::Product p, const amd::TcbParts& tcb, ByteSpan hw_id,
                                                 const std::string& csp_id);

 private:
  TimePoint now_;
  std::map<amd::Product, AmdProductPki> products_;
  mutable std::mutex mu_;
  std::map<std::string, IssuedCert> issued_;
  std::map<std::pair<amd::Product, amd::KeyKind>, crypto::Crl> current_crls_;  // reissued ones
};

}  // namespace thim::sim
