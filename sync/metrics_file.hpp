// The screen's health as a Prometheus text file, for prometheus-node-exporter's
// textfile collector: the exporter already runs on the screen's Debian, reads
// every *.prom file in its directory (Debian: /var/lib/prometheus/node-exporter/)
// and serves them with its own; nothing listens on a port of ours.
//
// FeedSync (sync/feed_sync.hpp) rewrites the file atomically after every sync
// attempt and at least once a minute, so a frozen screen shows as a stale
// node_textfile_mtime_seconds. The sync side fills SyncMetrics; the screen side
// feeds ScreenCounters (FeedSync::screen_counters()) from its own thread, and
// its three metrics appear once the screen has reported anything (kiosk-sync,
// which has no screen, writes only the sync side's).
//
// Thread safety: ScreenCounters may be touched from any thread (atomics,
// relaxed: counters, no ordering with anything else; the power problem's
// text under its own mutex). The functions are pure
// but for write_metrics_file's file.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "sync/civil_time.hpp"

namespace campus {

// What the screen counts. Its render loop calls these; the metrics writer reads them.
struct ScreenCounters {
    void frame() { frames.fetch_add(1, std::memory_order_relaxed); reported.store(true, std::memory_order_relaxed); }
    void display(bool on) { display_on.store(on ? 1 : 0, std::memory_order_relaxed); reported.store(true, std::memory_order_relaxed); }
    void power_error() { power_errors.fetch_add(1, std::memory_order_relaxed); reported.store(true, std::memory_order_relaxed); }
    // What the last switch of the display's power said: "" = it worked (or
    // none was asked). The status file names it (FeedSync's power_error).
    void power_problem(std::string why) {
        std::lock_guard lock(problem_mutex);
        power_problem_text = std::move(why);
    }
    std::string power_problem() const {
        std::lock_guard lock(problem_mutex);
        return power_problem_text;
    }

    std::atomic<bool> reported{false};   // any of the above ever called
    std::atomic<int> display_on{-1};     // -1 = not said yet, else 0/1
    std::atomic<uint64_t> frames{0};
    std::atomic<uint64_t> power_errors{0};

private:
    mutable std::mutex problem_mutex;
    std::string power_problem_text;
};

// The sync side's facts at one moment (the sync thread's, copied).
struct SyncMetrics {
    int64_t feed_version = 0;              // 0 = nothing shown
    std::optional<Instant> last_success;   // the server last confirmed the shown feed
    bool offline = false;
    bool stale = false;
    bool refused = false;
    uint64_t fetch_failures = 0;           // attempts that did not reach or read the server
    bool cache_writable = true;            // false: the cache directory cannot be created or written
};

// The file's text (Prometheus text exposition format 0.0.4).
std::string format_metrics(const SyncMetrics& sync, const ScreenCounters* screen);

// Writes it atomically (temp file, rename): the collector never reads half a
// file, and ignores the temp file (not *.prom). "" or what failed, with the path.
std::string write_metrics_file(const std::string& path, const SyncMetrics& sync, const ScreenCounters* screen);

}  // namespace campus
