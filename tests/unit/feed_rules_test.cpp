// Rules on what the office types that the reader itself enforces: a field
// named twice in one object is refused (never "the last one wins"), and
// numbers that cannot be held are reported for what they are.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

#include "sync/feed_fetch.hpp"
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

//-----------------------------------------------------------------------------
// Numbers a double cannot hold
//-----------------------------------------------------------------------------

// A score written as `number`, in the first score of the minimal feed.
ParseResult feed_with_score(const std::string& number) {
    std::string text = minimal_text();
    const std::size_t at = text.find("\"discipline\":", text.find("\"scores\""));
    EXPECT_NE(at, std::string::npos);
    const std::size_t value = text.find_first_of("0123456789", at);
    const std::size_t value_end = text.find_first_not_of("0123456789.", value);
    text.replace(value, value_end - value, number);
    return parse_feed(text);
}

TEST(FeedNumbers, TooLargeSaysTooLargeAndNamesThePlace) {
    for (const std::string number : {"1e309", "-1e309", "1E400", "17976931348623159e292"}) {
        SCOPED_TRACE(number);
        const ParseResult r = feed_with_score(number);
        ASSERT_FALSE(r.ok());
        ASSERT_EQ(r.problems.size(), 1u) << problems_of(r);
        EXPECT_EQ(r.problems[0].pointer, "/competitions/0/rounds/0/scores/0/discipline") << problems_of(r);
        EXPECT_NE(r.problems[0].message.find("the number " + number + " is too large"), std::string::npos)
            << problems_of(r);
    }
}

// A number closer to 0 than a double can hold is refused, not read as 0 and
// not called "too large": the clerk wrote something other than 0, and a
// target of 1e-400 read as 0 would be refused with a misleading "got 0".
TEST(FeedNumbers, TooSmallSaysTooSmall) {
    for (const std::string number : {"1e-400", "0.0000001e-320", "-1e-400"}) {
        SCOPED_TRACE(number);
        const ParseResult r = feed_with_score(number);
        ASSERT_FALSE(r.ok());
        ASSERT_EQ(r.problems.size(), 1u) << problems_of(r);
        EXPECT_EQ(r.problems[0].pointer, "/competitions/0/rounds/0/scores/0/discipline") << problems_of(r);
        EXPECT_NE(r.problems[0].message.find("the number " + number + " is too close to 0"), std::string::npos)
            << problems_of(r);
        EXPECT_EQ(r.problems[0].message.find("too large"), std::string::npos) << problems_of(r);
    }
    // Small numbers a double holds are numbers like any other (in range: 0 ≤ score ≤ max).
    EXPECT_TRUE(feed_with_score("1e-300").ok());
    EXPECT_TRUE(feed_with_score("0.0004").ok());
}

//-----------------------------------------------------------------------------
// Not UTF-8
//-----------------------------------------------------------------------------

std::string as_utf16(const std::string& ascii_and_utf8, bool big_endian) {
    // The minimal feed's non-ASCII text is replaced by '?': the encoding, not
    // the characters, is what is tested.
    std::string out;
    for (unsigned char c : ascii_and_utf8) {
        if (c >= 0x80 && (c & 0xC0) == 0x80) continue;
        const char unit = c >= 0x80 ? '?' : static_cast<char>(c);
        if (big_endian) out += '\0';
        out += unit;
        if (!big_endian) out += '\0';
    }
    return out;
}

TEST(FeedEncoding, Utf16IsNamedWithOrWithoutBom) {
    const std::string text = minimal_text();
    const std::pair<std::string, std::string> cases[] = {
        {"\xFF\xFE" + as_utf16(text, false), "UTF-16"},
        {"\xFE\xFF" + as_utf16(text, true), "UTF-16"},
        {as_utf16(text, false), "UTF-16"},
        {as_utf16(text, true), "UTF-16"},
    };
    for (const auto& [bytes, word] : cases) {
        const ParseResult r = parse_feed(bytes);
        ASSERT_FALSE(r.ok());
        ASSERT_EQ(r.problems.size(), 1u) << problems_of(r);
        EXPECT_NE(r.problems[0].message.find(word), std::string::npos) << problems_of(r);
        EXPECT_NE(r.problems[0].message.find("save it as UTF-8"), std::string::npos) << problems_of(r);
    }
    // A NUL later in a UTF-8 file is not taken for UTF-16.
    const ParseResult r = parse_feed(std::string("{\"a\"\0", 5));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.problems[0].message.find("UTF-16"), std::string::npos) << problems_of(r);
}

//-----------------------------------------------------------------------------
// Sources that are not feeds
//-----------------------------------------------------------------------------

TEST(FeedSource, DirectoryIsNamedAsADirectory) {
    const fs::path dir = fs::temp_directory_path() / ("feed-rules-dir-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    for (const std::string& source : {dir.string(), source_to_url(dir.string())}) {
        SCOPED_TRACE(source);
        FetchRequest request;
        request.url = source;
        const FetchResult r = fetch_source(request);
        EXPECT_FALSE(r.ok());
        EXPECT_NE(r.error.find("is a directory, not a feed file"), std::string::npos) << r.error;
    }
    fs::remove_all(dir);
}

TEST(FeedSource, OtherSchemesSayWhichAreAccepted) {
    for (const std::string source : {"ftp://school.example/feed.json", "sftp://x/feed.json", "gopher://x"}) {
        SCOPED_TRACE(source);
        FetchRequest request;
        request.url = source;
        const FetchResult r = fetch_source(request);
        EXPECT_FALSE(r.ok());
        EXPECT_NE(r.error.find("https://, http://, file:// or a path"), std::string::npos) << r.error;
        EXPECT_NE(r.error.find("the scheme " + source.substr(0, source.find(":")) + ":// is not accepted"), std::string::npos) << r.error;
    }
}

// The same words for a reader of local files (the kiosk's --dump preview).
TEST(FeedSource, SourceProblemSaysTheSameBeforeAnyFetch) {
    const fs::path dir = fs::temp_directory_path() / ("feed-rules-problem-" + std::to_string(::getpid()));
    fs::create_directories(dir / "a folder");
    EXPECT_EQ(source_problem("https://school.example/feed.json"), "");
    EXPECT_EQ(source_problem("HTTP://127.0.0.1/feed.json"), "");
    EXPECT_EQ(source_problem((dir / "missing.json").string()), "");  // fetching says it is missing
    EXPECT_EQ(source_problem(KIOSK_FIXTURES_DIR "/valid/minimal.json"), "");
    EXPECT_NE(source_problem((dir / "a folder").string()).find("is a directory, not a feed file"), std::string::npos);
    // A file:// URL is decoded ("a%20folder") before it is looked at.
    EXPECT_NE(source_problem(source_to_url((dir / "a folder").string())).find("is a directory"), std::string::npos)
        << source_to_url((dir / "a folder").string());
    EXPECT_EQ(source_problem("ftp://x/feed.json"),
              "ftp://x/feed.json: the scheme ftp:// is not accepted; a feed source is https://, http://, file:// or a "
              "path");
    fs::remove_all(dir);
}

}  // namespace
}  // namespace campus
