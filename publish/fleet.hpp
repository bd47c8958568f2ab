// `kiosk-feed fleet`: the office's view of its screens, read from the feed
// server's access log. Every poll names its screen and what it shows in the
// User-Agent (sync/user_agent.hpp), so nginx's default `combined` log is
// enough: no program on the server, no port open on the screens.
//
// Per screen: the last poll's time, the version it shows, whether that is
// behind the published feed, its condition (online/offline/refused) and
// whether it has been silent longer than a threshold. Screens the office
// expects (--screens) that never polled count as silent.
//
// Thread safety: pure functions over their arguments.
#pragma once

#include <chrono>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/civil_time.hpp"

namespace campus {

// One line of nginx's combined format:
//   $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
// Quoted fields are unescaped (nginx writes `"`, `\` and bytes outside
// printable ASCII as \xXX).
struct AccessLogEntry {
    std::string remote_addr;
    Instant time{};
    int utc_offset_seconds = 0;  // of $time_local, to print the server's wall time
    std::string request;         // "GET /feed.json HTTP/1.1"
    int status = 0;
    std::string user_agent;
};

// nullopt with *error saying what is wrong when `line` is not in that format.
std::optional<AccessLogEntry> parse_combined_log_line(std::string_view line, std::string* error);

// "15m", "90s", "2h", "1d" or plain seconds; nullopt when malformed or not positive.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// The version of the published feed: `dir_or_feed` is the feed.json itself or
// the folder the web server serves (then DIR/feed.json). nullopt with *error
// (naming the file) when it cannot be read or has no integer version.
std::optional<int64_t> read_published_version(const std::string& dir_or_feed, std::string* error);

struct FleetOptions {
    std::vector<std::string> expected_screens;  // --screens: each must have polled
    std::chrono::seconds silent_after{15 * 60};
    int64_t published_version = 0;              // 0 = unknown (no --feed): nobody is "behind"
    Instant now{};
};

struct ScreenSeen {
    std::string screen;
    bool polled = false;          // false: named in --screens, absent from the log
    Instant last_poll{};
    int utc_offset_seconds = 0;
    std::string address;          // of the last poll
    std::string kiosk_version;
    int64_t feed_version = 0;     // 0 = "no feed"
    std::string condition;        // online | offline | refused
    int64_t polls = 0;
    bool behind = false;          // shows less than the published version
    bool silent = false;          // last poll older than the threshold, or never polled
};

struct FleetReport {
    std::vector<ScreenSeen> screens;  // sorted by name
    int64_t published_version = 0;
    int64_t lines = 0;                // lines read
    int64_t polls = 0;                // of them, screens' polls
    std::vector<std::string> problems;  // "LOG:LINE: what" for lines not in the combined format
    int64_t bad_lines = 0;
    bool any_silent() const;
};

// Reads the whole log. `log_name` names it in problems.
FleetReport read_fleet(std::istream& log, const std::string& log_name, const FleetOptions& options);

// One line per screen, then a summary line.
std::string format_fleet(const FleetReport& report, const FleetOptions& options);

}  // namespace campus
