// FeedSync: follows the school's feed on its own thread and hands the screen
// immutable snapshots. The screen never waits for it.
//
//   sync thread:  fetch (curl) -> verify (minisign) -> parse_feed -> guard
//                 (feed_id pin, rollback) -> cache (atomic) -> publish snapshot
//   screen:       snapshot() whenever it draws; woken by on_update.
//
// Thread safety: every public member may be called from any thread.
// `on_update` is called on the sync thread; it must be cheap and must not call
// back into FeedSync (the kiosk passes glfwPostEmptyEvent).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sync/feed.hpp"
#include "sync/feed_parse.hpp"

namespace campus {

struct FeedSyncConfig {
    std::string source;                      // https://, http://, file:// URL or a plain path
    std::vector<std::string> trusted_keys;   // minisign public keys (base64, 2nd line of minisign.pub); empty = no signature required
    std::string cache_dir;                   // "" = $XDG_CACHE_HOME/campus-kiosk (or ~/.cache/campus-kiosk)
    std::string status_file;                 // "" = none
    std::string ca_file;                     // "" = system CAs
    std::string proxy;                       // "" = no proxy, whatever the environment says
    std::chrono::seconds poll{30};           // ±10 % jitter; backoff up to ~5 min while failing
    bool reset_rollback_guard = false;       // forget the highest version shown (operator's choice)
    FeedLimits limits;
    // Transfer limits (added with the implementation; defaults as in sync/feed_fetch.hpp).
    // Tests shrink them to run in seconds.
    std::chrono::milliseconds connect_timeout{10'000};  // a LAN or CDN answers in well under 1 s
    std::chrono::milliseconds total_timeout{60'000};    // 4 MiB over a poor 1 Mbit/s link: ~35 s
    long low_speed_bytes = 1;                            // below this many bytes/s ...
    std::chrono::seconds low_speed_time{20};             // ... for this long: dropped (a byte every 10 s is)
    std::chrono::seconds max_backoff{300};               // cap of the exponential backoff while failing
};

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

struct FeedSnapshot {
    std::shared_ptr<const Feed> feed;  // the last good feed; null while waiting for the first one
    SyncState state;
};

class FeedSync {
public:
    explicit FeedSync(FeedSyncConfig config);
    ~FeedSync();  // stops and joins the thread
    FeedSync(const FeedSync&) = delete;
    FeedSync& operator=(const FeedSync&) = delete;

    // Loads the cache (synchronously: it is local and small), then starts polling.
    void start(std::function<void()> on_update);
    void stop();

    std::shared_ptr<const FeedSnapshot> snapshot() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace campus
