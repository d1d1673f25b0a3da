// `thim verify snp`: verifies an SEV-SNP report (bare, or inside an Azure HCL
// report) with its VCEK/VLEK and AMD chain, then applies the policy.
// Same exit-code contract as `thim verify quote`:
//   0 verified and accepted; 1 invalid (signature, chain, mismatching key);
//   2 could not run; 3 valid but rejected by the policy; 4 collateral
//   unavailable (no VCEK given and none could be fetched; no chain for an
//   --ark root).
// The key and chain come from --vcek (DER, PEM, a PEM bundle VCEK+ASK+ARK or
// THIM's JSON answer), --chain (KDS cert_chain PEM), or --collateral URL:
// a KDS-compatible base (https://kdsintf.amd.com or a thimd, whose KDS mirror
// uses the same paths). With only a VCEK/VLEK and AMD's pinned ARK, AMD's
// built-in ASK/ASVK complete the chain (offline). Thread-safety: pure
// function (plus network I/O).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace thim::cli {

struct VerifySnpArgs {
  std::string report_path;
  std::string vcek, chain, crl;  // files
  std::string collateral;        // KDS-compatible base URL
  std::string ca_file;
  std::string product;  // Milan|Genoa|Turin, for v2 reports (no CPUID)
  std::string ark;      // another pinned ARK (PEM), e.g. the simulator's
  std::string at;       // RFC 3339; default now
  // Policy.
  std::string min_tcb;  // "bl=3,tee=0,snp=8,ucode=115[,fmc=..]"
  bool allow_debug = false;
  bool no_smt = false;
  bool allow_migration_agent = false;
  long long vmpl = -1;
  long long min_guest_svn = -1;
  std::string measurement, host_data, report_data, id_key_digest, author_key_digest;
};

struct VerifySnpOutcome {
  int exit_code = 2;
  nlohmann::ordered_json report;
  std::string summary;
};

VerifySnpOutcome RunVerifySnp(const VerifySnpArgs& args);

}  // namespace thim::cli
