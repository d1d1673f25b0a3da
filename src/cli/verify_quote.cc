#include "cli/verify_quote.h"

#include <filesystem>

#include "cli/hex_flag.h"
#include "core/bytes.h"
#include "core/clock.h"
#include "thim/verify.h"
#include "upstream/curl_http_client.h"
#include "verify/sources/collateral_sources.h"

namespace thim::cli {
namespace {

using verify::Verdict;

VerifyQuoteOutcome CannotRun(const std::string& why) {
  VerifyQuoteOutcome o;
  o.exit_code = kQuoteCannotRun;
  o.summary = why;
  o.report = {{"status", "Error"}, {"error", why}};
  return o;
}

StatusOr<verify::Policy> BuildPolicy(const VerifyQuoteArgs& a) {
  verify::Policy p;
  if (!a.accept.empty()) {
    p.accepted.clear();
    for (const auto& s : a.accept) {
      auto v = verify::ParseVerdict(s);
      if (!v.ok()) return InvalidArgumentError("--accept: " + v.status().message());
      p.accepted.push_back(*v);
    }
  }
  if (a.allow_advisories_set) p.allowed_advisory_ids = a.allow_advisories;
  if (a.min_tcb_eval < 0 || a.min_tcb_eval > UINT32_MAX) return InvalidArgumentError("--min-tcb-eval: out of range");
  p.min_tcb_evaluation_data_number = static_cast<uint32_t>(a.min_tcb_eval);
  if (a.max_age_days >= 0) p.max_collateral_age = std::chrono::hours(24 * a.max_age_days);
  p.accept_expired_collateral = a.accept_expired;
  ASSIGN_OR_RETURN(p.mr_enclave, OptionalHexFlag(a.mr_enclave, "--mrenclave"));
  ASSIGN_OR_RETURN(p.mr_signer, OptionalHexFlag(a.mr_signer, "--mrsigner"));
  ASSIGN_OR_RETURN(p.mr_td, OptionalHexFlag(a.mr_td, "--mrtd"));
  ASSIGN_OR_RETURN(p.report_data, OptionalHexFlag(a.report_data, "--report-data"));
  for (const auto& r : a.rtmr) {
    size_t eq = r.find('=');
    if (eq != 1 || r[0] < '0' || r[0] > '3') return InvalidArgumentError("--rtmr: expected INDEX=HEX with INDEX 0..3, got \"" + r + "\"");
    auto b = HexDecode(r.substr(2));
    if (!b.ok()) return InvalidArgumentError("--rtmr: " + b.status().message());
    p.rtmr[r[0] - '0'] = *b;
  }
  return p;
}

// Collateral: item by item, else from --collateral (URL, directory or bundle).
// On failure `*exit_code` says whose fault it is: the arguments/files (2),
// the quote (1), or the collateral's availability (4).
StatusOr<verify::Collateral> LoadCollateral(const VerifyQuoteArgs& a, ByteSpan quote, const verify::ParseOptions& parse,
                                            int* exit_code) {
  *exit_code = kQuoteCannotRun;
  bool items = !a.tcb_info.empty() || !a.qe_identity.empty() || !a.signing_chain.empty() || !a.pck_crl.empty() || !a.root_crl.empty();
  if (items) {
    if (!a.collateral.empty()) return InvalidArgumentError("--collateral and the item options are exclusive");
    if (a.tcb_info.empty() || a.qe_identity.empty() || a.signing_chain.empty() || a.pck_crl.empty() || a.root_crl.empty())
      return InvalidArgumentError("item by item, all of --tcb-info, --qe-identity, --signing-chain, --pck-crl and --root-crl are needed");
    verify::Collateral c;
    ASSIGN_OR_RETURN(c.tcb_info, ReadFileString(a.tcb_info, 16 << 20));
    ASSIGN_OR_RETURN(c.qe_identity, ReadFileString(a.qe_identity, 16 << 20));
    ASSIGN_OR_RETURN(c.tcb_info_issuer_chain, ReadFileString(a.signing_chain, 1 << 20));
    ASSIGN_OR_RETURN(c.pck_crl, ReadFileBytes(a.pck_crl, 16 << 20));
    ASSIGN_OR_RETURN(c.root_ca_crl, ReadFileBytes(a.root_crl, 16 << 20));
    if (!a.pck_crl_chain.empty()) {
      ASSIGN_OR_RETURN(c.pck_crl_issuer_chain, ReadFileString(a.pck_crl_chain, 1 << 20));
    }
    return c;
  }
  if (a.collateral.empty()) return InvalidArgumentError("no collateral: give --collateral URL|DIR|BUNDLE or the item options");
  auto query = verify::QueryForQuote(quote, parse);
  if (!query.ok()) {
    *exit_code = kQuoteInvalid;  // the quote itself is unusable
    return query.status();
  }
  StatusOr<verify::Collateral> c = InvalidArgumentError("unreachable");
  if (a.collateral.rfind("http://", 0) == 0 || a.collateral.rfind("https://", 0) == 0) {
    upstream::CurlHttpClient http({.ca_file = a.ca_file});
    c = verify::CollateralFromUrl(http, a.collateral, *query);
  } else if (std::filesystem::is_directory(a.collateral)) {
    c = verify::CollateralFromDirectory(a.collateral, *query);
  } else {
    auto text = ReadFileString(a.collateral, 256u << 20);
    if (!text.ok()) return text.status();
    c = verify::CollateralFromBundle(*text, *query);
  }
  if (!c.ok() && (c.status().code() == StatusCode::kNotFound || c.status().code() == StatusCode::kUnavailable))
    *exit_code = kQuoteCollateralUnavailable;
  return c;
}

nlohmann::json Report(const verify::VerificationResult& r, const verify::PolicyDecision& d) {
  nlohmann::json j;
  j["status"] = VerdictName(r.verdict);
  j["verified"] = r.verified();
  j["accepted"] = d.accepted;
  if (!r.error_status.empty()) {
    j["error_status"] = r.error_status;
    j["error"] = r.error;
  }
  j["policy_reasons"] = d.reasons;
  j["at"] = FormatRfc3339(r.at);
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.steps) steps.push_back({{"step", s.step}, {"status", s.status}, {"detail", s.detail}});
  j["steps"] = steps;
  if (r.quote) {
    const verify::Quote& q = *r.quote;
    nlohmann::json quote = {{"version", q.header.version}, {"tee", r.tee}, {"body_type", r.body_type},
                            {"report_data", HexEncode(q.ReportData())}};
    if (q.enclave) {
      quote["mr_enclave"] = HexEncode(q.enclave->mr_enclave);
      quote["mr_signer"] = HexEncode(q.enclave->mr_signer);
      quote["isv_prod_id"] = q.enclave->isv_prod_id;
      quote["isv_svn"] = q.enclave->isv_svn;
    }
    if (q.td) {
      quote["mr_td"] = HexEncode(q.td->mr_td);
      quote["tee_tcb_svn"] = HexEncode(q.td->tee_tcb_svn);
      nlohmann::json rtmrs = nlohmann::json::array();
      for (const auto& m : q.td->rtmr) rtmrs.push_back(HexEncode(m));
      quote["rtmr"] = rtmrs;
    }
    j["quote"] = quote;
  }
  if (!r.fmspc.empty()) {
    j["fmspc"] = r.fmspc;
    j["pce_id"] = r.pce_id;
    j["pck_ca"] = r.pck_ca;
    j["pck_tcb"] = {{"sgx_components", HexEncode(r.pck_tcb_components)}, {"pcesvn", r.pck_pcesvn}};
  }
  if (!r.tcb_level_status.empty()) j["tcb_level_status"] = r.tcb_level_status;
  if (!r.platform_status.empty()) j["platform_status"] = r.platform_status;
  if (!r.qe_status.empty()) j["qe_status"] = r.qe_status;
  if (!r.tdx_module_status.empty()) j["tdx_module_status"] = r.tdx_module_status;
  if (r.tcb_date) j["tcb_date"] = FormatRfc3339(*r.tcb_date);
  j["advisory_ids"] = r.advisory_ids;
  if (r.verified() || r.tcb_evaluation_data_number) {
    j["tcb_evaluation_data_number"] = r.tcb_evaluation_data_number;
    j["tcb_info_evaluation_data_number"] = r.tcb_info_evaluation_data_number;
    j["qe_identity_evaluation_data_number"] = r.qe_identity_evaluation_data_number;
  }
  j["collateral_expired"] = r.collateral_expired;
  nlohmann::json expired = nlohmann::json::array();
  for (const auto& e : r.expired)
    expired.push_back({{"item", e.item}, {e.not_yet_valid ? "valid_from" : "until", FormatRfc3339(e.until)}});
  j["expired"] = expired;
  if (r.earliest_expiration) j["earliest_expiration"] = FormatRfc3339(*r.earliest_expiration);
  return j;
}

}  // namespace

VerifyQuoteOutcome RunVerifyQuote(const VerifyQuoteArgs& a) {
  auto quote = ReadFileBytes(a.quote_path, verify::kMaxQuoteSize + 1);
  if (!quote.ok()) return CannotRun(quote.status().message());
  auto trailing = verify::ParseTrailingBytes(a.trailing);
  if (!trailing.ok()) return CannotRun("--trailing: " + trailing.status().message());
  auto policy = BuildPolicy(a);
  if (!policy.ok()) return CannotRun(policy.status().message());
  verify::VerifyOptions options{.at = SystemClock::Instance().Now(), .parse = {.trailing = *trailing}};
  if (!a.at.empty()) {
    auto t = ParseRfc3339(a.at);
    if (!t.ok()) return CannotRun("--at: " + t.status().message());
    options.at = *t;
  }
  if (!a.root_path.empty()) {
    auto pem = ReadFileString(a.root_path, 1 << 20);
    if (!pem.ok()) return CannotRun(pem.status().message());
    auto root = crypto::Certificate::FromPem(*pem);
    if (!root.ok()) return CannotRun("--root: " + root.status().message());
    options.root = *root;
  }
  int failure_code = kQuoteCannotRun;
  auto collateral = LoadCollateral(a, *quote, options.parse, &failure_code);
  if (!collateral.ok()) {
    VerifyQuoteOutcome o;
    o.exit_code = failure_code;
    const std::string why = collateral.status().message();
    const char* status = failure_code == kQuoteCollateralUnavailable ? "CollateralUnavailable"
                         : failure_code == kQuoteInvalid             ? "Invalid"
                                                                     : "Error";
    o.summary = (failure_code == kQuoteCollateralUnavailable ? "collateral unavailable: "
                 : failure_code == kQuoteInvalid             ? "invalid: "
                                                             : "") + why;
    o.report = {{"status", status}, {"error", why}};
    if (failure_code == kQuoteInvalid) o.report["error_status"] = "UNSUPPORTED_QUOTE_FORMAT";
    return o;
  }
  verify::VerificationResult r = verify::VerifyQuote(*quote, *collateral, options);
  verify::PolicyDecision d = verify::ApplyPolicy(r, *policy);
  VerifyQuoteOutcome o;
  o.report = Report(r, d);
  if (d.accepted) {
    o.exit_code = kQuoteAccepted;
    o.summary = std::string(VerdictName(r.verdict)) + ": accepted";
  } else if (!r.verified()) {
    o.exit_code = kQuoteInvalid;
    o.summary = "invalid: " + r.error_status + ": " + r.error;
  } else {
    o.exit_code = kQuoteRejectedByPolicy;
    std::string reasons;
    for (const auto& why : d.reasons) reasons += (reasons.empty() ? "" : "; ") + why;
    o.summary = std::string(VerdictName(r.verdict)) + ": rejected by policy: " + reasons;
  }
  return o;
}

}  // namespace thim::cli
