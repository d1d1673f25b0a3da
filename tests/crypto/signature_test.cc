#include <gtest/gtest.h>

#include "crypto/certificate.h"
#include "crypto/private_key.h"
#include "crypto/public_key.h"
#include "testdata.h"

namespace thim::crypto {
namespace {

using thim::testing::ReadRealBytes;

TEST(EcdsaP256, RawSignRoundTripAndTamper) {
  auto key = PrivateKey::GenerateEcP256();
  ASSERT_TRUE(key.ok());
  std::string msg = "{\"id\":\"SGX\"}";
  auto sig = key->SignEcdsaP256Raw(AsBytes(msg));
  ASSERT_TRUE(sig.ok());
  ASSERT_EQ(sig->size(), 64u);
  EXPECT_TRUE(VerifyEcdsaP256Raw(key->public_key(), AsBytes(msg), *sig).ok());
  std::string changed = msg;
  changed[3] ^= 1;
  EXPECT_EQ(VerifyEcdsaP256Raw(key->public_key(), AsBytes(changed), *sig).code(), StatusCode::kDataLoss);
  Bytes bad = *sig;
  bad[10] ^= 0x80;
  EXPECT_EQ(VerifyEcdsaP256Raw(key->public_key(), AsBytes(msg), bad).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyEcdsaP256Raw(key->public_key(), AsBytes(msg), Bytes(63)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyEcdsaP256Raw(PublicKey(), AsBytes(msg), *sig).code(), StatusCode::kInvalidArgument);
  auto other = PrivateKey::GenerateEcP256();
  EXPECT_EQ(VerifyEcdsaP256Raw(other->public_key(), AsBytes(msg), *sig).code(), StatusCode::kDataLoss);
}

TEST(EcdsaP256, RawPointRoundTrip) {
  auto key = PrivateKey::GenerateEcP256();
  Bytes xy = key->public_key().EcRawPoint();
  ASSERT_EQ(xy.size(), 64u);
  auto pub = PublicKey::FromP256RawPoint(xy);
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  auto sig = key->SignEcdsaP256Raw(AsBytes("quote"));
  EXPECT_TRUE(VerifyEcdsaP256Raw(*pub, AsBytes("quote"), *sig).ok());
  Bytes off_curve = xy;
  off_curve[63] ^= 1;
  EXPECT_EQ(PublicKey::FromP256RawPoint(off_curve).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PublicKey::FromP256RawPoint(Bytes(10)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PublicKey::FromSpkiDer(key->public_key().SpkiDer())->EcRawPoint(), xy);
}

TEST(EcdsaP384, RealSnpReportSignature) {
  // go-sev-guest attestation.bin is signed by vcek.testcer: ECDSA P-384 over
  // bytes 0x000..0x29F, r at 0x2A0 and s at 0x2E8, 72-byte little endian.
  Bytes report = ReadRealBytes("go-sev-guest/verify/testdata/attestation.bin");
  ASSERT_EQ(report.size(), 0x4A0u);
  auto vcek = Certificate::FromDer(ReadRealBytes("go-sev-guest/verify/testdata/vcek.testcer"));
  ASSERT_TRUE(vcek.ok());
  EXPECT_EQ(vcek->public_key().Algorithm(), "EC P-384");
  ByteSpan all(report);
  EXPECT_TRUE(VerifyEcdsaP384AmdLe(vcek->public_key(), all.first(0x2A0), all.subspan(0x2A0, 72), all.subspan(0x2E8, 72)).ok());
  Bytes tampered = report;
  tampered[0x50] ^= 1;
  ByteSpan t(tampered);
  EXPECT_EQ(VerifyEcdsaP384AmdLe(vcek->public_key(), t.first(0x2A0), t.subspan(0x2A0, 72), t.subspan(0x2E8, 72)).code(),
            StatusCode::kDataLoss);
}

TEST(EcdsaP384, AmdLeSignRoundTrip) {
  auto key = PrivateKey::GenerateEcP384();
  auto sig = key->SignEcdsaP384AmdLe(AsBytes("report"));
  ASSERT_TRUE(sig.ok());
  ByteSpan s(*sig);
  EXPECT_TRUE(VerifyEcdsaP384AmdLe(key->public_key(), AsBytes("report"), s.first(72), s.subspan(72)).ok());
  EXPECT_EQ(VerifyEcdsaP384AmdLe(key->public_key(), AsBytes("report"), s.first(71), s.subspan(72)).code(),
            StatusCode::kInvalidArgument);
}

TEST(RsaPss, SignVerifyAndKeyMismatch) {
  auto key = PrivateKey::GenerateRsa(2048);
  ASSERT_TRUE(key.ok());
  auto sig = key->SignRsaPssSha384(AsBytes("vcek"));
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(VerifyRsaPssSha384(key->public_key(), AsBytes("vcek"), *sig).ok());
  EXPECT_EQ(VerifyRsaPssSha384(key->public_key(), AsBytes("vcEk"), *sig).code(), StatusCode::kDataLoss);
  auto ec = PrivateKey::GenerateEcP256();
  EXPECT_EQ(VerifyRsaPssSha384(ec->public_key(), AsBytes("vcek"), *sig).code(), StatusCode::kInvalidArgument);
}

TEST(PrivateKey, PemRoundTrip) {
  auto key = PrivateKey::GenerateEcP256();
  auto again = PrivateKey::FromPem(key->ToPem());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key().EcRawPoint(), key->public_key().EcRawPoint());
  EXPECT_FALSE(PrivateKey::FromPem("garbage").ok());
}

TEST(Digest, KnownVectors) {
  EXPECT_EQ(HexEncode(Sha256(AsBytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha384(AsBytes(""))).substr(0, 16), "38b060a751ac9638");
  EXPECT_EQ(Sha512(AsBytes("x")).size(), 64u);
}

TEST(EcdsaDer, RawDerConversion) {
  Bytes raw(64, 0);
  raw[31] = 1;
  raw[63] = 2;
  auto der = RawEcdsaToDer(raw);
  ASSERT_TRUE(der.ok());
  auto back = DerEcdsaToRaw(*der, 32);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, raw);
  EXPECT_FALSE(RawEcdsaToDer(Bytes(63)).ok());
  EXPECT_FALSE(DerEcdsaToRaw(Bytes{0x30, 0x00, 0x01}, 32).ok());
}

}  // namespace
}  // namespace thim::crypto
