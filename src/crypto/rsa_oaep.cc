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

// One OAEP operation (encrypt or decrypt) over the EVP_PKEY API: size query,
// then the operation. A failing operation is reported as `failure` (the
// caller knows whether that means bad input or a ciphertext not for this key).
using OaepInit = int (*)(EVP_PKEY_CTX*);
using OaepOp = int (*)(EVP_PKEY_CTX*, unsigned char*, size_t*, const unsigned char*, size_t);
StatusOr<Bytes> Oaep(EVP_PKEY* pkey, ByteSpan in, OaepInit init, OaepOp op, Status (*failure)(std::string)) {
  Ossl<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx || init(ctx.get()) != 1 || !SetOaepSha256(ctx.get()))
    return InternalError("OAEP setup failed: " + internal::OpensslErrorText());
  size_t len = 0;
  Bytes out;
  if (op(ctx.get(), nullptr, &len, in.data(), in.size()) == 1) {
    out.resize(len);
    if (op(ctx.get(), out.data(), &len, in.data(), in.size()) == 1) {
      out.resize(len);
      return out;
    }
  }
  return failure("OAEP operation failed: " + internal::OpensslErrorText());
}

}  // namespace

StatusOr<PrivateKey> GeneratePpidEncryptionKey() { return PrivateKey::GenerateRsa(kPpidEncryptionKeyBits); }

StatusOr<Bytes> RsaOaepSha256Encrypt(const PublicKey& key, ByteSpan plaintext) {
  if (!IsRsa(key.raw())) return InvalidArgumentError("OAEP encryption needs an RSA public key");
  // The only way a well-formed encryption fails is a plaintext too long for the key.
  return Oaep(key.raw(), plaintext, EVP_PKEY_encrypt_init, EVP_PKEY_encrypt, InvalidArgumentError);
}

StatusOr<Bytes> RsaOaepSha256Decrypt(const PrivateKey& key, ByteSpan ciphertext) {
  if (!IsRsa(key.raw())) return InvalidArgumentError("OAEP decryption needs an RSA private key");
  return Oaep(key.raw(), ciphertext, EVP_PKEY_decrypt_init, EVP_PKEY_decrypt, DataLossError);
}

}  // namespace thim::crypto
