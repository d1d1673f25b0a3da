#include "server/http_message.h"

#include <nlohmann/json.hpp>
#include <strings.h>

namespace thim::server {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string_view> HttpRequest::HeaderValue(std::string_view name) const {
  for (const auto& h : headers)
    if (EqualsIgnoreCase(h.name, name)) return std::string_view(h.value);
  return std::nullopt;
}

std::optional<std::string_view> HttpRequest::Param(std::string_view name) const {
  std::optional<std::string_view> found;
  for (const auto& [k, v] : query) {
    if (k != name) continue;
    if (found) return std::nullopt;
    found = v;
  }
  return found;
}

size_t HttpRequest::ParamCount(std::string_view name) const {
  size_t n = 0;
  for (const auto& [k, v] : query) n += (k == name);
  return n;
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kAborted: return 409;
    case StatusCode::kFailedPrecondition: return 412;
    case StatusCode::kOutOfRange: return 410;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kCancelled: return 499;
    case StatusCode::kUnimplemented: return 501;
    case StatusCode::kDataLoss: return 502;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
    case StatusCode::kInternal:
    case StatusCode::kUnknown: return 500;
  }
  return 500;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 461: return "Platform Unknown";  // PCCS: platform not in the cache (fill modes req/offline)
    case 499: return "Client Closed Request";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

HttpResponse HttpResponse::Error(const Status& status) {
  return Error(HttpStatusFor(status.code()), StatusCodeName(status.code()), status.message());
}

HttpResponse HttpResponse::Error(int http_status, std::string_view code_name, std::string_view message) {
  nlohmann::ordered_json body = {{"error", code_name}, {"message", message}};
  // Replace invalid UTF-8 from echoed input rather than throwing.
  return Json(http_status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse HttpResponse::Json(int http_status, std::string body) {
  HttpResponse r;
  r.status = http_status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::Text(int http_status, std::string body, std::string content_type) {
  HttpResponse r;
  r.status = http_status;
  r.headers.push_back({"Content-Type", std::move(content_type)});
  r.body = std::move(body);
  return r;
}

}  // namespace thim::server
