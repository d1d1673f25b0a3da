// Import of Intel PCCS's offline file `platform_collaterals.json` (what
// PccsAdminTool `fetch` writes and `put` uploads; V3 and V4 schemas).
// PCCS carries TCB infos and identities as parsed JSON objects; this rebuilds
// Intel's compact serialisation (same member order, no whitespace) and the
// importer then accepts only what verifies against Intel's signature — so a
// document that did not survive the round trip byte-exact is rejected, never
// served altered. PCK certificates and platform records are reported as
// skipped until platforms are supported.
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "cache/bundle.h"

namespace thim::cache {

struct PccsCollaterals {
  std::vector<BundleItem> items;
  std::vector<std::string> skipped;  // what was present but not imported, and why
};

StatusOr<PccsCollaterals> ReadPccsCollaterals(std::string_view text);

}  // namespace thim::cache
