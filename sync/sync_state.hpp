// What the screen knows about the sync side besides the feed itself: where the
// shown feed came from, whether the last poll reached the server or was refused
// and why, whether the feed is past its expires_at. FeedSync (sync/feed_sync.hpp) fills it in; the
// header's status line and the pages read it. Its own header so that the
// screen's side can read it without the sync thread's machinery.
//
// Thread safety: a plain value; FeedSync hands out copies inside immutable snapshots.
#pragma once

#include <optional>
#include <string>

#include "sync/civil_time.hpp"

namespace campus {

enum class FeedSource { none, cache, network };

// Why the server's answer was not shown. A refusal is not a network failure:
// the server answered, so the next poll comes at the normal interval (no
// backoff), and a fixed publish shows within one poll.
enum class FeedRefusal {
    none,
    signature,  // missing, not by a trusted key, not matching the body, or its trusted comment does not match the feed
    invalid,    // the body breaks the contract (JSON, limits, rules)
    rollback,   // a version below the highest already shown
    other_feed, // a feed_id other than the pinned one
};
// "signature", "invalid", "rollback", "feed_id"; "" for none (the status file's words).
const char* refusal_name(FeedRefusal refusal);

// What the screen needs to know about the sync side, besides the feed itself.
struct SyncState {
    FeedSource source = FeedSource::none;
    bool offline = false;                     // the last attempt failed to reach or read the server
    bool refused = false;                     // the last attempt got an answer that was not shown (see `refusal`, `last_error`)
    FeedRefusal refusal = FeedRefusal::none;  // why, when refused
    bool stale = false;                       // now is past the shown feed's expires_at
    std::optional<Instant> last_attempt;
    std::optional<Instant> last_success;      // last time the server confirmed the shown feed (200 or 304)
    std::string last_error;                   // empty when the last attempt succeeded
    std::string etag;
};

}  // namespace campus
