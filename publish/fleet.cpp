// The fleet from the access log. See fleet.hpp.
//
// [SECTION] one log line: nginx's combined format
// [SECTION] durations
// [SECTION] the fleet: per screen, the last poll wins
// [SECTION] the report
#include "publish/fleet.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sync/user_agent.hpp"

namespace campus {

namespace {

// ---------------------------------------------------------------------------
// [SECTION] one log line

struct Cursor {
    std::string_view s;
    bool eat(char c) {
        if (s.empty() || s.front() != c) return false;
        s.remove_prefix(1);
        return true;
    }
    std::string_view token() {  // up to the next space
        const auto end = std::min(s.find(' '), s.size());
        auto t = s.substr(0, end);
        s.remove_prefix(end);
        return t;
    }
};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A "…" field; nginx writes a quote inside as \x22, so the first raw quote ends it.
std::optional<std::string> quoted(Cursor& c) {
    if (!c.eat('"')) return std::nullopt;
    std::string out;
    while (!c.s.empty() && c.s.front() != '"') {
        if (c.s.size() >= 4 && c.s[0] == '\\' && c.s[1] == 'x' && hex_digit(c.s[2]) >= 0 && hex_digit(c.s[3]) >= 0) {
            out += static_cast<char>(hex_digit(c.s[2]) * 16 + hex_digit(c.s[3]));
            c.s.remove_prefix(4);
        } else {
            out += c.s.front();
            c.s.remove_prefix(1);
        }
    }
    if (!c.eat('"')) return std::nullopt;
    return out;
}

// $time_local: 01/Dec/2026:21:34:53 +0000
std::optional<ZonedStamp> parse_time_local(std::string_view t) {
    static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (t.size() != 26 || t[2] != '/' || t[6] != '/' || t[11] != ':' || t[20] != ' ') return std::nullopt;
    int month = 0;
    for (int i = 0; i < 12; ++i)
        if (t.substr(3, 3) == months[i]) month = i + 1;
    if (!month) return std::nullopt;
    const std::string_view offset = t.substr(21);  // +0800
    std::string rfc = std::string(t.substr(7, 4)) + "-" + (month < 10 ? "0" : "") + std::to_string(month) + "-" +
                      std::string(t.substr(0, 2)) + "T" + std::string(t.substr(12, 8)) + std::string(offset.substr(0, 3)) +
                      ":" + std::string(offset.substr(3, 2));
    return parse_rfc3339(rfc);
}

}  // namespace

std::optional<AccessLogEntry> parse_combined_log_line(std::string_view line, std::string* error) {
    auto fail = [&](const char* what) -> std::optional<AccessLogEntry> {
        if (error) *error = std::string("not nginx's combined log format: ") + what;
        return std::nullopt;
    };
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    Cursor c{line};
    AccessLogEntry e;
    e.remote_addr = std::string(c.token());
    if (e.remote_addr.empty()) return fail("no client address");
    if (!c.eat(' ') || c.token().empty() || !c.eat(' ') || c.token().empty() || !c.eat(' '))
        return fail("no '- $remote_user' after the address");
    if (!c.eat('[')) return fail("no [time]");
    const auto close = c.s.find(']');
    if (close == std::string_view::npos) return fail("no ']' after the time");
    auto stamp = parse_time_local(c.s.substr(0, close));
    if (!stamp) return fail("time is not like 01/Dec/2026:21:34:53 +0000");
    e.time = stamp->instant;
    e.utc_offset_seconds = stamp->offset_seconds;
    c.s.remove_prefix(close + 1);
    if (!c.eat(' ')) return fail("no space after the time");
    auto request = quoted(c);
    if (!request) return fail("no quoted request");
    e.request = std::move(*request);
    if (!c.eat(' ')) return fail("no status");
    const auto status = c.token();
    auto [p, ec] = std::from_chars(status.data(), status.data() + status.size(), e.status);
    if (ec != std::errc{} || p != status.data() + status.size() || e.status < 100 || e.status > 999)
        return fail("status is not a number");
    if (!c.eat(' ') || c.token().empty() || !c.eat(' ')) return fail("no body size");
    if (!quoted(c)) return fail("no quoted referer");
    if (!c.eat(' ')) return fail("no user agent");
    auto ua = quoted(c);
    if (!ua) return fail("no quoted user agent");
    e.user_agent = std::move(*ua);
    // Formats that extend combined (a request time, an upstream) add fields after it.
    if (!c.s.empty() && c.s.front() != ' ') return fail("something right after the user agent");
    return e;
}

// ---------------------------------------------------------------------------
// [SECTION] durations

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
    if (text.empty()) return std::nullopt;
    int64_t unit = 1;
    switch (text.back()) {
        case 's': unit = 1; text.remove_suffix(1); break;
        case 'm': unit = 60; text.remove_suffix(1); break;
        case 'h': unit = 3600; text.remove_suffix(1); break;
        case 'd': unit = 86400; text.remove_suffix(1); break;
        default: break;
    }
    int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc{} || p != text.data() + text.size() || n <= 0 || n > (int64_t{1} << 40) / unit)
        return std::nullopt;
    return std::chrono::seconds(n * unit);
}

// ---------------------------------------------------------------------------
// [SECTION] the fleet

std::optional<int64_t> read_published_version(const std::string& dir_or_feed, std::string* error) {
    std::error_code ec;
    const std::string path =
        std::filesystem::is_directory(dir_or_feed, ec) ? (std::filesystem::path(dir_or_feed) / "feed.json").string()
                                                       : dir_or_feed;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *error = path + ": cannot read the published feed: " + std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    // Only the version matters here; `kiosk-feed validate` judges the rest.
    auto doc = nlohmann::json::parse(bytes.str(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        *error = path + ": the published feed is not a JSON object";
        return std::nullopt;
    }
    auto v = doc.find("version");
    if (v == doc.end() || !v->is_number_integer() || v->get<int64_t>() < 1) {
        *error = path + ": /version: the published feed has no integer version >= 1";
        return std::nullopt;
    }
    return v->get<int64_t>();
}

bool FleetReport::any_silent() const {
    return std::any_of(screens.begin(), screens.end(), [](const ScreenSeen& s) { return s.silent; });
}

FleetReport read_fleet(std::istream& log, const std::string& log_name, const FleetOptions& options) {
    FleetReport report;
    report.published_version = options.published_version;
    std::map<std::string, ScreenSeen> seen;
    for (const auto& name : options.expected_screens) seen[name].screen = name;
    std::string line;
    while (std::getline(log, line)) {
        ++report.lines;
        if (line.empty()) continue;
        std::string error;
        auto entry = parse_combined_log_line(line, &error);
        if (!entry) {
            // Reported, never fatal: one odd line must not hide the fleet.
            ++report.bad_lines;
            if (report.problems.size() < 5) report.problems.push_back(log_name + ":" + std::to_string(report.lines) + ": " + error);
            continue;
        }
        auto who = parse_poll_user_agent(entry->user_agent);
        if (!who) continue;  // a browser, a probe, another program
        ++report.polls;
        ScreenSeen& s = seen[who->screen];
        s.screen = who->screen;
        ++s.polls;
        // Logs are in order, but a rotated file appended out of order must
        // not make a screen look older than it is: the latest poll wins.
        if (s.polled && entry->time < s.last_poll) continue;
        s.polled = true;
        s.last_poll = entry->time;
        s.utc_offset_seconds = entry->utc_offset_seconds;
        s.address = entry->remote_addr;
        s.kiosk_version = who->kiosk_version;
        s.feed_version = who->feed_version;
        s.condition = who->condition;
    }
    for (auto& [name, s] : seen) {
        s.behind = options.published_version > 0 && s.polled && s.feed_version < options.published_version;
        s.silent = !s.polled || options.now - s.last_poll > options.silent_after;
        report.screens.push_back(s);
    }
    return report;
}

// ---------------------------------------------------------------------------
// [SECTION] the report

namespace {

std::string span(std::chrono::seconds d) {
    int64_t s = std::max<int64_t>(0, d.count());
    // A whole unit as the office typed it (--silent 1h), not "60m".
    if (s >= 60 && s % 86400 == 0) return std::to_string(s / 86400) + "d";
    if (s >= 60 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
    if (s < 120) return std::to_string(s) + "s";
    if (s < 2 * 3600) return std::to_string(s / 60) + "m";
    if (s < 2 * 86400) return std::to_string(s / 3600) + "h " + std::to_string(s / 60 % 60) + "m";
    return std::to_string(s / 86400) + "d " + std::to_string(s / 3600 % 24) + "h";
}

}  // namespace

std::string format_fleet(const FleetReport& report, const FleetOptions& options) {
    std::string out;
    std::vector<std::string> silent, behind;
    for (const auto& s : report.screens) {
        out += s.screen + ": ";
        if (!s.polled) {
            out += "never polled; SILENT\n";
            silent.push_back(s.screen);
            continue;
        }
        out += s.feed_version > 0 ? "shows v" + std::to_string(s.feed_version) : std::string("shows no feed");
        if (report.published_version > 0) {
            out += s.behind ? ", BEHIND (published v" + std::to_string(report.published_version) + ")" : ", up to date";
        }
        if (s.behind) behind.push_back(s.screen);
        out += ", " + s.condition;
        out += "; last poll " + format_rfc3339(s.last_poll, s.utc_offset_seconds) + " (" +
               span(options.now - s.last_poll) + " ago), " + std::to_string(s.polls) +
               (s.polls == 1 ? " poll" : " polls") + " from " + s.address + ", kiosk " + s.kiosk_version;
        if (s.silent) {
            out += "; SILENT";
            silent.push_back(s.screen);
        }
        out += "\n";
    }
    auto names = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& n : v) s += (s.empty() ? "" : ", ") + n;
        return s;
    };
    out += std::to_string(report.screens.size()) + (report.screens.size() == 1 ? " screen" : " screens");
    if (report.published_version > 0)
        out += behind.empty() ? "; all show the published v" + std::to_string(report.published_version)
                              : "; " + std::to_string(behind.size()) + " behind the published v" +
                                    std::to_string(report.published_version) + ": " + names(behind);
    out += silent.empty() ? "; none silent for over " + span(options.silent_after)
                          : "; " + std::to_string(silent.size()) + " silent for over " + span(options.silent_after) +
                                ": " + names(silent);
    out += "\n";
    return out;
}

}  // namespace campus
