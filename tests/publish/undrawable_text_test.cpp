// Text the screens will not draw (publish/undrawable_text): the walk, the
// words, and `kiosk-feed validate [--strict]` as the office runs it.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "publish/undrawable_text.hpp"

namespace {

namespace fs = std::filesystem;
using namespace campus::publish;
using nlohmann::ordered_json;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

ordered_json sample() { return ordered_json::parse(slurp(fs::path(KIOSK_ASSETS_DIR) / "sample-feed.json")); }

TEST(UndrawableText, NamesThePlaceTheCharacterAndTheReasonOncePerStringAndReason) {
    ordered_json feed = sample();
    feed["classes"][3]["teacher"] = "阿依古丽 ئايگۈل";  // a Uyghur teacher's name in both scripts
    feed["announcements"][1]["title"] = "⚠️紧急提醒❗\u200B秋冬季传染病高发📢";  // WeChat: all drawn
    feed["events"][0]["place"] = "བོད་ 礼堂\uE000";  // Tibetan and a private-use character
    const auto found = find_undrawable_text(feed);
    ASSERT_EQ(found.size(), 3u);
    EXPECT_EQ(to_string(found[0]),
              "/classes/3/teacher: 6 characters the screens will not draw (U+0626…, from character 6): Arabic script "
              "(Arabic, Uyghur, Kazakh): needs shaping, which the screens do not do");
    EXPECT_EQ(found[1].pointer, "/events/0/place");
    EXPECT_EQ(found[1].count, 4u);
    EXPECT_NE(found[1].reason.find("Tibetan"), std::string::npos);
    EXPECT_EQ(to_string(found[2]),
              "/events/0/place: a character the screens will not draw (U+E000, character 8): a private-use "
              "character: it means something only in one font, not on the screens");
}

TEST(UndrawableText, TheSampleFeedAndWeChatTextAreAllDrawn) {
    EXPECT_TRUE(find_undrawable_text(sample()).empty());
    EXPECT_TRUE(find_undrawable_text_in_bytes(slurp(fs::path(KIOSK_FIXTURES_DIR) / "valid" / "wechat-text.json")).empty());
    EXPECT_TRUE(find_undrawable_text_in_bytes("{not json").empty());
}

struct ToolOutput {
    int status = -1;
    std::string out;
};
ToolOutput run_validate(const std::string& args) {
    ToolOutput r;
    FILE* pipe = ::popen((std::string(KIOSK_FEED_TOOL) + " validate " + args + " 2>/dev/null").c_str(), "r");
    if (!pipe) return r;
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.out.append(buffer, n);
    const int status = ::pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(UndrawableText, ValidateWarnsAndStrictFails) {
    ordered_json feed = sample();
    feed["announcements"][0]["body"] = "欢迎 مرحبا";
    const fs::path file = fs::temp_directory_path() / ("undrawable-" + std::to_string(::getpid()) + ".json");
    std::ofstream(file) << feed.dump(1);
    const std::string expected = file.string() +
                                 ": /announcements/0/body: 5 characters the screens will not draw (U+0645…, from "
                                 "character 4): Arabic script (Arabic, Uyghur, Kazakh): needs shaping, which the "
                                 "screens do not do\n";
    const ToolOutput warn = run_validate(file.string());
    EXPECT_EQ(warn.status, 0);
    EXPECT_EQ(warn.out, expected);
    const ToolOutput strict = run_validate("--strict " + file.string());
    EXPECT_EQ(strict.status, 1);
    EXPECT_EQ(strict.out, expected);
    fs::remove(file);
}

}  // namespace
