// A minimal certificate/CRL builder for crypto tests (test-only; the
// simulator's PKI lives in src/sim/pki). Builds P-256 hierarchies with chosen
// names, validity and revocations so every chain failure can be produced.
#pragma once

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string>
#include <vector>

#include "core/time.h"
#include "crypto/certificate.h"
#include "crypto/crl.h"
#include "crypto/private_key.h"

namespace thim::crypto::testing {

struct Issued {
  Certificate cert;
  PrivateKey key;
};

inline void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Issues a certificate for `cn`; self-signed when `issuer` is null.
inline Issued MakeCert(const std::string& cn, const Issued* issuer, bool ca, TimePoint not_before, TimePoint not_after,
                       long serial = 1) {
  PrivateKey key = *PrivateKey::GenerateEcP256();
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Thim Test"), -1, -1, 0);
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->cert.raw()) : name);
  ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(ToUnixSeconds(not_before)));
  ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(ToUnixSeconds(not_after)));
  X509_set_pubkey(x, key.raw());
  X509* issuer_x = issuer ? issuer->cert.raw() : x;
  AddExt(x, issuer_x, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  AddExt(x, issuer_x, NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  X509_sign(x, issuer ? issuer->key.raw() : key.raw(), EVP_sha256());
  unsigned char* der = nullptr;
  int len = i2d_X509(x, &der);
  Certificate cert = *Certificate::FromDer(ByteSpan(der, static_cast<size_t>(len)));
  OPENSSL_free(der);
  X509_free(x);
  return {cert, key};
}

inline Crl MakeCrl(const Issued& issuer, TimePoint this_update, TimePoint next_update, const std::vector<long>& revoked) {
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer.cert.raw()));
  ASN1_TIME* t = ASN1_TIME_new();
  ASN1_TIME_set(t, static_cast<time_t>(ToUnixSeconds(this_update)));
  X509_CRL_set1_lastUpdate(crl, t);
  ASN1_TIME_set(t, static_cast<time_t>(ToUnixSeconds(next_update)));
  X509_CRL_set1_nextUpdate(crl, t);
  for (long serial : revoked) {
    X509_REVOKED* r = X509_REVOKED_new();
    ASN1_INTEGER* s = ASN1_INTEGER_new();
    ASN1_INTEGER_set(s, serial);
    X509_REVOKED_set_serialNumber(r, s);
    ASN1_TIME_set(t, static_cast<time_t>(ToUnixSeconds(this_update)));
    X509_REVOKED_set_revocationDate(r, t);
    X509_CRL_add0_revoked(crl, r);
    ASN1_INTEGER_free(s);
  }
  ASN1_TIME_free(t);
  X509_CRL_sort(crl);
  X509_CRL_sign(crl, issuer.key.raw(), EVP_sha256());
  unsigned char* der = nullptr;
  int len = i2d_X509_CRL(crl, &der);
  Crl out = *Crl::FromDer(ByteSpan(der, static_cast<size_t>(len)));
  OPENSSL_free(der);
  X509_CRL_free(crl);
  return out;
}

}  // namespace thim::crypto::testing
