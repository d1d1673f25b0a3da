// `thim verify snp` and `thim inspect` on real AMD vectors, through the binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "testdata.h"
#include "thim_cli.h"

namespace thim {
namespace {

using thim::testing::RealDataPath;

using SnpRun = thim::testing::BinaryRun;

using thim::testing::Thim;
using thim::testing::Real;

const char* kAciReport = "confidential-sidecar-containers/pkg/attest/test_data/snp_report.bin";
const char* kAciThim = "confidential-sidecar-containers/pkg/attest/test_data/uvm_host_amd_certificate.json";
const char* kAciVcekOnly = "confidential-sidecar-containers/extracted/uvm_host_amd_certificate.vcekCert.pem";
const std::string kAt = " --at 2024-06-01T00:00:00Z";

nlohmann::json Json(const SnpRun& r) { return nlohmann::json::parse(r.out, nullptr, false); }

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
  // No VCEK and nowhere to fetch it: collateral unavailable.
  SnpRun no_vcek = Thim("verify snp " + Real(kAciReport) + kAt);
  EXPECT_EQ(no_vcek.exit_code, 4) << no_vcek.out;
  EXPECT_NE(no_vcek.out.find("no VCEK"), std::string::npos) << no_vcek.out;
  // Another root (--ark) has no built-in chain: collateral unavailable too.
  std::string genoa_chain = thim::testing::ReadRealString("go-sev-guest/verify/trust/ask_ark_genoa.pem");
  std::string other_ark = (std::filesystem::temp_directory_path() / ("thim-other-ark-" + std::to_string(::getpid()) + ".pem")).string();
  std::ofstream(other_ark) << genoa_chain.substr(genoa_chain.find("-----BEGIN", 10));  // the ARK alone
  SnpRun other_root = Thim("verify snp " + Real(kAciReport) + " --vcek " + Real(kAciVcekOnly) + " --ark '" + other_ark + "'" + kAt);
  std::filesystem::remove(other_ark);
  EXPECT_EQ(other_root.exit_code, 4) << other_root.out;
  EXPECT_NE(other_root.out.find("--ark"), std::string::npos) << other_root.out;
  // Unreadable report, bad --at: could not run. A truncated report: invalid.
  EXPECT_EQ(Thim("verify snp /nonexistent --vcek " + Real(kAciThim)).exit_code, 2);
  EXPECT_EQ(Thim("verify snp " + Real(kAciReport) + " --vcek " + Real(kAciThim) + " --at yesterday").exit_code, 2);
  EXPECT_EQ(Thim("verify snp " + Real("go-sev-guest/verify/trust/ask_ark_milan.pem") + " --vcek " + Real(kAciThim)).exit_code, 1);
  // Expired: the VCEK's validity ends 7 years after issue.
  EXPECT_EQ(Thim("verify snp " + Real(kAciReport) + " --vcek " + Real(kAciThim) + " --at 2040-01-01T00:00:00Z").exit_code, 1);
}

// Only the report and its VCEK/VLEK: AMD's ASK/ASVK built into thim complete
// the chain to the pinned ARK, offline.
struct OfflineCase {
  const char* name;
  const char* report;
  const char* key;
  const char* at;
  const char* product;
  const char* signer;  // "VCEK" / "VLEK"
  const char* extra;   // policy options the report needs to be accepted
};
void PrintTo(const OfflineCase& c, std::ostream* os) { *os << c.name; }

class ThimVerifySnpOffline : public ::testing::TestWithParam<OfflineCase> {};

TEST_P(ThimVerifySnpOffline, VerifiesWithTheBuiltInChain) {
  const OfflineCase& c = GetParam();
  SnpRun r = Thim("verify snp " + Real(c.report) + " --vcek " + Real(c.key) + " --at " + c.at + c.extra + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = Json(r);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["status"], "Verified");
  EXPECT_EQ(j["chain"], "built-in");
  EXPECT_EQ(j["key"]["product"], c.product);
  SnpRun text = Thim("verify snp " + Real(c.report) + " --vcek " + Real(c.key) + " --at " + c.at + c.extra);
  EXPECT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find(std::string(c.product) + " SNP report"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(std::string("signed by ") + c.signer), std::string::npos) << text.out;
}

INSTANTIATE_TEST_SUITE_P(
    RealVectors, ThimVerifySnpOffline,
    ::testing::Values(
        OfflineCase{"MilanGoSevGuest", "go-sev-guest/verify/testdata/attestation.bin", "go-sev-guest/verify/testdata/vcek.testcer",
                    "2024-06-01T00:00:00Z", "Milan", "VCEK", " --allow-debug"},
        OfflineCase{"AzureAci", "confidential-sidecar-containers/pkg/attest/test_data/snp_report.bin",
                    "confidential-sidecar-containers/extracted/uvm_host_amd_certificate.vcekCert.pem", "2024-06-01T00:00:00Z",
                    "Milan", "VCEK", ""},
        OfflineCase{"AzureCvmGenoa", "trustee/extracted/az-snp-vtpm_evidence-genoa.snp_report.bin",
                    "trustee/extracted/az-snp-vtpm_evidence-genoa.vcek.pem", "2025-06-01T00:00:00Z", "Genoa", "VCEK", ""},
        OfflineCase{"AzureCvmMilanV3", "trustee/extracted/az-snp-vtpm_evidence-v0.snp_report.bin",
                    "trustee/extracted/az-snp-vtpm_evidence-v0.vcek.pem", "2025-06-01T00:00:00Z", "Milan", "VCEK", ""},
        OfflineCase{"VirteeMilan", "virtee-sev/extracted/report_milan.bin", "virtee-sev/tests/certs_data/vcek_milan.der",
                    "2024-06-01T00:00:00Z", "Milan", "VCEK", ""},
        OfflineCase{"AwsVlek", "trustee/deps/verifier/test_data/snp/test-vlek-report.bin",
                    "trustee/deps/verifier/test_data/snp/test-vlek.der", "2025-02-01T00:00:00Z", "Milan", "VLEK", ""}),
    [](const ::testing::TestParamInfo<OfflineCase>& info) { return std::string(info.param.name); });

TEST(ThimVerifySnp, OfflineKeepsTheExitCodeContract) {
  std::string aci = "verify snp " + Real(kAciReport) + " --vcek " + Real(kAciVcekOnly);
  // Valid but rejected by the policy: 3.
  EXPECT_EQ(Thim(aci + kAt + " --min-tcb snp=9").exit_code, 3);
  // Expired VCEK (7 years): invalid.
  EXPECT_EQ(Thim(aci + " --at 2040-01-01T00:00:00Z").exit_code, 1);
  // Another chip's VCEK with the built-in chain: invalid, not "unavailable".
  SnpRun wrong = Thim("verify snp " + Real("trustee/deps/verifier/test_data/snp/test-report.bin") + " --vcek " +
                      Real(kAciVcekOnly) + kAt);
  EXPECT_EQ(wrong.exit_code, 1) << wrong.out;
  // A VLEK-signed report with a VCEK: invalid.
  SnpRun vlek = Thim("verify snp " + Real("trustee/deps/verifier/test_data/snp/test-vlek-report.bin") + " --vcek " +
                     Real(kAciVcekOnly) + " --at 2025-02-01T00:00:00Z");
  EXPECT_EQ(vlek.exit_code, 1) << vlek.out;
  // A Genoa report with a Milan VCEK: the Milan ASK is picked (from the key) and the product mismatch is found.
  SnpRun product = Thim("verify snp " + Real("trustee/extracted/az-snp-vtpm_evidence-genoa.snp_report.bin") + " --vcek " +
                        Real(kAciVcekOnly) + " --at 2024-06-01T00:00:00Z");
  EXPECT_EQ(product.exit_code, 1) << product.out;
  // Something that is not a VCEK: invalid.
  SnpRun not_key = Thim("verify snp " + Real(kAciReport) + " --vcek " + Real("go-sev-guest/verify/trust/ask_ark_milan.pem") + kAt);
  EXPECT_EQ(not_key.exit_code, 1) << not_key.out;
  EXPECT_EQ(Thim(aci + " --at nonsense").exit_code, 2);
}

TEST(ThimVerifySnp, AzureBundleCarriesItsOwnChain) {
  // vcek.pem as Azure serves it: VCEK, ASK, ARK concatenated; the ASK given is used.
  SnpRun r = Thim("verify snp " + Real("trustee/deps/verifier/test_data/az-snp-vtpm/hcl-report.bin") + " --vcek " +
                  Real("trustee/deps/verifier/test_data/az-snp-vtpm/vcek.pem") + kAt + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = Json(r);
  EXPECT_EQ(j["chain"], "given");
  EXPECT_EQ(j["container"], "azure_hcl_report");
  // THIM's JSON (vcekCert + certificateChain) likewise.
  r = Thim("verify snp " + Real(kAciReport) + " --vcek " + Real(kAciThim) + kAt + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Json(r)["chain"], "given");
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
