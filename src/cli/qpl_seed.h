// `thim qpl seed --bundle FILE [--cache-dir DIR]`: writes every SGX platform
// of a thim bundle (its PCK certificates, issuer chain and its FMSPC's TCB
// levels) into the QPL's disk cache, so a machine with `local_cache_only`
// gets its PCK certificate for any raw TCB without a network — the air-gapped
// provisioning Intel does with the PCCS admin tool. Entries never expire;
// `sgx_qpl_clear_cache(SGX_QPL_CACHE_CERTIFICATE)` or deleting the files
// removes them. Run it as the user the QPL runs as (the cache is per user).
// Exit codes: 0 at least one platform seeded; 1 none could be; 2 could not
// run (unreadable or malformed bundle, no usable cache directory).
#pragma once

#include <string>

#include "cli/qpl_commands.h"

namespace thim::cli {

struct QplSeedArgs {
  std::string bundle;     // thim bundle (JSON), e.g. from `thim bundle export`
  std::string cache_dir;  // default: the directory the library would choose
};

QplOutcome RunQplSeed(const QplSeedArgs& args);

}  // namespace thim::cli
