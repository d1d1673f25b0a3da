#include "sim/pki/cert_builder.h"

#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <functional>
#include <memory>

namespace thim::sim {
namespace {

struct Free {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_CRL* p) const { X509_CRL_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(ASN1_INTEGER* p) const { ASN1_INTEGER_free(p); }
  void operator()(ASN1_OBJECT* p) const { ASN1_OBJECT_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
template <typename T>
using Own = std::unique_ptr<T, Free>;

Status OpensslError(const std::string& what) { return InternalError(what + " failed"); }

void AddName(X509_NAME* name, const Name& n) {
  auto add = [&](const char* field, const std::string& v) {
    if (!v.empty())
      X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(v.c_str()), -1, -1, 0);
  };
  add("CN", n.cn);
  add("O", n.o);
  add("L", n.l);
  add("ST", n.st);
  add("C", n.c);
}

Status AddConfExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Own<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return OpensslError("extension " + value);
  return OkStatus();
}

StatusOr<Own<ASN1_INTEGER>> Serial(const Bytes& serial) {
  Bytes bytes = serial;
  if (bytes.empty()) {
    bytes.resize(20);
    RAND_bytes(bytes.data(), 20);
    bytes[0] &= 0x7F;  // positive
    bytes[0] |= 0x01;  // no leading zero
  }
  Own<BIGNUM> bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  Own<ASN1_INTEGER> i(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (!i) return OpensslError("serial");
  return i;
}

// Signs with the scheme the issuer's key calls for.
bool Sign(const crypto::PrivateKey& key, const std::function<int(EVP_MD_CTX*)>& sign_ctx) {
  Own<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_PKEY* pkey = key.raw();
  bool rsa = EVP_PKEY_is_a(pkey, "RSA");
  const char* digest = rsa || EVP_PKEY_get_bits(pkey) > 256 ? "SHA384" : "SHA256";
  if (EVP_DigestSignInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, pkey, nullptr) != 1) return false;
  if (rsa && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) != 1 ||
              EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA384", nullptr) != 1))
    return false;
  return sign_ctx(ctx.get()) > 0;
}

Own<ASN1_TIME> Time(TimePoint t) {
  Own<ASN1_TIME> at(ASN1_TIME_new());
  ASN1_TIME_set(at.get(), static_cast<time_t>(ToUnixSeconds(t)));
  return at;
}

}  // namespace

StatusOr<crypto::Certificate> IssueCertificate(const CertSpec& spec, const crypto::PrivateKey& subject_key,
                                               const IssuedCert* issuer) {
  Own<X509> x(X509_new());
  if (!x) return OpensslError("X509_new");
  X509_set_version(x.get(), 2);
  ASSIGN_OR_RETURN(Own<ASN1_INTEGER> serial, Serial(spec.serial));
  X509_set_serialNumber(x.get(), serial.get());
  AddName(X509_get_subject_name(x.get()), spec.subject);
  X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer->cert.raw()) : X509_get_subject_name(x.get()));
  X509_set1_notBefore(x.get(), Time(spec.not_before).get());
  X509_set1_notAfter(x.get(), Time(spec.not_after).get());
  X509_set_pubkey(x.get(), subject_key.raw());
  X509* issuer_x = issuer ? issuer->cert.raw() : x.get();
  if (spec.ca) {
    std::string bc = "critical,CA:TRUE";
    if (spec.path_length >= 0) bc += ",pathlen:" + std::to_string(spec.path_length);
    RETURN_IF_ERROR(AddConfExtension(x.get(), issuer_x, NID_basic_constraints, bc));
    RETURN_IF_ERROR(AddConfExtension(x.get(), issuer_x, NID_key_usage, "critical,keyCertSign,cRLSign"));
  } else {
    RETURN_IF_ERROR(AddConfExtension(x.get(), issuer_x, NID_basic_constraints, "critical,CA:FALSE"));
    RETURN_IF_ERROR(AddConfExtension(x.get(), issuer_x, NID_key_usage, "critical,digitalSignature,nonRepudiation"));
  }
  RETURN_IF_ERROR(AddConfExtension(x.get(), issuer_x, NID_subject_key_identifier, "hash"));
  // Intel's root carries an AKI equal to its own SKI; every other cert names its issuer's key.
  RETURN_IF_ERROR(AddConfExtension(x.get(), issuer_x, NID_authority_key_identifier, "keyid:always"));
  if (!spec.crl_distribution_point.empty())
    RETURN_IF_ERROR(AddConfExtension(x.get(), issuer_x, NID_crl_distribution_points, "URI:" + spec.crl_distribution_point));
  for (const auto& e : spec.extensions) {
    Own<ASN1_OBJECT> oid(OBJ_txt2obj(e.oid.c_str(), 1));
    Own<ASN1_OCTET_STRING> value(ASN1_OCTET_STRING_new());
    if (!oid || !value || ASN1_OCTET_STRING_set(value.get(), e.der.data(), static_cast<int>(e.der.size())) != 1)
      return InvalidArgumentError("extension " + e.oid);
    Own<X509_EXTENSION> ext(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), e.critical ? 1 : 0, value.get()));
    if (!ext || X509_add_ext(x.get(), ext.get(), -1) != 1) return OpensslError("extension " + e.oid);
  }
  const crypto::PrivateKey& signing_key = issuer ? issuer->key : subject_key;
  if (!Sign(signing_key, [&](EVP_MD_CTX* ctx) { return X509_sign_ctx(x.get(), ctx); })) return OpensslError("certificate signing");
  unsigned char* der = nullptr;
  int len = i2d_X509(x.get(), &der);
  if (len <= 0) return OpensslError("certificate encoding");
  auto cert = crypto::Certificate::FromDer(ByteSpan(der, static_cast<size_t>(len)));
  OPENSSL_free(der);
  return cert;
}

StatusOr<crypto::Crl> IssueCrl(const CrlSpec& spec, const IssuedCert& issuer) {
  Own<X509_CRL> crl(X509_CRL_new());
  if (!crl) return OpensslError("X509_CRL_new");
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.cert.raw()));
  X509_CRL_set1_lastUpdate(crl.get(), Time(spec.this_update).get());
  X509_CRL_set1_nextUpdate(crl.get(), Time(spec.next_update).get());
  for (const Bytes& serial : spec.revoked_serials) {
    X509_REVOKED* r = X509_REVOKED_new();
    ASSIGN_OR_RETURN(Own<ASN1_INTEGER> s, Serial(serial));
    X509_REVOKED_set_serialNumber(r, s.get());
    X509_REVOKED_set_revocationDate(r, Time(spec.this_update).get());
    X509_CRL_add0_revoked(crl.get(), r);
  }
  X509_CRL_sort(crl.get());
  Own<ASN1_INTEGER> number(ASN1_INTEGER_new());
  ASN1_INTEGER_set_uint64(number.get(), spec.crl_number);
  X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0);
  if (!Sign(issuer.key, [&](EVP_MD_CTX* ctx) { return X509_CRL_sign_ctx(crl.get(), ctx); })) return OpensslError("CRL signing");
  unsigned char* der = nullptr;
  int len = i2d_X509_CRL(crl.get(), &der);
  if (len <= 0) return OpensslError("CRL encoding");
  auto out = crypto::Crl::FromDer(ByteSpan(der, static_cast<size_t>(len)));
  OPENSSL_free(der);
  return out;
}

}  // namespace thim::sim
