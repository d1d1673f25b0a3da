// AMD SEV-SNP product lines and TCB_VERSION, whose byte layout differs per
// product (Milan/Genoa vs Turin, reference §4.2). Pure value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace thim::amd {

// KDS product names. Zen 4c parts (Siena, Bergamo) are Genoa for KDS.
enum class Product { kMilan, kGenoa, kTurin };

std::string_view ProductName(Product p);  // "Milan", "Genoa", "Turin"
// Accepts the KDS names and VCEK productName values with a stepping
// ("Milan-B0", "Genoa-B2"), and "Siena"/"Bergamo" as Genoa. Case-sensitive
// like KDS. InvalidArgument otherwise.
StatusOr<Product> ParseProduct(std::string_view name);
// From the report's CPUID family/model (v3+ reports); nullopt when unknown.
std::optional<Product> ProductFromCpuid(uint8_t family, uint8_t model);
// The hwID length KDS wants: 64 bytes, Turin 8.
size_t HwIdLength(Product p);

// The security patch levels of one TCB_VERSION. fmc exists on Turin only.
struct TcbParts {
  uint8_t bl = 0, tee = 0, snp = 0, ucode = 0, fmc = 0;
  friend bool operator==(const TcbParts&, const TcbParts&) = default;
};

// The 8 bytes as a little-endian uint64 (what THIM prints as `tcbm`, %016X).
TcbParts DecodeTcb(Product p, uint64_t raw);
// Inverse of DecodeTcb; reserved bytes are zero.
uint64_t EncodeTcb(Product p, const TcbParts& parts);
// "%016X" — THIM's `tcbm`.
std::string FormatTcbm(uint64_t raw);
// Whether every component of `have` is at least `want`'s.
bool TcbAtLeast(const TcbParts& have, const TcbParts& want);

}  // namespace thim::amd
