// The kiosk's command line (and, through --config, its JSON config file).
//
// Every flag, its value, range and help line is an entry of the settings
// table (kiosk/config_file.hpp's settings(); `kiosk --help`, docs/config.md).
// load_config reads and checks the file, the flags actually given on the
// command line override it key by key (merge), and check_config holds the
// result to the same rules; parse_options turns that into Options.
//
// Thread safety: the parsers are pure; parse_options may print --help to
// stdout, so the main thread calls it at start.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kiosk/power/display_power.hpp"
#include "kiosk/role.hpp"
#include "sync/civil_time.hpp"

namespace campus::kiosk {

struct ScreenSize {
    int width = 0;
    int height = 0;
};

struct Options {
    std::string feed;                       // "" = the bundled sample feed
    std::string config_file;
    Role role = Role::lobby;
    std::string class_id;
    int grade = 0;                          // 0 = none
    std::string screen_id;
    std::optional<Instant> at;              // frozen "now"
    // --clock-from: "now" starts at this instant and runs (the display hours'
    // and the power schedule's changes within seconds, for tests); nullopt: the clock.
    std::optional<Instant> clock_from;
    std::optional<ScreenSize> size;         // window / dump size; default: the monitor's mode (dump: 1920x1080)
    bool windowed = false;                  // default full-screen
    int monitor = 0;                        // index into the connected monitors, 0 = primary
    std::string dump_dir;                   // non-empty: render every page and exit
    // One page's turn in the rotation: `page_seconds`, or its kind's entry in
    // page_seconds_by_page (config "page_seconds": {"standings": 30}). A
    // classroom without either set waits 30 s (read during a lesson, not in
    // passing); the assembly never advances by itself.
    double page_seconds = 15;
    std::map<std::string, double, std::less<>> page_seconds_by_page;
    bool page_seconds_given = false;        // by the command line or the config
    std::vector<std::string> pages;         // page kinds enabled (config_file.hpp's kPageKinds); empty = all
    std::string hours;                      // display hours (sync/display_hours.hpp); "" = always on
    bool calm = false;                      // no motion (a classroom is calm whatever this says)
    // Motion (kiosk/motion/): the frame-rate cap while something
    // moves. Default 30: smooth enough for the flag's cloth, and what a 1080p
    // llvmpipe mini-PC holds; lower it on a weaker machine, 0 < fps ≤ 120.
    double max_fps = 30;
    bool dump_transition = false;           // --dump also writes transition-50.png (pages 1 → 2 at progress 0.5)
    int bench_frames = 0;                   // > 0: time that many animated frames, print p50/p95, exit
    int poll_seconds = 30;                  // feed polling interval
    std::vector<std::string> trusted_keys;  // minisign public keys
    std::string cache_dir;
    std::string status_file;
    std::string metrics_file;               // "" = none (sync/metrics_file.hpp)
    power::PowerSettings power;             // the config's "power" section: how the display sleeps
    // Rewritten (atomically: a temporary file renamed over it) whenever what
    // the screen shows changes: one JSON object {"page": "standings-red-flag",
    // "position": 2, "count": 7, "role": "lobby", "emergency": "" or the
    // newest alert's id, "emergencies": [every alert on screen, newest
    // first], "screen_on": true}. For the window tests and monitoring; "" = none.
    std::string state_file;

    // Seconds for a page of this kind (config_file.hpp's kinds: "class",
    // "habit", "standings", "goals", "events", "announcements").
    double seconds_for(std::string_view kind) const;
};

// Thrown for a bad command line or config: what() names the option or key,
// the value and what was expected.
struct OptionsError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Parses argv. Returns nullopt when the program should exit successfully
// without running (--help printed); throws OptionsError on bad input.
std::optional<Options> parse_options(int argc, const char* const* argv);

std::optional<Role> parse_role(std::string_view name);
const char* role_name(Role role);
std::optional<ScreenSize> parse_size(std::string_view text);  // "1920x1080"

}  // namespace campus::kiosk
