// `thim bundle inspect|export|import`: offline bundles for air-gapped sites.
// Thread-safety: functions for the CLI's single thread.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "amd/product.h"
#include "core/status.h"
#include "core/time.h"
#include "crypto/certificate.h"

namespace thim::cli {

// Lists every item of a bundle and validates it as thimd would at `at`
// (signature chain to `root`, validity window, the question it answers; AMD
// items against `amd_arks`, else AMD's built-in ARKs). Returns the report;
// `*all_valid` tells whether every item passed.
StatusOr<nlohmann::ordered_json> InspectBundle(std::string_view text, const crypto::Certificate& root, TimePoint at,
                                               bool* all_valid,
                                               const std::map<amd::Product, crypto::Certificate>& amd_arks = {});

// GET <url>/admin/bundle into a string / PUT a bundle to <url>/admin/bundle,
// with the admin token. The answer body is returned (import report).
StatusOr<std::string> ExportBundle(const std::string& url, const std::string& token, const std::string& ca_file);
StatusOr<std::string> ImportBundle(const std::string& url, const std::string& token, const std::string& ca_file,
                                   std::string bundle);

}  // namespace thim::cli
