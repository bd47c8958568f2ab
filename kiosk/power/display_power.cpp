// Sleep at night: the decision (see kiosk/power/display_power.hpp).
#include "kiosk/power/display_power.hpp"

namespace campus::kiosk::power {

std::optional<Backend> parse_backend(std::string_view name) {
    if (name == "none") return Backend::none;
    if (name == "dpms") return Backend::dpms;
    if (name == "cec") return Backend::cec;
    if (name == "command") return Backend::command;
    return std::nullopt;
}

const char* backend_name(Backend backend) {
    switch (backend) {
        case Backend::none: return "none";
        case Backend::dpms: return "dpms";
        case Backend::cec: return "cec";
        case Backend::command: return "command";
    }
    return "none";
}

const char* switch_name(Switch which) {
    switch (which) {
        case Switch::off: return "off";
        case Switch::on: return "on";
        case Switch::none: break;
    }
    return "none";
}

Switch DisplayPower::decide(bool wanted) {
    wanted_ = wanted;
    if (backend_ == Backend::none || running_ != Switch::none) return Switch::none;
    if (asked_ && *asked_ == wanted) return Switch::none;
    asked_ = wanted;
    running_ = wanted ? Switch::on : Switch::off;
    return running_;
}

void DisplayPower::finished(Switch which, const std::string& problem) {
    if (which == Switch::none) return;
    if (which == running_) running_ = Switch::none;
    problem_ = problem;
    if (problem.empty()) {
        known_ = which == Switch::on;
        logged_problem_.clear();  // a later failure is news again
    } else if (which == Switch::on) {
        known_.reset();  // it may be on or off: lit() says on, the safe guess for the metric
    }
}

bool DisplayPower::lit() const {
    if (backend_ == Backend::none) return wanted_;
    return known_.value_or(true);
}

bool DisplayPower::take_new_problem() {
    if (problem_.empty() || problem_ == logged_problem_) return false;
    logged_problem_ = problem_;
    return true;
}

}  // namespace campus::kiosk::power
