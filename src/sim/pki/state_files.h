// The simulator's state directory: certificates and keys written so that a
// restarted thim-sim serves the same PKI. Writes are atomic (a temporary file
// in the same directory, then rename): a crash leaves the old file or the new
// one, never a torn one. Test tooling. Thread-safety: pure functions; callers
// serialise writes to the same path.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "sim/pki/cert_builder.h"

namespace thim::sim {

// Creates the parent directories, then writes `data` atomically; mode 0600
// when `secret`, else 0644. Unavailable with the path and errno text.
Status WriteStateFile(const std::filesystem::path& path, std::string_view data, bool secret);

// `<name>.pem` (certificate) and `<name>.key` (PKCS#8 private key, 0600).
Status SaveIssuedPair(const std::filesystem::path& dir, const std::string& name, const IssuedCert& pair);
// Reads what SaveIssuedPair wrote. A missing, unparsable or mismatched pair
// (the key is not the certificate's) is an error naming the file, never a crash.
StatusOr<IssuedCert> LoadIssuedPair(const std::filesystem::path& dir, const std::string& name);

// One PEM text holding a certificate and its key (for leaf certificates the
// simulator issues on demand), and back.
std::string EncodeIssuedPem(const IssuedCert& pair);
StatusOr<IssuedCert> DecodeIssuedPem(std::string_view text);

}  // namespace thim::sim
