// AmdPki's state directory: Save, Load and the V[CL]EKs issued on demand.
//   <state>/ark_<Product>.pem                 the ARK, for thimd's amd.ark_files
//   <state>/amd/<Product>/{ark,ask,asvk}.pem|.key
//   <state>/amd/<Product>/{vcek,vlek}_crl.der
//   <state>/amd/issued/<sha256 of the key's name>.pem   certificate + key
#include <filesystem>

#include "core/pem.h"
#include "crypto/chain.h"
#include "sim/amd_pki.h"
#include "sim/pki/state_files.h"

namespace thim::sim {
namespace {

namespace fs = std::filesystem;

constexpr amd::Product kProducts[] = {amd::Product::kMilan, amd::Product::kGenoa, amd::Product::kTurin};

fs::path ProductDir(const std::string& state_dir, amd::Product p) {
  return fs::path(state_dir) / "amd" / std::string(amd::ProductName(p));
}

StatusOr<crypto::Crl> LoadCrl(const fs::path& path, const IssuedCert& ark) {
  auto der = ReadFileBytes(path.string(), 16 << 20);
  if (!der.ok()) return der.status().WithContext(path.string());
  auto crl = crypto::Crl::FromDer(*der);
  if (!crl.ok()) return DataLossError(path.string() + ": " + crl.status().message());
  if (Status sig = crl->VerifySignature(ark.cert.public_key()); !sig.ok()) return sig.WithContext(path.string());
  return *crl;
}

// The same CRL with a later validity once it is about to lapse.
StatusOr<crypto::Crl> Fresh(const crypto::Crl& crl, const IssuedCert& ark, TimePoint now) {
  auto next = crl.NextUpdate();
  if (next && *next > now + std::chrono::hours(24)) return crl;
  CrlSpec spec{.this_update = now - std::chrono::hours(1), .next_update = now + std::chrono::hours(24 * 7),
               .revoked_serials = {}, .crl_number = crl.CrlNumber().value_or(0) + 1};
  return IssueCrl(spec, ark);
}

// An intermediate must be the ARK's: a mixed-up directory is refused, not served.
Status CheckIssuedBy(const IssuedCert& cert, const IssuedCert& ark, const fs::path& dir, const char* name, TimePoint now) {
  crypto::ChainOptions options{.at = now};
  auto path = crypto::VerifyChain({cert.cert}, ark.cert, options);
  if (!path.ok()) return DataLossError((dir / (std::string(name) + ".pem")).string() + ": " + path.status().message());
  return OkStatus();
}

std::string IssuedFile(const std::string& state_dir, const std::string& key) {
  return (fs::path(state_dir) / "amd" / "issued" / (HexEncode(crypto::Sha256(AsBytes(key))) + ".pem")).string();
}

}  // namespace

bool AmdPki::Saved(const std::string& state_dir) { return fs::exists(fs::path(state_dir) / "amd"); }

StatusOr<std::shared_ptr<AmdPki>> AmdPki::Load(const std::string& state_dir, TimePoint now) {
  auto pki = std::make_shared<AmdPki>();
  pki->now_ = now;
  pki->state_dir_ = state_dir;
  for (amd::Product p : kProducts) {
    fs::path dir = ProductDir(state_dir, p);
    ASSIGN_OR_RETURN(IssuedCert ark, LoadIssuedPair(dir, "ark"));
    ASSIGN_OR_RETURN(IssuedCert ask, LoadIssuedPair(dir, "ask"));
    ASSIGN_OR_RETURN(IssuedCert asvk, LoadIssuedPair(dir, "asvk"));
    if (ark.cert.SubjectCommonName() != "ARK-" + std::string(amd::ProductName(p)))
      return DataLossError((dir / "ark.pem").string() + ": not the ARK of " + std::string(amd::ProductName(p)));
    RETURN_IF_ERROR(CheckIssuedBy(ask, ark, dir, "ask", now));
    RETURN_IF_ERROR(CheckIssuedBy(asvk, ark, dir, "asvk", now));
    ASSIGN_OR_RETURN(crypto::Crl vcek_crl, LoadCrl(dir / "vcek_crl.der", ark));
    ASSIGN_OR_RETURN(crypto::Crl vlek_crl, LoadCrl(dir / "vlek_crl.der", ark));
    ASSIGN_OR_RETURN(vcek_crl, Fresh(vcek_crl, ark, now));
    ASSIGN_OR_RETURN(vlek_crl, Fresh(vlek_crl, ark, now));
    pki->products_.emplace(p, MakeProduct(ark, ask, asvk, vcek_crl, vlek_crl));
  }
  return pki;
}

// The CRL served now (a reissued one when there is one).
Status AmdPki::SaveCrl(const std::string& state_dir, amd::Product p, amd::KeyKind kind) const {
  const char* name = kind == amd::KeyKind::kVcek ? "vcek_crl.der" : "vlek_crl.der";
  return WriteStateFile(ProductDir(state_dir, p) / name, AsChars(Crl(p, kind).der()), false);
}

Status AmdPki::Save(const std::string& state_dir) {
  for (amd::Product p : kProducts) {
    const AmdProductPki& pp = products_.at(p);
    fs::path dir = ProductDir(state_dir, p);
    RETURN_IF_ERROR(SaveIssuedPair(dir, "ark", pp.ark));
    RETURN_IF_ERROR(SaveIssuedPair(dir, "ask", pp.ask));
    RETURN_IF_ERROR(SaveIssuedPair(dir, "asvk", pp.asvk));
    for (amd::KeyKind kind : {amd::KeyKind::kVcek, amd::KeyKind::kVlek}) RETURN_IF_ERROR(SaveCrl(state_dir, p, kind));
    RETURN_IF_ERROR(WriteStateFile(fs::path(state_dir) / ("ark_" + std::string(amd::ProductName(p)) + ".pem"),
                                   EncodePem("CERTIFICATE", pp.ark.cert.der()), false));
  }
  std::lock_guard lock(mu_);
  bool same_dir = state_dir_ == state_dir;
  state_dir_ = state_dir;
  if (!same_dir) {
    for (const auto& [key, cert] : issued_) RETURN_IF_ERROR(WriteIssued(key, cert));
  }
  return OkStatus();
}

StatusOr<std::optional<IssuedCert>> AmdPki::ReadIssued(const std::string& key) const {
  if (state_dir_.empty()) return std::optional<IssuedCert>();
  std::string path = IssuedFile(state_dir_, key);
  if (!fs::exists(path)) return std::optional<IssuedCert>();
  auto text = ReadFileString(path, 1 << 20);
  if (!text.ok()) return text.status().WithContext(path);
  auto pair = DecodeIssuedPem(*text);
  if (!pair.ok()) return DataLossError(path + " (" + key + "): " + pair.status().message());
  return std::optional<IssuedCert>(*pair);
}

Status AmdPki::WriteIssued(const std::string& key, const IssuedCert& cert) const {
  if (state_dir_.empty()) return OkStatus();
  return WriteStateFile(IssuedFile(state_dir_, key), EncodeIssuedPem(cert), true);
}

}  // namespace thim::sim
