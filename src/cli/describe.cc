#include "cli/describe.h"

#include "amd/endorsement_cert.h"
#include "cli/describe_amd.h"
#include "intel/pck_certificate.h"

namespace thim::cli {

using ojson = nlohmann::ordered_json;

ojson DescribeCertificate(const crypto::Certificate& cert) {
  ojson j;
  auto pck = intel::ParsePckCertificate(cert);
  j["type"] = pck.ok() ? "pck_certificate" : "certificate";
  j["subject"] = cert.SubjectOneLine();
  j["issuer"] = cert.IssuerOneLine();
  j["serial"] = cert.SerialHex();
  j["notBefore"] = FormatRfc3339(cert.NotBefore());
  j["notAfter"] = FormatRfc3339(cert.NotAfter());
  j["publicKey"] = cert.public_key().Algorithm();
  j["signatureAlgorithm"] = cert.SignatureAlgorithm();
  j["ca"] = cert.IsCa();
  // AMD VCEK / VLEK: the SPLs and hwID of its extensions.
  if (std::string cn = cert.SubjectCommonName(); cn == "SEV-VCEK" || cn == "SEV-VLEK") {
    auto key = amd::ParseEndorsementCert(cert);
    j["type"] = cn == "SEV-VCEK" ? "amd_vcek" : "amd_vlek";
    if (key.ok()) {
      j["amd"] = DescribeEndorsement(*key);
    } else {
      j["amd_error"] = key.status().message();
    }
  }
  if (pck.ok()) {
    ojson sgx;
    sgx["caType"] = std::string(intel::PckCaTypeName(pck->ca_type));
    sgx["fmspc"] = pck->FmspcHex();
    sgx["pceId"] = pck->PceIdHex();
    sgx["cpusvn"] = HexEncode(pck->cpusvn, true);
    sgx["pcesvn"] = pck->tcb.pcesvn;
    sgx["components"] = HexEncode(pck->tcb.components, true);
    sgx["tcbm"] = pck->Tcbm();
    sgx["ppid"] = HexEncode(pck->ppid, true);
    sgx["sgxType"] = std::string(intel::SgxTypeName(pck->sgx_type));
    if (pck->platform_instance_id) sgx["platformInstanceId"] = HexEncode(*pck->platform_instance_id, true);
    if (pck->configuration)
      sgx["configuration"] = {{"dynamicPlatform", pck->configuration->dynamic_platform},
                              {"cachedKeys", pck->configuration->cached_keys},
                              {"smtEnabled", pck->configuration->smt_enabled}};
    j["sgx"] = sgx;
  } else if (pck.status().code() != StatusCode::kNotFound) {
    j["sgxExtensionError"] = pck.status().message();
  }
  return j;
}

ojson DescribeCrl(const crypto::Crl& crl) {
  ojson j;
  j["type"] = "crl";
  j["issuer"] = crl.IssuerOneLine();
  j["thisUpdate"] = FormatRfc3339(crl.ThisUpdate());
  if (crl.NextUpdate()) j["nextUpdate"] = FormatRfc3339(*crl.NextUpdate());
  if (crl.CrlNumber()) j["crlNumber"] = *crl.CrlNumber();
  j["revoked"] = crl.RevokedCount();
  return j;
}

}  // namespace thim::cli
