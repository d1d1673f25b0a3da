// Prepared collateral keyed by SHA-256 over every field (length-prefixed, so
// no two different collaterals share a key) and the root's DER.
#include <deque>
#include <mutex>
#include <unordered_map>

#include "crypto/public_key.h"
#include "thim/verify.h"

namespace thim::verify {

struct CollateralCache::State {
  mutable std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<const PreparedCollateral>> entries;
  std::deque<std::string> order;  // insertion order, for eviction
  uint64_t hits = 0;
  uint64_t misses = 0;
};

std::shared_ptr<CollateralCache::State> CollateralCache::MakeState() { return std::make_shared<State>(); }

namespace {
void Append(Bytes& out, ByteSpan field) {
  uint64_t n = field.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  out.insert(out.end(), field.begin(), field.end());
}
}  // namespace

StatusOr<std::shared_ptr<const PreparedCollateral>> CollateralCache::Get(const Collateral& c, const crypto::Certificate& root) {
  Bytes material;
  for (std::string_view s : {std::string_view(c.tcb_info), std::string_view(c.tcb_info_issuer_chain), std::string_view(c.qe_identity),
                             std::string_view(c.qe_identity_issuer_chain), std::string_view(c.pck_crl_issuer_chain)})
    Append(material, AsBytes(s));
  Append(material, c.pck_crl);
  Append(material, c.root_ca_crl);
  Append(material, root.der());
  Bytes digest = crypto::Sha256(material);
  std::string key(digest.begin(), digest.end());
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->entries.find(key);
    if (it != state_->entries.end()) {
      ++state_->hits;
      return it->second;
    }
    ++state_->misses;
  }
  // Prepared outside the lock: concurrent misses may both prepare; one wins.
  ASSIGN_OR_RETURN(auto prepared, PrepareCollateral(c, root));
  std::lock_guard<std::mutex> lock(state_->mu);
  if (state_->entries.emplace(key, prepared).second) {
    state_->order.push_back(key);
    while (state_->order.size() > max_entries_) {
      state_->entries.erase(state_->order.front());
      state_->order.pop_front();
    }
  }
  return prepared;
}

size_t CollateralCache::size() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->entries.size();
}
uint64_t CollateralCache::hits() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->hits;
}
uint64_t CollateralCache::misses() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->misses;
}

}  // namespace thim::verify
