// Rendering of PCS-compatible responses (see collateral_service.h).
#include <string>

#include "cache/collateral_service.h"
#include "core/bytes.h"
#include "crypto/public_key.h"

namespace thim::cache {
namespace {

std::string_view ChainHeaderName(const CollateralKey& key) {
  switch (key.kind) {
    case CollateralKind::kTcbInfo: return key.api_version == 3 ? "SGX-TCB-Info-Issuer-Chain" : "TCB-Info-Issuer-Chain";
    case CollateralKind::kQeIdentity:
    case CollateralKind::kQveIdentity:
    case CollateralKind::kQaeIdentity: return "SGX-Enclave-Identity-Issuer-Chain";
    case CollateralKind::kPckCrl:
    case CollateralKind::kRootCaCrl: return "SGX-PCK-CRL-Issuer-Chain";
    case CollateralKind::kTcbEvalNumbers: return "TCB-Evaluation-Data-Numbers-Issuer-Chain";
    case CollateralKind::kFmspcs: return "";
  }
  return "";
}

// Intel sends chains percent-encoded and ending in "%0A"; Intel's QCNL drops
// the last two characters of a chain that does not (reference §2.6), so we
// normalise whatever upstream or an import gave us.
std::string EncodedChain(std::string_view chain) {
  if (chain.empty()) return "";
  std::string pem;
  if (chain.find("-----BEGIN%20") != std::string_view::npos) {
    auto decoded = PercentDecodeFully(chain);
    pem = decoded.ok() ? *decoded : std::string(chain);
  } else {
    pem = std::string(chain);
  }
  if (!pem.empty() && pem.back() != '\n') pem += '\n';
  return PercentEncode(pem);
}

}  // namespace

std::shared_ptr<const PreparedResponse> RenderPcsResponse(const CollateralKey& key, const store::StoredItem& item) {
  auto r = std::make_shared<PreparedResponse>();
  r->status = 200;
  std::string content_type = item.content_type;
  if (content_type.empty()) {
    bool crl = key.kind == CollateralKind::kPckCrl || key.kind == CollateralKind::kRootCaCrl;
    content_type = !crl ? "application/json" : (key.der || key.kind == CollateralKind::kRootCaCrl ? "application/pkix-crl"
                                                                                                  : "application/x-pem-file");
  }
  r->header_lines = "Content-Type: " + content_type + "\r\n";
  std::string_view chain_header = ChainHeaderName(key);
  std::string chain = EncodedChain(item.issuer_chain);
  if (!chain_header.empty() && !chain.empty()) r->header_lines += std::string(chain_header) + ": " + chain + "\r\n";
  Bytes digest = crypto::Sha256(AsBytes(item.body));
  r->etag = "\"" + HexEncode(ByteSpan(digest).first(16)) + "\"";
  r->header_lines += "ETag: " + r->etag + "\r\n";
  r->body = item.body;
  return r;
}

}  // namespace thim::cache
