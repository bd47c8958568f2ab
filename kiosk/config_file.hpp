// The kiosk's JSON config file (--config FILE), and how the command line
// overrides it. Pure C++ and nlohmann::json, no ImGui: unit-tested without a
// window (library kiosk_config). docs/config.md is the operator's copy of the
// comments below; assets/kiosk.example.json a complete file.
//
//   {
//     "feed": "https://school.example.cn/kiosk/feed.json",
//     "role": "classroom", "class": "3-2",
//     "hours": "mon-fri 07:00-18:30",
//     "page_seconds": { "default": 20, "standings": 30 }
//   }
//
// Rules:
//   - every key is optional; an absent key keeps its default;
//   - an unknown key is an error (a misspelt "hours" would otherwise leave a
//     screen on all night with nobody the wiser), with a suggestion;
//   - a wrong type or value is an error naming the file and the key, as a JSON
//     pointer: `kiosk.json: /role: "hall" is not a role (lobby, corridor, classroom, assembly)`;
//   - a key given twice in one object is an error (JSON parsers silently keep the last);
//   - what the command line sets wins over the file: merge(file, cli).
//
// Thread safety: pure functions; call from any thread.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace campus::kiosk {

// The page kinds a config may name in "pages" and "page_seconds". The rotation
// (kiosk/rotation.hpp) decides their order for each role; the config only
// enables them and times them.
//   class          the classroom's own card (rank, flag, streak, weakest criterion)
//   habit          the month's habit
//   standings      every competition's standings page
//   goals          the term's goals
//   events         countdowns to coming events
//   announcements  info announcements taking their turn
inline constexpr std::string_view kPageKinds[] = {"class", "habit", "standings", "goals", "events", "announcements"};

inline constexpr std::string_view kRoles[] = {"lobby", "corridor", "classroom", "assembly"};

struct KioskConfig {
    // The feed: an https://, http:// or file:// URL, or a plain path.
    // Default "" = the sample feed built into the program (a demo, not a school).
    std::string feed;

    // minisign public keys (the base64 line of minisign.pub). Default [] = the
    // feed is not checked: anyone who can change the file or the network path
    // can put text on every screen. With keys, only feeds signed by one of them
    // are shown; a lost key means re-configuring every screen, so keep two.
    std::vector<std::string> trusted_keys;

    // Where the screen hangs: lobby, corridor, classroom or assembly. Default
    // "lobby" (the full rotation): the safe choice for a screen nobody set up.
    std::string role = "lobby";

    // The class of a classroom screen ("3-2"): its card first, its row
    // highlighted, class: announcements. Default "" = none. Must be in the
    // feed's classes to take effect; a class the feed lacks shows the school view.
    std::string class_id;

    // A corridor's floor grade, 1..12: its classes highlighted, grade:N
    // announcements. Default 0 = none. A classroom takes its grade from its class.
    int grade = 0;

    // This screen's own name, matched by screen:ID announcements ("hall-east").
    // Default "" = screen: targets never match. Name screens you may need to
    // reach one at a time (the one by the gate, the one in the canteen).
    std::string screen_id;

    // Seconds between polls of the feed, 5..86400. Default 30: a new notice
    // appears within half a minute; an unchanged feed costs a few hundred bytes
    // per poll (a conditional request), so 100 screens at 30 s are ~3 requests/s.
    // Longer: less traffic, slower notices (an emergency too).
    int poll_seconds = 30;

    // Seconds each page stays on screen, 3..3600. Default 15: read from 3–8 m
    // in a few seconds passing by; longer pages are read by fewer, shorter
    // ones are gone before the end of a sentence. Classroom screens usually
    // want longer (30–60). In the file: a number, or an object
    // { "default": 15, "standings": 30 } whose other keys are page kinds.
    double page_seconds = 15;
    std::map<std::string, double, std::less<>> page_seconds_by_page;

    // Page kinds to show (kPageKinds), in the role's order. Default [] = every
    // page the role has. A list hides the others: a school without goals on its
    // screens says ["habit", "standings", "events"].
    std::vector<std::string> pages;

    // Display hours, in the school's time zone (sync/display_hours.hpp):
    // "mon-fri 07:00-18:30; sat 08:00-12:00". Default "" = always on. Outside
    // the hours the screen is black and the loop sleeps (an emergency still
    // wakes it): less power and panel wear, but nothing on it for the evening
    // cleaner or a weekend open day unless the hours say so.
    std::string hours;

    // The monitor to go full-screen on, 0 = the primary. Default 0. Indices
    // follow the order the system lists monitors, which can change when
    // cables are moved: prefer one monitor per kiosk.
    int monitor = 0;

    // Where the last good feed is kept, so a screen that boots without network
    // shows yesterday's content instead of nothing. Default "" =
    // $XDG_CACHE_HOME/campus-kiosk (or ~/.cache/campus-kiosk).
    std::string cache_dir;

    // A JSON file the kiosk rewrites after every poll (feed version, source,
    // last error) for monitoring. Default "" = none. Put it on local disk: it
    // is written every poll_seconds.
    std::string status_file;

    // No motion: no waving flag, no transitions, no moving background. Default
    // false. A classroom is calm during lessons whatever this says; true makes
    // every role calm (a screen by a quiet office, a slow machine).
    bool calm = false;

    // How long a page stays: its own entry in page_seconds if any, else the default.
    double seconds_for_page(std::string_view kind) const;
};

// What the command line set. An engaged optional means "given on the command
// line" and wins over the file; nullopt leaves the file's value (or the default).
struct KioskCliOverrides {
    std::optional<std::string> feed;
    std::optional<std::vector<std::string>> trusted_keys;  // replaces the file's list, never adds to it
    std::optional<std::string> role;
    std::optional<std::string> class_id;
    std::optional<int> grade;
    std::optional<std::string> screen_id;
    std::optional<int> poll_seconds;
    std::optional<double> page_seconds;  // also clears the file's per-page overrides (see merge)
    std::optional<std::vector<std::string>> pages;
    std::optional<std::string> hours;
    std::optional<int> monitor;
    std::optional<std::string> cache_dir;
    std::optional<std::string> status_file;
    std::optional<bool> calm;
};

// Thrown by load_config and check_config: what() names the file and the key
// and says what was expected.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Reads, parses and checks a config file. Throws ConfigError when the file
// cannot be read, is not JSON (with line and column), or breaks a rule above.
KioskConfig load_config(const std::string& path);

// The same, from text already read; `origin` names it in errors ("kiosk.json").
KioskConfig parse_config(std::string_view json_text, std::string_view origin);

// The file's values with the command line's on top. A command-line
// page_seconds sets every page's time, dropping the file's per-page entries:
// someone typing --page-seconds 5 at a screen wants every page at 5 s.
KioskConfig merge(KioskConfig file, const KioskCliOverrides& cli);

// Checks values against the rules (roles, ranges, page kinds, the hours'
// syntax, the keys' format): load_config runs it on the file, and the kiosk
// runs it again after merge() so a command-line value is held to the same
// rules. `origin` prefixes every message ("kiosk.json" or "command line").
void check_config(const KioskConfig& config, std::string_view origin);

}  // namespace campus::kiosk
