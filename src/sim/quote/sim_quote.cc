#include "sim/quote/sim_quote.h"

#include <algorithm>

#include "core/clock.h"
#include "core/pem.h"
#include "sim/pki/intel_pki.h"
#include "sim/quote/quote_generator.h"

namespace thim::sim {
namespace {

template <size_t N>
std::array<uint8_t, N> FromHex(const char* hex) {
  Bytes b = *HexDecode(hex);
  std::array<uint8_t, N> a{};
  std::copy_n(b.begin(), std::min(N, b.size()), a.begin());
  return a;
}

}  // namespace

StatusOr<Bytes> GenerateSimQuote(const SimQuoteRequest& r) {
  ASSIGN_OR_RETURN(IntelPki pki, IntelPki::Load(r.state_dir));
  if (r.ca != "processor" && r.ca != "platform") return InvalidArgumentError("--ca: processor or platform");
  std::string fmspc = r.fmspc.empty() ? (r.tdx ? "00806F050000" : "00906ED50000") : r.fmspc;
  if (!IsHex(fmspc, 12)) return InvalidArgumentError("--fmspc: 12 hex digits");
  PckSpec spec;
  spec.ca = r.ca == "processor" ? intel::PckCaType::kProcessor : intel::PckCaType::kPlatform;
  spec.sgx.tcb.components = r.sgx_tcb;
  spec.sgx.tcb.pcesvn = r.pcesvn;
  ASSIGN_OR_RETURN(spec.sgx.fmspc, HexDecode(fmspc));
  spec.not_before = SystemClock::Instance().Now() - std::chrono::hours(24);
  spec.not_after = spec.not_before + std::chrono::hours(24 * 365 * 7);
  ASSIGN_OR_RETURN(IssuedCert pck, pki.IssuePck(spec));
  ASSIGN_OR_RETURN(crypto::PrivateKey attestation_key, crypto::PrivateKey::GenerateEcP256());

  QuoteSpec q;
  q.tdx = r.tdx;
  q.version = static_cast<uint16_t>(r.version ? r.version : (r.td15 ? 5 : r.tdx ? 4 : 3));
  if (q.version == 3 && r.tdx) return InvalidArgumentError("--version 3 is SGX only");
  q.body_type = !r.tdx ? verify::BodyType::kSgxEnclave : r.td15 ? verify::BodyType::kTd15 : verify::BodyType::kTd10;
  q.qe_isv_prod_id = r.tdx ? 2 : 1;
  q.qe_isv_svn = r.qe_svn.value_or(r.tdx ? 4 : 8);
  // The QE3 / TDQE signers Intel's identities name (and the simulator serves).
  q.qe_mr_signer = r.tdx ? FromHex<32>("DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5")
                         : FromHex<32>("8C4F5775D796503E96137F77C68A829A0056AC8DED70140B081B094490C57BFF");
  q.tee_tcb_svn = r.tee_tcb_svn;
  q.tee_tcb_svn2 = r.tee_tcb_svn;
  q.report_data = r.report_data;
  q.pck_chain_pem = EncodePem("CERTIFICATE", pck.cert.der()) + pki.PckCaChainPem(spec.ca);
  q.pck_key = &pck.key;
  q.attestation_key = &attestation_key;
  return GenerateQuote(q);
}

}  // namespace thim::sim
