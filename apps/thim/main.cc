// thim: the command-line tool. `thim inspect FILE`, `thim verify collateral …`.
// Exit codes: 0 success/valid; 1 invalid (the one-line cause on stderr);
// 2 could not run (unreadable file, bad arguments).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/bundle_commands.h"
#include "cli/inspect.h"
#include "cli/qpl_commands.h"
#include "cli/qpl_seed.h"
#include "cli/verify_collateral.h"
#include "cli/verify_quote.h"
#include "cli/verify_snp.h"
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

struct StatusOrRoot {
  bool ok = false;
  thim::crypto::Certificate cert;
  std::string error;
};
StatusOrRoot LoadRoot(const std::string& root_path) {
  if (root_path.empty()) return {true, thim::intel::IntelSgxRootCa(), ""};
  auto pem = thim::ReadFileString(root_path, 1 << 20);
  if (!pem.ok()) return {false, thim::intel::IntelSgxRootCa(), pem.status().message()};
  auto cert = thim::crypto::Certificate::FromPem(*pem);
  if (!cert.ok()) return {false, thim::intel::IntelSgxRootCa(), "--root " + root_path + ": " + cert.status().message()};
  return {true, *cert, ""};
}

// --at TEXT, or now when empty; nullopt (after printing why) when TEXT is not RFC 3339.
std::optional<thim::TimePoint> ParseAt(const std::string& at_text) {
  if (at_text.empty()) return thim::SystemClock::Instance().Now();
  auto t = thim::ParseRfc3339(at_text);
  if (!t.ok()) {
    Fail(kCannotRun, "--at: " + t.status().message());
    return std::nullopt;
  }
  return *t;
}

// A verifier's outcome: the JSON verdict with --json, else the summary line.
template <typename Outcome>
int PrintVerdict(const Outcome& outcome, bool json) {
  if (json) std::cout << outcome.report.dump(2) << "\n";
  if (outcome.exit_code != 0) return Fail(outcome.exit_code, outcome.summary);
  if (!json) std::printf("%s\n", outcome.summary.c_str());
  return 0;
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
  auto loaded = LoadRoot(root_path);
  if (!loaded.ok) return Fail(kCannotRun, loaded.error);
  auto at = ParseAt(at_text);
  if (!at) return kCannotRun;
  auto verified = thim::cli::VerifyCollateral(*data, *chain, loaded.cert, *at);
  if (!verified.ok()) return Fail(kInvalid, "invalid: " + verified.status().message());
  std::printf("valid: %s at %s\n", verified->what.c_str(), thim::FormatRfc3339(*at).c_str());
  return kValid;
}

// The admin token: $THIM_ADMIN_TOKEN or the first line of --token-file
// (never a command-line argument, which other users can see in ps).
std::optional<std::string> AdminToken(const std::string& token_file) {
  if (!token_file.empty()) {
    auto text = thim::ReadFileString(token_file, 4096);
    if (!text.ok()) return std::nullopt;
    std::string t = *text;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    return t;
  }
  if (const char* env = std::getenv("THIM_ADMIN_TOKEN")) return std::string(env);
  return std::nullopt;
}

int BundleInspect(const std::string& path, const std::string& root_path, const std::string& at_text,
                  const std::vector<std::string>& ark_paths) {
  auto text = thim::ReadFileString(path, 256u << 20);
  if (!text.ok()) return Fail(kCannotRun, text.status().message());
  auto root = LoadRoot(root_path);
  if (!root.ok) return Fail(kCannotRun, root.error);
  auto at = ParseAt(at_text);
  if (!at) return kCannotRun;
  std::map<thim::amd::Product, thim::crypto::Certificate> arks;
  for (const auto& ark_path : ark_paths) {
    auto pem = thim::ReadFileString(ark_path, 1 << 20);
    if (!pem.ok()) return Fail(kCannotRun, pem.status().message());
    auto cert = thim::crypto::Certificate::FromPem(*pem);
    if (!cert.ok()) return Fail(kCannotRun, "--amd-ark " + ark_path + ": " + cert.status().message());
    // An ARK names its product: "ARK-Milan".
    std::string cn = cert->SubjectCommonName();
    auto product = thim::amd::ParseProduct(cn.rfind("ARK-", 0) == 0 ? cn.substr(4) : cn);
    if (!product.ok()) return Fail(kCannotRun, "--amd-ark " + ark_path + ": not an ARK (subject CN " + cn + ")");
    arks.insert_or_assign(*product, *cert);
  }
  bool all_valid = false;
  auto report = thim::cli::InspectBundle(*text, root.cert, *at, &all_valid, arks);
  if (!report.ok()) return Fail(kInvalid, path + ": " + report.status().message());
  std::cout << report->dump(2) << "\n";
  return all_valid ? kValid : Fail(kInvalid, "invalid: some items of the bundle do not validate");
}

int BundleTransfer(bool do_export, const std::string& path, const std::string& url, const std::string& token_file,
                   const std::string& ca_file) {
  auto token = AdminToken(token_file);
  if (!token) return Fail(kCannotRun, "no admin token: set THIM_ADMIN_TOKEN or pass --token-file");
  if (do_export) {
    auto bundle = thim::cli::ExportBundle(url, *token, ca_file);
    if (!bundle.ok()) return Fail(kCannotRun, bundle.status().message());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << *bundle;
    if (!out) return Fail(kCannotRun, "cannot write " + path);
    std::printf("exported %zu bytes to %s\n", bundle->size(), path.c_str());
    return kValid;
  }
  auto text = thim::ReadFileString(path, 256u << 20);
  if (!text.ok()) return Fail(kCannotRun, text.status().message());
  auto report = thim::cli::ImportBundle(url, *token, ca_file, *text);
  if (!report.ok()) return Fail(kCannotRun, report.status().message());
  std::cout << *report << "\n";
  auto j = nlohmann::json::parse(*report, nullptr, false);
  return j.is_object() && j.contains("rejected") && j["rejected"].empty() ? kValid
                                                                            : Fail(kInvalid, "invalid: some items were rejected");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"thim — Trusted Hardware Identity Management tools"};
  app.require_subcommand(1);
  app.footer("Exit codes: 0 valid/success, 1 invalid (cause on stderr), 2 could not run.");

  std::string inspect_file;
  auto* inspect = app.add_subcommand("inspect", "Recognise a collateral file and print its key fields as JSON");
  inspect->add_option("FILE", inspect_file, "TCB info, enclave identity, evaluation numbers, FMSPC list, certificate (incl. VCEK/VLEK), chain, CRL, SNP report or THIM AMD JSON")
      ->required();

  auto* verify = app.add_subcommand("verify", "Verify collateral");
  verify->require_subcommand(1);
  std::string file, chain, root, at;
  auto* collateral = verify->add_subcommand("collateral", "Verify signed Intel JSON or a CRL against its issuer chain");
  collateral->add_option("FILE", file, "TCB info, enclave identity, evaluation numbers, or a CRL (PEM, DER or hex)")->required();
  collateral->add_option("--chain", chain, "issuer chain: PEM or URL-encoded PEM (as in PCS headers)")->required();
  collateral->add_option("--root", root, "pinned root (PEM); default: the built-in Intel SGX Root CA");
  collateral->add_option("--at", at, "verification time, RFC 3339 (default: now)");

  thim::cli::VerifyQuoteArgs vq;
  bool vq_json = false;
  auto* quote = verify->add_subcommand("quote", "Verify an SGX v3 / TDX v4/v5 quote against Intel collateral and a policy");
  quote->footer(
      "Exit codes: 0 verified and accepted; 1 invalid; 2 could not run; 3 valid but rejected by the policy; "
      "4 could not verify (collateral unavailable).");
  quote->add_option("QUOTE", vq.quote_path, "the quote (binary)")->required();
  quote->add_option("--collateral", vq.collateral, "thimd or Intel PCS base URL, a directory, or a thim bundle file");
  quote->add_option("--tcb-info", vq.tcb_info, "TCB info JSON (item by item)");
  quote->add_option("--qe-identity", vq.qe_identity, "QE / TD_QE identity JSON (item by item)");
  quote->add_option("--signing-chain", vq.signing_chain, "TCB signing chain, PEM or URL-encoded (item by item)");
  quote->add_option("--pck-crl", vq.pck_crl, "PCK CRL, PEM, DER or hex (item by item)");
  quote->add_option("--root-crl", vq.root_crl, "root CA CRL, PEM, DER or hex (item by item)");
  quote->add_option("--pck-crl-chain", vq.pck_crl_chain, "PCK CRL issuer chain (optional; the quote's own chain is used)");
  quote->add_option("--root", vq.root_path, "pinned root (PEM); default: the built-in Intel SGX Root CA");
  quote->add_option("--ca-file", vq.ca_file, "CA bundle for https collateral URLs");
  quote->add_option("--at", vq.at, "verification time, RFC 3339 (default: now)");
  quote->add_option("--trailing", vq.trailing, "bytes after the quote: reject (default), zeros, any");
  quote->add_option("--accept", vq.accept, "accepted statuses (default UpToDate), e.g. UpToDate,SWHardeningNeeded")->delimiter(',');
  quote->add_option("--allow-advisory", vq.allow_advisories, "allowed advisory IDs (any other is rejected)")->delimiter(',');
  quote->add_option("--min-tcb-eval", vq.min_tcb_eval, "minimum TCB evaluation data number (baseline)");
  quote->add_option("--max-age-days", vq.max_age_days, "reject TCB info / QE identity issued longer ago");
  quote->add_flag("--accept-expired", vq.accept_expired, "tolerate expired collateral (an explicit choice: default is to reject)");
  quote->add_option("--mrenclave", vq.mr_enclave, "expected MRENCLAVE (hex)");
  quote->add_option("--mrsigner", vq.mr_signer, "expected MRSIGNER (hex)");
  quote->add_option("--mrtd", vq.mr_td, "expected MRTD (hex)");
  quote->add_option("--rtmr", vq.rtmr, "expected RTMR, INDEX=HEX (repeatable)");
  quote->add_option("--report-data", vq.report_data, "expected report data prefix (hex)");
  quote->add_flag("--json", vq_json, "print the full verdict as JSON");

  thim::cli::VerifySnpArgs vs;
  bool vs_json = false;
  auto* snp = verify->add_subcommand("snp", "Verify an AMD SEV-SNP report (bare or in an Azure HCL report) and a policy");
  snp->footer(
      "Exit codes: 0 verified and accepted; 1 invalid; 2 could not run; 3 valid but rejected by the policy; "
      "4 could not verify (no VCEK; or no chain for an --ark root). Without --chain/--collateral, AMD's ASK/ASVK "
      "built into thim are used (checked against the pinned ARK), so a report and its VCEK/VLEK verify offline.");
  snp->add_option("REPORT", vs.report_path, "the SNP report (1184 bytes) or an Azure HCL report")->required();
  snp->add_option("--vcek", vs.vcek, "VCEK/VLEK: DER, PEM, PEM bundle VCEK+ASK+ARK, or THIM's JSON answer");
  snp->add_option("--chain", vs.chain, "ASK (or ASVK) then ARK, PEM as KDS cert_chain serves it (default: AMD's, built in)");
  snp->add_option("--crl", vs.crl, "KDS CRL of the product (DER or PEM)");
  snp->add_option("--collateral", vs.collateral, "KDS-compatible base URL (https://kdsintf.amd.com or a thimd) to fetch what is missing");
  snp->add_option("--ca-file", vs.ca_file, "CA bundle for https collateral URLs");
  snp->add_option("--product", vs.product, "Milan, Genoa or Turin (v2 reports do not say)");
  snp->add_option("--ark", vs.ark, "pinned ARK (PEM); default: AMD's ARK of the product, built in");
  snp->add_option("--at", vs.at, "verification time, RFC 3339 (default: now)");
  snp->add_option("--min-tcb", vs.min_tcb, "minimum REPORTED_TCB per component, e.g. bl=3,tee=0,snp=8,ucode=115");
  snp->add_flag("--allow-debug", vs.allow_debug, "accept a guest policy that allows debugging");
  snp->add_flag("--no-smt", vs.no_smt, "reject a guest policy that allows SMT");
  snp->add_flag("--allow-migration-agent", vs.allow_migration_agent, "accept a guest policy that allows a migration agent");
  snp->add_option("--vmpl", vs.vmpl, "required VMPL (0..3)");
  snp->add_option("--min-guest-svn", vs.min_guest_svn, "minimum GUEST_SVN");
  snp->add_option("--measurement", vs.measurement, "expected MEASUREMENT (hex, 48 bytes)");
  snp->add_option("--host-data", vs.host_data, "expected HOST_DATA (hex, 32 bytes)");
  snp->add_option("--report-data", vs.report_data, "expected REPORT_DATA prefix (hex)");
  snp->add_option("--id-key-digest", vs.id_key_digest, "expected ID_KEY_DIGEST (hex)");
  snp->add_option("--author-key-digest", vs.author_key_digest, "expected AUTHOR_KEY_DIGEST (hex)");
  snp->add_flag("--json", vs_json, "print the full verdict as JSON");

  auto* bundle = app.add_subcommand("bundle", "Offline bundles (air-gapped sites)");
  bundle->require_subcommand(1);
  std::string bundle_file, url, token_file, ca_file, bundle_root, bundle_at;
  auto* b_inspect = bundle->add_subcommand("inspect", "List a bundle's items and validate each as thimd would");
  b_inspect->add_option("FILE", bundle_file, "thim bundle (JSON)")->required();
  b_inspect->add_option("--root", bundle_root, "pinned root (PEM); default: the built-in Intel SGX Root CA");
  b_inspect->add_option("--at", bundle_at, "validation time, RFC 3339 (default: now)");
  std::vector<std::string> bundle_arks;
  b_inspect->add_option("--amd-ark", bundle_arks, "ARK (PEM) to validate AMD items of its product against; default: AMD's, built in");
  auto* b_export = bundle->add_subcommand("export", "Download every stored document from a thimd");
  b_export->add_option("-o,--output", bundle_file, "where to write the bundle")->required();
  auto* b_import = bundle->add_subcommand("import", "Upload a bundle into a thimd (each item validated there)");
  b_import->add_option("FILE", bundle_file, "thim bundle (JSON)")->required();
  for (auto* sub : {b_export, b_import}) {
    sub->add_option("--url", url, "thimd base URL, e.g. https://thim.example:8443")->required();
    sub->add_option("--token-file", token_file, "file holding the admin token (else $THIM_ADMIN_TOKEN)");
    sub->add_option("--ca-file", ca_file, "CA bundle to verify thimd's TLS certificate");
  }

  auto* qpl = app.add_subcommand("qpl", "Drive a Quote Provider Library through its C ABI and print what it returns");
  qpl->require_subcommand(1);
  qpl->footer("Exit codes: 0 success; 1 the library returned an error; 2 could not run (library missing, bad arguments).");
  thim::cli::QplGetConfigArgs qc;
  thim::cli::QplGetCollateralArgs qcol;
  auto* q_config = qpl->add_subcommand("get-config", "sgx_ql_get_quote_config: the platform's PCK certificate chain and TCBm");
  q_config->add_option("--qe-id", qc.qe_id, "QE ID, 32 hex digits")->required();
  q_config->add_option("--cpusvn", qc.cpusvn, "raw CPUSVN, 32 hex digits")->required();
  q_config->add_option("--pcesvn", qc.pcesvn, "raw PCE SVN (decimal)")->required();
  q_config->add_option("--pceid", qc.pceid, "PCE ID, 4 hex digits as on the wire (default 0000)");
  q_config->add_option("--encrypted-ppid", qc.encrypted_ppid, "encrypted PPID, 768 hex digits (default: none, zeros sent)");
  auto* q_coll = qpl->add_subcommand("get-collateral", "sgx_ql_/tdx_ql_get_quote_verification_collateral");
  q_coll->add_option("--fmspc", qcol.fmspc, "FMSPC, 12 hex digits")->required();
  q_coll->add_option("--ca", qcol.ca, "processor or platform")->required();
  q_coll->add_flag("--tdx", qcol.tdx, "TDX collateral (tdx_ql_*)");
  thim::cli::QplSeedArgs qseed;
  auto* q_seed = qpl->add_subcommand("seed", "Write a thim bundle's SGX platforms into the QPL's cache (for local_cache_only)");
  q_seed->add_option("--bundle", qseed.bundle, "thim bundle (JSON), e.g. from `thim bundle export`")->required();
  q_seed->add_option("--cache-dir", qseed.cache_dir, "cache directory (default: the one the library chooses for this user)");
  for (auto* sub : {q_config, q_coll}) {
    sub->add_option("--lib", sub == q_config ? qc.library : qcol.library,
                    "library to dlopen (default libdcap_quoteprov.so.1, found like Intel's loaders find it)");
    sub->add_flag("-v,--verbose", sub == q_config ? qc.verbose : qcol.verbose, "the library's log on stderr");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kCannotRun;
  }
  if (*inspect) return Inspect(inspect_file);
  if (*collateral) return VerifyCollateral(file, chain, root, at);
  if (*quote) {
    vq.allow_advisories_set = quote->count("--allow-advisory") > 0;
    return PrintVerdict(thim::cli::RunVerifyQuote(vq), vq_json);
  }
  if (*snp) return PrintVerdict(thim::cli::RunVerifySnp(vs), vs_json);
  if (*q_config || *q_coll || *q_seed) {
    auto outcome = *q_config ? thim::cli::RunQplGetConfig(qc)
                   : *q_coll ? thim::cli::RunQplGetCollateral(qcol)
                             : thim::cli::RunQplSeed(qseed);
    if (!outcome.report.is_null()) std::cout << outcome.report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    if (outcome.exit_code != 0) return Fail(outcome.exit_code, outcome.message);
    return 0;
  }
  if (*b_inspect) return BundleInspect(bundle_file, bundle_root, bundle_at, bundle_arks);
  if (*b_export) return BundleTransfer(true, bundle_file, url, token_file, ca_file);
  if (*b_import) return BundleTransfer(false, bundle_file, url, token_file, ca_file);
  return kCannotRun;
}
