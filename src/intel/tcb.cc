#include "intel/tcb.h"

namespace thim::intel {

TcbOrder CompareTcb(const SgxTcb& a, const SgxTcb& b) {
  bool lower = a.pcesvn < b.pcesvn;
  bool higher = a.pcesvn > b.pcesvn;
  for (size_t i = 0; i < a.components.size(); ++i) {
    lower |= a.components[i] < b.components[i];
    higher |= a.components[i] > b.components[i];
  }
  if (lower && higher) return TcbOrder::kIncomparable;
  if (lower) return TcbOrder::kLess;
  if (higher) return TcbOrder::kGreater;
  return TcbOrder::kEqual;
}

bool TcbNotAbove(const SgxTcb& a, const SgxTcb& b) {
  TcbOrder order = CompareTcb(a, b);
  return order == TcbOrder::kLess || order == TcbOrder::kEqual;
}

namespace {
constexpr std::pair<TcbStatus, std::string_view> kStatusNames[] = {
    {TcbStatus::kUpToDate, "UpToDate"},
    {TcbStatus::kSWHardeningNeeded, "SWHardeningNeeded"},
    {TcbStatus::kConfigurationNeeded, "ConfigurationNeeded"},
    {TcbStatus::kConfigurationAndSWHardeningNeeded, "ConfigurationAndSWHardeningNeeded"},
    {TcbStatus::kOutOfDate, "OutOfDate"},
    {TcbStatus::kOutOfDateConfigurationNeeded, "OutOfDateConfigurationNeeded"},
    {TcbStatus::kRevoked, "Revoked"},
};
}  // namespace

std::string_view TcbStatusName(TcbStatus status) {
  for (const auto& [s, name] : kStatusNames)
    if (s == status) return name;
  return "Unknown";
}

StatusOr<TcbStatus> ParseTcbStatus(std::string_view name) {
  for (const auto& [s, n] : kStatusNames)
    if (n == name) return s;
  return InvalidArgumentError("unknown tcbStatus \"" + std::string(name.substr(0, 64)) + "\"");
}

std::string FormatTcbm(ByteSpan cpusvn16, uint16_t pcesvn) {
  uint8_t pce[2] = {static_cast<uint8_t>(pcesvn & 0xFF), static_cast<uint8_t>(pcesvn >> 8)};
  return HexEncode(cpusvn16, true) + HexEncode(pce, true);
}

StatusOr<Tcbm> ParseTcbm(std::string_view hex36) {
  if (!IsHex(hex36, 36)) return InvalidArgumentError("TCBm must be 36 hex characters");
  ASSIGN_OR_RETURN(Bytes raw, HexDecode(hex36));
  Tcbm t;
  t.cpusvn.assign(raw.begin(), raw.begin() + 16);
  t.pcesvn = static_cast<uint16_t>(raw[16] | raw[17] << 8);
  return t;
}

namespace {
bool AtLeast(const SgxTcb& a, const SgxTcb& b) {
  TcbOrder o = CompareTcb(a, b);
  return o == TcbOrder::kGreater || o == TcbOrder::kEqual;
}
}  // namespace

std::optional<size_t> SelectByTcb(const std::vector<SgxTcb>& levels, const std::vector<SgxTcb>& certs, const SgxTcb& raw) {
  // One bucket per TCB level, in TCB-info order, plus one for certificates
  // below every level; within a bucket, highest TCB first. Incomparable
  // certificates keep their input order (a certificate only moves ahead of
  // one it is ≥), exactly as Intel's insertion does.
  std::vector<std::vector<size_t>> buckets(levels.size() + 1);
  for (size_t i = 0; i < certs.size(); ++i) {
    size_t b = levels.size();
    for (size_t l = 0; l < levels.size(); ++l) {
      if (AtLeast(certs[i], levels[l])) {
        b = l;
        break;
      }
    }
    auto& bucket = buckets[b];
    auto pos = bucket.begin();
    while (pos != bucket.end() && !AtLeast(certs[i], certs[*pos])) ++pos;
    bucket.insert(pos, i);
  }
  for (const auto& bucket : buckets)
    for (size_t i : bucket)
      if (TcbNotAbove(certs[i], raw)) return i;
  return std::nullopt;
}

}  // namespace thim::intel
