// The verdict on a kernel's features: one line that names every missing
// required feature and the release fantrace needs; the optional ones only
// choose the code path.
#include "lib/kernel_features.h"

#include <gtest/gtest.h>

namespace fantrace {
namespace {

KernelFeatures Kernel(std::initializer_list<bool> present) {
  KernelFeatures k;
  k.release = "5.10.0-32-cloud-amd64";
  const char* names[] = {"btf", "ringbuf", "bpf_get_current_task_btf", "bpf_loop"};
  const char* since[] = {"5.4", "5.8", "5.11", "5.17"};
  const bool optional[] = {false, false, true, true};
  size_t i = 0;
  for (bool p : present) {
    k.features.push_back({names[i], since[i], "testing", p, optional[i]});
    ++i;
  }
  return k;
}

TEST(KernelFeatures, AllPresentIsSupportedOnTheDefaultPath) {
  KernelFeatures k = Kernel({true, true, true, true});
  EXPECT_TRUE(CheckKernelFeatures(k));
  EXPECT_TRUE(k.Has("bpf_loop"));
  EXPECT_FALSE(k.Has("no_such_feature"));
  EXPECT_EQ(ChooseBpfPath(k, std::nullopt), BpfPath::kDefault);
  EXPECT_EQ(CodePath(k).rfind("default", 0), 0u);
}

TEST(KernelFeatures, WithoutTheOptionalFeaturesTheCompatPathRuns) {
  KernelFeatures k = Kernel({true, true, false, false});
  EXPECT_TRUE(CheckKernelFeatures(k));
  EXPECT_EQ(ChooseBpfPath(k, std::nullopt), BpfPath::kCompat);
  EXPECT_EQ(CodePath(k).rfind("compat (5.10)", 0), 0u) << CodePath(k);
  // one of them missing is enough
  EXPECT_EQ(ChooseBpfPath(Kernel({true, true, true, false}), std::nullopt), BpfPath::kCompat);
}

TEST(KernelFeatures, AForcedPathWinsAndSaysSo) {
  KernelFeatures k = Kernel({true, true, true, true});
  EXPECT_EQ(ChooseBpfPath(k, BpfPath::kCompat), BpfPath::kCompat);
  std::string path = CodePath(k, BpfPath::kCompat);
  EXPECT_EQ(path.rfind("compat", 0), 0u) << path;
  EXPECT_NE(path.find("FANTRACE_BPF_PATH"), std::string::npos) << path;
  // a kernel too old for either path has none, forced or not
  EXPECT_EQ(CodePath(Kernel({true, false, false, false}), BpfPath::kCompat).rfind("none", 0), 0u);
}

TEST(KernelFeatures, BpfPathEnvironmentValues) {
  Result<std::optional<BpfPath>> unset = ParseBpfPath(nullptr);
  ASSERT_TRUE(unset);
  EXPECT_FALSE(unset->has_value());
  ASSERT_TRUE(ParseBpfPath(""));
  EXPECT_FALSE(ParseBpfPath("")->has_value());
  EXPECT_EQ(*ParseBpfPath("compat").value(), BpfPath::kCompat);
  EXPECT_EQ(*ParseBpfPath("default").value(), BpfPath::kDefault);
  Result<std::optional<BpfPath>> bad = ParseBpfPath("fast");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("FANTRACE_BPF_PATH=fast"), std::string::npos) << bad.error().message;
}

TEST(KernelFeatures, MissingRequiredFeaturesAreNamedWithTheReleaseNeeded) {
  Status st = CheckKernelFeatures(Kernel({true, false, false, false}));
  ASSERT_FALSE(st);
  const std::string& m = st.error().message;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_NE(m.find("5.10.0-32-cloud-amd64"), std::string::npos) << m;
  EXPECT_NE(m.find("ringbuf (Linux 5.8)"), std::string::npos) << m;
  EXPECT_NE(m.find("fantrace needs Linux 5.8 or newer"), std::string::npos) << m;
  // the compat path does without these: not named
  EXPECT_EQ(m.find("bpf_loop"), std::string::npos) << m;
  EXPECT_EQ(m.find("bpf_get_current_task_btf"), std::string::npos) << m;
}

TEST(KernelFeatures, TheNewestMissingFeatureSetsTheRelease) {
  Status st = CheckKernelFeatures(Kernel({false, false, true, true}));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("btf (Linux 5.4), ringbuf (Linux 5.8)"), std::string::npos);
  EXPECT_NE(st.error().message.find("fantrace needs Linux 5.8 or newer"), std::string::npos);
}

}  // namespace
}  // namespace fantrace
