#include "cache/baseline.h"

#include <charconv>

namespace thim::cache {

std::string Baseline::ToString() const {
  switch (kind) {
    case Kind::kStandard: return "standard";
    case Kind::kEarly: return "early";
    case Kind::kPinned: return "eval:" + std::to_string(n);
    case Kind::kLag: return "lag:" + std::to_string(n);
  }
  return "standard";
}

StatusOr<Baseline> ParseBaseline(std::string_view text) {
  if (text == "standard") return Baseline{Baseline::Kind::kStandard, 0};
  if (text == "early") return Baseline{Baseline::Kind::kEarly, 0};
  auto number = [&](std::string_view digits, uint32_t* out) {
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *out);
    return !digits.empty() && ec == std::errc() && end == digits.data() + digits.size();
  };
  uint32_t n = 0;
  if (text.starts_with("eval:") && number(text.substr(5), &n) && n > 0) return Baseline{Baseline::Kind::kPinned, n};
  if (text.starts_with("lag:") && number(text.substr(4), &n) && n <= 100) return Baseline{Baseline::Kind::kLag, n};
  return InvalidArgumentError("baseline must be standard, early, eval:N or lag:K, got \"" + std::string(text.substr(0, 40)) + "\"");
}

Baseline BaselinePolicy::For(std::string_view tenant, std::string_view fmspc) const {
  if (!tenant.empty()) {
    auto it = tenants.find(std::string(tenant));
    if (it != tenants.end()) return it->second;
  }
  if (!fmspc.empty()) {
    auto it = fmspc_overrides.find(std::string(fmspc));
    if (it != fmspc_overrides.end()) return it->second;
  }
  return default_baseline;
}

std::optional<uint32_t> ResolveNumber(const Baseline& baseline, uint32_t standard, uint32_t floor) {
  uint32_t n = 0;
  switch (baseline.kind) {
    case Baseline::Kind::kStandard:
    case Baseline::Kind::kEarly:
      if (floor == 0 || standard >= floor) return std::nullopt;
      return floor;
    case Baseline::Kind::kPinned: n = baseline.n; break;
    case Baseline::Kind::kLag: n = standard > baseline.n ? standard - baseline.n : 1; break;
  }
  return std::max(n, floor);
}

}  // namespace thim::cache
