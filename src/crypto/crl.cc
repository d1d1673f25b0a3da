#include "crypto/crl.h"

#include <openssl/x509v3.h>

#include "core/pem.h"
#include "crypto/openssl_util.h"

namespace thim::crypto {
using internal::Ossl;

struct Crl::Impl {
  Ossl<X509_CRL> crl;
  Bytes der;
  TimePoint this_update;
  std::optional<TimePoint> next_update;
};

StatusOr<Crl> Crl::FromDer(ByteSpan der) {
  if (der.empty()) return InvalidArgumentError("CRL: empty input");
  const unsigned char* p = der.data();
  Ossl<X509_CRL> crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  if (!crl) return InvalidArgumentError("CRL: not valid DER (" + internal::OpensslErrorText() + ")");
  if (p != der.data() + der.size())
    return InvalidArgumentError("CRL: " + std::to_string(der.data() + der.size() - p) + " trailing bytes after the DER");
  auto impl = std::make_shared<Impl>();
  auto this_update = internal::FromAsn1Time(X509_CRL_get0_lastUpdate(crl.get()));
  if (!this_update.ok()) return InvalidArgumentError("CRL: invalid thisUpdate");
  impl->this_update = *this_update;
  if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get())) {
    auto next_update = internal::FromAsn1Time(next);
    if (!next_update.ok()) return InvalidArgumentError("CRL: invalid nextUpdate");
    impl->next_update = *next_update;
  }
  impl->der.assign(der.begin(), der.end());
  impl->crl = std::move(crl);
  return Crl(std::move(impl));
}

StatusOr<Crl> Crl::FromPem(std::string_view pem) {
  ASSIGN_OR_RETURN(std::vector<PemBlock> blocks, ParsePem(pem));
  if (blocks.size() != 1) return InvalidArgumentError("CRL: expected one PEM block, found " + std::to_string(blocks.size()));
  if (blocks[0].label != "X509 CRL") return InvalidArgumentError("CRL: PEM block is \"" + blocks[0].label + "\"");
  return FromDer(blocks[0].der);
}

StatusOr<Crl> Crl::FromAny(ByteSpan data, CrlEncoding* detected) {
  std::string_view text = AsChars(data);
  if (LooksLikePem(text)) {
    if (detected) *detected = CrlEncoding::kPem;
    return FromPem(text);
  }
  // Hex text of DER: a DER CRL starts with 0x30, so its hex starts with "30";
  // raw DER's first byte 0x30 is the character '0' — disambiguate on content.
  std::string_view trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r' || trimmed.back() == ' ')) trimmed.remove_suffix(1);
  if (IsHex(trimmed)) {
    if (detected) *detected = CrlEncoding::kHexDer;
    ASSIGN_OR_RETURN(Bytes der, HexDecode(trimmed));
    return FromDer(der);
  }
  if (detected) *detected = CrlEncoding::kDer;
  return FromDer(data);
}

const Bytes& Crl::der() const { return impl_->der; }
X509_CRL* Crl::raw() const { return impl_->crl.get(); }
std::string Crl::IssuerCommonName() const { return internal::NameCommonName(X509_CRL_get_issuer(raw())); }
std::string Crl::IssuerOneLine() const { return internal::NameOneLine(X509_CRL_get_issuer(raw())); }
Bytes Crl::IssuerNameDer() const {
  std::string d = internal::NameDer(X509_CRL_get_issuer(raw()));
  return Bytes(d.begin(), d.end());
}
TimePoint Crl::ThisUpdate() const { return impl_->this_update; }
std::optional<TimePoint> Crl::NextUpdate() const { return impl_->next_update; }

std::optional<uint64_t> Crl::CrlNumber() const {
  auto* number = static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(raw(), NID_crl_number, nullptr, nullptr));
  if (number == nullptr) return std::nullopt;
  uint64_t v = 0;
  bool ok = ASN1_INTEGER_get_uint64(&v, number) == 1;
  ASN1_INTEGER_free(number);
  if (!ok) return std::nullopt;
  return v;
}

size_t Crl::RevokedCount() const {
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(raw());
  return revoked ? static_cast<size_t>(sk_X509_REVOKED_num(revoked)) : 0;
}

bool Crl::IsRevoked(ByteSpan serial) const {
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(raw());
  if (revoked == nullptr) return false;
  Ossl<BIGNUM> want(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    const ASN1_INTEGER* s = X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i));
    Ossl<BIGNUM> have(ASN1_INTEGER_to_BN(s, nullptr));
    if (have && want && BN_cmp(have.get(), want.get()) == 0) return true;
  }
  return false;
}

Status Crl::VerifySignature(const PublicKey& issuer_key) const {
  if (issuer_key.empty()) return InvalidArgumentError("CRL: no issuer key");
  if (X509_CRL_verify(raw(), issuer_key.raw()) != 1) {
    internal::OpensslErrorText();
    return DataLossError("bad signature on the CRL of \"" + IssuerCommonName() + "\"");
  }
  return OkStatus();
}

Status Crl::CheckValidity(TimePoint at) const {
  if (at < impl_->this_update)
    return OutOfRangeError("not yet valid: CRL of \"" + IssuerCommonName() + "\" has thisUpdate " +
                           FormatRfc3339(impl_->this_update) + ", after " + FormatRfc3339(at));
  if (impl_->next_update && at > *impl_->next_update)
    return OutOfRangeError("expired: CRL of \"" + IssuerCommonName() + "\" has nextUpdate " +
                           FormatRfc3339(*impl_->next_update) + ", before " + FormatRfc3339(at));
  return OkStatus();
}

}  // namespace thim::crypto
