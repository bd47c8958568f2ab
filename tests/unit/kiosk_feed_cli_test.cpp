// kiosk-feed, the publisher's tool, run as a program: exit codes, the exact
// problem lines of `validate`, and the JSON of `standings`.
//
// The binary is found next to this test's build tree (<build>/publish/kiosk-feed,
// beside <build>/tests/unit_tests); build both targets together.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace {

namespace fs = std::filesystem;

fs::path fixtures() { return fs::path(KIOSK_FIXTURES_DIR); }

fs::path tool_path() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    return self.parent_path().parent_path() / "publish" / "kiosk-feed";
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct ToolRun {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs kiosk-feed with `args`, stdout and stderr captured in files.
ToolRun run_tool(const std::vector<std::string>& args) {
    const fs::path dir = fs::temp_directory_path() / ("kiosk-feed-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string out_file = (dir / "out").string();
    const std::string err_file = (dir / "err").string();

    const std::string tool = tool_path().string();
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(tool.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ToolRun run;
    pid_t pid = 0;
    if (posix_spawn(&pid, tool.c_str(), &actions, nullptr, argv.data(), environ) == 0) {
        int wstatus = 0;
        if (::waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus)) run.status = WEXITSTATUS(wstatus);
    }
    posix_spawn_file_actions_destroy(&actions);
    run.out = slurp(out_file);
    run.err = slurp(err_file);
    fs::remove_all(dir);
    return run;
}

class KioskFeedCli : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(tool_path())) {
            GTEST_SKIP() << "kiosk-feed not built at " << tool_path() << " (build the kiosk-feed target)";
        }
    }
};

TEST_F(KioskFeedCli, ValidFeedExitsZeroSilently) {
    const ToolRun r = run_tool({"validate", (fixtures() / "valid" / "minimal.json").string()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_F(KioskFeedCli, ValidatePrintsOneLinePerProblem) {
    const std::string above = (fixtures() / "invalid" / "score-above-max.json").string();
    const std::string valid = (fixtures() / "valid" / "minimal.json").string();
    const std::string missing = (fixtures() / "no-such-feed.json").string();
    const ToolRun r = run_tool({"validate", above, valid, missing});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, above + ": /competitions/0/rounds/0/scores/1/hygiene: 23 is above the maximum 20 for 卫生\n" +
                         missing + ": cannot read: No such file or directory\n");
}

// What a clerk may hand it by mistake: a folder, a feed saved as UTF-16 by
// Notepad, a feed with a field written twice.
TEST_F(KioskFeedCli, ValidateNamesWhatTheFileIs) {
    const fs::path dir = fs::temp_directory_path() / ("kiosk-feed-what-" + std::to_string(::getpid()));
    fs::create_directories(dir / "folder.json");
    const std::string minimal = slurp(fixtures() / "valid" / "minimal.json");
    std::string utf16 = "\xFF\xFE";
    for (unsigned char c : minimal) {
        if (c >= 0x80) continue;  // ASCII is enough to be taken for a feed
        utf16 += static_cast<char>(c);
        utf16 += '\0';
    }
    std::ofstream(dir / "utf16.json", std::ios::binary) << utf16;
    std::string twice = minimal;
    twice.replace(twice.find("\"version\": 12,"), 14, "\"version\": 12, \"version\": 13,");
    std::ofstream(dir / "twice.json", std::ios::binary) << twice;

    const std::string folder = (dir / "folder.json").string();
    const ToolRun r = run_tool({"validate", folder, (dir / "utf16.json").string(), (dir / "twice.json").string()});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find(folder + ": cannot read: it is a directory, not a feed file"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find((dir / "utf16.json").string() + ": the file is UTF-16 text"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("save it as UTF-8"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find((dir / "twice.json").string() + ": /version: duplicate key \"version\""), std::string::npos)
        << r.out;
    fs::remove_all(dir);
}

TEST_F(KioskFeedCli, UsageErrorsExitTwo) {
    EXPECT_EQ(run_tool({}).status, 2);
    EXPECT_EQ(run_tool({"validate"}).status, 2);
    EXPECT_EQ(run_tool({"frobnicate"}).status, 2);
    const std::string feed = (fixtures() / "valid" / "minimal.json").string();
    EXPECT_EQ(run_tool({"standings", feed}).status, 2);  // no --at
    const ToolRun bad_at = run_tool({"standings", feed, "--at", "2023-11-08 09:00"});
    EXPECT_EQ(bad_at.status, 2);
    EXPECT_NE(bad_at.err.find("RFC 3339"), std::string::npos) << bad_at.err;
}

TEST_F(KioskFeedCli, StandingsOfAnInvalidFeedExitOneWithProblemsOnStderr) {
    const std::string feed = (fixtures() / "invalid" / "unknown-class.json").string();
    const ToolRun r = run_tool({"standings", feed, "--at", "2023-11-08T09:00:00+08:00"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(feed + ": /competitions/0/rounds/0/scores/1/class: unknown class \"9-9\""), std::string::npos)
        << r.err;
}

TEST_F(KioskFeedCli, StandingsAtATime) {
    // Two rounds: 3-2 wins week 10, 3-1 overtakes it in week 11 with a
    // fractional total.
    auto feed = nlohmann::ordered_json::parse(slurp(fixtures() / "valid" / "minimal.json"));
    auto& rounds = feed["competitions"][0]["rounds"];
    rounds.push_back({{"week", 11},
                      {"start", "2023-11-13"},
                      {"scores",
                       {{{"class", "3-1"}, {"discipline", 19.5}, {"hygiene", 20}},
                        {{"class", "3-2"}, {"discipline", 18}, {"hygiene", 19}}}}});
    const fs::path file = fs::temp_directory_path() / ("kiosk-feed-standings-" + std::to_string(::getpid()) + ".json");
    std::ofstream(file) << feed.dump();

    // Week 11, seen from Shanghai on Monday morning (still Sunday in UTC).
    const ToolRun r = run_tool({"standings", file.string(), "--at", "2023-11-12T17:00:00Z"});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto expected = nlohmann::json::parse(R"({
        "red-flag": { "week": 11, "standings": [
            { "class": "3-1", "total": 59.5, "rank": 1, "flag": true,  "movement": 1,  "streak": 1 },
            { "class": "3-2", "total": 56,   "rank": 2, "flag": false, "movement": -1, "streak": 0 } ] } })");
    EXPECT_EQ(nlohmann::json::parse(r.out), expected) << r.out;
    EXPECT_EQ(r.out.find("56.0"), std::string::npos) << "whole totals print without .0:\n" << r.out;

    // An hour earlier it is still Sunday in Shanghai: week 10, 3-2 ahead.
    const ToolRun before = run_tool({"standings", file.string(), "--at", "2023-11-12T15:00:00Z"});
    ASSERT_EQ(before.status, 0) << before.err;
    const auto week10 = nlohmann::json::parse(before.out);
    EXPECT_EQ(week10["red-flag"]["week"], 10);
    EXPECT_EQ(week10["red-flag"]["standings"][0]["class"], "3-2");
    EXPECT_EQ(week10["red-flag"]["standings"][0]["total"], 60);
    EXPECT_TRUE(week10["red-flag"]["standings"][0]["movement"].is_null());

    // Before the first round: no week, no standings.
    const ToolRun early = run_tool({"standings", file.string(), "--at", "2023-09-01T08:00:00+08:00"});
    ASSERT_EQ(early.status, 0) << early.err;
    EXPECT_EQ(nlohmann::json::parse(early.out), nlohmann::json::parse(R"({"red-flag": {"week": null, "standings": []}})"));
    fs::remove(file);
}

}  // namespace
