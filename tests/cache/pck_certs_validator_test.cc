// Validation of a platform's PCK certificates before they are stored: chain to
// the pinned root, revocation, one platform, the PCE-ID asked for, headers.
#include "cache/pck_certs_validator.h"

#include <gtest/gtest.h>

#include "core/bytes.h"
#include "core/clock.h"
#include "sim/pki/intel_pki.h"

namespace thim::cache {
namespace {

class PckCertsValidation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    now_ = SystemClock::Instance().Now();
    pki_ = new sim::IntelPki(*sim::IntelPki::Create(now_ - std::chrono::hours(24)));
    other_ = new sim::IntelPki(*sim::IntelPki::Create(now_ - std::chrono::hours(24)));
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete other_;
  }

  static intel::PckCertListEntry Entry(const sim::IntelPki& pki, uint8_t level, Bytes ppid = Bytes(16, 0x11),
                                       Bytes fmspc = Bytes{0, 0x90, 0x6E, 0xD5, 0, 0}, Bytes serial = {}) {
    intel::PckCertListEntry e;
    e.tcb.components = {level, level, 2, 4, 1, 128, 14, 0};
    e.tcb.pcesvn = 13;
    e.tcbm = intel::FormatTcbm(e.tcb.components, 13);
    sim::PckSpec spec;
    spec.sgx.tcb = e.tcb;
    spec.sgx.ppid = std::move(ppid);
    spec.sgx.fmspc = std::move(fmspc);
    spec.ca = intel::PckCaType::kProcessor;
    spec.serial = std::move(serial);
    spec.not_before = now_ - std::chrono::hours(1);
    spec.not_after = now_ + std::chrono::hours(24 * 365);
    auto issued = pki.IssuePck(spec);
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    e.cert = *intel::ParsePckCertificate(issued->cert);
    return e;
  }
  static FetchedPckCerts Fetched(const std::vector<intel::PckCertListEntry>& entries, const sim::IntelPki& pki = *pki_) {
    FetchedPckCerts f;
    f.http_status = 200;
    f.body = intel::WritePckCertList(entries);
    f.issuer_chain = PercentEncode(pki.PckCaChainPem(intel::PckCaType::kProcessor));
    f.fmspc = "00906ED50000";
    f.ca_type = "processor";
    return f;
  }
  static PckCertsCheck Check(std::vector<Bytes> revoked = {}) {
    PckCertsCheck c{.pce_id = "0000", .at = now_};
    c.crls.push_back(*pki_->PckCrl(intel::PckCaType::kProcessor, {.this_update = now_ - std::chrono::hours(1),
                                                                   .next_update = now_ + std::chrono::hours(24),
                                                                   .revoked_serials = std::move(revoked)}));
    c.crls.push_back(*pki_->RootCrl({.this_update = now_ - std::chrono::hours(1), .next_update = now_ + std::chrono::hours(24)}));
    return c;
  }
  static inline TimePoint now_;
  static sim::IntelPki* pki_;
  static sim::IntelPki* other_;
};
sim::IntelPki* PckCertsValidation::pki_ = nullptr;
sim::IntelPki* PckCertsValidation::other_ = nullptr;

TEST_F(PckCertsValidation, AcceptsOnePlatformsCertificatesAndReportsWhatTheySay) {
  intel::PckCertListEntry na;
  na.tcb.components = {5, 5};
  na.tcb.pcesvn = 5;
  na.tcbm = intel::FormatTcbm(na.tcb.components, 5);
  auto v = ValidatePckCerts(Fetched({Entry(*pki_, 12), Entry(*pki_, 11), na}), pki_->root().cert, Check());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->entries.size(), 3u);
  EXPECT_EQ(v->fmspc, "00906ED50000");
  EXPECT_EQ(v->ca_type, "processor");
  EXPECT_EQ(v->ppid, std::string(32, '1'));
}

TEST_F(PckCertsValidation, RejectsWhatMustNotBeStored) {
  auto root = pki_->root().cert;
  struct Case {
    const char* what;
    FetchedPckCerts fetched;
    PckCertsCheck check;
    StatusCode code;
    const char* message;
  };
  auto wrong_header = Fetched({Entry(*pki_, 12)});
  wrong_header.fmspc = "00606A000000";
  auto wrong_ca = Fetched({Entry(*pki_, 12)});
  wrong_ca.ca_type = "platform";
  auto no_crl = Check();
  no_crl.crls.erase(no_crl.crls.begin());
  auto other_pce = Check();
  other_pce.pce_id = "0100";
  Bytes serial = {0x42, 0x42};
  auto garbage = Fetched({Entry(*pki_, 12)});
  garbage.body = "[{\"tcb\":1}]";
  auto no_chain = Fetched({Entry(*pki_, 12)});
  no_chain.issuer_chain = "";
  Case cases[] = {
      {"mixed platforms", Fetched({Entry(*pki_, 12), Entry(*pki_, 11, Bytes(16, 0x22))}), Check(), StatusCode::kDataLoss, "PPID"},
      {"mixed FMSPCs", Fetched({Entry(*pki_, 12), Entry(*pki_, 11, Bytes(16, 0x11), Bytes(6, 1))}), Check(), StatusCode::kDataLoss,
       "FMSPC"},
      {"SGX-FMSPC header disagrees", wrong_header, Check(), StatusCode::kDataLoss, "SGX-FMSPC"},
      {"CA type header disagrees", wrong_ca, Check(), StatusCode::kDataLoss, "CA-Type"},
      {"another PCE-ID", Fetched({Entry(*pki_, 12)}), other_pce, StatusCode::kDataLoss, "PCE-ID"},
      // Same names as ours (the sims share Intel's DNs): the CRL lookup matches, the chain does not.
      {"foreign root", Fetched({Entry(*other_, 12)}, *other_), Check(), StatusCode::kPermissionDenied, "untrusted root"},
      {"revoked", Fetched({Entry(*pki_, 12, Bytes(16, 0x11), Bytes{0, 0x90, 0x6E, 0xD5, 0, 0}, serial)}), Check({serial}),
       StatusCode::kPermissionDenied, "revoked"},
      {"no PCK CRL", Fetched({Entry(*pki_, 12)}), no_crl, StatusCode::kFailedPrecondition, "revocation"},
      {"not a certificate list", garbage, Check(), StatusCode::kDataLoss, "tcb"},
      {"no issuer chain", no_chain, Check(), StatusCode::kDataLoss, "Issuer-Chain"},
  };
  for (const auto& c : cases) {
    auto v = ValidatePckCerts(c.fetched, root, c.check);
    ASSERT_FALSE(v.ok()) << c.what;
    EXPECT_EQ(v.status().code(), c.code) << c.what << ": " << v.status().ToString();
    EXPECT_NE(v.status().message().find(c.message), std::string::npos) << c.what << ": " << v.status().ToString();
  }
  // A foreign chain is untrusted even when its own CRL is offered.
  auto foreign_check = Check();
  foreign_check.crls.push_back(*other_->PckCrl(intel::PckCaType::kProcessor, {.this_update = now_ - std::chrono::hours(1),
                                                                                .next_update = now_ + std::chrono::hours(24)}));
  auto foreign = ValidatePckCerts(Fetched({Entry(*other_, 12)}, *other_), root, foreign_check);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), StatusCode::kPermissionDenied) << foreign.status().ToString();
  // Expired certificates.
  auto later = Check();
  later.at = now_ + std::chrono::hours(24 * 400);
  later.crls.clear();
  later.crls.push_back(*pki_->PckCrl(intel::PckCaType::kProcessor, {.this_update = later.at - std::chrono::hours(1),
                                                                     .next_update = later.at + std::chrono::hours(24)}));
  auto expired = ValidatePckCerts(Fetched({Entry(*pki_, 12)}), root, later);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), StatusCode::kOutOfRange) << expired.status().ToString();
  // Every entry "Not available".
  intel::PckCertListEntry na;
  na.tcbm = intel::FormatTcbm(na.tcb.components, 0);
  EXPECT_EQ(ValidatePckCerts(Fetched({na}), root, Check()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace thim::cache
