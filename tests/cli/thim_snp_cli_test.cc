// `thim verify snp` and `thim inspect` on real AMD vectors, through the binary.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run_thim.h"
#include "testdata.h"

namespace thim {
namespace {

using thim::testing::RealDataPath;

using SnpRun = testing::ThimRun;
SnpRun Thim(const std::string& args) { return testing::RunThim(args); }

std::string Real(const char* rel) { return "'" + RealDataPath(rel) + "'"; }

const char* kAciReport = "confidential-sidecar-containers/pkg/attest/test_data/snp_report.bin";
const char* kAciThim = "confidential-sidecar-containers/pkg/attest/test_data/uvm_host_amd_certificate.json";
const std::string kAt = " --at 2024-06-01T00:00:00Z";

TEST(ThimVerifySnp, AcceptsTheAciReportWithThimJson) {
  SnpRun r = Thim("verify snp " + Real(kAciReport) + " --vcek " + Real(kAciThim) + kAt);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("REPORTED_TCB 7308000000000003"), std::string::npos) << r.out;
}

TEST(ThimVerifySnp, HclReportWithVcekBundleAndPolicy) {
  std::string args = "verify snp " + Real("trustee/deps/verifier/test_data/az-snp-vtpm/hcl-report.bin") + " --vcek " +
                     Real("trustee/deps/verifier/test_data/az-snp-vtpm/vcek.pem") + kAt;
  EXPECT_EQ(Thim(args).exit_code, 0);
  SnpRun smt = Thim(args + " --no-smt");
  EXPECT_EQ(smt.exit_code, 3) << smt.out;
  EXPECT_NE(smt.out.find("SMT"), std::string::npos);
  EXPECT_EQ(Thim(args + " --min-tcb snp=9").exit_code, 3);
  EXPECT_EQ(Thim(args + " --min-tcb snp=8,ucode=115,bl=3").exit_code, 0);
  EXPECT_EQ(Thim(args + " --measurement 00").exit_code, 3);
  EXPECT_EQ(Thim(args + " --min-tcb nope=1").exit_code, 2);
}

TEST(ThimVerifySnp, GenoaWithSeparateChainAndJson) {
  SnpRun r = Thim("verify snp " + Real("trustee/extracted/az-snp-vtpm_evidence-genoa.snp_report.bin") + " --vcek " +
               Real("trustee/extracted/az-snp-vtpm_evidence-genoa.vcek.pem") + " --chain " +
               Real("go-sev-guest/verify/trust/ask_ark_genoa.pem") + " --at 2025-06-01T00:00:00Z --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["key"]["product"], "Genoa");
  EXPECT_EQ(j["snp_report"]["version"], 3);
  EXPECT_TRUE(j["accepted"].get<bool>());
}

TEST(ThimVerifySnp, ExitCodes) {
  // Wrong chip's VCEK: invalid.
  SnpRun wrong = Thim("verify snp " + Real("trustee/deps/verifier/test_data/snp/test-report.bin") + " --vcek " +
                   Real(kAciThim) + kAt);
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out;
  // Wrong product's chain: invalid.
  SnpRun chain = Thim("verify snp " + Real(kAciReport) + " --vcek " +
                   Real("confidential-sidecar-containers/extracted/uvm_host_amd_certificate.vcekCert.pem") + " --chain " +
                   Real("go-sev-guest/verify/trust/ask_ark_genoa.pem") + kAt);
  EXPECT_EQ(chain.exit_code, 1) << chain.out;
  // No chain and nowhere to fetch it: collateral unavailable.
  EXPECT_EQ(Thim("verify snp " + Real(kAciReport) + " --vcek " +
                 Real("confidential-sidecar-containers/extracted/uvm_host_amd_certificate.vcekCert.pem"))
                .exit_code,
            4);
  // Unreadable report, bad --at: could not run. A truncated report: invalid.
  EXPECT_EQ(Thim("verify snp /nonexistent --vcek " + Real(kAciThim)).exit_code, 2);
  EXPECT_EQ(Thim("verify snp " + Real(kAciReport) + " --vcek " + Real(kAciThim) + " --at yesterday").exit_code, 2);
  EXPECT_EQ(Thim("verify snp " + Real("go-sev-guest/verify/trust/ask_ark_milan.pem") + " --vcek " + Real(kAciThim)).exit_code, 1);
  // Expired: the VCEK's validity ends 7 years after issue.
  EXPECT_EQ(Thim("verify snp " + Real(kAciReport) + " --vcek " + Real(kAciThim) + " --at 2040-01-01T00:00:00Z").exit_code, 1);
}

TEST(ThimInspectAmd, ReportsVceksAndThimJson) {
  SnpRun r = Thim("inspect " + Real(kAciReport));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["type"], "snp_report");
  EXPECT_EQ(j["tcbm"], "7308000000000003");
  r = Thim("inspect " + Real("trustee/deps/verifier/test_data/snp/test-vlek.der"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["type"], "amd_vlek");
  EXPECT_EQ(j["amd"]["cspId"], "CN=cc-us-east-2.amazonaws.com");
  r = Thim("inspect " + Real("confidential-sidecar-containers/extracted/host-amd-cert.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["type"], "thim_amd_certification");
  EXPECT_TRUE(j["tcbm_matches_vcek"].get<bool>());
  r = Thim("inspect " + Real("trustee/deps/verifier/test_data/az-snp-vtpm/hcl-report.bin"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["container"], "azure_hcl_report");
}

}  // namespace
}  // namespace thim
