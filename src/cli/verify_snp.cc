#include "cli/verify_snp.h"

#include "amd/kds_paths.h"
#include "amd/pinned_arks.h"
#include "amd/snp_verifier.h"
#include "cli/describe_amd.h"
#include "cli/hex_flag.h"
#include "cli/verify_quote.h"
#include "core/clock.h"
#include "upstream/curl_http_client.h"

namespace thim::cli {
namespace {

using ojson = nlohmann::ordered_json;

VerifySnpOutcome Outcome(int code, const std::string& status, const std::string& why) {
  VerifySnpOutcome o;
  o.exit_code = code;
  o.summary = (code == kQuoteCollateralUnavailable ? "collateral unavailable: " : code == kQuoteInvalid ? "invalid: " : "") + why;
  o.report = {{"status", status}, {"error", why}};
  return o;
}

StatusOr<amd::TcbParts> ParseMinTcb(const std::string& text) {
  amd::TcbParts t;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? text.size() : comma + 1;
    size_t eq = item.find('=');
    if (eq == std::string::npos) return InvalidArgumentError("--min-tcb: expected NAME=VALUE, got \"" + item + "\"");
    std::string name = item.substr(0, eq);
    int v = -1;
    try {
      size_t used = 0;
      v = std::stoi(item.substr(eq + 1), &used, 0);
      if (used != item.size() - eq - 1) v = -1;
    } catch (...) {
      v = -1;
    }
    if (v < 0 || v > 255) return InvalidArgumentError("--min-tcb: " + name + " must be 0..255");
    uint8_t* field = name == "bl" ? &t.bl : name == "tee" ? &t.tee : name == "snp" ? &t.snp : name == "ucode" ? &t.ucode
                     : name == "fmc" ? &t.fmc : nullptr;
    if (!field) return InvalidArgumentError("--min-tcb: unknown component \"" + name + "\" (bl, tee, snp, ucode, fmc)");
    *field = static_cast<uint8_t>(v);
  }
  return t;
}

StatusOr<amd::SnpPolicy> BuildPolicy(const VerifySnpArgs& a) {
  amd::SnpPolicy p;
  if (!a.min_tcb.empty()) {
    ASSIGN_OR_RETURN(p.min_tcb, ParseMinTcb(a.min_tcb));
  }
  p.allow_debug = a.allow_debug;
  p.allow_smt = !a.no_smt;
  p.allow_migration_agent = a.allow_migration_agent;
  if (a.vmpl > 3) return InvalidArgumentError("--vmpl: 0..3");
  if (a.vmpl >= 0) p.vmpl = static_cast<uint32_t>(a.vmpl);
  if (a.min_guest_svn > UINT32_MAX) return InvalidArgumentError("--min-guest-svn: out of range");
  if (a.min_guest_svn >= 0) p.min_guest_svn = static_cast<uint32_t>(a.min_guest_svn);
  ASSIGN_OR_RETURN(p.measurement, OptionalHexFlag(a.measurement, "--measurement"));
  ASSIGN_OR_RETURN(p.host_data, OptionalHexFlag(a.host_data, "--host-data"));
  ASSIGN_OR_RETURN(p.report_data, OptionalHexFlag(a.report_data, "--report-data"));
  ASSIGN_OR_RETURN(p.id_key_digest, OptionalHexFlag(a.id_key_digest, "--id-key-digest"));
  ASSIGN_OR_RETURN(p.author_key_digest, OptionalHexFlag(a.author_key_digest, "--author-key-digest"));
  if (p.report_data && p.report_data->size() > 64) return InvalidArgumentError("--report-data: at most 64 bytes");
  return p;
}

struct KeyMaterial {
  std::vector<crypto::Certificate> certs;  // key first, then ASK, ARK when bundled
  std::vector<crypto::Crl> crls;
};

// A key file: DER, PEM (one or a bundle), or THIM's JSON answer.
StatusOr<std::vector<crypto::Certificate>> ReadKeyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileString(path, 1 << 20));
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("vcekCert") || !j["vcekCert"].is_string())
      return InvalidArgumentError(path + ": JSON without a vcekCert string");
    std::string pem = j["vcekCert"].get<std::string>();
    if (j.contains("certificateChain") && j["certificateChain"].is_string()) pem += j["certificateChain"].get<std::string>();
    return crypto::ParseCertificateList(pem);
  }
  return crypto::ParseCertificateList(text);
}

// Fetches what is missing from a KDS-compatible base URL.
Status FetchFromKds(const VerifySnpArgs& a, const amd::SnpReport& report, amd::Product product, KeyMaterial* m) {
  upstream::CurlHttpClient http({.ca_file = a.ca_file});
  std::string base = a.collateral;
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto get = [&](const std::string& path) -> StatusOr<std::string> {
    upstream::HttpRequest req{.url = base + path};
    ASSIGN_OR_RETURN(upstream::HttpResponse resp, http.Send(req));
    if (resp.status == 404) return NotFoundError("GET " + path + ": 404");
    if (resp.status != 200) return UnavailableError("GET " + path + ": HTTP " + std::to_string(resp.status));
    return resp.body;
  };
  amd::KeyKind kind = report.signing_key == amd::SigningKey::kVlek ? amd::KeyKind::kVlek : amd::KeyKind::kVcek;
  if (m->certs.empty()) {
    if (kind == amd::KeyKind::kVlek) return NotFoundError("a VLEK cannot be fetched from KDS: give --vcek");
    std::string path = amd::VcekPath(product, amd::ReportHwId(report, product), amd::DecodeTcb(product, report.reported_tcb));
    ASSIGN_OR_RETURN(std::string der, get(path));
    ASSIGN_OR_RETURN(auto cert, crypto::Certificate::FromDer(AsBytes(der)));
    m->certs.push_back(cert);
  }
  if (m->certs.size() == 1) {
    ASSIGN_OR_RETURN(std::string pem, get(amd::CertChainPath(product, kind)));
    ASSIGN_OR_RETURN(auto chain, crypto::ParseCertificateList(pem));
    m->certs.insert(m->certs.end(), chain.begin(), chain.end());
  }
  if (m->crls.empty()) {
    auto der = get(amd::CrlPath(product, kind));
    if (der.ok()) {
      ASSIGN_OR_RETURN(auto crl, crypto::Crl::FromAny(AsBytes(*der)));
      m->crls.push_back(crl);
    }
  }
  return OkStatus();
}

}  // namespace

VerifySnpOutcome RunVerifySnp(const VerifySnpArgs& a) {
  auto data = ReadFileBytes(a.report_path, 1 << 20);
  if (!data.ok()) return Outcome(kQuoteCannotRun, "Error", data.status().message());
  auto policy = BuildPolicy(a);
  if (!policy.ok()) return Outcome(kQuoteCannotRun, "Error", policy.status().message());
  amd::SnpVerifyOptions options{.at = SystemClock::Instance().Now()};
  if (!a.at.empty()) {
    auto t = ParseRfc3339(a.at);
    if (!t.ok()) return Outcome(kQuoteCannotRun, "Error", "--at: " + t.status().message());
    options.at = *t;
  }
  std::optional<crypto::Certificate> ark;
  if (!a.ark.empty()) {
    auto pem = ReadFileString(a.ark, 1 << 20);
    if (!pem.ok()) return Outcome(kQuoteCannotRun, "Error", pem.status().message());
    auto cert = crypto::Certificate::FromPem(*pem);
    if (!cert.ok()) return Outcome(kQuoteCannotRun, "Error", "--ark: " + cert.status().message());
    ark = *cert;
    options.ark = &*ark;
  }
  std::optional<amd::Product> forced;
  if (!a.product.empty()) {
    auto p = amd::ParseProduct(a.product);
    if (!p.ok()) return Outcome(kQuoteCannotRun, "Error", "--product: " + p.status().message());
    forced = *p;
  }
  bool hcl = false;
  auto report = amd::ParseSnpReportOrHcl(*data, &hcl);
  if (!report.ok()) return Outcome(kQuoteInvalid, "Invalid", report.status().message());

  KeyMaterial m;
  if (!a.vcek.empty()) {
    auto certs = ReadKeyFile(a.vcek);
    if (!certs.ok()) return Outcome(kQuoteCannotRun, "Error", "--vcek: " + certs.status().message());
    m.certs = *certs;
  }
  if (!a.chain.empty()) {
    auto text = ReadFileString(a.chain, 1 << 20);
    if (!text.ok()) return Outcome(kQuoteCannotRun, "Error", text.status().message());
    auto chain = crypto::ParseCertificateList(*text);
    if (!chain.ok()) return Outcome(kQuoteCannotRun, "Error", "--chain: " + chain.status().message());
    if (m.certs.size() > 1) m.certs.erase(m.certs.begin() + 1, m.certs.end());  // an explicit chain wins
    m.certs.insert(m.certs.end(), chain->begin(), chain->end());
  }
  if (!a.crl.empty()) {
    auto bytes = ReadFileBytes(a.crl, 16 << 20);
    if (!bytes.ok()) return Outcome(kQuoteCannotRun, "Error", bytes.status().message());
    auto crl = crypto::Crl::FromAny(*bytes);
    if (!crl.ok()) return Outcome(kQuoteCannotRun, "Error", "--crl: " + crl.status().message());
    m.crls.push_back(*crl);
  }
  // The product: from the report, the option, or the key's productName.
  std::optional<amd::Product> product = forced ? forced : amd::ReportProduct(*report);
  if (!product && !m.certs.empty()) {
    auto key = amd::ParseEndorsementCert(m.certs.front());
    if (key.ok()) product = key->product;
  }
  // Just the key, offline, under AMD's own ARK: AMD's public ASK/ASVK are
  // built in (and verified against the pinned ARK like any other).
  std::string chain_source = "given";
  if (m.certs.size() == 1 && a.collateral.empty() && !options.ark) {
    auto key = amd::ParseEndorsementCert(m.certs.front());
    if (!key.ok()) return Outcome(kQuoteInvalid, "Invalid", key.status().message());
    amd::KeyKind kind = key->kind == amd::EndorsementKind::kVlek ? amd::KeyKind::kVlek : amd::KeyKind::kVcek;
    m.certs.push_back(amd::BuiltInIntermediate(key->product, kind));
    chain_source = "built-in";
  }
  if (m.certs.size() < 2) {
    if (a.collateral.empty()) {
      return Outcome(kQuoteCollateralUnavailable, "CollateralUnavailable",
                     m.certs.empty() ? "no VCEK: give --vcek, or --collateral URL to fetch it"
                                     : "no ASK/ARK chain for the --ark root: give --chain, or --collateral URL to fetch it");
    }
    if (!product) return Outcome(kQuoteCannotRun, "Error", "a v2 report does not name its product: give --product");
    chain_source = "fetched";
    Status fetched = FetchFromKds(a, *report, *product, &m);
    if (!fetched.ok()) {
      bool unavailable = fetched.code() == StatusCode::kNotFound || fetched.code() == StatusCode::kUnavailable ||
                         fetched.code() == StatusCode::kResourceExhausted;
      return Outcome(unavailable ? kQuoteCollateralUnavailable : kQuoteInvalid,
                     unavailable ? "CollateralUnavailable" : "Invalid", fetched.message());
    }
  }
  auto key = amd::ParseEndorsementCert(m.certs.front());
  if (!key.ok()) return Outcome(kQuoteInvalid, "Invalid", key.status().message());
  std::vector<crypto::Certificate> chain(m.certs.begin() + 1, m.certs.end());
  options.crls = m.crls;
  auto verified = amd::VerifySnpReport(*report, *key, chain, options);

  VerifySnpOutcome o;
  o.report = {{"status", verified.ok() ? "Verified" : "Invalid"}, {"verified", verified.ok()}};
  o.report["at"] = FormatRfc3339(options.at);
  if (hcl) o.report["container"] = "azure_hcl_report";
  o.report["snp_report"] = DescribeSnpReport(*report, product ? product : std::optional<amd::Product>(key->product));
  o.report["key"] = DescribeEndorsement(*key);
  o.report["chain"] = chain_source;  // given (--vcek bundle, --chain), built-in, fetched (--collateral)
  o.report["crl_checked"] = !m.crls.empty();
  if (!verified.ok()) {
    o.exit_code = kQuoteInvalid;
    o.report["accepted"] = false;
    o.report["error_code"] = std::string(StatusCodeName(verified.status().code()));
    o.report["error"] = verified.status().message();
    o.summary = "invalid: " + verified.status().message();
    return o;
  }
  std::vector<std::string> objections = amd::CheckSnpPolicy(*verified, *policy);
  o.report["accepted"] = objections.empty();
  o.report["policy_reasons"] = objections;
  std::string what = std::string(amd::ProductName(verified->product)) + " SNP report v" + std::to_string(report->version) +
                     " signed by " + (key->kind == amd::EndorsementKind::kVcek ? "VCEK" : "VLEK") + ", REPORTED_TCB " +
                     amd::FormatTcbm(report->reported_tcb);
  if (objections.empty()) {
    o.exit_code = kQuoteAccepted;
    o.summary = "verified: " + what + ": accepted";
  } else {
    o.exit_code = kQuoteRejectedByPolicy;
    std::string reasons;
    for (const auto& why : objections) reasons += (reasons.empty() ? "" : "; ") + why;
    o.summary = "verified: " + what + ": rejected by policy: " + reasons;
  }
  return o;
}

}  // namespace thim::cli
