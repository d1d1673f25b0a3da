#include "sim/snp_report_generator.h"

#include <cstring>

#include "crypto/public_key.h"

namespace thim::sim {
namespace {

void Put32(Bytes& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}
void Put64(Bytes& b, size_t off, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

Bytes SimChipId(amd::Product product, uint32_t index) {
  std::string seed = "thim-sim chip " + std::string(amd::ProductName(product)) + " " + std::to_string(index);
  Bytes id = crypto::Sha512(AsBytes(seed));
  if (product == amd::Product::kTurin) std::fill(id.begin() + 8, id.end(), 0);
  return id;
}

StatusOr<Bytes> GenerateSnpReport(AmdPki& pki, const SnpReportSpec& s) {
  if (s.version < 2 || s.version > 5) return InvalidArgumentError("report versions 2 to 5");
  Bytes chip = s.chip_id.empty() ? SimChipId(s.product, 0) : s.chip_id;
  if (chip.size() != 64) return InvalidArgumentError("a CHIP_ID is 64 bytes");
  bool vlek = !s.vlek_csp.empty();
  if (vlek) chip.assign(64, 0);
  uint64_t tcb = amd::EncodeTcb(s.product, s.reported_tcb);
  Bytes r(amd::kSnpReportSize, 0);
  Put32(r, 0x000, s.version);
  Put32(r, 0x004, 1);  // GUEST_SVN
  Put64(r, 0x008, s.policy);
  Put32(r, 0x030, s.vmpl);
  Put32(r, 0x034, 1);  // ECDSA P-384 / SHA-384
  Put64(r, 0x038, tcb);
  Put64(r, 0x040, 0x1);  // SMT enabled
  Put32(r, 0x048, vlek ? (1u << 2) : 0);
  std::memcpy(&r[0x050], s.report_data.data(), 64);
  std::memcpy(&r[0x090], s.measurement.data(), 48);
  Put64(r, 0x180, tcb);
  if (s.version >= 3) {
    // CPUID family/model/stepping of the product (reference §4.6).
    uint8_t fam = s.product == amd::Product::kTurin ? 0x1A : 0x19;
    uint8_t mod = s.product == amd::Product::kMilan ? 0x01 : s.product == amd::Product::kGenoa ? 0x11 : 0x02;
    r[0x188] = fam;
    r[0x189] = mod;
    r[0x18A] = 1;
  }
  std::memcpy(&r[0x1A0], chip.data(), 64);
  Put64(r, 0x1E0, tcb);
  r[0x1E8] = 3;   // build
  r[0x1E9] = 55;  // minor
  r[0x1EA] = 1;   // major
  r[0x1EC] = 3;
  r[0x1ED] = 55;
  r[0x1EE] = 1;
  Put64(r, 0x1F0, tcb);
  StatusOr<IssuedCert> key = vlek ? pki.Vlek(s.product, s.reported_tcb, s.vlek_csp)
                                  : pki.Vcek(s.product, ByteSpan(chip).first(amd::HwIdLength(s.product)), s.reported_tcb);
  if (!key.ok()) return key.status();
  ASSIGN_OR_RETURN(Bytes sig, key->key.SignEcdsaP384AmdLe(ByteSpan(r).first(amd::kSnpSignedSize)));
  if (sig.size() != 144) return InternalError("AMD signature is r(72) ‖ s(72)");
  std::memcpy(&r[0x2A0], sig.data(), 72);
  std::memcpy(&r[0x2E8], sig.data() + 72, 72);
  return r;
}

}  // namespace thim::sim
