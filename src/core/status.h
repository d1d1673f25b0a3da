// Status and StatusOr<T>: the error model used across every module boundary.
//
// Canonical codes follow Abseil/gRPC; each has a documented retry meaning so the
// HTTP API, the client library and the CLI can map them the same way:
//   InvalidArgument    – the caller's input is malformed; do not retry.
//   NotFound           – the thing asked for does not exist; retry later may help.
//   FailedPrecondition – the system is not in a state to do this (e.g. rollback).
//   Unavailable        – transient (network, upstream down); retry with backoff.
//   ResourceExhausted  – rate limited / quota; retry after the advised delay.
//   DataLoss           – data is corrupt (bad signature, truncated file).
//   PermissionDenied   – untrusted (wrong root, revoked).
//   OutOfRange         – outside a validity window (expired, not yet valid).
//   Internal           – an invariant broke; a bug.
// Thread-safety: value types; const methods are safe to call concurrently.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace thim {

enum class StatusCode {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// "InvalidArgument", "NotFound", … (the names used in JSON error bodies).
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "NotFound: no TCB info for fmspc 00906ED50000" (or "OK").
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>" (same code and retry advice).
  Status WithContext(std::string_view context) const;

  // Advice carried with Unavailable/ResourceExhausted: retry no sooner than
  // this many seconds (an upstream's Retry-After, passed on to our clients).
  Status WithRetryAfter(long seconds) const {
    Status s = *this;
    s.retry_after_seconds_ = seconds;
    return s;
  }
  std::optional<long> retry_after_seconds() const { return retry_after_seconds_; }

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_ && a.retry_after_seconds_ == b.retry_after_seconds_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::optional<long> retry_after_seconds_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status PermissionDeniedError(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status OutOfRangeError(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
inline Status UnimplementedError(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
inline Status UnauthenticatedError(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }

// Either a value or a non-OK Status. Constructing from an OK Status is a bug.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(const Status& status) : data_(status) { assert(!status.ok()); }  // NOLINT: implicit
  StatusOr(Status&& status) : data_(std::move(status)) { assert(!std::get<Status>(data_).ok()); }  // NOLINT
  StatusOr(const T& value) : data_(value) {}  // NOLINT: implicit
  StatusOr(T&& value) : data_(std::move(value)) {}  // NOLINT: implicit

  bool ok() const { return std::holds_alternative<T>(data_); }
  Status status() const { return ok() ? OkStatus() : std::get<Status>(data_); }

  const T& value() const& { return std::get<T>(data_); }
  T& value() & { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }

  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> data_;
};

}  // namespace thim

// Propagation helpers (statement macros; no exceptions on the request path).
#define THIM_CONCAT_INNER_(a, b) a##b
#define THIM_CONCAT_(a, b) THIM_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::thim::Status thim_status_ = (expr);      \
    if (!thim_status_.ok()) return thim_status_; \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(THIM_CONCAT_(thim_statusor_, __LINE__), lhs, expr)
