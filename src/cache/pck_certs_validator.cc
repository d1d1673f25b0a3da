#include "cache/pck_certs_validator.h"

#include <strings.h>

#include <algorithm>

#include "core/bytes.h"
#include "crypto/chain.h"

namespace thim::cache {

namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

StatusOr<ValidatedPckCerts> ValidatePckCerts(const FetchedPckCerts& fetched, const crypto::Certificate& pinned_root,
                                             const PckCertsCheck& check) {
  auto entries = intel::ParsePckCertList(fetched.body);
  if (!entries.ok()) return DataLossError(entries.status().message());
  auto chain = crypto::ParseCertificateList(fetched.issuer_chain);
  if (!chain.ok() || chain->empty())
    return DataLossError("SGX-PCK-Certificate-Issuer-Chain: " + (chain.ok() ? std::string("empty") : chain.status().message()));

  ValidatedPckCerts out;
  const intel::PckCertificate* first = nullptr;
  for (size_t i = 0; i < entries->size(); ++i) {
    const auto& entry = (*entries)[i];
    if (!entry.cert) continue;
    const intel::PckCertificate& pck = *entry.cert;
    std::string where = "PCK certificate list [" + std::to_string(i) + "]";
    if (!first) {
      first = &pck;
      out.fmspc = pck.FmspcHex();
      out.ca_type = std::string(intel::PckCaTypeName(pck.ca_type));
      out.ppid = HexEncode(pck.ppid, true);
    } else {
      if (pck.ppid != first->ppid) return DataLossError(where + ": certificate of another platform (PPID differs)");
      if (pck.fmspc != first->fmspc) return DataLossError(where + ": FMSPC " + pck.FmspcHex() + " differs from " + out.fmspc);
      if (pck.ca_type != first->ca_type) return DataLossError(where + ": issued by another PCK CA");
    }
    // tcbType 0: CPUSVN is the 16 components; a certificate whose two copies
    // disagree could not be selected reliably.
    if (!std::equal(pck.cpusvn.begin(), pck.cpusvn.end(), pck.tcb.components.begin()))
      return DataLossError(where + ": CPUSVN differs from the TCB components");
    if (pck.PceIdHex() != Upper(check.pce_id))
      return DataLossError(where + ": PCE-ID " + pck.PceIdHex() + " is not the requested " + Upper(check.pce_id));
    std::vector<crypto::Certificate> path{pck.cert};
    path.insert(path.end(), chain->begin(), chain->end());
    crypto::ChainOptions options{.at = check.at};
    bool have_ca_crl = false;
    for (const auto& crl : check.crls) {
      for (const auto& ca : *chain) {
        if (crl.IssuerNameDer() == ca.SubjectNameDer()) {
          options.crls.push_back(crl);
          if (!ca.IsSelfIssued()) have_ca_crl = true;
          break;
        }
      }
    }
    if (!have_ca_crl)
      return FailedPreconditionError("no PCK CRL of \"" + chain->front().SubjectCommonName() +
                                     "\" is available: revocation of the platform's certificates cannot be checked");
    auto verified = crypto::VerifyChain(path, pinned_root, options);
    if (!verified.ok()) return Status(verified.status().code(), where + ": " + verified.status().message());
  }
  if (!first) return InvalidArgumentError("every entry of the PCK certificate list is \"Not available\"");
  if (!fetched.fmspc.empty() && Upper(fetched.fmspc) != out.fmspc)
    return DataLossError("SGX-FMSPC " + fetched.fmspc.substr(0, 20) + " differs from the certificates' " + out.fmspc);
  if (!fetched.ca_type.empty() && strcasecmp(fetched.ca_type.c_str(), out.ca_type.c_str()) != 0)
    return DataLossError("SGX-PCK-Certificate-CA-Type " + fetched.ca_type.substr(0, 20) + " differs from the certificates' " +
                         out.ca_type);
  out.entries = std::move(*entries);
  return out;
}

}  // namespace thim::cache
