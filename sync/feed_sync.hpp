// FeedSync: follows the school's feed on its own thread and hands the screen
// immutable snapshots. The screen never waits for it.
//
//   sync thread:  fetch (curl) -> verify (minisign) -> parse_feed -> guard
//                 (feed_id pin, rollback) -> cache (atomic) -> publish snapshot
//                 -> status file, metrics file (and the metrics once a minute)
//                 -> the feed's pictures (sync/media_store.hpp), then a snapshot
//                    saying which are on disk and verified
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
#include "sync/media_files.hpp"
#include "sync/metrics_file.hpp"
#include "sync/sync_state.hpp"

namespace campus {

struct FeedSyncConfig {
    std::string source;                      // https://, http://, file:// URL or a plain path
    std::vector<std::string> trusted_keys;   // minisign public keys (base64, 2nd line of minisign.pub); empty = no signature required
    std::string cache_dir;                   // "" = $XDG_CACHE_HOME/campus-kiosk (or ~/.cache/campus-kiosk)
    std::string status_file;                 // "" = none
    std::string metrics_file;                // Prometheus text for node-exporter's textfile collector (sync/metrics_file.hpp); "" = none
    // The metrics file is also rewritten this often between attempts, whatever
    // the poll or the backoff: a file older than that means this thread is
    // stuck. A minute; tests shorten it (kiosk-sync --metrics-every).
    std::chrono::milliseconds metrics_every{60'000};
    std::string ca_file;                     // "" = system CAs
    std::string proxy;                       // "" = no proxy, whatever the environment says
    std::chrono::seconds poll{30};           // ±10 % jitter; backoff up to ~5 min while failing
    bool reset_rollback_guard = false;       // forget the highest version shown (operator's choice)
    std::string screen_id;                   // named in every poll's User-Agent (sync/user_agent.hpp); "" = the host name
    FeedLimits limits;
    // Transfer limits (defaults as in sync/feed_fetch.hpp): a dead or crawling
    // server costs a poll, never the sync thread. Tests shrink them to run in seconds.
    std::chrono::milliseconds connect_timeout{10'000};  // a LAN or CDN answers in well under 1 s
    std::chrono::milliseconds total_timeout{60'000};    // 4 MiB over a poor 1 Mbit/s link: ~35 s
    long low_speed_bytes = 1;                            // below this many bytes/s ...
    std::chrono::seconds low_speed_time{20};             // ... for this long: dropped (a byte every 10 s is)
    std::chrono::seconds max_backoff{300};               // cap of the exponential backoff while failing
    // One picture's whole transfer: 20 MiB over a poor 1 Mbit/s link takes ~170 s.
    std::chrono::milliseconds media_total_timeout{300'000};
    MediaLimits media_limits;
};

struct FeedSnapshot {
    std::shared_ptr<const Feed> feed;  // the last good feed; null while waiting for the first one
    SyncState state;
    // The feed's pictures that may be shown; never null. A screen booting
    // offline gets the cached ones at once.
    std::shared_ptr<const MediaFiles> media = std::make_shared<const MediaFiles>();
    // True until the sync thread has tried each picture of `feed` once
    // (kiosk-sync --once waits for it); pictures keep arriving meanwhile.
    bool media_pending = false;
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

    // The screen's counters for the metrics file: any thread may call their
    // frame() / display(on) / power_error() at any time, for as long as this
    // FeedSync lives; the next rewrite of the file (within a minute) shows them.
    ScreenCounters& screen_counters();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace campus
