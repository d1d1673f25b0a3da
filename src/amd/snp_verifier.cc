#include "amd/snp_verifier.h"

#include <algorithm>

#include "amd/amd_pss.h"
#include "amd/pinned_arks.h"
#include "crypto/chain.h"

namespace thim::amd {
namespace {

std::string TcbText(Product p, uint64_t raw) {
  TcbParts t = DecodeTcb(p, raw);
  std::string s = FormatTcbm(raw) + " (bl " + std::to_string(t.bl) + ", tee " + std::to_string(t.tee) + ", snp " +
                  std::to_string(t.snp) + ", ucode " + std::to_string(t.ucode);
  if (p == Product::kTurin) s += ", fmc " + std::to_string(t.fmc);
  return s + ")";
}

}  // namespace

StatusOr<SnpVerification> VerifySnpReport(const SnpReport& report, const EndorsementCert& key,
                                          const std::vector<crypto::Certificate>& chain,
                                          const SnpVerifyOptions& options) {
  // 1. The report names the kind of key that signed it.
  if (report.signing_key == SigningKey::kNone) return InvalidArgumentError("the report is not signed (SIGNING_KEY = none)");
  bool want_vlek = report.signing_key == SigningKey::kVlek;
  if (want_vlek != (key.kind == EndorsementKind::kVlek)) {
    return InvalidArgumentError(std::string("the report is signed by a ") + (want_vlek ? "VLEK" : "VCEK") +
                                " but the certificate given is a " + (want_vlek ? "VCEK" : "VLEK"));
  }
  // 2. One product for report, key and chain.
  Product product = key.product;
  if (auto rp = ReportProduct(report); rp && *rp != product) {
    return InvalidArgumentError("the report is from a " + std::string(ProductName(*rp)) + " but the " +
                                (want_vlek ? "VLEK" : "VCEK") + " is for " + std::string(ProductName(product)));
  }
  if (chain.empty()) return InvalidArgumentError("no ASK/ARK chain given");
  std::string want_cn = std::string(want_vlek ? "SEV-VLEK-" : "SEV-") + std::string(ProductName(product));
  if (chain.front().SubjectCommonName() != want_cn) {
    return PermissionDeniedError("untrusted chain: the intermediate is " + chain.front().SubjectCommonName() +
                                 ", expected " + want_cn);
  }
  // 3. Chain to the pinned ARK, AMD's PSS profile on every signature.
  std::vector<crypto::Certificate> full{key.cert};
  full.insert(full.end(), chain.begin(), chain.end());
  const crypto::Certificate& ark = options.ark ? *options.ark : PinnedArk(product);
  crypto::ChainOptions chain_options{.at = options.at, .crls = options.crls};
  auto path = crypto::VerifyChain(full, ark, chain_options);
  if (!path.ok()) return path.status();
  for (const auto& cert : *path) RETURN_IF_ERROR(CheckAmdPssProfile(cert));
  for (const auto& crl : options.crls) RETURN_IF_ERROR(CheckAmdPssProfile(crl));
  // 4. The key belongs to this chip at this TCB.
  if (key.kind == EndorsementKind::kVcek) {
    if (report.chip_id_masked()) return InvalidArgumentError("CHIP_ID is masked: a VCEK cannot be matched to this report");
    Bytes hw = ReportHwId(report, product);
    if (hw != key.hw_id) {
      return InvalidArgumentError("the VCEK is for chip " + HexEncode(key.hw_id) + ", the report's CHIP_ID is " + HexEncode(hw));
    }
  }
  if (key.TcbRaw() != report.reported_tcb) {
    return InvalidArgumentError("REPORTED_TCB " + TcbText(product, report.reported_tcb) + " differs from the " +
                                (want_vlek ? "VLEK" : "VCEK") + "'s TCB " + TcbText(product, key.TcbRaw()));
  }
  // 5. The report itself.
  Status sig = crypto::VerifyEcdsaP384AmdLe(key.cert.public_key(), report.signed_bytes(), report.sig_r, report.sig_s);
  if (!sig.ok()) return sig.WithContext("report signature");
  return SnpVerification{.report = report, .key = key, .product = product, .path = *path};
}

std::vector<std::string> CheckSnpPolicy(const SnpVerification& v, const SnpPolicy& policy) {
  std::vector<std::string> out;
  const SnpReport& r = v.report;
  if (policy.min_tcb && !TcbAtLeast(DecodeTcb(v.product, r.reported_tcb), *policy.min_tcb)) {
    out.push_back("REPORTED_TCB " + TcbText(v.product, r.reported_tcb) + " is below the minimum " +
                  TcbText(v.product, EncodeTcb(v.product, *policy.min_tcb)));
  }
  if (r.debug_allowed() && !policy.allow_debug) out.push_back("the guest policy allows debugging");
  if (r.smt_allowed() && !policy.allow_smt) out.push_back("the guest policy allows SMT");
  if (r.migrate_ma_allowed() && !policy.allow_migration_agent) out.push_back("the guest policy allows a migration agent");
  if (policy.vmpl && r.vmpl != *policy.vmpl) {
    out.push_back("VMPL is " + std::to_string(r.vmpl) + ", expected " + std::to_string(*policy.vmpl));
  }
  if (policy.min_guest_svn && r.guest_svn < *policy.min_guest_svn) {
    out.push_back("GUEST_SVN " + std::to_string(r.guest_svn) + " is below " + std::to_string(*policy.min_guest_svn));
  }
  auto expect = [&](const std::optional<Bytes>& want, ByteSpan have, const char* name, bool prefix) {
    if (!want) return;
    bool match = prefix ? want->size() <= have.size() && std::equal(want->begin(), want->end(), have.begin())
                        : Bytes(have.begin(), have.end()) == *want;
    if (!match) out.push_back(std::string(name) + " is " + HexEncode(have) + ", expected " + HexEncode(*want));
  };
  expect(policy.measurement, r.measurement, "MEASUREMENT", false);
  expect(policy.host_data, r.host_data, "HOST_DATA", false);
  expect(policy.id_key_digest, r.id_key_digest, "ID_KEY_DIGEST", false);
  expect(policy.author_key_digest, r.author_key_digest, "AUTHOR_KEY_DIGEST", false);
  expect(policy.report_data, r.report_data, "REPORT_DATA", true);
  return out;
}

}  // namespace thim::amd
