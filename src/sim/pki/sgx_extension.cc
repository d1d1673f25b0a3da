#include "sim/pki/sgx_extension.h"

#include <openssl/asn1.h>
#include <openssl/objects.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace thim::sim {
namespace der {
namespace {

struct TypeFree {
  void operator()(ASN1_TYPE* t) const { ASN1_TYPE_free(t); }
};
using Type = std::unique_ptr<ASN1_TYPE, TypeFree>;
struct SeqFree {
  void operator()(ASN1_SEQUENCE_ANY* s) const { sk_ASN1_TYPE_pop_free(s, ASN1_TYPE_free); }
};
using Seq = std::unique_ptr<ASN1_SEQUENCE_ANY, SeqFree>;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "sim::der: %s\n", what);
  std::abort();
}

// Takes ownership of `value` (ASN1_TYPE_set does) and returns the element's DER.
Bytes Encode(int type, void* value) {
  Type t(ASN1_TYPE_new());
  if (!t) Die("ASN1_TYPE_new failed");
  ASN1_TYPE_set(t.get(), type, value);
  unsigned char* out = nullptr;
  int len = i2d_ASN1_TYPE(t.get(), &out);
  if (len <= 0) Die("i2d_ASN1_TYPE failed");
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

Bytes EncodeInteger(int64_t value, int type) {
  ASN1_INTEGER* i = ASN1_INTEGER_new();
  if (!i || ASN1_INTEGER_set_int64(i, value) != 1) Die("ASN1_INTEGER_set_int64 failed");
  // ENUMERATED shares ASN1_INTEGER's representation; only the tag differs.
  if (type == V_ASN1_ENUMERATED) i->type = value < 0 ? V_ASN1_NEG_ENUMERATED : V_ASN1_ENUMERATED;
  return Encode(type, i);
}

}  // namespace

Bytes Integer(int64_t value) { return EncodeInteger(value, V_ASN1_INTEGER); }
Bytes Enumerated(int64_t value) { return EncodeInteger(value, V_ASN1_ENUMERATED); }

Bytes OctetString(ByteSpan bytes) {
  ASN1_OCTET_STRING* s = ASN1_OCTET_STRING_new();
  if (!s || ASN1_OCTET_STRING_set(s, bytes.data(), static_cast<int>(bytes.size())) != 1) Die("ASN1_OCTET_STRING_set failed");
  return Encode(V_ASN1_OCTET_STRING, s);
}

Bytes Boolean(bool value) {
  // ASN1_TYPE_set stores BOOLEANs by value (non-null = TRUE, DER 0xFF).
  return Encode(V_ASN1_BOOLEAN, value ? reinterpret_cast<void*>(1) : nullptr);
}

Bytes Oid(std::string_view dotted) {
  ASN1_OBJECT* o = OBJ_txt2obj(std::string(dotted).c_str(), 1);
  if (!o) Die("OBJ_txt2obj failed");
  return Encode(V_ASN1_OBJECT, o);
}

Bytes Sequence(const std::vector<Bytes>& elements) {
  Seq seq(sk_ASN1_TYPE_new_null());
  if (!seq) Die("sk_ASN1_TYPE_new_null failed");
  for (const Bytes& e : elements) {
    const unsigned char* p = e.data();
    ASN1_TYPE* t = d2i_ASN1_TYPE(nullptr, &p, static_cast<long>(e.size()));
    if (!t || p != e.data() + e.size()) Die("element is not one DER value");
    sk_ASN1_TYPE_push(seq.get(), t);
  }
  unsigned char* out = nullptr;
  int len = i2d_ASN1_SEQUENCE_ANY(seq.get(), &out);
  if (len <= 0) Die("i2d_ASN1_SEQUENCE_ANY failed");
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

Bytes SgxEntry(std::string_view arc, const Bytes& value) {
  return Sequence({Oid(std::string(intel::kSgxExtensionOid) + "." + std::string(arc)), value});
}

}  // namespace der

StatusOr<Bytes> EncodeSgxExtension(const SgxExtensionSpec& spec) {
  if (spec.ppid.size() != 16 || spec.pce_id.size() != 2 || spec.fmspc.size() != 6 ||
      (spec.platform_instance_id && spec.platform_instance_id->size() != 16))
    return InvalidArgumentError("SGX extension: PPID 16, PCE-ID 2, FMSPC 6, PlatformInstanceID 16 bytes");
  Bytes cpusvn = spec.cpusvn.empty() ? Bytes(spec.tcb.components.begin(), spec.tcb.components.end()) : spec.cpusvn;
  std::vector<Bytes> tcb;
  for (size_t i = 0; i < 16; ++i) tcb.push_back(der::SgxEntry("2." + std::to_string(i + 1), der::Integer(spec.tcb.components[i])));
  tcb.push_back(der::SgxEntry("2.17", der::Integer(spec.tcb.pcesvn)));
  tcb.push_back(der::SgxEntry("2.18", der::OctetString(cpusvn)));

  std::vector<Bytes> top = {
      der::SgxEntry("1", der::OctetString(spec.ppid)),
      der::SgxEntry("2", der::Sequence(tcb)),
      der::SgxEntry("3", der::OctetString(spec.pce_id)),
      der::SgxEntry("4", der::OctetString(spec.fmspc)),
      der::SgxEntry("5", der::Enumerated(spec.sgx_type)),
  };
  if (spec.platform_instance_id) top.push_back(der::SgxEntry("6", der::OctetString(*spec.platform_instance_id)));
  if (spec.configuration) {
    top.push_back(der::SgxEntry("7", der::Sequence({
                                         der::SgxEntry("7.1", der::Boolean(spec.configuration->dynamic_platform)),
                                         der::SgxEntry("7.2", der::Boolean(spec.configuration->cached_keys)),
                                         der::SgxEntry("7.3", der::Boolean(spec.configuration->smt_enabled)),
                                     })));
  }
  return der::Sequence(top);
}

}  // namespace thim::sim
