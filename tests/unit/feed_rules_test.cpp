// Rules on what the office types that the reader itself enforces: a field
// named twice in one object is refused (never "the last one wins").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "sync/feed_parse.hpp"

namespace campus {
namespace {

namespace fs = std::filesystem;

std::string minimal_text() {
    std::ifstream in(fs::path(KIOSK_FIXTURES_DIR) / "valid" / "minimal.json", std::ios::binary);
    EXPECT_TRUE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The minimal feed with `from` (which must occur) replaced by `to`.
std::string edited(const std::string& from, const std::string& to) {
    std::string text = minimal_text();
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

std::string problems_of(const ParseResult& r) {
    std::string out;
    for (const Problem& p : r.problems) out += to_string(p) + "\n";
    return out;
}

//-----------------------------------------------------------------------------
// Duplicate keys
//-----------------------------------------------------------------------------

TEST(FeedDuplicateKeys, GoalTitleGivenTwiceIsRefusedNamingThePointer) {
    const ParseResult r =
        parse_feed(edited("\"title\": \"德育工作有新特色\"", "\"title\": \"德育工作有新特色\", \"title\": \"别的\""));
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.problems.size(), 1u) << problems_of(r);
    EXPECT_EQ(to_string(r.problems[0]).rfind("/term/goals/0/title: duplicate key \"title\"", 0), 0u)
        << to_string(r.problems[0]);
}

TEST(FeedDuplicateKeys, TopLevelAndScoreDuplicatesAreRefused) {
    {
        const ParseResult r = parse_feed(edited("\"version\": 12,", "\"version\": 12, \"version\": 13,"));
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.problems[0].pointer, "/version") << problems_of(r);
    }
    {
        // Written with an escape, it is still the same name.
        const ParseResult r = parse_feed(edited("\"feed_id\": \"demo-primary\",",
                                                "\"feed_id\": \"demo-primary\", \"feed_\\u0069d\": \"x\","));
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.problems[0].pointer, "/feed_id") << problems_of(r);
    }
    {
        // Two names of one length and first letter are different fields.
        const ParseResult r = parse_feed(edited("\"version\": 12,", "\"version\": 12, \"vers10n\": 1, \"versioN\": 2,"));
        EXPECT_TRUE(r.ok()) << problems_of(r);
    }
}

// An object of thousands of members takes the hashed check; a duplicate at the
// very end is still found, and distinct ones pass.
TEST(FeedDuplicateKeys, LargeObjectIsCheckedToo) {
    std::string many;
    for (int i = 0; i < 3000; ++i) many += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",";
    {
        const ParseResult r = parse_feed(edited("\"version\": 12,", "\"version\": 12, \"extra\": {" + many + "\"end\": 0},"));
        EXPECT_TRUE(r.ok()) << problems_of(r);
    }
    {
        const ParseResult r = parse_feed(edited("\"version\": 12,", "\"version\": 12, \"extra\": {" + many + "\"k17\": 0},"));
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(to_string(r.problems[0]).rfind("/extra/k17: duplicate key \"k17\"", 0), 0u) << problems_of(r);
    }
}

TEST(FeedDuplicateKeys, SameNameInDifferentObjectsIsFine) {
    // Every goal has its own "id" and "title"; lists may repeat values freely.
    const ParseResult r = parse_feed(minimal_text());
    EXPECT_TRUE(r.ok()) << problems_of(r);
}

}  // namespace
}  // namespace campus
