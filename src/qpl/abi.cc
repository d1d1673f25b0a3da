// The 18 exported functions of libdcap_quoteprov.so.1: parameter checks,
// Intel's output layouts (malloc'ed, NUL-terminated, sizes include the NUL),
// and a catch-all so no C++ exception ever reaches the C caller.
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "qpl/encoding.h"
#include "qpl/provider.h"
#include "thim/sgx_dcap_quoteprov.h"

using thim::qpl::Provider;

namespace {

template <typename F>
quote3_error_t Guard(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return SGX_QL_ERROR_OUT_OF_MEMORY;
  } catch (...) {
    return SGX_QL_ERROR_UNEXPECTED;
  }
}

// A malloc'ed copy of `s` plus a NUL; size includes the NUL.
char* Dup(const std::string& s, uint32_t* size) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p == nullptr) return nullptr;
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  if (size) *size = static_cast<uint32_t>(s.size() + 1);
  return p;
}

void FreeCollateral(sgx_ql_qve_collateral_t* c) {
  if (c == nullptr) return;
  std::free(c->pck_crl_issuer_chain);
  std::free(c->root_ca_crl);
  std::free(c->pck_crl);
  std::free(c->tcb_info_issuer_chain);
  std::free(c->tcb_info);
  std::free(c->qe_identity_issuer_chain);
  std::free(c->qe_identity);
  std::free(c);
}

quote3_error_t GetCollateral(bool tdx, const uint8_t* fmspc, uint16_t fmspc_size, const char* pck_ca, const void* custom,
                             uint16_t custom_len, sgx_ql_qve_collateral_t** pp) {
  if (pp == nullptr) return SGX_QL_ERROR_INVALID_PARAMETER;
  *pp = nullptr;
  if (fmspc == nullptr || fmspc_size != 6 || pck_ca == nullptr || (custom == nullptr) != (custom_len == 0))
    return SGX_QL_ERROR_INVALID_PARAMETER;
  std::string ca(pck_ca, strnlen(pck_ca, 16));
  if (ca != "processor" && ca != "platform") return SGX_QL_ERROR_INVALID_PARAMETER;
  return Guard([&]() -> quote3_error_t {
    std::string cp = custom ? thim::qpl::Base64UrlParam(static_cast<const uint8_t*>(custom), custom_len) : "";
    thim::qpl::CollateralData d;
    quote3_error_t st = Provider::Instance().GetCollateral(tdx, thim::qpl::HexUpper(fmspc, 6), ca, cp, d);
    if (st != SGX_QL_SUCCESS) return st;
    auto* c = static_cast<sgx_ql_qve_collateral_t*>(std::calloc(1, sizeof(sgx_ql_qve_collateral_t)));
    if (c == nullptr) return SGX_QL_ERROR_OUT_OF_MEMORY;
    c->version = d.version;
    c->tee_type = tdx ? 0x81 : 0;
    c->pck_crl_issuer_chain = Dup(d.pck_crl.chain, &c->pck_crl_issuer_chain_size);
    c->root_ca_crl = Dup(d.root_ca_crl, &c->root_ca_crl_size);
    c->pck_crl = Dup(d.pck_crl.body, &c->pck_crl_size);
    c->tcb_info_issuer_chain = Dup(d.tcb_info.chain, &c->tcb_info_issuer_chain_size);
    c->tcb_info = Dup(d.tcb_info.body, &c->tcb_info_size);
    c->qe_identity_issuer_chain = Dup(d.qe_identity.chain, &c->qe_identity_issuer_chain_size);
    c->qe_identity = Dup(d.qe_identity.body, &c->qe_identity_size);
    if (!c->pck_crl_issuer_chain || !c->root_ca_crl || !c->pck_crl || !c->tcb_info_issuer_chain || !c->tcb_info ||
        !c->qe_identity_issuer_chain || !c->qe_identity) {
      FreeCollateral(c);
      return SGX_QL_ERROR_OUT_OF_MEMORY;
    }
    *pp = c;
    return SGX_QL_SUCCESS;
  });
}

}  // namespace

extern "C" {

quote3_error_t sgx_ql_get_quote_config(const sgx_ql_pck_cert_id_t* id, sgx_ql_config_t** pp) {
  if (pp == nullptr) return SGX_QL_ERROR_INVALID_PARAMETER;
  *pp = nullptr;
  if (id == nullptr || id->p_qe3_id == nullptr || id->qe3_id_size != 16 || id->p_platform_cpu_svn == nullptr ||
      id->p_platform_pce_isv_svn == nullptr || id->crypto_suite != PCE_ALG_RSA_OAEP_3072 ||
      (id->p_encrypted_ppid != nullptr && id->encrypted_ppid_size != 384))
    return SGX_QL_ERROR_INVALID_PARAMETER;
  return Guard([&]() -> quote3_error_t {
    thim::qpl::PckRequest req;
    req.qeid = thim::qpl::HexUpper(id->p_qe3_id, 16);
    req.cpusvn = thim::qpl::HexUpper(id->p_platform_cpu_svn->svn, 16);
    sgx_isv_svn_t pcesvn;
    std::memcpy(&pcesvn, id->p_platform_pce_isv_svn, sizeof pcesvn);
    uint8_t le[2] = {static_cast<uint8_t>(pcesvn & 0xFF), static_cast<uint8_t>(pcesvn >> 8)};
    req.pcesvn = thim::qpl::HexUpper(le, 2);
    uint16_t pce_id = id->pce_id;  // packed member: copy before use
    uint8_t pid[2] = {static_cast<uint8_t>(pce_id & 0xFF), static_cast<uint8_t>(pce_id >> 8)};
    req.pceid = thim::qpl::HexUpper(pid, 2);
    req.encrypted_ppid = id->p_encrypted_ppid ? thim::qpl::HexUpper(id->p_encrypted_ppid, 384) : std::string(768, '0');
    thim::qpl::PckCertData d;
    quote3_error_t st = Provider::Instance().GetPckCert(req, d);
    if (st != SGX_QL_SUCCESS) return st;
    auto tcbm = thim::qpl::HexDecode(d.tcbm);
    if (!tcbm || tcbm->size() != 18) return SGX_QL_ERROR_UNEXPECTED;
    std::string data = d.cert + d.chain;
    auto* c = static_cast<sgx_ql_config_t*>(std::calloc(1, sizeof(sgx_ql_config_t)));
    if (c == nullptr) return SGX_QL_ERROR_OUT_OF_MEMORY;
    c->version = SGX_QL_CONFIG_VERSION_1;
    std::memcpy(c->cert_cpu_svn.svn, tcbm->data(), 16);
    sgx_isv_svn_t svn = static_cast<sgx_isv_svn_t>(static_cast<uint8_t>((*tcbm)[16]) | (static_cast<uint8_t>((*tcbm)[17]) << 8));
    c->cert_pce_isv_svn = svn;
    uint32_t size = 0;
    uint8_t* buf = reinterpret_cast<uint8_t*>(Dup(data, &size));
    if (buf == nullptr) {
      std::free(c);
      return SGX_QL_ERROR_OUT_OF_MEMORY;
    }
    c->cert_data_size = size;
    c->p_cert_data = buf;
    *pp = c;
    return SGX_QL_SUCCESS;
  });
}

quote3_error_t sgx_ql_free_quote_config(sgx_ql_config_t* p) {
  if (p) {
    std::free(p->p_cert_data);
    std::free(p);
  }
  return SGX_QL_SUCCESS;
}

quote3_error_t sgx_ql_get_quote_verification_collateral(const uint8_t* fmspc, uint16_t fmspc_size, const char* pck_ca,
                                                        sgx_ql_qve_collateral_t** pp) {
  return GetCollateral(false, fmspc, fmspc_size, pck_ca, nullptr, 0, pp);
}

quote3_error_t sgx_ql_get_quote_verification_collateral_with_params(const uint8_t* fmspc, const uint16_t fmspc_size,
                                                                    const char* pck_ca, const void* custom_param,
                                                                    const uint16_t custom_param_length,
                                                                    sgx_ql_qve_collateral_t** pp) {
  return GetCollateral(false, fmspc, fmspc_size, pck_ca, custom_param, custom_param_length, pp);
}

quote3_error_t sgx_ql_free_quote_verification_collateral(sgx_ql_qve_collateral_t* p) {
  FreeCollateral(p);
  return SGX_QL_SUCCESS;
}

quote3_error_t tdx_ql_get_quote_verification_collateral(const uint8_t* fmspc, uint16_t fmspc_size, const char* pck_ca,
                                                        tdx_ql_qv_collateral_t** pp) {
  return GetCollateral(true, fmspc, fmspc_size, pck_ca, nullptr, 0, pp);
}

quote3_error_t tdx_ql_get_quote_verification_collateral_with_params(const uint8_t* fmspc, const uint16_t fmspc_size,
                                                                    const char* pck_ca, const void* custom_param,
                                                                    const uint16_t custom_param_length,
                                                                    tdx_ql_qv_collateral_t** pp) {
  return GetCollateral(true, fmspc, fmspc_size, pck_ca, custom_param, custom_param_length, pp);
}

quote3_error_t tdx_ql_free_quote_verification_collateral(tdx_ql_qv_collateral_t* p) {
  FreeCollateral(p);
  return SGX_QL_SUCCESS;
}

quote3_error_t sgx_ql_get_qve_identity(char** pp_id, uint32_t* p_id_size, char** pp_chain, uint32_t* p_chain_size) {
  if (!pp_id || !p_id_size || !pp_chain || !p_chain_size) return SGX_QL_ERROR_INVALID_PARAMETER;
  *pp_id = *pp_chain = nullptr;
  return Guard([&]() -> quote3_error_t {
    thim::qpl::Document d;
    quote3_error_t st = Provider::Instance().GetQveIdentity(d);
    if (st != SGX_QL_SUCCESS) return st;
    char* id = Dup(d.body, p_id_size);
    char* chain = Dup(d.chain, p_chain_size);
    if (!id || !chain) {
      std::free(id);
      std::free(chain);
      return SGX_QL_ERROR_OUT_OF_MEMORY;
    }
    *pp_id = id;
    *pp_chain = chain;
    return SGX_QL_SUCCESS;
  });
}

quote3_error_t sgx_ql_free_qve_identity(char* p_id, char* p_chain) {
  std::free(p_id);
  std::free(p_chain);
  return SGX_QL_SUCCESS;
}

quote3_error_t sgx_ql_get_root_ca_crl(uint8_t** pp, uint16_t* p_size) {
  if (!pp || !p_size) return SGX_QL_ERROR_INVALID_PARAMETER;
  *pp = nullptr;
  return Guard([&]() -> quote3_error_t {
    std::string crl;
    quote3_error_t st = Provider::Instance().GetRootCaCrl(crl);
    if (st != SGX_QL_SUCCESS) return st;
    if (crl.size() + 1 > 0xFFFF) return SGX_QL_ERROR_OUT_OF_MEMORY;  // does not fit Intel's uint16_t size
    uint32_t size = 0;
    char* p = Dup(crl, &size);
    if (!p) return SGX_QL_ERROR_OUT_OF_MEMORY;
    *pp = reinterpret_cast<uint8_t*>(p);
    *p_size = static_cast<uint16_t>(size);
    return SGX_QL_SUCCESS;
  });
}

quote3_error_t sgx_ql_free_root_ca_crl(uint8_t* p) {
  std::free(p);
  return SGX_QL_SUCCESS;
}

quote3_error_t sgx_ql_set_logging_callback(sgx_ql_logging_callback_t logger, sgx_ql_log_level_t level) {
  return Guard([&]() -> quote3_error_t {
    Provider::Instance().SetLogger(logger, level);
    return SGX_QL_SUCCESS;
  });
}

quote3_error_t sgx_qpl_clear_cache(uint32_t cache_type) {
  return Guard([&]() { return Provider::Instance().ClearCache(cache_type); });
}

quote3_error_t sgx_qpl_global_init(void) {
  return Guard([&]() { return Provider::Instance().Init(); });
}

quote3_error_t sgx_qpl_global_cleanup(void) { return SGX_QL_SUCCESS; }

quote3_error_t tee_get_default_platform_policy(const uint8_t* fmspc, const uint16_t fmspc_size, uint8_t** pp,
                                               uint32_t* p_size) {
  if (!fmspc || fmspc_size != 6 || !pp || !p_size) return SGX_QL_ERROR_INVALID_PARAMETER;
  *pp = nullptr;
  return Guard([&]() -> quote3_error_t {
    std::string policy;
    quote3_error_t st = Provider::Instance().GetPlatformPolicy(thim::qpl::HexUpper(fmspc, 6), policy);
    if (st != SGX_QL_SUCCESS) return st;
    char* p = Dup(policy, p_size);
    if (!p) return SGX_QL_ERROR_OUT_OF_MEMORY;
    *pp = reinterpret_cast<uint8_t*>(p);
    return SGX_QL_SUCCESS;
  });
}

quote3_error_t tee_free_platform_policy(uint8_t* p) {
  std::free(p);
  return SGX_QL_SUCCESS;
}

}  // extern "C"
