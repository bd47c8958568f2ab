// kiosk-sync: FeedSync without a screen. Follows a feed, keeps the cache and the
// status file, and prints one line per change of what a screen would show:
//   feed_id=demo-primary version=12 source=network offline=0 stale=0 error=""
// Integration tests drive it; an operator can use it to check a screen's setup.
//
//   kiosk-sync --feed URL [--trusted-key K]... [--cache-dir D] [--status-file F] [--metrics-file F]
//              [--poll SECONDS] [--once] [--reset-rollback] [--screen-id ID]
//              [--connect-timeout S] [--timeout S] [--low-speed-time S] [--low-speed-limit B]
//              [--max-backoff S] [--ca-file F] [--proxy P]
// Exit status with --once: 0 when a feed is shown and the attempt succeeded,
// 1 when the attempt failed or was refused, 2 on bad options.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>

#include "sync/feed_sync.hpp"

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) { g_interrupted = true; }

const char* source_name(campus::FeedSource s) {
    switch (s) {
        case campus::FeedSource::network: return "network";
        case campus::FeedSource::cache: return "cache";
        case campus::FeedSource::none: break;
    }
    return "none";
}

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') { out += "\\n"; continue; }
        out += c;
    }
    return out + "\"";
}

// What a screen shows; a change of any of these is worth a line.
std::string describe(const campus::FeedSnapshot& snap) {
    std::string line;
    if (snap.feed)
        line = "feed_id=" + snap.feed->feed_id + " version=" + std::to_string(snap.feed->version);
    else
        line = "feed_id=- version=-";
    line += std::string(" source=") + source_name(snap.state.source);
    line += std::string(" offline=") + (snap.state.offline ? "1" : "0");
    line += std::string(" stale=") + (snap.state.stale ? "1" : "0");
    line += " error=" + quoted(snap.state.last_error);
    if (snap.feed && !snap.feed->media.empty()) {
        // Pictures the screen may show, of those the feed lists; "+" while the first pass is under way.
        line += " media=" + std::to_string(snap.media->by_id.size()) + "/" + std::to_string(snap.feed->media.size()) +
                (snap.media_pending ? "+" : "");
    }
    return line;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Follow a campus feed headless: fetch, verify, cache, report."};
    campus::FeedSyncConfig config;
    int poll = 30;
    bool once = false;
    double connect_timeout = 10, total_timeout = 60;
    long low_speed_time = 20, max_backoff = 300;
    double metrics_every = 60;
    app.add_option("--feed", config.source, "feed URL (https://, http://, file://) or path")->required();
    app.add_option("--trusted-key", config.trusted_keys, "minisign public key (repeatable)");
    app.add_option("--cache-dir", config.cache_dir, "cache directory (default $XDG_CACHE_HOME/campus-kiosk)");
    app.add_option("--status-file", config.status_file, "JSON status file, rewritten after every attempt");
    app.add_option("--metrics-file", config.metrics_file,
                   "Prometheus text file (node-exporter's textfile collector), rewritten after every attempt and every minute");
    app.add_option("--metrics-every", metrics_every,
                   "seconds between rewrites of the metrics file when no attempt comes (default 60; tests shorten it)")
        ->check(CLI::Range(0.1, 3600.0));
    app.add_option("--poll", poll, "seconds between polls (±10 % jitter)")->check(CLI::Range(1, 86400));
    app.add_flag("--once", once, "load the cache, fetch once, exit");
    app.add_option("--screen-id", config.screen_id, "this screen's name in the poll's User-Agent (default: the host name)");
    app.add_flag("--reset-rollback", config.reset_rollback_guard, "forget the pinned feed_id and highest version shown");
    app.add_option("--connect-timeout", connect_timeout, "seconds (default 10)")->check(CLI::PositiveNumber);
    app.add_option("--timeout", total_timeout, "seconds for a whole transfer (default 60)")->check(CLI::PositiveNumber);
    app.add_option("--low-speed-time", low_speed_time, "seconds below the low-speed limit before aborting (default 20)")->check(CLI::PositiveNumber);
    app.add_option("--low-speed-limit", config.low_speed_bytes, "bytes per second (default 1)")->check(CLI::NonNegativeNumber);
    app.add_option("--max-backoff", max_backoff, "longest wait while failing, seconds (default 300)")->check(CLI::PositiveNumber);
    app.add_option("--ca-file", config.ca_file, "CA bundle for https (default: system CAs)");
    app.add_option("--proxy", config.proxy, "proxy URL (default: none, whatever the environment says)");
    CLI11_PARSE(app, argc, argv);

    using namespace std::chrono;
    config.poll = seconds(poll);
    config.connect_timeout = milliseconds(static_cast<int64_t>(connect_timeout * 1000));
    config.total_timeout = milliseconds(static_cast<int64_t>(total_timeout * 1000));
    config.low_speed_time = seconds(low_speed_time);
    config.max_backoff = seconds(max_backoff);
    config.metrics_every = milliseconds(static_cast<int64_t>(metrics_every * 1000));

    // Logs on stderr: stdout carries only the one-line-per-change report.
    spdlog::set_default_logger(spdlog::stderr_color_mt("kiosk-sync"));
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);

    std::mutex mutex;
    std::condition_variable changed;
    bool pending = false;
    campus::FeedSync sync(config);
    sync.start([&] {
        {
            std::lock_guard lock(mutex);
            pending = true;
        }
        changed.notify_one();
    });

    std::string last_line;
    for (;;) {
        std::shared_ptr<const campus::FeedSnapshot> snap;
        {
            std::unique_lock lock(mutex);
            changed.wait_for(lock, milliseconds(200), [&] { return pending; });
            pending = false;
        }
        snap = sync.snapshot();
        std::string line = describe(*snap);
        if (line != last_line) {
            std::printf("%s\n", line.c_str());
            std::fflush(stdout);
            last_line = line;
        }
        if (once && snap->state.last_attempt && !snap->media_pending) {
            sync.stop();
            return snap->feed && snap->state.last_error.empty() ? 0 : 1;
        }
        if (g_interrupted) break;
    }
    sync.stop();
    return 0;
}
