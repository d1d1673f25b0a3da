#include "sim/amd_pki.h"

#include "core/pem.h"
#include "sim/pki/key_cache.h"

namespace thim::sim {
namespace {

constexpr const char* kPrefix = "1.3.6.1.4.1.3704.1.";

Bytes DerInt(uint8_t v) {
  if (v >= 0x80) return {0x02, 0x02, 0x00, v};  // minimal DER keeps INTEGERs positive
  return {0x02, 0x01, v};
}
Bytes DerIa5(const std::string& s) {
  Bytes out;
  out.reserve(2 + s.size());
  out.push_back(0x16);
  out.push_back(static_cast<uint8_t>(s.size()));
  for (char ch : s) out.push_back(static_cast<uint8_t>(ch));
  return out;
}
Name AmdName(const std::string& cn) { return Name{.cn = cn, .o = "Advanced Micro Devices"}; }

}  // namespace

std::vector<CustomExtension> AmdPki::Extensions(amd::Product p, const amd::TcbParts& t, ByteSpan hw_id,
                                                const std::string& csp_id) {
  bool turin = p == amd::Product::kTurin;
  auto ext = [](const std::string& tail, Bytes der) { return CustomExtension{std::string(kPrefix) + tail, std::move(der)}; };
  std::vector<CustomExtension> e;
  e.push_back(ext("1", DerInt(turin ? 1 : 0)));
  // Real VCEKs name the stepping on Milan/Genoa, not on Turin; VLEKs never.
  std::string name(amd::ProductName(p));
  if (!turin && csp_id.empty()) name += p == amd::Product::kMilan ? "-B1" : "-B2";
  e.push_back(ext("2", DerIa5(name)));
  e.push_back(ext("3.1", DerInt(t.bl)));
  e.push_back(ext("3.2", DerInt(t.tee)));
  e.push_back(ext("3.3", DerInt(t.snp)));
  if (!turin) e.push_back(ext("3.4", DerInt(0)));
  e.push_back(ext("3.5", DerInt(0)));
  e.push_back(ext("3.6", DerInt(0)));
  e.push_back(ext("3.7", DerInt(0)));
  e.push_back(ext("3.8", DerInt(t.ucode)));
  if (turin) e.push_back(ext("3.9", DerInt(t.fmc)));
  if (csp_id.empty()) {
    Bytes raw;
    for (uint8_t b : hw_id) raw.push_back(b);
    e.push_back(ext("4", std::move(raw)));  // raw bytes, as AMD does
  } else {
    e.push_back(ext("5", DerIa5(csp_id)));
  }
  return e;
}

StatusOr<std::shared_ptr<AmdPki>> AmdPki::Create(TimePoint now, int rsa_bits) {
  auto pki = std::make_shared<AmdPki>();
  pki->now_ = now;
  TimePoint from = now - std::chrono::hours(24);
  TimePoint to = now + std::chrono::hours(24 * 365 * 25);
  uint8_t serial_base = 1;
  for (amd::Product p : {amd::Product::kMilan, amd::Product::kGenoa, amd::Product::kTurin}) {
    std::string name(amd::ProductName(p));
    auto ca = [&](const std::string& cn, uint8_t serial_low, const IssuedCert* issuer,
                  const std::string& crl_kind) -> StatusOr<IssuedCert> {
      ASSIGN_OR_RETURN(auto key, SimRsaKey(rsa_bits));
      CertSpec spec{.subject = AmdName(cn), .serial = {serial_base, 0x00, serial_low}, .not_before = from, .not_after = to,
                    .ca = true, .path_length = -1,
                    .crl_distribution_point = "https://kdsintf.amd.com/" + crl_kind + "/v1/" + name + "/crl", .extensions = {}};
      ASSIGN_OR_RETURN(auto cert, IssueCertificate(spec, key, issuer));
      return IssuedCert{cert, key};
    };
    ASSIGN_OR_RETURN(IssuedCert ark, ca("ARK-" + name, 0x00, nullptr, "vcek"));
    ASSIGN_OR_RETURN(IssuedCert ask, ca("SEV-" + name, 0x01, &ark, "vcek"));
    ASSIGN_OR_RETURN(IssuedCert asvk, ca("SEV-VLEK-" + name, 0x02, &ark, "vlek"));
    CrlSpec crl{.this_update = now - std::chrono::hours(1), .next_update = now + std::chrono::hours(24 * 7),
                .revoked_serials = {}, .crl_number = 1};
    ASSIGN_OR_RETURN(auto vcek_crl, IssueCrl(crl, ark));
    ASSIGN_OR_RETURN(auto vlek_crl, IssueCrl(crl, ark));
    pki->products_.emplace(p, MakeProduct(ark, ask, asvk, vcek_crl, vlek_crl));
    ++serial_base;
  }
  return pki;
}

AmdProductPki AmdPki::MakeProduct(IssuedCert ark, IssuedCert ask, IssuedCert asvk, crypto::Crl vcek_crl, crypto::Crl vlek_crl) {
  std::string ark_pem = EncodePem("CERTIFICATE", ark.cert.der());
  std::string vcek_chain = EncodePem("CERTIFICATE", ask.cert.der()) + ark_pem;
  std::string vlek_chain = EncodePem("CERTIFICATE", asvk.cert.der()) + ark_pem;
  return AmdProductPki{.ark = std::move(ark), .ask = std::move(ask), .asvk = std::move(asvk), .vcek_crl = std::move(vcek_crl),
                       .vlek_crl = std::move(vlek_crl), .vcek_chain_pem = std::move(vcek_chain),
                       .vlek_chain_pem = std::move(vlek_chain)};
}

StatusOr<IssuedCert> AmdPki::Remembered(const std::string& key, const std::function<StatusOr<IssuedCert>()>& issue) {
  std::lock_guard lock(mu_);
  if (auto it = issued_.find(key); it != issued_.end()) return it->second;
  ASSIGN_OR_RETURN(std::optional<IssuedCert> saved, ReadIssued(key));
  if (!saved) {
    ASSIGN_OR_RETURN(saved, issue());
    RETURN_IF_ERROR(WriteIssued(key, *saved));
  }
  issued_.emplace(key, *saved);
  return *saved;
}

StatusOr<IssuedCert> AmdPki::Vcek(amd::Product p, ByteSpan hw_id, const amd::TcbParts& tcb) {
  if (hw_id.size() != amd::HwIdLength(p)) return InvalidArgumentError("hwID length does not fit the product");
  std::string key = "vcek/" + std::string(amd::ProductName(p)) + "/" + HexEncode(hw_id) + "/" +
                    amd::FormatTcbm(amd::EncodeTcb(p, tcb));
  return Remembered(key, [&]() -> StatusOr<IssuedCert> {
    ASSIGN_OR_RETURN(auto k, crypto::PrivateKey::GenerateEcP384());
    CertSpec spec{.subject = AmdName("SEV-VCEK"), .serial = {0x01}, .not_before = now_ - std::chrono::hours(24),
                  .not_after = now_ + std::chrono::hours(24 * 365 * 7), .ca = false, .path_length = -1,
                  .crl_distribution_point = "", .extensions = Extensions(p, tcb, hw_id, "")};
    ASSIGN_OR_RETURN(auto cert, IssueCertificate(spec, k, &products_.at(p).ask));
    return IssuedCert{cert, k};
  });
}

StatusOr<IssuedCert> AmdPki::Vlek(amd::Product p, const amd::TcbParts& tcb, const std::string& csp_id) {
  std::string key = "vlek/" + std::string(amd::ProductName(p)) + "/" + csp_id + "/" + amd::FormatTcbm(amd::EncodeTcb(p, tcb));
  return Remembered(key, [&]() -> StatusOr<IssuedCert> {
    ASSIGN_OR_RETURN(auto k, crypto::PrivateKey::GenerateEcP384());
    CertSpec spec{.subject = AmdName("SEV-VLEK"), .serial = {0x01}, .not_before = now_ - std::chrono::hours(24),
                  .not_after = now_ + std::chrono::hours(24 * 365), .ca = false, .path_length = -1,
                  .crl_distribution_point = "", .extensions = Extensions(p, tcb, {}, csp_id)};
    ASSIGN_OR_RETURN(auto cert, IssueCertificate(spec, k, &products_.at(p).asvk));
    return IssuedCert{cert, k};
  });
}

crypto::Crl AmdPki::Crl(amd::Product p, amd::KeyKind kind) const {
  std::lock_guard lock(mu_);
  if (auto it = current_crls_.find({p, kind}); it != current_crls_.end()) return it->second;
  const AmdProductPki& pp = products_.at(p);
  return kind == amd::KeyKind::kVcek ? pp.vcek_crl : pp.vlek_crl;
}

StatusOr<crypto::Crl> AmdPki::ReissueCrl(amd::Product p, amd::KeyKind kind, TimePoint this_update, TimePoint next_update,
                                         std::vector<Bytes> revoked) {
  uint64_t number = Crl(p, kind).CrlNumber().value_or(1) + 1;
  CrlSpec spec{.this_update = this_update, .next_update = next_update, .revoked_serials = std::move(revoked), .crl_number = number};
  ASSIGN_OR_RETURN(crypto::Crl crl, IssueCrl(spec, products_.at(p).ark));
  std::string state_dir;
  {
    std::lock_guard lock(mu_);
    current_crls_.insert_or_assign({p, kind}, crl);
    state_dir = state_dir_;
  }
  if (!state_dir.empty()) RETURN_IF_ERROR(SaveCrl(state_dir, p, kind));
  return crl;
}

}  // namespace thim::sim
