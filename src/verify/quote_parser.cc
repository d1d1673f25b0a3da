#include "verify/quote_parser.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace thim::verify {
namespace {

std::string Hex16(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", v);
  return buf;
}

// A bounded cursor over a slice of the quote; offsets in messages are always
// absolute (from the start of the quote) so an operator can find the byte.
class Reader {
 public:
  Reader(ByteSpan data, size_t base) : data_(data), base_(base) {}
  size_t offset() const { return base_ + pos_; }
  size_t remaining() const { return data_.size() - pos_; }

  Status Error(size_t at, std::string_view field, const std::string& what) const {
    return InvalidArgumentError("quote: " + std::string(field) + " at offset " + std::to_string(at) + ": " + what);
  }
  StatusOr<ByteSpan> Take(size_t n, std::string_view field) {
    if (n > remaining()) {
      return Error(offset(), field,
                   "truncated: needs " + std::to_string(n) + " bytes, " + std::to_string(remaining()) + " remain");
    }
    ByteSpan out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  StatusOr<uint16_t> U16(std::string_view field) {
    ASSIGN_OR_RETURN(ByteSpan b, Take(2, field));
    return static_cast<uint16_t>(b[0] | (b[1] << 8));
  }
  StatusOr<uint32_t> U32(std::string_view field) {
    ASSIGN_OR_RETURN(ByteSpan b, Take(4, field));
    return static_cast<uint32_t>(b[0]) | (static_cast<uint32_t>(b[1]) << 8) | (static_cast<uint32_t>(b[2]) << 16) |
           (static_cast<uint32_t>(b[3]) << 24);
  }
  template <size_t N>
  Status Array(std::array<uint8_t, N>& out, std::string_view field) {
    ASSIGN_OR_RETURN(ByteSpan b, Take(N, field));
    std::copy(b.begin(), b.end(), out.begin());
    return OkStatus();
  }
  // A sub-reader over the next `n` bytes, which must all be consumed by it.
  StatusOr<Reader> Sub(size_t n, std::string_view field) {
    size_t at = offset();
    ASSIGN_OR_RETURN(ByteSpan b, Take(n, field));
    return Reader(b, at);
  }
  // The container must be exactly filled (Intel's sizes are exact, never padded).
  Status ExpectEnd(std::string_view container) const {
    if (remaining() == 0) return OkStatus();
    return Error(offset(), container,
                 std::to_string(remaining()) + " unexpected bytes after the last field");
  }

 private:
  ByteSpan data_;
  size_t base_;
  size_t pos_ = 0;
};

uint16_t Le16(ByteSpan b, size_t at) { return static_cast<uint16_t>(b[at] | (b[at + 1] << 8)); }
uint32_t Le32(ByteSpan b, size_t at) {
  return static_cast<uint32_t>(Le16(b, at)) | (static_cast<uint32_t>(Le16(b, at + 2)) << 16);
}
template <size_t N>
std::array<uint8_t, N> Arr(ByteSpan b, size_t at) {
  std::array<uint8_t, N> out{};
  std::memcpy(out.data(), b.data() + at, N);
  return out;
}

// Layout of sgx_report_body_t (reference §3.5); reserved fields are skipped.
EnclaveReport DecodeEnclaveReport(ByteSpan b) {
  EnclaveReport r;
  r.cpu_svn = Arr<16>(b, 0);
  r.miscselect = Le32(b, 16);
  r.isv_ext_prod_id = Arr<16>(b, 32);
  r.attributes = Arr<16>(b, 48);
  r.mr_enclave = Arr<32>(b, 64);
  r.mr_signer = Arr<32>(b, 128);
  r.config_id = Arr<64>(b, 192);
  r.isv_prod_id = Le16(b, 256);
  r.isv_svn = Le16(b, 258);
  r.config_svn = Le16(b, 260);
  r.isv_family_id = Arr<16>(b, 304);
  r.report_data = Arr<64>(b, 320);
  r.raw.assign(b.begin(), b.end());
  return r;
}

// Layout of sgx_report2_body_t / _v1_5_t (reference §3.6).
TdReport DecodeTdReport(ByteSpan b) {
  TdReport r;
  r.tee_tcb_svn = Arr<16>(b, 0);
  r.mr_seam = Arr<48>(b, 16);
  r.mrsigner_seam = Arr<48>(b, 64);
  r.seam_attributes = Arr<8>(b, 112);
  r.td_attributes = Arr<8>(b, 120);
  r.xfam = Arr<8>(b, 128);
  r.mr_td = Arr<48>(b, 136);
  r.mr_config_id = Arr<48>(b, 184);
  r.mr_owner = Arr<48>(b, 232);
  r.mr_owner_config = Arr<48>(b, 280);
  for (size_t i = 0; i < 4; ++i) r.rtmr[i] = Arr<48>(b, 328 + 48 * i);
  r.report_data = Arr<64>(b, 520);
  if (b.size() == kTd15ReportSize) {
    r.tee_tcb_svn2 = Arr<16>(b, 584);
    r.mr_servicetd = Arr<48>(b, 600);
  }
  return r;
}

size_t BodySize(BodyType t) {
  switch (t) {
    case BodyType::kSgxEnclave: return kEnclaveReportSize;
    case BodyType::kTd10: return kTd10ReportSize;
    case BodyType::kTd15: return kTd15ReportSize;
  }
  return 0;
}

Status ParseHeader(Reader& r, QuoteHeader& h) {
  size_t at = r.offset();
  ASSIGN_OR_RETURN(h.version, r.U16("header version"));
  if (h.version < 3 || h.version > 5) {
    return r.Error(at, "header version", "unsupported version " + std::to_string(h.version) + " (expected 3, 4 or 5)");
  }
  at = r.offset();
  ASSIGN_OR_RETURN(h.attestation_key_type, r.U16("attestation key type"));
  if (h.attestation_key_type != kAttestationKeyEcdsaP256) {
    return r.Error(at, "attestation key type",
                   "unsupported type " + std::to_string(h.attestation_key_type) + " (only 2, ECDSA P-256, is defined)");
  }
  at = r.offset();
  ASSIGN_OR_RETURN(h.tee_type, r.U32("TEE type"));
  if (h.version == 3 && h.tee_type != kTeeTypeSgx) {
    return r.Error(at, "TEE type", "version 3 quotes are SGX only; got " + Hex16(h.tee_type));
  }
  if (h.tee_type != kTeeTypeSgx && h.tee_type != kTeeTypeTdx) {
    return r.Error(at, "TEE type", "unknown type " + Hex16(h.tee_type) + " (expected 0x0 SGX or 0x81 TDX)");
  }
  ASSIGN_OR_RETURN(h.qe_svn, r.U16("QE SVN"));
  ASSIGN_OR_RETURN(h.pce_svn, r.U16("PCE SVN"));
  at = r.offset();
  RETURN_IF_ERROR(r.Array(h.qe_vendor_id, "QE vendor ID"));
  if (h.qe_vendor_id != kIntelQeVendorId) {
    return r.Error(at, "QE vendor ID", "not Intel's (" + HexEncode(h.qe_vendor_id, true) + ")");
  }
  return r.Array(h.user_data, "user data");
}

Status ParseBody(Reader& r, Quote& q) {
  const QuoteHeader& h = q.header;
  if (h.version == 5) {
    size_t at = r.offset();
    ASSIGN_OR_RETURN(uint16_t type, r.U16("body type"));
    if (type < 1 || type > 3) {
      return r.Error(at, "body type", "unknown type " + std::to_string(type) + " (expected 1, 2 or 3)");
    }
    q.body_type = static_cast<BodyType>(type);
    if (h.tee_type == kTeeTypeSgx && q.body_type != BodyType::kSgxEnclave) {
      return r.Error(at, "body type", "an SGX quote needs body type 1, got " + std::to_string(type));
    }
    if (h.tee_type == kTeeTypeTdx && q.body_type == BodyType::kSgxEnclave) {
      return r.Error(at, "body type", "a TDX quote needs body type 2 or 3, got 1");
    }
    at = r.offset();
    ASSIGN_OR_RETURN(uint32_t size, r.U32("body size"));
    if (size != BodySize(q.body_type)) {
      return r.Error(at, "body size",
                     std::to_string(size) + " does not match the " + std::string(BodyTypeName(q.body_type)) + " size " +
                         std::to_string(BodySize(q.body_type)));
    }
  } else {
    q.body_type = h.tee_type == kTeeTypeTdx ? BodyType::kTd10 : BodyType::kSgxEnclave;
  }
  ASSIGN_OR_RETURN(ByteSpan body, r.Take(BodySize(q.body_type), BodyTypeName(q.body_type)));
  if (q.body_type == BodyType::kSgxEnclave) {
    q.enclave = DecodeEnclaveReport(body);
  } else {
    q.td = DecodeTdReport(body);
  }
  return OkStatus();
}

// Certification data: u16 type, u32 size, then exactly `size` bytes.
StatusOr<Reader> CertificationData(Reader& r, uint16_t expected_type, std::string_view what) {
  size_t at = r.offset();
  ASSIGN_OR_RETURN(uint16_t type, r.U16(std::string(what) + " type"));
  if (type != expected_type) {
    return r.Error(at, std::string(what) + " type",
                   "unsupported type " + std::to_string(type) + " (expected " + std::to_string(expected_type) + ")");
  }
  at = r.offset();
  ASSIGN_OR_RETURN(uint32_t size, r.U32(std::string(what) + " size"));
  if (size > r.remaining()) {
    return r.Error(at, std::string(what) + " size",
                   "declares " + std::to_string(size) + " bytes, " + std::to_string(r.remaining()) + " remain");
  }
  return r.Sub(size, what);
}

// QE report ‖ QE report signature ‖ u16 auth size ‖ auth data ‖ PCK chain
// certification data (type 5). Shared by v3 (inline) and v4/v5 (inside type 6).
Status ParseQeReportAndChain(Reader& r, Quote& q) {
  ASSIGN_OR_RETURN(ByteSpan report, r.Take(kEnclaveReportSize, "QE report"));
  q.qe_report = DecodeEnclaveReport(report);
  RETURN_IF_ERROR(r.Array(q.qe_report_signature, "QE report signature"));
  size_t at = r.offset();
  ASSIGN_OR_RETURN(uint16_t auth_size, r.U16("QE auth data size"));
  if (auth_size > r.remaining()) {
    return r.Error(at, "QE auth data size",
                   "declares " + std::to_string(auth_size) + " bytes, " + std::to_string(r.remaining()) + " remain");
  }
  ASSIGN_OR_RETURN(ByteSpan auth, r.Take(auth_size, "QE auth data"));
  q.qe_auth_data.assign(auth.begin(), auth.end());
  ASSIGN_OR_RETURN(Reader chain, CertificationData(r, kCertDataPckChain, "PCK certification data"));
  if (chain.remaining() == 0) return r.Error(chain.offset(), "PCK certification data", "empty PCK certificate chain");
  ASSIGN_OR_RETURN(ByteSpan chain_bytes, chain.Take(chain.remaining(), "PCK certificate chain"));
  q.pck_chain.assign(chain_bytes.begin(), chain_bytes.end());
  return OkStatus();
}

Status ParseSignatureData(Reader& r, Quote& q) {
  size_t at = r.offset();
  ASSIGN_OR_RETURN(uint32_t len, r.U32("signature data length"));
  if (len > r.remaining()) {
    return r.Error(at, "signature data length",
                   "declares " + std::to_string(len) + " bytes, " + std::to_string(r.remaining()) + " remain");
  }
  ASSIGN_OR_RETURN(Reader sig, r.Sub(len, "signature data"));
  RETURN_IF_ERROR(sig.Array(q.signature, "quote signature"));
  RETURN_IF_ERROR(sig.Array(q.attestation_key, "attestation key"));
  if (q.header.version == 3) {
    RETURN_IF_ERROR(ParseQeReportAndChain(sig, q));
  } else {
    ASSIGN_OR_RETURN(Reader qe, CertificationData(sig, kCertDataQeReport, "QE report certification data"));
    RETURN_IF_ERROR(ParseQeReportAndChain(qe, q));
    RETURN_IF_ERROR(qe.ExpectEnd("QE report certification data"));
  }
  RETURN_IF_ERROR(sig.ExpectEnd("signature data"));
  q.end_offset = r.offset();
  return OkStatus();
}

}  // namespace

std::string_view BodyTypeName(BodyType t) {
  switch (t) {
    case BodyType::kSgxEnclave: return "SGX enclave report";
    case BodyType::kTd10: return "TD report 1.0";
    case BodyType::kTd15: return "TD report 1.5";
  }
  return "?";
}

std::string_view TrailingBytesName(TrailingBytes t) {
  switch (t) {
    case TrailingBytes::kReject: return "reject";
    case TrailingBytes::kAllowZeroPadding: return "zeros";
    case TrailingBytes::kAllow: return "any";
  }
  return "?";
}

StatusOr<TrailingBytes> ParseTrailingBytes(std::string_view name) {
  for (TrailingBytes t : {TrailingBytes::kReject, TrailingBytes::kAllowZeroPadding, TrailingBytes::kAllow}) {
    if (name == TrailingBytesName(t)) return t;
  }
  return InvalidArgumentError("trailing bytes: expected reject, zeros or any, got \"" + std::string(name) + "\"");
}

StatusOr<Quote> ParseQuote(ByteSpan data, const ParseOptions& options) {
  if (data.size() > kMaxQuoteSize) {
    return InvalidArgumentError("quote: " + std::to_string(data.size()) + " bytes exceeds the maximum of " +
                                std::to_string(kMaxQuoteSize));
  }
  Quote q;
  Reader r(data, 0);
  RETURN_IF_ERROR(ParseHeader(r, q.header));
  RETURN_IF_ERROR(ParseBody(r, q));
  q.signed_length = r.offset();
  RETURN_IF_ERROR(ParseSignatureData(r, q));
  q.trailing_bytes = r.remaining();
  if (q.trailing_bytes > 0) {
    ByteSpan rest = data.subspan(q.end_offset);
    bool zeros = std::all_of(rest.begin(), rest.end(), [](uint8_t b) { return b == 0; });
    bool allowed = options.trailing == TrailingBytes::kAllow ||
                   (options.trailing == TrailingBytes::kAllowZeroPadding && zeros);
    if (!allowed) {
      return r.Error(q.end_offset, "end of signature data",
                     std::to_string(q.trailing_bytes) + (zeros ? " trailing zero bytes" : " trailing bytes") +
                         " after the quote");
    }
  }
  q.raw.assign(data.begin(), data.end());
  return q;
}

}  // namespace thim::verify
