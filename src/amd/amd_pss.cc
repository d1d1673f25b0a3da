#include "amd/amd_pss.h"

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace thim::amd {
namespace {

Status CheckAlgor(const X509_ALGOR* alg, const std::string& what) {
  const ASN1_OBJECT* obj = nullptr;
  int ptype = 0;
  const void* pval = nullptr;
  X509_ALGOR_get0(&obj, &ptype, &pval, alg);
  if (OBJ_obj2nid(obj) != NID_rsassaPss) return InvalidArgumentError(what + " is not signed with RSASSA-PSS");
  if (ptype != V_ASN1_SEQUENCE) return InvalidArgumentError(what + " has no RSASSA-PSS parameters");
  const ASN1_STRING* seq = static_cast<const ASN1_STRING*>(pval);
  const unsigned char* p = ASN1_STRING_get0_data(seq);
  RSA_PSS_PARAMS* params = d2i_RSA_PSS_PARAMS(nullptr, &p, ASN1_STRING_length(seq));
  if (!params) return InvalidArgumentError(what + " has malformed RSASSA-PSS parameters");
  int hash = params->hashAlgorithm ? OBJ_obj2nid(params->hashAlgorithm->algorithm) : NID_sha1;
  int mgf = params->maskGenAlgorithm ? OBJ_obj2nid(params->maskGenAlgorithm->algorithm) : NID_mgf1;
  int mgf_hash = NID_sha1;
  // The MGF1 hash is the parameter of maskGenAlgorithm (an AlgorithmIdentifier).
  if (params->maskGenAlgorithm && params->maskGenAlgorithm->parameter) {
    auto* inner = static_cast<X509_ALGOR*>(
        ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR), params->maskGenAlgorithm->parameter));
    if (inner) {
      mgf_hash = OBJ_obj2nid(inner->algorithm);
      X509_ALGOR_free(inner);
    }
  }
  long salt = params->saltLength ? ASN1_INTEGER_get(params->saltLength) : 20;
  RSA_PSS_PARAMS_free(params);
  if (hash != NID_sha384) return InvalidArgumentError(what + ": RSASSA-PSS hash is not SHA-384");
  if (mgf != NID_mgf1 || mgf_hash != NID_sha384) return InvalidArgumentError(what + ": RSASSA-PSS mask is not MGF1-SHA-384");
  if (salt != 48) return InvalidArgumentError(what + ": RSASSA-PSS salt length is " + std::to_string(salt) + ", not 48");
  return OkStatus();
}

}  // namespace

Status CheckAmdPssProfile(const crypto::Certificate& cert) {
  const X509_ALGOR* alg = nullptr;
  X509_get0_signature(nullptr, &alg, cert.raw());
  return CheckAlgor(alg, "certificate " + cert.SubjectCommonName());
}

Status CheckAmdPssProfile(const crypto::Crl& crl) {
  const X509_ALGOR* alg = nullptr;
  X509_CRL_get0_signature(crl.raw(), nullptr, &alg);
  return CheckAlgor(alg, "CRL of " + crl.IssuerCommonName());
}

}  // namespace thim::amd
