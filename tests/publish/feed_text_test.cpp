// feed_text (publish/feed_text.cpp): the readable layout while it fits the
// screens' 4 MiB, the compact one past it. The size bound that spares a large
// school's build the readable attempt must never take the readable layout
// from a feed it fits: these tests stand on both sides of the limit, to the byte.
#include <gtest/gtest.h>

#include <string>

#include "publish/workbook_feed.hpp"
#include "sync/feed_limits.hpp"

namespace campus::publish {
namespace {

using Json = nlohmann::ordered_json;

// {"a": [{"k": "xx…"}, …]} whose readable form, final newline included, is
// `total` bytes: each item is `    { "k": "…" }` (its text + 15 bytes) with
// ",\n" between, around them 18 bytes of frame. Items stay short enough
// (under 150 characters) for one line each.
Json feed_of_size(std::size_t total) {
    constexpr std::size_t kItem = 50;  // text bytes per item but the last
    constexpr std::size_t kFrame = 18;
    Json items = Json::array();
    std::size_t size = kFrame;
    auto room = [&] { return total - size - (items.empty() ? 0 : 2) - 15; };  // the text the next item could take
    while (room() > 2 * kItem) {
        size += (items.empty() ? 0 : 2) + kItem + 15;
        items.push_back(Json{{"k", std::string(kItem, 'x')}});
    }
    items.push_back(Json{{"k", std::string(room(), 'y')}});  // the rest, exactly
    Json feed = Json::object();
    feed["a"] = std::move(items);
    return feed;
}

TEST(FeedText, ReadableWhileItFitsToTheByte) {
    const std::size_t limit = FeedLimits{}.max_bytes;
    const std::string text = feed_text(feed_of_size(limit));
    EXPECT_EQ(text.size(), limit);
    EXPECT_EQ(text.substr(0, 13), "{\n  \"a\": [\n  ");
}

TEST(FeedText, CompactOneByteOver) {
    const std::size_t limit = FeedLimits{}.max_bytes;
    const std::string text = feed_text(feed_of_size(limit + 1));
    EXPECT_EQ(text.substr(0, 9), "{\"a\":[{\"k");
    EXPECT_EQ(text.find('\n'), text.size() - 1);
    EXPECT_LT(text.size(), limit);
}

TEST(FeedText, SmallFeedsAreReadable) {
    const std::string text = feed_text(feed_of_size(200));
    EXPECT_EQ(text.size(), 200u);
    EXPECT_EQ(text.back(), '\n');
    EXPECT_NE(text.find("\n    { \"k\": \""), std::string::npos) << text;
}

}  // namespace
}  // namespace campus::publish
