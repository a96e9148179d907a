// Scratch files for the store's unit tests: a temporary directory removed
// with its contents, and whole-file writes. No root needed.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace fantrace::store::testing {

class ScratchDir {
 public:
  ScratchDir() {
    char templ[] = "/tmp/fantrace-store-test-XXXXXX";
    path_ = mkdtemp(templ) ? templ : "";
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(std::string_view name) const { return path_ + "/" + std::string(name); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void Write(const std::string& path, std::string_view content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

}  // namespace fantrace::store::testing
