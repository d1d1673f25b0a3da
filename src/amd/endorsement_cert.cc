#include "amd/endorsement_cert.h"

#include <algorithm>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "core/pem.h"

namespace thim::amd {
namespace {

constexpr std::string_view kAmdOidPrefix = "1.3.6.1.4.1.3704.1.";

// A DER INTEGER 0..255 inside an extension value.
StatusOr<uint8_t> ParseSmallInt(const Bytes& der, const std::string& what) {
  const unsigned char* p = der.data();
  ASN1_INTEGER* i = d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(der.size()));
  if (!i) return InvalidArgumentError(what + " is not a DER INTEGER");
  bool trailing = p != der.data() + der.size();
  int64_t v = -1;
  int ok = ASN1_INTEGER_get_int64(&v, i);
  ASN1_INTEGER_free(i);
  if (trailing) return InvalidArgumentError(what + " has bytes after its INTEGER");
  if (!ok || v < 0 || v > 255) return InvalidArgumentError(what + " is outside 0..255");
  return static_cast<uint8_t>(v);
}

StatusOr<std::string> ParseIa5(const Bytes& der, const std::string& what) {
  const unsigned char* p = der.data();
  ASN1_IA5STRING* s = d2i_ASN1_IA5STRING(nullptr, &p, static_cast<long>(der.size()));
  if (!s) return InvalidArgumentError(what + " is not a DER IA5String");
  bool trailing = p != der.data() + der.size();
  std::string out(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
  ASN1_IA5STRING_free(s);
  if (trailing) return InvalidArgumentError(what + " has bytes after its IA5String");
  return out;
}

// hwID: AMD puts the raw bytes directly in extnValue; some tools wrap them
// in an OCTET STRING. Accept both when the length is one KDS uses.
StatusOr<Bytes> ParseHwId(const Bytes& v) {
  if (v.size() == 64 || v.size() == 8) return v;
  if ((v.size() == 66 || v.size() == 10) && v[0] == 0x04 && v[1] == v.size() - 2) return Bytes(v.begin() + 2, v.end());
  return InvalidArgumentError("hwID extension is " + std::to_string(v.size()) + " bytes (expected 64, or 8 on Turin)");
}

std::vector<std::string> ExtensionOids(const crypto::Certificate& cert) {
  std::vector<std::string> out;
  X509* x = cert.raw();
  for (int i = 0; i < X509_get_ext_count(x); ++i) {
    char buf[128];
    OBJ_obj2txt(buf, sizeof buf, X509_EXTENSION_get_object(X509_get_ext(x, i)), 1);
    out.emplace_back(buf);
  }
  return out;
}

}  // namespace

uint64_t EndorsementCert::TcbRaw() const {
  uint64_t raw = EncodeTcb(product, tcb);
  if (product != Product::kTurin) {
    raw |= static_cast<uint64_t>(spl4) << 16 | static_cast<uint64_t>(spl5) << 24 | static_cast<uint64_t>(spl6) << 32 |
           static_cast<uint64_t>(spl7) << 40;
  }
  return raw;
}

StatusOr<EndorsementCert> ParseEndorsementCert(const crypto::Certificate& cert) {
  EndorsementCert e{.cert = cert};
  std::string cn = cert.SubjectCommonName();
  if (cn == "SEV-VCEK") {
    e.kind = EndorsementKind::kVcek;
  } else if (cn == "SEV-VLEK") {
    e.kind = EndorsementKind::kVlek;
  } else {
    return InvalidArgumentError("subject CN \"" + cn + "\" is neither SEV-VCEK nor SEV-VLEK");
  }
  if (cert.Version() != 3) return InvalidArgumentError("a " + cn + " certificate must be X.509 v3");
  if (cert.public_key().Algorithm() != "EC P-384") {
    return InvalidArgumentError(cn + " key is " + cert.public_key().Algorithm() + ", expected EC P-384");
  }
  if (cert.SignatureAlgorithm() != "rsassaPss" && cert.SignatureAlgorithm() != "RSASSA-PSS") {
    return InvalidArgumentError(cn + " is signed with " + cert.SignatureAlgorithm() + ", expected RSASSA-PSS");
  }
  // An unknown AMD extension means a format we do not understand: refuse it.
  static const char* kKnown[] = {"1", "2", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "4", "5"};
  for (const std::string& oid : ExtensionOids(cert)) {
    if (!oid.starts_with(kAmdOidPrefix)) continue;
    std::string tail = oid.substr(kAmdOidPrefix.size());
    if (std::find(std::begin(kKnown), std::end(kKnown), tail) == std::end(kKnown)) {
      return InvalidArgumentError("unknown AMD extension " + oid);
    }
  }
  auto ext = [&](const std::string& tail) { return cert.ExtensionValue(std::string(kAmdOidPrefix) + tail); };
  auto spl = [&](const std::string& tail, const std::string& name, bool required) -> StatusOr<std::optional<uint8_t>> {
    auto v = ext(tail);
    if (!v.ok()) {
      if (required) return InvalidArgumentError(cn + " lacks " + name + " (" + std::string(kAmdOidPrefix) + tail + ")");
      return std::optional<uint8_t>();
    }
    ASSIGN_OR_RETURN(uint8_t x, ParseSmallInt(*v, name));
    return std::optional<uint8_t>(x);
  };

  auto sv = ext("1");
  if (!sv.ok()) return InvalidArgumentError(cn + " lacks structVersion");
  ASSIGN_OR_RETURN(uint8_t struct_version, ParseSmallInt(*sv, "structVersion"));
  e.struct_version = struct_version;
  auto pn = ext("2");
  if (!pn.ok()) return InvalidArgumentError(cn + " lacks productName");
  ASSIGN_OR_RETURN(e.product_name, ParseIa5(*pn, "productName"));
  auto product = ParseProduct(e.product_name);
  if (!product.ok()) return product.status().WithContext(cn + " productName");
  e.product = *product;
  bool turin = e.product == Product::kTurin;

  ASSIGN_OR_RETURN(auto bl, spl("3.1", "blSPL", true));
  ASSIGN_OR_RETURN(auto tee, spl("3.2", "teeSPL", true));
  ASSIGN_OR_RETURN(auto snp, spl("3.3", "snpSPL", true));
  ASSIGN_OR_RETURN(auto s4, spl("3.4", "spl_4", !turin));
  ASSIGN_OR_RETURN(auto s5, spl("3.5", "spl_5", false));
  ASSIGN_OR_RETURN(auto s6, spl("3.6", "spl_6", false));
  ASSIGN_OR_RETURN(auto s7, spl("3.7", "spl_7", false));
  ASSIGN_OR_RETURN(auto ucode, spl("3.8", "ucodeSPL", true));
  ASSIGN_OR_RETURN(auto fmc, spl("3.9", "fmcSPL", turin));
  if (fmc && !turin) return InvalidArgumentError(cn + " has fmcSPL but product " + e.product_name + " has no FMC");
  e.tcb = {.bl = *bl, .tee = *tee, .snp = *snp, .ucode = *ucode, .fmc = fmc.value_or(0)};
  e.spl4 = s4.value_or(0);
  e.spl5 = s5.value_or(0);
  e.spl6 = s6.value_or(0);
  e.spl7 = s7.value_or(0);

  auto hw = ext("4");
  auto csp = ext("5");
  if (e.kind == EndorsementKind::kVcek) {
    if (!hw.ok()) return InvalidArgumentError("SEV-VCEK lacks hwID (1.3.6.1.4.1.3704.1.4)");
    ASSIGN_OR_RETURN(e.hw_id, ParseHwId(*hw));
    if (e.hw_id.size() != HwIdLength(e.product)) {
      return InvalidArgumentError("hwID of a " + std::string(ProductName(e.product)) + " VCEK must be " +
                                  std::to_string(HwIdLength(e.product)) + " bytes, got " + std::to_string(e.hw_id.size()));
    }
    if (csp.ok()) return InvalidArgumentError("SEV-VCEK carries a cspId (VLEK only)");
  } else {
    if (hw.ok()) return InvalidArgumentError("SEV-VLEK carries a hwID (VCEK only)");
    if (!csp.ok()) return InvalidArgumentError("SEV-VLEK lacks cspId (1.3.6.1.4.1.3704.1.5)");
    ASSIGN_OR_RETURN(e.csp_id, ParseIa5(*csp, "cspId"));
  }
  return e;
}

StatusOr<EndorsementCert> ParseEndorsementCertBytes(ByteSpan data) {
  if (LooksLikePem(AsChars(data))) {
    ASSIGN_OR_RETURN(auto blocks, ParsePem(AsChars(data)));
    if (blocks.front().label != "CERTIFICATE") return InvalidArgumentError("first PEM block is not a CERTIFICATE");
    ASSIGN_OR_RETURN(auto cert, crypto::Certificate::FromDer(blocks.front().der));
    return ParseEndorsementCert(cert);
  }
  ASSIGN_OR_RETURN(auto cert, crypto::Certificate::FromDer(data));
  return ParseEndorsementCert(cert);
}

}  // namespace thim::amd
