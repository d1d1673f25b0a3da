#include "sim/pki/sgx_extension.h"

#include <openssl/asn1.h>
#include <openssl/objects.h>

#include <memory>
#include <string>

namespace thim::sim {
namespace {

struct SeqFree {
  void operator()(ASN1_SEQUENCE_ANY* s) const { sk_ASN1_TYPE_pop_free(s, ASN1_TYPE_free); }
};
using Seq = std::unique_ptr<ASN1_SEQUENCE_ANY, SeqFree>;

std::string Oid(const std::string& suffix) { return std::string(intel::kSgxExtensionOid) + "." + suffix; }

ASN1_TYPE* OidType(const std::string& dotted) {
  ASN1_TYPE* t = ASN1_TYPE_new();
  ASN1_TYPE_set(t, V_ASN1_OBJECT, OBJ_txt2obj(dotted.c_str(), 1));
  return t;
}
ASN1_TYPE* OctetType(const Bytes& b) {
  ASN1_OCTET_STRING* s = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(s, b.data(), static_cast<int>(b.size()));
  ASN1_TYPE* t = ASN1_TYPE_new();
  ASN1_TYPE_set(t, V_ASN1_OCTET_STRING, s);
  return t;
}
ASN1_TYPE* IntType(int64_t v, int type = V_ASN1_INTEGER) {
  ASN1_INTEGER* i = ASN1_INTEGER_new();
  ASN1_INTEGER_set_int64(i, v);
  if (type == V_ASN1_ENUMERATED) i->type = V_ASN1_ENUMERATED;
  ASN1_TYPE* t = ASN1_TYPE_new();
  ASN1_TYPE_set(t, type, i);
  return t;
}
ASN1_TYPE* BoolType(bool v) {
  ASN1_TYPE* t = ASN1_TYPE_new();
  ASN1_TYPE_set(t, V_ASN1_BOOLEAN, reinterpret_cast<void*>(static_cast<intptr_t>(v ? 0xFF : 0)));
  return t;
}
// Wraps a sequence as an ASN1_TYPE (its full DER encoding).
ASN1_TYPE* SeqType(const Seq& seq) {
  unsigned char* der = nullptr;
  int len = i2d_ASN1_SEQUENCE_ANY(seq.get(), &der);
  ASN1_STRING* s = ASN1_STRING_new();
  ASN1_STRING_set(s, der, len);
  OPENSSL_free(der);
  ASN1_TYPE* t = ASN1_TYPE_new();
  ASN1_TYPE_set(t, V_ASN1_SEQUENCE, s);
  return t;
}
ASN1_TYPE* Pair(const std::string& oid_suffix, ASN1_TYPE* value) {
  Seq pair(sk_ASN1_TYPE_new_null());
  sk_ASN1_TYPE_push(pair.get(), OidType(Oid(oid_suffix)));
  sk_ASN1_TYPE_push(pair.get(), value);
  return SeqType(pair);
}

}  // namespace

StatusOr<Bytes> EncodeSgxExtension(const SgxExtensionSpec& spec) {
  if (spec.ppid.size() != 16 || spec.pce_id.size() != 2 || spec.fmspc.size() != 6)
    return InvalidArgumentError("SGX extension: PPID 16, PCE-ID 2, FMSPC 6 bytes");
  Bytes cpusvn = spec.cpusvn.empty() ? Bytes(spec.tcb.components.begin(), spec.tcb.components.end()) : spec.cpusvn;
  Seq tcb(sk_ASN1_TYPE_new_null());
  for (int i = 0; i < 16; ++i) sk_ASN1_TYPE_push(tcb.get(), Pair("2." + std::to_string(i + 1), IntType(spec.tcb.components[static_cast<size_t>(i)])));
  sk_ASN1_TYPE_push(tcb.get(), Pair("2.17", IntType(spec.tcb.pcesvn)));
  sk_ASN1_TYPE_push(tcb.get(), Pair("2.18", OctetType(cpusvn)));

  Seq top(sk_ASN1_TYPE_new_null());
  sk_ASN1_TYPE_push(top.get(), Pair("1", OctetType(spec.ppid)));
  sk_ASN1_TYPE_push(top.get(), Pair("2", SeqType(tcb)));
  sk_ASN1_TYPE_push(top.get(), Pair("3", OctetType(spec.pce_id)));
  sk_ASN1_TYPE_push(top.get(), Pair("4", OctetType(spec.fmspc)));
  sk_ASN1_TYPE_push(top.get(), Pair("5", IntType(spec.sgx_type, V_ASN1_ENUMERATED)));
  if (spec.platform_instance_id) sk_ASN1_TYPE_push(top.get(), Pair("6", OctetType(*spec.platform_instance_id)));
  if (spec.configuration) {
    Seq conf(sk_ASN1_TYPE_new_null());
    sk_ASN1_TYPE_push(conf.get(), Pair("7.1", BoolType(spec.configuration->dynamic_platform)));
    sk_ASN1_TYPE_push(conf.get(), Pair("7.2", BoolType(spec.configuration->cached_keys)));
    sk_ASN1_TYPE_push(conf.get(), Pair("7.3", BoolType(spec.configuration->smt_enabled)));
    sk_ASN1_TYPE_push(top.get(), Pair("7", SeqType(conf)));
  }
  unsigned char* der = nullptr;
  int len = i2d_ASN1_SEQUENCE_ANY(top.get(), &der);
  if (len <= 0) return InternalError("SGX extension encoding failed");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

}  // namespace thim::sim
