// The parsed form of an Intel DCAP quote: SGX v3, and v4/v5 for SGX and TDX
// (reference intel-qpl-qvl.md §3). Fixed-size fields are std::array so that a
// parsed quote can never hold a field of the wrong length.
// Thread-safety: plain value types.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/bytes.h"

namespace thim::verify {

inline constexpr uint32_t kTeeTypeSgx = 0x00000000;
inline constexpr uint32_t kTeeTypeTdx = 0x00000081;
inline constexpr uint16_t kAttestationKeyEcdsaP256 = 2;
inline constexpr std::array<uint8_t, 16> kIntelQeVendorId = {0x93, 0x9A, 0x72, 0x33, 0xF7, 0x9C, 0x4C, 0xA9,
                                                             0x94, 0x0A, 0x0D, 0xB3, 0x95, 0x7F, 0x06, 0x07};

// Certification data types (sgx_ql_cert_key_type_t).
inline constexpr uint16_t kCertDataPckChain = 5;
inline constexpr uint16_t kCertDataQeReport = 6;

// The report body kinds; the values are the v5 body_type field.
enum class BodyType : uint16_t { kSgxEnclave = 1, kTd10 = 2, kTd15 = 3 };
std::string_view BodyTypeName(BodyType t);  // "SGX enclave report", "TD report 1.0", "TD report 1.5"

inline constexpr size_t kHeaderSize = 48;
inline constexpr size_t kEnclaveReportSize = 384;
inline constexpr size_t kTd10ReportSize = 584;
inline constexpr size_t kTd15ReportSize = 648;

struct QuoteHeader {
  uint16_t version = 0;
  uint16_t attestation_key_type = 0;
  uint32_t tee_type = 0;
  uint16_t qe_svn = 0;   // v3 only; "reserved" in v4/v5
  uint16_t pce_svn = 0;  // v3 only; "reserved" in v4/v5
  std::array<uint8_t, 16> qe_vendor_id{};
  std::array<uint8_t, 20> user_data{};
};

// sgx_report_body_t: the application enclave's report (SGX quotes) and the QE report.
struct EnclaveReport {
  std::array<uint8_t, 16> cpu_svn{};
  uint32_t miscselect = 0;
  std::array<uint8_t, 16> isv_ext_prod_id{};
  std::array<uint8_t, 16> attributes{};
  std::array<uint8_t, 32> mr_enclave{};
  std::array<uint8_t, 32> mr_signer{};
  std::array<uint8_t, 64> config_id{};
  uint16_t isv_prod_id = 0;
  uint16_t isv_svn = 0;
  uint16_t config_svn = 0;
  std::array<uint8_t, 16> isv_family_id{};
  std::array<uint8_t, 64> report_data{};
  Bytes raw;  // the 384 bytes as they were in the quote (the QE report signature covers them)
};

// sgx_report2_body_t (TD 1.0) and sgx_report2_body_v1_5_t (TD 1.5).
struct TdReport {
  std::array<uint8_t, 16> tee_tcb_svn{};
  std::array<uint8_t, 48> mr_seam{};
  std::array<uint8_t, 48> mrsigner_seam{};
  std::array<uint8_t, 8> seam_attributes{};
  std::array<uint8_t, 8> td_attributes{};
  std::array<uint8_t, 8> xfam{};
  std::array<uint8_t, 48> mr_td{};
  std::array<uint8_t, 48> mr_config_id{};
  std::array<uint8_t, 48> mr_owner{};
  std::array<uint8_t, 48> mr_owner_config{};
  std::array<std::array<uint8_t, 48>, 4> rtmr{};
  std::array<uint8_t, 64> report_data{};
  // TD 1.5 only.
  std::optional<std::array<uint8_t, 16>> tee_tcb_svn2;
  std::optional<std::array<uint8_t, 48>> mr_servicetd;
};

struct Quote {
  QuoteHeader header;
  BodyType body_type = BodyType::kSgxEnclave;
  std::optional<EnclaveReport> enclave;  // body_type kSgxEnclave
  std::optional<TdReport> td;            // body_type kTd10 / kTd15
  size_t signed_length = 0;              // the quote signature covers bytes [0, signed_length)
  std::array<uint8_t, 64> signature{};        // r ‖ s, big endian
  std::array<uint8_t, 64> attestation_key{};  // P-256 X ‖ Y
  EnclaveReport qe_report;
  std::array<uint8_t, 64> qe_report_signature{};
  Bytes qe_auth_data;
  Bytes pck_chain;  // certification data type 5: PEM leaf ‖ intermediate ‖ root (as found, maybe NUL-terminated)
  size_t end_offset = 0;       // where the signature data ends
  size_t trailing_bytes = 0;   // bytes after the signature data (only when the parse options allow them)
  Bytes raw;                   // the whole input

  bool is_tdx() const { return header.tee_type == kTeeTypeTdx; }
  ByteSpan SignedBytes() const { return ByteSpan(raw).first(signed_length); }
  // The report data of the body (64 bytes): the enclave's or the TD's.
  ByteSpan ReportData() const { return enclave ? ByteSpan(enclave->report_data) : ByteSpan(td->report_data); }
};

}  // namespace thim::verify
