// RSA keys for the simulator, optionally reused across processes to make
// tests fast: RSA key generation dominates many simulator set-ups (an AMD PKI
// is nine RSA keys, the PPID encryption key one RSA-3072) and CTest runs each
// test in its own process.
//
// With THIM_SIM_KEY_CACHE=<dir> set, the n-th RSA key of a size that this
// process asks for is <dir>/rsa<bits>-<n>.pem: read if present, else
// generated and saved (atomically; a concurrent process may save its own,
// either is fine). Keys stay distinct within a process, which is all that
// the simulator's PKIs need. Unset, the default: every key is fresh.
// Test tooling; nothing in the product links it.
#pragma once

#include "crypto/private_key.h"

namespace thim::sim {

StatusOr<crypto::PrivateKey> SimRsaKey(int bits);

}  // namespace thim::sim
