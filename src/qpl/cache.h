// The QPL's cache: memory in front of disk, keyed by what the item is
// ("tcb/sgx/00906ED50000/standard"), not by the URL it came from. A cache
// failure is logged and ignored: the library then simply fetches.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "qpl/fetcher.h"

namespace thim::qpl {

enum CacheType : uint32_t { kCertificate = 1, kCollateral = 2 };

struct CachedItem {
  uint32_t type = kCollateral;
  int64_t expires = 0;                         // unix seconds
  std::map<std::string, std::string> fields;   // e.g. body, chain, tcbm
  std::string Field(const std::string& name) const {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  }
};

class Cache {
 public:
  // `dir` empty: memory only.
  Cache(std::string dir, LogFn log);

  // Shared, immutable: a warm hit costs a lookup, not a copy of the documents.
  std::shared_ptr<const CachedItem> Get(const std::string& key, int64_t now);
  void Put(const std::string& key, const CachedItem& item);
  // Removes every item whose type is in `mask`, in memory and on disk.
  void Clear(uint32_t mask);
  const std::string& dir() const { return dir_; }

  // The cache directory: $THIM_QPL_CACHE_DIR; else $AZDCAP_CACHE/.dcap-qcnl
  // (Azure's spelling); else /var/cache/thim-qpl for root; else the user's
  // $XDG_CACHE_HOME or $HOME/.cache + /thim-qpl; else /var/tmp/thim-qpl-<uid>.
  // The first that exists or can be created 0700, is owned by this user and
  // is not writable by others wins; "" when none.
  static std::string ChooseDir(const LogFn& log);

 private:
  std::string PathOf(const std::string& key) const;
  std::optional<CachedItem> ReadFile(const std::string& key);
  void WriteFile(const std::string& key, const CachedItem& item);

  std::string dir_;
  LogFn log_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const CachedItem>> memory_;
};

}  // namespace thim::qpl
