// Quote generator for tests and the simulator: SGX v3, SGX/TDX v4 and v5
// quotes (body types 1, 2, 3) with the exact layout of Intel's QE3/TDQE
// (reference intel-qpl-qvl.md §3), signed by a simulated PCK key (QE report)
// and attestation key (quote). Every field can be set, and the spec has
// explicit hooks to produce each failure class on purpose.
// Test tooling: nothing in the product links it. Thread-safety: pure function.
#pragma once
#include <array>
#include <optional>
#include <string>

#include "crypto/private_key.h"
#include "verify/quote.h"

namespace thim::sim {

struct QuoteSpec {
  uint16_t version = 3;                                     // 3, 4 or 5
  bool tdx = false;                                         // tee_type 0x81 (v4/v5)
  verify::BodyType body_type = verify::BodyType::kSgxEnclave;  // v5 only; v4 follows `tdx`
  uint16_t header_qe_svn = 0;
  uint16_t header_pce_svn = 0;

  // Application enclave (SGX body).
  std::array<uint8_t, 32> mr_enclave{};
  std::array<uint8_t, 32> mr_signer{};
  uint16_t isv_prod_id = 0;
  uint16_t isv_svn = 0;
  // TD body.
  std::array<uint8_t, 16> tee_tcb_svn{};
  std::array<uint8_t, 16> tee_tcb_svn2{};  // TD 1.5
  std::array<uint8_t, 48> mr_td{};
  std::array<std::array<uint8_t, 48>, 4> rtmr{};
  std::array<uint8_t, 48> mrsigner_seam{};
  std::array<uint8_t, 8> seam_attributes{};
  // Both bodies.
  std::array<uint8_t, 64> report_data{};

  // QE report (the QE3 / TDQE identity).
  std::array<uint8_t, 32> qe_mr_signer{};
  uint16_t qe_isv_prod_id = 1;
  uint16_t qe_isv_svn = 8;
  uint32_t qe_miscselect = 0;
  std::array<uint8_t, 16> qe_attributes = {0x15, 0, 0, 0, 0, 0, 0, 0, 0xE7, 0, 0, 0, 0, 0, 0, 0};
  Bytes qe_auth_data = DefaultAuthData();

  // Certification: the PEM chain PCK ‖ CA ‖ root, and the PCK's key.
  std::string pck_chain_pem;
  bool nul_terminate_chain = true;  // as Intel's QPL hands it over
  const crypto::PrivateKey* pck_key = nullptr;
  const crypto::PrivateKey* attestation_key = nullptr;

  // Failure hooks.
  const crypto::PrivateKey* sign_quote_with = nullptr;  // another key signs the quote (wrong attestation key)
  bool break_qe_report_data = false;                    // QE report data not the hash of key ‖ auth data

  static Bytes DefaultAuthData() {
    Bytes b(32);
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i);
    return b;
  }
};

StatusOr<Bytes> GenerateQuote(const QuoteSpec& spec);

}  // namespace thim::sim
