// One stored collateral document with what the cache needs to serve it again
// after a restart without contacting upstream. Plain value type.
#pragma once

#include <cstdint>
#include <string>

namespace thim::store {

struct StoredItem {
  std::string key;           // canonical collateral key, e.g. "intel/v4/sgx/tcb?fmspc=00906ED50000&update=standard"
  std::string kind;          // "tcb_info", "enclave_identity", "pck_crl", …
  std::string body;          // the exact upstream bytes (binary-safe: DER CRLs)
  std::string issuer_chain;  // the issuer chain as received (URL-encoded PEM); may be empty
  std::string content_type;  // as upstream sent it
  int64_t issue_date = 0;    // unix seconds: issueDate, or CRL thisUpdate
  int64_t next_update = 0;   // unix seconds: nextUpdate; 0 = none
  int64_t evaluation_number = -1;  // tcbEvaluationDataNumber; -1 when not applicable
  int64_t fetched_at = 0;    // unix seconds: when thim fetched and validated it
};

}  // namespace thim::store
