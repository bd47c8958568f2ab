// One reason a feed is refused, with its place: a JSON Pointer (RFC 6901) and
// a message a school clerk can act on,
//   /competitions/0/rounds/2/scores/5/hygiene: 23 is above the maximum 20 for 卫生
// The JSON reader (sync/json_limited.hpp) reports its first breach as one;
// parse_feed (sync/feed_parse.hpp) lists every one it finds.
//
// Thread safety: a plain value; copy it freely.
#pragma once

#include <string>

namespace campus {

struct Problem {
    std::string pointer;  // JSON Pointer, "" for the document itself
    std::string message;
};

// "pointer: message", or "message" when the pointer is empty (sync/feed_parse.cpp).
std::string to_string(const Problem& problem);

}  // namespace campus
