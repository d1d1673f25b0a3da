#include "cache/pcs_source.h"

#include <nlohmann/json.hpp>

namespace thim::cache {

namespace {
// Intel's Error-Code / Error-Message headers as one text ("" when absent).
std::string IntelErrorOf(const upstream::HttpHeaders& headers) {
  std::string code(headers.GetOr("Error-Code"));
  std::string message(headers.GetOr("Error-Message"));
  return code + (code.empty() || message.empty() ? "" : ": ") + message;
}
}  // namespace

PcsCollateralSource::PcsCollateralSource(std::shared_ptr<upstream::PcsClient> pcs,
                                         std::shared_ptr<upstream::UpstreamClient> root_crl, std::string root_crl_path)
    : pcs_(std::move(pcs)), root_crl_(std::move(root_crl)), root_crl_path_(std::move(root_crl_path)) {}

StatusOr<FetchedCollateral> PcsCollateralSource::Fetch(const CollateralKey& key,
                                                       std::optional<std::chrono::seconds>* retry_after) {
  upstream::CallInfo info;
  StatusOr<upstream::UpstreamResponse> response = UnavailableError("no upstream");
  if (key.kind == CollateralKind::kRootCaCrl) {
    upstream::UpstreamRequest request;
    request.path_and_query = root_crl_path_;
    response = root_crl_->Send(request, &info);
  } else {
    response = pcs_->Get(key.UpstreamTarget(), &info);
  }
  if (retry_after) *retry_after = info.retry_after;
  if (!response.ok()) return response.status();
  FetchedCollateral f;
  f.http_status = response->status;
  f.body = std::move(response->body);
  f.content_type = std::string(response->headers.GetOr("Content-Type"));
  f.request_id = response->request_id;
  // Whichever issuer-chain header this kind of document carries.
  for (std::string_view name : {"TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain", "SGX-Enclave-Identity-Issuer-Chain",
                                "SGX-PCK-CRL-Issuer-Chain", "TCB-Evaluation-Data-Numbers-Issuer-Chain"}) {
    if (auto chain = response->headers.Get(name)) {
      f.issuer_chain = std::string(*chain);
      break;
    }
  }
  f.error_message = IntelErrorOf(response->headers);
  f.warning = std::string(response->headers.GetOr("Warning"));
  return f;
}

StatusOr<FetchedPckCerts> PcsPckSource::Fetch(const store::PlatformRecord& platform,
                                              std::optional<std::chrono::seconds>* retry_after) {
  upstream::CallInfo info;
  StatusOr<upstream::UpstreamResponse> response = UnavailableError("no upstream");
  if (!platform.platform_manifest.empty()) {
    nlohmann::ordered_json body{{"platformManifest", platform.platform_manifest}, {"pceid", platform.pce_id}};
    response = pcs_->Post("/sgx/certification/v4/pckcerts", body.dump(), &info);
  } else if (!platform.encrypted_ppid.empty()) {
    response = pcs_->Get("/sgx/certification/v4/pckcerts?encrypted_ppid=" + platform.encrypted_ppid + "&pceid=" + platform.pce_id,
                         &info);
  } else {
    return FailedPreconditionError("platform " + platform.id + " has neither an encrypted PPID nor a platform manifest");
  }
  if (retry_after) *retry_after = info.retry_after;
  if (!response.ok()) return response.status();
  FetchedPckCerts f;
  f.http_status = response->status;
  f.body = std::move(response->body);
  f.issuer_chain = std::string(response->headers.GetOr("SGX-PCK-Certificate-Issuer-Chain"));
  f.fmspc = std::string(response->headers.GetOr("SGX-FMSPC"));
  f.ca_type = std::string(response->headers.GetOr("SGX-PCK-Certificate-CA-Type"));
  f.request_id = response->request_id;
  f.error_message = IntelErrorOf(response->headers);
  return f;
}

}  // namespace thim::cache
