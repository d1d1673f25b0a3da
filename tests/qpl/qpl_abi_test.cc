// libdcap_quoteprov.so.1 through its C ABI (dlopen by soname, as Intel's
// QE3/QVL do) against thimd + thim-sim on loopback: exported symbols, PCK
// certificates via the node-local THIM path and the global fallback,
// collateral thim's verifier accepts, errors, caching and 429 handling.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "abi_client.h"
#include "cli/qpl_commands.h"
#include "cli/qpl_seed.h"
#include "crypto/public_key.h"
#include "core/bytes.h"
#include "harness.h"
#include "core/pem.h"
#include "crypto/crl.h"
#include "sim/pki/cert_builder.h"
#include "thim/verify.h"
#include "upstream/loopback_http_server.h"

namespace thim::testing {
namespace {

using json = nlohmann::json;

const char* const kIntelSymbols[] = {
    "sgx_ql_get_quote_config", "sgx_ql_free_quote_config", "sgx_ql_get_quote_verification_collateral",
    "sgx_ql_get_quote_verification_collateral_with_params", "sgx_ql_free_quote_verification_collateral",
    "tdx_ql_get_quote_verification_collateral", "tdx_ql_get_quote_verification_collateral_with_params",
    "tdx_ql_free_quote_verification_collateral", "sgx_ql_get_qve_identity", "sgx_ql_free_qve_identity",
    "sgx_ql_get_root_ca_crl", "sgx_ql_free_root_ca_crl", "sgx_ql_set_logging_callback", "sgx_qpl_clear_cache",
    "sgx_qpl_global_init", "sgx_qpl_global_cleanup", "tee_get_default_platform_policy", "tee_free_platform_policy"};

TEST(QplExports, ExactlyIntelsEighteenSymbols) {
  FILE* p = ::popen("nm -D --defined-only " THIM_QPL_LIB, "r");
  ASSERT_NE(p, nullptr);
  std::set<std::string> exported;
  char line[512];
  while (std::fgets(line, sizeof line, p)) {
    std::string l(line);
    while (!l.empty() && (l.back() == '\n' || l.back() == ' ')) l.pop_back();
    size_t sp = l.rfind(' ');
    if (sp != std::string::npos) exported.insert(l.substr(sp + 1));
  }
  ASSERT_EQ(::pclose(p), 0);
  std::set<std::string> expected(std::begin(kIntelSymbols), std::end(kIntelSymbols));
  EXPECT_EQ(exported, expected);
}

TEST(QplExports, SonameIsIntels) {
  FILE* p = ::popen("objdump -p " THIM_QPL_LIB " | grep SONAME", "r");
  ASSERT_NE(p, nullptr);
  char line[512] = {0};
  ASSERT_NE(std::fgets(line, sizeof line, p), nullptr);
  ::pclose(p);
  EXPECT_NE(std::string(line).find("libdcap_quoteprov.so.1"), std::string::npos) << line;
}

std::vector<std::string> g_log;
std::mutex g_log_mu;
void Logger(sgx_ql_log_level_t, const char* message) {
  std::lock_guard<std::mutex> lock(g_log_mu);
  g_log.emplace_back(message);
}

std::string LastLog() {
  std::lock_guard<std::mutex> lock(g_log_mu);
  return g_log.empty() ? "" : g_log.back();
}

class QplAbi : public ThimdWithSim {
 protected:
  static void SetUpTestSuite() {
    ThimdWithSim::SetUpTestSuite();
    char err[256];
    ASSERT_EQ(qpl_abi_open(&abi_, err, sizeof err), 0) << err;
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    ASSERT_TRUE(abi_.by_soname) << "libdcap_quoteprov.so.1 must be found by its soname";
#endif
  }

  void SetUp() override {
    ThimdWithSim::SetUp();
    StartThimd();
    ::setenv("THIM_QPL_CACHE_DIR", (dir_ / "cache").c_str(), 1);
    ::setenv("THIM_QPL_IMDS_URL", SimUrl().c_str(), 1);  // never the real 169.254.169.254 from a test
    {
      std::lock_guard<std::mutex> lock(g_log_mu);
      g_log.clear();
    }
    for (const char* v : {"AZDCAP_PRIMARY_BASE_CERT_URL", "AZDCAP_SECONDARY_BASE_CERT_URL", "AZDCAP_BASE_CERT_URL",
                          "AZDCAP_CACHE_EXPIRY_IN_SECONDS", "AZDCAP_BYPASS_BASE_URL", "AZDCAP_CACHE", "AZDCAP_BASE_CERT_URL_TDX",
                          "AZDCAP_REGION_URL"})
      ::unsetenv(v);
    abi_.set_logging_callback(Logger, SGX_QL_LOG_INFO);
    for (const auto& p : sim_->Platforms())
      if (p.cached_keys && p.ca == intel::PckCaType::kProcessor) {
        platform_ = p;
        break;
      }
    ASSERT_FALSE(platform_.qe_id.empty());
    auto levels = sim_->PlatformLevels(platform_);
    ASSERT_FALSE(levels.empty());
    cpusvn_ = Bytes(levels.front().tcb.components.begin(), levels.front().tcb.components.end());
    pcesvn_ = levels.front().tcb.pcesvn;
  }

  void TearDown() override {
    for (const char* v : {"AZDCAP_PRIMARY_BASE_CERT_URL", "AZDCAP_SECONDARY_BASE_CERT_URL", "AZDCAP_BASE_CERT_URL",
                          "AZDCAP_CACHE_EXPIRY_IN_SECONDS", "AZDCAP_BYPASS_BASE_URL", "AZDCAP_CACHE", "AZDCAP_BASE_CERT_URL_TDX",
                          "AZDCAP_REGION_URL"})
      ::unsetenv(v);
    ::unsetenv("THIM_QPL_IMDS_URL");
    ThimdWithSim::TearDown();
  }

  std::string ThimdUrl(const std::string& path) { return "http://127.0.0.1:" + std::to_string(app_->port()) + path; }
  std::string SimUrl() { return "http://127.0.0.1:" + std::to_string(sim_server_->port()); }
  // Restarts thimd serving HTTPS (a self-signed certificate; the QPL runs with use_secure_cert false).
  void StartThimdWithTls() {
    StopThimd();
    auto key = *crypto::PrivateKey::GenerateEcP256();
    sim::CertSpec spec;
    spec.subject.cn = "localhost";
    spec.not_before = SystemClock::Instance().Now() - std::chrono::hours(1);
    spec.not_after = spec.not_before + std::chrono::hours(48);
    auto cert = *sim::IssueCertificate(spec, key, nullptr);
    auto config = DefaultConfig();
    config.server.tls_cert_file = (dir_ / "tls.crt").string();
    config.server.tls_key_file = (dir_ / "tls.key").string();
    std::ofstream(config.server.tls_cert_file) << EncodePem("CERTIFICATE", cert.der());
    std::ofstream(config.server.tls_key_file) << key.ToPem();
    StartThimd(config);
  }
  bool Logged(const std::string& needle) {
    std::lock_guard<std::mutex> lock(g_log_mu);
    for (const auto& line : g_log)
      if (line.find(needle) != std::string::npos) return true;
    return false;
  }
  size_t LoggedCount(const std::string& needle) {
    std::lock_guard<std::mutex> lock(g_log_mu);
    size_t n = 0;
    for (const auto& line : g_log) n += line.find(needle) != std::string::npos;
    return n;
  }
  static std::string DeadUrl() { return "http://127.0.0.1:1/sgx/certification/v4/"; }

  // Writes the QCNL file and reloads it through sgx_qpl_global_init.
  quote3_error_t Configure(const std::string& text) {
    std::string path = (dir_ / "qcnl.conf").string();
    std::ofstream(path) << text;
    ::setenv("QCNL_CONF_PATH", path.c_str(), 1);
    return abi_.global_init();
  }
  quote3_error_t Configure(json j) { return Configure(j.dump(2)); }
  json Defaults() {
    return {{"pccs_url", ThimdUrl("/sgx/certification/v4/")}, {"use_secure_cert", false}, {"retry_times", 0},
            {"pck_cache_expire_hours", 0}, {"verify_collateral_cache_expire_hours", 0}};
  }

  quote3_error_t GetConfig(sgx_ql_config_t** out) {
    Bytes qe = *HexDecode(platform_.qe_id);
    Bytes ppid = *HexDecode(platform_.encrypted_ppid);
    Bytes pceid = *HexDecode(platform_.pce_id);
    sgx_cpu_svn_t cpu;
    std::memcpy(cpu.svn, cpusvn_.data(), 16);
    sgx_isv_svn_t pce = pcesvn_;
    sgx_ql_pck_cert_id_t id;
    qpl_make_cert_id(&id, qe.data(), &cpu, &pce, ppid.data(), static_cast<uint16_t>(pceid[0] | pceid[1] << 8));
    return abi_.get_quote_config(&id, out);
  }

  void ExpectPlatformCert(sgx_ql_config_t* c) {
    ASSERT_NE(c, nullptr);
    // Packed members: copy before use (gtest binds references, misaligned).
    sgx_ql_config_version_t version = c->version;
    uint32_t size = c->cert_data_size;
    EXPECT_EQ(version, SGX_QL_CONFIG_VERSION_1);
    auto expected = sim_->SelectPck(platform_, cpusvn_, pcesvn_);
    ASSERT_TRUE(expected.ok());
    std::string data(reinterpret_cast<char*>(c->p_cert_data), size);
    ASSERT_GE(size, 500u);
    EXPECT_EQ(data.back(), '\0');
    EXPECT_EQ(std::strlen(data.c_str()) + 1, size);
    EXPECT_EQ(data.rfind(expected->pem, 0), 0u) << "cert data starts with the PCK leaf";
    size_t certs = 0;
    for (size_t p = 0; (p = data.find("-----BEGIN CERTIFICATE-----", p)) != std::string::npos; ++p) ++certs;
    EXPECT_EQ(certs, 3u) << "leaf, intermediate, root";
    EXPECT_NE(data.find(pki_->RootPem().substr(0, 200)), std::string::npos);
    Bytes tcbm = *HexDecode(expected->tcbm);
    EXPECT_EQ(0, std::memcmp(c->cert_cpu_svn.svn, tcbm.data(), 16));
    uint16_t svn = c->cert_pce_isv_svn;
    EXPECT_EQ(svn, tcbm[16] | tcbm[17] << 8);
  }

  // The collateral as thim's verifier takes it, and its verdict on it.
  static verify::Collateral ToVerifier(const sgx_ql_qve_collateral_t* c) {
    verify::Collateral v;
    v.tcb_info = c->tcb_info;
    v.tcb_info_issuer_chain = c->tcb_info_issuer_chain;
    v.qe_identity = c->qe_identity;
    v.qe_identity_issuer_chain = c->qe_identity_issuer_chain;
    v.pck_crl = Bytes(c->pck_crl, c->pck_crl + c->pck_crl_size - 1);
    v.pck_crl_issuer_chain = c->pck_crl_issuer_chain;
    v.root_ca_crl = Bytes(c->root_ca_crl, c->root_ca_crl + c->root_ca_crl_size - 1);
    return v;
  }

  static qpl_abi_t abi_;
  sim::SimPlatform platform_;
  Bytes cpusvn_;
  uint16_t pcesvn_ = 0;
};
qpl_abi_t QplAbi::abi_;

const uint8_t kSgxFmspc[6] = {0x00, 0x90, 0x6E, 0xD5, 0x00, 0x00};
const uint8_t kTdxFmspc[6] = {0x00, 0x80, 0x6F, 0x05, 0x00, 0x00};

TEST_F(QplAbi, PckCertFromNodeLocalThimJsonForm) {
  json j = Defaults();
  j["pccs_url"] = DeadUrl();
  j["local_pck_url"] = ThimdUrl("/metadata/THIM/sgx/certification/v4/");
  j["custom_request_options"] = {{"get_cert", {{"headers", {{"Metadata", "true"}}}, {"params", {{"api-version", "2021-07-22-preview"}}}}}};
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  sgx_ql_config_t* c = nullptr;
  ASSERT_EQ(GetConfig(&c), SGX_QL_SUCCESS);
  ExpectPlatformCert(c);
  EXPECT_EQ(abi_.free_quote_config(c), SGX_QL_SUCCESS);

  // Without the Metadata header THIM refuses (400) and the global URL is down.
  j.erase("custom_request_options");
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  EXPECT_EQ(GetConfig(&c), SGX_QL_NETWORK_ERROR);
  EXPECT_EQ(c, nullptr);
}

TEST_F(QplAbi, PckCertFallsBackToGlobalUrlWhenLocalIsDown) {
  json j = Defaults();
  j["local_pck_url"] = "http://127.0.0.1:1/metadata/THIM/sgx/certification/v4/";
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  sgx_ql_config_t* c = nullptr;
  ASSERT_EQ(GetConfig(&c), SGX_QL_SUCCESS);
  ExpectPlatformCert(c);
  abi_.free_quote_config(c);
}

TEST_F(QplAbi, PckCertErrors) {
  ASSERT_EQ(Configure(Defaults()), SGX_QL_SUCCESS);
  sgx_ql_config_t* c = reinterpret_cast<sgx_ql_config_t*>(0x1);
  EXPECT_EQ(abi_.get_quote_config(nullptr, &c), SGX_QL_ERROR_INVALID_PARAMETER);
  EXPECT_EQ(c, nullptr);
  uint8_t qe[16] = {1};
  sgx_cpu_svn_t cpu{};
  sgx_isv_svn_t pce = 0;
  sgx_ql_pck_cert_id_t id;
  qpl_make_cert_id(&id, qe, &cpu, &pce, nullptr, 0);
  id.qe3_id_size = 15;
  EXPECT_EQ(abi_.get_quote_config(&id, &c), SGX_QL_ERROR_INVALID_PARAMETER);
  id.qe3_id_size = 16;
  id.crypto_suite = 2;
  EXPECT_EQ(abi_.get_quote_config(&id, &c), SGX_QL_ERROR_INVALID_PARAMETER);
  id.crypto_suite = PCE_ALG_RSA_OAEP_3072;
  EXPECT_EQ(abi_.get_quote_config(&id, nullptr), SGX_QL_ERROR_INVALID_PARAMETER);
  // An unknown platform: thimd answers 404 ⇒ Intel's NO_PLATFORM_CERT_DATA.
  EXPECT_EQ(abi_.get_quote_config(&id, &c), SGX_QL_NO_PLATFORM_CERT_DATA);
  StopThimd();
  EXPECT_EQ(GetConfig(&c), SGX_QL_NETWORK_ERROR);
}

TEST_F(QplAbi, SgxAndTdxCollateralThatThimsVerifierAccepts) {
  ASSERT_EQ(Configure(Defaults()), SGX_QL_SUCCESS);
  for (bool tdx : {false, true}) {
    SCOPED_TRACE(tdx ? "TDX" : "SGX");
    sgx_ql_qve_collateral_t* c = nullptr;
    quote3_error_t st = tdx ? abi_.tdx_get_collateral(kTdxFmspc, 6, "processor", &c)
                            : abi_.get_collateral(kSgxFmspc, 6, "processor", &c);
    ASSERT_EQ(st, SGX_QL_SUCCESS);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(qpl_check_collateral(c), 0);
    EXPECT_EQ(c->version, 3u);
    EXPECT_EQ(c->tee_type, tdx ? 0x81u : 0u);
    EXPECT_NE(std::string(c->tcb_info).find(tdx ? "\"id\":\"TDX\"" : "\"fmspc\":\"00906ED50000\""), std::string::npos)
        << c->tcb_info;
    auto prepared = verify::PrepareCollateral(ToVerifier(c), pki_->root().cert);
    EXPECT_TRUE(prepared.ok()) << prepared.status().ToString();
    EXPECT_EQ(tdx ? abi_.tdx_free_collateral(c) : abi_.free_collateral(c), SGX_QL_SUCCESS);
  }
  // The _with_params variants carry customParameter (ignored by thimd).
  sgx_ql_qve_collateral_t* c = nullptr;
  const char param[] = "tcbEvaluationDataNumber=17";
  ASSERT_EQ(abi_.get_collateral_with_params(kSgxFmspc, 6, "processor", param, sizeof param, &c), SGX_QL_SUCCESS);
  EXPECT_EQ(qpl_check_collateral(c), 0);
  abi_.free_collateral(c);
  ASSERT_EQ(abi_.tdx_get_collateral_with_params(kTdxFmspc, 6, "platform", param, sizeof param, &c), SGX_QL_SUCCESS);
  EXPECT_EQ(qpl_check_collateral(c), 0);
  abi_.tdx_free_collateral(c);
}

TEST_F(QplAbi, CollateralErrors) {
  ASSERT_EQ(Configure(Defaults()), SGX_QL_SUCCESS);
  sgx_ql_qve_collateral_t* c = nullptr;
  EXPECT_EQ(abi_.get_collateral(kSgxFmspc, 5, "processor", &c), SGX_QL_ERROR_INVALID_PARAMETER);
  EXPECT_EQ(abi_.get_collateral(nullptr, 6, "processor", &c), SGX_QL_ERROR_INVALID_PARAMETER);
  EXPECT_EQ(abi_.get_collateral(kSgxFmspc, 6, "nonsense", &c), SGX_QL_ERROR_INVALID_PARAMETER);
  EXPECT_EQ(abi_.get_collateral(kSgxFmspc, 6, nullptr, &c), SGX_QL_ERROR_INVALID_PARAMETER);
  EXPECT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", nullptr), SGX_QL_ERROR_INVALID_PARAMETER);
  EXPECT_EQ(abi_.get_collateral_with_params(kSgxFmspc, 6, "processor", nullptr, 4, &c), SGX_QL_ERROR_INVALID_PARAMETER);
  const uint8_t unknown[6] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66};
  EXPECT_EQ(abi_.get_collateral(unknown, 6, "processor", &c), SGX_QL_TCBINFO_NOT_FOUND);
  EXPECT_EQ(c, nullptr);
  EXPECT_EQ(abi_.clear_cache(8), SGX_QL_ERROR_INVALID_PARAMETER);
  // Upstream (Intel) down: thimd cannot fill a miss.
  sim_server_->Stop();
  const uint8_t other[6] = {0x00, 0x60, 0x6A, 0x00, 0x00, 0x00};
  quote3_error_t st = abi_.get_collateral(other, 6, "platform", &c);
  EXPECT_TRUE(st == SGX_QL_SERVICE_UNAVAILABLE || st == SGX_QL_UNKNOWN_MESSAGE_RESPONSE) << std::hex << st;
  // thimd down.
  StopThimd();
  EXPECT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_NETWORK_ERROR);
}

TEST_F(QplAbi, QveIdentityRootCaCrlAndPolicy) {
  ASSERT_EQ(Configure(Defaults()), SGX_QL_SUCCESS);
  char* id = nullptr;
  char* chain = nullptr;
  uint32_t id_size = 0, chain_size = 0;
  ASSERT_EQ(abi_.get_qve_identity(&id, &id_size, &chain, &chain_size), SGX_QL_SUCCESS);
  EXPECT_EQ(std::strlen(id) + 1, id_size);
  EXPECT_EQ(std::strlen(chain) + 1, chain_size);
  EXPECT_NE(std::string(id).find("\"id\":\"QVE\""), std::string::npos) << id;
  EXPECT_EQ(std::string(chain).rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  abi_.free_qve_identity(id, chain);
  EXPECT_EQ(abi_.get_qve_identity(nullptr, &id_size, &chain, &chain_size), SGX_QL_ERROR_INVALID_PARAMETER);

  for (const char* version : {"3.0", "3.1"}) {
    json j = Defaults();
    j["pccs_api_version"] = version;
    ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
    uint8_t* crl = nullptr;
    uint16_t crl_size = 0;
    ASSERT_EQ(abi_.get_root_ca_crl(&crl, &crl_size), SGX_QL_SUCCESS) << version << " " << LastLog();
    ASSERT_GT(crl_size, 1);
    EXPECT_EQ(crl[crl_size - 1], 0);
    Bytes raw(crl, crl + crl_size - 1);
    EXPECT_TRUE(crypto::Crl::FromAny(raw).ok()) << version;
    abi_.free_root_ca_crl(crl);
  }
  EXPECT_EQ(abi_.get_root_ca_crl(nullptr, nullptr), SGX_QL_ERROR_INVALID_PARAMETER);
  uint8_t* policy = nullptr;
  uint32_t policy_size = 0;
  EXPECT_EQ(abi_.get_platform_policy(kSgxFmspc, 5, &policy, &policy_size), SGX_QL_ERROR_INVALID_PARAMETER);
  // thimd has no appraisal policies: Intel's "no collateral" (404).
  EXPECT_NE(abi_.get_platform_policy(kSgxFmspc, 6, &policy, &policy_size), SGX_QL_SUCCESS);
  EXPECT_EQ(abi_.free_platform_policy(nullptr), SGX_QL_SUCCESS);
  EXPECT_EQ(abi_.global_cleanup(), SGX_QL_SUCCESS);
}

TEST_F(QplAbi, CacheServesWithServerStoppedAndSurvivesReload) {
  json j = Defaults();
  j["pck_cache_expire_hours"] = 1;
  j["verify_collateral_cache_expire_hours"] = 1;
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  sgx_ql_config_t* cfg = nullptr;
  ASSERT_EQ(GetConfig(&cfg), SGX_QL_SUCCESS);
  abi_.free_quote_config(cfg);
  sgx_ql_qve_collateral_t* c = nullptr;
  ASSERT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_SUCCESS);
  abi_.free_collateral(c);
  StopThimd();
  // Memory cache.
  ASSERT_EQ(GetConfig(&cfg), SGX_QL_SUCCESS);
  ExpectPlatformCert(cfg);
  abi_.free_quote_config(cfg);
  ASSERT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_SUCCESS);
  EXPECT_EQ(qpl_check_collateral(c), 0);
  abi_.free_collateral(c);
  // Disk cache: a reload drops the memory cache; files are private to the user.
  ASSERT_EQ(abi_.global_init(), SGX_QL_SUCCESS);
  ASSERT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_SUCCESS);
  abi_.free_collateral(c);
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir_ / "cache")) {
    struct stat st{};
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << e.path();
    ++files;
  }
  EXPECT_GE(files, 5u);  // PCK cert, PCK CRL, TCB info, QE identity, root CA CRL
  // Clearing the collateral keeps the certificate.
  ASSERT_EQ(abi_.clear_cache(SGX_QPL_CACHE_QV_COLLATERAL), SGX_QL_SUCCESS);
  EXPECT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_NETWORK_ERROR);
  ASSERT_EQ(GetConfig(&cfg), SGX_QL_SUCCESS);
  abi_.free_quote_config(cfg);
  ASSERT_EQ(abi_.clear_cache(SGX_QPL_CACHE_CERTIFICATE), SGX_QL_SUCCESS);
  EXPECT_EQ(GetConfig(&cfg), SGX_QL_NETWORK_ERROR);
}

TEST_F(QplAbi, ZeroHoursMeansNoCacheAndExpiryIsHonoured) {
  ASSERT_EQ(Configure(Defaults()), SGX_QL_SUCCESS);  // Intel's default: 0 hours, nothing cached
  sgx_ql_qve_collateral_t* c = nullptr;
  ASSERT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_SUCCESS);
  abi_.free_collateral(c);
  StopThimd();
  EXPECT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_NETWORK_ERROR);

  StartThimd();
  json j = Defaults();
  j["verify_collateral_cache_expire_hours"] = 1;
  ::setenv("AZDCAP_CACHE_EXPIRY_IN_SECONDS", "1", 1);  // caps the lifetime at 1 s
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  ASSERT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_SUCCESS);
  abi_.free_collateral(c);
  StopThimd();
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_NETWORK_ERROR);
  ::unsetenv("AZDCAP_CACHE_EXPIRY_IN_SECONDS");
}

TEST_F(QplAbi, TooManyRequestsHonoursRetryAfter) {
  // A PCCS that answers 429 (Retry-After: 1) once, then relays thimd's answer.
  auto real = Thimd("/sgx/certification/v4/qve/identity?update=standard");
  ASSERT_EQ(real.status, 200);
  std::atomic<int> calls{0};
  upstream::testing::LoopbackHttpServer busy([&](const upstream::testing::LoopbackRequest&) {
    upstream::testing::LoopbackReply r;
    if (calls++ == 0) {
      r.status = 429;
      r.headers = {{"Retry-After", "1"}};
      return r;
    }
    r.body = real.body;
    r.headers = {{"SGX-Enclave-Identity-Issuer-Chain", real.Header("sgx-enclave-identity-issuer-chain")}};
    return r;
  });
  json j = Defaults();
  j["pccs_url"] = "http://127.0.0.1:" + std::to_string(busy.port()) + "/sgx/certification/v4/";
  j["retry_times"] = 2;
  j["retry_delay"] = 0;
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  auto start = std::chrono::steady_clock::now();
  char *id = nullptr, *chain = nullptr;
  uint32_t a = 0, b = 0;
  ASSERT_EQ(abi_.get_qve_identity(&id, &a, &chain, &b), SGX_QL_SUCCESS);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(std::string(id), real.body);
  abi_.free_qve_identity(id, chain);

  // Without retries the 429 is reported as Intel's "service unavailable".
  calls = 0;
  j["retry_times"] = 0;
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  EXPECT_EQ(abi_.get_qve_identity(&id, &a, &chain, &b), SGX_QL_SERVICE_UNAVAILABLE);
}

TEST_F(QplAbi, InvalidConfigurationIsReported) {
  {
    std::lock_guard<std::mutex> lock(g_log_mu);
    g_log.clear();
  }
  EXPECT_EQ(Configure(std::string("{ \"pccs_url\": \"http://x/\", }")), SGX_QL_CONFIG_INVALID_JSON);
  sgx_ql_qve_collateral_t* c = nullptr;
  EXPECT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_CONFIG_INVALID_JSON);
  EXPECT_EQ(Configure(std::string("{\"retry_times\": \"6\"}")), SGX_QL_ERROR_UNEXPECTED);
  std::lock_guard<std::mutex> lock(g_log_mu);
  ASSERT_FALSE(g_log.empty());
  EXPECT_NE(g_log.front().find("not valid JSON"), std::string::npos) << g_log.front();
  EXPECT_EQ(g_log.front().rfind("[QPL] ", 0), 0u);
}

TEST_F(QplAbi, AzureEnvironmentWithoutAConfigFile) {
  ::setenv("QCNL_CONF_PATH", (dir_ / "absent.conf").c_str(), 1);
  ::setenv("AZDCAP_PRIMARY_BASE_CERT_URL", ThimdUrl("/metadata/THIM/sgx/certification").c_str(), 1);
  ::setenv("AZDCAP_SECONDARY_BASE_CERT_URL", "http://127.0.0.1:1/sgx/certification", 1);
  ::setenv("AZDCAP_BASE_CERT_URL", ThimdUrl("/sgx/certification").c_str(), 1);
  ASSERT_EQ(abi_.global_init(), SGX_QL_SUCCESS);
  sgx_ql_config_t* cfg = nullptr;
  ASSERT_EQ(GetConfig(&cfg), SGX_QL_SUCCESS);  // THIM's node-local path, Metadata header added
  ExpectPlatformCert(cfg);
  abi_.free_quote_config(cfg);
  sgx_ql_qve_collateral_t* c = nullptr;
  ASSERT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_SUCCESS);
  abi_.free_collateral(c);
  // Bypassing the primary leaves only the (dead) secondary.
  ::setenv("AZDCAP_BYPASS_BASE_URL", "true", 1);
  ASSERT_EQ(abi_.global_init(), SGX_QL_SUCCESS);
  EXPECT_EQ(GetConfig(&cfg), SGX_QL_NETWORK_ERROR);
}

// Azure-style configuration without AZDCAP_REGION_URL: the region is IMDS's
// compute.location (thim-sim's IMDS through THIM_QPL_IMDS_URL), asked on the
// first TDX collateral call, and TDX collateral comes from
// https://{region}{AZDCAP_BASE_CERT_URL_TDX}/v4/. Here that is thimd over TLS
// as https://westeurope.localhost:PORT (libcurl resolves *.localhost to
// loopback), while collateral_service is dead: success proves the region URL.
TEST_F(QplAbi, TdxRegionFromImdsIsUsedAndKeptOnDisk) {
  StartThimdWithTls();
  std::string port = std::to_string(app_->port());
  json j = Defaults();
  j["pccs_url"] = DeadUrl();
  ::setenv("AZDCAP_BASE_CERT_URL", "http://127.0.0.1:1/sgx/certification", 1);
  ::setenv("AZDCAP_BASE_CERT_URL_TDX", (".localhost:" + port + "/sgx/certification").c_str(), 1);
  imds_->SetLocation("WestEurope");
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  EXPECT_EQ(imds_->Requests(), 0u) << "never at load";
  sgx_ql_qve_collateral_t* c = nullptr;
  EXPECT_EQ(abi_.get_collateral(kSgxFmspc, 6, "processor", &c), SGX_QL_NETWORK_ERROR);  // SGX: collateral_service
  EXPECT_EQ(imds_->Requests(), 0u) << "only TDX needs the region";
  ASSERT_EQ(abi_.tdx_get_collateral(kTdxFmspc, 6, "processor", &c), SGX_QL_SUCCESS) << LastLog();
  EXPECT_EQ(qpl_check_collateral(c), 0);
  EXPECT_EQ(c->tee_type, 0x81u);
  EXPECT_NE(std::string(c->tcb_info).find("\"id\":\"TDX\""), std::string::npos);
  abi_.tdx_free_collateral(c);
  EXPECT_EQ(imds_->Requests(), 1u);
  EXPECT_TRUE(Logged("https://westeurope.localhost:" + port + "/sgx/certification/v4/"));
  ASSERT_EQ(abi_.tdx_get_collateral(kTdxFmspc, 6, "platform", &c), SGX_QL_SUCCESS) << LastLog();
  abi_.tdx_free_collateral(c);
  EXPECT_EQ(imds_->Requests(), 1u) << "asked once";

  // A reload (a new process would do the same) finds the region in the disk
  // cache: IMDS is not asked again, even when it is down, nor after the
  // collateral and certificate caches are cleared.
  imds_->SetOutage(true);
  ASSERT_EQ(abi_.clear_cache(SGX_QPL_CACHE_CERTIFICATE | SGX_QPL_CACHE_QV_COLLATERAL), SGX_QL_SUCCESS);
  ASSERT_EQ(abi_.global_init(), SGX_QL_SUCCESS);
  ASSERT_EQ(abi_.tdx_get_collateral(kTdxFmspc, 6, "processor", &c), SGX_QL_SUCCESS) << LastLog();
  abi_.tdx_free_collateral(c);
  EXPECT_EQ(imds_->Requests(), 1u);
}

TEST_F(QplAbi, TdxRegionFallsBackToCollateralServiceWhenImdsFailsOrLies) {
  // collateral_service is thimd (HTTP); the regional URL would be unreachable.
  ::setenv("AZDCAP_BASE_CERT_URL", ThimdUrl("/sgx/certification").c_str(), 1);
  ::setenv("AZDCAP_BASE_CERT_URL_TDX", ".localhost:1/sgx/certification", 1);
  json j = Defaults();
  for (const char* location : {"evil.example.com:443/x?", "west europe"}) {
    SCOPED_TRACE(location);
    imds_->SetLocation(location);
    ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
    sgx_ql_qve_collateral_t* c = nullptr;
    ASSERT_EQ(abi_.tdx_get_collateral(kTdxFmspc, 6, "processor", &c), SGX_QL_SUCCESS) << LastLog();
    abi_.tdx_free_collateral(c);
    EXPECT_TRUE(Logged("is not a DNS label")) << LastLog();
  }
  EXPECT_EQ(imds_->Requests(), 2u);
  // IMDS down: a fallback, logged once however many calls follow.
  imds_->SetOutage(true);
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  for (int i = 0; i < 3; ++i) {
    sgx_ql_qve_collateral_t* c = nullptr;
    ASSERT_EQ(abi_.tdx_get_collateral(kTdxFmspc, 6, "processor", &c), SGX_QL_SUCCESS) << LastLog();
    abi_.tdx_free_collateral(c);
  }
  EXPECT_EQ(imds_->Requests(), 3u);
  EXPECT_EQ(LoggedCount("failed: HTTP 500"), 1u);
  // Nothing invalid was cached: with IMDS back, the next configuration asks again.
  imds_->SetOutage(false);
  imds_->SetLocation("northeurope");
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  sgx_ql_qve_collateral_t* c = nullptr;
  EXPECT_EQ(abi_.tdx_get_collateral(kTdxFmspc, 6, "processor", &c), SGX_QL_NETWORK_ERROR);  // the region's URL is dead here
  EXPECT_EQ(imds_->Requests(), 4u);
  EXPECT_TRUE(Logged("https://northeurope.localhost:1/"));
}

TEST_F(QplAbi, LocalCacheOnlyNeverTouchesTheNetwork) {
  json j = Defaults();
  j["pck_cache_expire_hours"] = 1;
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  sgx_ql_config_t* cfg = nullptr;
  ASSERT_EQ(GetConfig(&cfg), SGX_QL_SUCCESS);  // seeds the disk cache
  abi_.free_quote_config(cfg);
  ASSERT_EQ(abi_.clear_cache(SGX_QPL_CACHE_QV_COLLATERAL), SGX_QL_SUCCESS);
  j["local_cache_only"] = true;
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  StopThimd();
  ASSERT_EQ(GetConfig(&cfg), SGX_QL_SUCCESS);
  ExpectPlatformCert(cfg);
  abi_.free_quote_config(cfg);
  ASSERT_EQ(abi_.clear_cache(SGX_QPL_CACHE_CERTIFICATE), SGX_QL_SUCCESS);
  EXPECT_EQ(GetConfig(&cfg), SGX_QL_ERROR_UNEXPECTED) << "Intel's code for a cache miss";
}

// Air-gapped provisioning: a bundle exported from thimd is seeded into the
// cache with `thim qpl seed`; with local_cache_only and no server at all the
// library picks, for every raw TCB, the certificate PCS (the sim) would.
TEST_F(QplAbi, SeededBundleServesEveryRawTcbWithoutANetwork) {
  auto config = DefaultConfig();
  config.admin.token_sha256 = HexEncode(crypto::Sha256(AsBytes(std::string("seed-token"))));
  StopThimd();
  StartThimd(config);
  ASSERT_EQ(Configure(Defaults()), SGX_QL_SUCCESS);
  json offline = Defaults();  // names thimd's URL: it will be down, and must not be asked
  offline["local_cache_only"] = true;
  sgx_ql_config_t* cfg = nullptr;
  ASSERT_EQ(GetConfig(&cfg), SGX_QL_SUCCESS);  // thimd fetches all of the platform's certificates
  abi_.free_quote_config(cfg);
  TestClient client(app_->port());
  client.SendRaw("GET /admin/bundle HTTP/1.1\r\nHost: x\r\nadmin-token: seed-token\r\n\r\n");
  auto bundle = client.Read();
  ASSERT_EQ(bundle.status, 200) << bundle.body;
  std::string bundle_path = (dir_ / "bundle.json").string();
  std::ofstream(bundle_path) << bundle.body;
  StopThimd();

  std::string seed_dir = (dir_ / "seeded").string();
  ASSERT_EQ(::mkdir(seed_dir.c_str(), 0700), 0);
  auto seeded = cli::RunQplSeed({.bundle = bundle_path, .cache_dir = seed_dir});
  ASSERT_EQ(seeded.exit_code, 0) << seeded.message << seeded.report.dump();
  ASSERT_EQ(seeded.report["seeded"].size(), 1u) << seeded.report.dump();
  EXPECT_EQ(seeded.report["seeded"][0]["qeId"], platform_.qe_id);
  size_t available = 0;
  for (const auto& level : sim_->PlatformLevels(platform_)) available += level.available;
  EXPECT_EQ(seeded.report["seeded"][0]["certificates"].get<size_t>(), available) << seeded.report.dump();

  ::setenv("THIM_QPL_CACHE_DIR", seed_dir.c_str(), 1);
  ASSERT_EQ(Configure(offline), SGX_QL_SUCCESS);
  // Each level's raw TCB, and one just above it (not at the next level): the
  // sim's (PCS's) choice, or, below every certificate, Intel's cache-miss code.
  size_t served = 0;
  auto expect_same_choice = [&] {
    if (!sim_->SelectPck(platform_, cpusvn_, pcesvn_).ok()) {
      EXPECT_EQ(GetConfig(&cfg), SGX_QL_ERROR_UNEXPECTED);
      return;
    }
    ASSERT_EQ(GetConfig(&cfg), SGX_QL_SUCCESS) << LastLog();
    ExpectPlatformCert(cfg);
    abi_.free_quote_config(cfg);
    ++served;
  };
  for (const auto& level : sim_->PlatformLevels(platform_)) {
    cpusvn_ = Bytes(level.tcb.components.begin(), level.tcb.components.end());
    pcesvn_ = level.tcb.pcesvn;
    expect_same_choice();
    if (cpusvn_[3] < 255) ++cpusvn_[3];
    expect_same_choice();
  }
  EXPECT_GE(served, 2 * available);
  cpusvn_ = Bytes(16, 0);  // below every certificate
  pcesvn_ = 0;
  EXPECT_EQ(GetConfig(&cfg), SGX_QL_ERROR_UNEXPECTED);
  EXPECT_TRUE(Logged("every seeded certificate is above the raw TCB")) << LastLog();

  std::ofstream(dir_ / "not-a-bundle.json") << "{\"tcbInfo\":{}}";
  auto bad = cli::RunQplSeed({.bundle = (dir_ / "not-a-bundle.json").string(), .cache_dir = seed_dir});
  EXPECT_EQ(bad.exit_code, 2) << "not a bundle: could not run";
  EXPECT_NE(bad.message.find("not-a-bundle.json"), std::string::npos) << bad.message;
}

// 16 threads calling the collateral function (warm and cold) must agree.
TEST_F(QplAbi, ConcurrentCollateralCalls) {
  json j = Defaults();
  j["verify_collateral_cache_expire_hours"] = 1;
  ASSERT_EQ(Configure(j), SGX_QL_SUCCESS);
  std::atomic<int> failures{0}, calls{0};
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t)
    threads.emplace_back([&, t] {
      while (std::chrono::steady_clock::now() < until) {
        sgx_ql_qve_collateral_t* c = nullptr;
        quote3_error_t st = t % 2 ? abi_.tdx_get_collateral(kTdxFmspc, 6, "processor", &c)
                                  : abi_.get_collateral(kSgxFmspc, 6, "processor", &c);
        if (st != SGX_QL_SUCCESS || qpl_check_collateral(c) != 0) ++failures;
        abi_.free_collateral(c);
        ++calls;
        if (t == 0 && calls % 50 == 0) abi_.clear_cache(SGX_QPL_CACHE_QV_COLLATERAL);  // races refetches with readers
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(calls.load(), 16);
}

// `thim qpl`: the same library through the CLI's dlopen path.
TEST_F(QplAbi, ThimQplCommands) {
  ASSERT_EQ(Configure(Defaults()), SGX_QL_SUCCESS);
  cli::QplGetConfigArgs a;
  a.qe_id = platform_.qe_id;
  a.cpusvn = HexEncode(cpusvn_, true);
  a.pcesvn = pcesvn_;
  a.pceid = platform_.pce_id;
  a.encrypted_ppid = platform_.encrypted_ppid;
  auto o = cli::RunQplGetConfig(a);
  ASSERT_EQ(o.exit_code, 0) << o.message;
  auto expected = sim_->SelectPck(platform_, cpusvn_, pcesvn_);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(o.report["cert_cpu_svn"], expected->tcbm.substr(0, 32));
  EXPECT_EQ(o.report["cert_data"]["text"].get<std::string>().rfind(expected->pem, 0), 0u);
  EXPECT_TRUE(o.report["cert_data"]["nul_terminated"].get<bool>());

  cli::QplGetCollateralArgs g;
  g.fmspc = "00806F050000";
  g.tdx = true;
  o = cli::RunQplGetCollateral(g);
  ASSERT_EQ(o.exit_code, 0) << o.message;
  EXPECT_EQ(o.report["tee_type"], "0x00000081");
  EXPECT_EQ(o.report["version"], "3.0");
  EXPECT_TRUE(o.report["tcb_info"].contains("text"));
  g.fmspc = "112233445566";
  g.tdx = false;
  o = cli::RunQplGetCollateral(g);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.message.find("SGX_QL_TCBINFO_NOT_FOUND"), std::string::npos) << o.message;
  g.fmspc = "12";
  EXPECT_EQ(cli::RunQplGetCollateral(g).exit_code, 2);
  g.fmspc = "00906ED50000";
  g.library = "libdoes_not_exist.so";
  o = cli::RunQplGetCollateral(g);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.message.find("dlopen"), std::string::npos);
}

}  // namespace
}  // namespace thim::testing
