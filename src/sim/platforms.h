// The simulator's SGX platforms: what a PCK ID retrieval tool would report
// for each machine of a small fleet (PPID, encrypted PPID, QE id, PCE-ID,
// FMSPC, CA type, platform manifest), generated deterministically from a seed
// so a restarted thim-sim serves the same machines, plus the RSA-3072 key
// PCS decrypts encrypted PPIDs with (kept in thim-sim's state directory).
//
// Fleet shape (by index i): i % 3 == 0 single-package, Processor CA;
// i % 3 == 1 multi-package registered directly (Platform CA, cachedKeys=true,
// found by encrypted PPID); i % 3 == 2 multi-package registered indirectly
// (Platform CA, cachedKeys=false, found only by its platform manifest).
// Thread-safety: PlatformFleet is immutable after Create.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "crypto/private_key.h"
#include "intel/pck_certificate.h"

namespace thim::sim {

// One simulated platform, as a registration tool or a test sees it.
struct SimPlatform {
  size_t index = 0;             // position in the fleet
  std::string qe_id;            // 32 upper-case hex (16 bytes)
  std::string pce_id = "0000";  // 4 hex, little endian, as on the wire
  std::string fmspc;            // 12 upper-case hex
  intel::PckCaType ca = intel::PckCaType::kProcessor;
  Bytes ppid;                   // 16 bytes
  std::string encrypted_ppid;   // 768 upper-case hex: RSA-3072 OAEP-SHA-256 of `ppid` to the fleet key
  std::string platform_manifest;  // upper-case hex; empty unless registered indirectly
  // Intel holds the platform's keys, so PCS answers to the encrypted PPID.
  // False for indirect registration: only the manifest POST forms work, and
  // Platform-CA certificates say cachedKeys=false.
  bool cached_keys = true;
  Bytes platform_instance_id;   // 16 bytes for Platform-CA platforms, else empty
  // The platform's lowest TCB level is listed as "Not available" (PCS could
  // not issue that certificate), so clients see that entry.
  bool lowest_level_not_available = false;
};

struct FleetOptions {
  size_t count = 8;
  uint64_t seed = 1;
  // Platform i has its lowest level "Not available" when i % k == 0 (0 = never).
  size_t not_available_every = 4;
  std::vector<std::string> fmspcs;  // SGX FMSPCs, spread over the platforms; must not be empty
};

// Size of a generated platform manifest: real ones are 8.4–56 KB (Intel
// documents 16862–112884 hex characters), so ours sit inside that range and
// pass a client's length check.
inline constexpr size_t kPlatformManifestBytes = 8448;

class PlatformFleet {
 public:
  // Generates `options.count` platforms (identities depend only on the seed
  // and index) and encrypts each PPID to `ppid_key` (RSA-3072). OAEP is
  // randomised, so encrypted PPIDs differ between runs; the PPIDs do not.
  static StatusOr<PlatformFleet> Create(const FleetOptions& options, crypto::PrivateKey ppid_key);

  const std::vector<SimPlatform>& platforms() const { return platforms_; }

  // The platform whose PPID `encrypted_ppid` (hex, either case) decrypts to.
  // NotFound when it does not decrypt with the fleet key or names no platform
  // of the fleet; InvalidArgument when it is not 768 hex characters.
  // Indirectly registered platforms are found too: callers decide what PCS
  // would answer for them.
  StatusOr<const SimPlatform*> FindByEncryptedPpid(std::string_view encrypted_ppid) const;
  // The platform with this manifest (hex, either case); NotFound otherwise.
  StatusOr<const SimPlatform*> FindByManifest(std::string_view manifest_hex) const;

 private:
  PlatformFleet(std::vector<SimPlatform> platforms, crypto::PrivateKey key);
  std::vector<SimPlatform> platforms_;
  crypto::PrivateKey key_;
  std::map<Bytes, size_t> by_ppid_;
  std::map<std::string, size_t> by_manifest_;  // upper-case hex
};

// The PPID encryption key kept in `dir` (ppid_encryption.key, PKCS#8 PEM,
// mode 0600): loaded when present, else generated and written there.
StatusOr<crypto::PrivateKey> LoadOrCreatePpidKey(const std::string& dir);

// A key generated once per process, shared by simulators given none (RSA-3072
// generation is slow, and sims restarted inside one test process then still
// decrypt the encrypted PPIDs a client kept).
StatusOr<crypto::PrivateKey> ProcessPpidKey();

}  // namespace thim::sim
