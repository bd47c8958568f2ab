// The kiosk's settings: one table (settings()) that the command line
// (kiosk/options.cpp), the JSON config file (--config FILE), the merge of the
// two and docs/config.md's lists of keys and flags all read. Pure C++ and
// nlohmann::json, no ImGui: unit-tested without a window (library kiosk_config).
// assets/kiosk.example.json is a complete file.
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
//     so is a number too large for a double (1e309), wherever it is;
//   - a key given twice in one object is an error (JSON parsers silently keep the last);
//   - what the command line sets wins over the file: merge(file, cli).
//
// A new setting is one entry in the table (config_file.cpp, [SECTION] the
// settings table) plus its field in KioskConfig and KioskCliOverrides; the
// unit tests then say which lines of docs/config.md to regenerate.
//
// Thread safety: pure functions and constant data; call from any thread.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
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
inline constexpr std::string_view kPageKinds[] = {"class", "habit", "standings", "goals", "events", "announcements", "gallery"};

inline constexpr std::string_view kRoles[] = {"lobby", "corridor", "classroom", "assembly"};

// How the display is switched off outside the hours (kiosk/power/display_power.hpp):
//   none     the screen shows black, the panel stays lit (the default)
//   dpms     the X server's DPMS extension (a monitor, most TVs over HDMI)
//   cec      HDMI-CEC standby / image-view-on (cec-ctl, else cec-client)
//   command  the config's off_command / on_command (RS-232, a smart plug)
inline constexpr std::string_view kPowerBackends[] = {"none", "dpms", "cec", "command"};

// The settings a screen is set up with. Each field's default is here; what it
// trades, and its range, are in its entry of the settings table (config_file.cpp),
// which docs/config.md is generated from.
struct KioskConfig {
    std::string feed;                       // "feed": "" = the sample feed built into the program
    std::vector<std::string> trusted_keys;  // "trusted_keys": minisign public keys; [] = no signature checked
    std::string role = "lobby";             // "role": one of kRoles
    std::string class_id;                   // "class": a classroom screen's class ("3-2"); "" = none
    int grade = 0;                          // "grade": a corridor's grade, 1..12; 0 = none
    std::string screen_id;                  // "screen_id": for screen:ID announcements; "" = none
    int poll_seconds = 30;                  // "poll_seconds": seconds between polls of the feed
    // "page_seconds": a number, or { "default": 15, "standings": 30 } whose
    // other keys are page kinds (kPageKinds).
    double page_seconds = 15;
    std::map<std::string, double, std::less<>> page_seconds_by_page;
    // Whether the file or the command line set page_seconds at all: a
    // classroom's slower default (30 s) applies only when neither did.
    bool page_seconds_given = false;
    std::vector<std::string> pages;         // "pages": page kinds to show; [] = every page the role has
    std::string hours;                      // "hours": display hours (sync/display_hours.hpp); "" = always on
    int monitor = 0;                        // "monitor": the monitor to go full-screen on, 0 = the primary
    std::string cache_dir;                  // "cache_dir": "" = $XDG_CACHE_HOME/campus-kiosk (or ~/.cache/campus-kiosk)
    std::string status_file;                // "status_file": "" = none
    std::string metrics_file;               // "metrics_file": Prometheus text for node-exporter; "" = none
    bool calm = false;                      // "calm": no motion on any role
    // The "power" section ({"backend": "command", "off_command": [...], ...}):
    // its keys are "power.backend" and so on in the table.
    std::string power_backend = "none";          // "power.backend": one of kPowerBackends
    std::vector<std::string> power_off_command;  // "power.off_command": argv, no shell; the command backend
    std::vector<std::string> power_on_command;   // "power.on_command": argv, no shell; the command backend
    int power_timeout_seconds = 15;              // "power.timeout_seconds": a switch that takes longer failed

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
    std::optional<std::string> metrics_file;
    std::optional<bool> calm;
    std::optional<std::string> power_backend;
};

//-----------------------------------------------------------------------------
// The settings table
//-----------------------------------------------------------------------------

// Where a setting's value lives: its field in KioskConfig and in
// KioskCliOverrides. A flag with no config key holds only the type (both
// pointers null); kiosk/options.cpp keeps its value.
template <class T>
struct SettingField {
    using value_type = T;
    T KioskConfig::*config = nullptr;
    std::optional<T> KioskCliOverrides::*command_line = nullptr;
};
// The value's type decides how it is read: a JSON string / a flag's value
// (std::string), an array / a repeatable flag (vector), a whole number (int),
// a number (double), true or false / a flag with no value (bool).
using SettingValue = std::variant<SettingField<std::string>, SettingField<std::vector<std::string>>, SettingField<int>,
                                  SettingField<double>, SettingField<bool>>;

struct Setting;
// A setting's rules beyond its type, run by check_config: throws ConfigError
// naming `origin` and the key.
using SettingCheck = void (*)(const KioskConfig& config, const Setting& setting, std::string_view origin);

struct Setting {
    // In the config file ("poll_seconds"); "" = command line only. A key in a
    // section is "section.key" ("power.backend"): the file writes it
    // {"power": {"backend": ...}}, the docs and errors as /power/backend.
    std::string_view key = {};
    std::string_view flag = {};        // on the command line ("--poll"); "" = config file only
    std::string_view value_name = {};  // the flag's value in --help and the docs ("S", "URL|PATH"); "" for a bool
    SettingValue value = {};
    std::string_view help = {};        // --help's one line: what it is, its default, its trade-off
    // docs/config.md: the type column, the default column (which starts with
    // the default as JSON, in backquotes) and what it does and what it trades.
    std::string_view doc_type = {};
    std::string_view doc_default = {};
    std::string_view doc = {};
    double min = 0, max = 0;           // numbers: the range both sides accept (equal: no range)
    std::span<const std::string_view> choices = {};  // the only words accepted (roles, page kinds); empty: any
    char delimiter = 0;                // a list on the command line may also be split at this (--pages a,b)
    std::string_view excludes = {};    // a flag that may not be given with this one
    // The file's error for an empty value ("" or []); empty: "" and [] are accepted.
    std::string_view if_empty = {};
    bool page_times = false;           // page_seconds: a number, or {"default": n, <page kind>: n}
    SettingCheck check = nullptr;      // its rules beyond its type, on the merged value

    bool in_config() const { return !key.empty(); }
    bool on_command_line() const { return !flag.empty(); }
    bool has_range() const { return min != max; }
};

// Every setting, in --help's order: --config, the config keys in the order
// docs/config.md lists them, then the flags that only the command line has
// (a screen's preview and tests).
std::span<const Setting> settings();

// The entry for a config key or a flag ("poll_seconds", "power.backend",
// "--poll"); null when none.
const Setting* setting_for_key(std::string_view key);
const Setting* setting_for_flag(std::string_view flag);
// A key as the JSON pointer errors name it: "/poll_seconds", "/power/backend".
std::string key_pointer(const Setting& setting);

// The generated parts of docs/config.md, as markdown tables: the keys (type,
// default, what it does and trades), each key's flag, and the flags with no key.
enum class SettingsDoc { keys, flags, command_line_only };
std::string settings_markdown(SettingsDoc part);

//-----------------------------------------------------------------------------
// Reading, merging, checking
//-----------------------------------------------------------------------------

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
