// Deterministic mutation of real documents: every parser answers with a
// value or InvalidArgument, never a crash or another code; any accepted
// document still has its signed span at the body value.
#include <gtest/gtest.h>

#include <random>

#include "intel/enclave_identity.h"
#include "intel/tcb_evaluation_data_numbers.h"
#include "intel/tcb_info.h"
#include "testdata.h"

namespace thim::intel {
namespace {

void CheckSpan(const SignedDocument& d) {
  ASSERT_LE(d.signed_offset + d.signed_length, d.text.size());
  EXPECT_EQ(d.SignedBytes().front(), '{');
  EXPECT_EQ(d.SignedBytes().back(), '}');
  EXPECT_EQ(d.signature.size(), 64u);
}

TEST(CollateralMutation, NeverCrashesAlwaysInvalidArgument) {
  const char* kFiles[] = {"teepot/extracted/tdx_tcb_info.body", "teepot/extracted/sgx_tcb_info_v3.body",
                          "teepot/extracted/sgx_qe_identity.body", "teepot/extracted/tdx_tcb_eval_nums.body"};
  const char kBytes[] = "{}[]\",:\\0123456789abcdefABCDEF \n\x80\xff\xc3";
  std::mt19937 rng(20261124);
  for (const char* file : kFiles) {
    const std::string original = thim::testing::ReadRealString(file);
    for (int round = 0; round < 1500; ++round) {
      std::string text = original;
      int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        size_t pos = rng() % text.size();
        switch (rng() % 3) {
          case 0: text[pos] = kBytes[rng() % (sizeof kBytes - 1)]; break;
          case 1: text.erase(pos, 1 + rng() % 8); break;
          default: text.insert(pos, 1, kBytes[rng() % (sizeof kBytes - 1)]); break;
        }
        if (text.empty()) text = "{";
      }
      auto tcb = ParseTcbInfo(text);
      auto identity = ParseEnclaveIdentity(text);
      auto numbers = ParseTcbEvaluationDataNumbers(text);
      for (const Status& st : {tcb.status(), identity.status(), numbers.status()})
        if (!st.ok()) {
          ASSERT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
        }
      if (tcb.ok()) CheckSpan(tcb->document);
      if (identity.ok()) CheckSpan(identity->document);
      if (numbers.ok()) CheckSpan(numbers->document);
      (void)DetectSignedBodyName(text);
    }
  }
}

}  // namespace
}  // namespace thim::intel
