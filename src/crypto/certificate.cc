#include "crypto/certificate.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/pem.h"
#include "crypto/openssl_util.h"

namespace thim::crypto {
using internal::Ossl;

namespace internal {

std::string NameCommonName(const X509_NAME* name) {
  if (name == nullptr) return "";
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return "";
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return "";
  std::string cn(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return cn;
}

std::string NameOneLine(const X509_NAME* name) {
  Ossl<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) return "";
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string NameDer(const X509_NAME* name) {
  const unsigned char* der = nullptr;
  size_t len = 0;
  if (name == nullptr || X509_NAME_get0_der(const_cast<X509_NAME*>(name), &der, &len) != 1) return "";
  return std::string(reinterpret_cast<const char*>(der), len);
}

}  // namespace internal

struct Certificate::Impl {
  Ossl<X509> x509;
  Bytes der;
  PublicKey key;
  TimePoint not_before;
  TimePoint not_after;
};

StatusOr<Certificate> Certificate::FromDer(ByteSpan der) {
  if (der.empty()) return InvalidArgumentError("certificate: empty input");
  const unsigned char* p = der.data();
  Ossl<X509> x509(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x509) return InvalidArgumentError("certificate: not valid DER X.509 (" + internal::OpensslErrorText() + ")");
  if (p != der.data() + der.size())
    return InvalidArgumentError("certificate: " + std::to_string(der.data() + der.size() - p) + " trailing bytes after the DER");
  auto impl = std::make_shared<Impl>();
  EVP_PKEY* pkey = X509_get_pubkey(x509.get());
  if (pkey == nullptr) return InvalidArgumentError("certificate: unsupported public key (" + internal::OpensslErrorText() + ")");
  impl->key = PublicKey(pkey);
  auto nb = internal::FromAsn1Time(X509_get0_notBefore(x509.get()));
  auto na = internal::FromAsn1Time(X509_get0_notAfter(x509.get()));
  if (!nb.ok() || !na.ok()) return InvalidArgumentError("certificate: invalid validity dates");
  impl->not_before = *nb;
  impl->not_after = *na;
  impl->der.assign(der.begin(), der.end());
  impl->x509 = std::move(x509);
  return Certificate(std::move(impl));
}

StatusOr<Certificate> Certificate::FromPem(std::string_view pem) {
  ASSIGN_OR_RETURN(std::vector<PemBlock> blocks, ParsePem(pem));
  if (blocks.size() != 1) return InvalidArgumentError("certificate: expected one PEM block, found " + std::to_string(blocks.size()));
  if (blocks[0].label != "CERTIFICATE") return InvalidArgumentError("certificate: PEM block is \"" + blocks[0].label + "\"");
  return FromDer(blocks[0].der);
}

const Bytes& Certificate::der() const { return impl_->der; }
X509* Certificate::raw() const { return impl_->x509.get(); }
const PublicKey& Certificate::public_key() const { return impl_->key; }
TimePoint Certificate::NotBefore() const { return impl_->not_before; }
TimePoint Certificate::NotAfter() const { return impl_->not_after; }

std::string Certificate::SubjectCommonName() const { return internal::NameCommonName(X509_get_subject_name(raw())); }
std::string Certificate::IssuerCommonName() const { return internal::NameCommonName(X509_get_issuer_name(raw())); }
std::string Certificate::SubjectOneLine() const { return internal::NameOneLine(X509_get_subject_name(raw())); }
std::string Certificate::IssuerOneLine() const { return internal::NameOneLine(X509_get_issuer_name(raw())); }

Bytes Certificate::SubjectNameDer() const {
  std::string d = internal::NameDer(X509_get_subject_name(raw()));
  return Bytes(d.begin(), d.end());
}
Bytes Certificate::IssuerNameDer() const {
  std::string d = internal::NameDer(X509_get_issuer_name(raw()));
  return Bytes(d.begin(), d.end());
}

Bytes Certificate::SerialNumber() const {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(raw());
  Ossl<BIGNUM> bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return {};
  Bytes out(static_cast<size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}

std::string Certificate::SerialHex() const { return HexEncode(SerialNumber()); }

int Certificate::Version() const { return static_cast<int>(X509_get_version(raw())) + 1; }

bool Certificate::IsCa() const { return X509_check_ca(raw()) >= 1 && (X509_get_extension_flags(raw()) & EXFLAG_CA); }

bool Certificate::IsSelfIssued() const { return X509_NAME_cmp(X509_get_subject_name(raw()), X509_get_issuer_name(raw())) == 0; }

StatusOr<Bytes> Certificate::ExtensionValue(std::string_view oid) const {
  Ossl<ASN1_OBJECT> obj(OBJ_txt2obj(std::string(oid).c_str(), 1));
  if (!obj) return InvalidArgumentError("not a dotted OID: " + std::string(oid));
  int idx = X509_get_ext_by_OBJ(raw(), obj.get(), -1);
  if (idx < 0) return NotFoundError("certificate has no extension " + std::string(oid));
  if (X509_get_ext_by_OBJ(raw(), obj.get(), idx) >= 0)
    return InvalidArgumentError("certificate has extension " + std::string(oid) + " more than once");
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(raw(), idx));
  const unsigned char* data = ASN1_STRING_get0_data(value);
  return Bytes(data, data + ASN1_STRING_length(value));
}

std::vector<std::string> Certificate::CrlDistributionPoints() const {
  std::vector<std::string> uris;
  auto* points = static_cast<CRL_DIST_POINTS*>(X509_get_ext_d2i(raw(), NID_crl_distribution_points, nullptr, nullptr));
  if (points == nullptr) return uris;
  for (int i = 0; i < sk_DIST_POINT_num(points); ++i) {
    DIST_POINT* dp = sk_DIST_POINT_value(points, i);
    if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;
    GENERAL_NAMES* names = dp->distpoint->name.fullname;
    for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
      GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, j);
      if (gn->type != GEN_URI) continue;
      const ASN1_IA5STRING* uri = gn->d.uniformResourceIdentifier;
      uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)), static_cast<size_t>(ASN1_STRING_length(uri)));
    }
  }
  CRL_DIST_POINTS_free(points);
  return uris;
}

bool Certificate::IsSignedBy(const PublicKey& issuer_key) const {
  if (issuer_key.empty()) return false;
  bool ok = X509_verify(raw(), issuer_key.raw()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

std::string Certificate::SignatureAlgorithm() const {
  int nid = X509_get_signature_nid(raw());
  const char* name = OBJ_nid2ln(nid);
  return name ? name : "unknown";
}

StatusOr<std::vector<Certificate>> ParseCertificateList(std::string_view text) {
  std::string decoded;
  if (!LooksLikePem(text) && text.find("-----BEGIN%20") != std::string_view::npos) {
    ASSIGN_OR_RETURN(decoded, PercentDecodeFully(text));
    text = decoded;
  }
  std::vector<Certificate> certs;
  if (!LooksLikePem(text)) {
    auto cert = Certificate::FromDer(AsBytes(text));
    if (!cert.ok()) return InvalidArgumentError("certificate list: neither PEM, URL-encoded PEM nor DER");
    certs.push_back(std::move(*cert));
    return certs;
  }
  ASSIGN_OR_RETURN(std::vector<PemBlock> blocks, ParsePem(text));
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].label != "CERTIFICATE")
      return InvalidArgumentError("certificate list: block " + std::to_string(i) + " is \"" + blocks[i].label + "\"");
    auto cert = Certificate::FromDer(blocks[i].der);
    if (!cert.ok()) return cert.status().WithContext("certificate list: block " + std::to_string(i));
    certs.push_back(std::move(*cert));
  }
  return certs;
}

}  // namespace thim::crypto
