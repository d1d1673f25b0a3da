/* thim's Quote Provider Library (libdcap_quoteprov.so.1): Intel's C ABI.
 *
 * Layouts and values follow Intel's sgx_ql_lib_common.h and
 * sgx_default_quote_provider.h (see docs/qpl.md); they are checked below so a
 * change that breaks binary compatibility with Intel's consumers (QE3, TDQE,
 * QGS, QVL) fails to compile. Every buffer a getter returns is malloc'ed and
 * must be released with the matching free function. */
#ifndef THIM_SGX_DCAP_QUOTEPROV_H
#define THIM_SGX_DCAP_QUOTEPROV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TEE_MK_ERROR(x) (0x0000E000 | (x))

typedef enum _quote3_error_t {
  SGX_QL_SUCCESS = 0x0000,
  SGX_QL_ERROR_UNEXPECTED = TEE_MK_ERROR(0x0001),
  SGX_QL_ERROR_INVALID_PARAMETER = TEE_MK_ERROR(0x0002),
  SGX_QL_ERROR_OUT_OF_MEMORY = TEE_MK_ERROR(0x0003),
  SGX_QL_FILE_ACCESS_ERROR = TEE_MK_ERROR(0x0006),
  SGX_QL_INTERFACE_UNAVAILABLE = TEE_MK_ERROR(0x000D),
  SGX_QL_PLATFORM_LIB_UNAVAILABLE = TEE_MK_ERROR(0x000E),
  SGX_QL_ATT_KEY_NOT_INITIALIZED = TEE_MK_ERROR(0x000F),
  SGX_QL_ATT_KEY_CERT_DATA_INVALID = TEE_MK_ERROR(0x0010),
  SGX_QL_NO_PLATFORM_CERT_DATA = TEE_MK_ERROR(0x0011),
  SGX_QL_NETWORK_ERROR = TEE_MK_ERROR(0x0019),
  SGX_QL_MESSAGE_ERROR = TEE_MK_ERROR(0x001A),
  SGX_QL_NO_QUOTE_COLLATERAL_DATA = TEE_MK_ERROR(0x001B),
  SGX_QL_NO_QVE_IDENTITY_DATA = TEE_MK_ERROR(0x0037),
  SGX_QL_SERVICE_UNAVAILABLE = TEE_MK_ERROR(0x0040),
  SGX_QL_NETWORK_FAILURE = TEE_MK_ERROR(0x0041),
  SGX_QL_SERVICE_TIMEOUT = TEE_MK_ERROR(0x0042),
  SGX_QL_ERROR_BUSY = TEE_MK_ERROR(0x0043),
  SGX_QL_UNKNOWN_MESSAGE_RESPONSE = TEE_MK_ERROR(0x0044),
  SGX_QL_PERSISTENT_STORAGE_ERROR = TEE_MK_ERROR(0x0045),
  SGX_QL_ERROR_MESSAGE_PARSING_ERROR = TEE_MK_ERROR(0x0046),
  SGX_QL_PLATFORM_UNKNOWN = TEE_MK_ERROR(0x0047),
  SGX_QL_UNKNOWN_API_VERSION = TEE_MK_ERROR(0x0048),
  SGX_QL_CERTS_UNAVAILABLE = TEE_MK_ERROR(0x0049),
  SGX_QL_COLLATERAL_VERSION_NOT_SUPPORTED = TEE_MK_ERROR(0x0053),
  SGX_QL_QEIDENTITY_NOT_FOUND = TEE_MK_ERROR(0x0061),
  SGX_QL_TCBINFO_NOT_FOUND = TEE_MK_ERROR(0x0062),
  SGX_QL_INTERNAL_SERVER_ERROR = TEE_MK_ERROR(0x0063),
  SGX_QL_ROOT_CA_UNTRUSTED = TEE_MK_ERROR(0x0065),
  SGX_QL_CONFIG_INVALID_JSON = TEE_MK_ERROR(0x0067),
  SGX_QL_ERROR_MAX = TEE_MK_ERROR(0x00FF)
} quote3_error_t;

typedef struct _sgx_cpu_svn_t {
  uint8_t svn[16];
} sgx_cpu_svn_t;
typedef uint16_t sgx_isv_svn_t;

#define PCE_ALG_RSA_OAEP_3072 1

#pragma pack(push, 1)
typedef struct _sgx_ql_pck_cert_id_t {
  uint8_t *p_qe3_id;
  uint32_t qe3_id_size;
  sgx_cpu_svn_t *p_platform_cpu_svn;
  sgx_isv_svn_t *p_platform_pce_isv_svn;
  uint8_t *p_encrypted_ppid;
  uint32_t encrypted_ppid_size;
  uint8_t crypto_suite;
  uint16_t pce_id;
} sgx_ql_pck_cert_id_t;

typedef enum { SGX_QL_CONFIG_VERSION_1 = 1 } sgx_ql_config_version_t;

typedef struct _sgx_ql_config_t {
  sgx_ql_config_version_t version;
  sgx_cpu_svn_t cert_cpu_svn;
  sgx_isv_svn_t cert_pce_isv_svn;
  uint32_t cert_data_size;
  uint8_t *p_cert_data;
} sgx_ql_config_t;
#pragma pack(pop)

typedef struct _sgx_ql_qve_collateral_t {
  union {
    uint32_t version; /* 1 or 3 = major only; 0x00010003 = 3.1 */
    struct {
      uint16_t major_version;
      uint16_t minor_version;
    };
  };
  uint32_t tee_type; /* 0x00000000 SGX, 0x00000081 TDX */
  char *pck_crl_issuer_chain;
  uint32_t pck_crl_issuer_chain_size;
  char *root_ca_crl;
  uint32_t root_ca_crl_size;
  char *pck_crl;
  uint32_t pck_crl_size;
  char *tcb_info_issuer_chain;
  uint32_t tcb_info_issuer_chain_size;
  char *tcb_info;
  uint32_t tcb_info_size;
  char *qe_identity_issuer_chain;
  uint32_t qe_identity_issuer_chain_size;
  char *qe_identity;
  uint32_t qe_identity_size;
} sgx_ql_qve_collateral_t;
typedef sgx_ql_qve_collateral_t tdx_ql_qve_collateral_t;
typedef sgx_ql_qve_collateral_t tdx_ql_qv_collateral_t;

typedef enum _sgx_ql_log_level_t {
  SGX_QL_LOG_ERROR = 0,
  SGX_QL_LOG_INFO = 1,
  SGX_QL_LOG_DEBUG = 2,
  SGX_QL_LOG_TRACE = 3
} sgx_ql_log_level_t;
typedef void (*sgx_ql_logging_callback_t)(sgx_ql_log_level_t level, const char *message);

typedef enum _sgx_qpl_cache_type_t {
  SGX_QPL_CACHE_CERTIFICATE = 1 << 0,
  SGX_QPL_CACHE_QV_COLLATERAL = 1 << 1,
  SGX_QPL_CACHE_MULTICERTS = 1 << 2
} sgx_qpl_cache_type_t;

quote3_error_t sgx_ql_get_quote_config(const sgx_ql_pck_cert_id_t *p_pck_cert_id, sgx_ql_config_t **pp_quote_config);
quote3_error_t sgx_ql_free_quote_config(sgx_ql_config_t *p_quote_config);
quote3_error_t sgx_ql_get_quote_verification_collateral(const uint8_t *fmspc, uint16_t fmspc_size, const char *pck_ca,
                                                        sgx_ql_qve_collateral_t **pp_quote_collateral);
quote3_error_t sgx_ql_get_quote_verification_collateral_with_params(const uint8_t *fmspc, const uint16_t fmspc_size,
                                                                    const char *pck_ca, const void *custom_param,
                                                                    const uint16_t custom_param_length,
                                                                    sgx_ql_qve_collateral_t **pp_quote_collateral);
quote3_error_t sgx_ql_free_quote_verification_collateral(sgx_ql_qve_collateral_t *p_quote_collateral);
quote3_error_t tdx_ql_get_quote_verification_collateral(const uint8_t *fmspc, uint16_t fmspc_size, const char *pck_ca,
                                                        tdx_ql_qv_collateral_t **pp_quote_collateral);
quote3_error_t tdx_ql_get_quote_verification_collateral_with_params(const uint8_t *fmspc, const uint16_t fmspc_size,
                                                                    const char *pck_ca, const void *custom_param,
                                                                    const uint16_t custom_param_length,
                                                                    tdx_ql_qv_collateral_t **pp_quote_collateral);
quote3_error_t tdx_ql_free_quote_verification_collateral(tdx_ql_qv_collateral_t *p_quote_collateral);
quote3_error_t sgx_ql_get_qve_identity(char **pp_qve_identity, uint32_t *p_qve_identity_size,
                                       char **pp_qve_identity_issuer_chain, uint32_t *p_qve_identity_issuer_chain_size);
quote3_error_t sgx_ql_free_qve_identity(char *p_qve_identity, char *p_qve_identity_issuer_chain);
quote3_error_t sgx_ql_get_root_ca_crl(uint8_t **pp_root_ca_crl, uint16_t *p_root_ca_crl_size);
quote3_error_t sgx_ql_free_root_ca_crl(uint8_t *p_root_ca_crl);
quote3_error_t sgx_ql_set_logging_callback(sgx_ql_logging_callback_t logger, sgx_ql_log_level_t loglevel);
quote3_error_t sgx_qpl_clear_cache(uint32_t cache_type);
quote3_error_t sgx_qpl_global_init(void);
quote3_error_t sgx_qpl_global_cleanup(void);
quote3_error_t tee_get_default_platform_policy(const uint8_t *fmspc, const uint16_t fmspc_size,
                                               uint8_t **pp_platform_policy, uint32_t *p_platform_policy_size);
quote3_error_t tee_free_platform_policy(uint8_t *p_platform_policy);

/* Binary layout checks (x86-64). */
#ifdef __cplusplus
#define THIM_QPL_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define THIM_QPL_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif
THIM_QPL_STATIC_ASSERT(sizeof(quote3_error_t) == 4, "quote3_error_t is 32-bit");
THIM_QPL_STATIC_ASSERT(sizeof(sgx_ql_pck_cert_id_t) == 43, "sgx_ql_pck_cert_id_t is packed, 43 bytes");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_pck_cert_id_t, qe3_id_size) == 8, "qe3_id_size at 8");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_pck_cert_id_t, p_platform_cpu_svn) == 12, "p_platform_cpu_svn at 12");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_pck_cert_id_t, p_platform_pce_isv_svn) == 20, "p_platform_pce_isv_svn at 20");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_pck_cert_id_t, p_encrypted_ppid) == 28, "p_encrypted_ppid at 28");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_pck_cert_id_t, encrypted_ppid_size) == 36, "encrypted_ppid_size at 36");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_pck_cert_id_t, crypto_suite) == 40, "crypto_suite at 40");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_pck_cert_id_t, pce_id) == 41, "pce_id at 41");
THIM_QPL_STATIC_ASSERT(sizeof(sgx_ql_config_t) == 34, "sgx_ql_config_t is packed, 34 bytes");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_config_t, cert_cpu_svn) == 4, "cert_cpu_svn at 4");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_config_t, cert_pce_isv_svn) == 20, "cert_pce_isv_svn at 20");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_config_t, cert_data_size) == 22, "cert_data_size at 22");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_config_t, p_cert_data) == 26, "p_cert_data at 26");
THIM_QPL_STATIC_ASSERT(sizeof(sgx_ql_qve_collateral_t) == 120, "sgx_ql_qve_collateral_t is 120 bytes");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_qve_collateral_t, tee_type) == 4, "tee_type at 4");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_qve_collateral_t, pck_crl_issuer_chain) == 8, "pck_crl_issuer_chain at 8");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_qve_collateral_t, root_ca_crl) == 24, "root_ca_crl at 24");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_qve_collateral_t, pck_crl) == 40, "pck_crl at 40");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_qve_collateral_t, tcb_info_issuer_chain) == 56, "tcb_info_issuer_chain at 56");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_qve_collateral_t, tcb_info) == 72, "tcb_info at 72");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_qve_collateral_t, qe_identity_issuer_chain) == 88, "qe_identity_issuer_chain at 88");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_qve_collateral_t, qe_identity) == 104, "qe_identity at 104");
THIM_QPL_STATIC_ASSERT(offsetof(sgx_ql_qve_collateral_t, qe_identity_size) == 112, "qe_identity_size at 112");

#ifdef __cplusplus
}
#endif

#endif /* THIM_SGX_DCAP_QUOTEPROV_H */
