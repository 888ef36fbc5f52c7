// Runs the built `umbra` executable on the shared vectors: what people integrating other clients
// will run must agree byte for byte with DESIGN.md section 4 and RFC 9605.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/vectors.h"

extern char** environ;

namespace {

using umbra::testing::load_vectors;

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Runs umbra with args, stdin from a file (no shell, so secrets need no quoting).
Outcome umbra(const std::vector<std::string>& args, const std::string& input) {
  const std::string dir = ::testing::TempDir();
  const std::string in_path = dir + "umbra_cli_in_" + std::to_string(getpid());
  const std::string out_path = dir + "umbra_cli_out_" + std::to_string(getpid());
  const std::string err_path = dir + "umbra_cli_err_" + std::to_string(getpid());
  std::ofstream(in_path) << input;

  std::vector<std::string> argv_storage{UMBRA_CLI_PATH};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_storage.size() + 1);
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  Outcome run;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  run.out = trim(slurp(out_path));
  run.err = trim(slurp(err_path));
  for (const std::string& path : {in_path, out_path, err_path}) (void)std::remove(path.c_str());
  return run;
}

std::string str(const nlohmann::json& j) {
  return j.get<std::string>();
}

std::string hex48(std::uint64_t sender) {
  std::ostringstream text;
  text << std::hex << sender;
  return text.str();
}

const nlohmann::json& e2ee_vectors() {
  static const nlohmann::json v = load_vectors("e2ee-v1.json");
  return v;
}

TEST(UmbraCli, E2eeSealProducesEveryVectorWire) {
  for (const auto& c : e2ee_vectors()["cases"]) {
    const Outcome run =
        umbra({"e2ee", "seal", "--secret", str(c["secret"]), "--session", str(c["session_id"]), "--sender",
               hex48(c["sender"].get<std::uint64_t>()), "--ctr",
               std::to_string(c["ctr"].get<std::uint64_t>()), "--codec", str(c["codec"])},
              str(c["frame"]) + "\n");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out, c["wire"].get<std::string>());
  }
}

TEST(UmbraCli, E2eeOpenGivesBackEveryVectorFrame) {
  for (const auto& c : e2ee_vectors()["cases"]) {
    const Outcome run = umbra({"e2ee", "open", "--secret", str(c["secret"]), "--session",
                               str(c["session_id"]), "--codec", str(c["codec"])},
                              c["wire"].get<std::string>() + "\n");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out, c["frame"].get<std::string>());
  }
}

TEST(UmbraCli, E2eeCodePrintsEveryVectorVerificationCode) {
  for (const auto& c : e2ee_vectors()["cases"]) {
    const Outcome run =
        umbra({"e2ee", "code", "--secret", str(c["secret"]), "--session", str(c["session_id"])}, "");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out, c["verification_code"].get<std::string>());
  }
}

TEST(UmbraCli, E2eeAcceptsTheNfdFormOfTheSecret) {
  const auto& nfc = e2ee_vectors()["nfc"];
  const auto& c = e2ee_vectors()["cases"][nfc["same_session_secret_as_case_index"].get<std::size_t>()];
  const Outcome run = umbra({"e2ee", "open", "--secret", str(nfc["secret_nfd"]), "--session",
                             str(c["session_id"]), "--codec", str(c["codec"])},
                            c["wire"].get<std::string>());
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, c["frame"].get<std::string>());
}

TEST(UmbraCli, E2eeSealRefusesMalformedVp8Frames) {
  for (const auto& frame : e2ee_vectors()["malformed_vp8_frames"]) {
    const Outcome run = umbra({"e2ee", "seal", "--secret", "correct horse battery", "--session", "session-1",
                               "--sender", "1", "--ctr", "0", "--codec", "vp8"},
                              str(frame));
    EXPECT_EQ(run.status, 1);
    EXPECT_EQ(run.out, "") << "nothing may be sent in the clear";
    EXPECT_NE(run.err.find("shorter than its clear prefix"), std::string::npos) << run.err;
  }
}

TEST(UmbraCli, E2eeOpenWithAnotherSecretExplainsTheKeyCheck) {
  const auto& c = e2ee_vectors()["cases"][0];
  const Outcome run = umbra({"e2ee", "open", "--secret", "another secret entirely", "--session",
                             str(c["session_id"]), "--codec", str(c["codec"])},
                            c["wire"].get<std::string>());
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("key check"), std::string::npos) << run.err;
}

TEST(UmbraCli, SframeSealAndOpenAgreeWithEveryRfcVector) {
  const std::vector<std::pair<std::string, std::string>> files{
      {"sframe/test-vectors.json", "sframe"}, {"sframe/test-vectors-aes256.json", "sframe_aes_256_ctr_hmac"}};
  int checked = 0;
  for (const auto& [file, key] : files) {
    const nlohmann::json vectors = load_vectors(file);
    for (const auto& c : vectors[key]) {
      const std::string suite = std::to_string(c["cipher_suite"].get<int>());
      SCOPED_TRACE("suite " + suite);
      const Outcome sealed =
          umbra({"sframe", "seal", "--suite", suite, "--base-key", str(c["base_key"]), "--kid",
                 std::to_string(c["kid"].get<std::uint64_t>()), "--ctr",
                 std::to_string(c["ctr"].get<std::uint64_t>()), "--metadata", str(c["metadata"])},
                str(c["pt"]));
      EXPECT_EQ(sealed.status, 0) << sealed.err;
      EXPECT_EQ(sealed.out, c["ct"].get<std::string>());
      const Outcome opened = umbra({"sframe", "open", "--suite", suite, "--base-key", str(c["base_key"]),
                                    "--metadata", str(c["metadata"])},
                                   str(c["ct"]));
      EXPECT_EQ(opened.status, 0) << opened.err;
      EXPECT_EQ(opened.out, c["pt"].get<std::string>());
      ++checked;
    }
  }
  EXPECT_EQ(checked, 8) << "suites 1-8";
}

TEST(UmbraCli, SframeOpenWithWrongMetadataFails) {
  const nlohmann::json vectors = load_vectors("sframe/test-vectors.json");
  const auto& c = vectors["sframe"][0];
  const Outcome run = umbra({"sframe", "open", "--suite", std::to_string(c["cipher_suite"].get<int>()),
                             "--base-key", str(c["base_key"])},
                            str(c["ct"]));
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("cannot open"), std::string::npos) << run.err;
}

TEST(UmbraCli, BadHexOnStdinExitsWithStatusOneAndAMessage) {
  const Outcome run = umbra(
      {"sframe", "seal", "--suite", "4", "--base-key", "00112233", "--kid", "1", "--ctr", "0"}, "not hex\n");
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("not one line of hex"), std::string::npos) << run.err;
}

TEST(UmbraCli, BadHexOptionAndInvalidSecretExitWithStatusOne) {
  const Outcome bad_key = umbra({"sframe", "open", "--suite", "4", "--base-key", "xyz"}, "00");
  EXPECT_EQ(bad_key.status, 1);
  EXPECT_NE(bad_key.err.find("--base-key is not hex"), std::string::npos) << bad_key.err;
  const Outcome short_secret = umbra({"e2ee", "code", "--secret", "short", "--session", "s"}, "");
  EXPECT_EQ(short_secret.status, 1);
  EXPECT_NE(short_secret.err.find("invalid encryption secret"), std::string::npos) << short_secret.err;
}

TEST(UmbraCli, HelpListsTheCommandsAndUnknownOnesFail) {
  const Outcome help = umbra({"--help"}, "");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("sframe"), std::string::npos);
  EXPECT_NE(help.out.find("e2ee"), std::string::npos);
  const Outcome action_help = umbra({"e2ee", "seal", "--help"}, "");
  EXPECT_EQ(action_help.status, 0);
  EXPECT_NE(action_help.out.find("--sender HEX48"), std::string::npos);
  const Outcome unknown = umbra({"frobnicate"}, "");
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("unknown command"), std::string::npos);
  const Outcome missing = umbra({"e2ee", "open", "--secret", "correct horse battery"}, "");
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("missing option --session"), std::string::npos) << missing.err;
}

}  // namespace
