// The rotation: which pages a screen shows, in which order, each expanded to
// the number of screens (sub-pages) it needs at this size.
//
//   lobby      goals, habit, one standings page per competition (feed order),
//              events, then one page per active info announcement for it
//   corridor   the same (its --grade is highlighted by the standings pages)
//   classroom  its class card, habit, standings, goals, events, announcements
//   assembly   for each competition, its presenter's sequence (title card,
//              each flag holder, the full list): moved by the presenter only
//
// The config's "pages" list hides kinds (kPageKinds in kiosk/config_file.hpp);
// the role decides the order. Emergency and urgent notices are not pages of
// the rotation: the app draws them over it (kiosk/app.cpp).
//
// Expansion asks each page's page_count() through a Canvas, so it runs on the
// render thread inside a frame; the app re-expands whenever the feed, the
// screen size, the fonts or the day change. The position survives a
// re-expansion: the same page and sub-page stay on screen.
//
// Thread safety: pages_for_role() anywhere; Rotation on the main (render) thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/page.hpp"
#include "sync/feed.hpp"
#include "sync/screen_identity.hpp"

namespace campus::kiosk {

// What the role shows, before the pages exist: kind = class | goals | habit |
// standings | events | announcement | assembly | term (a fallback only); id = the competition
// (standings, assembly), the announcement (announcement) or the class (class).
struct PageSpec {
    std::string kind;
    std::string id;
    bool operator==(const PageSpec&) const = default;
};

// The screen the pages are for.
struct ScreenSetup {
    Role role = Role::lobby;
    ScreenIdentity identity;          // for the info announcements that target it
    std::vector<std::string> enabled; // config "pages" kinds; empty = all
};

// The role's pages at `now` (info announcements come and go with their window).
std::vector<PageSpec> pages_for_role(const Feed& feed, const ScreenSetup& screen, Instant now);
// The same for the info notices already known to be active for this screen
// (ScreenModel derives them once: active_announcements(...).info).
std::vector<PageSpec> pages_for_role(const Feed& feed, const ScreenSetup& screen,
                                     const std::vector<const Announcement*>& active_info);
// What the screen shows when its own list has nothing to show at this moment
// (a "pages" list of kinds that are all empty today, a classroom whose class
// is not in the feed yet, an assembly without a competition): every kind of
// its role, then the lobby's, then the term page, which always has something
// (the rotation shows it only when the others have nothing either).
// Never a header over an empty page, never a dump of nothing.
std::vector<PageSpec> fallback_pages(const Feed& feed, const ScreenSetup& screen,
                                     const std::vector<const Announcement*>& active_info);
std::unique_ptr<Page> make_page(const PageSpec& spec);
// The config's name for a spec's kind ("announcement" → "announcements"), for
// "pages" and "page_seconds".
std::string config_kind(const std::string& spec_kind);

struct RotationEntry {
    Page* page = nullptr;
    int index = 0;       // sub-page, 0-based
    int count = 1;       // sub-pages of this page
    std::string kind;    // the spec's kind (PageSpec::kind)
    // "goals" for a page of one screen, "goals-1", "goals-2" for a split one.
    std::string name() const;
};

class Rotation {
public:
    // Replaces the pages when the role's list changed (a new feed may add a
    // competition, an announcement's window opens); keeps them, and their
    // state, otherwise, and stays on the same page when it is still there.
    // `fallback` (fallback_pages()) is shown instead when none of `specs` has
    // anything to show.
    void set_pages(const std::vector<PageSpec>& specs, const std::vector<PageSpec>& fallback = {});
    // Recomputes every page's sub-page count. Pages with nothing to show (0)
    // are skipped; when that leaves nothing, the fallback's pages are
    // expanded instead (and the list's are tried again at every expand, so
    // the screen returns to them once they have something). The current
    // entry stays the same page and sub-page when it still exists, else the
    // nearest one after it.
    void expand(const PageContext& ctx, Canvas& canvas, const Rect& area);
    // True while the entries are the fallback's.
    bool on_fallback() const { return on_fallback_; }

    const std::vector<RotationEntry>& entries() const { return entries_; }
    bool empty() const { return entries_.empty(); }
    std::size_t position() const { return position_; }
    const RotationEntry* current() const { return entries_.empty() ? nullptr : &entries_[position_]; }
    // Next / previous entry. `wrap` = false stops at either end (the
    // assembly's presenter must not land on the title card by pressing once
    // too often). Return whether the position moved.
    bool advance(bool wrap = true);
    bool back(bool wrap = true);
    void go_to(std::size_t position);

    // Pages made from a list of specs, with each one's kind.
    struct PageSet {
        std::vector<std::unique_ptr<Page>> pages;
        std::vector<std::string> kinds;  // one per page
    };

private:
    std::vector<PageSpec> specs_;
    std::vector<PageSpec> fallback_specs_;
    PageSet primary_;
    PageSet fallback_;  // made when first needed
    bool fallback_built_ = false;
    bool on_fallback_ = false;
    bool initialised_ = false;
    std::vector<RotationEntry> entries_;
    std::size_t position_ = 0;
};

// File stem of the n-th (0-based) entry in a dump: "001-goals-1", padded so
// that a listing sorts in the rotation's order.
std::string dump_stem(std::size_t n, std::string_view name);
std::string dump_stem(std::size_t n, const RotationEntry& entry);

}  // namespace campus::kiosk
