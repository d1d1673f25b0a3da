// RSA-OAEP (SHA-256, MGF1-SHA-256) as used for Intel's encrypted PPID.
#include "crypto/rsa_oaep.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

namespace thim::crypto {
namespace {

class RsaOaep : public ::testing::Test {
 protected:
  // RSA-3072 generation takes a while: two keys for the whole suite.
  static void SetUpTestSuite() {
    key_ = new PrivateKey(*GeneratePpidEncryptionKey());
    other_ = new PrivateKey(*GeneratePpidEncryptionKey());
  }
  static void TearDownTestSuite() {
    delete key_;
    delete other_;
  }
  static PrivateKey* key_;
  static PrivateKey* other_;
};
PrivateKey* RsaOaep::key_ = nullptr;
PrivateKey* RsaOaep::other_ = nullptr;

const Bytes kPpid = {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10};

TEST_F(RsaOaep, KeyIsRsa3072) { EXPECT_EQ(key_->public_key().Algorithm(), "RSA 3072"); }

TEST_F(RsaOaep, RoundTripGivesIntelSizedCiphertext) {
  auto ct = RsaOaepSha256Encrypt(key_->public_key(), kPpid);
  ASSERT_TRUE(ct.ok()) << ct.status().ToString();
  EXPECT_EQ(ct->size(), 384u);                    // 768 hex characters on the wire
  EXPECT_EQ(HexEncode(*ct, true).size(), 768u);
  auto pt = RsaOaepSha256Decrypt(*key_, *ct);
  ASSERT_TRUE(pt.ok()) << pt.status().ToString();
  EXPECT_EQ(*pt, kPpid);
}

TEST_F(RsaOaep, EncryptionIsRandomised) {
  auto a = RsaOaepSha256Encrypt(key_->public_key(), kPpid);
  auto b = RsaOaepSha256Encrypt(key_->public_key(), kPpid);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(*RsaOaepSha256Decrypt(*key_, *b), kPpid);
}

TEST_F(RsaOaep, WrongKeyOrAlteredCiphertextIsDataLoss) {
  auto ct = RsaOaepSha256Encrypt(key_->public_key(), kPpid);
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(RsaOaepSha256Decrypt(*other_, *ct).status().code(), StatusCode::kDataLoss);
  Bytes altered = *ct;
  altered[200] ^= 0x01;
  EXPECT_EQ(RsaOaepSha256Decrypt(*key_, altered).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(RsaOaepSha256Decrypt(*key_, Bytes(383, 0x42)).status().code(), StatusCode::kDataLoss);
}

TEST_F(RsaOaep, SurvivesPemRoundTripOfTheKey) {
  auto reloaded = PrivateKey::FromPem(key_->ToPem());
  ASSERT_TRUE(reloaded.ok());
  auto ct = RsaOaepSha256Encrypt(reloaded->public_key(), kPpid);
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(*RsaOaepSha256Decrypt(*key_, *ct), kPpid);
}

// OpenSSL's OAEP default is SHA-1: a ciphertext made that way must not
// decrypt, which shows both digests really are SHA-256.
TEST_F(RsaOaep, Sha1OaepCiphertextDoesNotDecrypt) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key_->raw(), nullptr);
  ASSERT_NE(ctx, nullptr);
  ASSERT_EQ(EVP_PKEY_encrypt_init(ctx), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), 1);
  Bytes ct(384);
  size_t len = ct.size();
  ASSERT_EQ(EVP_PKEY_encrypt(ctx, ct.data(), &len, kPpid.data(), kPpid.size()), 1);
  EVP_PKEY_CTX_free(ctx);
  ct.resize(len);
  EXPECT_EQ(RsaOaepSha256Decrypt(*key_, ct).status().code(), StatusCode::kDataLoss);
}

TEST_F(RsaOaep, RejectsNonRsaKeysAndOverlongPlaintext) {
  auto ec = PrivateKey::GenerateEcP256();
  ASSERT_TRUE(ec.ok());
  EXPECT_EQ(RsaOaepSha256Encrypt(ec->public_key(), kPpid).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RsaOaepSha256Decrypt(*ec, Bytes(384, 1)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RsaOaepSha256Encrypt(PublicKey(), kPpid).status().code(), StatusCode::kInvalidArgument);
  // OAEP-SHA-256 fits at most 384 − 2·32 − 2 = 318 bytes in a 3072-bit block.
  EXPECT_TRUE(RsaOaepSha256Encrypt(key_->public_key(), Bytes(318, 7)).ok());
  EXPECT_EQ(RsaOaepSha256Encrypt(key_->public_key(), Bytes(319, 7)).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace thim::crypto
