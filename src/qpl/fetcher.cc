#include "qpl/fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

namespace thim::qpl {
namespace {

constexpr size_t kMaxBody = 16u << 20;   // collateral is a few hundred KiB at most
constexpr long kMaxRetryAfter = 60;      // a hostile server must not park the caller for hours

struct Easy {
  CURL* h = nullptr;
  Easy() {
    // curl_global_init is not thread-safe in old libcurls; do it exactly once.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    h = curl_easy_init();
  }
  ~Easy() {
    if (h) curl_easy_cleanup(h);
  }
};

// One handle per thread keeps connections alive across calls without locks.
CURL* ThreadHandle() {
  thread_local Easy easy;
  if (easy.h) curl_easy_reset(easy.h);
  return easy.h;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<HttpResult*>(user);
  size_t len = size * n;
  if (r->body.size() + len > kMaxBody) return 0;  // aborts the transfer
  r->body.append(data, len);
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<HttpResult*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (redirect or 100): forget the previous headers
    r->headers.clear();
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string value = line.substr(colon + 1);
  auto trim = [](std::string& s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    s.erase(0, i);
  };
  trim(name);
  trim(value);
  if (r->headers.size() < 200) r->headers.emplace(name, value);
  return size * n;
}

HttpResult Once(const Config& config, const std::string& url, const Headers& headers, bool no_proxy) {
  HttpResult r;
  CURL* h = ThreadHandle();
  if (h == nullptr) {
    r.error = "curl_easy_init failed";
    return r;
  }
  struct curl_slist* list = nullptr;
  for (auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> guard(list, curl_slist_free_all);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM in the host process
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(config.connect_timeout_seconds));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(config.request_timeout_seconds));
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  if (no_proxy) curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
  if (!config.use_secure_cert) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  CURLcode rc = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);  // the list dies with this frame
  if (rc != CURLE_OK) {
    r.error = curl_easy_strerror(rc);
    r.tls_untrusted = rc == CURLE_PEER_FAILED_VERIFICATION;
    return r;
  }
  r.transport_ok = true;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

bool Retryable(const HttpResult& r) {
  if (!r.transport_ok) return !r.tls_untrusted;
  return r.status == 429 || r.status == 500 || r.status == 502 || r.status == 503 || r.status == 504;
}

}  // namespace

long RetryAfterSeconds(const std::string& value, long cap) {
  if (value.empty() || value.size() > 10) return -1;
  for (char c : value)
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  return std::min(std::stol(value), cap);
}

HttpResult HttpGet(const Config& config, const std::string& url, const Headers& headers, const LogFn& log, bool no_proxy) {
  HttpResult r;
  long backoff = 1;
  for (int attempt = 0;; ++attempt) {
    r = Once(config, url, headers, no_proxy);
    if (!Retryable(r) || attempt >= config.retry_times) break;
    long wait_s = config.retry_delay > 0 ? config.retry_delay : backoff;
    backoff = std::min(backoff * 2, 64L);
    if (r.transport_ok && (r.status == 429 || r.status == 503)) {
      long ra = RetryAfterSeconds(r.Header("retry-after"), kMaxRetryAfter);
      if (ra >= 0) wait_s = ra;  // the server knows when it will have capacity
    }
    log(1, "GET " + url + " " + (r.transport_ok ? "answered " + std::to_string(r.status) : "failed: " + r.error) +
               "; retry " + std::to_string(attempt + 1) + "/" + std::to_string(config.retry_times) + " in " +
               std::to_string(wait_s) + "s");
    std::this_thread::sleep_for(std::chrono::seconds(wait_s));
  }
  return r;
}

}  // namespace thim::qpl
