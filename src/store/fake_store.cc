#include "store/fake_store.h"

#include "store/rollback.h"

namespace thim::store {

Status FakeStore::MaybeFail() {
  int n = fail_next_.load();
  while (n > 0) {
    if (fail_next_.compare_exchange_weak(n, n - 1)) return UnavailableError("injected store failure");
  }
  return OkStatus();
}

StatusOr<StoredItem> FakeStore::Get(std::string_view key) {
  RETURN_IF_ERROR(MaybeFail());
  std::lock_guard lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return NotFoundError("no stored item " + std::string(key));
  return it->second;
}

Status FakeStore::Put(const StoredItem& item) {
  RETURN_IF_ERROR(MaybeFail());
  std::lock_guard lock(mu_);
  auto it = items_.find(item.key);
  if (it != items_.end()) RETURN_IF_ERROR(CheckNotOlder(it->second, item));
  items_[item.key] = item;
  puts_.fetch_add(1);
  return OkStatus();
}

Status FakeStore::Delete(std::string_view key) {
  RETURN_IF_ERROR(MaybeFail());
  std::lock_guard lock(mu_);
  auto it = items_.find(key);
  if (it != items_.end()) items_.erase(it);
  return OkStatus();
}

StatusOr<std::vector<StoredItem>> FakeStore::List(std::string_view prefix) {
  RETURN_IF_ERROR(MaybeFail());
  std::lock_guard lock(mu_);
  std::vector<StoredItem> out;
  for (auto it = items_.lower_bound(prefix); it != items_.end() && it->first.starts_with(prefix); ++it) out.push_back(it->second);
  return out;
}

StatusOr<PlatformRecord> FakeStore::GetPlatform(std::string_view id) {
  RETURN_IF_ERROR(MaybeFail());
  std::lock_guard lock(mu_);
  auto it = platforms_.find(id);
  if (it == platforms_.end()) return NotFoundError("no stored platform " + std::string(id));
  return it->second;
}

Status FakeStore::PutPlatform(const PlatformRecord& record) {
  RETURN_IF_ERROR(MaybeFail());
  std::lock_guard lock(mu_);
  auto it = platforms_.find(record.id);
  if (it != platforms_.end()) RETURN_IF_ERROR(CheckPlatformNotOlder(it->second, record));
  platforms_[record.id] = record;
  puts_.fetch_add(1);
  return OkStatus();
}

Status FakeStore::SetPlatformRawTcbs(std::string_view id, std::string_view raw_tcbs) {
  RETURN_IF_ERROR(MaybeFail());
  std::lock_guard lock(mu_);
  auto it = platforms_.find(id);
  if (it == platforms_.end()) return NotFoundError("no stored platform " + std::string(id));
  it->second.raw_tcbs = std::string(raw_tcbs);
  return OkStatus();
}

Status FakeStore::DeletePlatform(std::string_view id) {
  RETURN_IF_ERROR(MaybeFail());
  std::lock_guard lock(mu_);
  auto it = platforms_.find(id);
  if (it != platforms_.end()) platforms_.erase(it);
  return OkStatus();
}

StatusOr<std::vector<PlatformRecord>> FakeStore::ListPlatforms(std::string_view fmspc, bool with_certs) {
  RETURN_IF_ERROR(MaybeFail());
  std::lock_guard lock(mu_);
  std::vector<PlatformRecord> out;
  for (const auto& [id, r] : platforms_) {
    if (!fmspc.empty() && r.fmspc != fmspc) continue;
    out.push_back(r);
    if (!with_certs) {
      out.back().pck_certs.clear();
      out.back().issuer_chain.clear();
    }
  }
  return out;
}

Status FakeStore::Ping() { return MaybeFail(); }

}  // namespace thim::store
