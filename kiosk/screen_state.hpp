// What a screen shows around and over its rotation at one instant, and when
// that next changes: the display hours (dark outside them), the emergencies
// that take the whole screen (every active one for this screen, together), the urgent notices' banner, the burn-in shift.
//
// The loop asks state_at() every frame and next_change() for how long it may
// sleep, so a screen wakes exactly when an emergency starts or ends, when its
// hours begin or end, and when the burn-in shift moves; never polls for them.
//
// Thread safety: pure over an immutable Feed and this object's own constant
// data; main thread in practice.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kiosk/options.hpp"
#include "sync/announcements.hpp"
#include "sync/display_hours.hpp"

namespace campus::kiosk {

// The screen's identity for announcements, from its options.
ScreenIdentity identity_of(const Options& options);

struct ScreenState {
    bool on = true;                           // inside the display hours (or an emergency wakes it)
    const Announcement* emergency = nullptr;  // the newest emergency (emergencies.front()); points into the feed
    // Every active emergency for this screen, newest first: they share the
    // takeover (a fire alarm must not hide a typhoon dismissal). Empty when
    // there is none; `emergency` is its first element.
    std::vector<const Announcement*> emergencies;
    std::vector<const Announcement*> urgent;  // the banner's notices, feed order
    Shift shift;                              // burn-in offset of everything drawn
    int max_shift = 0;                        // the safe area's inset on every side
};

// What of a state the screen shows, as one comparable string: the loop
// redraws when it differs from the last frame's (an alert starts, the hours
// end, the burn-in step moves).
std::string state_signature(const ScreenState& state);

class ScreenSchedule {
public:
    // Parses options.hours (already checked by check_config).
    explicit ScreenSchedule(const Options& options);

    const ScreenIdentity& identity() const { return identity_; }

    // `feed` may be null (waiting for the first feed): no announcements, and
    // the hours in the contract's default zone.
    ScreenState state_at(const Feed* feed, Instant now, ScreenSize size) const;
    // The same from the announcements already found active for this screen
    // (`active` null without a feed): ScreenModel derives them once.
    ScreenState state_from(const Feed* feed, const ActiveAnnouncements* active, Instant now, ScreenSize size) const;

    // The next instant after `now` at which state_at() can change: an
    // announcement's from/until (emergencies included while dark), the hours'
    // next flip, the burn-in's next step (only while something is shown).
    std::optional<Instant> next_change(const Feed* feed, Instant now) const;

    // Burn-in: 0.4 % of the short side, a few pixels: enough to move every
    // edge off its pixels, too little for anyone to notice.
    static int max_shift_for(ScreenSize size);

private:
    const TimeZone& zone(const Feed* feed) const;
    bool within_hours(const Feed* feed, Instant now) const;

    ScreenIdentity identity_;
    DisplayHours hours_;
    std::shared_ptr<const TimeZone> fallback_zone_;
};

}  // namespace campus::kiosk
