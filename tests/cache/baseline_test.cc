#include "cache/baseline.h"

#include <gtest/gtest.h>

namespace thim::cache {
namespace {

TEST(Baseline, ParseAndPrint) {
  for (const char* text : {"standard", "early", "eval:17", "lag:0", "lag:2"}) {
    auto b = ParseBaseline(text);
    ASSERT_TRUE(b.ok()) << text;
    EXPECT_EQ(b->ToString(), text);
  }
  for (const char* bad : {"", "Standard", "eval:", "eval:0", "eval:x", "lag:-1", "lag:101", "latest", "eval:17 "})
    EXPECT_EQ(ParseBaseline(bad).status().code(), StatusCode::kInvalidArgument) << bad;
}

TEST(Baseline, ResolutionAndFloor) {
  Baseline lag1{Baseline::Kind::kLag, 1}, pinned{Baseline::Kind::kPinned, 15}, standard{};
  EXPECT_EQ(ResolveNumber(lag1, 17, 0), 16u);
  EXPECT_EQ(ResolveNumber(lag1, 17, 17), 17u);
  EXPECT_EQ(ResolveNumber(pinned, 17, 0), 15u);
  EXPECT_EQ(ResolveNumber(pinned, 17, 16), 16u);
  EXPECT_EQ(ResolveNumber(standard, 17, 0), std::nullopt);
  EXPECT_EQ(ResolveNumber(standard, 17, 18), 18u);
  EXPECT_EQ(ResolveNumber(Baseline{Baseline::Kind::kLag, 50}, 17, 0), 1u);
}

TEST(Baseline, PolicyPrecedence) {
  BaselinePolicy p;
  p.tenants["t"] = {Baseline::Kind::kEarly, 0};
  p.fmspc_overrides["00906ED50000"] = {Baseline::Kind::kPinned, 16};
  EXPECT_EQ(p.For("t", "00906ED50000").kind, Baseline::Kind::kEarly);
  EXPECT_EQ(p.For("", "00906ED50000").kind, Baseline::Kind::kPinned);
  EXPECT_EQ(p.For("other", "00606A000000"), p.default_baseline);
}

}  // namespace
}  // namespace thim::cache
