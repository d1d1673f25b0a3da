// thim bundles: a self-describing JSON file carrying the raw bytes, issuer
// chains and metadata of cached collateral, for air-gapped sites. Export
// writes what the cache holds; import validates every item exactly like an
// upstream answer (signature chain, window, the question it answers) and the
// store's rollback guard refuses anything older than what is held.
//
// Format (version 1):
//   {"format":"thim-bundle","version":1,"created":"<RFC 3339>",
//    "items":[{"key":"intel/v4/sgx/tcb?fmspc=…&update=standard","contentType":"application/json",
//              "body":"<base64 of the exact bytes>","issuerChain":"<as received>"}],
//    "platforms":[{"id","qeId","pceId","encryptedPpid","platformManifest","fmspc","caType","ppid",
//                  "pckCerts":"<base64 of the pckcerts body>","issuerChain","certsFetchedAt",
//                  "levelsEvaluationDataNumber","registeredAt","rawTcbs"}]}
//    "amd":{"chains":[{"key":"amd/cert_chain/<vcek|vlek>/<Product>","pem":"<ASK|ASVK then ARK, as KDS served it>"}],
//           "crls":[{"key":"amd/crl/<vcek|vlek>/<Product>","der":"<base64 of the DER>"}],
//           "vceks":[{"key":"amd/vcek/<Product>/<hwID hex>?tcb=<TCBM>","der":"<base64 of the DER>"}]}}
// "platforms" and "amd" are optional (older bundles have neither). Platforms'
// PCK certificates and AMD items are validated on import like an upstream
// answer (cache/amd_bundle.h for the AMD side).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "amd/amd_keys.h"
#include "cache/collateral_key.h"
#include "cache/collateral_source.h"
#include "core/time.h"
#include "store/platform.h"

namespace thim::cache {

struct BundleItem {
  CollateralKey key;
  FetchedCollateral document;  // http_status 200, body, issuer_chain, content_type
};

// One AMD item: its key and its bytes exactly as KDS served them (DER for
// VCEKs and CRLs, the PEM text for chains).
struct AmdBundleItem {
  amd::AmdKey key;
  std::string body;
};

struct AmdBundle {
  std::vector<AmdBundleItem> chains, crls, vceks;
  bool empty() const { return chains.empty() && crls.empty() && vceks.empty(); }
};

struct Bundle {
  std::vector<BundleItem> items;
  std::vector<store::PlatformRecord> platforms;
  AmdBundle amd;
};

std::string WriteBundle(const Bundle& bundle, TimePoint created);

// InvalidArgument naming the item and field on any malformation (unknown
// format/version, bad key, bad base64, duplicate keys or platform ids, an
// AMD key in the wrong list…).
// Nothing is validated cryptographically here: that is the importer's job.
StatusOr<Bundle> ReadBundle(std::string_view text);

}  // namespace thim::cache
