// The week's result in words (publish/standings_text), exactly as the Monday
// broadcast reads it, for the sample feed and the tie and grade fixtures, and
// `kiosk-feed standings --text` as a program.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "publish/standings_text.hpp"
#include "sync/feed_parse.hpp"

namespace {

namespace fs = std::filesystem;
using campus::Date;

std::shared_ptr<const campus::Feed> load(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    campus::ParseResult r = campus::parse_feed(bytes);
    EXPECT_TRUE(r.ok()) << path;
    return r.feed;
}

const Date kWednesdayWeek12{2026, 11, 18};

TEST(StandingsText, SampleFeed) {
    const auto feed = load(fs::path(KIOSK_ASSETS_DIR) / "sample-feed.json");
    ASSERT_TRUE(feed);
    EXPECT_EQ(campus::publish::standings_text(*feed, kWednesdayWeek12),
              (std::vector<std::string>{
                  "第12周流动红旗：四年级四班、六年级一班、一年级三班、一年级二班、四年级二班、二年级四班、六年级四班"
                  "（共7个班级，并列第6名）",
                  "第12周卫生流动红旗（一年级）：一年级二班、一年级三班（共2个班级，并列第1名）",
                  "第12周卫生流动红旗（二年级）：二年级二班（共1个班级）",
                  "第12周卫生流动红旗（三年级）：三年级二班（共1个班级）",
                  "第12周卫生流动红旗（四年级）：四年级二班（共1个班级）",
                  "第12周卫生流动红旗（五年级）：五年级四班（共1个班级）",
                  "第12周卫生流动红旗（六年级）：六年级一班（共1个班级）",
              }));
}

TEST(StandingsText, TiesAtTheEdgeAndTiebreak) {
    const auto feed = load(fs::path(KIOSK_FIXTURES_DIR) / "valid" / "ties-at-edge.json");
    ASSERT_TRUE(feed);
    // Three classes share 6th place: eight flags for six awards. The tiebreak
    // competition separates its ties: exactly its three awards, no 并列.
    EXPECT_EQ(campus::publish::standings_text(*feed, kWednesdayWeek12),
              (std::vector<std::string>{
                  "第12周流动红旗：三年级一班、三年级二班、三年级三班、三年级四班、三年级五班、三年级六班、四年级一班、"
                  "四年级二班（共8个班级，并列第6名）",
                  "第12周文明班级：三年级一班、三年级二班、三年级三班（共3个班级）",
              }));
}

TEST(StandingsText, GradeScopeOneLinePerGrade) {
    const auto feed = load(fs::path(KIOSK_FIXTURES_DIR) / "valid" / "grade-scope.json");
    ASSERT_TRUE(feed);
    EXPECT_EQ(campus::publish::standings_text(*feed, kWednesdayWeek12),
              (std::vector<std::string>{
                  "第12周年级流动红旗（一年级）：一年级三班、一年级一班（共2个班级）",
                  "第12周年级流动红旗（二年级）：二年级一班、二年级二班、二年级四班、二年级五班（共4个班级，并列第2名）",
                  "第12周年级流动红旗（三年级）：三年级一班、三年级二班（共2个班级）",
              }));
    // The week before: week 11's round.
    const auto week11 = campus::publish::standings_text(*feed, Date{2026, 11, 10});
    ASSERT_EQ(week11.size(), 3u);
    EXPECT_EQ(week11[0].rfind("第11周年级流动红旗（一年级）：", 0), 0u) << week11[0];
}

TEST(StandingsText, BeforeTheFirstRound) {
    const auto feed = load(fs::path(KIOSK_FIXTURES_DIR) / "valid" / "grade-scope.json");
    ASSERT_TRUE(feed);
    EXPECT_EQ(campus::publish::standings_text(*feed, Date{2026, 10, 1}),
              std::vector<std::string>{"年级流动红旗：还没有评比结果，第10周的评比从11月2日开始"});
}

TEST(StandingsText, GradeWords) {
    EXPECT_EQ(campus::publish::grade_words(3), "三年级");
    EXPECT_EQ(campus::publish::grade_words(10), "十年级");
    EXPECT_EQ(campus::publish::grade_words(12), "十二年级");
}

TEST(StandingsText, KioskFeedStandingsText) {
    const std::string cmd = std::string(KIOSK_FEED_TOOL) + " standings " +
                            (fs::path(KIOSK_FIXTURES_DIR) / "valid" / "ties-at-edge.json").string() +
                            " --at 2026-11-18T10:00:00+08:00 --text";
    FILE* pipe = ::popen(cmd.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    const int status = ::pclose(pipe);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_EQ(out,
              "第12周流动红旗：三年级一班、三年级二班、三年级三班、三年级四班、三年级五班、三年级六班、四年级一班、"
              "四年级二班（共8个班级，并列第6名）\n"
              "第12周文明班级：三年级一班、三年级二班、三年级三班（共3个班级）\n");
}

}  // namespace
