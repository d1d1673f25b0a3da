// Import of Intel PCCS's offline file `platform_collaterals.json` (what
// PccsAdminTool `fetch` writes and `put` uploads; V3 and V4 schemas).
// PCCS carries TCB infos and identities as parsed JSON objects; this rebuilds
// Intel's compact serialisation (same member order, no whitespace) and the
// importer then accepts only what verifies against Intel's signature — so a
// document that did not survive the round trip byte-exact is rejected, never
// served altered. Its platforms' PCK certificates (`pck_certs`) and
// registration records (`platforms`) become platform records, validated by
// the platform service on import like an upstream answer; they carry no
// fetch time (0), so they never replace certificates thimd already holds.
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "cache/bundle.h"

namespace thim::cache {

struct PccsCollaterals {
  std::vector<BundleItem> items;
  std::vector<store::PlatformRecord> platforms;
  std::vector<std::string> skipped;  // what was present but not imported, and why
};

StatusOr<PccsCollaterals> ReadPccsCollaterals(std::string_view text);

}  // namespace thim::cache
