// The embedded Store: one SQLite database file in WAL mode.
//
// Durability: synchronous=NORMAL by default — a committed Put survives a
// process crash; a power loss may lose the last transactions, which the next
// refresh fetches again (set `synchronous_full` to survive power loss too).
// Schema changes are ordered migrations applied at open under PRAGMA
// user_version; a database newer than this code is refused.
// Thread-safety: all methods may be called concurrently; they share one
// connection under a mutex (the hot path never touches the store: it serves
// from memory).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/store.h"

struct sqlite3;

namespace thim::store {

struct SqliteOptions {
  std::string path;
  int busy_timeout_ms = 5000;
  bool synchronous_full = false;
};

// The schema version this code writes.
inline constexpr int kSqliteSchemaVersion = 2;

class SqliteStore final : public Store {
 public:
  ~SqliteStore() override;
  StatusOr<StoredItem> Get(std::string_view key) override;
  Status Put(const StoredItem& item) override;
  Status Delete(std::string_view key) override;
  StatusOr<std::vector<StoredItem>> List(std::string_view prefix = "") override;
  StatusOr<PlatformRecord> GetPlatform(std::string_view id) override;
  Status PutPlatform(const PlatformRecord& record) override;
  Status SetPlatformRawTcbs(std::string_view id, std::string_view raw_tcbs) override;
  Status DeletePlatform(std::string_view id) override;
  StatusOr<std::vector<PlatformRecord>> ListPlatforms(std::string_view fmspc = "", bool with_certs = false) override;
  Status Ping() override;

 private:
  friend StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  StatusOr<StoredItem> GetLocked(std::string_view key);
  StatusOr<PlatformRecord> GetPlatformLocked(std::string_view id);
  std::mutex mu_;
  sqlite3* db_;
};

// Opens (creating if needed, mode 0600) and migrates the database.
// DataLoss for a file that is not a SQLite database; FailedPrecondition for a
// schema newer than kSqliteSchemaVersion; Unavailable when it cannot be opened.
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace thim::store
