#include "amd/product.h"

#include <cstdio>

namespace thim::amd {

std::string_view ProductName(Product p) {
  switch (p) {
    case Product::kGenoa: return "Genoa";
    case Product::kTurin: return "Turin";
    case Product::kMilan: break;
  }
  return "Milan";
}

StatusOr<Product> ParseProduct(std::string_view name) {
  // VCEK productName carries a stepping ("Milan-B0"); KDS paths do not.
  std::string_view base = name.substr(0, name.find('-'));
  if (base == "Milan") return Product::kMilan;
  if (base == "Genoa" || base == "Siena" || base == "Bergamo") return Product::kGenoa;
  if (base == "Turin") return Product::kTurin;
  return InvalidArgumentError("unknown AMD product \"" + std::string(name) + "\" (expected Milan, Genoa or Turin)");
}

std::optional<Product> ProductFromCpuid(uint8_t family, uint8_t model) {
  // Ranges as virtee/snpguest use them (Genoa includes Siena/Bergamo models).
  if (family == 0x19 && model <= 0x0F) return Product::kMilan;
  if (family == 0x19 && ((model >= 0x10 && model <= 0x1F) || (model >= 0xA0 && model <= 0xAF))) return Product::kGenoa;
  if (family == 0x1A && model <= 0x11) return Product::kTurin;
  return std::nullopt;
}

size_t HwIdLength(Product p) { return p == Product::kTurin ? 8 : 64; }

TcbParts DecodeTcb(Product p, uint64_t raw) {
  auto byte = [raw](int i) { return static_cast<uint8_t>(raw >> (8 * i)); };
  TcbParts t;
  if (p == Product::kTurin) {
    t.fmc = byte(0);
    t.bl = byte(1);
    t.tee = byte(2);
    t.snp = byte(3);
  } else {
    t.bl = byte(0);
    t.tee = byte(1);
    t.snp = byte(6);
  }
  t.ucode = byte(7);
  return t;
}

uint64_t EncodeTcb(Product p, const TcbParts& t) {
  auto at = [](uint8_t v, int i) { return static_cast<uint64_t>(v) << (8 * i); };
  if (p == Product::kTurin) return at(t.fmc, 0) | at(t.bl, 1) | at(t.tee, 2) | at(t.snp, 3) | at(t.ucode, 7);
  return at(t.bl, 0) | at(t.tee, 1) | at(t.snp, 6) | at(t.ucode, 7);
}

std::string FormatTcbm(uint64_t raw) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llX", static_cast<unsigned long long>(raw));
  return buf;
}

bool TcbAtLeast(const TcbParts& have, const TcbParts& want) {
  return have.bl >= want.bl && have.tee >= want.tee && have.snp >= want.snp && have.ucode >= want.ucode &&
         have.fmc >= want.fmc;
}

}  // namespace thim::amd
