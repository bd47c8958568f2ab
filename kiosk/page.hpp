// Page: one page of the display, one file each under kiosk/pages/.
//
// A page may need several screens (goals 1/2, 2/2; a long class list): the
// rotation asks page_count() first, then draws each index in turn. Both calls
// get the same area, so pagination and drawing agree.
//
// Thread safety: main (render) thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kiosk/canvas.hpp"
#include "sync/calendar.hpp"
#include "sync/feed.hpp"
#include "sync/feed_sync.hpp"
#include "sync/standings.hpp"

namespace campus::kiosk {

enum class Role { lobby, corridor, classroom, assembly };

// Everything a page may read. Built once per frame by the app.
struct PageContext {
    const Feed& feed;
    const SyncState& sync;
    Instant now;
    SchoolDay day;            // local date/time, term phase, school week
    Role role = Role::lobby;
    std::string class_id;     // --class (classroom role)
    int grade = 0;            // --grade (corridor role), 0 = none
    float motion = 0;         // animation phase in seconds since the page arrived; 0 in calm mode
    bool calm = false;
};

class Page {
public:
    virtual ~Page() = default;
    // Stable name used in dump file names and the layout report: "goals",
    // "habit", "standings-red-flag", "events", …
    virtual std::string name() const = 0;
    // How many screens this page needs at this size (≥ 1; 0 = nothing to show,
    // the rotation skips it).
    virtual int page_count(const PageContext& ctx, Canvas& canvas, const Rect& area) = 0;
    virtual void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) = 0;
};

// Factories, one per file in kiosk/pages/.
std::unique_ptr<Page> make_goals_page();
std::unique_ptr<Page> make_habit_page();
std::unique_ptr<Page> make_standings_page(std::string competition_id);
std::unique_ptr<Page> make_events_page();

}  // namespace campus::kiosk
