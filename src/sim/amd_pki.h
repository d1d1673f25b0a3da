// thim-sim's AMD PKI: per product an ARK (self-signed), an ASK and an ASVK
// (RSA, RSASSA-PSS SHA-384 salt 48 as AMD), their CRLs, and on demand VCEKs
// per (chip, TCB) and VLEKs, EC P-384 with AMD's extensions (structVersion,
// productName, SPLs incl. fmcSPL on Turin, raw hwID or cspId). Test tooling.
// Saved to and loaded from thim-sim's state directory (amd_pki_state.cc), so a
// restarted simulator serves the same ARKs, ASKs, ASVKs, CRLs and VCEKs/VLEKs.
// Thread-safety: every method may be called concurrently.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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
  // Whether `state_dir` holds an AMD PKI written by Save.
  static bool Saved(const std::string& state_dir);
  // The PKI Save wrote under `state_dir`. `now` starts the validity of keys
  // issued from now on; a CRL within a day of its nextUpdate is re-issued
  // (CRL number + 1). A missing, unparsable or inconsistent file (a key that is
  // not its certificate's, an ASK not signed by the ARK) is an error naming
  // the file. Every V[CL]EK saved before is served again, byte for byte.
  static StatusOr<std::shared_ptr<AmdPki>> Load(const std::string& state_dir, TimePoint now);
  // Writes per product (`state_dir`/amd/<Product>/) the ARK, ASK and ASVK
  // certificates and keys (keys 0600) and both CRLs, and
  // `state_dir`/ark_<Product>.pem for thimd's amd.ark_files. From then on every
  // VCEK/VLEK issued is written too (`state_dir`/amd/issued/, atomically).
  Status Save(const std::string& state_dir);

  // The product's PKI as created (its CRLs are the first ones: Crl() has the current).
  const AmdProductPki& product(amd::Product p) const { return products_.at(p); }
  // The CRL KDS serves now for (product, kind).
  crypto::Crl Crl(amd::Product p, amd::KeyKind kind) const;
  // Issues a new CRL for (product, kind), numbered one above the current,
  // revoking `revoked` serials; KDS serves it from then on (and, once saved,
  // after a restart too).
  StatusOr<crypto::Crl> ReissueCrl(amd::Product p, amd::KeyKind kind, TimePoint this_update, TimePoint next_update,
                                   std::vector<Bytes> revoked = {});
  // The VCEK of a chip at a TCB: the same certificate and key on every call.
  StatusOr<IssuedCert> Vcek(amd::Product p, ByteSpan hw_id, const amd::TcbParts& tcb);
  // A VLEK for a cloud provider (one per product, TCB and csp).
  StatusOr<IssuedCert> Vlek(amd::Product p, const amd::TcbParts& tcb, const std::string& csp_id);
  // Extension DER the simulator puts in a V[CL]EK (exposed for tests that forge).
  static std::vector<CustomExtension> Extensions(amd::Product p, const amd::TcbParts& tcb, ByteSpan hw_id,
                                                 const std::string& csp_id);
  // The KDS cert_chain texts and the product record from its parts.
  static AmdProductPki MakeProduct(IssuedCert ark, IssuedCert ask, IssuedCert asvk, crypto::Crl vcek_crl, crypto::Crl vlek_crl);

 private:
  // The certificate issued under `key` before (memory, then the state
  // directory), else `issue()`'s, remembered and saved.
  StatusOr<IssuedCert> Remembered(const std::string& key, const std::function<StatusOr<IssuedCert>()>& issue);
  StatusOr<std::optional<IssuedCert>> ReadIssued(const std::string& key) const;  // mu_ held
  Status SaveCrl(const std::string& state_dir, amd::Product p, amd::KeyKind kind) const;  // mu_ not held
  Status WriteIssued(const std::string& key, const IssuedCert& cert) const;      // mu_ held

  TimePoint now_;
  std::map<amd::Product, AmdProductPki> products_;
  mutable std::mutex mu_;
  std::map<std::string, IssuedCert> issued_;
  std::map<std::pair<amd::Product, amd::KeyKind>, crypto::Crl> current_crls_;  // reissued ones
  std::string state_dir_;  // empty: issued keys and reissued CRLs live in memory only
};

}  // namespace thim::sim
