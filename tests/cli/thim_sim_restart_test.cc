// The thim-sim binary restarted on the same --state-dir serves the same AMD
// PKI: the same ARK files, the same VCEK for a chip at a TCB, and a report
// signed before the restart verifies (thim verify snp, pinned to the ARK file
// written before the restart) against the chain served after it. Damaged state
// stops thim-sim with the file named, not a crash.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "amd/kds_paths.h"
#include "amd/snp_report.h"
#include "core/bytes.h"
#include "upstream/curl_http_client.h"
#include "testdata.h"

namespace thim {
namespace {

namespace fs = std::filesystem;

struct Sim {
  pid_t pid = -1;
  int port = 0;
};

// Starts thim-sim and reads its port from the first line it prints.
Sim StartSim(const fs::path& state) {
  int out[2];
  if (::pipe(out) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    std::string bin = std::string(THIM_BINARY_DIR) + "/apps/thim-sim";
    std::string dir = state.string();
    ::execl(bin.c_str(), bin.c_str(), "--port", "0", "--state-dir", dir.c_str(), "--amd-rsa-bits", "2048", "--platforms", "0",
            "--kds-throttle-ms", "0", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  FILE* f = ::fdopen(out[0], "r");
  char line[512] = {0};
  Sim s{pid, 0};
  if (f && std::fgets(line, sizeof line, f)) {
    std::string l(line);
    size_t colon = l.find("127.0.0.1:");
    if (colon != std::string::npos) s.port = std::atoi(l.c_str() + colon + 10);
  }
  if (f) std::fclose(f);  // thim-sim's later lines go nowhere (SIGPIPE is ignored there)
  return s;
}

void StopSim(Sim& s) {
  if (s.pid <= 0) return;
  ::kill(s.pid, SIGTERM);
  int status = 0;
  ::waitpid(s.pid, &status, 0);
  s.pid = -1;
}

std::string Get(const Sim& s, const std::string& path, int* status = nullptr) {
  upstream::CurlHttpClient http(upstream::CurlHttpClientOptions{});
  auto r = http.Send(upstream::HttpRequest{.url = "http://127.0.0.1:" + std::to_string(s.port) + path});
  if (status) *status = r.ok() ? r->status : -1;
  return r.ok() && r->status == 200 ? r->body : std::string();
}

int RunCommand(const std::string& cmd, std::string* out) {
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out->append(buf.data(), n);
  int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void Write(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes; }
std::string Read(const fs::path& p) { return *ReadFileString(p.string()); }

class ThimSimRestart : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = thim::testing::FreshTestDir("thim-sim-restart");
  }
  void TearDown() override {
    StopSim(sim_);
    fs::remove_all(dir_);
  }
  fs::path dir_;
  Sim sim_;
};

TEST_F(ThimSimRestart, SameAmdPkiAndVcekAfterARestart) {
  fs::path state = dir_ / "state";
  sim_ = StartSim(state);
  ASSERT_GT(sim_.port, 0);
  std::string report = Get(sim_, "/_sim/kds/report?product=Milan&version=3&chip=2&tcbm=7308000000000003");
  ASSERT_EQ(report.size(), 1184u);
  auto parsed = amd::ParseSnpReport(AsBytes(report));
  ASSERT_TRUE(parsed.ok());
  std::string vcek_path = amd::VcekPath(amd::Product::kMilan, amd::ReportHwId(*parsed, amd::Product::kMilan),
                                        amd::DecodeTcb(amd::Product::kMilan, parsed->reported_tcb));
  std::string vcek_before = Get(sim_, vcek_path);
  ASSERT_FALSE(vcek_before.empty());
  std::string ark_before = Read(state / "ark_Milan.pem");
  std::string chain_before = Get(sim_, "/vcek/v1/Milan/cert_chain");
  std::string crl_before = Get(sim_, "/vcek/v1/Milan/crl");
  StopSim(sim_);

  sim_ = StartSim(state);
  ASSERT_GT(sim_.port, 0);
  EXPECT_EQ(Read(state / "ark_Milan.pem"), ark_before);
  EXPECT_EQ(Get(sim_, "/vcek/v1/Milan/cert_chain"), chain_before);
  EXPECT_EQ(Get(sim_, "/vcek/v1/Milan/crl"), crl_before);
  std::string vcek_after = Get(sim_, vcek_path);
  EXPECT_EQ(vcek_after, vcek_before);
  // The report from before the restart, its VCEK and chain from after it,
  // pinned to the ARK file thimd would have pinned before it.
  Write(dir_ / "report.bin", report);
  Write(dir_ / "vcek.der", vcek_after);
  Write(dir_ / "chain.pem", Get(sim_, "/vcek/v1/Milan/cert_chain"));
  Write(dir_ / "ark.pem", ark_before);
  Write(dir_ / "crl.der", Get(sim_, "/vcek/v1/Milan/crl"));
  std::string out;
  int rc = RunCommand(std::string(THIM_BINARY_DIR) + "/apps/thim verify snp " + (dir_ / "report.bin").string() + " --vcek " +
                   (dir_ / "vcek.der").string() + " --chain " + (dir_ / "chain.pem").string() + " --crl " +
                   (dir_ / "crl.der").string() + " --ark " + (dir_ / "ark.pem").string(),
               &out);
  EXPECT_EQ(rc, 0) << out;
}

TEST_F(ThimSimRestart, DamagedAmdStateStopsItWithTheFileNamed) {
  fs::path state = dir_ / "state";
  sim_ = StartSim(state);
  ASSERT_GT(sim_.port, 0);
  StopSim(sim_);
  std::string ask = Read(state / "amd" / "Genoa" / "ask.pem");
  Write(state / "amd" / "Genoa" / "ask.pem", ask.substr(0, ask.size() / 3));
  std::string out;
  int rc = RunCommand(std::string(THIM_BINARY_DIR) + "/apps/thim-sim --port 0 --platforms 0 --state-dir " + state.string(), &out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("Genoa/ask.pem"), std::string::npos) << out;
  EXPECT_NE(out.find("amd/ directory"), std::string::npos) << out;
}

}  // namespace
}  // namespace thim
