// Public keys and signature verification primitives over OpenSSL 3 EVP.
// Thread-safety: PublicKey is immutable; all functions are reentrant.
#pragma once

#include <memory>
#include <string>

#include "core/bytes.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace thim::crypto {

class PublicKey {
 public:
  PublicKey() = default;  // empty: every verification fails
  // Takes ownership of one reference to `pkey`.
  explicit PublicKey(EVP_PKEY* pkey);
  // A P-256 point given as raw X‖Y (64 bytes), as in SGX quotes. Rejects points
  // not on the curve (InvalidArgument).
  static StatusOr<PublicKey> FromP256RawPoint(ByteSpan xy);
  // SubjectPublicKeyInfo DER or PEM ("PUBLIC KEY").
  static StatusOr<PublicKey> FromSpkiDer(ByteSpan der);

  bool empty() const { return !pkey_; }
  std::string Algorithm() const;  // "EC P-256", "EC P-384", "RSA 4096", …
  // Raw X‖Y of an EC key (64 bytes for P-256), or empty for other keys.
  Bytes EcRawPoint() const;
  Bytes SpkiDer() const;
  EVP_PKEY* raw() const { return pkey_.get(); }

 private:
  std::shared_ptr<EVP_PKEY> pkey_;
};

// ECDSA P-256 / SHA-256 over `message`, signature as raw r‖s (64 bytes, big
// endian), as in Intel collateral and quotes. DataLoss "bad signature" when it
// does not verify; InvalidArgument when the key or signature is malformed.
Status VerifyEcdsaP256Raw(const PublicKey& key, ByteSpan message, ByteSpan signature_rs);

// ECDSA P-384 / SHA-384 with AMD's encoding: r and s as 72-byte little-endian
// fields (only the low 48 bytes may be non-zero), as in SEV-SNP reports.
Status VerifyEcdsaP384AmdLe(const PublicKey& key, ByteSpan message, ByteSpan r_le72, ByteSpan s_le72);

// DER-encoded ECDSA signature with the given digest ("SHA256", "SHA384").
Status VerifyEcdsaDer(const PublicKey& key, ByteSpan message, ByteSpan der_sig, const char* digest);

// RSASSA-PSS with SHA-384, MGF1-SHA-384, salt length 48 (AMD ARK/ASK/VCEK).
Status VerifyRsaPssSha384(const PublicKey& key, ByteSpan message, ByteSpan signature);

// Converts raw r‖s (equal halves, big endian) to a DER ECDSA-Sig-Value and back.
StatusOr<Bytes> RawEcdsaToDer(ByteSpan rs);
StatusOr<Bytes> DerEcdsaToRaw(ByteSpan der, size_t field_size);

Bytes Sha256(ByteSpan data);
Bytes Sha384(ByteSpan data);
Bytes Sha512(ByteSpan data);

}  // namespace thim::crypto
