// X.509 certificates: an immutable, cheaply copyable handle over OpenSSL's X509.
// Thread-safety: all methods are const and safe to call concurrently.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/time.h"
#include "crypto/public_key.h"

typedef struct x509_st X509;

namespace thim::crypto {

class Certificate {
 public:
  // Parses one DER certificate; trailing bytes are an error (InvalidArgument).
  static StatusOr<Certificate> FromDer(ByteSpan der);
  // Parses a PEM text holding exactly one CERTIFICATE block.
  static StatusOr<Certificate> FromPem(std::string_view pem);

  const Bytes& der() const;
  std::string SubjectCommonName() const;  // "" when absent
  std::string IssuerCommonName() const;
  std::string SubjectOneLine() const;  // RFC 2253
  std::string IssuerOneLine() const;
  Bytes SubjectNameDer() const;  // raw DN, for exact issuer comparisons
  Bytes IssuerNameDer() const;
  Bytes SerialNumber() const;  // big-endian magnitude, no leading zero byte
  std::string SerialHex() const;  // lower-case hex of SerialNumber()
  TimePoint NotBefore() const;
  TimePoint NotAfter() const;
  int Version() const;  // 1 or 3 (X.509 v1/v3)
  bool IsCa() const;  // basicConstraints cA = TRUE
  bool IsSelfIssued() const;  // subject == issuer
  // The DER contents of the extension's extnValue (inside the OCTET STRING),
  // or NotFound. `oid` in dotted form, e.g. "1.2.840.113741.1.13.1".
  StatusOr<Bytes> ExtensionValue(std::string_view oid) const;
  // URIs of the CRL distribution points (may be empty).
  std::vector<std::string> CrlDistributionPoints() const;
  const PublicKey& public_key() const;
  // True when this certificate's signature verifies under `issuer_key`.
  bool IsSignedBy(const PublicKey& issuer_key) const;
  // The signature algorithm's short name, e.g. "ecdsa-with-SHA256", "RSASSA-PSS".
  std::string SignatureAlgorithm() const;

  X509* raw() const;  // borrowed; valid while any copy of this object lives

  friend bool operator==(const Certificate& a, const Certificate& b) { return a.der() == b.der(); }

 private:
  struct Impl;
  explicit Certificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Parses a certificate list as it travels: PEM text, URL-encoded PEM (the
// issuer-chain headers of Intel PCS), or a single DER certificate. Order is kept.
StatusOr<std::vector<Certificate>> ParseCertificateList(std::string_view text);

}  // namespace thim::crypto
