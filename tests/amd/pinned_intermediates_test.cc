// AMD's ASK/ASVK built into thim: exactly the certificates KDS serves in
// cert_chain, each issued by the pinned ARK of its product and by no other.
#include <gtest/gtest.h>

#include "amd/pinned_arks.h"
#include "crypto/chain.h"
#include "testdata.h"

namespace thim::amd {
namespace {

struct Case {
  Product product;
  KeyKind kind;
  const char* kds_file;  // KDS cert_chain as published (intermediate, then ARK)
  const char* cn;
  const char* serial;
};

const Case kCases[] = {
    {Product::kMilan, KeyKind::kVcek, "go-sev-guest/verify/trust/ask_ark_milan.pem", "SEV-Milan", "010001"},
    {Product::kMilan, KeyKind::kVlek, "go-sev-guest/verify/trust/ask_ark_milan_vlek.pem", "SEV-VLEK-Milan", "010101"},
    {Product::kGenoa, KeyKind::kVcek, "go-sev-guest/verify/trust/ask_ark_genoa.pem", "SEV-Genoa", "020002"},
    {Product::kGenoa, KeyKind::kVlek, "go-sev-guest/verify/trust/ask_ark_genoa_vlek.pem", "SEV-VLEK-Genoa", "020101"},
    {Product::kTurin, KeyKind::kVcek, "go-sev-guest/verify/trust/ask_ark_turin_vcek.pem", "SEV-Turin", "030001"},
    {Product::kTurin, KeyKind::kVlek, "go-sev-guest/verify/trust/ask_ark_turin_vlek.pem", "SEV-VLEK-Turin", "030101"},
};

TEST(BuiltInIntermediates, AreKdsCertChainsAndChainToThePinnedArk) {
  TimePoint at = thim::testing::At("2030-01-01T00:00:00Z");
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.cn);
    const crypto::Certificate& built_in = BuiltInIntermediate(c.product, c.kind);
    auto kds = crypto::ParseCertificateList(thim::testing::ReadRealString(c.kds_file));
    ASSERT_TRUE(kds.ok());
    ASSERT_EQ(kds->size(), 2u);
    EXPECT_EQ(built_in.der(), (*kds)[0].der());
    EXPECT_EQ((*kds)[1].der(), PinnedArk(c.product).der());
    EXPECT_EQ(built_in.SubjectCommonName(), c.cn);
    EXPECT_EQ(built_in.SerialHex(), c.serial);
    crypto::ChainOptions options{.at = at};
    auto path = crypto::VerifyChain({built_in}, PinnedArk(c.product), options);
    ASSERT_TRUE(path.ok()) << path.status().ToString();
    EXPECT_EQ(path->size(), 2u);
    for (Product other : {Product::kMilan, Product::kGenoa, Product::kTurin}) {
      if (other != c.product) {
        EXPECT_FALSE(crypto::VerifyChain({built_in}, PinnedArk(other), options).ok());
      }
    }
  }
}

}  // namespace
}  // namespace thim::amd
