#include "qpl/cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "core/bytes.h"
#include "qpl/config.h"

namespace thim::qpl {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxMemoryItems = 512;
constexpr size_t kMaxFile = 8u << 20;
constexpr const char* kMagic = "thim-qpl-cache-1";

std::string Sha256Hex(const std::string& s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), md, &n, EVP_sha256(), nullptr);
  return HexEncode(ByteSpan(md, n));
}

// A directory we may trust: ours, a directory, not group/other writable.
bool UsableDir(const std::string& dir, const LogFn& log) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return false;
  struct stat st{};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  if (st.st_uid != ::geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
    log(0, "cache directory " + dir + " is not owned by this user or is writable by others; not using it");
    return false;
  }
  return true;
}
}  // namespace

std::string Cache::ChooseDir(const LogFn& log) {
  std::vector<std::string> candidates;
  if (auto d = EnvValue("THIM_QPL_CACHE_DIR")) candidates.push_back(*d);
  if (auto d = EnvValue("AZDCAP_CACHE")) candidates.push_back(*d + "/.dcap-qcnl");
  if (::geteuid() == 0) candidates.push_back("/var/cache/thim-qpl");
  if (auto d = EnvValue("XDG_CACHE_HOME")) candidates.push_back(*d + "/thim-qpl");
  if (auto d = EnvValue("HOME")) candidates.push_back(*d + "/.cache/thim-qpl");
  candidates.push_back("/var/tmp/thim-qpl-" + std::to_string(::geteuid()));
  for (const auto& c : candidates)
    if (UsableDir(c, log)) return c;
  log(0, "no usable cache directory; caching in memory only");
  return "";
}

Cache::Cache(std::string dir, LogFn log) : dir_(std::move(dir)), log_(std::move(log)) {}

std::string Cache::PathOf(const std::string& key) const { return dir_ + "/" + Sha256Hex(key); }

std::shared_ptr<const CachedItem> Cache::Get(const std::string& key, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = memory_.find(key);
  if (it != memory_.end()) {
    if (it->second->expires > now) return it->second;
    memory_.erase(it);
  }
  auto item = ReadFile(key);
  if (!item) return nullptr;
  if (item->expires <= now) {
    ::unlink(PathOf(key).c_str());
    return nullptr;
  }
  if (memory_.size() >= kMaxMemoryItems) memory_.clear();
  auto shared = std::make_shared<const CachedItem>(std::move(*item));
  memory_[key] = shared;
  return shared;
}

void Cache::Put(const std::string& key, const CachedItem& item) {
  std::lock_guard<std::mutex> lock(mu_);
  if (memory_.size() >= kMaxMemoryItems) memory_.clear();  // bounded; refetch is cheap
  memory_[key] = std::make_shared<const CachedItem>(item);
  WriteFile(key, item);
}

void Cache::Clear(uint32_t mask) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = memory_.begin(); it != memory_.end();)
    it = (it->second->type & mask) ? memory_.erase(it) : std::next(it);
  if (dir_.empty()) return;
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() != 64) continue;  // only our own files
    std::ifstream in(dir_ + "/" + name, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j["type"].is_number_unsigned() ||
        (j["type"].get<uint32_t>() & mask))
      ::unlink((dir_ + "/" + name).c_str());
  }
  ::closedir(d);
}

std::optional<CachedItem> Cache::ReadFile(const std::string& key) {
  if (dir_.empty()) return std::nullopt;
  std::ifstream in(PathOf(key), std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  std::streamoff size = in.tellg();
  if (size < 0 || static_cast<size_t>(size) > kMaxFile) return std::nullopt;  // sized first: no 8 MiB buffer per read
  in.seekg(0);
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), size);
  text.resize(static_cast<size_t>(in.gcount()));
  json j = json::parse(text, nullptr, false);
  // Anything unexpected is treated as a miss (and overwritten by the next Put).
  if (j.is_discarded() || !j.is_object() || j.value("magic", "") != kMagic || j.value("key", "") != key ||
      !j.contains("type") || !j["type"].is_number_unsigned() || !j.contains("expires") || !j["expires"].is_number_integer() ||
      !j.contains("fields") || !j["fields"].is_object()) {
    log_(2, "cache file for " + key + " is unreadable; ignoring it");
    return std::nullopt;
  }
  CachedItem item;
  item.type = j["type"].get<uint32_t>();
  item.expires = j["expires"].get<int64_t>();
  for (auto& [k, v] : j["fields"].items()) {
    if (!v.is_string()) return std::nullopt;
    const std::string& hex = v.get_ref<const std::string&>();
    // Written lower-case (HexEncode); anything else is not our file.
    if (std::any_of(hex.begin(), hex.end(), [](char c) { return c >= 'A' && c <= 'F'; })) return std::nullopt;
    auto raw = HexDecode(hex);
    if (!raw.ok()) return std::nullopt;
    item.fields[k] = std::string(raw->begin(), raw->end());
  }
  return item;
}

// Write to a temporary file in the same directory, then rename: readers in
// other processes see the old file or the new one, never a torn one.
void Cache::WriteFile(const std::string& key, const CachedItem& item) {
  if (dir_.empty()) return;
  json fields = json::object();
  for (auto& [k, v] : item.fields) fields[k] = HexEncode(AsBytes(v));
  std::string text = json{{"magic", kMagic}, {"key", key}, {"type", item.type}, {"expires", item.expires}, {"fields", fields}}.dump();
  std::string final_path = PathOf(key);
  std::string tmp = final_path + ".tmp" + std::to_string(::getpid()) + "." + std::to_string(std::random_device{}());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    log_(1, "cache: cannot create " + tmp + ": " + std::strerror(errno));
    return;
  }
  size_t off = 0;
  bool ok = true;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    off += static_cast<size_t>(n);
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), final_path.c_str()) != 0) {
    log_(1, "cache: cannot write " + final_path + ": " + std::strerror(errno));
    ::unlink(tmp.c_str());
  }
}

}  // namespace thim::qpl
