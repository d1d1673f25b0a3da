// The SGX extension encoder produces Intel's exact bytes, and the PCK parser
// gives every malformed extension a precise InvalidArgument naming the field
// (never a crash). Certificates are issued by the simulator's PKI so the
// parser sees real X.509 wrappers around hand-assembled extensions.
#include "sim/pki/sgx_extension.h"

#include <gtest/gtest.h>

#include "sim/pki/intel_pki.h"
#include "testdata.h"

namespace thim::sim {
namespace {

using intel::PckCaType;
using thim::testing::At;
using thim::testing::ReadRealString;

class SgxExtension : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new IntelPki(*IntelPki::Create(At("2024-01-01T00:00:00Z"))); }
  static void TearDownTestSuite() { delete pki_; }

  // A certificate carrying `ext_der` (nullopt = no SGX extension), issued by
  // `issuer` (a PCK CA unless a test wants another).
  static crypto::Certificate Issue(std::optional<Bytes> ext_der, const IssuedCert& issuer) {
    CertSpec spec;
    spec.subject.cn = "Intel SGX PCK Certificate";
    spec.not_before = At("2024-01-01T00:00:00Z");
    spec.not_after = At("2030-01-01T00:00:00Z");
    if (ext_der) spec.extensions.push_back({std::string(intel::kSgxExtensionOid), std::move(*ext_der), false});
    auto key = crypto::PrivateKey::GenerateEcP256();
    auto cert = IssueCertificate(spec, *key, &issuer);
    EXPECT_TRUE(cert.ok()) << cert.status().ToString();
    return *cert;
  }
  static Status Parse(const Bytes& ext_der, PckCaType ca = PckCaType::kProcessor) {
    return intel::ParsePckCertificate(Issue(ext_der, pki_->ca(ca))).status();
  }
  // Expects InvalidArgument with exactly `message`.
  static void ExpectError(const Bytes& ext_der, const std::string& message, PckCaType ca = PckCaType::kProcessor) {
    Status st = Parse(ext_der, ca);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
    EXPECT_EQ(st.message(), message);
  }

  // The 18 TCB entries of a valid certificate (components 1..16, PCESVN 13, CPUSVN).
  static std::vector<Bytes> TcbEntries() {
    std::vector<Bytes> tcb;
    for (int i = 1; i <= 16; ++i) tcb.push_back(der::SgxEntry("2." + std::to_string(i), der::Integer(i)));
    tcb.push_back(der::SgxEntry("2.17", der::Integer(13)));
    Bytes cpusvn;
    for (int i = 1; i <= 16; ++i) cpusvn.push_back(static_cast<uint8_t>(i));
    tcb.push_back(der::SgxEntry("2.18", der::OctetString(cpusvn)));
    return tcb;
  }
  // The 5 top-level entries of a valid processor certificate, with `tcb` as entry 2.
  static std::vector<Bytes> Entries(const std::vector<Bytes>& tcb = TcbEntries()) {
    return {der::SgxEntry("1", der::OctetString(Bytes(16, 0x11))), der::SgxEntry("2", der::Sequence(tcb)),
            der::SgxEntry("3", der::OctetString(Bytes(2, 0))), der::SgxEntry("4", der::OctetString(*HexDecode("00906ED50000"))),
            der::SgxEntry("5", der::Enumerated(0))};
  }
  static std::vector<Bytes> PlatformEntries(const std::vector<Bytes>& config) {
    auto e = Entries();
    e.push_back(der::SgxEntry("6", der::OctetString(Bytes(16, 0x66))));
    e.push_back(der::SgxEntry("7", der::Sequence(config)));
    return e;
  }
  static std::vector<Bytes> Config() {
    return {der::SgxEntry("7.1", der::Boolean(true)), der::SgxEntry("7.2", der::Boolean(false)),
            der::SgxEntry("7.3", der::Boolean(true))};
  }

  static IntelPki* pki_;
};
IntelPki* SgxExtension::pki_ = nullptr;

TEST_F(SgxExtension, DerBuildingBlocks) {
  EXPECT_EQ(der::Integer(5), (Bytes{0x02, 0x01, 0x05}));
  EXPECT_EQ(der::Integer(128), (Bytes{0x02, 0x02, 0x00, 0x80}));  // minimal two's complement
  EXPECT_EQ(der::Enumerated(1), (Bytes{0x0A, 0x01, 0x01}));
  EXPECT_EQ(der::Boolean(true), (Bytes{0x01, 0x01, 0xFF}));
  EXPECT_EQ(der::Boolean(false), (Bytes{0x01, 0x01, 0x00}));
  EXPECT_EQ(der::OctetString(Bytes{0xAB}), (Bytes{0x04, 0x01, 0xAB}));
  EXPECT_EQ(der::Oid("1.2.840.113741.1.13.1"), (Bytes{0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01}));
  EXPECT_EQ(der::Sequence({der::Integer(1), der::Boolean(false)}), (Bytes{0x30, 0x06, 0x02, 0x01, 0x01, 0x01, 0x01, 0x00}));
}

// The encoder reproduces real Intel extensions byte for byte, so simulated
// PCK certificates exercise exactly the shapes the product meets.
TEST_F(SgxExtension, EncoderReproducesRealIntelExtensions) {
  for (const char* file : {"mobilecoin-attestation/verifier/data/tests/leaf_cert.pem",
                           "go-tdx-guest/extracted/cos-113-tdx-quote.pck_chain.pem",
                           "trustee/extracted/az-tdx-vtpm_td-quote.pck_chain.pem",
                           "go-tdx-guest/extracted/quote_v5_sample.pck_chain.pem"}) {
    auto cert = (*crypto::ParseCertificateList(ReadRealString(file)))[0];
    auto pck = intel::ParsePckCertificate(cert);
    ASSERT_TRUE(pck.ok()) << file << ": " << pck.status().ToString();
    SgxExtensionSpec spec;
    spec.ppid = pck->ppid;
    spec.tcb = pck->tcb;
    spec.cpusvn = pck->cpusvn;
    spec.pce_id = pck->pce_id;
    spec.fmspc = pck->fmspc;
    spec.sgx_type = static_cast<int>(pck->sgx_type);
    spec.platform_instance_id = pck->platform_instance_id;
    spec.configuration = pck->configuration;
    auto encoded = EncodeSgxExtension(spec);
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(HexEncode(*encoded), HexEncode(*cert.ExtensionValue(intel::kSgxExtensionOid))) << file;
  }
}

TEST_F(SgxExtension, ValidHandBuiltExtensionsParse) {
  auto pck = intel::ParsePckCertificate(Issue(der::Sequence(Entries()), pki_->processor_ca()));
  ASSERT_TRUE(pck.ok()) << pck.status().ToString();
  EXPECT_EQ(pck->tcb.components[15], 16);
  EXPECT_EQ(pck->tcb.pcesvn, 13);
  EXPECT_EQ(pck->Tcbm(), "0102030405060708090A0B0C0D0E0F100D00");
  // Entry order is not significant (QVL looks entries up by OID).
  auto entries = Entries();
  std::swap(entries[0], entries[4]);
  EXPECT_TRUE(Parse(der::Sequence(entries)).ok());
  auto platform = intel::ParsePckCertificate(Issue(der::Sequence(PlatformEntries(Config())), pki_->platform_ca()));
  ASSERT_TRUE(platform.ok()) << platform.status().ToString();
  EXPECT_TRUE(platform->configuration->dynamic_platform);
  EXPECT_FALSE(platform->configuration->cached_keys);
  EXPECT_TRUE(platform->configuration->smt_enabled);
  EXPECT_EQ(*platform->platform_instance_id, Bytes(16, 0x66));
}

TEST_F(SgxExtension, MissingExtensionIsNotFound) {
  auto st = intel::ParsePckCertificate(Issue(std::nullopt, pki_->processor_ca())).status();
  EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
}

TEST_F(SgxExtension, IssuerMustBeAProcessorOrPlatformCa) {
  Status st = intel::ParsePckCertificate(Issue(der::Sequence(Entries()), pki_->tcb_signer())).status();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "PCK certificate issuer \"Intel SGX TCB Signing\" is neither a Processor nor a Platform CA");
}

TEST_F(SgxExtension, GarbageTruncatedAndTrailingBytes) {
  ExpectError({0x01, 0x02, 0x03}, "PCK extension: the SGX extension is not a DER SEQUENCE");
  ExpectError({}, "PCK extension: the SGX extension is not a DER SEQUENCE");
  Bytes good = der::Sequence(Entries());
  for (size_t cut : {size_t{1}, size_t{2}, good.size() / 2, good.size() - 1})
    ExpectError(Bytes(good.begin(), good.begin() + static_cast<long>(cut)), "PCK extension: the SGX extension is not a DER SEQUENCE");
  Bytes trailing = good;
  trailing.push_back(0);
  ExpectError(trailing, "PCK extension: the SGX extension has trailing bytes");
  ExpectError(der::OctetString(good), "PCK extension: the SGX extension is not a DER SEQUENCE");
}

TEST_F(SgxExtension, EntryCounts) {
  ExpectError(der::Sequence({}), "PCK extension: has 0 entries, expected 5 for a processor CA certificate");
  auto four = Entries();
  four.pop_back();
  ExpectError(der::Sequence(four), "PCK extension: has 4 entries, expected 5 for a processor CA certificate");
  // Processor certificates carry 5 entries, platform certificates 7, as QVL requires.
  ExpectError(der::Sequence(PlatformEntries(Config())), "PCK extension: has 7 entries, expected 5 for a processor CA certificate");
  ExpectError(der::Sequence(Entries()), "PCK extension: has 5 entries, expected 7 for a platform CA certificate", PckCaType::kPlatform);
  auto six = Entries();
  six.push_back(der::SgxEntry("6", der::OctetString(Bytes(16, 0))));
  ExpectError(der::Sequence(six), "PCK extension: has 6 entries, expected 7 for a platform CA certificate", PckCaType::kPlatform);

  auto tcb17 = TcbEntries();
  tcb17.erase(tcb17.begin() + 4);
  ExpectError(der::Sequence(Entries(tcb17)), "PCK extension: TCB has 17 entries, expected 18");
  auto tcb19 = TcbEntries();
  tcb19.push_back(der::SgxEntry("2.1", der::Integer(1)));
  ExpectError(der::Sequence(Entries(tcb19)), "PCK extension: TCB has 19 entries, expected 18");
  auto config2 = Config();
  config2.pop_back();
  ExpectError(der::Sequence(PlatformEntries(config2)), "PCK extension: Configuration must hold dynamicPlatform, cachedKeys and SMTEnabled",
              PckCaType::kPlatform);
}

TEST_F(SgxExtension, WrongTypes) {
  auto with = [](size_t index, Bytes entry) {
    auto e = Entries();
    e[index] = std::move(entry);
    return der::Sequence(e);
  };
  ExpectError(with(0, der::SgxEntry("1", der::Integer(1))), "PCK extension: PPID is not an OCTET STRING");
  ExpectError(with(1, der::SgxEntry("2", der::OctetString(Bytes(18, 0)))), "PCK extension: TCB is not a SEQUENCE");
  ExpectError(with(2, der::SgxEntry("3", der::Integer(0))), "PCK extension: PCE-ID is not an OCTET STRING");
  ExpectError(with(3, der::SgxEntry("4", der::Boolean(true))), "PCK extension: FMSPC is not an OCTET STRING");
  // SGX Type is ENUMERATED in Intel's certificates; an INTEGER is a different type.
  ExpectError(with(4, der::SgxEntry("5", der::Integer(0))), "PCK extension: SGX Type is not an ENUMERATED");
  ExpectError(with(0, der::Integer(1)), "PCK extension: entry 0 is not a SEQUENCE");
  ExpectError(with(0, der::Sequence({der::Integer(1), der::OctetString(Bytes(16, 0))})),
              "PCK extension: entry 0 does not start with an OID");
  ExpectError(with(0, der::Sequence({der::Oid("1.2.840.113741.1.13.1.1"), der::OctetString(Bytes(16, 0)), der::Integer(1)})),
              "PCK extension: entry 0 is not an (OID, value) pair");

  auto tcb = TcbEntries();
  tcb[2] = der::SgxEntry("2.3", der::OctetString(Bytes{3}));
  ExpectError(der::Sequence(Entries(tcb)), "PCK extension: TCB component 3 is not an INTEGER");
  tcb = TcbEntries();
  tcb[2] = der::SgxEntry("2.3", der::Enumerated(3));
  ExpectError(der::Sequence(Entries(tcb)), "PCK extension: TCB component 3 is not an INTEGER");
  tcb = TcbEntries();
  tcb[16] = der::SgxEntry("2.17", der::OctetString(Bytes{0, 13}));
  ExpectError(der::Sequence(Entries(tcb)), "PCK extension: PCESVN is not an INTEGER");
  tcb = TcbEntries();
  tcb[17] = der::SgxEntry("2.18", der::Integer(1));
  ExpectError(der::Sequence(Entries(tcb)), "PCK extension: CPUSVN is not an OCTET STRING");

  auto config = Config();
  config[1] = der::SgxEntry("7.2", der::Integer(0));
  ExpectError(der::Sequence(PlatformEntries(config)), "PCK extension: Configuration entry 2 is not a BOOLEAN", PckCaType::kPlatform);
  auto platform = PlatformEntries(Config());
  platform[6] = der::SgxEntry("7", der::OctetString(Bytes(3, 0)));
  ExpectError(der::Sequence(platform), "PCK extension: Configuration is not a SEQUENCE", PckCaType::kPlatform);
}

TEST_F(SgxExtension, WrongSizesAndRanges) {
  auto with = [](size_t index, Bytes entry) {
    auto e = Entries();
    e[index] = std::move(entry);
    return der::Sequence(e);
  };
  ExpectError(with(0, der::SgxEntry("1", der::OctetString(Bytes(15, 0)))), "PCK extension: PPID is 15 bytes, expected 16");
  ExpectError(with(2, der::SgxEntry("3", der::OctetString(Bytes(4, 0)))), "PCK extension: PCE-ID is 4 bytes, expected 2");
  ExpectError(with(3, der::SgxEntry("4", der::OctetString(Bytes(5, 0)))), "PCK extension: FMSPC is 5 bytes, expected 6");
  ExpectError(with(4, der::SgxEntry("5", der::Enumerated(3))), "PCK extension: SGX Type value 3 out of range 0..2");
  ExpectError(with(4, der::SgxEntry("5", der::Enumerated(-1))), "PCK extension: SGX Type value -1 out of range 0..2");

  auto tcb = TcbEntries();
  tcb[5] = der::SgxEntry("2.6", der::Integer(256));
  ExpectError(der::Sequence(Entries(tcb)), "PCK extension: TCB component 6 value 256 out of range 0..255");
  tcb[5] = der::SgxEntry("2.6", der::Integer(-1));
  ExpectError(der::Sequence(Entries(tcb)), "PCK extension: TCB component 6 value -1 out of range 0..255");
  tcb = TcbEntries();
  tcb[16] = der::SgxEntry("2.17", der::Integer(65536));
  ExpectError(der::Sequence(Entries(tcb)), "PCK extension: PCESVN value 65536 out of range 0..65535");
  tcb = TcbEntries();
  tcb[17] = der::SgxEntry("2.18", der::OctetString(Bytes(17, 0)));
  ExpectError(der::Sequence(Entries(tcb)), "PCK extension: CPUSVN is 17 bytes, expected 16");
  // The boundaries themselves are fine: SVN 255 (DER 00 FF) and PCESVN 65535.
  tcb = TcbEntries();
  tcb[0] = der::SgxEntry("2.1", der::Integer(255));
  tcb[16] = der::SgxEntry("2.17", der::Integer(65535));
  auto pck = intel::ParsePckCertificate(Issue(der::Sequence(Entries(tcb)), pki_->processor_ca()));
  ASSERT_TRUE(pck.ok()) << pck.status().ToString();
  EXPECT_EQ(pck->tcb.components[0], 255);
  EXPECT_EQ(pck->tcb.pcesvn, 65535);
  auto platform = PlatformEntries(Config());
  platform[5] = der::SgxEntry("6", der::OctetString(Bytes(8, 0)));
  ExpectError(der::Sequence(platform), "PCK extension: PlatformInstanceID is 8 bytes, expected 16", PckCaType::kPlatform);
}

TEST_F(SgxExtension, UnknownDuplicateAndMissingOids) {
  auto e = Entries();
  e[3] = der::SgxEntry("9", der::OctetString(Bytes(6, 0)));
  ExpectError(der::Sequence(e), "PCK extension: entry 3 has unknown OID arc 9");
  e = Entries();
  e[3] = der::SgxEntry("4.1", der::OctetString(Bytes(6, 0)));
  ExpectError(der::Sequence(e), "PCK extension: entry 3 has unknown OID arc 4.1");
  e = Entries();
  e[3] = der::Sequence({der::Oid("2.5.29.14"), der::OctetString(Bytes(6, 0))});
  ExpectError(der::Sequence(e), "PCK extension: entry 3 has unexpected OID 2.5.29.14");
  // A duplicate PPID in place of the FMSPC: the count is right, the content is not.
  e = Entries();
  e[3] = e[0];
  ExpectError(der::Sequence(e), "PCK extension: entry 1 appears twice");
  // Entries 6 and 7 on a processor-shaped count: the platform-only arcs in a
  // 5-entry extension leave a required entry missing.
  e = Entries();
  e[3] = der::SgxEntry("6", der::OctetString(Bytes(16, 0)));
  ExpectError(der::Sequence(e), "PCK extension: entry 1.2.840.113741.1.13.1.4 is missing");

  auto tcb = TcbEntries();
  tcb[15] = tcb[0];
  ExpectError(der::Sequence(Entries(tcb)), "PCK extension: TCB component 1 appears twice");
  tcb = TcbEntries();
  tcb[15] = der::SgxEntry("2.19", der::Integer(1));
  ExpectError(der::Sequence(Entries(tcb)), "PCK extension: TCB entry 15 has unknown OID arc 19");
  tcb = TcbEntries();
  tcb[15] = der::SgxEntry("3", der::Integer(1));
  ExpectError(der::Sequence(Entries(tcb)), "PCK extension: TCB entry 15 has unexpected OID 1.2.840.113741.1.13.1.3");

  auto config = Config();
  config[2] = config[0];
  ExpectError(der::Sequence(PlatformEntries(config)), "PCK extension: Configuration entry 1 appears twice", PckCaType::kPlatform);
  config = Config();
  config.push_back(der::SgxEntry("7.4", der::Boolean(true)));
  ExpectError(der::Sequence(PlatformEntries(config)), "PCK extension: Configuration has unknown OID arc 4", PckCaType::kPlatform);
}

}  // namespace
}  // namespace thim::sim
