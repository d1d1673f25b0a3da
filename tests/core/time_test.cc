// RFC 3339 / Intel time text (core/time.h).
#include "core/time.h"

#include <gtest/gtest.h>

#include <string>

namespace thim {
namespace {

int64_t IntelSeconds(const char* s) {
  auto t = ParseIntelTime(s);
  EXPECT_TRUE(t.ok()) << s << ": " << t.status().ToString();
  return t.ok() ? ToUnixSeconds(*t) : INT64_MIN;
}
int64_t Rfc3339Seconds(const char* s) {
  auto t = ParseRfc3339(s);
  EXPECT_TRUE(t.ok()) << s << ": " << t.status().ToString();
  return t.ok() ? ToUnixSeconds(*t) : INT64_MIN;
}

// --- ParseIntelTime -----------------------------------------------------------------

TEST(IntelTime, KnownInstants) {
  EXPECT_EQ(IntelSeconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(IntelSeconds("2025-05-27T19:31:43Z"), 1748374303);
  EXPECT_EQ(IntelSeconds("2000-02-29T00:00:00Z"), 951782400);
  EXPECT_EQ(IntelSeconds("2100-01-01T00:00:00Z"), 4102444800);
  EXPECT_EQ(IntelSeconds("1969-12-31T23:59:59Z"), -1);
  EXPECT_EQ(IntelSeconds("9999-12-31T23:59:59Z"), 253402300799);
  EXPECT_EQ(IntelSeconds("0001-01-01T00:00:00Z"), -62135596800);
}

TEST(IntelTime, LeapDays) {
  EXPECT_TRUE(ParseIntelTime("2024-02-29T00:00:00Z").ok());
  EXPECT_TRUE(ParseIntelTime("2000-02-29T23:59:59Z").ok());  // divisible by 400
  EXPECT_FALSE(ParseIntelTime("2025-02-29T00:00:00Z").ok());
  EXPECT_FALSE(ParseIntelTime("2100-02-29T00:00:00Z").ok());  // divisible by 100, not 400
  EXPECT_EQ(IntelSeconds("2024-03-01T00:00:00Z") - IntelSeconds("2024-02-29T00:00:00Z"), 86400);
}

TEST(IntelTime, RejectsImpossibleDatesAndTimes) {
  for (const char* bad : {"2025-02-30T00:00:00Z", "2025-04-31T00:00:00Z", "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z",
                          "2025-01-00T00:00:00Z", "2025-01-32T00:00:00Z", "2025-05-27T24:00:00Z", "2025-05-27T23:60:00Z",
                          "2025-05-27T99:00:00Z", "2025-05-27T23:59:61Z"}) {
    auto r = ParseIntelTime(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(IntelTime, RejectsEveryOtherForm) {
  for (const char* bad : {
           "2025-05-27T19:31:43.5Z",     // fraction
           "2025-05-27T19:31:43.000Z",   // even a zero fraction
           "2025-05-27T19:31:43+00:00",  // offset, even zero
           "2025-05-27T21:31:43+02:00",
           "2025-05-27T19:31:43",        // no zone
           "2025-05-27t19:31:43Z",       // lower-case t
           "2025-05-27T19:31:43z",       // lower-case z
           "2025-05-27t19:31:43z",
           "2025-05-27 19:31:43Z",       // space separator
           "2025-05-27T19:31:43ZZ",
           " 2025-05-27T19:31:43Z",
           "2025-05-27T19:31:43Z ",
           "2025-5-27T19:31:43Z",        // digits are fixed-width
           "2025-05-27T9:31:43Z",
           "+025-05-27T19:31:43Z",
           "2025/05/27T19:31:43Z",
           "2025-05-27T19-31-43Z",
           "20250527T193143Z",
           "2025-05-27",
           "",
           "abcd-ef-ghTij:kl:mnZ",
       }) {
    auto r = ParseIntelTime(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << '"' << bad << '"';
  }
}

TEST(IntelTime, ErrorQuotesTheInput) {
  auto r = ParseIntelTime("2025-05-27T19:31:43.5Z");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("2025-05-27T19:31:43.5Z"), std::string::npos);
}

// --- ParseRfc3339 -----------------------------------------------------------------

TEST(Rfc3339, UtcForms) {
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T00:00:00Z"), Rfc3339Seconds("2025-06-01t00:00:00z"));
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T00:00:00Z"), Rfc3339Seconds("2025-06-01 00:00:00Z"));  // RFC 3339 §5.6 note
  EXPECT_EQ(Rfc3339Seconds("2025-05-27T19:31:43Z"), 1748374303);
}

TEST(Rfc3339, Offsets) {
  const int64_t utc = Rfc3339Seconds("2025-06-01T00:00:00Z");
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T02:00:00+02:00"), utc);
  EXPECT_EQ(Rfc3339Seconds("2025-05-31T18:30:00-05:30"), utc);
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T00:00:00+00:00"), utc);
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T00:00:00-00:00"), utc);
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T05:45:00+05:45"), utc);
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T23:59:00+23:59"), utc);
  EXPECT_EQ(Rfc3339Seconds("2025-05-31T00:01:00-23:59"), utc);
}

TEST(Rfc3339, OffsetsCrossDayAndYearBoundaries) {
  EXPECT_EQ(Rfc3339Seconds("2025-01-01T01:00:00+02:00"), Rfc3339Seconds("2024-12-31T23:00:00Z"));
  EXPECT_EQ(Rfc3339Seconds("2024-12-31T20:00:00-05:30"), Rfc3339Seconds("2025-01-01T01:30:00Z"));
  EXPECT_EQ(Rfc3339Seconds("2024-03-01T00:30:00+01:00"), Rfc3339Seconds("2024-02-29T23:30:00Z"));
}

TEST(Rfc3339, FractionsAreTruncated) {
  const int64_t utc = Rfc3339Seconds("2025-06-01T00:00:00Z");
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T00:00:00.5Z"), utc);
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T00:00:00.999Z"), utc);
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T00:00:00.999999999Z"), utc);
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T00:00:00.000000000001Z"), utc);
  EXPECT_EQ(Rfc3339Seconds("2025-06-01T02:00:00.5+02:00"), utc);
  EXPECT_EQ(Rfc3339Seconds("2025-05-31T18:30:00.25-05:30"), utc);
}

TEST(Rfc3339, Rejects) {
  for (const char* bad : {
           "2025-06-01T00:00:00",         // no zone
           "2025-06-01T00:00:00.Z",       // empty fraction
           "2025-06-01T00:00:00.5",       // fraction, no zone
           "2025-06-01T00:00:00,5Z",      // comma fraction
           "2025-06-01T00:00:00+2:00",    // one-digit hour
           "2025-06-01T00:00:00+0200",    // no colon
           "2025-06-01T00:00:00+02",      // no minutes
           "2025-06-01T00:00:00+02:00Z",  // trailing
           "2025-06-01T00:00:00+24:00",   // offset hour out of range
           "2025-06-01T00:00:00+02:60",   // offset minute out of range
           "2025-06-01T00:00:00 +02:00",
           "2025-06-01T00:00:00ZZ",
           "2025-06-01T00:00:00Z ",
           "2025-06-01X00:00:00Z",
           "2025-02-30T00:00:00Z",        // not a calendar date
           "2025-06-01T24:00:00Z",
           "2025-06-01",
           "",
       }) {
    auto r = ParseRfc3339(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << '"' << bad << '"';
  }
}

TEST(Rfc3339, LeapSecondIsClampedToTheMinutesLastSecond) {
  EXPECT_EQ(Rfc3339Seconds("2016-12-31T23:59:60Z"), Rfc3339Seconds("2016-12-31T23:59:59Z"));
}

TEST(Rfc3339, AcceptsEverythingIntelTimeAccepts) {
  for (const char* s : {"2025-05-27T19:31:43Z", "2024-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z"})
    EXPECT_EQ(*ParseRfc3339(s), *ParseIntelTime(s)) << s;
}

// --- FormatRfc3339 ------------------------------------------------------------------

TEST(FormatRfc3339, KnownInstants) {
  EXPECT_EQ(FormatRfc3339(FromUnixSeconds(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(FromUnixSeconds(1748374303)), "2025-05-27T19:31:43Z");
  EXPECT_EQ(FormatRfc3339(FromUnixSeconds(-1)), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(FromUnixSeconds(951782400)), "2000-02-29T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(FromUnixSeconds(253402300799)), "9999-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(FromUnixSeconds(-62135596800)), "0001-01-01T00:00:00Z");
}

TEST(FormatRfc3339, NormalisesOffsetsToUtc) {
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2025-06-01T02:00:00.75+02:00")), "2025-06-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2024-12-31T20:00:00-05:30")), "2025-01-01T01:30:00Z");
}

TEST(FormatRfc3339, RoundTripsThroughIntelTime) {
  for (const char* s : {"2025-05-27T19:31:43Z", "2049-12-31T23:59:59Z", "2024-02-29T12:00:00Z", "1999-12-31T23:59:59Z",
                        "2038-01-19T03:14:08Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"}) {
    EXPECT_EQ(FormatRfc3339(*ParseIntelTime(s)), s);
  }
}

TEST(FormatRfc3339, RoundTripsAcrossCenturies) {
  // Every ~1.3 days with a varying time of day, 1900..2400.
  const int64_t start = -2208988800;  // 1900-01-01
  const int64_t stop = 13569465600;   // 2400-01-01
  int checked = 0;
  for (int64_t s = start; s < stop; s += 113'777) {
    TimePoint t = FromUnixSeconds(s);
    std::string text = FormatRfc3339(t);
    ASSERT_EQ(text.size(), 20u) << s;
    auto back = ParseIntelTime(text);
    ASSERT_TRUE(back.ok()) << text;
    ASSERT_EQ(*back, t) << text;
    ++checked;
  }
  EXPECT_GT(checked, 100000);
}

TEST(UnixSeconds, Conversions) {
  EXPECT_EQ(ToUnixSeconds(FromUnixSeconds(1748374303)), 1748374303);
  EXPECT_EQ(ToUnixSeconds(FromUnixSeconds(-5)), -5);
  EXPECT_EQ(ToUnixSeconds(TimePoint{}), 0);
  EXPECT_LT(*ParseIntelTime("2025-01-01T00:00:00Z"), *ParseIntelTime("2025-01-01T00:00:01Z"));
}

}  // namespace
}  // namespace thim
