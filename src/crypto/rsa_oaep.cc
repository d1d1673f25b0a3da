#include "crypto/rsa_oaep.h"

#include <openssl/rsa.h>

#include "crypto/openssl_util.h"

namespace thim::crypto {
using internal::Ossl;

namespace {

bool IsRsa(EVP_PKEY* pkey) { return pkey != nullptr && EVP_PKEY_is_a(pkey, "RSA") == 1; }

// Padding and both digests must be set explicitly: OpenSSL's OAEP default is
// SHA-1 for the label hash and MGF1, which would not interoperate with Intel.
bool SetOaepSha256(EVP_PKEY_CTX* ctx) {
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, "SHA256", nullptr) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, "SHA256", nullptr) == 1;
}

}  // namespace

StatusOr<PrivateKey> GeneratePpidEncryptionKey() { return PrivateKey::GenerateRsa(kPpidEncryptionKeyBits); }

StatusOr<Bytes> RsaOaepSha256Encrypt(const PublicKey& key, ByteSpan plaintext) {
  if (!IsRsa(key.raw())) return InvalidArgumentError("OAEP encryption needs an RSA public key");
  Ossl<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.raw(), nullptr));
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 || !SetOaepSha256(ctx.get()))
    return InternalError("OAEP setup failed: " + internal::OpensslErrorText());
  size_t len = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &len, plaintext.data(), plaintext.size()) != 1)
    return InternalError("OAEP encryption failed: " + internal::OpensslErrorText());
  Bytes out(len);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, plaintext.data(), plaintext.size()) != 1)
    return InvalidArgumentError("OAEP encryption failed (plaintext too long?): " + internal::OpensslErrorText());
  out.resize(len);
  return out;
}

StatusOr<Bytes> RsaOaepSha256Decrypt(const PrivateKey& key, ByteSpan ciphertext) {
  if (!IsRsa(key.raw())) return InvalidArgumentError("OAEP decryption needs an RSA private key");
  Ossl<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.raw(), nullptr));
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 || !SetOaepSha256(ctx.get()))
    return InternalError("OAEP setup failed: " + internal::OpensslErrorText());
  size_t len = 0;
  if (EVP_PKEY_decrypt(ctx.get(), nullptr, &len, ciphertext.data(), ciphertext.size()) != 1)
    return DataLossError("OAEP decryption failed: " + internal::OpensslErrorText());
  Bytes out(len);
  if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, ciphertext.data(), ciphertext.size()) != 1)
    return DataLossError("OAEP decryption failed: " + internal::OpensslErrorText());
  out.resize(len);
  return out;
}

}  // namespace thim::crypto
