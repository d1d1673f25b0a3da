#include "sim/pki/intel_pki.h"

#include <filesystem>

#include "core/pem.h"
#include "sim/pki/state_files.h"

namespace thim::sim {
namespace {

constexpr auto kYear = std::chrono::hours(24 * 365);

StatusOr<IssuedCert> MakeCa(const std::string& cn, const IssuedCert* issuer, TimePoint from, const std::string& cdp) {
  ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::GenerateEcP256());
  CertSpec spec;
  spec.subject.cn = cn;
  spec.not_before = from;
  spec.not_after = from + 25 * kYear;
  spec.ca = true;
  spec.path_length = issuer ? 0 : 1;
  spec.crl_distribution_point = cdp;
  ASSIGN_OR_RETURN(crypto::Certificate cert, IssueCertificate(spec, key, issuer));
  return IssuedCert{cert, key};
}

std::string Pem(const crypto::Certificate& c) { return EncodePem("CERTIFICATE", c.der()); }

}  // namespace

StatusOr<IntelPki> IntelPki::Create(TimePoint not_before, const std::string& url_base) {
  ASSIGN_OR_RETURN(IssuedCert root, MakeCa("Intel SGX Root CA", nullptr, not_before, url_base + "/IntelSGXRootCA.der"));
  ASSIGN_OR_RETURN(IssuedCert processor, MakeCa("Intel SGX PCK Processor CA", &root, not_before, url_base + "/IntelSGXRootCA.der"));
  ASSIGN_OR_RETURN(IssuedCert platform, MakeCa("Intel SGX PCK Platform CA", &root, not_before, url_base + "/IntelSGXRootCA.der"));
  ASSIGN_OR_RETURN(crypto::PrivateKey signer_key, crypto::PrivateKey::GenerateEcP256());
  CertSpec signer;
  signer.subject.cn = "Intel SGX TCB Signing";
  signer.not_before = not_before;
  signer.not_after = not_before + 25 * kYear;
  signer.crl_distribution_point = url_base + "/IntelSGXRootCA.der";
  ASSIGN_OR_RETURN(crypto::Certificate signer_cert, IssueCertificate(signer, signer_key, &root));
  return IntelPki(root, processor, platform, IssuedCert{signer_cert, signer_key});
}

StatusOr<IntelPki> IntelPki::Load(const std::string& dir) {
  std::filesystem::path d(dir);
  ASSIGN_OR_RETURN(IssuedCert root, LoadIssuedPair(d, "root_ca"));
  ASSIGN_OR_RETURN(IssuedCert processor, LoadIssuedPair(d, "pck_processor_ca"));
  ASSIGN_OR_RETURN(IssuedCert platform, LoadIssuedPair(d, "pck_platform_ca"));
  ASSIGN_OR_RETURN(IssuedCert signer, LoadIssuedPair(d, "tcb_signing"));
  return IntelPki(root, processor, platform, signer);
}

Status IntelPki::Save(const std::string& dir) const {
  std::filesystem::path d(dir);
  for (const auto& [name, pair] : {std::pair<const char*, const IssuedCert*>{"root_ca", &root_},
                                   {"pck_processor_ca", &processor_ca_},
                                   {"pck_platform_ca", &platform_ca_},
                                   {"tcb_signing", &tcb_signer_}}) {
    RETURN_IF_ERROR(SaveIssuedPair(d, name, *pair));
  }
  return OkStatus();
}

StatusOr<IssuedCert> IntelPki::IssuePck(const PckSpec& spec) const {
  SgxExtensionSpec sgx = spec.sgx;
  if (spec.ca == intel::PckCaType::kPlatform) {
    if (!sgx.platform_instance_id) sgx.platform_instance_id = Bytes(16, 0x5A);
    if (!sgx.configuration) sgx.configuration = intel::PlatformConfiguration{false, false, true};
  }
  ASSIGN_OR_RETURN(Bytes ext, EncodeSgxExtension(sgx));
  ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::GenerateEcP256());
  CertSpec cert;
  cert.subject.cn = "Intel SGX PCK Certificate";
  cert.serial = spec.serial;
  cert.not_before = spec.not_before;
  cert.not_after = spec.not_after;
  std::string ca = spec.ca == intel::PckCaType::kProcessor ? "processor" : "platform";
  cert.crl_distribution_point = "https://api.trustedservices.intel.com/sgx/certification/v4/pckcrl?ca=" + ca + "&encoding=der";
  cert.extensions.push_back({std::string(intel::kSgxExtensionOid), ext, false});
  ASSIGN_OR_RETURN(crypto::Certificate c, IssueCertificate(cert, key, &this->ca(spec.ca)));
  return IssuedCert{c, key};
}

std::string IntelPki::TcbSigningChainPem() const { return Pem(tcb_signer_.cert) + Pem(root_.cert); }
std::string IntelPki::PckCaChainPem(intel::PckCaType ca) const { return Pem(this->ca(ca).cert) + Pem(root_.cert); }
std::string IntelPki::RootPem() const { return Pem(root_.cert); }

}  // namespace thim::sim
