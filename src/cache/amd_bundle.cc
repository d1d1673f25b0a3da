#include "cache/amd_bundle.h"

namespace thim::cache {

AmdBundle ExportAmd(amd::AmdService& service) {
  AmdBundle out;
  for (const auto& c : service.ListChains())
    out.chains.push_back({.key = {.type = amd::AmdItemType::kChain, .product = c->product, .kind = c->kind}, .body = c->pem});
  for (const auto& c : service.ListCrls())
    out.crls.push_back({.key = {.type = amd::AmdItemType::kCrl, .product = c->product, .kind = c->kind}, .body = c->der});
  for (const auto& v : service.ListVceks())
    out.vceks.push_back(
        {.key = {.type = amd::AmdItemType::kVcek, .product = v->product, .hw_id = v->hw_id, .tcb = v->tcb}, .body = v->der});
  return out;
}

std::vector<AmdImportResult> ImportAmd(amd::AmdService& service, const AmdBundle& bundle) {
  std::vector<AmdImportResult> out;
  for (const auto& item : bundle.chains) {
    auto r = service.ImportChain(item.key.product, item.key.kind, item.body);
    out.push_back({amd::StoreKey(item.key), r.status()});
  }
  for (const auto& item : bundle.crls) {
    auto r = service.ImportCrl(item.key.product, item.key.kind, item.body);
    out.push_back({amd::StoreKey(item.key), r.status()});
  }
  for (const auto& item : bundle.vceks) {
    amd::VcekRequest expected{.product = item.key.product, .hw_id = item.key.hw_id,
                              .tcb = amd::DecodeTcb(item.key.product, item.key.tcb)};
    auto r = service.ImportVcek(AsBytes(item.body), expected);
    out.push_back({amd::StoreKey(item.key), r.status()});
  }
  return out;
}

}  // namespace thim::cache
