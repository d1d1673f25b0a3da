#include "sim/pki/key_cache.h"

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "sim/pki/state_files.h"

namespace thim::sim {

StatusOr<crypto::PrivateKey> SimRsaKey(int bits) {
  const char* dir = std::getenv("THIM_SIM_KEY_CACHE");
  if (dir == nullptr || *dir == '\0') return crypto::PrivateKey::GenerateRsa(bits);
  static std::mutex mu;
  static std::map<int, int> next;  // bits → index of the next key this process takes
  int index;
  {
    std::lock_guard lock(mu);
    index = next[bits]++;
  }
  std::filesystem::path path = std::filesystem::path(dir) / ("rsa" + std::to_string(bits) + "-" + std::to_string(index) + ".pem");
  if (auto pem = ReadFileString(path.string(), 1 << 16); pem.ok()) {
    auto key = crypto::PrivateKey::FromPem(*pem);
    if (key.ok() && key->public_key().Algorithm() == "RSA " + std::to_string(bits)) return key;
  }
  // Missing or unusable (a damaged cache is regenerated, not an error).
  ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::GenerateRsa(bits));
  (void)WriteStateFile(path, key.ToPem(), /*secret=*/true);  // a cache: failing to save only costs time
  return key;
}

}  // namespace thim::sim
