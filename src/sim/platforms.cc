#include "sim/platforms.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "crypto/public_key.h"
#include "crypto/rsa_oaep.h"
#include "sim/pki/key_cache.h"

namespace thim::sim {
namespace {

constexpr const char* kPpidKeyFile = "ppid_encryption.key";

// Deterministic bytes for (seed, what, index): SHA-256 in counter mode. Only
// reproducibility matters here, not secrecy.
Bytes Derive(uint64_t seed, std::string_view what, size_t index, size_t n) {
  Bytes out;
  for (uint32_t counter = 0; out.size() < n; ++counter) {
    std::string input = std::to_string(seed) + "|" + std::string(what) + "|" + std::to_string(index) + "|" + std::to_string(counter);
    Bytes block = crypto::Sha256(AsBytes(input));
    out.insert(out.end(), block.begin(), block.end());
  }
  out.resize(n);
  return out;
}

// Upper-case hex of valid hex text, so lookups ignore case.
StatusOr<std::string> NormaliseHex(std::string_view hex) {
  ASSIGN_OR_RETURN(Bytes bytes, HexDecode(hex));
  return HexEncode(bytes, true);
}

}  // namespace

PlatformFleet::PlatformFleet(std::vector<SimPlatform> platforms, crypto::PrivateKey key)
    : platforms_(std::move(platforms)), key_(std::move(key)) {
  for (const auto& p : platforms_) {
    by_ppid_[p.ppid] = p.index;
    if (!p.platform_manifest.empty()) by_manifest_[p.platform_manifest] = p.index;
  }
}

StatusOr<PlatformFleet> PlatformFleet::Create(const FleetOptions& options, crypto::PrivateKey ppid_key) {
  if (options.fmspcs.empty()) return InvalidArgumentError("a platform fleet needs at least one FMSPC");
  std::vector<SimPlatform> platforms;
  for (size_t i = 0; i < options.count; ++i) {
    SimPlatform p;
    p.index = i;
    p.ppid = Derive(options.seed, "ppid", i, 16);
    p.qe_id = HexEncode(Derive(options.seed, "qe_id", i, 16), true);
    // Offset by i / 3 so that every CA kind (i % 3) meets every FMSPC.
    p.fmspc = options.fmspcs[(i + i / 3) % options.fmspcs.size()];
    ASSIGN_OR_RETURN(p.fmspc, NormaliseHex(p.fmspc));
    if (i % 3 != 0) {
      p.ca = intel::PckCaType::kPlatform;
      p.platform_instance_id = Derive(options.seed, "platform_instance_id", i, 16);
    }
    if (i % 3 == 2) {
      p.cached_keys = false;
      p.platform_manifest = HexEncode(Derive(options.seed, "platform_manifest", i, kPlatformManifestBytes), true);
    }
    p.lowest_level_not_available = options.not_available_every != 0 && i % options.not_available_every == 0;
    ASSIGN_OR_RETURN(Bytes encrypted, crypto::RsaOaepSha256Encrypt(ppid_key.public_key(), p.ppid));
    p.encrypted_ppid = HexEncode(encrypted, true);
    platforms.push_back(std::move(p));
  }
  return PlatformFleet(std::move(platforms), std::move(ppid_key));
}

StatusOr<const SimPlatform*> PlatformFleet::FindByEncryptedPpid(std::string_view encrypted_ppid) const {
  if (!IsHex(encrypted_ppid, 768)) return InvalidArgumentError("encrypted PPID must be 768 hex characters");
  ASSIGN_OR_RETURN(Bytes ciphertext, HexDecode(encrypted_ppid));
  auto ppid = crypto::RsaOaepSha256Decrypt(key_, ciphertext);
  if (!ppid.ok()) return NotFoundError("encrypted PPID does not decrypt with the simulator's key");
  auto it = by_ppid_.find(*ppid);
  if (it == by_ppid_.end()) return NotFoundError("unknown PPID " + HexEncode(*ppid, true));
  return &platforms_[it->second];
}

StatusOr<const SimPlatform*> PlatformFleet::FindByManifest(std::string_view manifest_hex) const {
  auto normal = NormaliseHex(manifest_hex);
  if (!normal.ok()) return InvalidArgumentError("platform manifest is not hex");
  auto it = by_manifest_.find(*normal);
  if (it == by_manifest_.end()) return NotFoundError("platform manifest not registered");
  return &platforms_[it->second];
}

StatusOr<crypto::PrivateKey> LoadOrCreatePpidKey(const std::string& dir) {
  std::filesystem::path path = std::filesystem::path(dir) / kPpidKeyFile;
  if (std::filesystem::exists(path)) {
    ASSIGN_OR_RETURN(std::string pem, ReadFileString(path.string()));
    ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::FromPem(pem));
    if (key.public_key().Algorithm() != "RSA 3072") return InvalidArgumentError(path.string() + " is not an RSA-3072 key");
    return key;
  }
  ASSIGN_OR_RETURN(crypto::PrivateKey key, SimRsaKey(crypto::kPpidEncryptionKeyBits));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir + ": " + ec.message());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  ::chmod(path.c_str(), 0600);  // before the key is written
  out << key.ToPem();
  out.close();
  if (!out) return UnavailableError("cannot write " + path.string());
  return key;
}

StatusOr<crypto::PrivateKey> ProcessPpidKey() {
  static std::once_flag once;
  static StatusOr<crypto::PrivateKey>* key = nullptr;  // leaked on purpose: lives as long as the process
  std::call_once(once, [] { key = new StatusOr<crypto::PrivateKey>(SimRsaKey(crypto::kPpidEncryptionKeyBits)); });
  return *key;
}

}  // namespace thim::sim
