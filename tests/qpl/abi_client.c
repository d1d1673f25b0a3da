#include "abi_client.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define RESOLVE(field, name)                                                        \
  do {                                                                              \
    *(void **)(&abi->field) = dlsym(abi->handle, name);                             \
    if (abi->field == NULL) {                                                       \
      snprintf(err, err_size, "symbol %s missing: %s", name, dlerror());            \
      return -1;                                                                    \
    }                                                                               \
  } while (0)

int qpl_abi_open(qpl_abi_t *abi, char *err, size_t err_size) {
  memset(abi, 0, sizeof *abi);
  abi->handle = dlopen("libdcap_quoteprov.so.1", RTLD_NOW | RTLD_LOCAL);
  abi->by_soname = abi->handle != NULL;
#ifdef THIM_QPL_LIB
  /* libtsan/libasan intercept dlopen, so the search uses their (empty)
     RUNPATH instead of the test's; the ABI test insists on the soname
     outside sanitizer builds. */
  if (abi->handle == NULL) abi->handle = dlopen(THIM_QPL_LIB, RTLD_NOW | RTLD_LOCAL);
#endif
  if (abi->handle == NULL) {
    snprintf(err, err_size, "dlopen(libdcap_quoteprov.so.1): %s", dlerror());
    return -1;
  }
  RESOLVE(get_quote_config, "sgx_ql_get_quote_config");
  RESOLVE(free_quote_config, "sgx_ql_free_quote_config");
  RESOLVE(get_collateral, "sgx_ql_get_quote_verification_collateral");
  RESOLVE(get_collateral_with_params, "sgx_ql_get_quote_verification_collateral_with_params");
  RESOLVE(free_collateral, "sgx_ql_free_quote_verification_collateral");
  RESOLVE(tdx_get_collateral, "tdx_ql_get_quote_verification_collateral");
  RESOLVE(tdx_get_collateral_with_params, "tdx_ql_get_quote_verification_collateral_with_params");
  RESOLVE(tdx_free_collateral, "tdx_ql_free_quote_verification_collateral");
  RESOLVE(get_qve_identity, "sgx_ql_get_qve_identity");
  RESOLVE(free_qve_identity, "sgx_ql_free_qve_identity");
  RESOLVE(get_root_ca_crl, "sgx_ql_get_root_ca_crl");
  RESOLVE(free_root_ca_crl, "sgx_ql_free_root_ca_crl");
  RESOLVE(set_logging_callback, "sgx_ql_set_logging_callback");
  RESOLVE(clear_cache, "sgx_qpl_clear_cache");
  RESOLVE(global_init, "sgx_qpl_global_init");
  RESOLVE(global_cleanup, "sgx_qpl_global_cleanup");
  RESOLVE(get_platform_policy, "tee_get_default_platform_policy");
  RESOLVE(free_platform_policy, "tee_free_platform_policy");
  return 0;
}

static int text_ok(const char *p, uint32_t size) {
  return p != NULL && size > 1 && p[size - 1] == '\0' && strlen(p) == size - 1;
}

int qpl_check_collateral(const sgx_ql_qve_collateral_t *c) {
  if (!text_ok(c->pck_crl_issuer_chain, c->pck_crl_issuer_chain_size)) return 1;
  /* CRLs may be raw DER (embedded NULs): only the terminator is checked. */
  if (c->root_ca_crl == NULL || c->root_ca_crl_size < 2 || c->root_ca_crl[c->root_ca_crl_size - 1] != '\0') return 2;
  if (c->pck_crl == NULL || c->pck_crl_size < 2 || c->pck_crl[c->pck_crl_size - 1] != '\0') return 3;
  if (!text_ok(c->tcb_info_issuer_chain, c->tcb_info_issuer_chain_size)) return 4;
  if (!text_ok(c->tcb_info, c->tcb_info_size)) return 5;
  if (!text_ok(c->qe_identity_issuer_chain, c->qe_identity_issuer_chain_size)) return 6;
  if (!text_ok(c->qe_identity, c->qe_identity_size)) return 7;
  return 0;
}

void qpl_make_cert_id(sgx_ql_pck_cert_id_t *id, uint8_t *qe_id, sgx_cpu_svn_t *cpusvn, sgx_isv_svn_t *pcesvn,
                      uint8_t *encrypted_ppid, uint16_t pce_id) {
  memset(id, 0, sizeof *id);
  id->p_qe3_id = qe_id;
  id->qe3_id_size = 16;
  id->p_platform_cpu_svn = cpusvn;
  id->p_platform_pce_isv_svn = pcesvn;
  id->p_encrypted_ppid = encrypted_ppid;
  id->encrypted_ppid_size = encrypted_ppid ? 384 : 0;
  id->crypto_suite = PCE_ALG_RSA_OAEP_3072;
  id->pce_id = pce_id;
}
