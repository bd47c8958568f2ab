// ScreenModel: everything one screen shows that can be worked out without
// drawing, derived once from (snapshot, now, setup, size) and read by the
// header, the pages and the loop until one of those changes.
//
//   derive()   called by the loop when the snapshot or the size changes, or
//              when `now` passes valid_until (the next minute, the next
//              announcement window, display-hours flip or burn-in step):
//              never per frame. A frame reads the model; nothing on the frame
//              path calls the sync side's day, announcement or standings
//              functions again.
//
// What it holds, and who reads it:
//   state      on/dark, the emergency, the urgent banner, the burn-in shift   (app: covers, banner)
//   day        the school day (date, week, term phase)                       (pages via PageContext)
//   info       the info notices active for this screen                       (pages list)
//   pages      the role's page list, and its fallback                        (rotation)
//   header     the header's words                                            (draw_header)
//   standings  every competition's standings, feed order                     (header, pages: standings_of)
//   grade      the grade the screen favours (a classroom's from its class)
//
// Thread safety: derive() is pure over an immutable snapshot; the model is
// read on the main thread. It keeps its snapshot alive, so its pointers
// into the feed stay valid as long as the model.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "kiosk/header.hpp"
#include "kiosk/options.hpp"
#include "kiosk/page.hpp"
#include "kiosk/rotation.hpp"
#include "kiosk/screen_state.hpp"
#include "sync/announcements.hpp"
#include "sync/calendar.hpp"
#include "sync/feed_sync.hpp"
#include "sync/standings.hpp"

namespace campus::kiosk {

// What the screen shows as a whole: the value --state-file reports and the
// loop compares, a type rather than a string parsed back.
enum class Showing { waiting, page, dark, emergency };

struct ScreenModel {
    std::shared_ptr<const FeedSnapshot> snapshot;  // never null once derived
    ScreenSize size;
    Instant now{};          // the instant it was derived for
    Instant valid_until{};  // derive again at or after this instant
    ScreenState state;
    std::optional<SchoolDay> day;               // with a feed
    std::vector<const Announcement*> info;      // active info notices for this screen, feed order
    std::vector<PageSpec> pages;                // the role's page list (empty without a feed)
    std::vector<PageSpec> fallback;             // shown when none of `pages` has anything (rotation.hpp)
    HeaderModel header;
    std::vector<CompetitionStandings> standings;  // one per competition, feed order
    int grade = 0;

    const Feed* feed() const { return snapshot ? snapshot->feed.get() : nullptr; }
    // Dark outside the hours; the emergency over everything; else a page, or waiting without a feed.
    Showing showing() const;
    // The competition's standings, or null when it is not in the feed.
    const CompetitionStandings* standings_of(std::string_view competition_id) const;
};

// `sample`: the bundled sample feed (the header says so). `live_clock`:
// false under --at (a frozen now: valid until the next change of the feed).
ScreenModel derive(std::shared_ptr<const FeedSnapshot> snapshot, Instant now, const ScreenSchedule& schedule,
                   const ScreenSetup& setup, const Options& options, ScreenSize size, bool sample);

// What of two models is different on screen: the loop redraws the page when
// this is true (a new feed, the sync state the header shows, the minute on
// the clock while on, the state's signature, the size, the pages' list).
bool shows_differently(const ScreenModel& before, const ScreenModel& after);
// True when all that differs is the header's clock (the minute turned and
// nothing else did): the page cache redraws only the header's band.
bool only_the_clock_differs(const ScreenModel& before, const ScreenModel& after);

}  // namespace campus::kiosk
