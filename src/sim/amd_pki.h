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

  const AmdProductPki& product(amd::Product p) const { return products_.at(p); }
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
  std::mutex mu_;
  std::map<std::string, IssuedCert> issued_;
};

}  // namespace thim::sim
