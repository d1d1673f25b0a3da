// Durable storage of collateral documents. Implementations: SqliteStore
// (embedded default) and FakeStore (tests); a PostgreSQL store for replicas
// fits the same interface.
// Thread-safety: every method may be called concurrently.
#pragma once

#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/item.h"

namespace thim::store {

class Store {
 public:
  virtual ~Store() = default;

  // The stored item for `key`, or NotFound. Never contacts upstream.
  virtual StatusOr<StoredItem> Get(std::string_view key) = 0;

  // Stores `item` atomically, unless the stored one is newer (rollback guard,
  // see rollback.h): then FailedPrecondition and the stored item is unchanged.
  // Storing the same body again only updates fetched_at.
  virtual Status Put(const StoredItem& item) = 0;

  // Removes `key` (OK if absent).
  virtual Status Delete(std::string_view key) = 0;

  // Every item whose key starts with `prefix`, ordered by key.
  virtual StatusOr<std::vector<StoredItem>> List(std::string_view prefix = "") = 0;

  // OK while the store is open and answering (readiness).
  virtual Status Ping() = 0;
};

}  // namespace thim::store
