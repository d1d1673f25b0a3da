// DER encoding of the SGX PCK certificate extension (OID 1.2.840.113741.1.13.1)
// for simulated PCK certificates, shaped exactly like Intel's.
// Thread-safety: pure function.
#pragma once

#include <optional>

#include "core/bytes.h"
#include "intel/pck_certificate.h"

namespace thim::sim {

struct SgxExtensionSpec {
  Bytes ppid = Bytes(16, 0x11);
  intel::SgxTcb tcb;
  Bytes cpusvn;  // 16 bytes; empty = the 16 components (tcbType 0)
  Bytes pce_id = Bytes(2, 0);
  Bytes fmspc = Bytes(6, 0);
  int sgx_type = 0;
  // Platform CA certificates carry these two (7 entries instead of 5).
  std::optional<Bytes> platform_instance_id;
  std::optional<intel::PlatformConfiguration> configuration;
};

StatusOr<Bytes> EncodeSgxExtension(const SgxExtensionSpec& spec);

}  // namespace thim::sim
