// X.509 certificate revocation lists. Immutable, cheaply copyable handle.
// Thread-safety: all methods are const and safe to call concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/time.h"
#include "crypto/certificate.h"

typedef struct X509_crl_st X509_CRL;

namespace thim::crypto {

enum class CrlEncoding { kPem, kDer, kHexDer };

class Crl {
 public:
  static StatusOr<Crl> FromDer(ByteSpan der);
  static StatusOr<Crl> FromPem(std::string_view pem);
  // Any of the encodings CRLs travel in: PEM, raw DER, or hex text of the DER
  // (Intel's QPL hands CRLs to the verifier as hex). Reports which it was.
  static StatusOr<Crl> FromAny(ByteSpan data, CrlEncoding* detected = nullptr);

  const Bytes& der() const;
  std::string IssuerCommonName() const;
  std::string IssuerOneLine() const;
  Bytes IssuerNameDer() const;
  TimePoint ThisUpdate() const;
  std::optional<TimePoint> NextUpdate() const;
  std::optional<uint64_t> CrlNumber() const;
  size_t RevokedCount() const;
  // True when `serial` (big-endian magnitude) is listed.
  bool IsRevoked(ByteSpan serial) const;
  bool IsRevoked(const Certificate& cert) const { return IsRevoked(cert.SerialNumber()); }
  // DataLoss "bad signature" when the CRL is not signed by `issuer_key`.
  Status VerifySignature(const PublicKey& issuer_key) const;
  // OutOfRange when `at` is before thisUpdate or after nextUpdate.
  Status CheckValidity(TimePoint at) const;

  X509_CRL* raw() const;

 private:
  struct Impl;
  explicit Crl(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace thim::crypto
