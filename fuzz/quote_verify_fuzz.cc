// libFuzzer target for the whole verifier: mutated quotes against Intel's
// real 2025 TDX collateral (prepared once). Any input must end in a verdict
// without crashing; a verified result must carry a TCB verdict.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "intel/pinned_roots.h"
#include "thim/verify.h"

namespace {

std::string Data(const char* rel) {
  const char* env = std::getenv("THIM_TESTDATA");
  auto s = thim::ReadFileString(std::string(env ? env : THIM_TESTDATA_DIR) + "/" + rel);
  if (!s.ok()) {
    std::fprintf(stderr, "%s (set THIM_TESTDATA)\n", s.status().ToString().c_str());
    std::abort();
  }
  return *s;
}

const thim::verify::PreparedCollateral& Collateral() {
  static auto prepared = [] {
    thim::verify::Collateral c;
    c.tcb_info = Data("teepot/extracted/tdx_tcb_info.body");
    c.tcb_info_issuer_chain = Data("teepot/extracted/tdx_tcb_info.chain.pem");
    c.qe_identity = Data("teepot/extracted/tdx_qe_identity.body");
    std::string crl = Data("teepot/extracted/pck_crl_platform.body");
    c.pck_crl.assign(crl.begin(), crl.end());
    std::string root = Data("go-tdx-guest/testing/testdata/rootcrl.der");
    c.root_ca_crl.assign(root.begin(), root.end());
    auto p = thim::verify::PrepareCollateral(c, thim::intel::IntelSgxRootCa());
    if (!p.ok()) std::abort();
    return *p;
  }();
  return *prepared;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  thim::verify::VerifyOptions options{.at = thim::FromUnixSeconds(1748736000),  // 2025-06-01
                                      .parse = {.trailing = thim::verify::TrailingBytes::kAllow}};
  auto r = thim::verify::VerifyQuote(thim::ByteSpan(data, size), Collateral(), options);
  // A verified result carries a TCB verdict; only TCB_NOT_SUPPORTED may name an error with it.
  if (r.verified() && !r.error_status.empty() && r.verdict != thim::verify::Verdict::kTcbNotSupported) std::abort();
  // Every unverified result names Intel's status for its failure.
  if (!r.verified() && r.error_status.empty()) std::abort();
  return 0;
}
