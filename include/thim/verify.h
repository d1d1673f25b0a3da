// thim's quote verifier: the public API used by the CLI (and later the
// service). Verifies SGX v3 and TDX v4/v5 quotes against Intel collateral the
// way Intel's QvE/QVL does (reference intel-qpl-qvl.md §3–4), in Intel's
// order and with Intel's status vocabulary, then applies a caller policy.
//
// Two stages, kept apart on purpose:
//   1. VerifyQuote: what Intel's verifier would say (a verdict such as
//      "UpToDate" or "OutOfDate", or the failing step such as
//      INVALID_QUOTE_SIGNATURE) plus everything it was based on.
//   2. ApplyPolicy: whether *this caller* accepts that verdict (statuses,
//      advisories, minimum TCB evaluation data number, collateral age,
//      expired collateral, expected measurements).
// Thread-safety: VerifyQuote and ApplyPolicy are reentrant; CollateralCache
// is internally synchronised.
#pragma once
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/time.h"
#include "crypto/certificate.h"
#include "verify/quote_parser.h"

namespace thim::verify {

// Collateral as it travels (Intel's sgx_ql_qve_collateral_t, minus versions):
// signed JSON bodies, issuer chains as PEM or URL-encoded PEM, CRLs in any
// encoding (PEM, DER or hex DER).
struct Collateral {
  std::string tcb_info;
  std::string tcb_info_issuer_chain;
  std::string qe_identity;
  std::string qe_identity_issuer_chain;  // empty = same as tcb_info_issuer_chain
  Bytes pck_crl;
  std::string pck_crl_issuer_chain;  // optional: the PCK CRL is checked against the quote's own chain (as Intel)
  Bytes root_ca_crl;
};

// Intel's verdicts (sgx_ql_qv_result_t, named as in TCB info), plus kInvalid
// for every terminal failure (the failing step is in `error_status`).
enum class Verdict {
  kUpToDate,
  kSWHardeningNeeded,
  kConfigurationNeeded,
  kConfigurationAndSWHardeningNeeded,
  kOutOfDate,
  kOutOfDateConfigurationNeeded,
  kTdRelaunchAdvised,
  kTdRelaunchAdvisedConfigurationNeeded,
  kRevoked,
  kTcbNotSupported,
  kInvalid,
};
std::string_view VerdictName(Verdict v);  // "UpToDate", …, "TDRelaunchAdvised", "Revoked", "TcbNotSupported", "Invalid"
StatusOr<Verdict> ParseVerdict(std::string_view name);

// One of Intel's verification steps and how it ended. `status` is QVL's
// status name ("OK", "INVALID_QE_REPORT_SIGNATURE", "TCB_INFO_MISMATCH", …).
struct StepOutcome {
  std::string step;    // "pck_chain", "qe_report_signature", …
  std::string status;  // "OK" or the QVL status
  std::string detail;  // human-readable cause or value
};

// A piece of collateral outside its validity at the verification time.
struct ExpiredItem {
  std::string item;   // "root CA CRL", "PCK CRL", "TCB info", "QE identity", "PCK certificate", …
  TimePoint until{};  // its notAfter / nextUpdate (or the thisUpdate it is not yet valid from)
  bool not_yet_valid = false;
};

struct VerificationResult {
  Verdict verdict = Verdict::kInvalid;
  std::string error_status;  // QVL status of the terminal failure ("" when a TCB verdict was reached)
  std::string error;         // one-line cause of the failure
  std::vector<StepOutcome> steps;  // in Intel's order, up to the failing one

  // Known once the corresponding step ran.
  uint16_t quote_version = 0;
  std::string tee;            // "SGX" / "TDX"
  std::string body_type;      // BodyTypeName
  std::string fmspc;          // from the PCK certificate, upper-case hex
  std::string pce_id;
  std::string pck_ca;         // "processor" / "platform"
  std::array<uint8_t, 16> pck_tcb_components{};  // SGX TCB COMP01..16 SVNs of the PCK certificate
  uint16_t pck_pcesvn = 0;
  std::string tcb_level_status;   // the matched TCB level's own tcbStatus, as in the TCB info
  std::string platform_status;    // that status after merging the TDX module status (and relaunch advice)
  std::string qe_status;          // QE identity TCB status: "UpToDate", "OutOfDate", "Revoked", "NotSupported"
  std::string tdx_module_status;  // "UpToDate", "OutOfDate", "Revoked" (TDX only)
  std::optional<TimePoint> tcb_date;  // of the matched TCB level
  std::vector<std::string> advisory_ids;  // of the matched TCB level, the module level and the QE level
  uint32_t tcb_evaluation_data_number = 0;  // min(TCB info, QE identity), as Intel's supplemental data
  uint32_t tcb_info_evaluation_data_number = 0;
  uint32_t qe_identity_evaluation_data_number = 0;
  TimePoint tcb_info_issue_date{};
  TimePoint qe_identity_issue_date{};
  std::optional<TimePoint> earliest_expiration;
  bool collateral_expired = false;  // Intel's collateral_expiration_status
  std::vector<ExpiredItem> expired;
  TimePoint at{};
  std::shared_ptr<const Quote> quote;  // the parsed quote, when parsing succeeded (measurements for the policy)

  // Every signature (PCK chain, collateral, QE report, quote) checked and a
  // TCB verdict reached. A revoked PCK is verdict Revoked but not verified:
  // Intel stops before the quote signature, and so does thim.
  bool signatures_verified = false;
  bool verified() const { return verdict != Verdict::kInvalid && signatures_verified; }
};

struct VerifyOptions {
  TimePoint at;  // "now": Intel's expiration_check_date
  ParseOptions parse;
  // The root every chain must end in; defaults to the pinned Intel SGX Root CA.
  // Used by the Collateral overload; a PreparedCollateral keeps the root it
  // was prepared with.
  std::optional<crypto::Certificate> root;
};

// Parsed and signature-checked collateral, reusable across quotes of one
// platform so that each further quote costs only its own signatures. Build
// with PrepareCollateral; immutable afterwards.
class PreparedCollateral;

// Checks the collateral's signatures (TCB info, QE identity, their chains,
// the root CA CRL) once, independently of the verification time; the PCK CRL
// is checked against the CA in each quote's own chain (as Intel does), once
// per distinct chain. On failure
// returns a result-shaped error: InvalidArgument for malformed collateral,
// DataLoss for bad signatures, PermissionDenied for untrusted or revoked
// signers; the message starts with the QVL status name.
StatusOr<std::shared_ptr<const PreparedCollateral>> PrepareCollateral(const Collateral& collateral,
                                                                      const crypto::Certificate& root);

// An in-process cache of prepared collateral keyed by its exact content (and
// the root), so that a service verifying many quotes of a platform parses and
// checks the collateral signatures once. Bounded: the oldest entry goes first.
class CollateralCache {
 public:
  explicit CollateralCache(size_t max_entries = 64) : max_entries_(max_entries) {}
  StatusOr<std::shared_ptr<const PreparedCollateral>> Get(const Collateral& collateral, const crypto::Certificate& root);
  size_t size() const;
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  struct State;
  size_t max_entries_;
  std::shared_ptr<State> state_ = MakeState();
  static std::shared_ptr<State> MakeState();
};

// Verifies a quote. Never fails as a function: every problem becomes a
// verdict (kInvalid with error_status) so callers always get the steps.
VerificationResult VerifyQuote(ByteSpan quote, const Collateral& collateral, const VerifyOptions& options);
VerificationResult VerifyQuote(ByteSpan quote, const PreparedCollateral& collateral, const VerifyOptions& options);

// ---- Policy -------------------------------------------------------------

struct Policy {
  // Verdicts accepted. Default: UpToDate only.
  std::vector<Verdict> accepted = {Verdict::kUpToDate};
  // When non-empty, every advisory ID of the result must be in this list.
  std::optional<std::vector<std::string>> allowed_advisory_ids;
  // Reject collateral whose TCB evaluation data number is below this baseline.
  uint32_t min_tcb_evaluation_data_number = 0;
  // Reject collateral issued longer ago than this (TCB info and QE identity issueDate).
  std::optional<std::chrono::seconds> max_collateral_age;
  // Whether expired collateral is tolerated. thim may serve an older baseline
  // on purpose; accepting it is the caller's explicit decision, never a default.
  bool accept_expired_collateral = false;
  // Expected measurements (hex compared case-insensitively); absent = not checked.
  std::optional<Bytes> mr_enclave;
  std::optional<Bytes> mr_signer;
  std::optional<Bytes> mr_td;
  std::map<int, Bytes> rtmr;  // index 0..3
  std::optional<Bytes> report_data;  // compared against the first N bytes of the 64-byte report data
};

struct PolicyDecision {
  bool accepted = false;
  std::vector<std::string> reasons;  // why it was rejected (empty when accepted)
};

// Applies `policy` to a result. A result that is not verified is never
// accepted; neither is Revoked nor TcbNotSupported, whatever `accepted` says.
PolicyDecision ApplyPolicy(const VerificationResult& result, const Policy& policy);

}  // namespace thim::verify
