#include "crypto/public_key.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <algorithm>

#include "crypto/openssl_util.h"

namespace thim::crypto {
using internal::Ossl;

PublicKey::PublicKey(EVP_PKEY* pkey) : pkey_(pkey, EVP_PKEY_free) {}

StatusOr<PublicKey> PublicKey::FromP256RawPoint(ByteSpan xy) {
  if (xy.size() != 64) return InvalidArgumentError("P-256 point must be 64 bytes, got " + std::to_string(xy.size()));
  unsigned char point[65];
  point[0] = 0x04;  // uncompressed
  std::copy(xy.begin(), xy.end(), point + 1);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>("prime256v1"), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point),
      OSSL_PARAM_construct_end(),
  };
  Ossl<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1 || pkey == nullptr)
    return InvalidArgumentError("not a P-256 public key: " + internal::OpensslErrorText());
  PublicKey key(pkey);
  // fromdata does not always validate the point; do it explicitly.
  Ossl<EVP_PKEY_CTX> check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    internal::OpensslErrorText();
    return InvalidArgumentError("P-256 point is not on the curve");
  }
  return key;
}

StatusOr<PublicKey> PublicKey::FromSpkiDer(ByteSpan der) {
  const unsigned char* p = der.data();
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (pkey == nullptr) return InvalidArgumentError("not a SubjectPublicKeyInfo: " + internal::OpensslErrorText());
  if (p != der.data() + der.size()) {
    EVP_PKEY_free(pkey);
    return InvalidArgumentError("trailing bytes after SubjectPublicKeyInfo");
  }
  return PublicKey(pkey);
}

std::string PublicKey::Algorithm() const {
  if (!pkey_) return "none";
  int bits = EVP_PKEY_get_bits(pkey_.get());
  if (EVP_PKEY_is_a(pkey_.get(), "EC")) {
    char group[64] = {0};
    size_t len = 0;
    EVP_PKEY_get_utf8_string_param(pkey_.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len);
    std::string g(group);
    if (g == "prime256v1") return "EC P-256";
    if (g == "secp384r1") return "EC P-384";
    return "EC " + g;
  }
  if (EVP_PKEY_is_a(pkey_.get(), "RSA") || EVP_PKEY_is_a(pkey_.get(), "RSA-PSS")) return "RSA " + std::to_string(bits);
  return EVP_PKEY_get0_type_name(pkey_.get());
}

Bytes PublicKey::EcRawPoint() const {
  if (!pkey_ || !EVP_PKEY_is_a(pkey_.get(), "EC")) return {};
  unsigned char buf[200];
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(pkey_.get(), OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof buf, &len) != 1 || len < 1 ||
      buf[0] != 0x04)
    return {};
  return Bytes(buf + 1, buf + len);
}

Bytes PublicKey::SpkiDer() const {
  if (!pkey_) return {};
  unsigned char* out = nullptr;
  int len = i2d_PUBKEY(pkey_.get(), &out);
  if (len <= 0) return {};
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

namespace {

Status VerifyWithDigest(const PublicKey& key, ByteSpan message, ByteSpan der_sig, const char* digest, bool pss) {
  if (key.empty()) return InvalidArgumentError("no public key");
  Ossl<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, key.raw(), nullptr) != 1)
    return InvalidArgumentError("cannot verify with a " + key.Algorithm() + " key: " + internal::OpensslErrorText());
  if (pss) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) != 1 || EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA384", nullptr) != 1)
      return InvalidArgumentError("key does not support RSA-PSS: " + internal::OpensslErrorText());
  }
  int rc = EVP_DigestVerify(ctx.get(), der_sig.data(), der_sig.size(), message.data(), message.size());
  if (rc != 1) {
    internal::OpensslErrorText();
    return DataLossError("bad signature");
  }
  return OkStatus();
}

// Strips leading zero bytes of a big-endian integer.
ByteSpan TrimLeadingZeros(ByteSpan v) {
  size_t i = 0;
  while (i < v.size() && v[i] == 0) ++i;
  return v.subspan(i);
}

StatusOr<Bytes> RsToDer(ByteSpan r_be, ByteSpan s_be) {
  Ossl<BIGNUM> r(BN_bin2bn(r_be.data(), static_cast<int>(r_be.size()), nullptr));
  Ossl<BIGNUM> s(BN_bin2bn(s_be.data(), static_cast<int>(s_be.size()), nullptr));
  Ossl<ECDSA_SIG> sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return InternalError("ECDSA_SIG allocation failed");
  r.release();
  s.release();
  unsigned char* out = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &out);
  if (len <= 0) return InternalError("ECDSA signature encoding failed");
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

}  // namespace

StatusOr<Bytes> RawEcdsaToDer(ByteSpan rs) {
  if (rs.empty() || rs.size() % 2 != 0) return InvalidArgumentError("raw ECDSA signature must have two equal halves");
  size_t half = rs.size() / 2;
  return RsToDer(rs.first(half), rs.subspan(half));
}

StatusOr<Bytes> DerEcdsaToRaw(ByteSpan der, size_t field_size) {
  const unsigned char* p = der.data();
  Ossl<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != der.data() + der.size()) return InvalidArgumentError("not a DER ECDSA signature");
  Bytes raw(2 * field_size);
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  if (BN_bn2binpad(r, raw.data(), static_cast<int>(field_size)) < 0 ||
      BN_bn2binpad(s, raw.data() + field_size, static_cast<int>(field_size)) < 0)
    return InvalidArgumentError("ECDSA signature value larger than the field");
  return raw;
}

Status VerifyEcdsaP256Raw(const PublicKey& key, ByteSpan message, ByteSpan signature_rs) {
  if (signature_rs.size() != 64)
    return InvalidArgumentError("ECDSA P-256 signature must be 64 bytes r||s, got " + std::to_string(signature_rs.size()));
  if (key.Algorithm() != "EC P-256") return InvalidArgumentError("expected an EC P-256 key, got " + key.Algorithm());
  ASSIGN_OR_RETURN(Bytes der, RawEcdsaToDer(signature_rs));
  return VerifyWithDigest(key, message, der, "SHA256", false);
}

Status VerifyEcdsaP384AmdLe(const PublicKey& key, ByteSpan message, ByteSpan r_le72, ByteSpan s_le72) {
  if (r_le72.size() != 72 || s_le72.size() != 72) return InvalidArgumentError("AMD ECDSA r and s must be 72 bytes each");
  if (key.Algorithm() != "EC P-384") return InvalidArgumentError("expected an EC P-384 key, got " + key.Algorithm());
  Bytes r(r_le72.rbegin(), r_le72.rend());
  Bytes s(s_le72.rbegin(), s_le72.rend());
  ASSIGN_OR_RETURN(Bytes der, RsToDer(TrimLeadingZeros(r), TrimLeadingZeros(s)));
  return VerifyWithDigest(key, message, der, "SHA384", false);
}

Status VerifyEcdsaDer(const PublicKey& key, ByteSpan message, ByteSpan der_sig, const char* digest) {
  return VerifyWithDigest(key, message, der_sig, digest, false);
}

Status VerifyRsaPssSha384(const PublicKey& key, ByteSpan message, ByteSpan signature) {
  if (!key.Algorithm().starts_with("RSA")) return InvalidArgumentError("expected an RSA key, got " + key.Algorithm());
  return VerifyWithDigest(key, message, signature, "SHA384", true);
}

namespace {
Bytes Digest(const EVP_MD* type, ByteSpan data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, type, nullptr);
  return Bytes(md, md + len);
}
}  // namespace

Bytes Sha256(ByteSpan data) { return Digest(EVP_sha256(), data); }
Bytes Sha384(ByteSpan data) { return Digest(EVP_sha384(), data); }
Bytes Sha512(ByteSpan data) { return Digest(EVP_sha512(), data); }

}  // namespace thim::crypto
