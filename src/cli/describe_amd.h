// JSON descriptions of AMD SEV-SNP artefacts for `thim inspect` and
// `thim verify snp --json`. Thread-safe (pure functions).
#pragma once

#include <nlohmann/json.hpp>

#include "amd/endorsement_cert.h"
#include "amd/snp_report.h"

namespace thim::cli {

// Every field of the report; TCBs decoded for `product` when known.
nlohmann::ordered_json DescribeSnpReport(const amd::SnpReport& report, std::optional<amd::Product> product);
// The AMD extensions of a VCEK/VLEK (product, SPLs, hwID, cspId, tcbm).
nlohmann::ordered_json DescribeEndorsement(const amd::EndorsementCert& key);

}  // namespace thim::cli
