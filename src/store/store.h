// Durable storage of collateral documents and platforms (with their PCK
// certificates). Implementations: SqliteStore
// (embedded default) and FakeStore (tests); a PostgreSQL store for replicas
// fits the same interface.
// Thread-safety: every method may be called concurrently.
#pragma once

#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/item.h"
#include "store/platform.h"

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

  // ---- platforms ------------------------------------------------------
  // The platform `id`, or NotFound.
  virtual StatusOr<PlatformRecord> GetPlatform(std::string_view id) = 0;
  // Stores `record` atomically. Rollback guard: when both the stored and the
  // incoming record carry certificates and the incoming ones were fetched
  // earlier, FailedPrecondition and nothing changes.
  virtual Status PutPlatform(const PlatformRecord& record) = 0;
  // Updates only the platform's raw_tcbs (a lookup remembering which raw TCB
  // asked: cheap, no certificate rewrite). NotFound when absent.
  virtual Status SetPlatformRawTcbs(std::string_view id, std::string_view raw_tcbs) = 0;
  // Removes the platform (OK if absent).
  virtual Status DeletePlatform(std::string_view id) = 0;
  // Every platform ordered by id, or only those of `fmspc` when non-empty.
  // Without `with_certs`, pck_certs and issuer_chain are left empty (a
  // listing of 100k platforms must not read a gigabyte of certificates).
  virtual StatusOr<std::vector<PlatformRecord>> ListPlatforms(std::string_view fmspc = "", bool with_certs = false) = 0;

  // OK while the store is open and answering (readiness).
  virtual Status Ping() = 0;
};

}  // namespace thim::store
