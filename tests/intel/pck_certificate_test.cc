// The PCK certificates inside real quotes' chains are inspected correctly.
#include "intel/pck_certificate.h"

#include <gtest/gtest.h>

#include "crypto/chain.h"
#include "intel/pinned_roots.h"
#include "testdata.h"

namespace thim::intel {
namespace {

using thim::testing::At;
using thim::testing::ReadRealString;

crypto::Certificate Leaf(const char* chain_file) { return (*crypto::ParseCertificateList(ReadRealString(chain_file)))[0]; }

struct RealPck {
  const char* chain;
  const char* fmspc;
  PckCaType ca;
  std::array<uint8_t, 16> comps;
  uint16_t pcesvn;
};

TEST(RealPckCertificates, ExtensionsDecoded) {
  const RealPck cases[] = {
      {"go-tdx-guest/extracted/cos-113-tdx-quote.pck_chain.pem", "00806F050000", PckCaType::kPlatform,
       {7, 7, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0}, 11},
      {"trustee/extracted/az-tdx-vtpm_td-quote.pck_chain.pem", "00806F050000", PckCaType::kPlatform,
       {6, 6, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0}, 11},
  };
  for (const auto& c : cases) {
    auto pck = ParsePckCertificate(Leaf(c.chain));
    ASSERT_TRUE(pck.ok()) << c.chain << ": " << pck.status().ToString();
    EXPECT_EQ(pck->FmspcHex(), c.fmspc) << c.chain;
    EXPECT_EQ(pck->ca_type, c.ca);
    EXPECT_EQ(pck->tcb.components, c.comps) << c.chain;
    EXPECT_EQ(pck->tcb.pcesvn, c.pcesvn);
    EXPECT_EQ(pck->PceIdHex(), "0000");
    EXPECT_EQ(pck->ppid.size(), 16u);
    EXPECT_EQ(pck->cpusvn.size(), 16u);
    ASSERT_TRUE(pck->platform_instance_id);
    ASSERT_TRUE(pck->configuration);
    EXPECT_EQ(pck->Tcbm().size(), 36u);
    EXPECT_EQ(pck->Tcbm().substr(32), "0B00");  // PCESVN 11, little endian
  }
}

TEST(RealPckCertificates, OtherRealLeaves) {
  auto spr = ParsePckCertificate(Leaf("go-tdx-guest/extracted/tdx_prod_quote_SPR_E4.pck_chain.pem"));
  ASSERT_TRUE(spr.ok()) << spr.status().ToString();
  EXPECT_EQ(spr->FmspcHex(), "50806F000000");
  EXPECT_EQ(spr->ca_type, PckCaType::kPlatform);
  auto v5 = ParsePckCertificate(Leaf("go-tdx-guest/extracted/quote_v5_sample.pck_chain.pem"));
  ASSERT_TRUE(v5.ok()) << v5.status().ToString();
  EXPECT_EQ(v5->FmspcHex(), "90C06F000000");
  auto mc = crypto::Certificate::FromPem(ReadRealString("mobilecoin-attestation/verifier/data/tests/leaf_cert.pem"));
  ASSERT_TRUE(mc.ok());
  auto processor = ParsePckCertificate(*mc);
  ASSERT_TRUE(processor.ok()) << processor.status().ToString();
  EXPECT_EQ(processor->ca_type, PckCaType::kProcessor);
  EXPECT_FALSE(processor->platform_instance_id);
  EXPECT_FALSE(processor->configuration);
  EXPECT_EQ(processor->sgx_type, SgxType::kStandard);
  // The CPUSVN of a tcbType-0 platform equals its 16 component SVNs.
  EXPECT_EQ(processor->cpusvn, Bytes(processor->tcb.components.begin(), processor->tcb.components.end()));
}

TEST(RealPckCertificates, ChainsVerifyToIntelRoot) {
  for (const char* file : {"go-tdx-guest/extracted/cos-113-tdx-quote.pck_chain.pem",
                           "trustee/extracted/az-tdx-vtpm_td-quote.pck_chain.pem",
                           "go-tdx-guest/extracted/tdx_prod_quote_SPR_E4.pck_chain.pem"}) {
    auto chain = *crypto::ParseCertificateList(ReadRealString(file));
    auto path = crypto::VerifyChain(chain, IntelSgxRootCa(), {.at = At("2025-06-01T00:00:00Z")});
    EXPECT_TRUE(path.ok()) << file << ": " << path.status().ToString();
  }
}

TEST(PckCertificate, NonPckCertificates) {
  EXPECT_EQ(ParsePckCertificate(IntelSgxRootCa()).status().code(), StatusCode::kNotFound);
  auto chain = *crypto::ParseCertificateList(ReadRealString("go-tdx-guest/extracted/cos-113-tdx-quote.pck_chain.pem"));
  EXPECT_EQ(ParsePckCertificate(chain[1]).status().code(), StatusCode::kNotFound);  // the Platform CA
}

}  // namespace
}  // namespace thim::intel
