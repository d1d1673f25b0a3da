/* The QPL as its real consumers see it: dlopen by soname, dlsym of every
 * symbol. Written in C so the test proves the header and ABI work from C. */
#ifndef THIM_TESTS_QPL_ABI_CLIENT_H
#define THIM_TESTS_QPL_ABI_CLIENT_H

#include "thim/sgx_dcap_quoteprov.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  void *handle;
  int by_soname; /* 0: found only through THIM_QPL_LIB (a sanitizer runtime hid the RUNPATH) */
  quote3_error_t (*get_quote_config)(const sgx_ql_pck_cert_id_t *, sgx_ql_config_t **);
  quote3_error_t (*free_quote_config)(sgx_ql_config_t *);
  quote3_error_t (*get_collateral)(const uint8_t *, uint16_t, const char *, sgx_ql_qve_collateral_t **);
  quote3_error_t (*get_collateral_with_params)(const uint8_t *, const uint16_t, const char *, const void *, const uint16_t,
                                               sgx_ql_qve_collateral_t **);
  quote3_error_t (*free_collateral)(sgx_ql_qve_collateral_t *);
  quote3_error_t (*tdx_get_collateral)(const uint8_t *, uint16_t, const char *, tdx_ql_qv_collateral_t **);
  quote3_error_t (*tdx_get_collateral_with_params)(const uint8_t *, const uint16_t, const char *, const void *, const uint16_t,
                                                   tdx_ql_qv_collateral_t **);
  quote3_error_t (*tdx_free_collateral)(tdx_ql_qv_collateral_t *);
  quote3_error_t (*get_qve_identity)(char **, uint32_t *, char **, uint32_t *);
  quote3_error_t (*free_qve_identity)(char *, char *);
  quote3_error_t (*get_root_ca_crl)(uint8_t **, uint16_t *);
  quote3_error_t (*free_root_ca_crl)(uint8_t *);
  quote3_error_t (*set_logging_callback)(sgx_ql_logging_callback_t, sgx_ql_log_level_t);
  quote3_error_t (*clear_cache)(uint32_t);
  quote3_error_t (*global_init)(void);
  quote3_error_t (*global_cleanup)(void);
  quote3_error_t (*get_platform_policy)(const uint8_t *, const uint16_t, uint8_t **, uint32_t *);
  quote3_error_t (*free_platform_policy)(uint8_t *);
} qpl_abi_t;

/* Opens libdcap_quoteprov.so.1 by soname and resolves all 18 symbols.
 * Returns 0, or -1 with a message in err. */
int qpl_abi_open(qpl_abi_t *abi, char *err, size_t err_size);

/* Every buffer of `c` non-NULL, NUL-terminated at size-1, size > 1, and no
 * earlier NUL in the textual ones. Returns 0 or the number of the bad field. */
int qpl_check_collateral(const sgx_ql_qve_collateral_t *c);

/* A PCK cert id from raw fields (the arrays must outlive the struct). */
void qpl_make_cert_id(sgx_ql_pck_cert_id_t *id, uint8_t *qe_id, sgx_cpu_svn_t *cpusvn, sgx_isv_svn_t *pcesvn,
                      uint8_t *encrypted_ppid, uint16_t pce_id);

#ifdef __cplusplus
}
#endif

#endif
