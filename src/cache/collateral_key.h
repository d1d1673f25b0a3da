// What a piece of Intel verification collateral is: the identity of an item
// in the cache, in the store and upstream. One key = one upstream document
// (e.g. SGX TCB info for one FMSPC, v4 format, "standard" update).
// Pure value type; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace thim::cache {

enum class Tee : uint8_t { kSgx, kTdx };
enum class CollateralKind : uint8_t {
  kTcbInfo,
  kQeIdentity,   // SGX QE, or TDX TD_QE when tee == kTdx
  kQveIdentity,
  kQaeIdentity,
  kPckCrl,
  kRootCaCrl,
  kTcbEvalNumbers,
  kFmspcs,
};
enum class UpdateType : uint8_t { kStandard, kEarly };

struct CollateralKey {
  CollateralKind kind = CollateralKind::kTcbInfo;
  Tee tee = Tee::kSgx;
  int api_version = 4;  // 3 or 4: the served format differs (TCB info v2 vs v3)
  std::string fmspc;    // kTcbInfo: 12 upper-case hex digits
  std::string ca;       // kPckCrl: "processor" or "platform"
  bool der = false;     // kPckCrl: DER body (encoding=der) instead of PEM
  UpdateType update = UpdateType::kStandard;  // tcb/identities when eval_number == 0
  uint32_t eval_number = 0;                   // tcb/identities: a pinned evaluation data number
  std::string platform;                       // kFmspcs: "all" (default), "client", "E3", "E5"

  // Canonical, stable text used as the store key, e.g.
  // "intel/v4/sgx/tcb?fmspc=00906ED50000&update=standard".
  std::string CacheKey() const;
  // Path and query on Intel PCS, e.g. "/sgx/certification/v4/tcb?fmspc=00906ED50000&update=standard".
  // Empty for kRootCaCrl, which lives at its CRL distribution point.
  std::string UpstreamTarget() const;
  // Short human text for logs and errors: "SGX TCB info for FMSPC 00906ED50000 (v4, standard)".
  std::string Describe() const;
  // The kind as it is stored (StoredItem::kind): "tcb_info", "enclave_identity", …
  std::string_view KindName() const;
  // Whether the document carries issueDate/nextUpdate and a signature.
  bool IsSignedJson() const;

  friend bool operator==(const CollateralKey&, const CollateralKey&) = default;
};

// Parses a key produced by CacheKey(); InvalidArgument otherwise.
StatusOr<CollateralKey> ParseCacheKey(std::string_view text);

// Builders validating request parameters exactly as Intel PCS does (and with
// its status codes): fmspc 12 hex, update early|standard, tcbEvaluationDataNumber
// a decimal integer, not both (InvalidArgument), ca processor|platform,
// encoding pem|der.
struct CollateralParams {
  std::optional<std::string_view> fmspc;
  std::optional<std::string_view> update;
  std::optional<std::string_view> eval_number;
  std::optional<std::string_view> ca;
  std::optional<std::string_view> encoding;
  std::optional<std::string_view> platform;
};
StatusOr<CollateralKey> MakeKey(CollateralKind kind, Tee tee, int api_version, const CollateralParams& params);

}  // namespace thim::cache
