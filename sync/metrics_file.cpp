// Prometheus text for the node exporter's textfile collector. See metrics_file.hpp.
#include "sync/metrics_file.hpp"

#include "sync/feed_cache.hpp"
#include "sync/user_agent.hpp"

namespace campus {

namespace {

void metric(std::string& out, const char* name, const char* type, const char* help, const std::string& value,
            const std::string& labels = "") {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
    out += name;
    out += labels;
    out += ' ';
    out += value;
    out += '\n';
}

std::string flag(bool b) { return b ? "1" : "0"; }

// A label value: backslash, quote and newline escaped, as the format requires.
std::string label_value(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

}  // namespace

std::string format_metrics(const SyncMetrics& sync, const ScreenCounters* screen) {
    std::string out;
    metric(out, "campus_kiosk_build_info", "gauge", "The kiosk's version; always 1.", "1",
           "{version=\"" + label_value(kiosk_version()) + "\"}");
    metric(out, "campus_kiosk_feed_version", "gauge", "Version of the feed shown; 0 while none is.",
           std::to_string(sync.feed_version));
    metric(out, "campus_kiosk_feed_last_success_timestamp_seconds", "gauge",
           "Unix time the server last confirmed the shown feed (200 or 304); 0 = never.",
           sync.last_success ? std::to_string(sync.last_success->time_since_epoch().count()) : "0");
    metric(out, "campus_kiosk_feed_offline", "gauge", "1 when the last attempt did not reach or read the server.",
           flag(sync.offline));
    metric(out, "campus_kiosk_feed_stale", "gauge", "1 when now is past the shown feed's expires_at.", flag(sync.stale));
    metric(out, "campus_kiosk_feed_refused", "gauge",
           "1 when the last answer was refused (signature, contract, rollback, feed_id).", flag(sync.refused));
    metric(out, "campus_kiosk_fetch_failures_total", "counter",
           "Attempts that did not reach or read the server, since the start.", std::to_string(sync.fetch_failures));
    metric(out, "campus_kiosk_cache_writable", "gauge",
           "0 when the cache directory cannot be created or written: the feed will not survive a restart.",
           flag(sync.cache_writable));
    if (screen && screen->reported.load(std::memory_order_relaxed)) {
        const int on = screen->display_on.load(std::memory_order_relaxed);
        if (on >= 0) metric(out, "campus_kiosk_display_on", "gauge", "1 when the panel is lit (showing the screen, or left on by a failed switch); 0 when dark.", flag(on == 1));
        metric(out, "campus_kiosk_frames_total", "counter", "Frames drawn, since the start.",
               std::to_string(screen->frames.load(std::memory_order_relaxed)));
        metric(out, "campus_kiosk_power_errors_total", "counter",
               "Failed attempts to switch the display on or off, since the start.",
               std::to_string(screen->power_errors.load(std::memory_order_relaxed)));
    }
    return out;
}

std::string write_metrics_file(const std::string& path, const SyncMetrics& sync, const ScreenCounters* screen) {
    return write_file_atomically(path, format_metrics(sync, screen));
}

}  // namespace campus
