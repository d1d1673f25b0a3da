#include "intel/pck_certificate.h"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

namespace thim::intel {
namespace {

struct SeqFree {
  void operator()(ASN1_SEQUENCE_ANY* s) const { sk_ASN1_TYPE_pop_free(s, ASN1_TYPE_free); }
};
using Sequence = std::unique_ptr<ASN1_SEQUENCE_ANY, SeqFree>;

Status Bad(const std::string& what) { return InvalidArgumentError("PCK extension: " + what); }

StatusOr<Sequence> DecodeSequence(const unsigned char* data, long len, const std::string& what) {
  if (len <= 0) return Bad(what + " is not a DER SEQUENCE");  // OpenSSL's decoders want a non-empty buffer
  const unsigned char* p = data;
  Sequence seq(d2i_ASN1_SEQUENCE_ANY(nullptr, &p, len));
  if (!seq) return Bad(what + " is not a DER SEQUENCE");
  if (p != data + len) return Bad(what + " has trailing bytes");
  return seq;
}

StatusOr<Sequence> NestedSequence(const ASN1_TYPE* t, const std::string& what) {
  if (t->type != V_ASN1_SEQUENCE) return Bad(what + " is not a SEQUENCE");
  return DecodeSequence(t->value.sequence->data, t->value.sequence->length, what);
}

std::string OidText(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(std::min(n, 127))) : "";
}

// One (OID, value) pair: returns the OID's last arc relative to `prefix`, and the value.
struct EntryView {
  std::string first;  // the OID arc(s) after the prefix
  const ASN1_TYPE* second = nullptr;
};

Status Entry(const ASN1_TYPE* t, const std::string& prefix, const std::string& what, std::vector<Sequence>& keep,
             EntryView* out) {
  ASSIGN_OR_RETURN(Sequence pair, NestedSequence(t, what));
  if (sk_ASN1_TYPE_num(pair.get()) != 2) return Bad(what + " is not an (OID, value) pair");
  const ASN1_TYPE* oid = sk_ASN1_TYPE_value(pair.get(), 0);
  if (oid->type != V_ASN1_OBJECT) return Bad(what + " does not start with an OID");
  std::string text = OidText(oid->value.object);
  if (!text.starts_with(prefix + ".")) return Bad(what + " has unexpected OID " + text);
  const ASN1_TYPE* value = sk_ASN1_TYPE_value(pair.get(), 1);
  keep.push_back(std::move(pair));
  out->first = text.substr(prefix.size() + 1);
  out->second = value;
  return OkStatus();
}

StatusOr<Bytes> Octets(const ASN1_TYPE* v, size_t len, const std::string& what) {
  if (v->type != V_ASN1_OCTET_STRING) return Bad(what + " is not an OCTET STRING");
  const ASN1_OCTET_STRING* s = v->value.octet_string;
  if (static_cast<size_t>(s->length) != len)
    return Bad(what + " is " + std::to_string(s->length) + " bytes, expected " + std::to_string(len));
  return Bytes(s->data, s->data + s->length);
}

// Intel encodes the SVNs as INTEGER and the SGX Type as ENUMERATED; the tags
// are checked exactly so a mis-encoded certificate is reported, not guessed at.
// DER INTEGERs are minimal two's complement, so an SVN of 128 arrives as 00 80:
// OpenSSL's decoder handles that, and the range check rejects negatives.
StatusOr<int64_t> Integer(const ASN1_TYPE* v, int64_t max, const std::string& what) {
  int64_t n = 0;
  if (v->type != V_ASN1_INTEGER) return Bad(what + " is not an INTEGER");
  if (ASN1_INTEGER_get_int64(&n, v->value.integer) != 1) return Bad(what + " is not a valid INTEGER");
  if (n < 0 || n > max) return Bad(what + " value " + std::to_string(n) + " out of range 0.." + std::to_string(max));
  return n;
}

StatusOr<int64_t> Enumerated(const ASN1_TYPE* v, int64_t max, const std::string& what) {
  int64_t n = 0;
  if (v->type != V_ASN1_ENUMERATED) return Bad(what + " is not an ENUMERATED");
  if (ASN1_ENUMERATED_get_int64(&n, v->value.enumerated) != 1) return Bad(what + " is not a valid ENUMERATED");
  if (n < 0 || n > max) return Bad(what + " value " + std::to_string(n) + " out of range 0.." + std::to_string(max));
  return n;
}

StatusOr<bool> Boolean(const ASN1_TYPE* v, const std::string& what) {
  if (v->type != V_ASN1_BOOLEAN) return Bad(what + " is not a BOOLEAN");
  return v->value.boolean != 0;
}

Status ParseTcb(const ASN1_TYPE* value, PckCertificate& out) {
  ASSIGN_OR_RETURN(Sequence tcb, NestedSequence(value, "TCB"));
  int n = sk_ASN1_TYPE_num(tcb.get());
  if (n != 18) return Bad("TCB has " + std::to_string(n) + " entries, expected 18");
  std::vector<Sequence> keep;
  std::vector<bool> seen(18, false);
  for (int i = 0; i < n; ++i) {
    EntryView entry;
    RETURN_IF_ERROR(Entry(sk_ASN1_TYPE_value(tcb.get(), i), std::string(kSgxExtensionOid) + ".2",
                                       "TCB entry " + std::to_string(i), keep, &entry));
    int arc = std::atoi(entry.first.c_str());
    if (arc < 1 || arc > 18 || entry.first != std::to_string(arc)) return Bad("TCB entry " + std::to_string(i) + " has unknown OID arc " + entry.first);
    if (seen[static_cast<size_t>(arc - 1)]) return Bad("TCB component " + std::to_string(arc) + " appears twice");
    seen[static_cast<size_t>(arc - 1)] = true;
    if (arc <= 16) {
      ASSIGN_OR_RETURN(int64_t svn, Integer(entry.second, 255, "TCB component " + std::to_string(arc)));
      out.tcb.components[static_cast<size_t>(arc - 1)] = static_cast<uint8_t>(svn);
    } else if (arc == 17) {
      ASSIGN_OR_RETURN(int64_t pcesvn, Integer(entry.second, 65535, "PCESVN"));
      out.tcb.pcesvn = static_cast<uint16_t>(pcesvn);
    } else {
      ASSIGN_OR_RETURN(out.cpusvn, Octets(entry.second, 16, "CPUSVN"));
    }
  }
  return OkStatus();
}

Status ParseConfiguration(const ASN1_TYPE* value, PckCertificate& out) {
  ASSIGN_OR_RETURN(Sequence conf, NestedSequence(value, "Configuration"));
  PlatformConfiguration c;
  std::vector<Sequence> keep;
  bool have[3] = {false, false, false};
  for (int i = 0; i < sk_ASN1_TYPE_num(conf.get()); ++i) {
    EntryView entry;
    RETURN_IF_ERROR(Entry(sk_ASN1_TYPE_value(conf.get(), i), std::string(kSgxExtensionOid) + ".7",
                                       "Configuration entry " + std::to_string(i), keep, &entry));
    bool* target = entry.first == "1" ? &c.dynamic_platform : entry.first == "2" ? &c.cached_keys : entry.first == "3" ? &c.smt_enabled : nullptr;
    if (!target) return Bad("Configuration has unknown OID arc " + entry.first);
    int idx = entry.first[0] - '1';
    if (have[idx]) return Bad("Configuration entry " + entry.first + " appears twice");
    have[idx] = true;
    ASSIGN_OR_RETURN(*target, Boolean(entry.second, "Configuration entry " + entry.first));
  }
  if (!have[0] || !have[1] || !have[2]) return Bad("Configuration must hold dynamicPlatform, cachedKeys and SMTEnabled");
  out.configuration = c;
  return OkStatus();
}

}  // namespace

std::string_view PckCaTypeName(PckCaType t) { return t == PckCaType::kProcessor ? "processor" : "platform"; }

std::string_view SgxTypeName(SgxType t) {
  switch (t) {
    case SgxType::kStandard: return "Standard";
    case SgxType::kScalable: return "Scalable";
    case SgxType::kScalableWithIntegrity: return "ScalableWithIntegrity";
  }
  return "?";
}

StatusOr<PckCertificate> ParsePckCertificate(const crypto::Certificate& cert) {
  ASSIGN_OR_RETURN(Bytes ext, cert.ExtensionValue(kSgxExtensionOid));
  ASSIGN_OR_RETURN(Sequence top, DecodeSequence(ext.data(), static_cast<long>(ext.size()), "the SGX extension"));
  PckCertificate out{.cert = cert};
  std::string issuer = cert.IssuerCommonName();
  if (issuer.find("Processor") != std::string::npos) out.ca_type = PckCaType::kProcessor;
  else if (issuer.find("Platform") != std::string::npos) out.ca_type = PckCaType::kPlatform;
  else return InvalidArgumentError("PCK certificate issuer \"" + issuer + "\" is neither a Processor nor a Platform CA");

  int n = sk_ASN1_TYPE_num(top.get());
  int expected = out.ca_type == PckCaType::kProcessor ? 5 : 7;
  if (n != expected)
    return Bad("has " + std::to_string(n) + " entries, expected " + std::to_string(expected) + " for a " +
               std::string(PckCaTypeName(out.ca_type)) + " CA certificate");
  std::vector<Sequence> keep;
  std::vector<bool> seen(8, false);
  for (int i = 0; i < n; ++i) {
    EntryView entry;
    RETURN_IF_ERROR(Entry(sk_ASN1_TYPE_value(top.get(), i), std::string(kSgxExtensionOid), "entry " + std::to_string(i), keep, &entry));
    const std::string& arc = entry.first;
    int a = arc.size() == 1 ? arc[0] - '0' : 0;
    if (a < 1 || a > 7) return Bad("entry " + std::to_string(i) + " has unknown OID arc " + arc);
    if (seen[static_cast<size_t>(a)]) return Bad("entry " + arc + " appears twice");
    seen[static_cast<size_t>(a)] = true;
    switch (a) {
      case 1: {
        ASSIGN_OR_RETURN(out.ppid, Octets(entry.second, 16, "PPID"));
        break;
      }
      case 2: RETURN_IF_ERROR(ParseTcb(entry.second, out)); break;
      case 3: {
        ASSIGN_OR_RETURN(out.pce_id, Octets(entry.second, 2, "PCE-ID"));
        break;
      }
      case 4: {
        ASSIGN_OR_RETURN(out.fmspc, Octets(entry.second, 6, "FMSPC"));
        break;
      }
      case 5: {
        ASSIGN_OR_RETURN(int64_t type, Enumerated(entry.second, 2, "SGX Type"));
        out.sgx_type = static_cast<SgxType>(type);
        break;
      }
      case 6: {
        ASSIGN_OR_RETURN(Bytes id, Octets(entry.second, 16, "PlatformInstanceID"));
        out.platform_instance_id = std::move(id);
        break;
      }
      case 7: RETURN_IF_ERROR(ParseConfiguration(entry.second, out)); break;
    }
  }
  for (int a = 1; a <= expected; ++a)
    if (!seen[static_cast<size_t>(a)]) return Bad("entry " + std::string(kSgxExtensionOid) + "." + std::to_string(a) + " is missing");
  return out;
}

}  // namespace thim::intel
