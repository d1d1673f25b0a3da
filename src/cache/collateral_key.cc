#include "cache/collateral_key.h"

#include <charconv>
#include <vector>

#include "core/bytes.h"

namespace thim::cache {
namespace {

std::string_view TeeName(Tee tee) { return tee == Tee::kSgx ? "sgx" : "tdx"; }

// The PCS path segment after /certification/vN/.
std::string_view Endpoint(CollateralKind kind) {
  switch (kind) {
    case CollateralKind::kTcbInfo: return "tcb";
    case CollateralKind::kQeIdentity: return "qe/identity";
    case CollateralKind::kQveIdentity: return "qve/identity";
    case CollateralKind::kQaeIdentity: return "qae/identity";
    case CollateralKind::kPckCrl: return "pckcrl";
    case CollateralKind::kRootCaCrl: return "rootcacrl";
    case CollateralKind::kTcbEvalNumbers: return "tcbevaluationdatanumbers";
    case CollateralKind::kFmspcs: return "fmspcs";
  }
  return "";
}

bool HasUpdate(CollateralKind kind) {
  return kind == CollateralKind::kTcbInfo || kind == CollateralKind::kQeIdentity ||
         kind == CollateralKind::kQveIdentity || kind == CollateralKind::kQaeIdentity;
}

std::string Query(const CollateralKey& k) {
  std::vector<std::string> parts;
  if (k.kind == CollateralKind::kTcbInfo) parts.push_back("fmspc=" + k.fmspc);
  if (k.kind == CollateralKind::kPckCrl) {
    parts.push_back("ca=" + k.ca);
    if (k.der) parts.push_back("encoding=der");
  }
  if (k.kind == CollateralKind::kFmspcs && !k.platform.empty() && k.platform != "all") parts.push_back("platform=" + k.platform);
  if (HasUpdate(k.kind)) {
    if (k.eval_number != 0) {
      parts.push_back("tcbEvaluationDataNumber=" + std::to_string(k.eval_number));
    } else {
      parts.push_back(std::string("update=") + (k.update == UpdateType::kEarly ? "early" : "standard"));
    }
  }
  std::string q;
  for (const auto& p : parts) q += (q.empty() ? "?" : "&") + p;
  return q;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

std::string_view CollateralKey::KindName() const {
  switch (kind) {
    case CollateralKind::kTcbInfo: return "tcb_info";
    case CollateralKind::kQeIdentity:
    case CollateralKind::kQveIdentity:
    case CollateralKind::kQaeIdentity: return "enclave_identity";
    case CollateralKind::kPckCrl: return "pck_crl";
    case CollateralKind::kRootCaCrl: return "root_ca_crl";
    case CollateralKind::kTcbEvalNumbers: return "tcb_eval_numbers";
    case CollateralKind::kFmspcs: return "fmspcs";
  }
  return "unknown";
}

bool CollateralKey::IsSignedJson() const {
  return kind == CollateralKind::kTcbInfo || HasUpdate(kind) || kind == CollateralKind::kTcbEvalNumbers;
}

std::string CollateralKey::CacheKey() const {
  if (kind == CollateralKind::kRootCaCrl) return "intel/rootcacrl";
  return "intel/v" + std::to_string(api_version) + "/" + std::string(TeeName(tee)) + "/" + std::string(Endpoint(kind)) + Query(*this);
}

std::string CollateralKey::UpstreamTarget() const {
  if (kind == CollateralKind::kRootCaCrl) return "";
  return "/" + std::string(TeeName(tee)) + "/certification/v" + std::to_string(api_version) + "/" + std::string(Endpoint(kind)) +
         Query(*this);
}

std::string CollateralKey::Describe() const {
  std::string tee_name = tee == Tee::kSgx ? "SGX" : "TDX";
  std::string what;
  switch (kind) {
    case CollateralKind::kTcbInfo: what = tee_name + " TCB info for FMSPC " + fmspc; break;
    case CollateralKind::kQeIdentity: what = tee == Tee::kSgx ? "QE identity" : "TD QE identity"; break;
    case CollateralKind::kQveIdentity: what = "QvE identity"; break;
    case CollateralKind::kQaeIdentity: what = "QAE identity"; break;
    case CollateralKind::kPckCrl: what = "PCK " + ca + " CA CRL" + (der ? " (DER)" : " (PEM)"); break;
    case CollateralKind::kRootCaCrl: return "Intel SGX Root CA CRL";
    case CollateralKind::kTcbEvalNumbers: what = tee_name + " TCB evaluation data numbers"; break;
    case CollateralKind::kFmspcs: what = "FMSPC list" + (platform.empty() ? "" : " (" + platform + ")"); break;
  }
  what += " (v" + std::to_string(api_version);
  if (HasUpdate(kind))
    what += eval_number ? ", evaluation number " + std::to_string(eval_number)
                        : (update == UpdateType::kEarly ? ", early" : ", standard");
  return what + ")";
}

StatusOr<CollateralKey> MakeKey(CollateralKind kind, Tee tee, int api_version, const CollateralParams& p) {
  if (api_version != 3 && api_version != 4) return InvalidArgumentError("API version must be 3 or 4");
  CollateralKey k;
  k.kind = kind;
  k.tee = tee;
  k.api_version = api_version;
  if (kind == CollateralKind::kTcbInfo) {
    if (!p.fmspc) return InvalidArgumentError("missing parameter fmspc");
    if (!IsHex(*p.fmspc, 12)) return InvalidArgumentError("fmspc must be 12 hex digits");
    for (char c : *p.fmspc) k.fmspc += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (kind == CollateralKind::kPckCrl) {
    if (!p.ca) return InvalidArgumentError("missing parameter ca");
    if (EqualsIgnoreCase(*p.ca, "processor")) k.ca = "processor";
    else if (EqualsIgnoreCase(*p.ca, "platform")) k.ca = "platform";
    else return InvalidArgumentError("ca must be processor or platform");
    if (p.encoding) {
      if (EqualsIgnoreCase(*p.encoding, "der")) k.der = true;
      else if (!EqualsIgnoreCase(*p.encoding, "pem")) return InvalidArgumentError("encoding must be pem or der");
    }
  }
  if (kind == CollateralKind::kFmspcs) {
    std::string_view platform = p.platform.value_or("all");
    if (EqualsIgnoreCase(platform, "all")) k.platform = "all";
    else if (EqualsIgnoreCase(platform, "client")) k.platform = "client";
    else if (EqualsIgnoreCase(platform, "e3")) k.platform = "E3";
    else if (EqualsIgnoreCase(platform, "e5")) k.platform = "E5";
    else return InvalidArgumentError("platform must be all, client, E3 or E5");
  }
  if (HasUpdate(kind)) {
    if (p.update && p.eval_number)
      return InvalidArgumentError("update and tcbEvaluationDataNumber are mutually exclusive");
    if (p.update) {
      if (EqualsIgnoreCase(*p.update, "early")) k.update = UpdateType::kEarly;
      else if (!EqualsIgnoreCase(*p.update, "standard")) return InvalidArgumentError("update must be early or standard");
    }
    if (p.eval_number) {
      std::string_view s = *p.eval_number;
      uint32_t n = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n == 0)
        return InvalidArgumentError("tcbEvaluationDataNumber must be a positive integer");
      k.eval_number = n;
    }
  }
  if ((kind == CollateralKind::kTcbEvalNumbers || kind == CollateralKind::kFmspcs) && api_version != 4)
    return NotFoundError(std::string(Endpoint(kind)) + " exists only in API v4");
  if (tee == Tee::kTdx && (api_version != 4 || kind == CollateralKind::kQveIdentity || kind == CollateralKind::kQaeIdentity ||
                           kind == CollateralKind::kPckCrl || kind == CollateralKind::kFmspcs))
    return NotFoundError("no such TDX collateral");
  return k;
}

StatusOr<CollateralKey> ParseCacheKey(std::string_view text) {
  if (text == "intel/rootcacrl") {
    CollateralKey k;
    k.kind = CollateralKind::kRootCaCrl;
    return k;
  }
  // intel/v<N>/<tee>/<endpoint>[?query]
  auto bad = [&] { return InvalidArgumentError("not a collateral cache key: \"" + std::string(text.substr(0, 120)) + "\""); };
  if (!text.starts_with("intel/v") || text.size() < 14) return bad();
  int version = text[7] - '0';
  if (text[8] != '/') return bad();
  std::string_view rest = text.substr(9);
  Tee tee;
  if (rest.starts_with("sgx/")) tee = Tee::kSgx;
  else if (rest.starts_with("tdx/")) tee = Tee::kTdx;
  else return bad();
  rest.remove_prefix(4);
  size_t q = rest.find('?');
  std::string_view endpoint = rest.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : rest.substr(q + 1);
  std::optional<CollateralKind> kind;
  for (auto k : {CollateralKind::kTcbInfo, CollateralKind::kQeIdentity, CollateralKind::kQveIdentity, CollateralKind::kQaeIdentity,
                 CollateralKind::kPckCrl, CollateralKind::kTcbEvalNumbers, CollateralKind::kFmspcs})
    if (Endpoint(k) == endpoint) kind = k;
  if (!kind) return bad();
  CollateralParams params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return bad();
    std::string_view name = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (name == "fmspc") params.fmspc = value;
    else if (name == "ca") params.ca = value;
    else if (name == "encoding") params.encoding = value;
    else if (name == "update") params.update = value;
    else if (name == "tcbEvaluationDataNumber") params.eval_number = value;
    else if (name == "platform") params.platform = value;
    else return bad();
  }
  auto key = MakeKey(*kind, tee, version, params);
  if (!key.ok()) return bad();
  if (key->CacheKey() != text) return bad();  // only canonical forms
  return key;
}

}  // namespace thim::cache
