// The kiosk's settings and its JSON config file (see kiosk/config_file.hpp).
//
// [SECTION] helpers
// [SECTION] rules (each setting's checks)
// [SECTION] the settings table
// [SECTION] reading JSON
// [SECTION] keys
// [SECTION] docs (docs/config.md's generated tables)
// [SECTION] public
#include "kiosk/config_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sync/display_hours.hpp"
#include "sync/json_limited.hpp"
#include "sync/minisign.hpp"

namespace campus::kiosk {

namespace {

using nlohmann::json;

//-----------------------------------------------------------------------------
// [SECTION] helpers
//-----------------------------------------------------------------------------

// A string in JSON quotes. Bytes that are not UTF-8 (a command-line value can
// hold any) become U+FFFD rather than an exception: an error message must
// never be the thing that stops the kiosk.
std::string in_quotes(std::string_view s) {
    return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

[[noreturn]] void fail(std::string_view origin, const std::string& pointer, const std::string& why) {
    throw ConfigError(std::string(origin) + ": " + (pointer.empty() ? "" : pointer + ": ") + why);
}

// The first `max_bytes` bytes of a UTF-8 string, never cutting a character in two.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) return s;
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;  // a continuation byte
    return s.substr(0, end);
}

// What a value is, for "expected X, got Y".
std::string describe(const json& v) {
    switch (v.type()) {
        case json::value_t::string: {
            const std::string& s = v.get_ref<const std::string&>();
            if (s.size() > 60) return "the string " + in_quotes(std::string(utf8_prefix(s, 57)) + "...");
            return "the string " + in_quotes(s);
        }
        case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
        case json::value_t::null: return "null";
        case json::value_t::array: return "an array";
        case json::value_t::object: return "an object";
        default: return "the number " + v.dump();
    }
}

// A number as people write it: 5, 86400, 0.5.
std::string number_text(double x) {
    std::ostringstream out;
    out << x;
    return out.str();
}

using Names = std::span<const std::string_view>;

std::string list_of(Names names) {
    std::string out;
    for (std::string_view n : names) {
        if (!out.empty()) out += ", ";
        out += n;
    }
    return out;
}

bool one_of(Names names, std::string_view value) { return std::find(names.begin(), names.end(), value) != names.end(); }

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string normalised_key(std::string_view key) {
    std::string out;
    for (char c : key) {
        out += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// The known name a misspelt one most likely meant, or "" when none is close:
// "rol" → "role", "trusted-key" → "trusted_keys", "class_id" → "class".
std::string closest(Names names, std::string_view wrong) {
    const std::string w = normalised_key(wrong);
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, w.size() / 3) + 1;
    for (std::string_view name : names) {
        const std::size_t d = edit_distance(w, name);
        if (d < best_distance) {
            best_distance = d;
            best = name;
        }
    }
    if (best.empty()) {
        for (std::string_view name : names) {
            if (w.size() >= 3 && (name.starts_with(w) || std::string_view(w).starts_with(name))) return std::string(name);
        }
    }
    return best;
}

// A JSON pointer one level down: "/poll_seconds", "/pages/1". (Appending
// rather than `"/" + token` also keeps GCC 12's -Wrestrict false positive,
// bug 105329, out of -Werror builds.)
// "~" and "/" escaped (RFC 6901), so the path in a message can be pasted
// into jq or a JSON editor.
std::string pointer_child(std::string parent, std::string_view token) {
    json_limited::append_pointer_token(parent, token);
    return parent;
}

// "power.backend" → "power": the top-level key of a key in a section.
std::string_view top_key(std::string_view key) { return key.substr(0, key.find('.')); }

//-----------------------------------------------------------------------------
// [SECTION] rules (each setting's checks)
//-----------------------------------------------------------------------------
// Run by check_config on the file's values and again on the merged ones, so
// a value typed on the command line meets the same rules as one in the file.

void check_trusted_keys(const KioskConfig& c, const Setting& s, std::string_view origin) {
    for (std::size_t i = 0; i < c.trusted_keys.size(); ++i) {
        const auto key = parse_minisign_public_key(c.trusted_keys[i]);
        if (!key.value) {
            fail(origin, pointer_child(key_pointer(s), std::to_string(i)),
                 "not a minisign public key (the base64 line of minisign.pub): " + key.error);
        }
    }
}

void check_role(const KioskConfig& c, const Setting& s, std::string_view origin) {
    if (!one_of(s.choices, c.role)) {
        fail(origin, key_pointer(s), in_quotes(c.role) + " is not a role (" + list_of(s.choices) + ")");
    }
}

void check_grade(const KioskConfig& c, const Setting& s, std::string_view origin) {
    if (c.grade != 0 && (c.grade < s.min || c.grade > s.max)) {  // 0: no grade
        fail(origin, key_pointer(s),
             std::to_string(c.grade) + " is not a grade: " + number_text(s.min) + " to " + number_text(s.max));
    }
}

void check_poll_seconds(const KioskConfig& c, const Setting& s, std::string_view origin) {
    // Under 5 s a school's 100 screens load the server for no gain: the
    // office does not publish that often.
    if (c.poll_seconds < s.min || c.poll_seconds > s.max) {
        fail(origin, key_pointer(s),
             std::to_string(c.poll_seconds) + " is out of range: poll every " + number_text(s.min) + " to " +
                 number_text(s.max) + " seconds");
    }
}

void check_page_kind(std::string_view kind, std::string_view origin, const std::string& at) {
    if (one_of(kPageKinds, kind)) return;
    std::string why = in_quotes(kind) + " is not a page";
    if (const std::string guess = closest(kPageKinds, kind); !guess.empty()) why += "; did you mean " + in_quotes(guess) + "?";
    fail(origin, at, why + " (" + list_of(kPageKinds) + ")");
}

void check_page_seconds(const KioskConfig& c, const Setting& s, std::string_view origin) {
    // 3 s is the least in which a passer-by reads a title; over an hour a
    // "rotation" is a still picture, which hours and burn-in handle better.
    const auto check_time = [&](double seconds, const std::string& at) {
        if (!std::isfinite(seconds) || seconds < s.min || seconds > s.max) {
            fail(origin, at,
                 number_text(seconds) + " seconds is out of range: a page stays " + number_text(s.min) + " to " +
                     number_text(s.max) + " seconds");
        }
    };
    check_time(c.page_seconds, key_pointer(s));
    for (const auto& [page, seconds] : c.page_seconds_by_page) {
        const std::string at = pointer_child(key_pointer(s), page);
        check_page_kind(page, origin, at);
        check_time(seconds, at);
    }
}

void check_pages(const KioskConfig& c, const Setting& s, std::string_view origin) {
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < c.pages.size(); ++i) {
        const std::string at = pointer_child(key_pointer(s), std::to_string(i));
        check_page_kind(c.pages[i], origin, at);
        if (!seen.insert(c.pages[i]).second) fail(origin, at, in_quotes(c.pages[i]) + " is listed twice");
    }
}

void check_hours(const KioskConfig& c, const Setting& s, std::string_view origin) {
    try {
        (void)parse_display_hours(c.hours);
    } catch (const DisplayHoursError& e) {
        fail(origin, key_pointer(s), e.what());
    }
}

void check_power_backend(const KioskConfig& c, const Setting& s, std::string_view origin) {
    if (one_of(s.choices, c.power_backend)) return;
    std::string why = in_quotes(c.power_backend) + " is not a power backend";
    if (const std::string guess = closest(s.choices, c.power_backend); !guess.empty())
        why += "; did you mean " + in_quotes(guess) + "?";
    fail(origin, key_pointer(s), why + " (" + list_of(s.choices) + ")");
}

// off_command and on_command: both for the command backend and only for
// it, so that a half-written section is seen at start, not at 18:30.
void check_power_command(const KioskConfig& c, const Setting& s, std::string_view origin) {
    const bool off = s.key == "power.off_command";
    const std::vector<std::string>& command = off ? c.power_off_command : c.power_on_command;
    const std::string what = off ? "off" : "on";
    if (c.power_backend == "command") {
        if (command.empty())
            fail(origin, key_pointer(s),
                 "is missing: the backend \"command\" runs it to switch the display " + what +
                     " (an argument list, no shell: [\"/usr/local/bin/tv\", \"" + what + "\"])");
        if (command.front().empty()) fail(origin, pointer_child(key_pointer(s), "0"), "the program's name is empty");
    } else if (!command.empty()) {
        fail(origin, key_pointer(s),
             "is only used with \"backend\": \"command\" (the backend is " + in_quotes(c.power_backend) + ")");
    }
}

void check_power_timeout(const KioskConfig& c, const Setting& s, std::string_view origin) {
    if (c.power_timeout_seconds < s.min || c.power_timeout_seconds > s.max)
        fail(origin, key_pointer(s),
             std::to_string(c.power_timeout_seconds) + " is out of range: " + number_text(s.min) + " to " +
                 number_text(s.max) + " seconds");
}

void check_monitor(const KioskConfig& c, const Setting& s, std::string_view origin) {
    if (c.monitor < s.min) {
        fail(origin, key_pointer(s), std::to_string(c.monitor) + " is not a monitor index: 0 (the primary) or more");
    }
    if (c.monitor > s.max) {
        fail(origin, key_pointer(s),
             std::to_string(c.monitor) + " is not a monitor index: 0 (the primary) to " + number_text(s.max));
    }
}

//-----------------------------------------------------------------------------
// [SECTION] the settings table
//-----------------------------------------------------------------------------
// One entry per setting, read by the command line (kiosk/options.cpp), the
// config file's reader and merge (below), and docs/config.md's tables
// (settings_markdown; the unit tests hold the page to them). --config comes
// first, as --help lists it; then the config keys, in the order the docs list
// them and the "unknown key" error names them; then the other flags.

template <class T>
constexpr SettingValue stored_in(T KioskConfig::*config, std::optional<T> KioskCliOverrides::*command_line) {
    return SettingField<T>{config, command_line};
}
// A key of the file only: no flag sets it (an argument list does not fit one).
template <class T>
constexpr SettingValue stored_in_file(T KioskConfig::*config) {
    return SettingField<T>{config, nullptr};
}
// A flag with no config key: kiosk/options.cpp keeps its value.
template <class T>
constexpr SettingValue command_line_value() {
    return SettingField<T>{};
}

constexpr std::string_view kNotRepeatingTheDefault = "is empty: leave the key out to get the default";

const Setting kSettings[] = {
    // The file itself; every other flag given with it wins over the file.
    {.flag = "--config",
     .value_name = "FILE",
     .value = command_line_value<std::string>(),
     .help = "JSON config file (docs/config.md: role, class, hours, page_seconds, …); flags given here win"},
    {.key = "feed",
     .flag = "--feed",
     .value_name = "URL|PATH",
     .value = stored_in(&KioskConfig::feed, &KioskCliOverrides::feed),
     .help = "the school's feed: https:// or file:// URL, or a path (default: the bundled sample feed, a demo, not a "
             "school)",
     .doc_type = "string",
     .doc_default = "`\"\"`: the sample feed built into the program",
     .doc = "The school's feed: an `https://`, `http://` or `file://` URL, or a plain path. The sample is a demo, not "
            "a school.",
     .if_empty = kNotRepeatingTheDefault},
    {.key = "trusted_keys",
     .flag = "--trusted-key",
     .value_name = "K",
     .value = stored_in(&KioskConfig::trusted_keys, &KioskCliOverrides::trusted_keys),
     .help = "minisign public key (base64) the feed must be signed with; repeatable (default none: any feed is "
             "shown, so whoever can change it can put text on every screen)",
     .doc_type = "array of strings",
     .doc_default = "`[]`: no signature checked",
     .doc = "minisign public keys (the base64 second line of `minisign.pub`). Empty: anyone who can change the file "
            "or the network path can put text on every screen. With keys: only feeds signed by one of them are "
            "shown. A lost key means re-configuring every screen, so list two (the office's and a spare kept "
            "offline).",
     .check = check_trusted_keys},
    {.key = "role",
     .flag = "--role",
     .value_name = "ROLE",
     .value = stored_in(&KioskConfig::role, &KioskCliOverrides::role),
     .help = "where the screen hangs: lobby, corridor, classroom or assembly (default lobby: the full rotation, safe "
             "for a screen nobody set up)",
     .doc_type = "string",
     .doc_default = "`\"lobby\"`",
     .doc = "Where the screen hangs: `lobby`, `corridor`, `classroom` or `assembly` (see the roles in "
            "shared/domain.md). The lobby's full rotation is the safe choice for a screen nobody set up.",
     .choices = kRoles,
     .check = check_role},
    {.key = "class",
     .flag = "--class",
     .value_name = "ID",
     .value = stored_in(&KioskConfig::class_id, &KioskCliOverrides::class_id),
     .help = "the class of a classroom screen, e.g. 3-2: its card first, its row highlighted (default none)",
     .doc_type = "string",
     .doc_default = "`\"\"`: none",
     .doc = "A classroom screen's class (`\"3-2\"`): its own card first, its row highlighted, `class:` "
            "announcements. It must be in the feed's `classes` to take effect.",
     .if_empty = kNotRepeatingTheDefault},
    {.key = "grade",
     .flag = "--grade",
     .value_name = "N",
     .value = stored_in(&KioskConfig::grade, &KioskCliOverrides::grade),
     .help = "the grade a corridor screen favours, 1..12: its classes highlighted, grade:N announcements (default "
             "none)",
     .doc_type = "integer 1–12",
     .doc_default = "`0`: none",
     .doc = "A corridor's floor grade: its classes highlighted, `grade:N` announcements. A classroom takes its grade "
            "from its class in the feed, whatever this says.",
     .min = 1,
     .max = 12,
     .check = check_grade},
    {.key = "screen_id",
     .flag = "--screen-id",
     .value_name = "ID",
     .value = stored_in(&KioskConfig::screen_id, &KioskCliOverrides::screen_id),
     .help = "this screen's id, for announcements targeted at screen:ID (default none: no screen: target reaches it)",
     .doc_type = "string",
     .doc_default = "`\"\"`: none",
     .doc = "This screen's own name, for `screen:ID` announcements (`\"gate-east\"`). Without it no `screen:` target "
            "reaches the screen. Name the screens you may need to reach one at a time. Every poll also names the "
            "screen to the feed server (its User-Agent, read by `kiosk-feed fleet`): this, else the host name.",
     .if_empty = kNotRepeatingTheDefault},
    {.key = "poll_seconds",
     .flag = "--poll",
     .value_name = "S",
     .value = stored_in(&KioskConfig::poll_seconds, &KioskCliOverrides::poll_seconds),
     .help = "seconds between feed polls, 5..86400 (default 30: a new notice within half a minute; longer is less "
             "traffic and slower notices)",
     .doc_type = "integer 5–86400",
     .doc_default = "`30`",
     .doc = "Seconds between polls of the feed. A new notice appears within one poll — an emergency too. An "
            "unchanged feed costs a few hundred bytes per poll (a conditional request), so 100 screens at 30 s make "
            "~3 requests a second. Longer: less traffic, slower notices.",
     .min = 5,
     .max = 86400,
     .check = check_poll_seconds},
    {.key = "page_seconds",
     .flag = "--page-seconds",
     .value_name = "S",
     .value = stored_in(&KioskConfig::page_seconds, &KioskCliOverrides::page_seconds),
     .help = "seconds each page stays on screen, 3..3600, for every page (default 15, classroom 30: shorter pages "
             "are gone before a sentence ends, longer ones reach fewer passers-by)",
     .doc_type = "number 3–3600, or object",
     .doc_default = "`15` (a classroom: `30`)",
     .doc = "How long a page stays (the assembly never advances by itself: the presenter's clicker moves it). 15 s "
            "suits a lobby read in passing from metres away; classrooms usually want 30–60. Shorter pages are gone "
            "before the end of a sentence; longer ones are read by fewer passers-by. As an object, `{\"default\": "
            "15, \"standings\": 30}` times pages one by one (keys: `default` and page kinds).",
     .min = 3,
     .max = 3600,
     .page_times = true,
     .check = check_page_seconds},
    {.key = "pages",
     .flag = "--pages",
     .value_name = "K,K..",
     .value = stored_in(&KioskConfig::pages, &KioskCliOverrides::pages),
     .help = "page kinds to show, comma-separated; the role decides their order (default: every page of the role)",
     .doc_type = "array of page kinds",
     .doc_default = "`[]`: all the role's pages",
     .doc = "Which pages to show, among `class`, `habit`, `standings`, `goals`, `events`, `announcements`, `gallery` (校园风采); the role "
            "decides the order. A list hides the others (a school that keeps its goals off the screens: "
            "`[\"habit\", \"standings\", \"events\"]`). An empty list is an error: it would show nothing.",
     .choices = kPageKinds,
     .delimiter = ',',
     .if_empty = "is empty, which would show no page: leave the key out for every page of the role",
     .check = check_pages},
    {.key = "hours",
     .flag = "--hours",
     .value_name = "SCHEDULE",
     .value = stored_in(&KioskConfig::hours, &KioskCliOverrides::hours),
     .help = "display hours in the school's time zone, e.g. \"mon-fri 07:00-18:30; sat 08:00-12:00\" (default: "
             "always on; outside them the screen is black, saving power and panel wear)",
     .doc_type = "string",
     .doc_default = "`\"\"`: always on",
     .doc = "When the screen is on, in the school's time zone: `\"mon-fri 07:00-18:30; sat 08:00-12:00\"`. Outside "
            "them the screen is black and the loop sleeps (an emergency still wakes it): less power and panel wear, "
            "but nothing for the evening cleaner or a weekend open day unless the hours say so. Syntax below.",
     .check = check_hours},
    {.key = "monitor",
     .flag = "--monitor",
     .value_name = "N",
     .value = stored_in(&KioskConfig::monitor, &KioskCliOverrides::monitor),
     .help = "monitor index for full-screen, 0..63, 0 = the primary (default 0; indices can change when cables move)",
     .doc_type = "integer 0–63",
     .doc_default = "`0`: the primary",
     .doc = "The monitor to go full-screen on. Indices follow the order the system lists monitors, which can change "
            "when cables move: prefer one monitor per kiosk.",
     .min = 0,
     .max = 63,
     .check = check_monitor},
    {.key = "cache_dir",
     .flag = "--cache-dir",
     .value_name = "DIR",
     .value = stored_in(&KioskConfig::cache_dir, &KioskCliOverrides::cache_dir),
     .help = "where the last good feed is kept, shown when the network is down (default ~/.cache/campus-kiosk)",
     .doc_type = "string",
     .doc_default = "`\"\"`: `$XDG_CACHE_HOME/campus-kiosk` (or `~/.cache/campus-kiosk`)",
     .doc = "Where the last good feed is kept, so a screen that boots without network shows yesterday's content "
            "instead of nothing.",
     .if_empty = kNotRepeatingTheDefault},
    {.key = "status_file",
     .flag = "--status-file",
     .value_name = "FILE",
     .value = stored_in(&KioskConfig::status_file, &KioskCliOverrides::status_file),
     .help = "write the sync status here as JSON after every poll, for monitoring (default none; keep it on local "
             "disk)",
     .doc_type = "string",
     .doc_default = "`\"\"`: none",
     .doc = "A JSON file rewritten after every poll (feed version, source, last error) for monitoring. It is written "
            "every `poll_seconds`: keep it on local disk or tmpfs. `kill -USR1` writes `screen.png`, what the screen "
            "shows, beside it. The packaged unit: `/run/campus-kiosk/status.json`.",
     .if_empty = kNotRepeatingTheDefault},
    {.key = "metrics_file",
     .flag = "--metrics-file",
     .value_name = "FILE",
     .value = stored_in(&KioskConfig::metrics_file, &KioskCliOverrides::metrics_file),
     .help = "write Prometheus metrics here after every poll and every minute, for node-exporter's textfile "
             "collector (default none)",
     .doc_type = "string",
     .doc_default = "`\"\"`: none",
     .doc = "Prometheus text rewritten atomically after every poll and at least once a minute (feed version, last "
            "success, offline, stale, fetch failures, cache writable, display on, frames, power errors). Name it "
            "`*.prom`: the node exporter reads its textfile directory, on Debian `/var/lib/prometheus/node-exporter/`. "
            "The packaged unit: `/run/campus-kiosk/campus-kiosk.prom`, linked from there by the package.",
     .if_empty = kNotRepeatingTheDefault},
    {.key = "calm",
     .flag = "--calm",
     .value = stored_in(&KioskConfig::calm, &KioskCliOverrides::calm),
     .help = "no motion: a still flag, hard page cuts, plain paper (default off; classrooms are calm during lessons "
             "anyway)",
     .doc_type = "boolean",
     .doc_default = "`false`",
     .doc = "No motion: no waving flag, no transitions, no moving background. Classrooms are calm during lessons "
            "whatever this says; `true` makes every role calm (a screen by a quiet office, a slow machine)."},
    {.key = "power.backend",
     .flag = "--power-backend",
     .value_name = "NAME",
     .value = stored_in(&KioskConfig::power_backend, &KioskCliOverrides::power_backend),
     .help = "how the display is switched off outside the hours: none, dpms, cec or command (default none: the "
             "screen shows black and the panel stays lit)",
     .doc_type = "string",
     .doc_default = "`\"none\"`: black, the panel lit",
     .doc = "How the display sleeps outside `hours`: `none` (the picture is black, the panel stays lit), `dpms` "
            "(the X server's DPMS: a monitor, most TVs over HDMI), `cec` (HDMI-CEC standby and image-view-on "
            "through `cec-ctl` from v4l-utils, else `cec-client` from cec-utils for a Pulse-Eight adapter) or "
            "`command` (`off_command` and `on_command`). The display is switched on when the hours begin and for "
            "an emergency at night, before anything is drawn. A switch that fails is logged once, counted "
            "(`campus_kiosk_power_errors_total`), named in the status file, and the screen shows black instead; "
            "the kiosk goes on.",
     .choices = kPowerBackends,
     .check = check_power_backend},
    {.key = "power.off_command",
     .value = stored_in_file(&KioskConfig::power_off_command),
     .help = "the command backend's program and arguments that switch the display off",
     .doc_type = "array of strings",
     .doc_default = "`[]`: none",
     .doc = "With `\"backend\": \"command\"`: the program and its arguments that switch the display off "
            "(`[\"/usr/local/bin/tv-rs232\", \"off\"]`: a TV's serial port, a smart plug). Run as a list, no "
            "shell, as the kiosk's user; exit 0 means done. Required with that backend, refused with the others.",
     .check = check_power_command},
    {.key = "power.on_command",
     .value = stored_in_file(&KioskConfig::power_on_command),
     .help = "the command backend's program and arguments that switch the display on",
     .doc_type = "array of strings",
     .doc_default = "`[]`: none",
     .doc = "With `\"backend\": \"command\"`: the program and arguments that switch the display on, as "
            "`off_command`.",
     .check = check_power_command},
    {.key = "power.timeout_seconds",
     .value = stored_in_file(&KioskConfig::power_timeout_seconds),
     .help = "seconds a switch may take, 1..120, before it is stopped and counted as failed",
     .doc_type = "integer 1–120",
     .doc_default = "`15`",
     .doc = "How long a switch (`cec-client` opening its adapter, a command) may take before it is killed and "
            "counted as failed. It runs beside the screen, never in its way; longer only delays the next switch.",
     .min = 1,
     .max = 120,
     .check = check_power_timeout},

    // Flags with no config key: a screen's preview and tests, not its setup.
    {.flag = "--at",
     .value_name = "TIME",
     .value = command_line_value<std::string>(),
     .help = "freeze \"now\" at an RFC 3339 time, e.g. 2026-11-18T10:00:00+08:00 (default: the clock)"},
    {.flag = "--clock-from",
     .value_name = "TIME",
     .value = command_line_value<std::string>(),
     .help = "start \"now\" at an RFC 3339 time and let it run, e.g. 2026-11-18T18:29:55+08:00: the hours' and "
             "the power schedule's changes within seconds (tests; default: the clock)",
     .excludes = "--at"},
    {.flag = "--size",
     .value_name = "WxH",
     .value = command_line_value<std::string>(),
     .help = "window or dump size WxH, e.g. 1920x1080, each side 64..16384 (default: the monitor's; dump: "
             "1920x1080); above a short side of 2160 px (4K) text is rasterised at the 4K sizes and drawn scaled, "
             "tested up to 7680x4320"},
    {.flag = "--windowed",
     .value = command_line_value<bool>(),
     .help = "a window instead of full-screen (a preview)",
     .excludes = "--fullscreen"},
    {.flag = "--fullscreen", .value = command_line_value<bool>(), .help = "full-screen (the default)"},
    {.flag = "--dump",
     .value_name = "DIR",
     .value = command_line_value<std::string>(),
     .help = "render every page of the rotation into DIR as PNG + layout report (001-goals-1.png, 001-goals-1.json, …; during an emergency, each part of the takeover), then exit"},
    {.flag = "--dump-transition",
     .value = command_line_value<bool>(),
     .help = "with --dump: also write transition-50.png, pages 1 → 2 halfway through the page transition"},
    {.flag = "--max-fps",
     .value_name = "FPS",
     .value = command_line_value<double>(),
     .help = "frame-rate cap while something moves, 1..120 (default 30: smooth enough for the flag's cloth and what "
             "a 1080p llvmpipe mini-PC holds; lower it on a weaker machine)",
     .min = 1,
     .max = 120},
    {.flag = "--bench-frames",
     .value_name = "N",
     .value = command_line_value<int>(),
     .help = "time N animated frames, 1..100000 (page transitions, the waving flag) in a window, print "
             "frame_ms_p50/p95, exit (bench/run)",
     .min = 1,
     .max = 100000},
    {.flag = "--state-file",
     .value_name = "FILE",
     .value = command_line_value<std::string>(),
     .help = "write what the screen shows here as JSON whenever it changes (page, position, emergency; default "
             "none)"},
};

// The file's top-level keys in table order, a section once ("power"): the
// "unknown key" error lists them.
const std::vector<std::string_view>& config_keys() {
    static const std::vector<std::string_view> keys = [] {
        std::vector<std::string_view> out;
        for (const Setting& s : kSettings) {
            if (s.in_config() && std::find(out.begin(), out.end(), top_key(s.key)) == out.end())
                out.push_back(top_key(s.key));
        }
        return out;
    }();
    return keys;
}

// A section's own keys ("backend", "off_command", … of "power"), table order.
std::vector<std::string_view> section_keys(std::string_view section) {
    std::vector<std::string_view> out;
    for (const Setting& s : kSettings) {
        if (s.in_config() && s.key.size() > section.size() && s.key.starts_with(section) && s.key[section.size()] == '.')
            out.push_back(s.key.substr(section.size() + 1));
    }
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] reading JSON
//-----------------------------------------------------------------------------

// "[json.exception.parse_error.101] parse error at line 3, column 14: …" →
// the part after the library's tag.
std::string without_library_tag(std::string why) {
    if (const auto tag_end = why.find("] "); why.starts_with("[json.") && tag_end != std::string::npos) {
        why = why.substr(tag_end + 2);
    }
    return why;
}

// Parses the text, refusing duplicate keys: nlohmann keeps the last of two
// equal keys without a word, and a config that says "role" twice is a mistake
// that should be seen, not resolved by position.
json read_json(std::string_view text, std::string_view origin) {
    struct Frame {
        bool object = false;
        std::set<std::string> keys;
        std::string key;        // the member being read, in an object
        std::size_t index = 0;  // the element being read, in an array
    };
    std::vector<Frame> frames;
    std::optional<std::string> duplicate;  // its JSON pointer
    const auto path = [&frames] {
        std::string p;
        for (const Frame& f : frames) p = pointer_child(std::move(p), f.object ? f.key : std::to_string(f.index));
        return p;
    };
    const auto element_done = [&frames] {
        if (!frames.empty() && !frames.back().object) ++frames.back().index;
    };
    const json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start: frames.push_back(Frame{true, {}, {}, 0}); break;
            case json::parse_event_t::array_start: frames.push_back(Frame{false, {}, {}, 0}); break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!frames.empty()) frames.pop_back();
                element_done();
                break;
            case json::parse_event_t::key: {
                Frame& f = frames.back();
                f.key = parsed.get<std::string>();
                if (!f.keys.insert(f.key).second && !duplicate) duplicate = path();
                break;
            }
            case json::parse_event_t::value: element_done(); break;
        }
        return true;
    };
    json document;
    try {
        document = json::parse(text.begin(), text.end(), callback);
    } catch (const json::parse_error& e) {
        throw ConfigError(std::string(origin) + ": not valid JSON: " + without_library_tag(e.what()));
    } catch (const json::exception& e) {
        // A number too large for a double (1e309, out_of_range.406) is valid
        // JSON that nlohmann refuses to hold; the frames still say where the
        // reader was, so the message names the key like any other.
        std::string why = without_library_tag(e.what());
        if (e.id == 406) {
            const auto open = why.find('\''), close = why.rfind('\'');
            const std::string number = open < close ? why.substr(open + 1, close - open - 1) : "";
            why = number + " is too large a number to read";
        }
        fail(origin, path(), why);
    }
    if (duplicate) fail(origin, *duplicate, "the key is given twice; keep one");
    return document;
}

//-----------------------------------------------------------------------------
// [SECTION] keys
//-----------------------------------------------------------------------------

// Type checks and extraction. Values are checked against their rules later,
// in check_config, so that the command line's values meet the same rules.
struct KeyReader {
    std::string_view origin;

    void read(std::string& out, const json& v, const std::string& at) const {
        if (!v.is_string()) fail(origin, at, "expected a string, got " + describe(v));
        out = v.get<std::string>();
    }
    void read(int& out, const json& v, const std::string& at) const {
        if (!v.is_number_integer()) fail(origin, at, "expected a whole number, got " + describe(v));
        // Every whole-number key is small; this only keeps the cast to int exact.
        const bool in_range = v.is_number_unsigned() ? v.get<std::uint64_t>() <= 1'000'000'000u
                                                     : std::abs(v.get<std::int64_t>() / 2) <= 500'000'000;
        if (!in_range) fail(origin, at, v.dump() + " is out of range");
        out = static_cast<int>(v.get<std::int64_t>());
    }
    void read(double& out, const json& v, const std::string& at) const {
        if (!v.is_number()) fail(origin, at, "expected a number, got " + describe(v));
        out = v.get<double>();
    }
    void read(bool& out, const json& v, const std::string& at) const {
        if (!v.is_boolean()) fail(origin, at, "expected true or false, got " + describe(v));
        out = v.get<bool>();
    }
    void read(std::vector<std::string>& out, const json& v, const std::string& at) const {
        if (!v.is_array()) fail(origin, at, "expected an array of strings, got " + describe(v));
        out.clear();
        for (std::size_t i = 0; i < v.size(); ++i) read(out.emplace_back(), v[i], pointer_child(at, std::to_string(i)));
    }
    double seconds(const json& v, const std::string& at) const {
        if (!v.is_number()) fail(origin, at, "expected a number of seconds, got " + describe(v));
        return v.get<double>();
    }
};

// page_seconds: a number for every page, or {"default": 15, "standings": 30}.
void read_page_times(KioskConfig& config, const json& v, const std::string& at, const KeyReader& r) {
    if (v.is_object()) {
        for (const auto& [page, seconds] : v.items()) {
            const std::string page_at = pointer_child(at, page);
            if (page == "default") {
                config.page_seconds = r.seconds(seconds, page_at);
            } else {
                config.page_seconds_by_page[page] = r.seconds(seconds, page_at);
            }
        }
    } else if (v.is_number()) {
        config.page_seconds = v.get<double>();
    } else {
        fail(r.origin, at,
             "expected a number of seconds or an object like {\"default\": 15, \"standings\": 30}, got " + describe(v));
    }
    config.page_seconds_given = true;
}

bool is_empty_value(const json& v) {
    return (v.is_string() && v.get_ref<const std::string&>().empty()) || (v.is_array() && v.empty());
}

void read_value(KioskConfig& config, const Setting* s, const std::string& at, const json& v, const KeyReader& r);

// {"power": {"backend": "dpms"}}: each member is the table's "power.backend".
void read_section(KioskConfig& config, const std::string& section, const json& v, const KeyReader& r) {
    const std::string at = pointer_child("", section);
    const std::vector<std::string_view> names = section_keys(section);
    if (!v.is_object()) fail(r.origin, at, "expected an object of " + list_of(names) + ", got " + describe(v));
    for (const auto& [member, value] : v.items()) {
        const Setting* s = setting_for_key(section + "." + member);
        if (!s) {
            std::string why = "unknown key";
            if (const std::string guess = closest(names, member); !guess.empty())
                why += "; did you mean " + in_quotes(guess) + "?";
            fail(r.origin, pointer_child(at, member), why + " (the keys of " + in_quotes(section) + " are " +
                                                           list_of(names) + ")");
        }
        read_value(config, s, key_pointer(*s), value, r);
    }
}

void read_key(KioskConfig& config, const std::string& key, const json& v, const KeyReader& r) {
    const std::string at = pointer_child("", key);
    const Setting* s = setting_for_key(key);
    if (!s && !section_keys(key).empty()) {
        read_section(config, key, v, r);
        return;
    }
    if (!s || key.find('.') != std::string::npos) {  // "power.backend" is written {"power": {"backend": …}}
        std::string why = "unknown key";
        if (const std::string guess = closest(config_keys(), key); !guess.empty()) {
            why += "; did you mean " + in_quotes(guess) + "?";
        }
        fail(r.origin, at, why + " (the keys are " + list_of(config_keys()) + ")");
    }
    read_value(config, s, at, v, r);
}

void read_value(KioskConfig& config, const Setting* s, const std::string& at, const json& v, const KeyReader& r) {
    if (s->page_times) {
        read_page_times(config, v, at, r);
        return;
    }
    std::visit([&](const auto& field) { r.read(config.*field.config, v, at); }, s->value);
    if (!s->if_empty.empty() && is_empty_value(v)) fail(r.origin, at, std::string(s->if_empty));
}

//-----------------------------------------------------------------------------
// [SECTION] docs (docs/config.md's generated tables)
//-----------------------------------------------------------------------------

// A table cell: a "|" would end the cell, even inside backquotes.
std::string cell(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

std::string flag_usage(const Setting& s) {
    std::string usage(s.flag);
    if (!s.value_name.empty()) usage.append(" ").append(s.value_name);
    return "`" + cell(usage) + "`";
}

}  // namespace

std::span<const Setting> settings() { return kSettings; }

const Setting* setting_for_key(std::string_view key) {
    for (const Setting& s : kSettings) {
        if (s.in_config() && s.key == key) return &s;
    }
    return nullptr;
}

std::string key_pointer(const Setting& s) {
    std::string pointer;
    std::string_view rest = s.key;
    for (;;) {
        const auto dot = rest.find('.');
        pointer = pointer_child(std::move(pointer), rest.substr(0, dot));
        if (dot == std::string_view::npos) return pointer;
        rest = rest.substr(dot + 1);
    }
}

const Setting* setting_for_flag(std::string_view flag) {
    for (const Setting& s : kSettings) {
        if (s.on_command_line() && s.flag == flag) return &s;
    }
    return nullptr;
}

std::string settings_markdown(SettingsDoc part) {
    std::string out;
    switch (part) {
        case SettingsDoc::keys:
            out += "| key | type | default | what it does, and what it trades |\n| --- | --- | --- | --- |\n";
            for (const Setting& s : kSettings) {
                if (!s.in_config()) continue;
                out += "| `" + cell(s.key) + "` | " + cell(s.doc_type) + " | " + cell(s.doc_default) + " | " +
                       cell(s.doc) + " |\n";
            }
            break;
        case SettingsDoc::flags:
            out += "| key | flag |\n| --- | --- |\n";
            for (const Setting& s : kSettings) {
                if (!s.in_config()) continue;
                out += "| `" + cell(s.key) + "` | " + (s.on_command_line() ? flag_usage(s) : "(the file only)") + " |\n";
            }
            break;
        case SettingsDoc::command_line_only:
            out += "| flag | what it does |\n| --- | --- |\n";
            for (const Setting& s : kSettings) {
                if (s.in_config() || !s.on_command_line()) continue;
                out += "| " + flag_usage(s) + " | " + cell(s.help) + " |\n";
            }
            break;
    }
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] public
//-----------------------------------------------------------------------------

void check_config(const KioskConfig& c, std::string_view origin) {
    for (const Setting& s : kSettings) {
        if (s.check) s.check(c, s, origin);
    }
}

double KioskConfig::seconds_for_page(std::string_view kind) const {
    const auto it = page_seconds_by_page.find(kind);
    return it != page_seconds_by_page.end() ? it->second : page_seconds;
}

KioskConfig parse_config(std::string_view json_text, std::string_view origin) {
    const json document = read_json(json_text, origin);
    if (!document.is_object()) {
        throw ConfigError(std::string(origin) + ": expected a JSON object of settings ({\"role\": \"lobby\", …}), got " +
                          describe(document));
    }
    KioskConfig config;
    const KeyReader reader{origin};
    for (const auto& [key, value] : document.items()) read_key(config, key, value, reader);
    check_config(config, origin);
    return config;
}

KioskConfig load_config(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw ConfigError(path + ": is a directory, not a config file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path + ": cannot open the config file: " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ConfigError(path + ": cannot read the config file: " + std::strerror(errno));
    return parse_config(text.str(), path);
}

KioskConfig merge(KioskConfig file, const KioskCliOverrides& cli) {
    KioskConfig c = std::move(file);
    for (const Setting& s : kSettings) {
        std::visit(
            [&](const auto& field) {
                if (field.config == nullptr || field.command_line == nullptr) return;
                const auto& given = cli.*field.command_line;
                if (!given) return;
                c.*field.config = *given;
                if (s.page_times) {
                    c.page_seconds_by_page.clear();  // one time for every page: see the header
                    c.page_seconds_given = true;
                }
            },
            s.value);
    }
    return c;
}

}  // namespace campus::kiosk
