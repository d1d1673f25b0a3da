#include "cli/bundle_inspect_amd.h"

#include "amd/amd_service.h"
#include "cache/amd_bundle.h"
#include "core/clock.h"

namespace thim::cli {
namespace {

std::string What(const cache::AmdBundleItem& item) {
  std::string product(amd::ProductName(item.key.product));
  switch (item.key.type) {
    case amd::AmdItemType::kVcek:
      return "VCEK of " + product + " chip " + HexEncode(ByteSpan(item.key.hw_id).first(8)) + "…, TCB " +
             amd::FormatTcbm(item.key.tcb);
    case amd::AmdItemType::kChain:
      return std::string(item.key.kind == amd::KeyKind::kVcek ? "ASK" : "ASVK") + "/ARK chain of " + product;
    case amd::AmdItemType::kCrl:
      return std::string("CRL of the ") + (item.key.kind == amd::KeyKind::kVcek ? "ASK" : "ASVK") + " (" + product + ")";
  }
  return "";
}

}  // namespace

nlohmann::ordered_json InspectAmdItems(const cache::AmdBundle& bundle, const std::map<amd::Product, crypto::Certificate>& arks,
                                       TimePoint at, bool* all_valid) {
  FakeClock clock(at);
  amd::AmdServiceOptions options;
  options.arks = arks;
  // Inspection never reaches KDS: what the bundle lacks is simply missing.
  amd::AmdService service(std::make_shared<amd::OfflineKdsSource>("not in the bundle (inspection does not contact KDS)"),
                          nullptr, options, clock);
  std::vector<cache::AmdImportResult> results = cache::ImportAmd(service, bundle);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  size_t i = 0;
  for (const auto* items : {&bundle.chains, &bundle.crls, &bundle.vceks}) {
    for (const auto& item : *items) {
      const Status& st = results[i++].status;
      *all_valid &= st.ok();
      nlohmann::ordered_json j = {{"key", amd::StoreKey(item.key)}, {"what", What(item)}, {"bytes", item.body.size()},
                                  {"valid", st.ok()}};
      if (!st.ok()) {
        j["error"] = st.ToString();
      } else if (item.key.type == amd::AmdItemType::kCrl) {
        auto crl = service.Crl(item.key.product, item.key.kind);
        if (crl.ok()) {
          j["thisUpdate"] = FormatRfc3339((*crl)->this_update);
          j["nextUpdate"] = FormatRfc3339((*crl)->next_update);
        }
      } else if (item.key.type == amd::AmdItemType::kVcek) {
        if (auto v = service.PeekVcek(item.key.product, item.key.hw_id, item.key.tcb)) j["notAfter"] = FormatRfc3339(v->not_after);
      }
      list.push_back(j);
    }
  }
  return list;
}

}  // namespace thim::cli
