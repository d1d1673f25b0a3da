// thimd over HTTPS: certificate verified by libcurl against a private CA.
#include <fstream>

#include "core/pem.h"
#include "harness.h"
#include "sim/pki/cert_builder.h"
#include "upstream/curl_http_client.h"

namespace thim::testing {
namespace {

TEST_F(ThimdWithSim, ServesOverTls) {
  // A private CA and a server certificate for 127.0.0.1.
  auto ca_key = *crypto::PrivateKey::GenerateEcP256();
  sim::CertSpec ca_spec;
  ca_spec.subject.cn = "thim test TLS CA";
  ca_spec.not_before = SystemClock::Instance().Now() - std::chrono::hours(1);
  ca_spec.not_after = ca_spec.not_before + std::chrono::hours(48);
  ca_spec.ca = true;
  auto ca_cert = *sim::IssueCertificate(ca_spec, ca_key, nullptr);
  sim::IssuedCert ca{ca_cert, ca_key};
  auto key = *crypto::PrivateKey::GenerateEcP256();
  sim::CertSpec spec = ca_spec;
  spec.ca = false;
  spec.subject.cn = "127.0.0.1";
  spec.extensions.push_back({"2.5.29.17", {0x30, 0x06, 0x87, 0x04, 127, 0, 0, 1}, false});  // subjectAltName IP:127.0.0.1
  auto cert = *sim::IssueCertificate(spec, key, &ca);
  std::string cert_file = (dir_ / "tls.crt").string(), key_file = (dir_ / "tls.key").string(), ca_file = (dir_ / "ca.crt").string();
  std::ofstream(cert_file) << EncodePem("CERTIFICATE", cert.der());
  std::ofstream(key_file) << key.ToPem();
  std::ofstream(ca_file) << EncodePem("CERTIFICATE", ca_cert.der());

  auto config = DefaultConfig();
  config.server.tls_cert_file = cert_file;
  config.server.tls_key_file = key_file;
  StartThimd(config);

  upstream::CurlHttpClientOptions options;
  options.ca_file = ca_file;
  upstream::CurlHttpClient client(options);
  upstream::HttpRequest request;
  request.url = "https://127.0.0.1:" + std::to_string(app_->port()) + "/sgx/certification/v4/tcb?fmspc=00906ED50000";
  auto response = client.Send(request);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_NE(response->body.find("\"tcbInfo\""), std::string::npos);
  // Without trusting our CA the TLS handshake is refused.
  upstream::CurlHttpClient untrusting(upstream::CurlHttpClientOptions{});
  EXPECT_FALSE(untrusting.Send(request).ok());
  // Plain HTTP to the TLS port gets nothing useful.
  TestClient plain(app_->port());
  EXPECT_NE(plain.Get("/healthz").status, 200);
}

}  // namespace
}  // namespace thim::testing
