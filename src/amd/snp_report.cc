#include "amd/snp_report.h"

#include <algorithm>
#include <cstring>
#include <cstdio>

namespace thim::amd {
namespace {

uint32_t Le32(ByteSpan d, size_t off) {
  return d[off] | d[off + 1] << 8 | d[off + 2] << 16 | static_cast<uint32_t>(d[off + 3]) << 24;
}
uint64_t Le64(ByteSpan d, size_t off) { return Le32(d, off) | static_cast<uint64_t>(Le32(d, off + 4)) << 32; }

template <size_t N>
void Copy(ByteSpan d, size_t off, std::array<uint8_t, N>& out) {
  std::memcpy(out.data(), d.data() + off, N);
}

std::string Hex(size_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%03zX", v);
  return buf;
}

// InvalidArgument naming the first non-zero byte of a must-be-zero range.
Status CheckZero(ByteSpan d, size_t begin, size_t end, const char* what) {
  for (size_t i = begin; i < end; ++i) {
    if (d[i] != 0) return InvalidArgumentError(std::string("reserved ") + what + " byte at " + Hex(i) + " is not zero");
  }
  return OkStatus();
}

}  // namespace

bool SnpReport::chip_id_masked() const {
  return std::all_of(chip_id.begin(), chip_id.end(), [](uint8_t b) { return b == 0; });
}

StatusOr<SnpReport> ParseSnpReport(ByteSpan d) {
  if (d.size() != kSnpReportSize) {
    return InvalidArgumentError("an SNP report is 1184 bytes, got " + std::to_string(d.size()));
  }
  SnpReport r;
  r.version = Le32(d, 0x000);
  if (r.version < 2 || r.version > 5) {
    return InvalidArgumentError("unsupported SNP report version " + std::to_string(r.version) + " (2 to 5 are known)");
  }
  r.guest_svn = Le32(d, 0x004);
  r.policy = Le64(d, 0x008);
  if (!(r.policy >> 17 & 1)) return InvalidArgumentError("guest policy bit 17 (reserved, must be one) is zero");
  if (r.policy >> 26) return InvalidArgumentError("guest policy has undefined bits 63:26 set");
  Copy(d, 0x010, r.family_id);
  Copy(d, 0x020, r.image_id);
  r.vmpl = Le32(d, 0x030);
  if (r.vmpl > 3) return InvalidArgumentError("VMPL " + std::to_string(r.vmpl) + " is out of range (0 to 3)");
  r.signature_algo = Le32(d, 0x034);
  if (r.signature_algo != 1) {
    return InvalidArgumentError("signature algorithm " + std::to_string(r.signature_algo) +
                                " is not 1 (ECDSA P-384 with SHA-384)");
  }
  r.current_tcb = Le64(d, 0x038);
  r.platform_info = Le64(d, 0x040);
  if (r.platform_info >> 8 || r.platform_info & 0x40) {
    return InvalidArgumentError("platform info has reserved bits set");
  }
  uint32_t signer = Le32(d, 0x048);
  r.author_key_en = signer & 1;
  r.mask_chip_key = signer >> 1 & 1;
  uint32_t key = signer >> 2 & 7;
  if (key != 0 && key != 1 && key != 7) {
    return InvalidArgumentError("signing key field " + std::to_string(key) + " is reserved");
  }
  r.signing_key = static_cast<SigningKey>(key);
  if (signer >> 5) return InvalidArgumentError("signer info bits 31:5 are not zero");
  RETURN_IF_ERROR(CheckZero(d, 0x04C, 0x050, "signer info"));
  Copy(d, 0x050, r.report_data);
  Copy(d, 0x090, r.measurement);
  Copy(d, 0x0C0, r.host_data);
  Copy(d, 0x0E0, r.id_key_digest);
  Copy(d, 0x110, r.author_key_digest);
  Copy(d, 0x140, r.report_id);
  Copy(d, 0x160, r.report_id_ma);
  r.reported_tcb = Le64(d, 0x180);
  if (r.version >= 3) {
    r.cpuid_fam = d[0x188];
    r.cpuid_mod = d[0x189];
    r.cpuid_step = d[0x18A];
    RETURN_IF_ERROR(CheckZero(d, 0x18B, 0x1A0, "post-CPUID"));
  } else {
    RETURN_IF_ERROR(CheckZero(d, 0x188, 0x1A0, "v2 post-REPORTED_TCB"));
  }
  Copy(d, 0x1A0, r.chip_id);
  r.committed_tcb = Le64(d, 0x1E0);
  r.current_build = d[0x1E8];
  r.current_minor = d[0x1E9];
  r.current_major = d[0x1EA];
  RETURN_IF_ERROR(CheckZero(d, 0x1EB, 0x1EC, "version"));
  r.committed_build = d[0x1EC];
  r.committed_minor = d[0x1ED];
  r.committed_major = d[0x1EE];
  RETURN_IF_ERROR(CheckZero(d, 0x1EF, 0x1F0, "version"));
  r.launch_tcb = Le64(d, 0x1F0);
  if (r.version >= 5) {
    r.launch_mit_vector = Le64(d, 0x1F8);
    r.current_mit_vector = Le64(d, 0x200);
    RETURN_IF_ERROR(CheckZero(d, 0x208, 0x2A0, "tail"));
  } else {
    RETURN_IF_ERROR(CheckZero(d, 0x1F8, 0x2A0, "tail"));
  }
  Copy(d, 0x2A0, r.sig_r);
  Copy(d, 0x2E8, r.sig_s);
  RETURN_IF_ERROR(CheckZero(d, 0x330, 0x4A0, "signature"));
  r.raw.assign(d.begin(), d.end());
  return r;
}

StatusOr<SnpReport> ParseSnpReportOrHcl(ByteSpan d, bool* from_hcl) {
  if (from_hcl) *from_hcl = false;
  // Azure vTPM HCL report: "HCLA" then 28 header bytes, then the hardware report.
  if (d.size() >= 4 && std::memcmp(d.data(), "HCLA", 4) == 0) {
    if (d.size() < 32 + kSnpReportSize) return InvalidArgumentError("HCL report too short to hold an SNP report");
    uint32_t request_type = Le32(d, 12);
    if (request_type != 2) return InvalidArgumentError("HCL report does not carry an SNP report");
    if (from_hcl) *from_hcl = true;
    auto r = ParseSnpReport(d.subspan(32, kSnpReportSize));
    if (!r.ok()) return r.status().WithContext("SNP report inside HCL report");
    return r;
  }
  return ParseSnpReport(d);
}

std::optional<Product> ReportProduct(const SnpReport& r) {
  if (r.cpuid_fam && r.cpuid_mod) {
    if (auto p = ProductFromCpuid(*r.cpuid_fam, *r.cpuid_mod)) return p;
  }
  if (!r.chip_id_masked() && std::all_of(r.chip_id.begin() + 8, r.chip_id.end(), [](uint8_t b) { return b == 0; })) {
    return Product::kTurin;
  }
  return std::nullopt;
}

Bytes ReportHwId(const SnpReport& r, Product product) {
  return Bytes(r.chip_id.begin(), r.chip_id.begin() + HwIdLength(product));
}

}  // namespace thim::amd
