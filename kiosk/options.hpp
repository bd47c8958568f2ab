// The kiosk's command line (and, through --config, its JSON config file).
//
//   kiosk [--feed URL|PATH] [--config FILE] [--role lobby|corridor|classroom|assembly]
//         [--class ID] [--grade N] [--screen-id ID] [--at TIME] [--size WxH]
//         [--windowed|--fullscreen] [--monitor N] [--dump DIR] [--page-seconds S]
//         [--calm] [--poll S] [--trusted-key K]... [--cache-dir D] [--status-file F]
//
// The config file is a JSON object whose keys are the long option names
// ("feed", "role", "trusted-key": [..], "calm": true); a flag given on the
// command line wins over the same key in the file.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "kiosk/page.hpp"
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
    std::optional<ScreenSize> size;         // window / dump size; default: the monitor's mode (dump: 1920x1080)
    bool windowed = false;                  // default full-screen
    int monitor = 0;                        // index into the connected monitors, 0 = primary
    std::string dump_dir;                   // non-empty: render every page and exit
    double page_seconds = 15;               // one page's turn in the rotation
    bool calm = false;                      // no motion
    int poll_seconds = 30;                  // feed polling interval
    std::vector<std::string> trusted_keys;  // minisign public keys
    std::string cache_dir;
    std::string status_file;
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
