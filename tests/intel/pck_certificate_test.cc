// The PCK certificates inside real quotes' chains are inspected correctly:
// every SGX extension field, the CA type, and the chains to Intel's root.
// (Malformed extensions are tested in tests/sim/sgx_extension_test.cc, where
// the simulator's PKI can issue certificates around hand-built DER.)
#include "intel/pck_certificate.h"

#include <gtest/gtest.h>

#include "crypto/chain.h"
#include "intel/pinned_roots.h"
#include "real_chain.h"
#include "testdata.h"

namespace thim::intel {
namespace {

using thim::testing::At;
using thim::testing::ReadRealString;


const crypto::Certificate& TrustedRoot() {
  static const crypto::Certificate root = *crypto::Certificate::FromPem(ReadRealString("go-tdx-guest/verify/trusted_root.pem"));
  return root;
}

struct RealPck {
  const char* file;
  const char* fmspc;
  PckCaType ca;
  std::array<uint8_t, 16> comps;
  uint16_t pcesvn;
  const char* ppid;
  SgxType sgx_type;
  const char* platform_instance_id;  // nullptr for Processor CA certificates
  PlatformConfiguration config;
  const char* valid_at;  // a time inside every certificate's validity
};

// Values read independently with `openssl asn1parse -strparse` on each leaf.
const RealPck kRealPcks[] = {
    {"go-tdx-guest/extracted/cos-113-tdx-quote.pck_chain.pem", "00806F050000", PckCaType::kPlatform,
     {7, 7, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0}, 11, "8EBF889447FD60AB1913348582EB509E", SgxType::kScalable,
     "2838C0BD430C08EE2406CDA161D54C63", {true, false, true}, "2025-06-01T00:00:00Z"},
    {"trustee/extracted/az-tdx-vtpm_td-quote.pck_chain.pem", "00806F050000", PckCaType::kPlatform,
     {6, 6, 2, 2, 3, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0}, 11, "A1B0718FFA8E6D55FDAF5ECEB03F3C72", SgxType::kScalable,
     "2CA5DCFF6868CCCD3B19497DEDDFA7FF", {true, false, true}, "2025-06-01T00:00:00Z"},
    {"go-tdx-guest/extracted/tdx_prod_quote_SPR_E4.pck_chain.pem", "50806F000000", PckCaType::kPlatform,
     {3, 3, 2, 2, 2, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0}, 11, "089DDFDB9C0359C82A3BC7719239574E", SgxType::kScalable,
     "8C314D17D205DFAFCBECBB00FC87EFF7", {true, false, true}, "2025-06-01T00:00:00Z"},
    {"go-tdx-guest/extracted/quote_v5_sample.pck_chain.pem", "90C06F000000", PckCaType::kPlatform,
     {4, 4, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0}, 13, "2734B654F553596897EAADFB5667A954", SgxType::kScalable,
     "056D0350250988808A9D09103F3E54D5", {true, true, true}, "2026-06-01T00:00:00Z"},
    // A processor-CA leaf: 5 entries, SVN 128 DER-encoded as 00 80.
    {"mobilecoin-attestation/verifier/data/tests/leaf_cert.pem", "00906ED50000", PckCaType::kProcessor,
     {17, 17, 2, 4, 1, 128, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 11, "DFA1509779ED52BDCA5306C416F9911B", SgxType::kStandard,
     nullptr, {}, "2023-05-01T00:00:00Z"},
};

TEST(RealPckCertificates, EveryExtensionFieldDecoded) {
  for (const auto& c : kRealPcks) {
    SCOPED_TRACE(c.file);
    auto pck = ParsePckCertificate(testing::RealChain(c.file)[0]);
    ASSERT_TRUE(pck.ok()) << pck.status().ToString();
    EXPECT_EQ(pck->FmspcHex(), c.fmspc);
    EXPECT_EQ(pck->ca_type, c.ca);
    EXPECT_EQ(pck->tcb.components, c.comps);
    EXPECT_EQ(pck->tcb.pcesvn, c.pcesvn);
    EXPECT_EQ(HexEncode(pck->ppid, true), c.ppid);
    EXPECT_EQ(pck->PceIdHex(), "0000");
    EXPECT_EQ(pck->sgx_type, c.sgx_type);
    // tcbType 0 platforms: the CPUSVN is the 16 component SVNs.
    EXPECT_EQ(pck->cpusvn, Bytes(c.comps.begin(), c.comps.end()));
    EXPECT_EQ(pck->Tcbm(), HexEncode(pck->cpusvn, true) + (c.pcesvn == 11 ? "0B00" : "0D00"));  // PCESVN little endian
    EXPECT_EQ(pck->cert, testing::RealChain(c.file)[0]);
    if (c.platform_instance_id) {
      ASSERT_TRUE(pck->platform_instance_id);
      EXPECT_EQ(HexEncode(*pck->platform_instance_id, true), c.platform_instance_id);
      ASSERT_TRUE(pck->configuration);
      EXPECT_EQ(pck->configuration->dynamic_platform, c.config.dynamic_platform);
      EXPECT_EQ(pck->configuration->cached_keys, c.config.cached_keys);
      EXPECT_EQ(pck->configuration->smt_enabled, c.config.smt_enabled);
    } else {
      EXPECT_FALSE(pck->platform_instance_id);
      EXPECT_FALSE(pck->configuration);
    }
  }
}

TEST(RealPckCertificates, ChainsVerifyToIntelRoot) {
  // The pinned root is the one go-tdx-guest ships.
  ASSERT_EQ(TrustedRoot(), IntelSgxRootCa());
  for (const auto& c : kRealPcks) {
    SCOPED_TRACE(c.file);
    auto chain = testing::RealChain(c.file);
    if (chain.size() == 1) {
      // mobilecoin keeps the leaf apart from its CA.
      chain.push_back(*crypto::Certificate::FromPem(ReadRealString("mobilecoin-attestation/verifier/data/tests/processor_ca.pem")));
    }
    EXPECT_NE(chain[1].SubjectCommonName().find(c.ca == PckCaType::kProcessor ? "Processor" : "Platform"), std::string::npos);
    auto path = crypto::VerifyChain(chain, TrustedRoot(), {.at = At(c.valid_at)});
    EXPECT_TRUE(path.ok()) << path.status().ToString();
    // And not before the leaf was issued.
    EXPECT_EQ(crypto::VerifyChain(chain, TrustedRoot(), {.at = chain[0].NotBefore() - std::chrono::seconds(1)}).status().code(),
              StatusCode::kOutOfRange);
  }
}

TEST(RealPckCertificates, ProcessorLeafAgainstItsRealCrl) {
  auto leaf = *crypto::Certificate::FromPem(ReadRealString("mobilecoin-attestation/verifier/data/tests/leaf_cert.pem"));
  auto ca = *crypto::Certificate::FromPem(ReadRealString("mobilecoin-attestation/verifier/data/tests/processor_ca.pem"));
  auto crl = crypto::Crl::FromPem(ReadRealString("mobilecoin-attestation/verifier/data/tests/processor_crl.pem"));
  ASSERT_TRUE(crl.ok()) << crl.status().ToString();
  EXPECT_FALSE(crl->IsRevoked(leaf));
  auto path = crypto::VerifyChain({leaf, ca}, TrustedRoot(), {.at = At("2023-05-01T00:00:00Z"), .crls = {*crl}});
  EXPECT_TRUE(path.ok()) << path.status().ToString();
}

TEST(PckCertificate, NonPckCertificatesAreNotFound) {
  EXPECT_EQ(ParsePckCertificate(IntelSgxRootCa()).status().code(), StatusCode::kNotFound);
  auto chain = testing::RealChain("go-tdx-guest/extracted/cos-113-tdx-quote.pck_chain.pem");
  EXPECT_EQ(ParsePckCertificate(chain[1]).status().code(), StatusCode::kNotFound);  // the Platform CA
  auto signer = testing::RealChain("go-tdx-guest/extracted/tcb_info_issuer_chain.pem");
  EXPECT_EQ(ParsePckCertificate(signer[0]).status().code(), StatusCode::kNotFound);  // the TCB Signing cert
}

TEST(PckCertificate, Names) {
  EXPECT_EQ(PckCaTypeName(PckCaType::kProcessor), "processor");
  EXPECT_EQ(PckCaTypeName(PckCaType::kPlatform), "platform");
  EXPECT_EQ(SgxTypeName(SgxType::kStandard), "Standard");
  EXPECT_EQ(SgxTypeName(SgxType::kScalable), "Scalable");
  EXPECT_EQ(SgxTypeName(SgxType::kScalableWithIntegrity), "ScalableWithIntegrity");
}

}  // namespace
}  // namespace thim::intel
