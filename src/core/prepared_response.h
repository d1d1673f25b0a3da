// An HTTP response rendered once and served many times: the fixed header
// lines (each ending in CRLF; no Content-Length, which the server adds) and
// the body. Immutable once published; share it with shared_ptr<const …>.
// Lives in core because the cache renders it and the server writes it.
#pragma once

#include <string>

namespace thim {

struct PreparedResponse {
  int status = 200;
  std::string header_lines;
  std::string body;
  std::string etag;  // quoted, e.g. "\"3f2a…\"" (empty = none)
};

}  // namespace thim
