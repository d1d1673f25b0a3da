#include "qpl/root_crl_url.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace thim::qpl {

std::string RootCrlDistributionPoint(const std::string& chain_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(chain_pem.data(), static_cast<int>(chain_pem.size())), BIO_free);
  if (!bio) return "";
  std::unique_ptr<X509, decltype(&X509_free)> first(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  std::unique_ptr<X509, decltype(&X509_free)> second(first ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr,
                                                     X509_free);
  ERR_clear_error();  // parse failures must not leak into the host's OpenSSL error queue
  if (!second) return "";
  auto* points = static_cast<STACK_OF(DIST_POINT)*>(X509_get_ext_d2i(second.get(), NID_crl_distribution_points, nullptr, nullptr));
  std::string uri;
  for (int i = 0; points && uri.empty() && i < sk_DIST_POINT_num(points); ++i) {
    DIST_POINT* dp = sk_DIST_POINT_value(points, i);
    if (!dp->distpoint || dp->distpoint->type != 0) continue;
    GENERAL_NAMES* names = dp->distpoint->name.fullname;
    for (int k = 0; uri.empty() && k < sk_GENERAL_NAME_num(names); ++k) {
      GENERAL_NAME* n = sk_GENERAL_NAME_value(names, k);
      if (n->type != GEN_URI) continue;
      const ASN1_IA5STRING* s = n->d.uniformResourceIdentifier;
      uri.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s)));
    }
  }
  if (points) sk_DIST_POINT_pop_free(points, DIST_POINT_free);
  return uri;
}

}  // namespace thim::qpl
