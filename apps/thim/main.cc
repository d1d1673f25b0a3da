// thim: the command-line tool. `thim inspect FILE`, `thim verify collateral …`.
// Exit codes: 0 success/valid; 1 invalid (the one-line cause on stderr);
// 2 could not run (unreadable file, bad arguments).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/inspect.h"
#include "cli/verify_collateral.h"
#include "core/bytes.h"
#include "core/clock.h"
#include "intel/pinned_roots.h"

namespace {

constexpr int kValid = 0;
constexpr int kInvalid = 1;
constexpr int kCannotRun = 2;

int Fail(int code, const std::string& line) {
  std::fprintf(stderr, "thim: %s\n", line.c_str());
  return code;
}

int Inspect(const std::string& path) {
  auto data = thim::ReadFileBytes(path, 16 << 20);
  if (!data.ok()) return Fail(kCannotRun, data.status().message());
  auto described = thim::cli::Inspect(*data);
  if (!described.ok()) return Fail(kInvalid, path + ": " + described.status().message());
  std::cout << described->dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return kValid;
}

int VerifyCollateral(const std::string& path, const std::string& chain_path, const std::string& root_path, const std::string& at_text) {
  auto data = thim::ReadFileBytes(path, 16 << 20);
  if (!data.ok()) return Fail(kCannotRun, data.status().message());
  auto chain = thim::ReadFileString(chain_path, 1 << 20);
  if (!chain.ok()) return Fail(kCannotRun, chain.status().message());
  thim::crypto::Certificate root = thim::intel::IntelSgxRootCa();
  if (!root_path.empty()) {
    auto pem = thim::ReadFileString(root_path, 1 << 20);
    if (!pem.ok()) return Fail(kCannotRun, pem.status().message());
    auto cert = thim::crypto::Certificate::FromPem(*pem);
    if (!cert.ok()) return Fail(kCannotRun, "--root " + root_path + ": " + cert.status().message());
    root = *cert;
  }
  thim::TimePoint at = thim::SystemClock::Instance().Now();
  if (!at_text.empty()) {
    auto t = thim::ParseRfc3339(at_text);
    if (!t.ok()) return Fail(kCannotRun, "--at: " + t.status().message());
    at = *t;
  }
  auto verified = thim::cli::VerifyCollateral(*data, *chain, root, at);
  if (!verified.ok()) return Fail(kInvalid, "invalid: " + verified.status().message());
  std::printf("valid: %s at %s\n", verified->what.c_str(), thim::FormatRfc3339(at).c_str());
  return kValid;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"thim — Trusted Hardware Identity Management tools"};
  app.require_subcommand(1);
  app.footer("Exit codes: 0 valid/success, 1 invalid (cause on stderr), 2 could not run.");

  std::string inspect_file;
  auto* inspect = app.add_subcommand("inspect", "Recognise a collateral file and print its key fields as JSON");
  inspect->add_option("FILE", inspect_file, "TCB info, enclave identity, evaluation numbers, FMSPC list, certificate, chain or CRL")
      ->required();

  auto* verify = app.add_subcommand("verify", "Verify collateral");
  verify->require_subcommand(1);
  std::string file, chain, root, at;
  auto* collateral = verify->add_subcommand("collateral", "Verify signed Intel JSON or a CRL against its issuer chain");
  collateral->add_option("FILE", file, "TCB info, enclave identity, evaluation numbers, or a CRL (PEM, DER or hex)")->required();
  collateral->add_option("--chain", chain, "issuer chain: PEM or URL-encoded PEM (as in PCS headers)")->required();
  collateral->add_option("--root", root, "pinned root (PEM); default: the built-in Intel SGX Root CA");
  collateral->add_option("--at", at, "verification time, RFC 3339 (default: now)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kCannotRun;
  }
  if (*inspect) return Inspect(inspect_file);
  if (*collateral) return VerifyCollateral(file, chain, root, at);
  return kCannotRun;
}
