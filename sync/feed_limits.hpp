// The contract's limits on a feed (shared/feed-contract.md, "Transport"):
// what a screen refuses to read at all, before any rule of the feed is checked.
// Its own header because both the JSON reader (sync/json_limited.hpp) and
// FeedSync's configuration hold one, and neither needs the rest of feed_parse.
//
// Thread safety: a plain value; copy it freely.
#pragma once

#include <cstddef>

namespace campus {

struct FeedLimits {
    std::size_t max_bytes = 4u << 20;       // body after decompression
    int max_depth = 16;                     // nesting of objects and arrays
    std::size_t max_string_chars = 2000;    // Unicode code points, keys included
    std::size_t max_array_items = 5000;
};

}  // namespace campus
