// Sleep at night: when the display itself is switched off and on, as a pure
// decision the loop asks once a turn, apart from the backend that does it
// (kiosk/power/power_switch.hpp, on its own thread).
//
//   ScreenModel.state.on ──▶ DisplayPower::decide ──▶ Switch::off / on / none ──▶ PowerSwitch
//   PowerSwitch's answer ──▶ DisplayPower::finished ──▶ lit() (the metric), problem() (the status file)
//
// The screen model already knows when the screen is dark (outside the display
// hours, unless an emergency targets it: kiosk/screen_state.hpp); this only
// turns that into switches: one when the wanted state changes and none while
// it stays, so a TV is not sent "off" every frame of the night, and one at
// start, since nobody knows the state a restarted kiosk finds the display in.
// A failed switch is not repeated until the wanted state changes again (a
// broken RS-232 cable must not run a command every turn); the screen shows
// black meanwhile, which the dark state draws anyway.
//
// Thread safety: pure values; the main thread in practice.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace campus::kiosk::power {

enum class Backend { none, dpms, cec, command };
std::optional<Backend> parse_backend(std::string_view name);  // config_file.hpp's kPowerBackends
const char* backend_name(Backend backend);

// The config's "power" section (docs/config.md), checked by check_config.
struct PowerSettings {
    Backend backend = Backend::none;
    std::vector<std::string> off_command;  // the command backend's argv: program, arguments (no shell)
    std::vector<std::string> on_command;
    std::chrono::seconds timeout{15};      // a switch that takes longer is killed and counted as failed
};

enum class Switch { none, off, on };
const char* switch_name(Switch which);  // "off", "on"

class DisplayPower {
public:
    explicit DisplayPower(Backend backend) : backend_(backend) {}

    // This turn the screen should be on (`wanted`: ScreenState::on). Returns
    // the switch to ask the backend for: none with Backend::none, while the
    // last one asked is still the wanted state, or while a switch is running
    // (the wanted state is looked at again when it finishes).
    Switch decide(bool wanted);

    // The backend's answer to the switch asked last: `problem` is "" when it
    // worked, else what failed ("off_command /usr/bin/tv exited with 1: …").
    void finished(Switch which, const std::string& problem);

    bool busy() const { return running_ != Switch::none; }
    // The panel is lit: showing the picture (on), or left on because
    // switching it off failed or is not done yet. With Backend::none: the
    // wanted state (the panel shows black when it is not).
    bool lit() const;
    // What failed last ("" while the last switch worked): the status file.
    const std::string& problem() const { return problem_; }
    // True once per distinct problem: the log says a failure once, not every night.
    bool take_new_problem();

private:
    Backend backend_;
    std::optional<bool> asked_;    // the state last asked for (nullopt: nothing asked yet)
    std::optional<bool> known_;    // the state the last successful switch left (nullopt: unknown)
    bool wanted_ = true;
    Switch running_ = Switch::none;
    std::string problem_;
    std::string logged_problem_;
};

}  // namespace campus::kiosk::power
