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

}  // namespace thim::intel
