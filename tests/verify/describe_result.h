// A verification result as text, for failure messages.
#pragma once
#include <string>

#include "core/time.h"
#include "thim/verify.h"

namespace thim::verify::testing {

inline std::string Describe(const VerificationResult& r) {
  std::string s = std::string(VerdictName(r.verdict)) + " " + r.error_status + " " + r.error + "\n";
  for (const auto& st : r.steps) s += "  " + st.step + ": " + st.status + " " + st.detail + "\n";
  for (const auto& e : r.expired) s += "  expired: " + e.item + " " + FormatRfc3339(e.until) + "\n";
  for (const auto& a : r.advisory_ids) s += "  advisory " + a + "\n";
  return s;
}

}  // namespace thim::verify::testing
