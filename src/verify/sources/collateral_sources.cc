#include "verify/sources/collateral_sources.h"

#include <filesystem>

#include "cache/bundle.h"
#include "intel/pck_certificate.h"
#include "verify/prepared_collateral.h"

namespace thim::verify {
namespace {

constexpr size_t kMaxCollateralFile = 16 << 20;

StatusOr<std::string> ReadFirst(const std::string& dir, std::initializer_list<std::string> names, bool required) {
  for (const auto& name : names) {
    std::string path = dir + "/" + name;
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return ReadFileString(path, kMaxCollateralFile);
  }
  if (!required) return std::string();
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : " or ") + name;
  return NotFoundError("collateral directory " + dir + " has no " + list);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

StatusOr<CollateralQuery> QueryForQuote(ByteSpan quote_bytes, const ParseOptions& options) {
  ASSIGN_OR_RETURN(Quote quote, ParseQuote(quote_bytes, options));
  ASSIGN_OR_RETURN(auto chain, ParseChainText(AsChars(quote.pck_chain)));
  if (chain.empty()) return InvalidArgumentError("quote: empty PCK certificate chain");
  auto pck = intel::ParsePckCertificate(chain.front());
  if (!pck.ok()) return InvalidArgumentError("quote: PCK certificate: " + pck.status().message());
  CollateralQuery q;
  q.tdx = quote.is_tdx();
  q.fmspc = pck->FmspcHex();
  q.ca = std::string(intel::PckCaTypeName(pck->ca_type));
  if (chain.size() >= 3) {
    auto cdp = chain.back().CrlDistributionPoints();
    if (!cdp.empty()) q.root_crl_url = cdp.front();
  }
  return q;
}

StatusOr<Collateral> CollateralFromDirectory(const std::string& dir, const CollateralQuery& q) {
  Collateral c;
  ASSIGN_OR_RETURN(c.tcb_info, ReadFirst(dir, {"tcb_info-" + q.fmspc + ".json", "tcb_info-" + Lower(q.fmspc) + ".json", "tcb_info.json"}, true));
  ASSIGN_OR_RETURN(c.tcb_info_issuer_chain, ReadFirst(dir, {"tcb_info_issuer_chain.pem"}, true));
  ASSIGN_OR_RETURN(c.qe_identity, ReadFirst(dir, {"qe_identity.json"}, true));
  ASSIGN_OR_RETURN(c.qe_identity_issuer_chain, ReadFirst(dir, {"qe_identity_issuer_chain.pem"}, false));
  ASSIGN_OR_RETURN(std::string pck_crl, ReadFirst(dir, {"pck_crl-" + q.ca + ".der", "pck_crl-" + q.ca + ".pem", "pck_crl.der",
                                                        "pck_crl.pem", "pck_crl.hex"}, true));
  c.pck_crl.assign(pck_crl.begin(), pck_crl.end());
  ASSIGN_OR_RETURN(c.pck_crl_issuer_chain, ReadFirst(dir, {"pck_crl_issuer_chain.pem"}, false));
  ASSIGN_OR_RETURN(std::string root_crl, ReadFirst(dir, {"root_ca_crl.der", "root_ca_crl.pem", "root_ca_crl.hex"}, true));
  c.root_ca_crl.assign(root_crl.begin(), root_crl.end());
  return c;
}

namespace {

struct Fetched {
  std::string body;
  std::string chain;
};

StatusOr<Fetched> Get(upstream::HttpClient& http, const std::string& url, std::string_view chain_header) {
  upstream::HttpRequest req;
  req.url = url;
  req.timeout = std::chrono::seconds(30);
  auto resp = http.Send(req);
  if (!resp.ok()) return UnavailableError("GET " + url + ": " + resp.status().message());
  if (resp->status == 404) return NotFoundError("GET " + url + ": 404 Not Found");
  if (resp->status != 200) return UnavailableError("GET " + url + ": HTTP " + std::to_string(resp->status));
  Fetched f{std::move(resp->body), ""};
  if (!chain_header.empty()) {
    auto chain = resp->headers.Get(chain_header);
    if (!chain) return UnavailableError("GET " + url + ": no " + std::string(chain_header) + " header");
    f.chain = std::string(*chain);
  }
  return f;
}

}  // namespace

StatusOr<Collateral> CollateralFromUrl(upstream::HttpClient& http, const std::string& base_url, const CollateralQuery& q) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string tee = q.tdx ? "tdx" : "sgx";
  Collateral c;
  ASSIGN_OR_RETURN(Fetched tcb, Get(http, base + "/" + tee + "/certification/v4/tcb?fmspc=" + q.fmspc, "TCB-Info-Issuer-Chain"));
  c.tcb_info = std::move(tcb.body);
  c.tcb_info_issuer_chain = std::move(tcb.chain);
  ASSIGN_OR_RETURN(Fetched qe, Get(http, base + "/" + tee + "/certification/v4/qe/identity", "SGX-Enclave-Identity-Issuer-Chain"));
  c.qe_identity = std::move(qe.body);
  c.qe_identity_issuer_chain = std::move(qe.chain);
  ASSIGN_OR_RETURN(Fetched crl, Get(http, base + "/sgx/certification/v4/pckcrl?ca=" + q.ca + "&encoding=der", "SGX-PCK-CRL-Issuer-Chain"));
  c.pck_crl.assign(crl.body.begin(), crl.body.end());
  c.pck_crl_issuer_chain = std::move(crl.chain);
  auto root = Get(http, base + "/IntelSGXRootCA.der", "");
  if (!root.ok() && root.status().code() == StatusCode::kNotFound && !q.root_crl_url.empty())
    root = Get(http, q.root_crl_url, "");
  if (!root.ok()) return root.status();
  c.root_ca_crl.assign(root->body.begin(), root->body.end());
  return c;
}

StatusOr<Collateral> CollateralFromBundle(std::string_view bundle_text, const CollateralQuery& q) {
  ASSIGN_OR_RETURN(auto items, cache::ReadBundle(bundle_text));
  cache::Tee tee = q.tdx ? cache::Tee::kTdx : cache::Tee::kSgx;
  const cache::BundleItem *tcb = nullptr, *qe = nullptr, *pck_crl = nullptr, *root_crl = nullptr;
  // Prefer the standard update of API v4; a pinned evaluation number only when nothing else is there.
  auto better = [](const cache::BundleItem* have, const cache::BundleItem& cand) {
    return !have || (have->key.eval_number != 0 && cand.key.eval_number == 0);
  };
  for (const auto& item : items.items) {
    const cache::CollateralKey& k = item.key;
    if (item.document.http_status != 200 && item.document.http_status != 0) continue;
    if (k.kind == cache::CollateralKind::kTcbInfo && k.tee == tee && k.api_version == 4 && k.fmspc == q.fmspc &&
        k.update == cache::UpdateType::kStandard && better(tcb, item))
      tcb = &item;
    if (k.kind == cache::CollateralKind::kQeIdentity && k.tee == tee && k.api_version == 4 &&
        k.update == cache::UpdateType::kStandard && better(qe, item))
      qe = &item;
    if (k.kind == cache::CollateralKind::kPckCrl && k.ca == q.ca && !pck_crl) pck_crl = &item;
    if (k.kind == cache::CollateralKind::kRootCaCrl && !root_crl) root_crl = &item;
  }
  if (!tcb) return NotFoundError("the bundle has no " + std::string(q.tdx ? "TDX" : "SGX") + " TCB info for FMSPC " + q.fmspc);
  if (!qe) return NotFoundError("the bundle has no " + std::string(q.tdx ? "TD_QE" : "QE") + " identity");
  if (!pck_crl) return NotFoundError("the bundle has no PCK CRL of the " + q.ca + " CA");
  if (!root_crl) return NotFoundError("the bundle has no root CA CRL");
  Collateral c;
  c.tcb_info = tcb->document.body;
  c.tcb_info_issuer_chain = tcb->document.issuer_chain;
  c.qe_identity = qe->document.body;
  c.qe_identity_issuer_chain = qe->document.issuer_chain;
  c.pck_crl.assign(pck_crl->document.body.begin(), pck_crl->document.body.end());
  c.pck_crl_issuer_chain = pck_crl->document.issuer_chain;
  c.root_ca_crl.assign(root_crl->document.body.begin(), root_crl->document.body.end());
  return c;
}

}  // namespace thim::verify
