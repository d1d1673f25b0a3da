#include "cli/describe_amd.h"

#include <cstdio>

namespace thim::cli {

using ojson = nlohmann::ordered_json;

namespace {

ojson Tcb(uint64_t raw, std::optional<amd::Product> product) {
  ojson j = {{"raw", amd::FormatTcbm(raw)}};
  if (!product) return j;
  amd::TcbParts t = amd::DecodeTcb(*product, raw);
  if (*product == amd::Product::kTurin) j["fmcSPL"] = t.fmc;
  j["blSPL"] = t.bl;
  j["teeSPL"] = t.tee;
  j["snpSPL"] = t.snp;
  j["ucodeSPL"] = t.ucode;
  return j;
}

std::string Hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

ojson DescribeSnpReport(const amd::SnpReport& r, std::optional<amd::Product> product) {
  ojson j = {{"type", "snp_report"}, {"version", r.version}};
  j["product"] = product ? std::string(amd::ProductName(*product)) : "unknown (Milan or Genoa: v2 report without CPUID)";
  j["signing_key"] = r.signing_key == amd::SigningKey::kVcek ? "VCEK" : r.signing_key == amd::SigningKey::kVlek ? "VLEK" : "none";
  j["guest_svn"] = r.guest_svn;
  j["policy"] = {{"raw", Hex64(r.policy)},
                 {"abi", std::to_string(r.policy >> 8 & 0xFF) + "." + std::to_string(r.policy & 0xFF)},
                 {"smt", r.smt_allowed()},
                 {"migrate_ma", r.migrate_ma_allowed()},
                 {"debug", r.debug_allowed()},
                 {"single_socket", r.single_socket()}};
  j["vmpl"] = r.vmpl;
  j["platform_info"] = Hex64(r.platform_info);
  j["author_key_en"] = r.author_key_en;
  j["mask_chip_key"] = r.mask_chip_key;
  j["report_data"] = HexEncode(r.report_data);
  j["measurement"] = HexEncode(r.measurement);
  j["host_data"] = HexEncode(r.host_data);
  j["id_key_digest"] = HexEncode(r.id_key_digest);
  j["author_key_digest"] = HexEncode(r.author_key_digest);
  j["report_id"] = HexEncode(r.report_id);
  j["report_id_ma"] = HexEncode(r.report_id_ma);
  j["current_tcb"] = Tcb(r.current_tcb, product);
  j["reported_tcb"] = Tcb(r.reported_tcb, product);
  j["committed_tcb"] = Tcb(r.committed_tcb, product);
  j["launch_tcb"] = Tcb(r.launch_tcb, product);
  j["tcbm"] = amd::FormatTcbm(r.reported_tcb);  // what THIM serves for this report
  if (r.cpuid_fam) j["cpuid"] = {{"family", *r.cpuid_fam}, {"model", *r.cpuid_mod}, {"stepping", *r.cpuid_step}};
  j["chip_id"] = HexEncode(r.chip_id);
  j["firmware"] = {{"current", std::to_string(r.current_major) + "." + std::to_string(r.current_minor) + " build " +
                                   std::to_string(r.current_build)},
                   {"committed", std::to_string(r.committed_major) + "." + std::to_string(r.committed_minor) + " build " +
                                     std::to_string(r.committed_build)}};
  if (r.launch_mit_vector) {
    j["launch_mit_vector"] = Hex64(*r.launch_mit_vector);
    j["current_mit_vector"] = Hex64(*r.current_mit_vector);
  }
  return j;
}

ojson DescribeEndorsement(const amd::EndorsementCert& k) {
  ojson j = {{"kind", k.kind == amd::EndorsementKind::kVcek ? "VCEK" : "VLEK"},
             {"structVersion", k.struct_version},
             {"productName", k.product_name},
             {"product", std::string(amd::ProductName(k.product))}};
  j["tcb"] = Tcb(k.TcbRaw(), k.product);
  j["tcbm"] = amd::FormatTcbm(k.TcbRaw());
  if (!k.hw_id.empty()) j["hwID"] = HexEncode(k.hw_id);
  if (!k.csp_id.empty()) j["cspId"] = k.csp_id;
  return j;
}

}  // namespace thim::cli
