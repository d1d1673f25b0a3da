// Generates signed SEV-SNP reports (v2, v3, v5; Milan, Genoa, Turin) with the
// simulator's VCEKs or VLEKs, for tests and thim-sim. Test tooling.
// Thread-safety: pure functions.
#pragma once

#include <array>

#include "amd/snp_report.h"
#include "sim/amd_pki.h"

namespace thim::sim {

struct SnpReportSpec {
  amd::Product product = amd::Product::kMilan;
  uint32_t version = 3;
  Bytes chip_id;  // 64 bytes (Turin: 8 used, rest zero); empty = ChipId(product, 0)
  amd::TcbParts reported_tcb{.bl = 3, .tee = 0, .snp = 8, .ucode = 115, .fmc = 0};
  uint64_t policy = 0x30000;  // SMT allowed, reserved bit 17
  uint32_t vmpl = 0;
  std::array<uint8_t, 64> report_data{};
  std::array<uint8_t, 48> measurement{};
  std::string vlek_csp;  // non-empty: signed by a VLEK for this CSP, CHIP_ID zero
};

// A deterministic chip ID for chip `index` of a product (Turin: 8 bytes then zeros).
Bytes SimChipId(amd::Product product, uint32_t index);

// The report bytes (1184) signed by the VCEK (or VLEK) `pki` issues for it.
StatusOr<Bytes> GenerateSnpReport(AmdPki& pki, const SnpReportSpec& spec);

}  // namespace thim::sim
