// An Intel-like PKI with our own keys: a root CA, the PCK Processor and
// Platform CAs, the TCB Signing certificate, PCK leaf certificates with
// real-shaped SGX extensions, and CRLs. Saved to and loaded from a state
// directory (PEM) so the simulator restarts with the same PKI.
// Thread-safety: immutable after Create/Load; issuing methods are reentrant.
#pragma once

#include <string>
#include <vector>

#include "intel/pck_certificate.h"
#include "sim/pki/cert_builder.h"
#include "sim/pki/sgx_extension.h"

namespace thim::sim {

struct PckSpec {
  SgxExtensionSpec sgx;  // platform_instance_id/configuration are filled for platform CA certs when empty
  intel::PckCaType ca = intel::PckCaType::kPlatform;
  Bytes serial;          // empty = random
  TimePoint not_before;
  TimePoint not_after;
};

class IntelPki {
 public:
  // Generates a fresh hierarchy valid from `not_before` for ~25 years.
  // `url_base` is where the simulator serves PCS (CRL distribution points).
  static StatusOr<IntelPki> Create(TimePoint not_before, const std::string& url_base = "https://api.trustedservices.intel.com");
  static StatusOr<IntelPki> Load(const std::string& dir);
  // Writes keys and certificates (mode 0600 for keys) and root_ca.pem.
  Status Save(const std::string& dir) const;

  const IssuedCert& root() const { return root_; }
  const IssuedCert& processor_ca() const { return processor_ca_; }
  const IssuedCert& platform_ca() const { return platform_ca_; }
  const IssuedCert& tcb_signer() const { return tcb_signer_; }
  const IssuedCert& ca(intel::PckCaType t) const { return t == intel::PckCaType::kProcessor ? processor_ca_ : platform_ca_; }

  StatusOr<IssuedCert> IssuePck(const PckSpec& spec) const;
  StatusOr<crypto::Crl> PckCrl(intel::PckCaType ca, const CrlSpec& spec) const { return IssueCrl(spec, this->ca(ca)); }
  StatusOr<crypto::Crl> RootCrl(const CrlSpec& spec) const { return IssueCrl(spec, root_); }

  // PEM chains as PCS sends them in issuer-chain headers (before URL encoding).
  std::string TcbSigningChainPem() const;
  std::string PckCaChainPem(intel::PckCaType ca) const;
  std::string RootPem() const;

 private:
  IntelPki(IssuedCert root, IssuedCert processor_ca, IssuedCert platform_ca, IssuedCert tcb_signer)
      : root_(std::move(root)), processor_ca_(std::move(processor_ca)), platform_ca_(std::move(platform_ca)),
        tcb_signer_(std::move(tcb_signer)) {}
  IssuedCert root_;
  IssuedCert processor_ca_;
  IssuedCert platform_ca_;
  IssuedCert tcb_signer_;
};

}  // namespace thim::sim
