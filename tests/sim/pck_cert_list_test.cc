// Intel's pckcerts body: parsing every field strictly, "Not available"
// entries, consistency of each entry with its certificate, and the writer.
#include "intel/pck_cert_list.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/pem.h"
#include "sim/pki/intel_pki.h"

namespace thim::intel {
namespace {

class PckCertList : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new sim::IntelPki(*sim::IntelPki::Create(SystemClock::Instance().Now() - std::chrono::hours(24))); }
  static void TearDownTestSuite() { delete pki_; }

  static PckCertListEntry Entry(uint8_t c, uint16_t pcesvn, bool available = true) {
    PckCertListEntry e;
    e.tcb.components = {c, c, 2, 4, 1, 128, 14, 0};
    e.tcb.pcesvn = pcesvn;
    e.tcbm = FormatTcbm(e.tcb.components, pcesvn);
    if (!available) return e;
    sim::PckSpec spec;
    spec.sgx.tcb = e.tcb;
    spec.sgx.cpusvn = Bytes(e.tcb.components.begin(), e.tcb.components.end());
    spec.ca = PckCaType::kProcessor;
    spec.not_before = SystemClock::Instance().Now() - std::chrono::hours(1);
    spec.not_after = spec.not_before + std::chrono::hours(24 * 365);
    auto issued = pki_->IssuePck(spec);
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    auto pck = ParsePckCertificate(issued->cert);
    EXPECT_TRUE(pck.ok()) << pck.status().ToString();
    e.cert = *pck;
    return e;
  }
  static sim::IntelPki* pki_;
};
sim::IntelPki* PckCertList::pki_ = nullptr;

TEST_F(PckCertList, WriterAndParserAgreeAndKeepNotAvailable) {
  std::vector<PckCertListEntry> entries = {Entry(12, 13), Entry(11, 13), Entry(5, 5, false)};
  std::string body = WritePckCertList(entries);
  EXPECT_NE(body.find("\"cert\":\"Not available\""), std::string::npos);
  EXPECT_NE(body.find("\"sgxtcbcomp01svn\":12"), std::string::npos);
  EXPECT_NE(body.find("-----BEGIN%20CERTIFICATE-----"), std::string::npos);  // URL-encoded PEM, as PCS
  auto parsed = ParsePckCertList(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].tcbm, entries[0].tcbm);
  EXPECT_EQ((*parsed)[0].tcb, entries[0].tcb);
  ASSERT_TRUE((*parsed)[0].cert.has_value());
  EXPECT_EQ((*parsed)[0].cert->cert, entries[0].cert->cert);
  EXPECT_FALSE((*parsed)[2].cert.has_value());
  EXPECT_EQ(WritePckCertList(*parsed), body);
}

TEST_F(PckCertList, MalformedBodiesNameTheEntryAndField) {
  auto good = nlohmann::json::parse(WritePckCertList({Entry(12, 13), Entry(11, 13)}));
  auto expect_bad = [](const nlohmann::json& j, const std::string& where) {
    auto r = ParsePckCertList(j.dump());
    ASSERT_FALSE(r.ok()) << j.dump().substr(0, 200);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(where), std::string::npos) << r.status().message();
  };
  EXPECT_FALSE(ParsePckCertList("").ok());
  EXPECT_FALSE(ParsePckCertList("{}").ok());
  EXPECT_FALSE(ParsePckCertList("[]").ok());
  auto j = good;
  j[1]["tcb"]["sgxtcbcomp07svn"] = 256;
  expect_bad(j, "[1].tcb.sgxtcbcomp07svn");
  j = good;
  j[0]["tcb"].erase("pcesvn");
  expect_bad(j, "[0].tcb");
  j = good;
  j[0]["tcbm"] = "XYZ";
  expect_bad(j, "[0].tcbm");
  j = good;
  j[0]["extra"] = 1;
  expect_bad(j, "unexpected key");
  j = good;
  j[0]["cert"] = "-----BEGIN%20CERTIFICATE-----%0AAAAA%0A-----END%20CERTIFICATE-----%0A";
  expect_bad(j, "[0].cert");
  j = good;
  j[0]["cert"] = 5;
  expect_bad(j, "[0].cert");
  // An entry whose certificate belongs to another level.
  j = good;
  j[0]["cert"] = good[1]["cert"];
  expect_bad(j, "differs from the entry's tcb");
  j = good;
  j[0]["tcbm"] = good[1]["tcbm"];
  expect_bad(j, "[0]");
  j = good;
  j[0]["tcb"]["pcesvn"] = 12;
  expect_bad(j, "[0]");
}

}  // namespace
}  // namespace thim::intel
