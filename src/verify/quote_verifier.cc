// Intel's verification steps in Intel's order (qve.cpp + QVL QuoteVerifier,
// reference intel-qpl-qvl.md §4.1–4.7). Each step appends a StepOutcome; the
// first terminal failure ends verification with verdict Invalid (or Revoked
// for a revoked PCK), everything known so far kept in the result.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <tuple>

#include "intel/pinned_roots.h"
#include "verify/prepared_collateral.h"
#include "verify/tcb_status.h"

namespace thim::verify {
namespace {

class Run {
 public:
  explicit Run(VerificationResult& r) : r_(r) {}
  void Ok(std::string step, std::string detail = "") { r_.steps.push_back({std::move(step), "OK", std::move(detail)}); }
  VerificationResult& Fail(std::string step, std::string status, std::string detail, Verdict verdict = Verdict::kInvalid) {
    r_.steps.push_back({std::move(step), status, detail});
    r_.verdict = verdict;
    r_.error_status = std::move(status);
    r_.error = std::move(detail);
    return r_;
  }

 private:
  VerificationResult& r_;
};

std::string TdxModuleId(uint8_t major) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "TDX_%02X", major);
  return buf;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

void AddAdvisories(VerificationResult& r, const std::vector<std::string>& ids) {
  for (const auto& id : ids)
    if (std::find(r.advisory_ids.begin(), r.advisory_ids.end(), id) == r.advisory_ids.end()) r.advisory_ids.push_back(id);
}

// Intel's collateral_expiration_status: every item's end of validity, and
// expired when it is <= `at` (note <=, as QvE). CRLs are also checked for
// thisUpdate (QVL: thisUpdate <= date <= nextUpdate).
void CheckExpiration(VerificationResult& r, const PreparedCollateral& c, const VerifiedPck& pck) {
  // Names are built only for expired items: this runs for every quote.
  auto consider = [&](auto&& name, TimePoint until) {
    if (!r.earliest_expiration || until < *r.earliest_expiration) r.earliest_expiration = until;
    if (until <= r.at) r.expired.push_back({name(), until, false});
  };
  auto crl = [&](const char* item, const crypto::Crl& crl) {
    if (crl.ThisUpdate() > r.at) r.expired.push_back({item, crl.ThisUpdate(), true});
    if (auto next = crl.NextUpdate()) consider([&] { return std::string(item); }, *next);
  };
  auto certs = [&](const char* what, const std::vector<crypto::Certificate>& chain) {
    for (const auto& cert : chain)
      consider([&] { return std::string(what) + " certificate \"" + cert.SubjectCommonName() + "\""; }, cert.NotAfter());
  };
  crl("root CA CRL", c.root_crl);
  crl("PCK CRL", c.pck_crl);
  certs("PCK CRL issuer chain", c.pck_crl_chain);
  certs("PCK chain", pck.chain);
  certs("TCB info issuer chain", c.tcb_info_chain);
  certs("QE identity issuer chain", c.qe_identity_chain);
  consider([] { return std::string("TCB info"); }, c.tcb_info.next_update);
  consider([] { return std::string("QE identity"); }, c.qe_identity.next_update);
  r.collateral_expired = !r.expired.empty();
}

// QE report vs the QE / TD_QE identity (EnclaveReportVerifier): masked
// MISCSELECT and ATTRIBUTES, MRSIGNER, ISVPRODID; then the ISVSVN status.
bool CheckQeIdentity(Run& run, VerificationResult& r, const Quote& q, const intel::EnclaveIdentity& id, QeStatus* status) {
  intel::EnclaveId want = q.is_tdx() ? intel::EnclaveId::kTdQe : intel::EnclaveId::kQe;
  if (id.id != want) {
    run.Fail("qe_identity", "QE_IDENTITY_MISMATCH",
             "a " + std::string(q.is_tdx() ? "TDX" : "SGX") + " quote needs the " + std::string(intel::EnclaveIdName(want)) +
                 " identity, got " + std::string(intel::EnclaveIdName(id.id)));
    return false;
  }
  const Bytes& raw = q.qe_report.raw;
  for (size_t i = 0; i < 4; ++i) {
    if ((raw[16 + i] & id.miscselect_mask[i]) != id.miscselect[i]) {
      run.Fail("qe_identity", "QE_IDENTITY_MISMATCH", "MISCSELECT " + HexEncode(ByteSpan(raw).subspan(16, 4), true) +
                                                           " does not match " + HexEncode(id.miscselect, true) + " under mask " +
                                                           HexEncode(id.miscselect_mask, true));
      return false;
    }
  }
  for (size_t i = 0; i < 16; ++i) {
    if ((raw[48 + i] & id.attributes_mask[i]) != id.attributes[i]) {
      run.Fail("qe_identity", "QE_IDENTITY_MISMATCH", "ATTRIBUTES " + HexEncode(ByteSpan(raw).subspan(48, 16), true) +
                                                           " do not match " + HexEncode(id.attributes, true) + " under mask " +
                                                           HexEncode(id.attributes_mask, true));
      return false;
    }
  }
  if (!std::equal(id.mrsigner.begin(), id.mrsigner.end(), q.qe_report.mr_signer.begin(), q.qe_report.mr_signer.end())) {
    run.Fail("qe_identity", "QE_IDENTITY_MISMATCH",
             "QE MRSIGNER " + HexEncode(q.qe_report.mr_signer, true) + " is not " + HexEncode(id.mrsigner, true));
    return false;
  }
  if (q.qe_report.isv_prod_id != id.isvprodid) {
    run.Fail("qe_identity", "QE_IDENTITY_MISMATCH",
             "QE ISVPRODID " + std::to_string(q.qe_report.isv_prod_id) + " is not " + std::to_string(id.isvprodid));
    return false;
  }
  *status = QeStatus::kNotSupported;
  for (const auto& level : id.levels) {  // JSON order, first with isvsvn <= the report's
    if (level.isvsvn > q.qe_report.isv_svn) continue;
    *status = level.status == intel::TcbStatus::kUpToDate ? QeStatus::kUpToDate
              : level.status == intel::TcbStatus::kRevoked ? QeStatus::kRevoked
                                                           : QeStatus::kOutOfDate;
    AddAdvisories(r, level.advisory_ids);
    break;
  }
  r.qe_status = QeStatusName(*status);
  run.Ok("qe_identity", "ISVSVN " + std::to_string(q.qe_report.isv_svn) + ": " + r.qe_status);
  return true;
}

// TDX module identity (step 4.11): MRSIGNER_SEAM and SEAM_ATTRIBUTES against
// tdxModule, or the TDX_%02X identity when the module major version is > 0.
const intel::TdxModuleIdentity* FindModule(const intel::TcbInfo& info, uint8_t major) {
  std::string want = TdxModuleId(major);
  for (const auto& m : info.tdx_module_identities)
    if (Upper(m.id) == want) return &m;
  return nullptr;
}

bool CheckTdxModule(Run& run, const Quote& q, const intel::TcbInfo& info) {
  const TdReport& td = *q.td;
  Bytes mrsigner = info.tdx_module->mrsigner;
  Bytes attributes = info.tdx_module->attributes;
  if (q.header.version > 3 && td.tee_tcb_svn[1] > 0) {
    const intel::TdxModuleIdentity* m = FindModule(info, td.tee_tcb_svn[1]);
    if (!m) {
      run.Fail("tdx_module", "TDX_MODULE_MISMATCH", "the TCB info has no module identity " + TdxModuleId(td.tee_tcb_svn[1]));
      return false;
    }
    mrsigner = m->mrsigner;
    attributes = m->attributes;
  }
  if (!std::equal(mrsigner.begin(), mrsigner.end(), td.mrsigner_seam.begin(), td.mrsigner_seam.end())) {
    run.Fail("tdx_module", "TDX_MODULE_MISMATCH", "MRSIGNER_SEAM " + HexEncode(td.mrsigner_seam, true) + " is not " + HexEncode(mrsigner, true));
    return false;
  }
  for (size_t i = 0; i < 8; ++i) {
    if (td.seam_attributes[i] != 0 || td.seam_attributes[i] != attributes[i]) {
      run.Fail("tdx_module", "TDX_MODULE_MISMATCH", "SEAM_ATTRIBUTES " + HexEncode(td.seam_attributes, true) + " must be zero and equal " + HexEncode(attributes, true));
      return false;
    }
  }
  run.Ok("tdx_module", td.tee_tcb_svn[1] > 0 ? TdxModuleId(td.tee_tcb_svn[1]) : "tdxModule");
  return true;
}

}  // namespace

VerificationResult VerifyQuote(ByteSpan quote_bytes, const PreparedCollateral& c, const VerifyOptions& options) {
  VerificationResult r;
  r.at = options.at;
  Run run(r);

  // 1. Quote format (QVL 4.1.2.4.2).
  auto parsed = ParseQuote(quote_bytes, options.parse);
  if (!parsed.ok()) return run.Fail("quote_format", "UNSUPPORTED_QUOTE_FORMAT", parsed.status().message());
  auto quote = std::make_shared<const Quote>(std::move(*parsed));
  const Quote& q = *quote;
  r.quote = quote;
  r.quote_version = q.header.version;
  r.tee = q.is_tdx() ? "TDX" : "SGX";
  r.body_type = BodyTypeName(q.body_type);
  run.Ok("quote_format", "version " + std::to_string(q.header.version) + ", " + r.tee + ", " + r.body_type);

  const intel::TcbInfo& info = c.tcb_info;
  r.tcb_info_evaluation_data_number = info.tcb_evaluation_data_number;
  r.qe_identity_evaluation_data_number = c.qe_identity.tcb_evaluation_data_number;
  r.tcb_evaluation_data_number = std::min(info.tcb_evaluation_data_number, c.qe_identity.tcb_evaluation_data_number);
  r.tcb_info_issue_date = info.issue_date;
  r.qe_identity_issue_date = c.qe_identity.issue_date;

  // 2. PCK chain to the pinned root, both CRLs, revocation, extensions (qve step 8, QVL 4.4–4.7).
  StepError chain_error;
  std::shared_ptr<const VerifiedPck> pck = c.VerifyPckChain(q.pck_chain, &chain_error);
  if (!pck) {
    Verdict v = chain_error.status == "SGX_PCK_REVOKED" || chain_error.status == "SGX_INTERMEDIATE_CA_REVOKED" ? Verdict::kRevoked
                                                                                                              : Verdict::kInvalid;
    return run.Fail("pck_chain", chain_error.status, chain_error.detail, v);
  }
  const intel::PckCertificate& p = pck->pck;
  r.fmspc = p.FmspcHex();
  r.pce_id = p.PceIdHex();
  r.pck_ca = intel::PckCaTypeName(p.ca_type);
  r.pck_tcb_components = p.tcb.components;
  r.pck_pcesvn = p.tcb.pcesvn;
  run.Ok("pck_chain", "FMSPC " + r.fmspc + ", " + r.pck_ca + " CA");
  CheckExpiration(r, c, *pck);

  // 3. Collateral signatures were checked by PrepareCollateral (qve step 8).
  run.Ok("tcb_info_signature", "TCB info " + std::string(intel::TeeTypeName(info.id)) + " v" + std::to_string(info.version) +
                                   ", evaluation data number " + std::to_string(info.tcb_evaluation_data_number));
  run.Ok("qe_identity_signature", std::string(intel::EnclaveIdName(c.qe_identity.id)) + ", evaluation data number " +
                                      std::to_string(c.qe_identity.tcb_evaluation_data_number));

  // 4. TCB info for this TEE and this platform (4.9, 4.10).
  if ((info.id == intel::TeeType::kTdx) != q.is_tdx()) {
    return run.Fail("tcb_info_match", "TCB_INFO_MISMATCH",
                    std::string(intel::TeeTypeName(info.id)) + " TCB info for a " + r.tee + " quote");
  }
  if (info.fmspc != p.fmspc || info.pce_id != p.pce_id) {
    return run.Fail("tcb_info_match", "TCB_INFO_MISMATCH",
                    "TCB info is for FMSPC " + info.FmspcHex() + " PCE-ID " + info.PceIdHex() + ", the PCK certificate for FMSPC " +
                        r.fmspc + " PCE-ID " + r.pce_id);
  }
  run.Ok("tcb_info_match", "FMSPC " + r.fmspc);

  // 5. TDX module identity (4.11).
  if (q.is_tdx() && !CheckTdxModule(run, q, info)) return r;

  // 6. QE report signed by the PCK key (4.12).
  if (!crypto::VerifyEcdsaP256Raw(p.cert.public_key(), q.qe_report.raw, q.qe_report_signature).ok())
    return run.Fail("qe_report_signature", "INVALID_QE_REPORT_SIGNATURE", "the QE report is not signed by the PCK key");
  run.Ok("qe_report_signature");

  // 7. QE report data binds the attestation key and the QE auth data (4.13).
  Bytes bound(q.attestation_key.begin(), q.attestation_key.end());
  bound.insert(bound.end(), q.qe_auth_data.begin(), q.qe_auth_data.end());
  Bytes digest = crypto::Sha256(bound);
  if (!std::equal(digest.begin(), digest.end(), q.qe_report.report_data.begin()))
    return run.Fail("qe_report_data", "INVALID_QE_REPORT_DATA",
                    "QE report data " + HexEncode(ByteSpan(q.qe_report.report_data).first(32)) + " is not SHA-256(attestation key ‖ QE auth data) " + HexEncode(digest));
  run.Ok("qe_report_data");

  // 8. QE / TD_QE identity (4.14, 4.15).
  QeStatus qe_status = QeStatus::kUpToDate;
  if (!CheckQeIdentity(run, r, q, c.qe_identity, &qe_status)) return r;

  // 9. Quote signature by the attestation key (4.16).
  auto key = c.AttestationKey(q.attestation_key);
  if (!key.ok()) return run.Fail("quote_signature", "UNSUPPORTED_QUOTE_FORMAT", "attestation key: " + key.status().message());
  if (!crypto::VerifyEcdsaP256Raw(*key, q.SignedBytes(), q.signature).ok())
    return run.Fail("quote_signature", "INVALID_QUOTE_SIGNATURE", "the quote is not signed by its attestation key");
  run.Ok("quote_signature");
  r.signatures_verified = true;

  // 10. TCB level and status convergence (4.17).
  auto sgx_level = intel::MatchTcbLevel(info, p.tcb);
  if (!sgx_level.ok()) return run.Fail("tcb_level", "TCB_NOT_SUPPORTED", sgx_level.status().message(), Verdict::kTcbNotSupported);
  const intel::TcbLevel* level = *sgx_level;
  Verdict platform = VerdictOf(level->status);
  if (q.is_tdx()) {
    auto tdx_level = intel::MatchTcbLevel(info, p.tcb, &q.td->tee_tcb_svn);
    if (!tdx_level.ok())
      return run.Fail("tcb_level", "TCB_NOT_SUPPORTED", "no TCB level matches TEE_TCB_SVN " + HexEncode(q.td->tee_tcb_svn),
                      Verdict::kTcbNotSupported);
    Verdict sgx_status = platform;
    level = *tdx_level;
    platform = VerdictOf(level->status);
    const auto& svn = q.td->tee_tcb_svn;
    std::optional<intel::TcbStatus> module_status;
    if (!(q.header.version > 3 && svn[1] == 0)) {
      const intel::TdxModuleIdentity* m = FindModule(info, svn[1]);
      if (!m) return run.Fail("tcb_level", "TDX_MODULE_MISMATCH", "the TCB info has no module identity " + TdxModuleId(svn[1]));
      for (const auto& ml : m->levels) {  // JSON order
        if (ml.isvsvn <= svn[0]) {
          module_status = ml.status;
          AddAdvisories(r, ml.advisory_ids);
          break;
        }
      }
      if (!module_status)
        return run.Fail("tcb_level", "TCB_NOT_SUPPORTED", "no level of " + m->id + " is at or below module SVN " + std::to_string(svn[0]),
                        Verdict::kTcbNotSupported);
      r.tdx_module_status = intel::TcbStatusName(*module_status);
      platform = ConvergeWithTdxModule(platform, *module_status);
      Verdict tdx_status = platform;  // the TDX level status merged with the module's
      // TD 1.5 relaunch advice (TDRelaunchCheck): an out-of-date module already
      // updated in place (TEE_TCB_SVN2) only needs the TD relaunched.
      if (q.body_type == BodyType::kTd15 && qe_status != QeStatus::kOutOfDate && qe_status != QeStatus::kRevoked &&
          qe_status != QeStatus::kNotSupported &&
          (sgx_status == Verdict::kUpToDate || sgx_status == Verdict::kSWHardeningNeeded ||
           sgx_status == Verdict::kConfigurationNeeded || sgx_status == Verdict::kConfigurationAndSWHardeningNeeded) &&
          (tdx_status == Verdict::kOutOfDate || tdx_status == Verdict::kOutOfDateConfigurationNeeded) &&
          *module_status == intel::TcbStatus::kOutOfDate) {
        const auto& svn2 = *q.td->tee_tcb_svn2;
        const intel::TcbLevel* highest = nullptr;
        for (const auto& l : info.levels)
          if (l.tdx && (!highest || std::tie(l.sgx.components, l.sgx.pcesvn, *l.tdx) >
                                        std::tie(highest->sgx.components, highest->sgx.pcesvn, *highest->tdx)))
            highest = &l;  // QVL's sort order: SGX SVNs, PCESVN, TDX SVNs
        bool relaunch = false;
        if (highest) {
          if (svn2[1] == 0) {
            relaunch = svn2[0] >= (*highest->tdx)[0] && svn2[2] >= (*highest->tdx)[2];
          } else {
            const intel::TdxModuleIdentity* m2 = FindModule(info, svn2[1]);
            if (!m2) return run.Fail("tcb_level", "TDX_MODULE_MISMATCH", "the TCB info has no module identity " + TdxModuleId(svn2[1]));
            relaunch = !m2->levels.empty() && svn2[0] >= m2->levels.front().isvsvn && svn2[2] >= (*highest->tdx)[2];
          }
        }
        if (relaunch) {
          platform = NeedsConfiguration(sgx_status) || NeedsConfiguration(tdx_status) ? Verdict::kTdRelaunchAdvisedConfigurationNeeded
                                                                                     : Verdict::kTdRelaunchAdvised;
        }
      }
    }
  }
  AddAdvisories(r, level->advisory_ids);
  r.tcb_date = level->tcb_date;
  r.tcb_level_status = intel::TcbStatusName(level->status);
  r.platform_status = VerdictName(platform);
  r.verdict = ConvergeWithQe(platform, qe_status);
  run.Ok("tcb_level", std::string(intel::TcbStatusName(level->status)) + " level of " + FormatRfc3339(level->tcb_date) + " ⇒ " +
                          std::string(VerdictName(r.verdict)));
  if (r.collateral_expired) {
    std::string names;
    for (const auto& e : r.expired) names += (names.empty() ? "" : ", ") + e.item;
    r.steps.push_back({"collateral_expiration", "COLLATERAL_EXPIRED", names});
  } else {
    run.Ok("collateral_expiration");
  }
  return r;
}

VerificationResult VerifyQuote(ByteSpan quote, const Collateral& collateral, const VerifyOptions& options) {
  const crypto::Certificate& root = options.root ? *options.root : intel::IntelSgxRootCa();
  auto prepared = PrepareCollateral(collateral, root);
  if (prepared.ok()) return VerifyQuote(quote, **prepared, options);
  // Report the quote's format first (Intel parses the quote before the collateral).
  VerificationResult r;
  r.at = options.at;
  Run run(r);
  auto parsed = ParseQuote(quote, options.parse);
  if (!parsed.ok()) return run.Fail("quote_format", "UNSUPPORTED_QUOTE_FORMAT", parsed.status().message());
  run.Ok("quote_format");
  const std::string msg = prepared.status().message();
  size_t colon = msg.find(": ");
  return run.Fail("collateral", colon == std::string::npos ? "UNSPECIFIED" : msg.substr(0, colon),
                  colon == std::string::npos ? msg : msg.substr(colon + 2));
}

}  // namespace thim::verify
