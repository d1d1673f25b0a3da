// One SGX platform as thimd knows it: how it identifies itself (QE id,
// PCE-ID, encrypted PPID and/or platform manifest), what its PCK
// certificates say (FMSPC, CA type, PPID) and **all** its PCK certificates,
// kept as the exact `pckcerts` body upstream (or an import) delivered, one
// per TCB level. Plain value type.
#pragma once

#include <cstdint>
#include <string>

namespace thim::store {

struct PlatformRecord {
  std::string id;                 // canonical platform id (see cache/platform_id.h)
  std::string qe_id;              // upper-case hex; empty when the client never sent one
  std::string pce_id;             // 4 upper-case hex, as in the requests
  std::string encrypted_ppid;     // 768 upper-case hex, or empty
  std::string platform_manifest;  // upper-case hex, or empty
  std::string fmspc;              // 12 upper-case hex; empty until certificates were fetched
  std::string ca_type;            // "processor" | "platform"; empty until fetched
  std::string ppid;               // 32 upper-case hex from the certificates; empty until fetched
  std::string pck_certs;          // the pckcerts JSON body (byte-exact as delivered); empty until fetched
  std::string issuer_chain;       // SGX-PCK-Certificate-Issuer-Chain as delivered (URL-encoded PEM)
  int64_t certs_fetched_at = 0;   // unix seconds the certificates were fetched/imported; 0 = never
  int64_t levels_eval_number = -1;  // the TCB info evaluation number current when they were fetched
  int64_t registered_at = 0;      // unix seconds of the last registration (POST platforms); 0 = never registered
  std::string raw_tcbs;           // raw TCBs clients asked for: "CPUSVNHEX:PCESVN" comma-separated, newest last, bounded
  std::string source;             // "request" (lazy miss), "registration", "import"
};

}  // namespace thim::store
