#include "server/static_files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "crypto/random.h"

namespace umbra::server {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("umbra-web-" + std::to_string(crypto::random_u64()));
    std::filesystem::create_directories(root_ / "dist");
    std::filesystem::create_directories(root_ / "demo" / "img");
    std::ofstream(root_ / "dist" / "umbra.js") << "js";
    std::ofstream(root_ / "demo" / "index.html") << "html";
    std::ofstream(root_ / "demo" / "img" / "logo.svg") << "<svg/>";
    std::ofstream(root_ / "package.json") << "{}";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::filesystem::path root_;
};

TEST_F(StaticFilesTest, MapsSdkRootAndDemoPaths) {
  const StaticFiles files(root_);
  const auto sdk = files.serve("GET", "/sdk/umbra.js");
  ASSERT_TRUE(sdk.has_value());
  EXPECT_EQ(sdk->body, "js");
  EXPECT_EQ(sdk->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(files.serve("GET", "/")->body, "html");
  EXPECT_EQ(files.serve("GET", "/demo/img/logo.svg")->content_type, "image/svg+xml");
  EXPECT_EQ(files.serve("GET", "/dist/umbra.js")->body, "js");
}

TEST_F(StaticFilesTest, RefusesTraversalInEveryDisguise) {
  const StaticFiles files(root_);
  for (const std::string path :
       {"/sdk/../package.json", "/sdk/%2E%2E/package.json", "/demo/..%2Fpackage.json",
        "/demo/img/../../package.json", "/sdk/.%2e/package.json", "/sdk/%00umbra.js", "/sdk/..\\package.json",
        "/demo/./index.html", "/package.json", "/sdk/%zz"}) {
    EXPECT_FALSE(files.serve("GET", path).has_value()) << path;
  }
}

TEST_F(StaticFilesTest, RefusesSymlinkOutOfTheTree) {
  std::filesystem::create_symlink(root_ / "package.json", root_ / "dist" / "escape.js");
  const StaticFiles files(root_);
  EXPECT_FALSE(files.serve("GET", "/sdk/escape.js").has_value());
}

TEST_F(StaticFilesTest, OnlyGetAndHead) {
  const StaticFiles files(root_);
  EXPECT_FALSE(files.serve("POST", "/sdk/umbra.js").has_value());
  const auto head = files.serve("HEAD", "/sdk/umbra.js");
  ASSERT_TRUE(head.has_value());
  EXPECT_TRUE(head->body.empty());
}

TEST(HttpTypes, SplitsTargetsAndDecodesQueries) {
  const auto [path, query] = split_target("/v1/sessions?limit=5&name=a%20b+c");
  EXPECT_EQ(path, "/v1/sessions");
  EXPECT_EQ(query_param(query, "limit"), "5");
  EXPECT_EQ(query_param(query, "name"), "a b c");
  EXPECT_EQ(query_param(query, "missing"), "");
  std::string out;
  EXPECT_FALSE(percent_decode("%4", out, false));
  EXPECT_FALSE(percent_decode("%", out, false));
}

}  // namespace
}  // namespace umbra::server
