#include "upstream/curl_http_client.h"

#include <curl/curl.h>

#include <array>
#include <mutex>
#include <utility>
#include <vector>

namespace thim::upstream {
namespace {

// curl_global_init is not thread-safe on every libcurl build, and must run
// before any other curl call; once per process is the documented pattern.
// We never call curl_global_cleanup: other threads may still use curl at exit.
CURLcode GlobalInitOnce() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

bool HasCrLf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Per-transfer state the callbacks write into.
struct Transfer {
  HttpResponse* response;
  size_t max_body;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const size_t n = size * nmemb;
  // Chunked or close-delimited bodies have no Content-Length for
  // CURLOPT_MAXFILESIZE to check up front; this is the hard bound.
  if (t->response->body.size() + n > t->max_body) {
    t->too_large = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  t->response->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const size_t n = size * nitems;
  std::string_view line(data, n);
  if (StartsWithIgnoreCase(line, "HTTP/")) {
    // A new status line: interim responses (100 Continue) must not leak
    // their headers into the final one.
    t->response->headers.clear();
    return n;
  }
  std::string_view trimmed = TrimOws(line);
  if (trimmed.empty()) return n;  // end of the header block
  if (line.front() == ' ' || line.front() == '\t') {
    // obs-fold continuation (RFC 9110 deprecates it, but be tolerant).
    t->response->headers.AppendToLast(trimmed);
    return n;
  }
  const size_t colon = trimmed.find(':');
  if (colon == std::string_view::npos) return n;  // not a field; ignore
  t->response->headers.Add(std::string(TrimOws(trimmed.substr(0, colon))),
                           std::string(TrimOws(trimmed.substr(colon + 1))));
  return n;
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

}  // namespace

struct CurlHttpClient::Impl {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;

  std::mutex pool_mu;
  std::vector<CURL*> pool;  // idle handles; LIFO so the warmest connection is reused first

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* userptr) {
    static_cast<Impl*>(userptr)->share_locks[data].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* userptr) {
    static_cast<Impl*>(userptr)->share_locks[data].unlock();
  }

  CURL* Take() {
    {
      std::lock_guard lock(pool_mu);
      if (!pool.empty()) {
        CURL* h = pool.back();
        pool.pop_back();
        return h;
      }
    }
    CURL* h = curl_easy_init();
    if (h != nullptr && share != nullptr) curl_easy_setopt(h, CURLOPT_SHARE, share);
    return h;
  }

  void Give(CURL* h, size_t max_idle) {
    {
      std::lock_guard lock(pool_mu);
      if (pool.size() < max_idle) {
        pool.push_back(h);
        return;
      }
    }
    curl_easy_cleanup(h);
  }
};

CurlHttpClient::CurlHttpClient(CurlHttpClientOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  (void)GlobalInitOnce();  // a failure surfaces from Send() as Unavailable
  // Shared DNS and TLS-session caches: cheap wins across handles. The
  // connection cache is *not* shared (CURL_LOCK_DATA_CONNECT has had
  // threading bugs in older libcurl); the handle pool gives reuse instead.
  impl_->share = curl_share_init();
  if (impl_->share != nullptr) {
    curl_share_setopt(impl_->share, CURLSHOPT_LOCKFUNC, &Impl::Lock);
    curl_share_setopt(impl_->share, CURLSHOPT_UNLOCKFUNC, &Impl::Unlock);
    curl_share_setopt(impl_->share, CURLSHOPT_USERDATA, impl_.get());
    curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
}

CurlHttpClient::~CurlHttpClient() {
  // Easy handles must be gone before the share they use.
  for (CURL* h : impl_->pool) curl_easy_cleanup(h);
  impl_->pool.clear();
  if (impl_->share != nullptr) curl_share_cleanup(impl_->share);
}

StatusOr<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  if (GlobalInitOnce() != CURLE_OK) return UnavailableError("curl: global initialisation failed");
  if (!StartsWithIgnoreCase(request.url, "http://") && !StartsWithIgnoreCase(request.url, "https://")) {
    return InvalidArgumentError("unsupported URL scheme (want http or https)");
  }
  if (HasCrLf(request.url)) return InvalidArgumentError("URL contains CR/LF");

  // Suppress "Expect: 100-continue": bodies are small and some servers never
  // answer it, which would cost a 1 s stall per POST.
  SlistPtr headers(curl_slist_append(nullptr, "Expect:"));
  for (const auto& [name, value] : request.headers.entries()) {
    if (name.empty() || HasCrLf(name) || HasCrLf(value) || name.find(':') != std::string::npos) {
      return InvalidArgumentError("malformed request header '" + name + "'");
    }
    // "Name;" is curl's spelling of an intentionally empty header.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* appended = curl_slist_append(headers.get(), line.c_str());
    if (appended == nullptr) return InternalError("curl_slist_append: out of memory");
    (void)headers.release();
    headers.reset(appended);
  }

  CURL* h = impl_->Take();
  if (h == nullptr) return UnavailableError("curl_easy_init failed");

  HttpResponse response;
  Transfer transfer{.response = &response, .max_body = options_.max_response_bytes};
  char errbuf[CURL_ERROR_SIZE] = {0};

  const auto timeout = request.timeout.count() > 0 ? request.timeout : options_.default_timeout;

  // Keeps live connections, DNS/TLS caches and the share; drops every option
  // (so nothing from the previous request leaks into this one).
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(h, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // signals and threads do not mix
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is an answer, not an instruction
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.proxy.empty()) curl_easy_setopt(h, CURLOPT_PROXY, options_.proxy.c_str());
  if (!options_.user_agent.empty()) curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
  // Rejects an over-long Content-Length before any byte is buffered.
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_response_bytes));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);

  switch (request.method) {
    case HttpMethod::kGet:
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
      break;
    case HttpMethod::kHead:
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
      break;
    case HttpMethod::kPost:
    case HttpMethod::kPut:
    case HttpMethod::kDelete:
      if (request.method != HttpMethod::kDelete || !request.body.empty()) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      }
      if (request.method != HttpMethod::kPost) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, std::string(HttpMethodName(request.method)).c_str());
      }
      break;
  }

  const CURLcode rc = curl_easy_perform(h);
  long status = 0;
  if (rc == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  // Drop pointers into this stack frame before the handle goes back.
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, nullptr);
  impl_->Give(h, options_.max_idle_handles);

  if (transfer.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return ResourceExhaustedError("response body exceeds " + std::to_string(options_.max_response_bytes) +
                                  " bytes");
  }
  if (rc != CURLE_OK) {
    std::string msg = "curl: ";
    msg += errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    msg += " (CURLcode " + std::to_string(static_cast<int>(rc)) + ")";
    if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) return InvalidArgumentError(msg);
    return UnavailableError(msg);
  }
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace thim::upstream
