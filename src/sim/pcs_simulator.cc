#include "sim/pcs_simulator.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/bytes.h"
#include "core/pem.h"
#include "sim/delayed_replies.h"
#include "sim/pcs_response.h"
#include "sim/pki/collateral_writer.h"

namespace thim::sim {

using server::HttpRequest;
using server::HttpResponse;
using server::Reply;

namespace {

constexpr auto kMonth = std::chrono::hours(24 * 30);

enum class Tamper { kNone, kBadSignature, kWrongFmspc, kOlderIssueDate, kForeignRoot };

StatusOr<Tamper> ParseTamper(std::string_view s) {
  if (s == "none") return Tamper::kNone;
  if (s == "bad_signature") return Tamper::kBadSignature;
  if (s == "wrong_fmspc") return Tamper::kWrongFmspc;
  if (s == "older_issue_date") return Tamper::kOlderIssueDate;
  if (s == "foreign_root") return Tamper::kForeignRoot;
  return InvalidArgumentError("tamper kind must be none, bad_signature, wrong_fmspc, older_issue_date or foreign_root");
}

int ParseInt(std::optional<std::string_view> v, int fallback) {
  if (!v) return fallback;
  try {
    return std::stoi(std::string(*v));
  } catch (...) {
    return fallback;
  }
}

}  // namespace

struct PcsSimulator::Impl {
  IntelPki pki;
  PcsSimOptions options;
  const Clock& clock;

  mutable std::mutex mu;
  bool outage = false;
  bool v3_retired = false;
  std::string revoked;  // "tcb_signer" or "platform_ca": listed in the root CA CRL
  int latency_ms = 0;
  int force_status = 0;
  int force_retry_after = -1;
  int force_remaining = 0;
  Tamper tamper = Tamper::kNone;
  int tamper_remaining = 0;  // < 0: until reset
  uint32_t newest_eval;
  std::map<std::string, uint64_t> stats;
  uint64_t total = 0;
  std::unique_ptr<IntelPki> foreign;  // a different root, for "foreign_root"
  // Generated answers, so that repeated requests get the same bytes until the
  // document is re-issued (Intel re-signs periodically, not per request).
  std::map<std::string, HttpResponse> memo;
  uint64_t pck_calls = 0;  // pckcert + pckcerts(/config) requests, GET and POST

  // The platforms and their PCK certificates, made on first use: generating
  // the fleet encrypts PPIDs (and may generate the RSA-3072 key), which most
  // users of the simulator never need.
  mutable std::once_flag pck_once;
  mutable std::unique_ptr<PckService> pck;
  mutable Status pck_status;

  // Last member, so destroyed first: flushes answers held by injected latency.
  DelayedReplies delayed;

  Impl(IntelPki p, PcsSimOptions o, const Clock& c) : pki(std::move(p)), options(std::move(o)), clock(c), newest_eval(options.newest_eval) {}

  // ---- document generation ----------------------------------------------

  TimePoint IssueDate(Tamper t) const {
    TimePoint now = std::chrono::floor<std::chrono::minutes>(clock.Now()) - std::chrono::minutes(1);
    return t == Tamper::kOlderIssueDate ? now - std::chrono::hours(24 * 10) : now;
  }

  // TCB levels of evaluation number `eval`: each number raises the top level.
  static std::vector<TcbLevelSpec> Levels(uint32_t eval, bool tdx) {
    uint8_t b = static_cast<uint8_t>(std::max<uint32_t>(eval, 16) - 6);
    auto level = [&](uint8_t c, uint16_t pcesvn, const char* status, std::vector<std::string> advisories) {
      TcbLevelSpec l;
      l.sgx.components = {c, c, 2, 4, 1, 128, 14, 0};
      l.sgx.pcesvn = pcesvn;
      l.status = status;
      l.advisory_ids = std::move(advisories);
      if (tdx) l.tdx = std::array<uint8_t, 16>{static_cast<uint8_t>(c - 5), 0, static_cast<uint8_t>(c - 3)};
      return l;
    };
    std::vector<TcbLevelSpec> levels = {level(b, 13, "UpToDate", {}), level(b - 1, 13, "SWHardeningNeeded", {"INTEL-SA-00615"}),
                                        level(b - 2, 13, "ConfigurationNeeded", {"INTEL-SA-00615"}),
                                        level(b - 2, 9, "OutOfDate", {"INTEL-SA-00615", "INTEL-SA-00828"}),
                                        level(5, 5, "OutOfDate", {"INTEL-SA-00106", "INTEL-SA-00615"})};
    if (!tdx) {
      // Real SGX TCB infos carry a long history (19 levels, ~8 KB): keep the
      // simulator's the same size so benchmarks move realistic bytes.
      for (uint8_t k = 0; k < 14; ++k) {
        TcbLevelSpec old = level(4, 5, "OutOfDate", {"INTEL-SA-00106", "INTEL-SA-00115", "INTEL-SA-00135", "INTEL-SA-00203"});
        old.sgx.components[6] = static_cast<uint8_t>(13 - k);
        old.tcb_date = "2019-11-13T00:00:00Z";
        levels.push_back(old);
      }
    }
    return levels;
  }

  // The SGX TCB levels PCK certificates exist for: the union of the levels of
  // every evaluation number published up to `newest`, highest first (in
  // descending lexicographic order of the 17 values, which extends Intel's
  // partial order, as a TCB info lists its levels).
  std::vector<intel::SgxTcb> PckLevels(uint32_t newest) const {
    std::vector<intel::SgxTcb> all;
    for (uint32_t eval = options.oldest_eval; eval <= newest; ++eval)
      for (const auto& level : Levels(eval, false))
        if (std::find(all.begin(), all.end(), level.sgx) == all.end()) all.push_back(level.sgx);
    std::sort(all.begin(), all.end(), [](const intel::SgxTcb& a, const intel::SgxTcb& b) {
      return std::tie(a.components, a.pcesvn) > std::tie(b.components, b.pcesvn);
    });
    return all;
  }

  uint32_t NewestEval() const {
    std::lock_guard lock(mu);
    return newest_eval;
  }

  // The PCK service, or null when the fleet could not be made (pck_status says why).
  PckService* Pck() const {
    std::call_once(pck_once, [this] {
      StatusOr<crypto::PrivateKey> key = options.ppid_key ? StatusOr<crypto::PrivateKey>(*options.ppid_key) : ProcessPpidKey();
      if (!key.ok()) {
        pck_status = key.status();
        return;
      }
      FleetOptions fleet_options{.count = options.platforms, .seed = options.platform_seed,
                                 .not_available_every = options.not_available_every, .fmspcs = options.sgx_fmspcs};
      auto fleet = PlatformFleet::Create(fleet_options, *key);
      if (!fleet.ok()) {
        pck_status = fleet.status();
        return;
      }
      pck = std::make_unique<PckService>(pki, std::move(*fleet));
    });
    return pck.get();
  }

  static PckTamper ForPck(Tamper t) {
    switch (t) {
      case Tamper::kBadSignature: return PckTamper::kBadSignature;
      case Tamper::kWrongFmspc: return PckTamper::kWrongFmspc;
      case Tamper::kForeignRoot: return PckTamper::kForeignRoot;
      default: return PckTamper::kNone;  // an issue date does not apply to certificates
    }
  }

  const IntelPki& Signer(Tamper t) {
    if (t != Tamper::kForeignRoot) return pki;
    if (!foreign) foreign = std::make_unique<IntelPki>(*IntelPki::Create(clock.Now() - std::chrono::hours(24)));
    return *foreign;
  }

  static std::string Tampered(std::string doc, Tamper t) {
    if (t == Tamper::kBadSignature) {
      size_t pos = doc.find("\"signature\":\"") + 13;
      doc[pos] = doc[pos] == '0' ? '1' : '0';
    }
    return doc;
  }

  HttpResponse Signed(std::string_view name, const std::string& body, const std::string& chain_header, Tamper t) {
    const IntelPki& signer = Signer(t);
    auto doc = SignDocument(name, body, signer.tcb_signer().key);
    if (!doc.ok()) return PcsError(500, "", "");
    HttpResponse r = PcsBody(Tampered(*doc, t), "application/json");
    r.headers.push_back({chain_header, PercentEncode(signer.TcbSigningChainPem())});
    return r;
  }

  // Resolves update/tcbEvaluationDataNumber to a number, or an error answer.
  std::optional<HttpResponse> EvalFor(const HttpRequest& req, uint32_t* eval) {
    auto update = req.Param("update");
    auto number = req.Param("tcbEvaluationDataNumber");
    if (update && number) return PcsError(400, "InvalidRequestSyntax", "update and tcbEvaluationDataNumber are mutually exclusive");
    if (number) {
      int n = ParseInt(number, -1);
      if (n <= 0) return PcsError(400, "InvalidRequestSyntax", "bad tcbEvaluationDataNumber");
      if (static_cast<uint32_t>(n) > newest_eval) return PcsError(404, "", "");
      if (static_cast<uint32_t>(n) < options.oldest_eval) return PcsError(410, "", "");
      *eval = static_cast<uint32_t>(n);
      return std::nullopt;
    }
    if (update && *update != "early" && *update != "standard") return PcsError(400, "InvalidRequestSyntax", "bad update");
    *eval = update && *update == "early" ? newest_eval : options.standard_eval;
    return std::nullopt;
  }

  HttpResponse TcbInfo(const HttpRequest& req, intel::TeeType tee, int api_version, Tamper t) {
    auto fmspc = req.Param("fmspc");
    if (!fmspc || !IsHex(*fmspc, 12)) return PcsError(400, "InvalidRequestSyntax", "fmspc");
    std::string upper;
    for (char c : *fmspc) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto& known = tee == intel::TeeType::kSgx ? options.sgx_fmspcs : options.tdx_fmspcs;
    if (std::find(known.begin(), known.end(), upper) == known.end()) return PcsError(404, "", "");
    uint32_t eval;
    if (auto err = EvalFor(req, &eval)) return *err;
    TcbInfoSpec spec;
    spec.tee = tee;
    spec.version = api_version == 3 ? 2 : 3;
    spec.fmspc = t == Tamper::kWrongFmspc ? (upper == "00906ED50000" ? "00606A000000" : "00906ED50000") : upper;
    spec.eval_number = eval;
    spec.issue_date = IssueDate(t);
    spec.next_update = spec.issue_date + kMonth;
    spec.levels = Levels(eval, tee == intel::TeeType::kTdx);
    if (tee == intel::TeeType::kTdx) spec.module_identities = {TdxModuleIdentitySpec{}};
    return Signed("tcbInfo", TcbInfoBody(spec), api_version == 3 ? "SGX-TCB-Info-Issuer-Chain" : "TCB-Info-Issuer-Chain", t);
  }

  HttpResponse Identity(const HttpRequest& req, intel::EnclaveId id, int api_version, Tamper t) {
    uint32_t eval;
    if (auto err = EvalFor(req, &eval)) return *err;
    EnclaveIdentitySpec spec;
    spec.id = id;
    spec.eval_number = eval;
    spec.issue_date = IssueDate(t);
    spec.next_update = spec.issue_date + kMonth;
    spec.advisory_ids = api_version == 4;
    int top = static_cast<int>(eval) - 9;
    switch (id) {
      case intel::EnclaveId::kQe: spec.isvprodid = 1; break;
      case intel::EnclaveId::kQve: spec.isvprodid = 2; top = 3; break;
      case intel::EnclaveId::kQae: spec.isvprodid = 3; top = 3; break;
      case intel::EnclaveId::kTdQe:
        spec.isvprodid = 2;
        spec.mrsigner = "DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5";
        top = static_cast<int>(eval) - 13;
        break;
    }
    spec.levels = {{top, "UpToDate"}, {top - 2, "OutOfDate"}};
    return Signed("enclaveIdentity", EnclaveIdentityBody(spec), "SGX-Enclave-Identity-Issuer-Chain", t);
  }

  HttpResponse EvalNumbers(intel::TeeType tee, Tamper t) {
    TcbEvalNumbersSpec spec;
    spec.tee = tee;
    spec.issue_date = IssueDate(t);
    spec.next_update = spec.issue_date + kMonth;
    for (uint32_t n = newest_eval; n >= options.oldest_eval && n > 0; --n) {
      std::string day = "2024-" + std::string(n % 2 ? "03" : "11") + "-1" + std::to_string(n % 10) + "T00:00:00Z";
      spec.numbers.push_back({n, day, day});
    }
    return Signed("tcbEvaluationDataNumbers", TcbEvalNumbersBody(spec), "TCB-Evaluation-Data-Numbers-Issuer-Chain", t);
  }

  HttpResponse PckCrl(const HttpRequest& req, Tamper t) {
    auto ca = req.Param("ca");
    if (!ca || (*ca != "processor" && *ca != "platform")) return PcsError(400, "InvalidRequestSyntax", "ca");
    auto encoding = req.Param("encoding");
    bool der = encoding && *encoding == "der";
    const IntelPki& signer = Signer(t);
    auto type = *ca == "processor" ? intel::PckCaType::kProcessor : intel::PckCaType::kPlatform;
    TimePoint issued = IssueDate(t);
    auto crl = signer.PckCrl(type, {.this_update = issued, .next_update = issued + kMonth, .revoked_serials = {{0x0D, 0xEA, 0xD0}}});
    if (!crl.ok()) return PcsError(500, "", "");
    Bytes bytes = crl->der();
    if (t == Tamper::kBadSignature) bytes[bytes.size() - 3] ^= 0x01;
    HttpResponse r = der ? PcsBody(std::string(bytes.begin(), bytes.end()), "application/pkix-crl")
                         : PcsBody(EncodePem("X509 CRL", bytes), "application/x-pem-file");
    r.headers.push_back({"SGX-PCK-CRL-Issuer-Chain", PercentEncode(signer.PckCaChainPem(type))});
    return r;
  }

  HttpResponse RootCrl(Tamper t) {
    const IntelPki& signer = Signer(t);
    TimePoint issued = IssueDate(t);
    std::vector<Bytes> serials;
    if (revoked == "tcb_signer") serials.push_back(signer.tcb_signer().cert.SerialNumber());
    if (revoked == "platform_ca") serials.push_back(signer.platform_ca().cert.SerialNumber());
    auto crl = signer.RootCrl({.this_update = issued, .next_update = issued + 12 * kMonth, .revoked_serials = serials});
    if (!crl.ok()) return PcsError(500, "", "");
    Bytes bytes = crl->der();
    if (t == Tamper::kBadSignature) bytes[bytes.size() - 3] ^= 0x01;
    return PcsBody(std::string(bytes.begin(), bytes.end()), "application/pkix-crl");
  }

  HttpResponse Fmspcs() {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : options.sgx_fmspcs) list.push_back({{"fmspc", f}, {"platform", "E3"}});
    for (const auto& f : options.tdx_fmspcs) list.push_back({{"fmspc", f}, {"platform", "E5"}});
    return PcsBody(list.dump(), "application/json");
  }

  // ---- request pipeline ------------------------------------------------

  // Counts the request and applies injected faults; returns the answer when
  // a fault decides it, else the tamper kind to apply.
  std::optional<HttpResponse> Intercept(const HttpRequest& req, int api_version, Tamper* t, int* delay_ms) {
    std::lock_guard lock(mu);
    ++stats[req.path];
    ++total;
    if (req.path.find("/pckcert") != std::string::npos) ++pck_calls;
    *delay_ms = latency_ms;
    if (outage) return PcsError(503, "", "");
    if (api_version == 3 && v3_retired) {
      HttpResponse r = PcsError(410, "", "");
      r.headers.push_back({"Warning", "299 - \"API v3 has been retired\""});
      return r;
    }
    if (force_remaining != 0) {
      if (force_remaining > 0) --force_remaining;
      HttpResponse r = PcsError(force_status, "", "");
      if (force_retry_after >= 0) r.headers.push_back({"Retry-After", std::to_string(force_retry_after)});
      return r;
    }
    *t = tamper;
    if (tamper_remaining > 0 && --tamper_remaining == 0) tamper = Tamper::kNone;
    return std::nullopt;
  }

  // What identifies a document: the path and the parameters that select it,
  // normalised (case, defaults), so equivalent requests share bytes.
  static std::string MemoKey(const HttpRequest& req) {
    auto lower = [](std::optional<std::string_view> v, std::string fallback) {
      std::string s(v.value_or(fallback));
      for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    };
    return req.path + "|" + lower(req.Param("fmspc"), "") + "|" + lower(req.Param("update"), "standard") + "|" +
           lower(req.Param("tcbEvaluationDataNumber"), "") + "|" + lower(req.Param("ca"), "") + "|" +
           lower(req.Param("encoding"), "pem") + "|" + lower(req.Param("platform"), "all");
  }

  // Every PCS route: counts the request, applies injected faults, else
  // `produce`s the answer; delivers it after the injected latency.
  server::Handler Faulted(int api_version, std::function<HttpResponse(const HttpRequest&, Tamper)> produce) {
    return [this, api_version, produce = std::move(produce)](const HttpRequest& req, Reply reply) {
      Tamper t = Tamper::kNone;
      int delay = 0;
      std::optional<HttpResponse> answer = Intercept(req, api_version, &t, &delay);
      HttpResponse r = answer ? std::move(*answer) : produce(req, t);
      if (delay <= 0) return reply(std::move(r));
      delayed.Send(reply, std::move(r), std::chrono::milliseconds(delay));
    };
  }

  // Signed collateral and CRLs: memoised documents.
  server::Handler Pcs(int api_version, std::function<HttpResponse(const HttpRequest&, Tamper)> make) {
    return Faulted(api_version, [this, make = std::move(make)](const HttpRequest& req, Tamper t) {
      std::lock_guard lock(mu);  // generation reads newest_eval and the foreign PKI
      std::string key = MemoKey(req) + "|" + std::to_string(static_cast<int>(t)) + "|" + std::to_string(newest_eval) + "|" +
                        std::to_string(ToUnixSeconds(IssueDate(t)));
      auto it = memo.find(key);
      if (it == memo.end()) {
        if (memo.size() > 10000) memo.clear();
        it = memo.emplace(key, make(req, t)).first;
      }
      return it->second;
    });
  }

  // PCK routes: no response memo (the answer depends on the platform and raw
  // TCB; the certificates themselves are kept by PckService).
  server::Handler PckRoute(int api_version, PckService::Route route) {
    return Faulted(api_version, [this, route](const HttpRequest& req, Tamper t) {
      PckService* service = Pck();
      if (service == nullptr) return PcsError(500);
      const IntelPki* signer;
      uint32_t newest;
      {
        std::lock_guard lock(mu);  // Signer may create the foreign PKI
        signer = &Signer(t);
        newest = newest_eval;
      }
      return service->Answer(req, route, PckLevels(newest), ForPck(t), *signer);
    });
  }

  // ---- control API -------------------------------------------------------

  HttpResponse Control(const HttpRequest& req) {
    std::lock_guard lock(mu);
    const std::string& p = req.path;
    if (p == "/_sim/outage") outage = ParseInt(req.Param("enabled"), 1) != 0;
    else if (p == "/_sim/v3-retired") v3_retired = ParseInt(req.Param("enabled"), 1) != 0;
    else if (p == "/_sim/latency") latency_ms = std::max(0, ParseInt(req.Param("ms"), 0));
    else if (p == "/_sim/revoke") {
      revoked = std::string(req.Param("what").value_or("none"));
      memo.clear();
    }
    else if (p == "/_sim/force") {
      force_status = ParseInt(req.Param("status"), 503);
      force_retry_after = ParseInt(req.Param("retry_after"), -1);
      force_remaining = ParseInt(req.Param("count"), 1);
    } else if (p == "/_sim/tamper") {
      auto kind = ParseTamper(req.Param("kind").value_or("none"));
      if (!kind.ok()) return HttpResponse::Error(kind.status());
      tamper = *kind;
      tamper_remaining = ParseInt(req.Param("count"), -1);
    } else if (p == "/_sim/new-eval-number") {
      ++newest_eval;
    } else if (p == "/_sim/reset") {
      outage = v3_retired = false;
      revoked.clear();
      memo.clear();
      latency_ms = force_remaining = 0;
      tamper = Tamper::kNone;
      newest_eval = options.newest_eval;
      stats.clear();
      total = pck_calls = 0;
    }
    return HttpResponse::Json(200, R"({"ok":true})");
  }

  HttpResponse Stats() {
    std::lock_guard lock(mu);
    nlohmann::json paths = nlohmann::json::object();
    for (const auto& [path, n] : stats) paths[path] = n;
    nlohmann::json j = {{"total", total}, {"paths", paths}, {"pckCalls", pck_calls}, {"newestEvaluationDataNumber", newest_eval}};
    return HttpResponse::Json(200, j.dump());
  }
};

PcsSimulator::PcsSimulator(IntelPki pki, PcsSimOptions options, const Clock& clock)
    : impl_(std::make_shared<Impl>(std::move(pki), std::move(options), clock)) {}
PcsSimulator::~PcsSimulator() = default;

const IntelPki& PcsSimulator::pki() const { return impl_->pki; }

std::vector<SimPlatform> PcsSimulator::Platforms() const {
  PckService* service = impl_->Pck();
  return service ? service->fleet().platforms() : std::vector<SimPlatform>{};
}

std::vector<SimPckLevel> PcsSimulator::PlatformLevels(const SimPlatform& platform) const {
  PckService* service = impl_->Pck();
  if (!service) return {};
  return service->Levels(platform, impl_->PckLevels(impl_->NewestEval()));
}

StatusOr<SimPckAnswer> PcsSimulator::SelectPck(const SimPlatform& platform, const Bytes& raw_cpusvn, uint16_t raw_pcesvn) const {
  PckService* service = impl_->Pck();
  if (!service) return impl_->pck_status;
  const auto& fleet = service->fleet().platforms();
  // Only the fleet's own platforms: a caller's copy must describe one of them.
  if (platform.index >= fleet.size() || fleet[platform.index].ppid != platform.ppid)
    return NotFoundError("not a platform of this simulator");
  return service->Select(fleet[platform.index], raw_cpusvn, raw_pcesvn, impl_->PckLevels(impl_->NewestEval()));
}

void PcsSimulator::AddRoutes(server::Router& router) {
  Impl* s = impl_.get();
  using intel::EnclaveId;
  using intel::TeeType;
  for (int v : {3, 4}) {
    std::string base = "/sgx/certification/v" + std::to_string(v) + "/";
    router.Add("GET", base + "tcb", "sim", s->Pcs(v, [s, v](const HttpRequest& r, Tamper t) { return s->TcbInfo(r, TeeType::kSgx, v, t); }));
    router.Add("GET", base + "qe/identity", "sim", s->Pcs(v, [s, v](const HttpRequest& r, Tamper t) { return s->Identity(r, EnclaveId::kQe, v, t); }));
    router.Add("GET", base + "qve/identity", "sim", s->Pcs(v, [s, v](const HttpRequest& r, Tamper t) { return s->Identity(r, EnclaveId::kQve, v, t); }));
    router.Add("GET", base + "qae/identity", "sim", s->Pcs(v, [s, v](const HttpRequest& r, Tamper t) { return s->Identity(r, EnclaveId::kQae, v, t); }));
    router.Add("GET", base + "pckcrl", "sim", s->Pcs(v, [s](const HttpRequest& r, Tamper t) { return s->PckCrl(r, t); }));
    for (auto [name, route] : {std::pair{"pckcert", PckService::Route::kPckCert}, {"pckcerts", PckService::Route::kPckCerts},
                               {"pckcerts/config", PckService::Route::kPckCertsConfig}}) {
      router.Add("GET", base + name, "sim", s->PckRoute(v, route));
      router.Add("POST", base + name, "sim", s->PckRoute(v, route));
    }
  }
  router.Add("GET", "/sgx/certification/v4/tcbevaluationdatanumbers", "sim",
             s->Pcs(4, [s](const HttpRequest&, Tamper t) { return s->EvalNumbers(TeeType::kSgx, t); }));
  router.Add("GET", "/sgx/certification/v4/fmspcs", "sim", s->Pcs(4, [s](const HttpRequest&, Tamper) { return s->Fmspcs(); }));
  router.Add("GET", "/tdx/certification/v4/tcb", "sim",
             s->Pcs(4, [s](const HttpRequest& r, Tamper t) { return s->TcbInfo(r, TeeType::kTdx, 4, t); }));
  router.Add("GET", "/tdx/certification/v4/qe/identity", "sim",
             s->Pcs(4, [s](const HttpRequest& r, Tamper t) { return s->Identity(r, EnclaveId::kTdQe, 4, t); }));
  router.Add("GET", "/tdx/certification/v4/tcbevaluationdatanumbers", "sim",
             s->Pcs(4, [s](const HttpRequest&, Tamper t) { return s->EvalNumbers(TeeType::kTdx, t); }));
  router.Add("GET", "/IntelSGXRootCA.der", "sim", s->Pcs(4, [s](const HttpRequest&, Tamper t) { return s->RootCrl(t); }));
  for (const char* p : {"/_sim/outage", "/_sim/v3-retired", "/_sim/latency", "/_sim/force", "/_sim/tamper", "/_sim/new-eval-number", "/_sim/reset", "/_sim/revoke"})
    router.Add("POST", p, "sim_control", [s](const HttpRequest& r, Reply reply) { reply(s->Control(r)); });
  router.Add("GET", "/_sim/stats", "sim_control", [s](const HttpRequest&, Reply reply) { reply(s->Stats()); });
  router.Add("GET", "/_sim/platforms", "sim_control", [s](const HttpRequest&, Reply reply) {
    PckService* service = s->Pck();
    reply(service ? HttpResponse::Json(200, service->PlatformsJson()) : HttpResponse::Error(s->pck_status));
  });
}

}  // namespace thim::sim
