// Where quote-verification collateral comes from: a directory of files, a
// thimd or Intel-PCS-compatible URL, or a thim bundle. The FMSPC and the PCK
// CA type are read from the PCK certificate inside the quote (unverified at
// this point: the verifier checks everything afterwards).
//
// Errors: InvalidArgument for an unusable quote or malformed source;
// NotFound / Unavailable when the collateral cannot be had (the CLI maps these
// to "could not verify").
// Thread-safety: pure functions, except that an HttpClient is used.
#pragma once
#include <string>

#include "thim/verify.h"
#include "upstream/http_client.h"

namespace thim::verify {

struct CollateralQuery {
  bool tdx = false;
  std::string fmspc;  // 12 upper-case hex digits
  std::string ca;     // "processor" / "platform"
  std::string root_crl_url;  // the CRL distribution point of the quote's root certificate
};

StatusOr<CollateralQuery> QueryForQuote(ByteSpan quote, const ParseOptions& options);

// Directory layout (first existing name wins):
//   tcb_info-<FMSPC>.json | tcb_info.json
//   tcb_info_issuer_chain.pem            (PEM or URL-encoded PEM)
//   qe_identity.json
//   qe_identity_issuer_chain.pem         (optional; default: the TCB info chain)
//   pck_crl-<ca>.{der,pem} | pck_crl.{der,pem,hex}
//   pck_crl_issuer_chain.pem             (optional)
//   root_ca_crl.{der,pem,hex}
StatusOr<Collateral> CollateralFromDirectory(const std::string& dir, const CollateralQuery& query);

// GET <base>/{sgx|tdx}/certification/v4/tcb?fmspc=…, …/qe/identity,
// <base>/sgx/certification/v4/pckcrl?ca=…&encoding=der (issuer chains from the
// PCS headers), and the root CA CRL at <base>/IntelSGXRootCA.der (thimd), else
// at the root certificate's CRL distribution point (Intel).
StatusOr<Collateral> CollateralFromUrl(upstream::HttpClient& http, const std::string& base_url, const CollateralQuery& query);

// The matching items of a thim bundle (TCB info for the FMSPC, QE identity of
// the TEE, PCK CRL of the CA, root CA CRL).
StatusOr<Collateral> CollateralFromBundle(std::string_view bundle_text, const CollateralQuery& query);

}  // namespace thim::verify
