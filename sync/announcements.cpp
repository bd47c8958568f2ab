// Announcements on one screen (see sync/announcements.hpp).
#include "sync/announcements.hpp"

#include <algorithm>

namespace campus {

int screen_grade(const ScreenIdentity& screen, const Feed& feed) {
    if (screen.role == "classroom" && !screen.class_id.empty()) {
        if (const SchoolClass* c = feed.find_class(screen.class_id)) return c->grade;
    }
    return screen.grade;
}

bool target_matches(const AnnouncementTarget& target, const ScreenIdentity& screen, const Feed& feed) {
    using Kind = AnnouncementTarget::Kind;
    switch (target.kind) {
        case Kind::all:
            return true;
        case Kind::role:
            return target.value == screen.role;
        case Kind::grade:
            // Only screens that serve one grade: a notice for grade 6's
            // parents does not belong in the lobby unless it also targets it.
            if (screen.role != "classroom" && screen.role != "corridor") return false;
            return target.grade != 0 && screen_grade(screen, feed) == target.grade;
        case Kind::class_id:
            return screen.role == "classroom" && !screen.class_id.empty() && target.value == screen.class_id;
        case Kind::screen:
            return !screen.screen_id.empty() && target.value == screen.screen_id;
    }
    return false;
}

bool targets_screen(const Announcement& announcement, const ScreenIdentity& screen, const Feed& feed) {
    // A parsed feed never has an empty list (it defaults to {all}); a Feed
    // built in code might, and then the contract's default applies.
    if (announcement.targets.empty()) return true;
    return std::any_of(announcement.targets.begin(), announcement.targets.end(),
                       [&](const AnnouncementTarget& t) { return target_matches(t, screen, feed); });
}

bool is_active(const Announcement& announcement, Instant now) {
    if (announcement.from && now < *announcement.from) return false;
    if (announcement.until && !(now < *announcement.until)) return false;
    return true;
}

ActiveAnnouncements active_announcements(const Feed& feed, const ScreenIdentity& screen, Instant now) {
    ActiveAnnouncements result;
    std::vector<const Announcement*> emergencies;
    for (const Announcement& a : feed.announcements) {
        if (!is_active(a, now) || !targets_screen(a, screen, feed)) continue;
        switch (a.level) {
            case AnnouncementLevel::emergency: emergencies.push_back(&a); break;
            case AnnouncementLevel::urgent: result.urgent.push_back(&a); break;
            case AnnouncementLevel::info: result.info.push_back(&a); break;
        }
    }
    if (!emergencies.empty()) {
        // Most recent first. Reversing before a stable sort puts later feed
        // entries first among equal `from`s; nullopt sorts as the earliest.
        std::reverse(emergencies.begin(), emergencies.end());
        std::stable_sort(emergencies.begin(), emergencies.end(), [](const Announcement* l, const Announcement* r) {
            return l->from > r->from;  // optional: nullopt < any value
        });
        result.emergency = emergencies.front();
        result.other_emergencies.assign(emergencies.begin() + 1, emergencies.end());
    }
    return result;
}

std::optional<Instant> next_announcement_change(const Feed& feed, const ScreenIdentity& screen, Instant now) {
    std::optional<Instant> next;
    const auto consider = [&](const std::optional<Instant>& boundary) {
        if (boundary && *boundary > now && (!next || *boundary < *next)) next = *boundary;
    };
    for (const Announcement& a : feed.announcements) {
        if (!targets_screen(a, screen, feed)) continue;
        consider(a.from);
        consider(a.until);
    }
    return next;
}

}  // namespace campus
