// Private keys and signing. The product only verifies; signing exists for the
// simulator's PKI and for tests that must forge or tamper collateral.
// Thread-safety: PrivateKey is immutable; signing is reentrant.
#pragma once

#include <memory>
#include <string>

#include "core/bytes.h"
#include "crypto/public_key.h"

namespace thim::crypto {

class PrivateKey {
 public:
  static StatusOr<PrivateKey> GenerateEcP256();
  static StatusOr<PrivateKey> GenerateEcP384();
  static StatusOr<PrivateKey> GenerateRsa(int bits);
  // PKCS#8 PEM ("PRIVATE KEY") round trip, for the simulator's state directory.
  static StatusOr<PrivateKey> FromPem(std::string_view pem);
  std::string ToPem() const;

  PublicKey public_key() const;
  EVP_PKEY* raw() const { return pkey_.get(); }

  // ECDSA P-256 / SHA-256, raw r‖s (64 bytes) as Intel encodes it.
  StatusOr<Bytes> SignEcdsaP256Raw(ByteSpan message) const;
  // ECDSA P-384 / SHA-384, r and s as 72-byte little-endian fields (AMD).
  StatusOr<Bytes> SignEcdsaP384AmdLe(ByteSpan message) const;  // returns r(72) ‖ s(72)
  // RSASSA-PSS SHA-384, MGF1-SHA-384, salt 48.
  StatusOr<Bytes> SignRsaPssSha384(ByteSpan message) const;

 private:
  explicit PrivateKey(std::shared_ptr<EVP_PKEY> pkey) : pkey_(std::move(pkey)) {}
  std::shared_ptr<EVP_PKEY> pkey_;
};

}  // namespace thim::crypto
