// `thim verify quote` at the library level (RunVerifyQuote) and its
// collateral sources: item by item, directory, PCS-compatible URL (fake HTTP)
// and bundle, with the distinct exit codes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "binary_runner.h"
#include "cache/bundle.h"
#include "cli/verify_quote.h"
#include "testdata.h"
#include "upstream/fake_http_client.h"
#include "verify/sources/collateral_sources.h"

namespace thim::cli {
namespace {

using thim::testing::RealDataPath;
using thim::testing::ReadRealBytes;
using thim::testing::ReadRealString;

constexpr const char* kCos = "go-tdx-guest/testing/testdata/ccel/cos-113-tdx-quote.dat";
constexpr const char* kAzure = "trustee/deps/verifier/test_data/az-tdx-vtpm/td-quote.bin";

// teepot's TDX collateral of 2025-05-27, item by item; the root CRL (2023)
// is expired at 2025-06-01, so plain runs are "valid but rejected".
VerifyQuoteArgs CosArgs(const char* quote = kCos) {
  VerifyQuoteArgs a;
  a.quote_path = RealDataPath(quote);
  a.tcb_info = RealDataPath("teepot/extracted/tdx_tcb_info.body");
  a.qe_identity = RealDataPath("teepot/extracted/tdx_qe_identity.body");
  a.signing_chain = RealDataPath("teepot/extracted/tdx_tcb_info.chain.pem");
  a.pck_crl = RealDataPath("teepot/extracted/pck_crl_platform.body");
  a.root_crl = RealDataPath("go-tdx-guest/testing/testdata/rootcrl.der");
  a.at = "2025-06-01T00:00:00Z";
  a.trailing = "zeros";
  return a;
}

TEST(VerifyQuoteCliTest, ExpiredCollateralIsRejectedUnlessToleratedExplicitly) {
  auto o = RunVerifyQuote(CosArgs());
  EXPECT_EQ(o.exit_code, kQuoteRejectedByPolicy) << o.summary;
  EXPECT_EQ(o.summary, "UpToDate: rejected by policy: expired collateral (root CA CRL) is not accepted");
  EXPECT_EQ(o.report["status"], "UpToDate");
  EXPECT_EQ(o.report["verified"], true);
  EXPECT_EQ(o.report["accepted"], false);
  VerifyQuoteArgs a = CosArgs();
  a.accept_expired = true;
  o = RunVerifyQuote(a);
  EXPECT_EQ(o.exit_code, kQuoteAccepted) << o.summary;
  EXPECT_EQ(o.summary, "UpToDate: accepted");
  EXPECT_EQ(o.report["tcb_date"], "2024-03-13T00:00:00Z");
  EXPECT_EQ(o.report["tcb_evaluation_data_number"], 17);
  EXPECT_EQ(o.report["fmspc"], "00806F050000");
  EXPECT_EQ(o.report["expired"][0]["item"], "root CA CRL");
}

TEST(VerifyQuoteCliTest, StatusesBaselineAndMeasurements) {
  VerifyQuoteArgs a = CosArgs(kAzure);
  a.accept_expired = true;
  auto o = RunVerifyQuote(a);
  EXPECT_EQ(o.exit_code, kQuoteRejectedByPolicy);
  EXPECT_EQ(o.report["status"], "OutOfDate");
  a.accept = {"UpToDate", "OutOfDate"};
  EXPECT_EQ(RunVerifyQuote(a).exit_code, kQuoteAccepted);
  a.allow_advisories_set = true;
  a.allow_advisories = {"INTEL-SA-00960"};
  o = RunVerifyQuote(a);
  EXPECT_EQ(o.exit_code, kQuoteRejectedByPolicy);
  EXPECT_EQ(o.summary, "OutOfDate: rejected by policy: advisory INTEL-SA-00982 is not allowed; advisory INTEL-SA-00986 is not allowed");
  a.allow_advisories_set = false;
  a.min_tcb_eval = 18;  // the baseline an attestation service enforces
  o = RunVerifyQuote(a);
  EXPECT_EQ(o.exit_code, kQuoteRejectedByPolicy);
  EXPECT_EQ(o.report["policy_reasons"][0], "TCB evaluation data number 17 is below the minimum 18");
  a.min_tcb_eval = 17;
  a.mr_td = std::string(o.report["quote"]["mr_td"]);
  EXPECT_EQ(RunVerifyQuote(a).exit_code, kQuoteAccepted);
  a.rtmr = {"0=" + std::string(96, 'f')};
  EXPECT_EQ(RunVerifyQuote(a).exit_code, kQuoteRejectedByPolicy);
}

TEST(VerifyQuoteCliTest, InvalidQuotesAndBadArguments) {
  // A flipped byte in the TD report: the quote signature fails.
  Bytes q = ReadRealBytes(kCos);
  q[200] ^= 1;
  std::string path = ::testing::TempDir() + "/flipped.dat";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(q.data()), q.size());
  VerifyQuoteArgs a = CosArgs();
  a.quote_path = path;
  auto o = RunVerifyQuote(a);
  EXPECT_EQ(o.exit_code, kQuoteInvalid);
  EXPECT_EQ(o.summary, "invalid: INVALID_QUOTE_SIGNATURE: the quote is not signed by its attestation key");
  EXPECT_EQ(o.report["status"], "Invalid");
  // Strict trailing-bytes rule: the quote is invalid as given.
  a = CosArgs();
  a.trailing = "reject";
  EXPECT_EQ(RunVerifyQuote(a).exit_code, kQuoteInvalid);
  a = CosArgs();
  a.accept = {"Fine"};
  EXPECT_EQ(RunVerifyQuote(a).exit_code, kQuoteCannotRun);
  a = CosArgs();
  a.at = "yesterday";
  EXPECT_EQ(RunVerifyQuote(a).exit_code, kQuoteCannotRun);
  a = CosArgs();
  a.root_crl.clear();
  o = RunVerifyQuote(a);
  EXPECT_EQ(o.exit_code, kQuoteCannotRun);
  a = CosArgs();
  a.quote_path = "/nonexistent";
  EXPECT_EQ(RunVerifyQuote(a).exit_code, kQuoteCannotRun);
}

// The conventional directory layout.
TEST(VerifyQuoteCliTest, CollateralFromDirectory) {
  namespace fs = std::filesystem;
  std::string dir = ::testing::TempDir() + "/collateral_dir";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto copy = [&](const char* from, const char* to) { fs::copy_file(RealDataPath(from), dir + "/" + to); };
  copy("teepot/extracted/tdx_tcb_info.body", "tcb_info-00806F050000.json");
  copy("teepot/extracted/tdx_tcb_info.chain.pem", "tcb_info_issuer_chain.pem");
  copy("teepot/extracted/tdx_qe_identity.body", "qe_identity.json");
  copy("teepot/extracted/pck_crl_platform.body", "pck_crl-platform.pem");
  copy("go-tdx-guest/testing/testdata/rootcrl.der", "root_ca_crl.der");
  VerifyQuoteArgs a;
  a.quote_path = RealDataPath(kCos);
  a.collateral = dir;
  a.at = "2025-06-01T00:00:00Z";
  a.trailing = "zeros";
  a.accept_expired = true;
  auto o = RunVerifyQuote(a);
  EXPECT_EQ(o.exit_code, kQuoteAccepted) << o.summary;
  fs::remove(dir + "/qe_identity.json");
  o = RunVerifyQuote(a);
  EXPECT_EQ(o.exit_code, kQuoteCollateralUnavailable);
  EXPECT_EQ(o.summary, "collateral unavailable: collateral directory " + dir + " has no qe_identity.json");
}

verify::CollateralQuery CosQuery() {
  return *verify::QueryForQuote(ReadRealBytes(kCos), {.trailing = verify::TrailingBytes::kAllowZeroPadding});
}

TEST(VerifyQuoteCliTest, QueryComesFromThePckCertificate) {
  auto q = CosQuery();
  EXPECT_TRUE(q.tdx);
  EXPECT_EQ(q.fmspc, "00806F050000");
  EXPECT_EQ(q.ca, "platform");
  EXPECT_EQ(q.root_crl_url, "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");
}

// A thimd / PCS lookalike: paths and issuer-chain headers as Intel serves them.
TEST(VerifyQuoteCliTest, CollateralFromUrl) {
  upstream::FakeHttpClient http;
  std::vector<std::string> urls;
  http.SetHandler([&](const upstream::HttpRequest& req) -> StatusOr<upstream::HttpResponse> {
    urls.push_back(req.url);
    upstream::HttpResponse r;
    r.status = 200;
    auto chain = [](const char* f) { return PercentEncode(ReadRealString(f)); };
    if (req.url == "http://thimd/tdx/certification/v4/tcb?fmspc=00806F050000") {
      r.body = ReadRealString("teepot/extracted/tdx_tcb_info.body");
      r.headers.Add("TCB-Info-Issuer-Chain", chain("teepot/extracted/tdx_tcb_info.chain.pem"));
    } else if (req.url == "http://thimd/tdx/certification/v4/qe/identity") {
      r.body = ReadRealString("teepot/extracted/tdx_qe_identity.body");
      r.headers.Add("SGX-Enclave-Identity-Issuer-Chain", chain("teepot/extracted/tdx_qe_identity.chain.pem"));
    } else if (req.url == "http://thimd/sgx/certification/v4/pckcrl?ca=platform&encoding=der") {
      r.body = ReadRealString("teepot/extracted/pck_crl_platform.body");
      r.headers.Add("SGX-PCK-CRL-Issuer-Chain", chain("teepot/extracted/pck_crl_platform.chain.pem"));
    } else if (req.url == "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der") {
      r.body = ReadRealString("go-tdx-guest/testing/testdata/rootcrl.der");
    } else {
      r.status = 404;
    }
    return r;
  });
  auto c = verify::CollateralFromUrl(http, "http://thimd/", CosQuery());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  // thimd's own root CRL path was tried first, then the CDP of the quote's root.
  EXPECT_EQ(urls.size(), 5u);
  EXPECT_EQ(urls[3], "http://thimd/IntelSGXRootCA.der");
  auto r = verify::VerifyQuote(ReadRealBytes(kCos), *c,
                               {.at = *ParseRfc3339("2025-06-01T00:00:00Z"), .parse = {.trailing = verify::TrailingBytes::kAllowZeroPadding}});
  EXPECT_EQ(r.verdict, verify::Verdict::kUpToDate);

  upstream::FakeHttpClient down;
  down.EnqueueResponse(404);
  auto missing = verify::CollateralFromUrl(down, "http://thimd", CosQuery());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "GET http://thimd/tdx/certification/v4/tcb?fmspc=00806F050000: 404 Not Found");
  down.EnqueueResponse(503);
  EXPECT_EQ(verify::CollateralFromUrl(down, "http://thimd", CosQuery()).status().code(), StatusCode::kUnavailable);
  down.EnqueueResponse(200, "{}");  // no issuer chain header
  EXPECT_EQ(verify::CollateralFromUrl(down, "http://thimd", CosQuery()).status().message(),
            "GET http://thimd/tdx/certification/v4/tcb?fmspc=00806F050000: no TCB-Info-Issuer-Chain header");
}

TEST(VerifyQuoteCliTest, CollateralFromBundle) {
  using cache::CollateralKind;
  using cache::Tee;
  auto item = [](CollateralKind kind, Tee tee, cache::CollateralParams params, const char* body, const char* chain) {
    cache::BundleItem i{.key = *cache::MakeKey(kind, tee, 4, params)};
    i.document.http_status = 200;
    i.document.body = ReadRealString(body);
    if (chain) i.document.issuer_chain = PercentEncode(ReadRealString(chain));
    return i;
  };
  std::vector<cache::BundleItem> items = {
      item(CollateralKind::kTcbInfo, Tee::kTdx, {.fmspc = "00806F050000"}, "teepot/extracted/tdx_tcb_info.body",
           "teepot/extracted/tdx_tcb_info.chain.pem"),
      item(CollateralKind::kQeIdentity, Tee::kTdx, {}, "teepot/extracted/tdx_qe_identity.body", "teepot/extracted/tdx_qe_identity.chain.pem"),
      item(CollateralKind::kPckCrl, Tee::kSgx, {.ca = "platform"}, "teepot/extracted/pck_crl_platform.body",
           "teepot/extracted/pck_crl_platform.chain.pem"),
      item(CollateralKind::kRootCaCrl, Tee::kSgx, {}, "go-tdx-guest/testing/testdata/rootcrl.der", nullptr),
  };
  std::string text = cache::WriteBundle({.items = items}, *ParseRfc3339("2025-06-01T00:00:00Z"));
  auto c = verify::CollateralFromBundle(text, CosQuery());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto r = verify::VerifyQuote(ReadRealBytes(kCos), *c,
                               {.at = *ParseRfc3339("2025-06-01T00:00:00Z"), .parse = {.trailing = verify::TrailingBytes::kAllowZeroPadding}});
  EXPECT_EQ(r.verdict, verify::Verdict::kUpToDate);
  items.erase(items.begin());
  auto missing = verify::CollateralFromBundle(cache::WriteBundle({.items = items}, *ParseRfc3339("2025-06-01T00:00:00Z")), CosQuery());
  EXPECT_EQ(missing.status().message(), "the bundle has no TDX TCB info for FMSPC 00806F050000");
  EXPECT_EQ(verify::CollateralFromBundle("{", CosQuery()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace thim::cli

namespace thim::cli {
namespace {

// The real binary: exit statuses and --json output through apps/thim's main.
int RunThim(const std::string& args, std::string* out = nullptr) {
  thim::testing::BinaryRun r = thim::testing::RunBinary("thim", "verify quote " + args);
  if (out) *out = r.out;
  return r.exit_code;
}

std::string CosItems() {
  return RealDataPath(kCos) + " --tcb-info " + RealDataPath("teepot/extracted/tdx_tcb_info.body") + " --qe-identity " +
         RealDataPath("teepot/extracted/tdx_qe_identity.body") + " --signing-chain " +
         RealDataPath("teepot/extracted/tdx_tcb_info.chain.pem") + " --pck-crl " +
         RealDataPath("teepot/extracted/pck_crl_platform.body") + " --root-crl " +
         RealDataPath("go-tdx-guest/testing/testdata/rootcrl.der") + " --at 2025-06-01T00:00:00Z --trailing zeros";
}

TEST(ThimVerifyQuoteBinaryTest, ExitCodes) {
  std::string out;
  EXPECT_EQ(RunThim(CosItems() + " --accept-expired --json", &out), 0) << out;
  auto j = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << out;
  EXPECT_EQ(j["status"], "UpToDate");
  EXPECT_EQ(j["accepted"], true);
  EXPECT_EQ(RunThim(CosItems() + " --accept-expired", &out), 0);
  EXPECT_EQ(out, "UpToDate: accepted\n");
  EXPECT_EQ(RunThim(CosItems(), &out), 3);
  EXPECT_EQ(out, "thim: UpToDate: rejected by policy: expired collateral (root CA CRL) is not accepted\n");
  EXPECT_EQ(RunThim(CosItems() + " --accept-expired --min-tcb-eval 18", &out), 3);
  EXPECT_EQ(RunThim(CosItems() + " --accept NoSuchStatus", &out), 2);
  EXPECT_EQ(RunThim(RealDataPath(kCos) + " --collateral " + ::testing::TempDir() + " --trailing zeros", &out), 4) << out;
  EXPECT_EQ(RunThim(RealDataPath(kCos) + " --collateral " + ::testing::TempDir(), &out), 1) << out;  // trailing zeros refused
}

}  // namespace
}  // namespace thim::cli
