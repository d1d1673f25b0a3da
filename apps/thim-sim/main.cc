// thim-sim: a simulated Intel PCS on loopback for tests and `make run`.
// Writes its root CA to <state-dir>/root_ca.pem so thimd can pin it, and
// keeps its PPID encryption key there so a restarted simulator still decrypts
// the encrypted PPIDs of its (deterministic) platforms. The AMD PKI (ARK, ASK,
// ASVK, CRLs per product, and every VCEK/VLEK issued) is kept there too, so a
// thimd pinned to <state-dir>/ark_*.pem keeps working across restarts.
// `thim-sim quote -o FILE` writes a quote signed by the same PKI instead.
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/clock.h"
#include "core/pem.h"
#include "server/http_server.h"
#include "sim/imds_simulator.h"
#include "sim/kds_simulator.h"
#include "sim/pcs_simulator.h"
#include "sim/quote/sim_quote.h"

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }
}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"thim-sim — simulated Intel PCS (test tooling)"};
  std::string address = "127.0.0.1";
  int port = 8081;
  std::string state_dir = "./.sim";
  size_t platforms = 8;
  int kds_throttle_ms = 10000;
  int amd_rsa_bits = 4096;
  cli.add_option("--address", address, "listen address (loopback only in tests)");
  cli.add_option("--port", port, "listen port (0 = any)");
  cli.add_option("--state-dir", state_dir, "where the PKI is kept (created on first start)");
  cli.add_option("--kds-throttle-ms", kds_throttle_ms, "AMD KDS: one VCEK per this many ms per client, else 429 (0 = off)");
  cli.add_option("--amd-rsa-bits", amd_rsa_bits, "AMD ARK/ASK key size (AMD: 4096; 2048 starts faster)")
      ->check(CLI::IsMember({2048, 3072, 4096}));
  std::string imds_location = "westeurope";
  cli.add_option("--imds-location", imds_location, "compute.location served on GET /metadata/instance (Azure IMDS)");
  cli.add_option("--platforms", platforms, "simulated SGX platforms (listed on GET /_sim/platforms)")->check(CLI::Range(0, 1000));
  thim::sim::SimQuoteRequest quote_request;
  std::string quote_out, tee = "sgx";
  auto* quote = cli.add_subcommand("quote", "Write a quote signed by this PKI (default: at the simulator's UpToDate level)");
  quote->add_option("-o,--output", quote_out, "where to write the quote")->required();
  quote->add_option("--tee", tee, "sgx or tdx")->check(CLI::IsMember({"sgx", "tdx"}));
  quote->add_option("--version", quote_request.version, "quote version 3, 4 or 5 (default 3 SGX, 4 TDX)");
  quote->add_flag("--td15", quote_request.td15, "TDX v5 quote with a TD 1.5 body");
  quote->add_option("--fmspc", quote_request.fmspc, "FMSPC of the PCK certificate");
  quote->add_option("--ca", quote_request.ca, "PCK issuer: processor or platform");
  quote->add_option("--pcesvn", quote_request.pcesvn, "PCESVN of the PCK certificate");
  int qe_svn = -1;
  quote->add_option("--qe-svn", qe_svn, "ISVSVN of the QE report");
  CLI11_PARSE(cli, argc, argv);
  if (*quote) {
    quote_request.state_dir = state_dir;
    quote_request.tdx = tee == "tdx";
    if (qe_svn >= 0) quote_request.qe_svn = static_cast<uint16_t>(qe_svn);
    auto bytes = thim::sim::GenerateSimQuote(quote_request);
    if (!bytes.ok()) {
      std::fprintf(stderr, "thim-sim: %s\n", bytes.status().ToString().c_str());
      return 1;
    }
    std::ofstream out(quote_out, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()));
    if (!out) {
      std::fprintf(stderr, "thim-sim: cannot write %s\n", quote_out.c_str());
      return 1;
    }
    std::printf("thim-sim: wrote a %zu-byte quote to %s\n", bytes->size(), quote_out.c_str());
    return 0;
  }

  auto& clock = thim::SystemClock::Instance();
  auto pki = std::filesystem::exists(std::filesystem::path(state_dir) / "root_ca.key")
                 ? thim::sim::IntelPki::Load(state_dir)
                 : thim::sim::IntelPki::Create(clock.Now() - std::chrono::hours(24 * 365));
  if (!pki.ok()) {
    std::fprintf(stderr, "thim-sim: PKI: %s\n", pki.status().ToString().c_str());
    return 1;
  }
  if (auto st = pki->Save(state_dir); !st.ok()) {
    std::fprintf(stderr, "thim-sim: %s\n", st.ToString().c_str());
    return 1;
  }
  auto ppid_key = thim::sim::LoadOrCreatePpidKey(state_dir);
  if (!ppid_key.ok()) {
    std::fprintf(stderr, "thim-sim: PPID key: %s\n", ppid_key.status().ToString().c_str());
    return 1;
  }
  thim::sim::PcsSimOptions sim_options;
  sim_options.platforms = platforms;
  sim_options.ppid_key = *ppid_key;
  thim::sim::PcsSimulator sim(*pki, sim_options, clock);
  auto router = std::make_shared<thim::server::Router>();
  sim.AddRoutes(*router);
  // AMD KDS on the same listener (its paths do not overlap PCS's). The AMD PKI
  // is created on the first start and kept in the state directory (with every
  // VCEK/VLEK issued); its ARKs are written for thimd's amd.ark_files.
  bool amd_saved = thim::sim::AmdPki::Saved(state_dir);
  auto amd_pki = amd_saved ? thim::sim::AmdPki::Load(state_dir, clock.Now())
                           : thim::sim::AmdPki::Create(clock.Now(), amd_rsa_bits);
  if (!amd_pki.ok()) {
    std::fprintf(stderr, "thim-sim: AMD PKI%s: %s\n", amd_saved ? " (saved state; remove its amd/ directory to start afresh)" : "",
                 amd_pki.status().ToString().c_str());
    return 1;
  }
  if (auto st = (*amd_pki)->Save(state_dir); !st.ok()) {
    std::fprintf(stderr, "thim-sim: AMD PKI: %s\n", st.ToString().c_str());
    return 1;
  }
  thim::sim::KdsSimulator kds(*amd_pki, {.vcek_interval = std::chrono::milliseconds(kds_throttle_ms)});
  kds.AddRoutes(*router);
  thim::sim::ImdsSimulator imds(imds_location);
  imds.AddRoutes(*router);
  thim::server::ServerOptions options;
  options.address = address;
  options.port = static_cast<uint16_t>(port);
  options.threads = 2;
  thim::server::HttpServer server(options, router, nullptr);
  if (auto st = server.Start(); !st.ok()) {
    std::fprintf(stderr, "thim-sim: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("thim-sim: Intel PCS on http://%s:%u (root CA: %s/root_ca.pem, %zu platforms)\n", address.c_str(), server.port(),
              state_dir.c_str(), platforms);
  std::printf("thim-sim: AMD KDS on the same port (ARKs: %s/ark_{Milan,Genoa,Turin}.pem, %s, throttle %d ms)\n",
              state_dir.c_str(), amd_saved ? "loaded" : "created", kds_throttle_ms);
  std::printf("thim-sim: Azure IMDS /metadata/instance on the same port (location %s)\n", imds_location.c_str());
  std::fflush(stdout);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.Stop();
  return 0;
}
