// Answers shaped like Intel PCS's, shared by the simulator's route families:
// a 200 with a body, and an error status that, for 400s on PCK endpoints,
// carries PCS's Error-Code / Error-Message headers (no body, like PCS).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "server/http_message.h"

namespace thim::sim {

inline server::HttpResponse PcsBody(std::string body, std::string content_type) {
  server::HttpResponse r;
  r.status = 200;
  r.headers.push_back({"Content-Type", std::move(content_type)});
  r.body = std::move(body);
  return r;
}

// `code` empty: a bare status (PCS sends 404/410/503 without error headers).
inline server::HttpResponse PcsError(int status, std::string_view code = "", std::string_view message = "") {
  server::HttpResponse r;
  r.status = status;
  if (!code.empty()) {
    r.headers.push_back({"Error-Code", std::string(code)});
    r.headers.push_back({"Error-Message", std::string(message)});
  }
  return r;
}

}  // namespace thim::sim
