// Which screen this is, as far as announcements care: where it hangs (its
// role), which class or floor it serves, and the operator's name for it.
// Built by the kiosk from its options (--role, --class, --grade, --screen-id)
// or its config file; read by sync/announcements.hpp.
//
// Plain data, no ImGui: the sync library and its tests use it without a window.
#pragma once

#include <string>

namespace campus {

struct ScreenIdentity {
    // "lobby" | "corridor" | "classroom" | "assembly" (shared/domain.md). The
    // same spelling as an announcement's role target, so matching is a string
    // comparison; the kiosk validates the name before building this.
    std::string role = "lobby";
    // --class: the class whose classroom screen this is ("3-2"); empty otherwise.
    std::string class_id;
    // --grade: the floor's grade for a corridor (1..12), 0 = none. A classroom
    // screen with a class takes its grade from the feed's class instead (see
    // screen_grade() in sync/announcements.hpp), so the two cannot disagree.
    int grade = 0;
    // --screen-id: the operator's name for this very screen, matched by
    // "screen:ID" targets; empty = no screen: target matches.
    std::string screen_id;
};

}  // namespace campus
