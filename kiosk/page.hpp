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
#include "kiosk/role.hpp"
#include "sync/calendar.hpp"
#include "sync/feed.hpp"
#include "sync/sync_state.hpp"
#include "sync/standings.hpp"

namespace campus::kiosk {

struct ScreenModel;  // kiosk/screen_model.hpp
class PictureShelf;  // kiosk/picture_shelf.hpp

// Everything a page may read. Built by the app when the page is drawn, from
// the screen's model (derived once, not per frame).
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
    const ScreenModel* model = nullptr;  // the facts derived for this screen (standings …); null in tests that build a context by hand
    PictureShelf* pictures = nullptr;    // the feed's pictures as textures; null where none are shown (tests without GL)
};

// A competition's standings as of ctx.day: the model's (derived once), or
// worked out when the context has no model. (Defined in kiosk/screen_model.cpp.)
CompetitionStandings standings_of(const PageContext& ctx, const Competition& competition);

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
    // The media ids screen `index` shows, so their textures exist while it is
    // current or next (kiosk/picture_shelf.hpp). Most pages show none.
    virtual std::vector<std::string> pictures(const PageContext&, int /*index*/) const { return {}; }
};

// Factories, one per file in kiosk/pages/.
std::unique_ptr<Page> make_goals_page();
std::unique_ptr<Page> make_habit_page();
std::unique_ptr<Page> make_standings_page(std::string competition_id);
std::unique_ptr<Page> make_events_page();
// The term, "term": its name, theme, dates and school week. Only a fallback
// (rotation.hpp's fallback_pages), for a screen whose pages have nothing to
// show: a feed always has a term, so it is always 1 page.
std::unique_ptr<Page> make_term_page();
// 校园风采, "gallery": one photo of /gallery at a time with its caption; one
// screen per photo that can be shown (0 without a gallery or pictures).
std::unique_ptr<Page> make_gallery_page();
// The largest rectangle a picture is drawn in on a page of `area`: the
// gallery's photo with no caption (a notice's photo beside its text is
// smaller). PictureShelf decodes every picture to fit it.
Rect largest_picture_box(const PageContext& ctx, Canvas& canvas, const Rect& area);

// The pages of the roles, the announcements and the assembly;
// kiosk/pages/README.md says what each expects and where the app puts it.
// The classroom's own card, "class-<id>": the class of ctx.class_id, or
// `class_id` when given. 0 pages without a class.
std::unique_ptr<Page> make_class_card_page(std::string class_id = {});
// An info announcement's turn in the rotation, "notice-<id>"; 0 pages once it
// has left the feed or its window.
std::unique_ptr<Page> make_announcement_page(std::string announcement_id);
// The emergency alert, "emergency": drawn over the whole screen instead of the
// header and page. 0 pages once it has left the feed or its window. Several
// alerts at once share one takeover: make_emergency_takeover() in
// kiosk/pages/emergency_page.hpp, which the app uses.
std::unique_ptr<Page> make_emergency_page(std::string announcement_id);
// The assembly's sequence for one competition, "assembly-<id>": one page per
// step (title card, each flag holder, all holders).
std::unique_ptr<Page> make_assembly_sequence(std::string competition_id);

}  // namespace campus::kiosk
