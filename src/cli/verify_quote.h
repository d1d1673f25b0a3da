// `thim verify quote`: verifies an SGX/TDX quote with collateral from a URL,
// a directory, a bundle, or given item by item, then applies the policy.
// Exit codes (kept distinct so scripts can tell them apart):
//   0 the quote verifies and the policy accepts it
//   1 invalid (bad signature, malformed, untrusted, mismatching collateral,
//     a revoked PCK or PCK CA: Intel stops before checking the quote itself)
//   2 could not run (bad arguments, unreadable files)
//   3 valid, but rejected by the policy (status, advisories, baseline, age,
//     expired collateral, measurements); Revoked (TCB level, QE or TDX
//     module) and TcbNotSupported verdicts are never accepted
//   4 could not verify: collateral unavailable (network, 404, missing files)
// Thread-safety: pure function (plus network I/O for URL collateral).
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace thim::cli {

inline constexpr int kQuoteAccepted = 0;
inline constexpr int kQuoteInvalid = 1;
inline constexpr int kQuoteCannotRun = 2;
inline constexpr int kQuoteRejectedByPolicy = 3;
inline constexpr int kQuoteCollateralUnavailable = 4;

struct VerifyQuoteArgs {
  std::string quote_path;
  std::string collateral;  // URL (http/https), directory, or bundle file
  // Item by item, as operators do with Intel's tools.
  std::string tcb_info, qe_identity, signing_chain, pck_crl, root_crl, pck_crl_chain;
  std::string root_path;  // pinned root (PEM); default Intel's
  std::string ca_file;    // CA bundle for https collateral
  std::string at;         // RFC 3339; default now
  std::string trailing = "reject";
  // Policy.
  std::vector<std::string> accept;  // statuses; default UpToDate
  std::vector<std::string> allow_advisories;
  bool allow_advisories_set = false;
  long long min_tcb_eval = 0;
  long long max_age_days = -1;
  bool accept_expired = false;
  std::string mr_enclave, mr_signer, mr_td, report_data;
  std::vector<std::string> rtmr;  // "i=hex"
};

struct VerifyQuoteOutcome {
  int exit_code = kQuoteCannotRun;
  nlohmann::json report;  // the verdict, steps and policy decision (printed with --json)
  std::string summary;    // one line for humans
};

VerifyQuoteOutcome RunVerifyQuote(const VerifyQuoteArgs& args);

}  // namespace thim::cli
