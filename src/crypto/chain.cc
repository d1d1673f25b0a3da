#include "crypto/chain.h"

#include <openssl/x509_vfy.h>

#include "crypto/openssl_util.h"

namespace thim::crypto {
using internal::Ossl;

namespace {

std::string Describe(const Certificate& cert) { return "\"" + cert.SubjectCommonName() + "\""; }

bool IssuedBy(const Certificate& child, const Certificate& parent) {
  return child.IssuerNameDer() == parent.SubjectNameDer();
}

Status CheckValidityWindow(const Certificate& cert, TimePoint at) {
  if (at < cert.NotBefore())
    return OutOfRangeError("not yet valid: certificate " + Describe(cert) + " is valid from " + FormatRfc3339(cert.NotBefore()) +
                           ", after " + FormatRfc3339(at));
  if (at > cert.NotAfter())
    return OutOfRangeError("expired: certificate " + Describe(cert) + " expired " + FormatRfc3339(cert.NotAfter()) +
                           ", before " + FormatRfc3339(at));
  return OkStatus();
}

// Builds the path leaf … root from `chain`, checking order and trust anchor.
StatusOr<std::vector<Certificate>> BuildPath(const std::vector<Certificate>& chain, const Certificate& root) {
  if (chain.empty()) return InvalidArgumentError("certificate chain is empty");
  std::vector<Certificate> path;
  for (size_t i = 0; i < chain.size(); ++i) {
    const Certificate& cert = chain[i];
    bool is_root_copy = cert == root;
    if (cert.IsSelfIssued() && !is_root_copy)
      return PermissionDeniedError("untrusted root: chain ends in self-signed " + Describe(cert) +
                                   ", which is not the pinned root " + Describe(root));
    if (is_root_copy) {
      if (i + 1 != chain.size())
        return InvalidArgumentError("certificate chain has " + std::to_string(chain.size() - i - 1) +
                                    " extra certificate(s) after the root");
      if (i == 0) return InvalidArgumentError("certificate chain holds only the root");
      path.push_back(cert);
      return path;
    }
    path.push_back(cert);
    if (i + 1 < chain.size()) {
      const Certificate& next = chain[i + 1];
      if (!IssuedBy(cert, next)) {
        for (size_t j = 0; j < chain.size(); ++j)
          if (j != i && IssuedBy(cert, chain[j]))
            return InvalidArgumentError("certificate chain out of order: " + Describe(cert) + " at position " + std::to_string(i) +
                                        " is issued by the certificate at position " + std::to_string(j) + ", not the next one");
        if (IssuedBy(cert, root))
          return InvalidArgumentError("certificate chain has extra certificate(s) after " + Describe(cert) +
                                      ", which the root issued");
        return InvalidArgumentError("incomplete certificate chain: the issuer \"" + cert.IssuerCommonName() + "\" of " +
                                    Describe(cert) + " is missing");
      }
    }
  }
  const Certificate& last = path.back();
  if (!IssuedBy(last, root)) {
    return PermissionDeniedError("untrusted root: " + Describe(last) + " is issued by \"" + last.IssuerCommonName() +
                                 "\", not by the pinned root " + Describe(root));
  }
  path.push_back(root);
  return path;
}

Status CheckSignatures(const std::vector<Certificate>& path) {
  const Certificate& root = path.back();
  if (!root.IsSignedBy(root.public_key())) return DataLossError("bad signature: pinned root " + Describe(root) + " is not self-signed");
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const Certificate& issuer = path[i + 1];
    if (!issuer.IsCa()) return PermissionDeniedError("untrusted chain: issuer " + Describe(issuer) + " is not a CA");
    if (!path[i].IsSignedBy(issuer.public_key())) {
      // A certificate naming the pinned root but not signed by its key is a
      // different root with the same name: an untrusted root, not corruption.
      if (i + 2 == path.size())
        return PermissionDeniedError("untrusted root: " + Describe(path[i]) + " is not signed by the pinned root's key");
      return DataLossError("bad signature: certificate " + Describe(path[i]) + " is not signed by " + Describe(issuer));
    }
  }
  return OkStatus();
}

Status CheckCrls(const std::vector<Certificate>& path, const ChainOptions& options) {
  std::vector<bool> has_crl(path.size(), false);
  for (const Crl& crl : options.crls) {
    size_t issuer = path.size();
    for (size_t i = 0; i < path.size(); ++i)
      if (path[i].SubjectNameDer() == crl.IssuerNameDer()) issuer = i;
    if (issuer == path.size())
      return InvalidArgumentError("CRL of \"" + crl.IssuerCommonName() + "\" does not belong to this chain");
    if (issuer == 0) return InvalidArgumentError("CRL issued by the leaf " + Describe(path[0]));
    RETURN_IF_ERROR(crl.VerifySignature(path[issuer].public_key()));
    RETURN_IF_ERROR(crl.CheckValidity(options.at));
    has_crl[issuer] = true;
    for (size_t i = 0; i < issuer; ++i) {
      if (IssuedBy(path[i], path[issuer]) && crl.IsRevoked(path[i]))
        return PermissionDeniedError("revoked: certificate " + Describe(path[i]) + " (serial " + path[i].SerialHex() +
                                     ") is listed in the CRL of \"" + crl.IssuerCommonName() + "\"");
    }
  }
  if (options.require_crl_for_every_ca) {
    for (size_t i = 1; i < path.size(); ++i)
      if (!has_crl[i]) return FailedPreconditionError("no CRL given for CA " + Describe(path[i]));
  }
  return OkStatus();
}

// Defence in depth: OpenSSL's own path validation (critical extensions, key
// usage, basic constraints, path length) at the same time, without CRLs.
Status OpensslVerify(const std::vector<Certificate>& path, TimePoint at) {
  Ossl<X509_STORE> store(X509_STORE_new());
  Ossl<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  if (!store || !ctx || !untrusted) {
    sk_X509_free(untrusted);
    return InternalError("out of memory");
  }
  X509_STORE_add_cert(store.get(), path.back().raw());
  for (size_t i = 1; i + 1 < path.size(); ++i) sk_X509_push(untrusted, path[i].raw());
  Status result = OkStatus();
  if (X509_STORE_CTX_init(ctx.get(), store.get(), path.front().raw(), untrusted) != 1) {
    result = InternalError("X509_STORE_CTX_init failed");
  } else {
    X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(ToUnixSeconds(at)));
    if (X509_verify_cert(ctx.get()) != 1) {
      int err = X509_STORE_CTX_get_error(ctx.get());
      result = PermissionDeniedError(std::string("untrusted chain: ") + X509_verify_cert_error_string(err));
    }
  }
  sk_X509_free(untrusted);
  ERR_clear_error();
  return result;
}

}  // namespace

StatusOr<std::vector<Certificate>> VerifyChain(const std::vector<Certificate>& chain, const Certificate& pinned_root,
                                               const ChainOptions& options) {
  ASSIGN_OR_RETURN(std::vector<Certificate> path, BuildPath(chain, pinned_root));
  RETURN_IF_ERROR(CheckSignatures(path));
  for (const Certificate& cert : path) RETURN_IF_ERROR(CheckValidityWindow(cert, options.at));
  RETURN_IF_ERROR(CheckCrls(path, options));
  RETURN_IF_ERROR(OpensslVerify(path, options.at));
  return path;
}

}  // namespace thim::crypto
