// The HTML lineage page in a real browser: Debian's chromium, headless,
// loads the page fantrace wrote for a recorded pipeline from disk (no
// network), runs its script, and dumps the DOM. The page marks #status
// data-status="ready" when its script finished; the test checks that
// marker, the absence of script errors on the console, and the nodes of
// the pipeline in the drawn SVG.
#include <gtest/gtest.h>

#include <filesystem>

#include <fmt/format.h>

#include "harness.h"
#include "provenance_harness.h"

namespace fantrace::itest {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

// chromium's DOM after the page's scripts ran, and its console log.
ProcessResult DumpDom(const std::string& page) {
  TempDir profile;
  return RunUntraced({kChromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync",
                      "--user-data-dir=" + profile.path(), "--enable-logging=stderr", "--v=0", "--dump-dom",
                      "file://" + page});
}

TEST(LineageBrowser, HtmlPageLoadsWithoutErrorsAndShowsThePipeline) {
  FANTRACE_REQUIRE_ROOT();
  ASSERT_TRUE(std::filesystem::exists(kChromium)) << "chromium is missing: run scripts/install-deps";
  Pipeline p;
  TempDir out;
  std::string page = out / "lineage.html";
  ProcessResult written = p.Run({"lineage", "--format", "html", "-o", page, p.elsewhere / "copy.csv"});
  ASSERT_EQ(written.status, 0) << written.err;

  ProcessResult browser = DumpDom(page);
  ASSERT_EQ(browser.status, 0) << browser.err;
  const std::string& dom = browser.out;
  EXPECT_NE(dom.find("data-status=\"ready\""), std::string::npos)
      << "the page's script did not finish: " << dom.substr(0, 2000) << "\n" << browser.err;
  EXPECT_EQ(dom.find("data-status=\"error\""), std::string::npos) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("ready: 7 nodes, 6 edges"), std::string::npos) << dom.substr(0, 2000);
  EXPECT_EQ(browser.err.find("Uncaught"), std::string::npos) << browser.err;
  // The nodes, as drawn by the script (node titles carry the full labels).
  for (const std::string& label :
       {p.elsewhere / "copy.csv", p.work / "sorted.csv", p.work / "data.csv", p.script,
        fmt::format("#{} cp sorted.csv {}", p.cp_id, p.elsewhere / "copy.csv"),
        fmt::format("#{} sort -t, -k2 -n -o sorted.csv data.csv", p.sort_id), fmt::format("#{} ./gen.sh", p.gen_id)})
    EXPECT_NE(dom.find("<title>" + label + "</title>"), std::string::npos) << label << " is not drawn";
  EXPECT_NE(dom.find("class=\"node command root\"") == std::string::npos &&
                dom.find("class=\"node file root\"") == std::string::npos,
            true)
      << "the root is marked";
}

}  // namespace
}  // namespace fantrace::itest
