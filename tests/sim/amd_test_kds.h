// A scripted KDS for AmdService tests: answers Milan's chains, CRLs (the
// PKI's current ones, so ReissueCrl shows) and VCEKs from the simulated PKI.
#pragma once

#include <atomic>

#include "amd/kds_client.h"
#include "sim/amd_pki.h"
#include "sim/snp_report_generator.h"

namespace thim::sim {

class ScriptedKds : public amd::KdsSource {
 public:
  explicit ScriptedKds(std::shared_ptr<AmdPki> pki) : pki_(std::move(pki)) {}
  StatusOr<std::string> Get(const std::string& path) override {
    ++calls;
    if (down) return UnavailableError("KDS down");
    if (throttled) return ResourceExhaustedError("KDS throttled " + path);
    const auto& pp = pki_->product(amd::Product::kMilan);
    auto text = [](const Bytes& b) { return std::string(b.begin(), b.end()); };
    if (path == "/vcek/v1/Milan/cert_chain") return pp.vcek_chain_pem;
    if (path == "/vlek/v1/Milan/cert_chain") return pp.vlek_chain_pem;
    if (path == "/vcek/v1/Milan/crl") return text(pki_->Crl(amd::Product::kMilan, amd::KeyKind::kVcek).der());
    if (path == "/vlek/v1/Milan/crl") return text(pki_->Crl(amd::Product::kMilan, amd::KeyKind::kVlek).der());
    if (path.rfind("/vcek/v1/Milan/", 0) == 0) {
      auto v = pki_->Vcek(amd::Product::kMilan, SimChipId(amd::Product::kMilan, 0), tcb);
      return text(v->cert.der());
    }
    return NotFoundError("no " + path);
  }
  std::shared_ptr<AmdPki> pki_;
  std::atomic<int> calls{0};
  std::atomic<bool> down{false}, throttled{false};
  amd::TcbParts tcb{.bl = 3, .tee = 0, .snp = 8, .ucode = 115};
};

}  // namespace thim::sim
