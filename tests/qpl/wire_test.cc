// What the library makes of unusual server answers (canned loopback server,
// no thimd): Intel's error code for each HTTP status, malformed bodies
// reported as parsing errors (never a crash), and the PCK wire forms.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <tuple>
#include <vector>
#include <string>

#include "abi_client.h"
#include "upstream/loopback_http_server.h"

namespace thim::testing {
namespace {

using upstream::testing::LoopbackHttpServer;
using upstream::testing::LoopbackReply;
using upstream::testing::LoopbackRequest;

const char kChainEncoded[] = "-----BEGIN%20CERTIFICATE-----%0AMIIB%0A-----END%20CERTIFICATE-----%0A";
const char kLeaf[] = "-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n";
const char kTcbm[] = "0102030405060708090A0B0C0D0E0F101112";

class QplWire : public ::testing::Test {
 protected:
  void SetUp() override {
    char err[256];
    ASSERT_EQ(qpl_abi_open(&abi_, err, sizeof err), 0) << err;
    dir_ = std::filesystem::temp_directory_path() / ("thim-qpl-wire-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    ::setenv("THIM_QPL_CACHE_DIR", (dir_ / "cache").c_str(), 1);
    server_ = std::make_unique<LoopbackHttpServer>([this](const LoopbackRequest& r) { return handler_(r); });
    std::string conf = (dir_ / "qcnl.conf").string();
    std::ofstream(conf) << "{\"pccs_url\": \"http://127.0.0.1:" << server_->port() << "/sgx/certification/v4/\"}";
    ::setenv("QCNL_CONF_PATH", conf.c_str(), 1);
    ASSERT_EQ(abi_.global_init(), SGX_QL_SUCCESS);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  quote3_error_t GetConfig(sgx_ql_config_t** out) {
    uint8_t qe[16] = {1, 2, 3};
    sgx_cpu_svn_t cpu{};
    sgx_isv_svn_t pce = 13;
    sgx_ql_pck_cert_id_t id;
    qpl_make_cert_id(&id, qe, &cpu, &pce, nullptr, 0);
    return abi_.get_quote_config(&id, out);
  }
  quote3_error_t GetCollateral() {
    const uint8_t fmspc[6] = {0x00, 0x90, 0x6E, 0xD5, 0x00, 0x00};
    sgx_ql_qve_collateral_t* c = nullptr;
    quote3_error_t st = abi_.get_collateral(fmspc, 6, "processor", &c);
    abi_.free_collateral(c);
    return st;
  }

  qpl_abi_t abi_;
  std::filesystem::path dir_;
  std::function<LoopbackReply(const LoopbackRequest&)> handler_ = [](const LoopbackRequest&) { return LoopbackReply{}; };
  std::unique_ptr<LoopbackHttpServer> server_;
  std::mutex mu_;             // the handler runs on the server's thread
  std::string last_target_;
};

TEST_F(QplWire, PckRequestShapeAndHeaderForm) {
  handler_ = [this](const LoopbackRequest& r) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_target_ = r.target;
    }
    LoopbackReply out;
    out.body = kLeaf;
    out.headers = {{"SGX-TCBm", kTcbm}, {"SGX-PCK-Certificate-Issuer-Chain", kChainEncoded}};
    return out;
  };
  sgx_ql_config_t* c = nullptr;
  ASSERT_EQ(GetConfig(&c), SGX_QL_SUCCESS);
  // Upper-case hex in memory order; PCE SVN 13 little-endian; 768 zeros without a PPID.
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(last_target_, "/sgx/certification/v4/pckcert?qeid=01020300000000000000000000000000&encrypted_ppid=" +
                              std::string(768, '0') + "&cpusvn=00000000000000000000000000000000&pcesvn=0D00&pceid=0000");
  std::string data(reinterpret_cast<char*>(c->p_cert_data));
  EXPECT_EQ(data, std::string(kLeaf) + "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  uint32_t size = c->cert_data_size;  // packed member: copy before gtest binds a reference
  EXPECT_EQ(size, data.size() + 1);
  EXPECT_EQ(c->cert_cpu_svn.svn[0], 0x01);
  EXPECT_EQ(c->cert_cpu_svn.svn[15], 0x10);
  uint16_t svn = c->cert_pce_isv_svn;
  EXPECT_EQ(svn, 0x1211) << "TCBm PCESVN bytes are little-endian";
  abi_.free_quote_config(c);
}

TEST_F(QplWire, ThimJsonFormAndUnencodedChainKeepsItsEnd) {
  handler_ = [](const LoopbackRequest&) {
    LoopbackReply out;
    // An un-encoded chain ending in "-----": Intel's decoder would drop the last two characters.
    out.body = std::string("{\"pckCert\": \"") + "-----BEGIN CERTIFICATE-----\\nLEAF\\n-----END CERTIFICATE-----\\n" +
               "\", \"sgx-Tcbm\": \"" + kTcbm +
               "\", \"sgx-Pck-Certificate-Issuer-Chain\": \"-----BEGIN CERTIFICATE-----\\nX\\n-----END CERTIFICATE-----\"}";
    return out;
  };
  sgx_ql_config_t* c = nullptr;
  ASSERT_EQ(GetConfig(&c), SGX_QL_SUCCESS);
  std::string data(reinterpret_cast<char*>(c->p_cert_data));
  EXPECT_EQ(data, std::string(kLeaf) + "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----");
  abi_.free_quote_config(c);
}

TEST_F(QplWire, MalformedAnswersAreParsingErrors) {
  for (const auto& [body, tcbm] : std::vector<std::pair<std::string, std::string>>{
           {kLeaf, "0102"},                       // TCBm too short
           {kLeaf, std::string(36, 'Z')},         // TCBm not hex
           {"not a certificate", kTcbm},          // no PEM
           {"{\"pckCert\": 7}", kTcbm},           // JSON with a wrong type
           {"", kTcbm}}) {
    handler_ = [body, tcbm](const LoopbackRequest&) {
      LoopbackReply out;
      out.body = body;
      out.headers = {{"SGX-TCBm", tcbm}, {"SGX-PCK-Certificate-Issuer-Chain", kChainEncoded}};
      return out;
    };
    sgx_ql_config_t* c = nullptr;
    EXPECT_EQ(GetConfig(&c), SGX_QL_ERROR_MESSAGE_PARSING_ERROR) << body << " / " << tcbm;
    EXPECT_EQ(c, nullptr);
  }
  handler_ = [](const LoopbackRequest&) { return LoopbackReply{200, {}, "{\"tcbInfo\":{}}"}; };  // no issuer chain
  EXPECT_EQ(GetCollateral(), SGX_QL_ERROR_MESSAGE_PARSING_ERROR);
}

TEST_F(QplWire, HttpStatusesMapToIntelsCodes) {
  for (const auto& [status, pck, collateral] : std::vector<std::tuple<int, quote3_error_t, quote3_error_t>>{
           {404, SGX_QL_NO_PLATFORM_CERT_DATA, SGX_QL_NO_QUOTE_COLLATERAL_DATA},  // the PCK CRL is fetched first
           {403, SGX_QL_NETWORK_ERROR, SGX_QL_NETWORK_ERROR},
           {461, SGX_QL_PLATFORM_UNKNOWN, SGX_QL_PLATFORM_UNKNOWN},
           {462, SGX_QL_CERTS_UNAVAILABLE, SGX_QL_CERTS_UNAVAILABLE},
           {503, SGX_QL_SERVICE_UNAVAILABLE, SGX_QL_SERVICE_UNAVAILABLE},
           {500, SGX_QL_UNKNOWN_MESSAGE_RESPONSE, SGX_QL_UNKNOWN_MESSAGE_RESPONSE},
           {400, SGX_QL_UNKNOWN_MESSAGE_RESPONSE, SGX_QL_UNKNOWN_MESSAGE_RESPONSE}}) {
    handler_ = [status = status](const LoopbackRequest&) { return LoopbackReply{status, {}, ""}; };
    sgx_ql_config_t* c = nullptr;
    EXPECT_EQ(GetConfig(&c), pck) << status;
    EXPECT_EQ(GetCollateral(), collateral) << status;
  }
}

}  // namespace
}  // namespace thim::testing
