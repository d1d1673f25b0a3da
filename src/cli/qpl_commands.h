// `thim qpl get-config|get-collateral`: drives a Quote Provider Library
// through its C ABI (dlopen, as Intel's QE3/QVL do) and prints what it
// returns as JSON — a diagnostic for the library's configuration, its fetch
// order and the server behind it. Works with thim's, Intel's or Azure's QPL.
// Exit codes: 0 the call succeeded; 1 the library returned an error (its
// code and name on stderr); 2 could not run (library or symbol missing, bad
// arguments).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace thim::cli {

struct QplOutcome {
  int exit_code = 2;
  nlohmann::json report;  // printed on stdout
  std::string message;    // the one-line cause when exit_code != 0
};

struct QplGetConfigArgs {
  std::string library = "libdcap_quoteprov.so.1";
  std::string qe_id;           // 32 hex
  std::string cpusvn;          // 32 hex
  uint16_t pcesvn = 0;         // decimal
  std::string pceid = "0000";  // 4 hex, as on the wire (little endian)
  std::string encrypted_ppid;  // 768 hex, optional
  bool verbose = false;        // the library's log (INFO) on stderr
};

struct QplGetCollateralArgs {
  std::string library = "libdcap_quoteprov.so.1";
  std::string fmspc;           // 12 hex
  std::string ca = "processor";
  bool tdx = false;
  bool verbose = false;
};

QplOutcome RunQplGetConfig(const QplGetConfigArgs& args);
QplOutcome RunQplGetCollateral(const QplGetCollateralArgs& args);

// "SGX_QL_NO_PLATFORM_CERT_DATA" for 0xE011, "0x…" for codes it does not know.
std::string QplErrorName(uint32_t code);

}  // namespace thim::cli
