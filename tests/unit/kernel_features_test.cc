// The verdict on a kernel's features: one line that names every missing
// feature and the release fantrace needs.
#include "lib/kernel_features.h"

#include <gtest/gtest.h>

namespace fantrace {
namespace {

KernelFeatures Kernel(std::initializer_list<bool> present) {
  KernelFeatures k;
  k.release = "5.10.0-32-cloud-amd64";
  const char* names[] = {"btf", "ringbuf", "bpf_get_current_task_btf", "bpf_loop"};
  const char* since[] = {"5.4", "5.8", "5.11", "5.17"};
  size_t i = 0;
  for (bool p : present) {
    k.features.push_back({names[i], since[i], "testing", p});
    ++i;
  }
  return k;
}

TEST(KernelFeatures, AllPresentIsSupported) {
  KernelFeatures k = Kernel({true, true, true, true});
  EXPECT_TRUE(CheckKernelFeatures(k));
  EXPECT_TRUE(k.Has("bpf_loop"));
  EXPECT_FALSE(k.Has("no_such_feature"));
  EXPECT_EQ(CodePath(k).rfind("default", 0), 0u);
}

TEST(KernelFeatures, MissingFeaturesAreNamedWithTheReleaseNeeded) {
  Status st = CheckKernelFeatures(Kernel({true, true, false, false}));
  ASSERT_FALSE(st);
  const std::string& m = st.error().message;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_NE(m.find("5.10.0-32-cloud-amd64"), std::string::npos) << m;
  EXPECT_NE(m.find("bpf_get_current_task_btf (Linux 5.11)"), std::string::npos) << m;
  EXPECT_NE(m.find("bpf_loop (Linux 5.17)"), std::string::npos) << m;
  EXPECT_NE(m.find("fantrace needs Linux 5.17 or newer"), std::string::npos) << m;
  EXPECT_EQ(m.find("ringbuf"), std::string::npos) << m;
}

TEST(KernelFeatures, TheNewestMissingFeatureSetsTheRelease) {
  Status st = CheckKernelFeatures(Kernel({true, false, true, true}));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("fantrace needs Linux 5.8 or newer"), std::string::npos);
}

}  // namespace
}  // namespace fantrace
