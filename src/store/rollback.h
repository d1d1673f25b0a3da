// The rollback guard shared by every Store: a document may replace the stored
// one only if it is not older. Older = a lower evaluation number, or the same
// evaluation number and an earlier issue date (CRLs: thisUpdate).
// Pure function; thread-safe.
#pragma once

#include "core/status.h"
#include "store/item.h"
#include "store/platform.h"

namespace thim::store {

inline Status CheckNotOlder(const StoredItem& stored, const StoredItem& incoming) {
  if (incoming.evaluation_number < stored.evaluation_number)
    return FailedPreconditionError("rollback: evaluation number " + std::to_string(incoming.evaluation_number) +
                                   " is older than the stored " + std::to_string(stored.evaluation_number) + " for " + stored.key);
  if (incoming.evaluation_number == stored.evaluation_number && incoming.issue_date < stored.issue_date)
    return FailedPreconditionError("rollback: issued at " + std::to_string(incoming.issue_date) + ", before the stored " +
                                   std::to_string(stored.issue_date) + " for " + stored.key);
  return OkStatus();
}

// Platforms: certificates fetched earlier never replace later ones.
inline Status CheckPlatformNotOlder(const PlatformRecord& stored, const PlatformRecord& incoming) {
  if (!stored.pck_certs.empty() && !incoming.pck_certs.empty() && incoming.certs_fetched_at < stored.certs_fetched_at)
    return FailedPreconditionError("rollback: PCK certificates of platform " + stored.id + " fetched at " +
                                   std::to_string(incoming.certs_fetched_at) + ", before the stored " +
                                   std::to_string(stored.certs_fetched_at));
  return OkStatus();
}

}  // namespace thim::store
