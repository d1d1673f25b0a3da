#include "thimd/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace thim::thimd {
namespace {

void ExpectError(const std::string& text, const std::string& where) {
  auto c = ParseConfig(text);
  ASSERT_FALSE(c.ok()) << text;
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find(where), std::string::npos) << c.status().message();
}

TEST(Config, DefaultsAreProductionValues) {
  auto c = ParseConfig("{}");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->intel.pcs_url, "https://api.trustedservices.intel.com");
  EXPECT_EQ(c->intel.root_crl_url, "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");
  EXPECT_TRUE(c->intel.api_key.empty());
  EXPECT_TRUE(c->intel.root_ca_file.empty());  // the built-in Intel SGX Root CA
  EXPECT_EQ(c->store.type, "sqlite");
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_EQ(c->cache.past_grace, "serve");
}

TEST(Config, EveryKeyWithComments) {
  auto c = ParseConfig(R"({
    // comments are allowed
    "server": {"address": "0.0.0.0", "port": 9443, "threads": 4, "tls_cert_file": "/c", "tls_key_file": "/k",
               "max_connections": 100, "client_requests_per_second": 50, "client_burst": 100,
               "read_timeout_seconds": 5, "idle_timeout_seconds": 30, "max_header_bytes": 8192,
               "blocking_threads": 2, "blocking_queue": 16},
    "store": {"type": "sqlite", "path": "/tmp/x.db"},  /* trailing comment */
    "intel": {"pcs_url": "http://127.0.0.1:1", "root_crl_url": "http://127.0.0.1:1/r.der", "api_key": "k",
              "root_ca_file": "/r.pem", "tls_ca_file": "/ca.pem", "timeout_seconds": 3, "max_attempts": 2,
              "rate_per_second": 1.5, "burst": 3, "max_concurrency": 2},
    "cache": {"fetch_threads": 2, "refresh_interval_hours": 1, "refresh_before_expiry_hours": 24, "stale_grace_hours": 2,
              "past_grace": "unavailable", "negative_ttl_seconds": 10,
              "warmup": {"sgx_fmspcs": ["00906ED50000"], "tdx_fmspcs": ["00806F050000"], "identities_and_crls": false}},
    "log": {"level": "debug", "format": "json"}
  })");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server.port, 9443);
  EXPECT_EQ(c->server.client_requests_per_second, 50);
  EXPECT_EQ(c->server.blocking_threads, 2);
  EXPECT_EQ(c->server.blocking_queue, 16);
  EXPECT_EQ(c->intel.rate_per_second, 1.5);
  EXPECT_EQ(c->cache.past_grace, "unavailable");
  EXPECT_EQ(c->cache.warmup.tdx_fmspcs.size(), 1u);
  EXPECT_FALSE(c->cache.warmup.identities_and_crls);
  EXPECT_EQ(c->log.format, "json");
}

TEST(Config, PreciseErrors) {
  ExpectError("{", "not valid JSON");
  ExpectError("[]", "expected an object");
  ExpectError(R"({"srever": {}})", "srever: unknown key");
  ExpectError(R"({"server": {"prot": 1}})", "server.prot: unknown key");
  ExpectError(R"({"server": {"port": "80"}})", "server.port: expected an integer");
  ExpectError(R"({"server": {"port": 70000}})", "server.port: expected an integer from 0 to 65535");
  ExpectError(R"({"server": {"tls_cert_file": "/c"}})", "must be set together");
  ExpectError(R"({"server": {"blocking_threads": 0}})", "server.blocking_threads");
  ExpectError(R"({"store": {"type": "mysql"}})", "store.type: expected one of");
  ExpectError(R"({"store": {"path": ""}})", "store.path");
  ExpectError(R"({"intel": {"pcs_url": "ftp://x"}})", "expected an http:// or https:// URL");
  ExpectError(R"({"intel": {"rate_per_second": 0}})", "intel.rate_per_second");
  ExpectError(R"({"cache": {"past_grace": "maybe"}})", "cache.past_grace");
  ExpectError(R"({"cache": {"warmup": {"sgx_fmspcs": ["00906ED5000"]}}})", "cache.warmup.sgx_fmspcs[0]");
  ExpectError(R"({"cache": {"warmup": {"typo": 1}}})", "cache.warmup.typo: unknown key");
  ExpectError(R"({"log": {"level": "loud"}})", "log.level");
  ExpectError(R"({"server": []})", "server: expected an object");
}

TEST(Config, EnvironmentOverridesSecrets) {
  ::setenv("THIM_INTEL_API_KEY", "secret-from-env", 1);
  ::setenv("THIM_STORE_PATH", "/var/tmp/env.db", 1);
  Config c = *ParseConfig(R"({"intel": {"api_key": "from-file"}})");
  ApplyEnvironment(c);
  EXPECT_EQ(c.intel.api_key, "secret-from-env");
  EXPECT_EQ(c.store.path, "/var/tmp/env.db");
  ::unsetenv("THIM_INTEL_API_KEY");
  ::unsetenv("THIM_STORE_PATH");
  EXPECT_EQ(LoadConfig("/nonexistent/thimd.json").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace thim::thimd

namespace thim::thimd {
namespace {

TEST(Config, PlatformsSectionAndRegistrationToken) {
  auto defaults = ParseConfig("{}");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->platforms.fill_mode, "lazy");
  EXPECT_EQ(defaults->platforms.refetch_interval_hours, 168);
  EXPECT_TRUE(defaults->admin.user_token_sha256.empty());  // registration off unless configured
  std::string user(64, 'b'), admin(64, 'a');
  auto c = ParseConfig(R"({"platforms": {"fill_mode": "req", "refetch_interval_hours": 24, "min_refetch_interval_seconds": 60,
      "check_interval_seconds": 30, "memory_cache_platforms": 500, "worker_threads": 3, "max_age_seconds": 3600},
      "admin": {"token_sha256": ")" + admin + R"(", "user_token_sha256": ")" + user + R"("}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->platforms.fill_mode, "req");
  EXPECT_EQ(c->platforms.refetch_interval_hours, 24);
  EXPECT_EQ(c->platforms.min_refetch_interval_seconds, 60);
  EXPECT_EQ(c->platforms.check_interval_seconds, 30);
  EXPECT_EQ(c->platforms.memory_cache_platforms, 500);
  EXPECT_EQ(c->platforms.worker_threads, 3);
  EXPECT_EQ(c->platforms.max_age_seconds, 3600);
  EXPECT_EQ(c->admin.user_token_sha256, user);
  ExpectError(R"({"platforms": {"fill_mode": "eager"}})", "platforms.fill_mode");
  ExpectError(R"({"platforms": {"worker_threads": 0}})", "platforms.worker_threads");
  ExpectError(R"({"platforms": {"refetch_hours": 1}})", "platforms.refetch_hours");
  ExpectError(R"({"admin": {"user_token_sha256": "abc"}})", "admin.user_token_sha256");
  ExpectError(R"({"admin": {"token_sha256": ")" + admin + R"(", "user_token_sha256": ")" + admin + R"("}})", "must differ");
}

}  // namespace
}  // namespace thim::thimd
