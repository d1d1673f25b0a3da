// In-memory Store for tests, with the same rollback semantics as SqliteStore
// and fault injection. Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <mutex>

#include "store/store.h"

namespace thim::store {

class FakeStore final : public Store {
 public:
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

  // The next `n` calls fail with Unavailable.
  void FailNext(int n) { fail_next_.store(n); }
  size_t puts() const { return puts_.load(); }

 private:
  Status MaybeFail();
  std::mutex mu_;
  std::map<std::string, StoredItem, std::less<>> items_;
  std::map<std::string, PlatformRecord, std::less<>> platforms_;
  std::atomic<int> fail_next_{0};
  std::atomic<size_t> puts_{0};
};

}  // namespace thim::store
