// SEV-SNP attestation report (1184 bytes, little-endian; reference §4.1).
// Versions 2, 3 (and 4, same layout) and 5 are accepted; every reserved
// (must-be-zero) field is checked so that a report with bits we do not
// understand is refused rather than half-read. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "amd/product.h"
#include "core/bytes.h"

namespace thim::amd {

inline constexpr size_t kSnpReportSize = 0x4A0;
inline constexpr size_t kSnpSignedSize = 0x2A0;  // bytes 0x000..0x29F are signed

enum class SigningKey { kVcek = 0, kVlek = 1, kNone = 7 };

struct SnpReport {
  uint32_t version = 0;
  uint32_t guest_svn = 0;
  uint64_t policy = 0;
  std::array<uint8_t, 16> family_id{}, image_id{};
  uint32_t vmpl = 0;
  uint32_t signature_algo = 0;
  uint64_t current_tcb = 0;
  uint64_t platform_info = 0;
  bool author_key_en = false;
  bool mask_chip_key = false;
  SigningKey signing_key = SigningKey::kVcek;
  std::array<uint8_t, 64> report_data{};
  std::array<uint8_t, 48> measurement{};
  std::array<uint8_t, 32> host_data{};
  std::array<uint8_t, 48> id_key_digest{}, author_key_digest{};
  std::array<uint8_t, 32> report_id{}, report_id_ma{};
  uint64_t reported_tcb = 0;
  std::optional<uint8_t> cpuid_fam, cpuid_mod, cpuid_step;  // v3+
  std::array<uint8_t, 64> chip_id{};
  uint64_t committed_tcb = 0;
  uint8_t current_build = 0, current_minor = 0, current_major = 0;
  uint8_t committed_build = 0, committed_minor = 0, committed_major = 0;
  uint64_t launch_tcb = 0;
  std::optional<uint64_t> launch_mit_vector, current_mit_vector;  // v5
  std::array<uint8_t, 72> sig_r{}, sig_s{};  // little-endian
  Bytes raw;  // the 1184 bytes as given

  ByteSpan signed_bytes() const { return ByteSpan(raw).first(kSnpSignedSize); }
  // Policy bits (reference §4.3).
  bool smt_allowed() const { return policy >> 16 & 1; }
  bool migrate_ma_allowed() const { return policy >> 18 & 1; }
  bool debug_allowed() const { return policy >> 19 & 1; }
  bool single_socket() const { return policy >> 20 & 1; }
  bool chip_id_masked() const;  // all-zero CHIP_ID (MASK_CHIP_ID or VLEK)
};

// InvalidArgument with the offending offset for anything malformed: wrong
// size, unknown version, signature algorithm, non-zero reserved bytes, policy
// bit 17 clear, undefined signer-info values.
StatusOr<SnpReport> ParseSnpReport(ByteSpan data);

// Accepts a bare report, or an Azure vTPM HCL report ("HCLA" header, the SNP
// report at offset 32). Sets *from_hcl when the wrapper was found.
StatusOr<SnpReport> ParseSnpReportOrHcl(ByteSpan data, bool* from_hcl = nullptr);

// The product of a report: from CPUID (v3+), else from the CHIP_ID shape
// (Turin uses only the first 8 bytes), else nullopt (Milan vs Genoa needs the
// VCEK's productName).
std::optional<Product> ReportProduct(const SnpReport& report);

// The chip's hwID as KDS wants it: 64 bytes, Turin the first 8.
Bytes ReportHwId(const SnpReport& report, Product product);

}  // namespace thim::amd
