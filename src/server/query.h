// Parsing of request targets: path and query string. Pure; thread-safe.
#pragma once

#include <string_view>

#include "server/http_message.h"

namespace thim::server {

// Splits "path?query" and percent-decodes each key and value once ('+' stays
// '+', as Intel's clients expect). InvalidArgument on malformed escapes, on a
// target longer than `max_target`, or on more than `max_params` parameters.
Status ParseTarget(std::string_view target, std::string* path, QueryParams* query, size_t max_target = 8192,
                   size_t max_params = 64);

}  // namespace thim::server
