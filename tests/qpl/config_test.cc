// QCNL configuration: every key, comments, the legacy KEY=VALUE form, errors
// reported (never silently defaulted) and Azure's environment overrides.
#include <gtest/gtest.h>

#include <cstdlib>

#include "qpl/config.h"

namespace thim::qpl {
namespace {

TEST(QplConfig, EveryKeyWithComments) {
  auto r = ParseConfigText(R"({
    // Intel's keys
    "pccs_url": "https://pccs.example/sgx/certification/v4/",
    "use_secure_cert": false, /* block comment */
    "collateral_service": "https://api.trustedservices.intel.com/sgx/certification/v4/",
    "tcb_update_type": "EARLY",
    "pccs_api_version": "3.1",
    "retry_times": 6,
    "retry_delay": 10,
    "local_pck_url": "http://169.254.169.254/metadata/THIM/sgx/certification/v4/",
    "pck_cache_expire_hours": 168,
    "verify_collateral_cache_expire_hours": 5000,
    "local_cache_only": true,
    "custom_request_options": {"get_cert": {"headers": {"metadata": "true"}, "params": {"api-version": "2021-07-22-preview"}}},
    "connect_timeout_seconds": 3,
    "request_timeout_seconds": 20
  })", "test");
  ASSERT_TRUE(r.config) << r.error;
  const Config& c = *r.config;
  EXPECT_EQ(c.pccs_url, "https://pccs.example/sgx/certification/v4/");
  EXPECT_FALSE(c.use_secure_cert);
  EXPECT_EQ(c.CollateralBase(), "https://api.trustedservices.intel.com/sgx/certification/v4/");
  EXPECT_EQ(c.tcb_update_type, "early");
  EXPECT_EQ(c.pccs_api_version, "3.1");
  EXPECT_EQ(c.retry_times, 6);
  EXPECT_EQ(c.retry_delay, 10);
  EXPECT_EQ(c.local_pck_url, "http://169.254.169.254/metadata/THIM/sgx/certification/v4/");
  EXPECT_EQ(c.pck_cache_expire_hours, 168);
  EXPECT_EQ(c.verify_collateral_cache_expire_hours, 2160) << "capped at 90 days as Intel";
  EXPECT_TRUE(c.local_cache_only);
  ASSERT_EQ(c.get_cert_headers.size(), 1u);
  EXPECT_EQ(c.get_cert_headers[0], (std::pair<std::string, std::string>{"metadata", "true"}));
  ASSERT_EQ(c.get_cert_params.size(), 1u);
  EXPECT_EQ(c.get_cert_params[0].first, "api-version");
  EXPECT_EQ(c.connect_timeout_seconds, 3);
  EXPECT_EQ(c.request_timeout_seconds, 20);
}

// The shape of Intel's shipped file: comment lines first, leading commas,
// commented-out keys.
TEST(QplConfig, IntelShippedFileShape) {
  auto r = ParseConfigText(R"(// *** ATTENTION : This file is in JSON format so the keys are case sensitive. Don't change them.
{
  //PCCS server address
  "pccs_url": "https://localhost:8081/sgx/certification/v4/"

  // To accept insecure HTTPS certificate, set this option to false
  ,"use_secure_cert": true

  // You can use the Intel PCS or another PCCS to get quote verification collateral.
  //,"collateral_service": "https://api.trustedservices.intel.com/sgx/certification/v4/"

  // Maximum retry times for QCNL. If RETRY is not defined or set to 0, no retry will be performed.
  ,"retry_times": 6
  ,"retry_delay": 10
  //,"local_pck_url": "http://localhost:8081/sgx/certification/v4/"
  ,"pck_cache_expire_hours": 168
  ,"verify_collateral_cache_expire_hours": 168
  ,"local_cache_only": false
  /* ,"custom_request_options" : {
       "get_cert" : { "headers": { "head1": "value1" }, "params": { "param1": "value1" } } } */
}
)", "/etc/sgx_default_qcnl.conf");
  ASSERT_TRUE(r.config) << r.error;
  EXPECT_EQ(r.config->retry_times, 6);
  EXPECT_EQ(r.config->pck_cache_expire_hours, 168);
  EXPECT_TRUE(r.config->local_pck_url.empty());
  EXPECT_EQ(r.config->CollateralBase(), r.config->pccs_url);
  EXPECT_TRUE(r.config->get_cert_headers.empty());
}

TEST(QplConfig, IntelDefaults) {
  auto r = ParseConfigText("{}", "test");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->pccs_url, "https://localhost:8081/sgx/certification/v4/");
  EXPECT_EQ(r.config->CollateralBase(), r.config->pccs_url) << "collateral_service defaults to pccs_url";
  EXPECT_TRUE(r.config->use_secure_cert);
  EXPECT_EQ(r.config->pccs_api_version, "3.0");
  EXPECT_EQ(r.config->retry_times, 0);
  EXPECT_EQ(r.config->pck_cache_expire_hours, 0);
  EXPECT_FALSE(r.config->local_cache_only);
}

TEST(QplConfig, LegacyKeyValue) {
  auto r = ParseConfigText("# comment\nPCCS_URL = https://pccs:8081/sgx/certification/v4/\nUSE_SECURE_CERT=FALSE\n"
                           "RETRY_TIMES=3\nRETRY_DELAY=2\nLOCAL_PCK_URL=http://local/\nPCK_CACHE_EXPIRE_HOURS=9999\n"
                           "VERIFY_COLLATERAL_CACHE_EXPIRE_HOURS=24\nLOCAL_CACHE_ONLY=true\nPCCS_API_VERSION=3.1\n",
                           "legacy");
  ASSERT_TRUE(r.config) << r.error;
  EXPECT_EQ(r.config->pccs_url, "https://pccs:8081/sgx/certification/v4/");
  EXPECT_EQ(r.config->CollateralBase(), r.config->pccs_url);
  EXPECT_FALSE(r.config->use_secure_cert);
  EXPECT_EQ(r.config->retry_times, 3);
  EXPECT_EQ(r.config->retry_delay, 2);
  EXPECT_EQ(r.config->local_pck_url, "http://local/");
  EXPECT_EQ(r.config->pck_cache_expire_hours, 2160);
  EXPECT_EQ(r.config->verify_collateral_cache_expire_hours, 24);
  EXPECT_TRUE(r.config->local_cache_only);
  EXPECT_EQ(r.config->pccs_api_version, "3.1");
}

TEST(QplConfig, ErrorsAreReportedNotDefaulted) {
  auto bad_json = ParseConfigText("{\"pccs_url\": \"x\",}", "f");  // trailing comma, as in Intel's own sample
  EXPECT_FALSE(bad_json.config);
  EXPECT_TRUE(bad_json.invalid_json);
  EXPECT_NE(bad_json.error.find("not valid JSON"), std::string::npos);
  for (const char* text : {R"({"retry_times": "6"})", R"({"use_secure_cert": "false"})", R"({"tcb_update_type": "late"})",
                           R"({"pccs_api_version": "4.1"})", R"({"pck_cache_expire_hours": -1})",
                           R"({"custom_request_options": {"get_cert": {"headers": {"a": 1}}}})", "[1, 2]",
                           "PCCS_URL\n", "RETRY_TIMES=many\n", "NOT_A_KEY=1\n"}) {
    auto r = ParseConfigText(text, "f");
    EXPECT_FALSE(r.config) << text;
    EXPECT_FALSE(r.error.empty()) << text;
  }
}

TEST(QplConfig, AzureEnvironmentOverrides) {
  ::unsetenv("AZDCAP_BYPASS_BASE_URL");
  ::setenv("AZDCAP_PRIMARY_BASE_CERT_URL", "http://169.254.169.254/metadata/THIM/sgx/certification", 1);
  ::setenv("AZDCAP_SECONDARY_BASE_CERT_URL", "https://global.acccache.azure.net/sgx/certification", 1);
  ::setenv("AZDCAP_BASE_CERT_URL", "https://global.acccache.azure.net/sgx/certification/", 1);
  ::setenv("AZDCAP_COLLATERAL_VERSION", "v3", 1);
  ::setenv("AZDCAP_CLIENT_ID", "my_client", 1);
  ::setenv("AZDCAP_DISABLE_ONDEMAND", "1", 1);
  ::setenv("AZDCAP_CACHE_EXPIRY_IN_SECONDS", "600", 1);
  Config c;
  ApplyAzureEnvironment(c);
  EXPECT_EQ(c.local_pck_url, "http://169.254.169.254/metadata/THIM/sgx/certification/v3/");
  EXPECT_EQ(c.pccs_url, "https://global.acccache.azure.net/sgx/certification/v3/");
  EXPECT_EQ(c.CollateralBase(), "https://global.acccache.azure.net/sgx/certification/v3/");
  EXPECT_EQ(c.client_id, "my_client");
  EXPECT_FALSE(c.send_encrypted_ppid);
  EXPECT_EQ(c.cache_cap_seconds, 600);
  ASSERT_EQ(c.get_cert_headers.size(), 1u);
  EXPECT_EQ(c.get_cert_headers[0].first, "Metadata");
  ASSERT_EQ(c.get_cert_params.size(), 1u);
  EXPECT_EQ(c.get_cert_params[0].second, "2021-07-22-preview");

  EXPECT_TRUE(c.tdx_collateral_service.empty());
  ::setenv("AZDCAP_REGION_URL", "eastus2euap", 1);
  Config r;
  ApplyAzureEnvironment(r);
  EXPECT_EQ(r.tdx_collateral_service, "https://eastus2euap.thim.azure.net/sgx/certification/v4/");
  ::setenv("AZDCAP_BASE_CERT_URL_TDX", ".thim.azure-test.net/sgx/certification", 1);
  ApplyAzureEnvironment(r);
  EXPECT_EQ(r.tdx_collateral_service, "https://eastus2euap.thim.azure-test.net/sgx/certification/v4/");
  ::unsetenv("AZDCAP_REGION_URL");
  ::unsetenv("AZDCAP_BASE_CERT_URL_TDX");

  ::setenv("AZDCAP_BYPASS_BASE_URL", "TRUE", 1);
  ::setenv("AZDCAP_COLLATERAL_VERSION", "v9", 1);      // invalid: default v4
  ::setenv("AZDCAP_CACHE_EXPIRY_IN_SECONDS", "99999", 1);  // out of range: ignored
  Config d;
  ApplyAzureEnvironment(d);
  EXPECT_TRUE(d.local_pck_url.empty());
  EXPECT_EQ(d.pccs_url, "https://global.acccache.azure.net/sgx/certification/v4/");
  EXPECT_EQ(d.cache_cap_seconds, 0);
  for (const char* v : {"AZDCAP_PRIMARY_BASE_CERT_URL", "AZDCAP_SECONDARY_BASE_CERT_URL", "AZDCAP_BASE_CERT_URL",
                        "AZDCAP_COLLATERAL_VERSION", "AZDCAP_CLIENT_ID", "AZDCAP_DISABLE_ONDEMAND",
                        "AZDCAP_CACHE_EXPIRY_IN_SECONDS", "AZDCAP_BYPASS_BASE_URL"})
    ::unsetenv(v);
}

TEST(QplConfig, AzureStyleWithoutARegionDiscoversItThroughImds) {
  for (const char* v : {"AZDCAP_PRIMARY_BASE_CERT_URL", "AZDCAP_SECONDARY_BASE_CERT_URL", "AZDCAP_BASE_CERT_URL",
                        "AZDCAP_BASE_CERT_URL_TDX", "AZDCAP_REGION_URL", "THIM_QPL_IMDS_URL"})
    ::unsetenv(v);
  Config plain;  // Intel's configuration only: no IMDS, ever
  ApplyAzureEnvironment(plain);
  EXPECT_TRUE(plain.tdx_region_suffix.empty());
  EXPECT_TRUE(plain.tdx_collateral_service.empty());
  ::setenv("THIM_QPL_IMDS_URL", "http://127.0.0.1:9", 1);  // alone it turns nothing on
  Config still_plain;
  ApplyAzureEnvironment(still_plain);
  EXPECT_TRUE(still_plain.tdx_region_suffix.empty());

  for (const char* v : {"AZDCAP_PRIMARY_BASE_CERT_URL", "AZDCAP_SECONDARY_BASE_CERT_URL", "AZDCAP_BASE_CERT_URL",
                        "AZDCAP_BASE_CERT_URL_TDX"}) {
    SCOPED_TRACE(v);
    ::setenv(v, v == std::string("AZDCAP_BASE_CERT_URL_TDX") ? ".thim.azure-test.net/sgx/certification" : "https://x/sgx/certification", 1);
    Config c;
    ApplyAzureEnvironment(c);
    EXPECT_TRUE(c.tdx_collateral_service.empty());
    EXPECT_EQ(c.tdx_region_suffix, v == std::string("AZDCAP_BASE_CERT_URL_TDX") ? ".thim.azure-test.net/sgx/certification"
                                                                                : ".thim.azure.net/sgx/certification");
    EXPECT_EQ(c.imds_url, "http://127.0.0.1:9");
    EXPECT_NE(c.Describe().find("region from IMDS http://127.0.0.1:9"), std::string::npos) << c.Describe();
    ::unsetenv(v);
  }
  ::unsetenv("THIM_QPL_IMDS_URL");
  ::setenv("AZDCAP_BASE_CERT_URL", "https://x/sgx/certification", 1);
  Config azure;
  ApplyAzureEnvironment(azure);
  EXPECT_EQ(azure.imds_url, "http://169.254.169.254");  // Azure's IMDS by default
  ::setenv("AZDCAP_REGION_URL", "eastus2euap", 1);  // a named region wins: no discovery
  Config named;
  ApplyAzureEnvironment(named);
  EXPECT_TRUE(named.tdx_region_suffix.empty());
  EXPECT_EQ(named.tdx_collateral_service, "https://eastus2euap.thim.azure.net/sgx/certification/v4/");
  ::unsetenv("AZDCAP_REGION_URL");
  ::unsetenv("AZDCAP_BASE_CERT_URL");
}

}  // namespace
}  // namespace thim::qpl
