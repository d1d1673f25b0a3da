// The trust gate of the cache: nothing is stored or served unless a
// validator accepted it. Thread-safety: Validate may be called concurrently.
#pragma once

#include <optional>

#include "cache/collateral_key.h"
#include "cache/collateral_source.h"
#include "core/time.h"

namespace thim::cache {

// What the cache needs to know about a document it accepted.
struct ValidatedCollateral {
  TimePoint issue_date{};                 // issueDate, or CRL thisUpdate
  std::optional<TimePoint> next_update;   // nextUpdate (none for unsigned lists)
  int64_t evaluation_number = -1;         // tcbEvaluationDataNumber, or -1
};

class CollateralValidator {
 public:
  virtual ~CollateralValidator() = default;
  // Accepts `fetched` as the answer to `key` at time `now`, or says why not:
  // DataLoss (bad signature, malformed), PermissionDenied (untrusted or
  // revoked chain), OutOfRange (outside its validity), InvalidArgument (it
  // answers another question: wrong FMSPC, TEE type, identity, version,
  // evaluation number).
  virtual StatusOr<ValidatedCollateral> Validate(const CollateralKey& key, const FetchedCollateral& fetched,
                                                 TimePoint now) const = 0;
};

}  // namespace thim::cache
