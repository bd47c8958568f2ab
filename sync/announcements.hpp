// Announcements on one screen: which of the feed's notices this screen shows
// now, at what level, and when that next changes.
//
// The contract (shared/feed-contract.md, "Announcements"):
//   - outside its [from, until) window an announcement is not shown;
//   - `targets` (never empty after parsing: {all} by default) says which
//     screens: all, a role, grade:N, class:ID, screen:ID;
//   - emergency takes over the whole screen, urgent is a banner on every page,
//     info takes its turn in the rotation.
//
// Every function takes `now` as an argument, so tests and `--at` freeze it,
// and the screen loop asks next_announcement_change() how long it may sleep:
// an emergency that starts at 10:00 wakes a screen at 10:00, not at the next
// poll or the next slide.
//
// Thread safety: pure functions over an immutable Feed; call from any thread.
// The pointers returned point into the Feed: keep the Feed (its shared_ptr
// snapshot) alive while using them.
#pragma once

#include <optional>
#include <vector>

#include "sync/feed.hpp"
#include "sync/screen_identity.hpp"

namespace campus {

// The grade a screen serves: for a classroom with a class the feed knows, that
// class's grade (the feed is the authority on which grade 3-2 is in); else the
// identity's --grade (a corridor's floor); 0 = none.
int screen_grade(const ScreenIdentity& screen, const Feed& feed);

// One target against one screen:
//   all        every screen;
//   <role>     screens of that role;
//   grade:N    a classroom whose class is in grade N, and a corridor with --grade N
//              (not a lobby or the assembly: they serve the whole school);
//   class:ID   the classroom screen of class ID only;
//   screen:ID  the screen started with --screen-id ID.
bool target_matches(const AnnouncementTarget& target, const ScreenIdentity& screen, const Feed& feed);

// True when any of the announcement's targets matches the screen.
bool targets_screen(const Announcement& announcement, const ScreenIdentity& screen, const Feed& feed);

// from <= now < until; an absent bound is open. `from` is inclusive and
// `until` exclusive so that back-to-back notices (one until 10:00, the next
// from 10:00) never overlap nor leave a gap.
bool is_active(const Announcement& announcement, Instant now);

struct ActiveAnnouncements {
    // The emergency that takes over the screen: among the active emergencies
    // targeting it, the one with the latest `from` (an absent `from` counts as
    // the earliest); on equal `from`, the one listed later in the feed, as the
    // office appends new notices. Null when there is none. When it ends, the
    // next call returns the older one if that is still active.
    const Announcement* emergency = nullptr;
    // Every other active emergency for this screen, most recent first. The
    // screen shows them with `emergency`, sharing the takeover
    // (kiosk/pages/emergency_page.cpp): each title always visible, the
    // bodies in turn.
    std::vector<const Announcement*> other_emergencies;
    // Active urgent and info announcements for this screen, in feed order.
    std::vector<const Announcement*> urgent;
    std::vector<const Announcement*> info;

    bool empty() const { return !emergency && urgent.empty() && info.empty(); }
};

ActiveAnnouncements active_announcements(const Feed& feed, const ScreenIdentity& screen, Instant now);

// The earliest `from` or `until` strictly after `now` among the announcements
// targeting this screen (any level): the next instant at which
// active_announcements() can change. nullopt when nothing is scheduled. A new
// feed can change the answer: recompute it after every snapshot swap.
std::optional<Instant> next_announcement_change(const Feed& feed, const ScreenIdentity& screen, Instant now);

}  // namespace campus
