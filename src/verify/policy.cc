// The caller's policy on top of Intel's verdict (issue #5 §3). Every reason
// for rejection is collected, so an operator sees all of them at once.
#include <algorithm>

#include "thim/verify.h"

namespace thim::verify {
namespace {

bool EqualPrefix(const Bytes& expected, ByteSpan actual) {
  return expected.size() <= actual.size() && std::equal(expected.begin(), expected.end(), actual.begin());
}

void Expect(PolicyDecision& d, const char* name, const std::optional<Bytes>& want, ByteSpan have, bool exact = true) {
  if (!want) return;
  bool ok = exact ? (want->size() == have.size() && EqualPrefix(*want, have)) : EqualPrefix(*want, have);
  if (!ok) d.reasons.push_back(std::string(name) + " is " + HexEncode(have) + ", expected " + HexEncode(*want));
}

}  // namespace

PolicyDecision ApplyPolicy(const VerificationResult& r, const Policy& policy) {
  PolicyDecision d;
  if (!r.verified()) {
    d.reasons.push_back("the quote did not verify: " + r.error_status + ": " + r.error);
    return d;
  }
  // Revoked and unsupported TCBs are never acceptable, whatever the list says.
  bool never = r.verdict == Verdict::kRevoked || r.verdict == Verdict::kTcbNotSupported;
  if (never || std::find(policy.accepted.begin(), policy.accepted.end(), r.verdict) == policy.accepted.end())
    d.reasons.push_back("status " + std::string(VerdictName(r.verdict)) + " is not accepted");
  if (policy.allowed_advisory_ids) {
    for (const auto& id : r.advisory_ids)
      if (std::find(policy.allowed_advisory_ids->begin(), policy.allowed_advisory_ids->end(), id) == policy.allowed_advisory_ids->end())
        d.reasons.push_back("advisory " + id + " is not allowed");
  }
  if (r.tcb_evaluation_data_number < policy.min_tcb_evaluation_data_number)
    d.reasons.push_back("TCB evaluation data number " + std::to_string(r.tcb_evaluation_data_number) + " is below the minimum " +
                        std::to_string(policy.min_tcb_evaluation_data_number));
  if (policy.max_collateral_age) {
    TimePoint oldest = std::min(r.tcb_info_issue_date, r.qe_identity_issue_date);
    if (r.at - oldest > *policy.max_collateral_age)
      d.reasons.push_back("collateral issued " + FormatRfc3339(oldest) + " is older than " +
                          std::to_string(policy.max_collateral_age->count()) + " s");
  }
  if (r.collateral_expired && !policy.accept_expired_collateral) {
    std::string names;
    for (const auto& e : r.expired) names += (names.empty() ? "" : ", ") + e.item;
    d.reasons.push_back("expired collateral (" + names + ") is not accepted");
  }
  if (r.quote) {
    const Quote& q = *r.quote;
    if (q.enclave) {
      Expect(d, "MRENCLAVE", policy.mr_enclave, q.enclave->mr_enclave);
      Expect(d, "MRSIGNER", policy.mr_signer, q.enclave->mr_signer);
    } else {
      if (policy.mr_enclave || policy.mr_signer) d.reasons.push_back("MRENCLAVE/MRSIGNER expected, but this is a TD quote");
    }
    if (q.td) {
      Expect(d, "MRTD", policy.mr_td, q.td->mr_td);
      for (const auto& [i, want] : policy.rtmr) {
        if (i < 0 || i > 3) {
          d.reasons.push_back("RTMR index " + std::to_string(i) + " does not exist");
          continue;
        }
        Expect(d, ("RTMR" + std::to_string(i)).c_str(), want, q.td->rtmr[i]);
      }
    } else if (policy.mr_td || !policy.rtmr.empty()) {
      d.reasons.push_back("MRTD/RTMRs expected, but this is an SGX quote");
    }
    Expect(d, "report data", policy.report_data, q.ReportData(), /*exact=*/false);
  }
  d.accepted = d.reasons.empty();
  return d;
}

}  // namespace thim::verify
