// What the screen knows about the sync side besides the feed itself: where the
// shown feed came from, whether the last poll reached the server, whether the
// feed is past its expires_at. FeedSync (sync/feed_sync.hpp) fills it in; the
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

// What the screen needs to know about the sync side, besides the feed itself.
struct SyncState {
    FeedSource source = FeedSource::none;
    bool offline = false;                     // the last attempt failed to reach or read the server
    bool stale = false;                       // now is past the shown feed's expires_at
    std::optional<Instant> last_attempt;
    std::optional<Instant> last_success;      // last time the server confirmed the shown feed (200 or 304)
    std::string last_error;                   // empty when the last attempt succeeded
    std::string etag;
};

}  // namespace campus
