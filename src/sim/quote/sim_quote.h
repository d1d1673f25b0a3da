// `thim-sim quote`: a quote signed by the simulator's own PKI (its state
// directory), for a platform the simulator's PCS serves collateral for, so
// that `thim verify quote … --collateral http://<sim> --root <state>/root_ca.pem`
// can be exercised end to end. The defaults sit exactly at the simulator's
// UpToDate TCB level of evaluation number 17 (src/sim/pcs_simulator.cc).
// Test tooling. Thread-safety: pure function (reads the state directory).
#pragma once
#include <array>
#include <optional>
#include <string>

#include "core/bytes.h"

namespace thim::sim {

struct SimQuoteRequest {
  std::string state_dir = "./.sim";
  bool tdx = false;
  int version = 0;             // 0 = 3 for SGX, 4 for TDX
  bool td15 = false;           // v5 with a TD 1.5 body
  std::string fmspc;           // empty = 00906ED50000 (SGX) / 00806F050000 (TDX)
  std::string ca = "platform";  // PCK issuer: processor | platform
  std::array<uint8_t, 16> sgx_tcb = {11, 11, 2, 4, 1, 128, 14, 0};
  uint16_t pcesvn = 13;
  std::optional<uint16_t> qe_svn;  // empty = 8 (QE) / 4 (TD_QE)
  std::array<uint8_t, 16> tee_tcb_svn = {4, 1, 8};
  std::array<uint8_t, 64> report_data{};
};

StatusOr<Bytes> GenerateSimQuote(const SimQuoteRequest& request);

}  // namespace thim::sim
