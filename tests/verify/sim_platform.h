// A simulated platform for generated-quote tests: a test Intel PKI, a PCK
// certificate with a chosen TCB, signed TCB info and QE identity, CRLs, and a
// quote spec wired to the PCK and attestation keys. Tests change one thing
// and look at the verdict.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>

#include "core/pem.h"
#include "describe_result.h"
#include "sim/pki/collateral_writer.h"
#include "sim/pki/intel_pki.h"
#include "sim/quote/quote_generator.h"
#include "thim/verify.h"

namespace thim::verify::testing {

inline TimePoint T0() { return *ParseRfc3339("2025-01-01T00:00:00Z"); }
inline constexpr std::chrono::hours kDay{24};

inline intel::SgxTcb Tcb(uint8_t first_two, uint16_t pcesvn = 11) {
  intel::SgxTcb t;
  t.components = {first_two, first_two, 2, 2, 3, 1, 0, 3};
  t.pcesvn = pcesvn;
  return t;
}

template <typename T>
T Must(StatusOr<T> v) {
  if (!v.ok()) {
    ADD_FAILURE() << v.status().ToString();
    std::abort();
  }
  return std::move(v).value();
}

struct SimPlatform {
  sim::IntelPki pki;
  crypto::PrivateKey attestation_key;
  sim::PckSpec pck_spec;
  sim::TcbInfoSpec tcb_info;
  sim::EnclaveIdentitySpec qe_identity;
  sim::CrlSpec pck_crl;
  sim::CrlSpec root_crl;
  sim::QuoteSpec quote;
  std::optional<sim::IssuedCert> pck;  // issued lazily from pck_spec

  // SGX v3 (tdx false) or TDX v4 (tdx true); every level UpToDate for the default TCB 7,7,…/11.
  static SimPlatform Make(bool tdx) {
    SimPlatform p{Must(sim::IntelPki::Create(T0() - 365 * kDay)), Must(crypto::PrivateKey::GenerateEcP256()), {}, {}, {}, {}, {}, {}, {}};
    p.pck_spec.ca = intel::PckCaType::kPlatform;
    p.pck_spec.sgx.tcb = Tcb(7);
    p.pck_spec.sgx.fmspc = *HexDecode(tdx ? "00806F050000" : "00906ED50000");
    p.pck_spec.not_before = T0() - 30 * kDay;
    p.pck_spec.not_after = T0() + 7 * 365 * kDay;
    p.tcb_info.tee = tdx ? intel::TeeType::kTdx : intel::TeeType::kSgx;
    p.tcb_info.fmspc = tdx ? "00806F050000" : "00906ED50000";
    p.tcb_info.issue_date = T0();
    p.tcb_info.next_update = T0() + 30 * kDay;
    std::array<uint8_t, 16> tdx_svn{0, 0, 5};
    const char* statuses[] = {"UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded",
                              "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked"};
    for (int i = 0; i < 7; ++i) {
      sim::TcbLevelSpec l;
      l.sgx = Tcb(static_cast<uint8_t>(7 - i));
      if (tdx) l.tdx = tdx_svn;
      l.status = statuses[i];
      l.tcb_date = FormatRfc3339(T0() - (i + 1) * 30 * kDay);
      if (i > 0) l.advisory_ids = {"INTEL-SA-0000" + std::to_string(i)};
      p.tcb_info.levels.push_back(l);
    }
    if (tdx) p.tcb_info.module_identities = {sim::TdxModuleIdentitySpec{"TDX_01", {{4, "UpToDate"}, {2, "OutOfDate"}, {0, "Revoked"}}}};
    p.qe_identity.id = tdx ? intel::EnclaveId::kTdQe : intel::EnclaveId::kQe;
    p.qe_identity.issue_date = T0();
    p.qe_identity.next_update = T0() + 30 * kDay;
    if (tdx) {
      p.qe_identity.mrsigner = "DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5";
      p.qe_identity.isvprodid = 2;
      p.qe_identity.levels = {{4, "UpToDate"}, {2, "OutOfDate"}, {1, "Revoked"}};
    } else {
      p.qe_identity.levels = {{8, "UpToDate"}, {6, "OutOfDate"}, {1, "Revoked"}};
    }
    p.pck_crl = {.this_update = T0(), .next_update = T0() + 30 * kDay};
    p.root_crl = {.this_update = T0(), .next_update = T0() + 365 * kDay};
    p.quote.version = tdx ? 4 : 3;
    p.quote.tdx = tdx;
    p.quote.body_type = tdx ? BodyType::kTd10 : BodyType::kSgxEnclave;
    p.quote.qe_mr_signer = ToArray<32>(*HexDecode(p.qe_identity.mrsigner));
    p.quote.qe_isv_prod_id = static_cast<uint16_t>(p.qe_identity.isvprodid);
    p.quote.qe_isv_svn = tdx ? 4 : 8;
    p.quote.tee_tcb_svn = {4, 1, 5};
    p.quote.mr_enclave.fill(0xEE);
    p.quote.mr_signer.fill(0x55);
    p.quote.mr_td.fill(0x7D);
    p.quote.report_data.fill(0xAB);
    return p;
  }

  template <size_t N>
  static std::array<uint8_t, N> ToArray(const Bytes& b) {
    std::array<uint8_t, N> a{};
    std::copy_n(b.begin(), std::min(N, b.size()), a.begin());
    return a;
  }

  const sim::IssuedCert& Pck() {
    if (!pck) pck = Must(pki.IssuePck(pck_spec));
    return *pck;
  }

  Bytes Quote() {
    const sim::IssuedCert& leaf = Pck();
    quote.pck_chain_pem = EncodePem("CERTIFICATE", leaf.cert.der()) + pki.PckCaChainPem(pck_spec.ca);
    quote.pck_key = &leaf.key;
    quote.attestation_key = &attestation_key;
    return Must(sim::GenerateQuote(quote));
  }

  Collateral MakeCollateral() {
    Collateral c;
    c.tcb_info = Must(sim::SignDocument("tcbInfo", sim::TcbInfoBody(tcb_info), pki.tcb_signer().key));
    c.qe_identity = Must(sim::SignDocument("enclaveIdentity", sim::EnclaveIdentityBody(qe_identity), pki.tcb_signer().key));
    c.tcb_info_issuer_chain = pki.TcbSigningChainPem();
    c.pck_crl = Must(pki.PckCrl(pck_spec.ca, pck_crl)).der();
    c.root_ca_crl = Must(pki.RootCrl(root_crl)).der();
    return c;
  }

  VerifyOptions Options(TimePoint at = T0() + kDay) const { return {.at = at, .root = pki.root().cert}; }

  VerificationResult Verify(TimePoint at = T0() + kDay) { return VerifyQuote(Quote(), MakeCollateral(), Options(at)); }
};

}  // namespace thim::verify::testing
