// Internal helpers shared by the crypto/*.cc files: RAII deleters for OpenSSL
// objects and turning OpenSSL's error queue into a Status. Not a public API.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "core/status.h"
#include "core/time.h"

namespace thim::crypto::internal {

struct OsslFree {
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_CRL* p) const { X509_CRL_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(ASN1_INTEGER* p) const { ASN1_INTEGER_free(p); }
  void operator()(ASN1_OBJECT* p) const { ASN1_OBJECT_free(p); }
  void operator()(unsigned char* p) const { OPENSSL_free(p); }
};
template <typename T>
using Ossl = std::unique_ptr<T, OsslFree>;

// The first queued OpenSSL error as text (and clears the queue).
inline std::string OpensslErrorText() {
  unsigned long e = ERR_get_error();
  std::string text = e ? ERR_error_string(e, nullptr) : "no OpenSSL error queued";
  ERR_clear_error();
  return text;
}

// ASN1_TIME → TimePoint (whole seconds UTC).
inline StatusOr<TimePoint> FromAsn1Time(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return InvalidArgumentError("invalid ASN.1 time");
  std::chrono::year_month_day ymd{std::chrono::year(tm.tm_year + 1900), std::chrono::month(tm.tm_mon + 1),
                                  std::chrono::day(tm.tm_mday)};
  return TimePoint(std::chrono::sys_days(ymd)) + std::chrono::hours(tm.tm_hour) + std::chrono::minutes(tm.tm_min) +
         std::chrono::seconds(tm.tm_sec);
}

// X509_NAME helpers.
std::string NameCommonName(const X509_NAME* name);
std::string NameOneLine(const X509_NAME* name);
std::string NameDer(const X509_NAME* name);

}  // namespace thim::crypto::internal
