// Switches the display off and on through the configured backend, on a
// thread of its own, so that the render loop never waits for a TV: a
// cec-client opening its adapter takes seconds, an RS-232 script may hang.
//
//   main thread:   request(Switch)         returns at once; the latest request wins
//   worker thread: DPMSForceLevel (libXext, its own X connection) | a child
//                  process (cec-ctl, cec-client, the config's command), read
//                  and reaped here, killed after PowerSettings::timeout
//   main thread:   take_finished()         the answer, when there is one
//
// A child runs as a list of arguments (no shell), with stdin from /dev/null
// (cec-client: its command), stdout and stderr kept for the error, no file
// descriptor of the kiosk's, the default signal mask, and in a process group
// of its own, so that a kill after the timeout reaches whatever it started.
//
// Thread safety: request() and take_finished() from one thread (the main
// thread); `on_finished` is called on the worker thread and must be cheap
// (the kiosk passes glfwPostEmptyEvent). run_command() is reentrant.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "kiosk/power/display_power.hpp"

namespace campus::kiosk::power {

class PowerSwitch {
public:
    PowerSwitch(PowerSettings settings, std::function<void()> on_finished);
    ~PowerSwitch();  // a switch still running is stopped (its child killed); joins
    PowerSwitch(const PowerSwitch&) = delete;
    PowerSwitch& operator=(const PowerSwitch&) = delete;

    void request(Switch which);

    struct Finished {
        Switch which = Switch::none;
        std::string problem;  // "" = done
    };
    std::optional<Finished> take_finished();

private:
    void run();
    std::string perform(Switch which);
    std::string dpms(bool on);

    PowerSettings settings_;
    std::function<void()> on_finished_;
    std::mutex mutex_;
    std::condition_variable wake_;
    Switch pending_ = Switch::none;
    std::optional<Finished> finished_;
    bool stopping_ = false;
    std::atomic<bool> cancel_{false};
    void* display_ = nullptr;  // the worker's own X connection (Display*), for dpms
    std::thread thread_;
};

// Runs argv[0] (looked up in PATH) with the rest as its arguments and
// `input` on its stdin, and waits for it at most `timeout` (or until `cancel`):
// "" when it exited 0, else what went wrong, naming `what` and the program
// ("off_command /usr/local/bin/tv: exited with 2: port busy").
std::string run_command(std::string_view what, const std::vector<std::string>& argv, std::string_view input,
                        std::chrono::milliseconds timeout, const std::atomic<bool>& cancel);

// The cec backend's command for a switch: cec-ctl (v4l-utils) when it is in
// PATH, else cec-client (cec-utils, a Pulse-Eight adapter) with its command on
// stdin; nullopt when neither is installed.
struct CecCommand {
    std::vector<std::string> argv;
    std::string input;
};
std::optional<CecCommand> cec_command(Switch which);

}  // namespace campus::kiosk::power
