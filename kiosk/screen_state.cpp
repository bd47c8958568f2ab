// Display hours, announcements over the rotation, burn-in (see kiosk/screen_state.hpp).
#include "kiosk/screen_state.hpp"

#include <algorithm>
#include <cmath>

namespace campus::kiosk {

ScreenIdentity identity_of(const Options& options) {
    ScreenIdentity identity;
    identity.role = role_name(options.role);
    // A class or a grade only says something about the screens that serve one
    // (sync/announcements.hpp): a lobby started with --grade stays a lobby.
    identity.class_id = options.class_id;
    identity.grade = options.grade;
    identity.screen_id = options.screen_id;
    return identity;
}

std::string state_signature(const ScreenState& state) {
    std::string s = state.on ? "on" : "dark";
    for (const Announcement* a : state.emergencies) s += " emergency:" + a->id;
    for (const Announcement* a : state.urgent) s += " urgent:" + a->id;
    s += " shift:" + std::to_string(state.shift.dx) + "," + std::to_string(state.shift.dy);
    return s;
}

ScreenSchedule::ScreenSchedule(const Options& options)
    : identity_(identity_of(options)), hours_(parse_display_hours(options.hours)) {
    // Before the first feed there is no school zone: the contract's default,
    // or UTC when even tzdata is missing (the hours are then off by the offset,
    // which the first feed corrects).
    fallback_zone_ = TimeZone::load("Asia/Shanghai");
    if (!fallback_zone_) fallback_zone_ = TimeZone::fixed("UTC", 0);
}

const TimeZone& ScreenSchedule::zone(const Feed* feed) const {
    if (feed != nullptr && feed->school.timezone) return *feed->school.timezone;
    return *fallback_zone_;
}

bool ScreenSchedule::within_hours(const Feed* feed, Instant now) const {
    return hours_.always_on || screen_on(hours_, zone(feed), now);
}

int ScreenSchedule::max_shift_for(ScreenSize size) {
    const int short_side = std::min(size.width, size.height);
    return std::max(1, static_cast<int>(std::lround(short_side * 0.004)));
}

ScreenState ScreenSchedule::state_at(const Feed* feed, Instant now, ScreenSize size) const {
    if (feed == nullptr) return state_from(feed, nullptr, now, size);
    const ActiveAnnouncements active = active_announcements(*feed, identity_, now);
    return state_from(feed, &active, now, size);
}

ScreenState ScreenSchedule::state_from(const Feed* feed, const ActiveAnnouncements* active, Instant now,
                                       ScreenSize size) const {
    ScreenState state;
    if (active != nullptr) {
        state.emergency = active->emergency;
        if (active->emergency != nullptr) {
            state.emergencies.push_back(active->emergency);
            state.emergencies.insert(state.emergencies.end(), active->other_emergencies.begin(),
                                     active->other_emergencies.end());
        }
        state.urgent = active->urgent;
    }
    // An emergency wakes a dark screen: a storm warning at 06:30 is for the
    // first pupils at the gate, whatever the hours say.
    state.on = within_hours(feed, now) || state.emergency != nullptr;
    state.max_shift = max_shift_for(size);
    state.shift = burn_in_shift(now, state.max_shift);
    return state;
}

std::optional<Instant> ScreenSchedule::next_change(const Feed* feed, Instant now) const {
    std::optional<Instant> next;
    const auto consider = [&](std::optional<Instant> t) {
        if (t && *t > now && (!next || *t < *next)) next = t;
    };
    // Every targeted notice's boundary, also while dark: an emergency's start must wake the screen.
    if (feed != nullptr) consider(next_announcement_change(*feed, identity_, now));
    if (!hours_.always_on) consider(campus::next_change(hours_, zone(feed), now));
    // A dark screen has nothing to move.
    if (within_hours(feed, now)) consider(next_burn_in_step(now));
    return next;
}

}  // namespace campus::kiosk
