#include "crypto/private_key.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>

#include "crypto/openssl_util.h"

namespace thim::crypto {
using internal::Ossl;

namespace {

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* pkey) { return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free); }

StatusOr<Bytes> SignDer(EVP_PKEY* pkey, ByteSpan message, const char* digest, bool pss) {
  Ossl<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, pkey, nullptr) != 1)
    return InternalError("sign init failed: " + internal::OpensslErrorText());
  if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
              EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) != 1 ||
              EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA384", nullptr) != 1))
    return InternalError("RSA-PSS setup failed: " + internal::OpensslErrorText());
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1)
    return InternalError("sign failed: " + internal::OpensslErrorText());
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1)
    return InternalError("sign failed: " + internal::OpensslErrorText());
  sig.resize(len);
  return sig;
}

}  // namespace

StatusOr<PrivateKey> PrivateKey::GenerateEcP256() {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  if (pkey == nullptr) return InternalError("P-256 key generation failed: " + internal::OpensslErrorText());
  return PrivateKey(Own(pkey));
}

StatusOr<PrivateKey> PrivateKey::GenerateEcP384() {
  EVP_PKEY* pkey = EVP_EC_gen("P-384");
  if (pkey == nullptr) return InternalError("P-384 key generation failed: " + internal::OpensslErrorText());
  return PrivateKey(Own(pkey));
}

StatusOr<PrivateKey> PrivateKey::GenerateRsa(int bits) {
  if (bits < 2048 || bits > 8192) return InvalidArgumentError("RSA key size must be 2048..8192 bits");
  EVP_PKEY* pkey = EVP_RSA_gen(static_cast<unsigned int>(bits));
  if (pkey == nullptr) return InternalError("RSA key generation failed: " + internal::OpensslErrorText());
  return PrivateKey(Own(pkey));
}

StatusOr<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  Ossl<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* pkey = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (pkey == nullptr) return InvalidArgumentError("not a PEM private key: " + internal::OpensslErrorText());
  return PrivateKey(Own(pkey));
}

std::string PrivateKey::ToPem() const {
  Ossl<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) return "";
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

PublicKey PrivateKey::public_key() const {
  EVP_PKEY_up_ref(pkey_.get());
  return PublicKey(pkey_.get());
}

StatusOr<Bytes> PrivateKey::SignEcdsaP256Raw(ByteSpan message) const {
  ASSIGN_OR_RETURN(Bytes der, SignDer(pkey_.get(), message, "SHA256", false));
  return DerEcdsaToRaw(der, 32);
}

StatusOr<Bytes> PrivateKey::SignEcdsaP384AmdLe(ByteSpan message) const {
  ASSIGN_OR_RETURN(Bytes der, SignDer(pkey_.get(), message, "SHA384", false));
  ASSIGN_OR_RETURN(Bytes raw, DerEcdsaToRaw(der, 48));
  Bytes out(144, 0);
  std::reverse_copy(raw.begin(), raw.begin() + 48, out.begin());       // r little endian
  std::reverse_copy(raw.begin() + 48, raw.end(), out.begin() + 72);    // s little endian
  return out;
}

StatusOr<Bytes> PrivateKey::SignRsaPssSha384(ByteSpan message) const { return SignDer(pkey_.get(), message, "SHA384", true); }

}  // namespace thim::crypto
