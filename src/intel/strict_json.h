// Strict parsing of untrusted JSON and typed field access with precise error
// paths ("tcbInfo.tcbLevels[3].tcb.pcesvn: expected an integer 0..65535").
// Rejects what nlohmann-json alone accepts: duplicate keys at any depth,
// nesting deeper than a limit, oversized input. Invalid UTF-8 is rejected by
// the parser itself. Never throws. Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/time.h"

namespace thim::intel {

inline constexpr size_t kMaxJsonBytes = 1 << 20;  // Intel's largest documents are ~10 KB
inline constexpr int kMaxJsonDepth = 32;

// Errors are InvalidArgument: "malformed at offset N (in tcbInfo.tcbLevels[2]): …"
// for syntax (truncation, invalid UTF-8, trailing bytes), "malformed at
// <path>: duplicate key \"k\"" / "…: nesting deeper than N levels" otherwise.
StatusOr<nlohmann::json> ParseStrictJson(std::string_view text, size_t max_bytes = kMaxJsonBytes,
                                         int max_depth = kMaxJsonDepth);

// `text` made safe to embed in an error message (and in a JSON error body):
// printable ASCII kept, every other byte as \xNN, cut after `max_bytes`.
std::string SafeText(std::string_view text, size_t max_bytes);

// A view of one JSON object with its path, for typed reads.
class JsonObject {
 public:
  // InvalidArgument unless `value` is an object.
  static StatusOr<JsonObject> Of(const nlohmann::json& value, std::string path);

  bool Has(const char* key) const { return obj_->contains(key); }
  const std::string& path() const { return path_; }
  std::string PathOf(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

  StatusOr<std::string> String(const char* key) const;
  // Exactly `len` hex digits (len 0: any even length) → bytes.
  StatusOr<Bytes> Hex(const char* key, size_t len) const;
  StatusOr<int64_t> Int(const char* key, int64_t min, int64_t max) const;
  StatusOr<TimePoint> IntelTime(const char* key) const;
  StatusOr<JsonObject> Object(const char* key) const;
  // The array at `key` (InvalidArgument if absent or not an array).
  StatusOr<const nlohmann::json*> Array(const char* key) const;
  // Optional array of strings; empty when absent.
  StatusOr<std::vector<std::string>> StringList(const char* key) const;
  // InvalidArgument naming the first key not in `allowed`.
  Status OnlyKeys(std::initializer_list<const char*> allowed) const;

  Status Error(const char* key, const std::string& what) const {
    return InvalidArgumentError("malformed at " + PathOf(key) + ": " + SafeText(what, 200));
  }

 private:
  JsonObject(const nlohmann::json* obj, std::string path) : obj_(obj), path_(std::move(path)) {}
  StatusOr<const nlohmann::json*> Get(const char* key) const;
  const nlohmann::json* obj_;
  std::string path_;
};

}  // namespace thim::intel
