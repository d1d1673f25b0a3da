// The real AMD SEV-SNP vectors of ../shared/testdata/real (README "AMD SEV-SNP"):
// each report with the VCEK/VLEK that signed it and its product's KDS chain.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "amd/endorsement_cert.h"
#include "amd/snp_report.h"
#include "crypto/certificate.h"
#include "testdata.h"

namespace thim::testing {

struct AmdVector {
  std::string name;
  std::string report;  // path under the real test data
  std::string key;     // VCEK/VLEK, DER or PEM (first block)
  std::string chain;   // KDS cert_chain PEM: ASK/ASVK then ARK
  amd::Product product;
  std::string tcbm;    // REPORTED_TCB as THIM prints it
};
// gtest prints a parameter with this (else as raw bytes).
inline void PrintTo(const AmdVector& v, std::ostream* os) { *os << v.name << " (" << v.report << ")"; }

inline std::vector<AmdVector> RealAmdVectors() {
  const std::string milan = "go-sev-guest/verify/trust/ask_ark_milan.pem";
  const std::string az = "trustee/extracted/az-snp-vtpm_";
  return {
      {"go_sev_guest_attestation", "go-sev-guest/verify/testdata/attestation.bin", "go-sev-guest/verify/testdata/vcek.testcer",
       milan, amd::Product::kMilan, "4405000000000002"},
      {"aci_thim_snp_report", "confidential-sidecar-containers/pkg/attest/test_data/snp_report.bin",
       "confidential-sidecar-containers/extracted/uvm_host_amd_certificate.vcekCert.pem", milan, amd::Product::kMilan,
       "7308000000000003"},
      {"virtee_report_milan", "virtee-sev/extracted/report_milan.bin", "virtee-sev/tests/certs_data/vcek_milan.der",
       "virtee-sev/tests/certs_data/cert_chain_milan", amd::Product::kMilan, "7308000000000003"},
      {"trustee_test_report", "trustee/deps/verifier/test_data/snp/test-report.bin",
       "trustee/deps/verifier/test_data/snp/test-vcek.der", milan, amd::Product::kMilan, "7308000000000003"},
      {"trustee_aws_vlek", "trustee/deps/verifier/test_data/snp/test-vlek-report.bin",
       "trustee/deps/verifier/test_data/snp/test-vlek.der", "go-sev-guest/verify/trust/ask_ark_milan_vlek.pem",
       amd::Product::kMilan, "D918000000000004"},
      {"azure_hcl_milan", az + "hcl-report.snp_report.bin", "trustee/deps/verifier/test_data/az-snp-vtpm/vcek.pem", milan,
       amd::Product::kMilan, "7308000000000003"},
      {"azure_genoa", az + "evidence-genoa.snp_report.bin", az + "evidence-genoa.vcek.pem",
       "go-sev-guest/verify/trust/ask_ark_genoa.pem", amd::Product::kGenoa, "541700000000000A"},
      {"azure_v0", az + "evidence-v0.snp_report.bin", az + "evidence-v0.vcek.pem", milan, amd::Product::kMilan,
       "DB18000000000004"},
      {"azure_v1", az + "evidence-v1.snp_report.bin", az + "evidence-v1.vcek.der", milan, amd::Product::kMilan,
       "DB18000000000004"},
      {"azure_v2", az + "evidence-v2.snp_report.bin", az + "evidence-v2.vcek.der", milan, amd::Product::kMilan,
       "DB18000000000004"},
  };
}

inline std::vector<crypto::Certificate> ReadChain(const std::string& path) {
  auto certs = crypto::ParseCertificateList(ReadRealString(path));
  if (!certs.ok()) std::abort();
  return *certs;
}

}  // namespace thim::testing
