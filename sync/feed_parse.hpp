// Turning bytes into a Feed: limits, JSON, and every MUST of the contract.
//
// A feed is accepted whole or rejected whole. A rejection lists every problem
// found, each with the JSON Pointer (RFC 6901) of the offending place and a
// message a school clerk can act on:
//   /competitions/0/rounds/2/scores/5/hygiene: 23 is above the maximum 20 for 卫生
//
// Never crashes, never hangs, never recurses on input depth: the limits are
// enforced while the JSON is being read, before any tree deep enough to hurt
// exists.
//
// Thread safety: parse_feed is reentrant; call it from the sync thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sync/feed.hpp"

namespace campus {

struct FeedLimits {
    std::size_t max_bytes = 4u << 20;       // body after decompression
    int max_depth = 16;                     // nesting of objects and arrays
    std::size_t max_string_chars = 2000;    // Unicode code points, keys included
    std::size_t max_array_items = 5000;
};

struct Problem {
    std::string pointer;  // JSON Pointer, "" for the document itself
    std::string message;
};

// "pointer: message", or "message" when the pointer is empty.
std::string to_string(const Problem& problem);

struct ParseResult {
    std::shared_ptr<const Feed> feed;  // null when rejected
    std::vector<Problem> problems;     // empty when accepted
    bool ok() const { return feed != nullptr; }
};

ParseResult parse_feed(std::string_view bytes, const FeedLimits& limits = {});

}  // namespace campus
