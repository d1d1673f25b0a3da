// TCB baselines: which TCB evaluation data number a client is judged by.
//
// A baseline resolves, per request, to one evaluation number:
//   standard  – Intel's "standard" set (what PCS serves without parameters);
//   early     – Intel's newest set (update=early);
//   eval:N    – pinned to evaluation number N;
//   lag:K     – K numbers behind Intel's standard: a slower-moving baseline,
//               so a TCB recovery does not demote the fleet overnight.
// The policy holds a default, per-FMSPC overrides, per-tenant baselines and a
// floor: no baseline, tenant or explicit request is served collateral older
// than the floor, because old TCB evaluations hide vulnerabilities that Intel
// has since published (a platform "UpToDate" under them may not be).
// Thread-safety: immutable values; swap whole policies atomically.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace thim::cache {

struct Baseline {
  enum class Kind { kStandard, kEarly, kPinned, kLag };
  Kind kind = Kind::kStandard;
  uint32_t n = 0;  // kPinned: the number; kLag: how many behind standard
  std::string ToString() const;
  friend bool operator==(const Baseline&, const Baseline&) = default;
};

// "standard", "early", "eval:17", "lag:1". InvalidArgument otherwise.
StatusOr<Baseline> ParseBaseline(std::string_view text);

struct BaselinePolicy {
  Baseline default_baseline{Baseline::Kind::kLag, 1};
  std::map<std::string, Baseline> fmspc_overrides;  // FMSPC (upper-case hex) → baseline
  std::map<std::string, Baseline> tenants;          // tenant id → baseline
  uint32_t floor = 0;                               // lowest evaluation number ever served (0 = none)
  // Intel's client library sends update=standard on every request; when true
  // that means "no preference" and the baseline applies. update=early and
  // tcbEvaluationDataNumber=N are always honoured as asked (above the floor).
  bool standard_means_baseline = true;

  // The baseline for a request: the tenant's, else the FMSPC's override, else
  // the default. `tenant` and `fmspc` may be empty.
  Baseline For(std::string_view tenant, std::string_view fmspc) const;
};

// The evaluation number a baseline stands for, given Intel's current
// standard number; the floor applies. NotFound-free: pure arithmetic.
// kStandard/kEarly return nullopt (they are served by Intel's update type).
std::optional<uint32_t> ResolveNumber(const Baseline& baseline, uint32_t standard, uint32_t floor);

}  // namespace thim::cache
