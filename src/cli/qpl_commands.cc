#include "cli/qpl_commands.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

#include "core/bytes.h"
#include "thim/sgx_dcap_quoteprov.h"

namespace thim::cli {
namespace {

using json = nlohmann::json;

struct Library {
  void* handle = nullptr;
  ~Library() {
    if (handle) ::dlclose(handle);
  }
  template <typename F>
  F Symbol(const char* name) {
    return reinterpret_cast<F>(::dlsym(handle, name));
  }
};

void StderrLogger(sgx_ql_log_level_t, const char* message) { std::fprintf(stderr, "%s\n", message); }

// Opens the library and runs its global init (as Intel's loaders do), with
// its log on stderr when asked.
std::optional<std::string> Open(Library& lib, const std::string& path, bool verbose) {
  lib.handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib.handle) return std::string("dlopen(") + path + "): " + ::dlerror();
  if (verbose)
    if (auto set_log = lib.Symbol<quote3_error_t (*)(sgx_ql_logging_callback_t, sgx_ql_log_level_t)>("sgx_ql_set_logging_callback"))
      set_log(StderrLogger, SGX_QL_LOG_DEBUG);
  if (auto init = lib.Symbol<quote3_error_t (*)()>("sgx_qpl_global_init")) {
    quote3_error_t st = init();
    if (st != SGX_QL_SUCCESS) return "sgx_qpl_global_init: " + QplErrorName(st);
  }
  return std::nullopt;
}

QplOutcome Fail(int code, std::string message) {
  QplOutcome o;
  o.exit_code = code;
  o.message = std::move(message);
  return o;
}

// Text when it is printable, else hex (CRLs may be raw DER).
json Field(const char* data, uint32_t size) {
  if (data == nullptr) return nullptr;
  std::string s(data, size > 0 ? size - 1 : 0);
  bool text = std::all_of(s.begin(), s.end(), [](unsigned char c) { return c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f); });
  json j{{"size", size}, {"nul_terminated", size > 0 && data[size - 1] == '\0'}};
  if (text) j["text"] = s;
  else j["hex"] = HexEncode(AsBytes(s), true);
  return j;
}

std::optional<Bytes> Hex(const std::string& s, size_t len) {
  auto b = HexDecode(s);
  if (!b.ok() || b->size() != len) return std::nullopt;
  return *b;
}

}  // namespace

std::string QplErrorName(uint32_t code) {
  static const std::map<uint32_t, const char*> names = {
      {SGX_QL_SUCCESS, "SGX_QL_SUCCESS"},
      {SGX_QL_ERROR_UNEXPECTED, "SGX_QL_ERROR_UNEXPECTED"},
      {SGX_QL_ERROR_INVALID_PARAMETER, "SGX_QL_ERROR_INVALID_PARAMETER"},
      {SGX_QL_ERROR_OUT_OF_MEMORY, "SGX_QL_ERROR_OUT_OF_MEMORY"},
      {SGX_QL_PLATFORM_LIB_UNAVAILABLE, "SGX_QL_PLATFORM_LIB_UNAVAILABLE"},
      {SGX_QL_NO_PLATFORM_CERT_DATA, "SGX_QL_NO_PLATFORM_CERT_DATA"},
      {SGX_QL_NETWORK_ERROR, "SGX_QL_NETWORK_ERROR"},
      {SGX_QL_MESSAGE_ERROR, "SGX_QL_MESSAGE_ERROR"},
      {SGX_QL_NO_QUOTE_COLLATERAL_DATA, "SGX_QL_NO_QUOTE_COLLATERAL_DATA"},
      {SGX_QL_NO_QVE_IDENTITY_DATA, "SGX_QL_NO_QVE_IDENTITY_DATA"},
      {SGX_QL_SERVICE_UNAVAILABLE, "SGX_QL_SERVICE_UNAVAILABLE"},
      {SGX_QL_UNKNOWN_MESSAGE_RESPONSE, "SGX_QL_UNKNOWN_MESSAGE_RESPONSE"},
      {SGX_QL_ERROR_MESSAGE_PARSING_ERROR, "SGX_QL_ERROR_MESSAGE_PARSING_ERROR"},
      {SGX_QL_PLATFORM_UNKNOWN, "SGX_QL_PLATFORM_UNKNOWN"},
      {SGX_QL_CERTS_UNAVAILABLE, "SGX_QL_CERTS_UNAVAILABLE"},
      {SGX_QL_QEIDENTITY_NOT_FOUND, "SGX_QL_QEIDENTITY_NOT_FOUND"},
      {SGX_QL_TCBINFO_NOT_FOUND, "SGX_QL_TCBINFO_NOT_FOUND"},
      {SGX_QL_ROOT_CA_UNTRUSTED, "SGX_QL_ROOT_CA_UNTRUSTED"},
      {SGX_QL_CONFIG_INVALID_JSON, "SGX_QL_CONFIG_INVALID_JSON"},
  };
  auto it = names.find(code);
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%04X", code);
  return it == names.end() ? std::string(hex) : std::string(it->second) + " (" + hex + ")";
}

QplOutcome RunQplGetConfig(const QplGetConfigArgs& a) {
  auto qe = Hex(a.qe_id, 16);
  auto cpu = Hex(a.cpusvn, 16);
  auto pceid = Hex(a.pceid, 2);
  std::optional<Bytes> ppid;
  if (!a.encrypted_ppid.empty()) ppid = Hex(a.encrypted_ppid, 384);
  if (!qe || !cpu || !pceid || (!a.encrypted_ppid.empty() && !ppid))
    return Fail(2, "--qe-id and --cpusvn take 32 hex digits, --pceid 4, --encrypted-ppid 768");
  Library lib;
  if (auto err = Open(lib, a.library, a.verbose)) return Fail(2, *err);
  auto get = lib.Symbol<quote3_error_t (*)(const sgx_ql_pck_cert_id_t*, sgx_ql_config_t**)>("sgx_ql_get_quote_config");
  auto release = lib.Symbol<quote3_error_t (*)(sgx_ql_config_t*)>("sgx_ql_free_quote_config");
  if (!get || !release) return Fail(2, a.library + " lacks sgx_ql_get_quote_config/sgx_ql_free_quote_config");
  sgx_cpu_svn_t cpusvn;
  std::memcpy(cpusvn.svn, cpu->data(), 16);
  sgx_isv_svn_t pcesvn = a.pcesvn;
  sgx_ql_pck_cert_id_t id{};
  id.p_qe3_id = qe->data();
  id.qe3_id_size = 16;
  id.p_platform_cpu_svn = &cpusvn;
  id.p_platform_pce_isv_svn = &pcesvn;
  id.p_encrypted_ppid = ppid ? ppid->data() : nullptr;
  id.encrypted_ppid_size = ppid ? 384 : 0;
  id.crypto_suite = PCE_ALG_RSA_OAEP_3072;
  id.pce_id = static_cast<uint16_t>((*pceid)[0] | (*pceid)[1] << 8);
  sgx_ql_config_t* c = nullptr;
  quote3_error_t st = get(&id, &c);
  QplOutcome o;
  o.report["result"] = QplErrorName(st);
  if (st != SGX_QL_SUCCESS || c == nullptr) {
    o.exit_code = 1;
    o.message = "sgx_ql_get_quote_config: " + QplErrorName(st);
    return o;
  }
  sgx_isv_svn_t svn = c->cert_pce_isv_svn;
  uint32_t size = c->cert_data_size;
  o.report["version"] = static_cast<uint32_t>(c->version);
  o.report["cert_cpu_svn"] = HexEncode(ByteSpan(c->cert_cpu_svn.svn, 16), true);
  o.report["cert_pce_isv_svn"] = svn;
  o.report["cert_data"] = Field(reinterpret_cast<const char*>(c->p_cert_data), size);
  release(c);
  o.exit_code = 0;
  return o;
}

QplOutcome RunQplGetCollateral(const QplGetCollateralArgs& a) {
  auto fmspc = Hex(a.fmspc, 6);
  if (!fmspc) return Fail(2, "--fmspc takes 12 hex digits");
  if (a.ca != "processor" && a.ca != "platform") return Fail(2, "--ca is processor or platform");
  Library lib;
  if (auto err = Open(lib, a.library, a.verbose)) return Fail(2, *err);
  const char* get_name = a.tdx ? "tdx_ql_get_quote_verification_collateral" : "sgx_ql_get_quote_verification_collateral";
  const char* free_name = a.tdx ? "tdx_ql_free_quote_verification_collateral" : "sgx_ql_free_quote_verification_collateral";
  auto get = lib.Symbol<quote3_error_t (*)(const uint8_t*, uint16_t, const char*, sgx_ql_qve_collateral_t**)>(get_name);
  auto release = lib.Symbol<quote3_error_t (*)(sgx_ql_qve_collateral_t*)>(free_name);
  if (!get || !release) return Fail(2, a.library + " lacks " + get_name + "/" + free_name);
  sgx_ql_qve_collateral_t* c = nullptr;
  quote3_error_t st = get(fmspc->data(), 6, a.ca.c_str(), &c);
  QplOutcome o;
  o.report["result"] = QplErrorName(st);
  if (st != SGX_QL_SUCCESS || c == nullptr) {
    o.exit_code = 1;
    o.message = std::string(get_name) + ": " + QplErrorName(st);
    return o;
  }
  char version[32];
  std::snprintf(version, sizeof version, "%u.%u", c->major_version, c->minor_version);
  o.report["version"] = version;
  char tee[16];
  std::snprintf(tee, sizeof tee, "0x%08X", c->tee_type);
  o.report["tee_type"] = tee;
  o.report["pck_crl_issuer_chain"] = Field(c->pck_crl_issuer_chain, c->pck_crl_issuer_chain_size);
  o.report["root_ca_crl"] = Field(c->root_ca_crl, c->root_ca_crl_size);
  o.report["pck_crl"] = Field(c->pck_crl, c->pck_crl_size);
  o.report["tcb_info_issuer_chain"] = Field(c->tcb_info_issuer_chain, c->tcb_info_issuer_chain_size);
  o.report["tcb_info"] = Field(c->tcb_info, c->tcb_info_size);
  o.report["qe_identity_issuer_chain"] = Field(c->qe_identity_issuer_chain, c->qe_identity_issuer_chain_size);
  o.report["qe_identity"] = Field(c->qe_identity, c->qe_identity_size);
  release(c);
  o.exit_code = 0;
  return o;
}

}  // namespace thim::cli
