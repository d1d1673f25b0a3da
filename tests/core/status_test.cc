// Status / StatusOr: codes and their names, ToString, WithContext, and the
// RETURN_IF_ERROR / ASSIGN_OR_RETURN propagation macros.
#include "core/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace thim {
namespace {

TEST(StatusCodeName, EveryCanonicalCodeHasItsName) {
  const std::pair<StatusCode, const char*> names[] = {
      {StatusCode::kOk, "OK"},
      {StatusCode::kCancelled, "Cancelled"},
      {StatusCode::kUnknown, "Unknown"},
      {StatusCode::kInvalidArgument, "InvalidArgument"},
      {StatusCode::kDeadlineExceeded, "DeadlineExceeded"},
      {StatusCode::kNotFound, "NotFound"},
      {StatusCode::kAlreadyExists, "AlreadyExists"},
      {StatusCode::kPermissionDenied, "PermissionDenied"},
      {StatusCode::kResourceExhausted, "ResourceExhausted"},
      {StatusCode::kFailedPrecondition, "FailedPrecondition"},
      {StatusCode::kAborted, "Aborted"},
      {StatusCode::kOutOfRange, "OutOfRange"},
      {StatusCode::kUnimplemented, "Unimplemented"},
      {StatusCode::kInternal, "Internal"},
      {StatusCode::kUnavailable, "Unavailable"},
      {StatusCode::kDataLoss, "DataLoss"},
      {StatusCode::kUnauthenticated, "Unauthenticated"},
  };
  for (const auto& [code, name] : names) EXPECT_EQ(StatusCodeName(code), name) << static_cast<int>(code);
}

TEST(StatusCodeName, CodesKeepTheirCanonicalNumbers) {
  // The numbers are shared with gRPC/Abseil; clients may map them directly.
  EXPECT_EQ(static_cast<int>(StatusCode::kOk), 0);
  EXPECT_EQ(static_cast<int>(StatusCode::kInvalidArgument), 3);
  EXPECT_EQ(static_cast<int>(StatusCode::kNotFound), 5);
  EXPECT_EQ(static_cast<int>(StatusCode::kFailedPrecondition), 9);
  EXPECT_EQ(static_cast<int>(StatusCode::kUnavailable), 14);
  EXPECT_EQ(static_cast<int>(StatusCode::kDataLoss), 15);
  EXPECT_EQ(static_cast<int>(StatusCode::kUnauthenticated), 16);
}

TEST(StatusCodeName, OutOfRangeValueIsUnknown) {
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(99)), "Unknown");
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(-1)), "Unknown");
}

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(s, OkStatus());
}

TEST(Status, NamedConstructorsSetTheirCode) {
  const std::pair<Status, StatusCode> cases[] = {
      {InvalidArgumentError("m"), StatusCode::kInvalidArgument},
      {NotFoundError("m"), StatusCode::kNotFound},
      {AlreadyExistsError("m"), StatusCode::kAlreadyExists},
      {PermissionDeniedError("m"), StatusCode::kPermissionDenied},
      {ResourceExhaustedError("m"), StatusCode::kResourceExhausted},
      {FailedPreconditionError("m"), StatusCode::kFailedPrecondition},
      {OutOfRangeError("m"), StatusCode::kOutOfRange},
      {UnimplementedError("m"), StatusCode::kUnimplemented},
      {InternalError("m"), StatusCode::kInternal},
      {UnavailableError("m"), StatusCode::kUnavailable},
      {DataLossError("m"), StatusCode::kDataLoss},
      {DeadlineExceededError("m"), StatusCode::kDeadlineExceeded},
      {UnauthenticatedError("m"), StatusCode::kUnauthenticated},
  };
  for (const auto& [status, code] : cases) {
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(status.code(), code);
    EXPECT_EQ(status.message(), "m");
    EXPECT_EQ(status.ToString(), std::string(StatusCodeName(code)) + ": m");
  }
}

TEST(Status, ToStringIsNameColonMessage) {
  EXPECT_EQ(NotFoundError("no TCB info for fmspc 00906ED50000").ToString(),
            "NotFound: no TCB info for fmspc 00906ED50000");
  EXPECT_EQ(DataLossError("").ToString(), "DataLoss: ");
  // An OK status renders as "OK" whatever message it was built with.
  EXPECT_EQ(Status(StatusCode::kOk, "ignored").ToString(), "OK");
}

TEST(Status, WithContextPrefixesAndKeepsTheCode) {
  Status s = NotFoundError("no TCB info");
  Status c = s.WithContext("fetch tcb");
  EXPECT_EQ(c.code(), StatusCode::kNotFound);
  EXPECT_EQ(c.message(), "fetch tcb: no TCB info");
  EXPECT_EQ(c.ToString(), "NotFound: fetch tcb: no TCB info");
  EXPECT_EQ(s.message(), "no TCB info");  // the original is unchanged
  EXPECT_EQ(c.WithContext("refresh").message(), "refresh: fetch tcb: no TCB info");
}

TEST(Status, RetryAdviceTravelsWithTheStatusNotInItsMessage) {
  Status s = UnavailableError("PCS answered 503");
  EXPECT_EQ(s.retry_after_seconds(), std::nullopt);
  Status advised = s.WithRetryAfter(120);
  EXPECT_EQ(advised.retry_after_seconds(), 120);
  EXPECT_EQ(advised.message(), "PCS answered 503");
  EXPECT_EQ(advised.code(), StatusCode::kUnavailable);
  EXPECT_NE(advised, s);  // the advice is part of the value
  Status wrapped = advised.WithContext("tcb_info");
  EXPECT_EQ(wrapped.retry_after_seconds(), 120);
  EXPECT_EQ(wrapped.message(), "tcb_info: PCS answered 503");
}

TEST(Status, WithContextOnOkStaysOk) {
  Status c = OkStatus().WithContext("anything");
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c, OkStatus());
  EXPECT_EQ(c.message(), "");
}

TEST(Status, EqualityComparesCodeAndMessage) {
  EXPECT_EQ(UnavailableError("x"), UnavailableError("x"));
  EXPECT_FALSE(UnavailableError("x") == UnavailableError("y"));
  EXPECT_FALSE(UnavailableError("x") == InternalError("x"));
  EXPECT_FALSE(OkStatus() == InternalError(""));
}

TEST(Status, CopyAndMove) {
  Status a = PermissionDeniedError("revoked");
  Status b = a;
  EXPECT_EQ(a, b);
  Status c = std::move(b);
  EXPECT_EQ(c, a);
}

// --- StatusOr ---------------------------------------------------------------

TEST(StatusOr, HoldsAValue) {
  StatusOr<int> v = 42;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 42);
  EXPECT_EQ(v.value(), 42);
  EXPECT_TRUE(v.status().ok());
  EXPECT_EQ(v.status(), OkStatus());
  *v = 7;
  EXPECT_EQ(v.value(), 7);
}

TEST(StatusOr, HoldsAnError) {
  StatusOr<int> e = NotFoundError("gone");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(e.status().message(), "gone");
  const Status moved_in = DataLossError("bad");
  StatusOr<std::string> e2(moved_in);
  EXPECT_EQ(e2.status(), moved_in);
}

TEST(StatusOr, ArrowAndConstAccess) {
  StatusOr<std::string> s = std::string("tcb");
  EXPECT_EQ(s->size(), 3u);
  s->append("info");
  const StatusOr<std::string>& cs = s;
  EXPECT_EQ(*cs, "tcbinfo");
  EXPECT_EQ(cs->front(), 't');
  EXPECT_EQ(cs.value(), "tcbinfo");
}

TEST(StatusOr, RvalueValueMovesOut) {
  StatusOr<std::vector<int>> v = std::vector<int>(1000, 1);
  std::vector<int> taken = std::move(v).value();
  EXPECT_EQ(taken.size(), 1000u);
  StatusOr<std::string> s = std::string(100, 'x');
  std::string t = *std::move(s);
  EXPECT_EQ(t, std::string(100, 'x'));
}

TEST(StatusOr, MoveOnlyValue) {
  StatusOr<std::unique_ptr<int>> p = std::make_unique<int>(5);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(**p, 5);
  std::unique_ptr<int> taken = std::move(p).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 5);

  StatusOr<std::unique_ptr<int>> err = UnavailableError("down");
  EXPECT_FALSE(err.ok());
  EXPECT_EQ(err.status().code(), StatusCode::kUnavailable);

  // A StatusOr of a move-only type is itself movable.
  StatusOr<std::unique_ptr<int>> q = std::make_unique<int>(9);
  StatusOr<std::unique_ptr<int>> r = std::move(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, 9);
}

// --- propagation macros -------------------------------------------------------

StatusOr<int> Half(int v) {
  if (v % 2) return InvalidArgumentError("odd: " + std::to_string(v));
  return v / 2;
}

StatusOr<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int h, Half(v));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int v) {
  RETURN_IF_ERROR(Half(v).status());
  return OkStatus();
}

TEST(Macros, AssignOrReturnPropagatesValuesAndErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(*Quarter(0), 0);
  auto e1 = Quarter(7);  // first step fails
  EXPECT_EQ(e1.status(), InvalidArgumentError("odd: 7"));
  auto e2 = Quarter(6);  // second step fails; the message is passed on unchanged
  EXPECT_EQ(e2.status(), InvalidArgumentError("odd: 3"));
}

TEST(Macros, ReturnIfErrorPropagates) {
  EXPECT_TRUE(CheckEven(4).ok());
  Status s = CheckEven(3);
  EXPECT_EQ(s, InvalidArgumentError("odd: 3"));
}

Status Sequence(std::vector<Status> steps, int* ran) {
  for (const Status& s : steps) {
    ++*ran;
    RETURN_IF_ERROR(s);
  }
  return OkStatus();
}

TEST(Macros, ReturnIfErrorStopsAtTheFirstError) {
  int ran = 0;
  EXPECT_EQ(Sequence({OkStatus(), NotFoundError("a"), InternalError("b")}, &ran), NotFoundError("a"));
  EXPECT_EQ(ran, 2);
  ran = 0;
  EXPECT_TRUE(Sequence({OkStatus(), OkStatus()}, &ran).ok());
  EXPECT_EQ(ran, 2);
}

Status CountedOk(int* calls) {
  ++*calls;
  return OkStatus();
}
StatusOr<int> CountedValue(int* calls) {
  ++*calls;
  return 1;
}

Status EvaluateOnce(int* a, int* b) {
  RETURN_IF_ERROR(CountedOk(a));
  ASSIGN_OR_RETURN(int v, CountedValue(b));
  (void)v;
  return OkStatus();
}

TEST(Macros, ExpressionsAreEvaluatedExactlyOnce) {
  int a = 0, b = 0;
  EXPECT_TRUE(EvaluateOnce(&a, &b).ok());
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
}

StatusOr<std::unique_ptr<std::string>> MakeOwned(bool ok) {
  if (!ok) return ResourceExhaustedError("quota");
  return std::make_unique<std::string>("owned");
}

StatusOr<size_t> OwnedLength(bool ok) {
  ASSIGN_OR_RETURN(std::unique_ptr<std::string> p, MakeOwned(ok));
  return p->size();
}

TEST(Macros, AssignOrReturnWithMoveOnlyValueAcrossTypes) {
  EXPECT_EQ(*OwnedLength(true), 5u);
  EXPECT_EQ(OwnedLength(false).status(), ResourceExhaustedError("quota"));
}

StatusOr<std::string> AssignToExisting(bool ok) {
  std::string out = "unchanged";
  StatusOr<std::string> src = ok ? StatusOr<std::string>(std::string("new")) : StatusOr<std::string>(NotFoundError("x"));
  ASSIGN_OR_RETURN(out, std::move(src));
  return out;
}

TEST(Macros, AssignOrReturnIntoAnExistingVariable) {
  EXPECT_EQ(*AssignToExisting(true), "new");
  EXPECT_EQ(AssignToExisting(false).status().code(), StatusCode::kNotFound);
}

Status StatusFromStatusOr(int v) {
  ASSIGN_OR_RETURN(int h, Half(v));  // in a function returning plain Status
  return h > 10 ? OutOfRangeError("big") : OkStatus();
}

TEST(Macros, AssignOrReturnInAStatusFunction) {
  EXPECT_TRUE(StatusFromStatusOr(4).ok());
  EXPECT_EQ(StatusFromStatusOr(40).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(StatusFromStatusOr(5).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace thim
