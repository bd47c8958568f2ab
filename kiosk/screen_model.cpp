// ScreenModel: derived once, read many (see kiosk/screen_model.hpp).
#include "kiosk/screen_model.hpp"

#include <algorithm>
#include <chrono>

namespace campus::kiosk {

Showing ScreenModel::showing() const {
    if (!state.on) return Showing::dark;
    if (state.emergency != nullptr) return Showing::emergency;
    return feed() != nullptr ? Showing::page : Showing::waiting;
}

const CompetitionStandings* ScreenModel::standings_of(std::string_view competition_id) const {
    for (const CompetitionStandings& st : standings)
        if (st.competition != nullptr && st.competition->id == competition_id) return &st;
    return nullptr;
}

ScreenModel derive(std::shared_ptr<const FeedSnapshot> snapshot, Instant now, const ScreenSchedule& schedule,
                   const ScreenSetup& setup, const Options& options, ScreenSize size, bool sample) {
    ScreenModel model;
    model.snapshot = std::move(snapshot);
    model.size = size;
    model.now = now;
    model.grade = options.grade;
    const Feed* feed = model.feed();

    std::optional<ActiveAnnouncements> active;
    if (feed != nullptr) {
        active = active_announcements(*feed, schedule.identity(), now);
        model.info = active->info;
        model.day = school_day(*feed, now);
        model.standings.reserve(feed->competitions.size());
        for (const auto& competition : feed->competitions)
            model.standings.push_back(compute_standings(*feed, competition, model.day->local.date));
        model.pages = pages_for_role(*feed, setup, model.info);
        model.fallback = fallback_pages(*feed, setup, model.info);
        // A classroom takes its grade from its class in the feed (sync/announcements.hpp).
        if (setup.role == Role::classroom) model.grade = screen_grade(schedule.identity(), *feed);
    }
    model.state = schedule.state_from(feed, active ? &*active : nullptr, now, size);
    model.header = header_model(feed, model.snapshot->state, now, sample, model.day ? &*model.day : nullptr,
                                model.standings);

    // Valid until the clock's next minute or the schedule's next change,
    // whichever comes first; a frozen --at clock never reaches either.
    const Instant next_minute = std::chrono::floor<std::chrono::minutes>(now) + std::chrono::minutes(1);
    model.valid_until = next_minute;
    if (const auto change = schedule.next_change(feed, now)) model.valid_until = std::min(model.valid_until, *change);
    return model;
}

bool shows_differently(const ScreenModel& before, const ScreenModel& after) {
    if (before.feed() != after.feed()) return true;
    if (before.size.width != after.size.width || before.size.height != after.size.height) return true;
    const SyncState& a = before.snapshot->state;
    const SyncState& b = after.snapshot->state;
    // Every poll publishes a new snapshot (its last_attempt moved on); only
    // what the screen shows of it calls for a frame.
    if (a.offline != b.offline || a.stale != b.stale || a.refused != b.refused || a.refusal != b.refusal ||
        (b.refused && a.last_error != b.last_error))
        return true;
    if (state_signature(before.state) != state_signature(after.state)) return true;
    // The clock: a dark screen shows none.
    if (after.state.on && std::chrono::floor<std::chrono::minutes>(before.now) !=
                              std::chrono::floor<std::chrono::minutes>(after.now))
        return true;
    return before.pages != after.pages || before.fallback != after.fallback;
}

bool only_the_clock_differs(const ScreenModel& before, const ScreenModel& after) {
    if (before.header.time_line == after.header.time_line) return false;
    HeaderModel a = before.header, b = after.header;
    a.time_line.clear();
    b.time_line.clear();
    if (!(a == b)) return false;
    // Everything else the screen shows, with the minute taken out.
    ScreenModel same_minute = after;
    same_minute.now = before.now;
    return !shows_differently(before, same_minute);
}

// The page context's standings: the model's when there is one, else worked out.
CompetitionStandings standings_of(const PageContext& ctx, const Competition& competition) {
    if (ctx.model != nullptr) {
        if (const CompetitionStandings* st = ctx.model->standings_of(competition.id)) return *st;
    }
    return compute_standings(ctx.feed, competition, ctx.day.local.date);
}

}  // namespace campus::kiosk
