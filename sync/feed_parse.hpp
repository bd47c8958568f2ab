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
#include "sync/feed_limits.hpp"
#include "sync/problem.hpp"

namespace campus {

struct ParseResult {
    std::shared_ptr<const Feed> feed;  // null when rejected
    std::vector<Problem> problems;     // empty when accepted
    bool ok() const { return feed != nullptr; }
};

ParseResult parse_feed(std::string_view bytes, const FeedLimits& limits = {});

}  // namespace campus
