#include "sim/quote/quote_generator.h"

#include <cstring>

namespace thim::sim {
namespace {

// Little-endian writer; every structure is written at its documented size.
class Writer {
 public:
  void U16(uint16_t v) { out_.push_back(v & 0xff), out_.push_back(v >> 8); }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back((v >> (8 * i)) & 0xff);
  }
  void Raw(ByteSpan b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void Zeros(size_t n) { out_.insert(out_.end(), n, 0); }
  Bytes& bytes() { return out_; }

 private:
  Bytes out_;
};

// sgx_report_body_t (384 bytes).
Bytes EnclaveReport(const std::array<uint8_t, 16>& cpu_svn, uint32_t miscselect, const std::array<uint8_t, 16>& attributes,
                    ByteSpan mr_enclave, ByteSpan mr_signer, uint16_t prod_id, uint16_t svn, ByteSpan report_data) {
  Writer w;
  w.Raw(cpu_svn);
  w.U32(miscselect);
  w.Zeros(12 + 16);  // reserved1, isv_ext_prod_id
  w.Raw(attributes);
  w.Raw(mr_enclave);
  w.Zeros(32);
  w.Raw(mr_signer);
  w.Zeros(32 + 64);  // reserved3, config_id
  w.U16(prod_id);
  w.U16(svn);
  w.U16(0);          // config_svn
  w.Zeros(42 + 16);  // reserved4, isv_family_id
  w.Raw(report_data);
  return std::move(w.bytes());
}

Bytes TdReport(const QuoteSpec& s, bool v15) {
  Writer w;
  w.Raw(s.tee_tcb_svn);
  w.Zeros(48);  // mr_seam
  w.Raw(s.mrsigner_seam);
  w.Raw(s.seam_attributes);
  w.Zeros(8 + 8);  // td_attributes, xfam
  w.Raw(s.mr_td);
  w.Zeros(48 * 3);  // mr_config_id, mr_owner, mr_owner_config
  for (const auto& r : s.rtmr) w.Raw(r);
  w.Raw(s.report_data);
  if (v15) {
    w.Raw(s.tee_tcb_svn2);
    w.Zeros(48);  // mr_servicetd
  }
  return std::move(w.bytes());
}

}  // namespace

StatusOr<Bytes> GenerateQuote(const QuoteSpec& s) {
  if (!s.pck_key || !s.attestation_key) return InvalidArgumentError("quote spec: PCK key and attestation key are required");
  if (s.version < 3 || s.version > 5) return InvalidArgumentError("quote spec: version must be 3, 4 or 5");
  verify::BodyType body_type = s.version == 5 ? s.body_type : (s.tdx ? verify::BodyType::kTd10 : verify::BodyType::kSgxEnclave);

  Writer w;
  w.U16(s.version);
  w.U16(verify::kAttestationKeyEcdsaP256);
  w.U32(s.tdx ? verify::kTeeTypeTdx : verify::kTeeTypeSgx);
  w.U16(s.header_qe_svn);
  w.U16(s.header_pce_svn);
  w.Raw(verify::kIntelQeVendorId);
  w.Zeros(20);  // user data
  Bytes body = body_type == verify::BodyType::kSgxEnclave
                   ? EnclaveReport({}, 0, {}, s.mr_enclave, s.mr_signer, s.isv_prod_id, s.isv_svn, s.report_data)
                   : TdReport(s, body_type == verify::BodyType::kTd15);
  if (s.version == 5) {
    w.U16(static_cast<uint16_t>(body_type));
    w.U32(static_cast<uint32_t>(body.size()));
  }
  w.Raw(body);
  Bytes signed_part = w.bytes();

  // QE report: its report data binds the attestation key and the auth data.
  Bytes att_key = s.attestation_key->public_key().EcRawPoint();
  Bytes bound = att_key;
  bound.insert(bound.end(), s.qe_auth_data.begin(), s.qe_auth_data.end());
  Bytes digest = crypto::Sha256(bound);
  std::array<uint8_t, 64> qe_report_data{};
  std::memcpy(qe_report_data.data(), digest.data(), 32);
  if (s.break_qe_report_data) qe_report_data[0] ^= 0x01;
  Bytes qe_report = EnclaveReport({}, s.qe_miscselect, s.qe_attributes, Bytes(32, 0), s.qe_mr_signer, s.qe_isv_prod_id,
                                  s.qe_isv_svn, qe_report_data);
  ASSIGN_OR_RETURN(Bytes qe_sig, s.pck_key->SignEcdsaP256Raw(qe_report));

  Bytes chain(s.pck_chain_pem.begin(), s.pck_chain_pem.end());
  if (s.nul_terminate_chain) chain.push_back(0);
  Writer qe;  // QE report ‖ sig ‖ auth data ‖ PCK chain certification data (type 5)
  qe.Raw(qe_report);
  qe.Raw(qe_sig);
  qe.U16(static_cast<uint16_t>(s.qe_auth_data.size()));
  qe.Raw(s.qe_auth_data);
  qe.U16(verify::kCertDataPckChain);
  qe.U32(static_cast<uint32_t>(chain.size()));
  qe.Raw(chain);

  const crypto::PrivateKey& signer = s.sign_quote_with ? *s.sign_quote_with : *s.attestation_key;
  ASSIGN_OR_RETURN(Bytes quote_sig, signer.SignEcdsaP256Raw(signed_part));
  Writer sig;
  sig.Raw(quote_sig);
  sig.Raw(att_key);
  if (s.version == 3) {
    sig.Raw(qe.bytes());
  } else {
    sig.U16(verify::kCertDataQeReport);
    sig.U32(static_cast<uint32_t>(qe.bytes().size()));
    sig.Raw(qe.bytes());
  }
  w.U32(static_cast<uint32_t>(sig.bytes().size()));
  w.Raw(sig.bytes());
  return std::move(w.bytes());
}

}  // namespace thim::sim
