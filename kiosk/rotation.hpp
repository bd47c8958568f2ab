// The rotation: which pages a screen shows, in which order, each expanded to
// the number of screens (sub-pages) it needs at this size.
//
//   lobby (and, until the roles issue refines them, every role):
//     goals, habit, one standings page per competition (feed order), events
//
// Expansion asks each page's page_count() through a Canvas, so it runs on the
// render thread inside a frame; the app re-expands whenever the feed, the
// screen size, the fonts or the day change. The position survives a
// re-expansion: the same page and sub-page stay on screen.
//
// Thread safety: main (render) thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/page.hpp"
#include "sync/feed.hpp"

namespace campus::kiosk {

// What the role shows, before the pages exist: kind = goals | habit |
// standings | events; competition_id for standings.
struct PageSpec {
    std::string kind;
    std::string competition_id;
    bool operator==(const PageSpec&) const = default;
};
std::vector<PageSpec> pages_for_role(const Feed& feed, Role role);
std::unique_ptr<Page> make_page(const PageSpec& spec);

struct RotationEntry {
    Page* page = nullptr;
    int index = 0;  // sub-page, 0-based
    int count = 1;  // sub-pages of this page
    // "goals" for a page of one screen, "goals-1", "goals-2" for a split one.
    std::string name() const;
};

class Rotation {
public:
    // Replaces the pages when the role's list changed (a new feed may add a
    // competition); keeps them, and their state, otherwise.
    void set_pages(const std::vector<PageSpec>& specs);
    // Recomputes every page's sub-page count. Pages with nothing to show (0)
    // are skipped. The current entry stays the same page and sub-page when it
    // still exists, else the nearest one after it.
    void expand(const PageContext& ctx, Canvas& canvas, const Rect& area);

    const std::vector<RotationEntry>& entries() const { return entries_; }
    bool empty() const { return entries_.empty(); }
    std::size_t position() const { return position_; }
    const RotationEntry* current() const { return entries_.empty() ? nullptr : &entries_[position_]; }
    void advance();
    void go_to(std::size_t position);

private:
    std::vector<PageSpec> specs_;
    std::vector<std::unique_ptr<Page>> pages_;
    std::vector<RotationEntry> entries_;
    std::size_t position_ = 0;
};

// File stem of the n-th (0-based) entry in a dump: "01-goals-1".
std::string dump_stem(std::size_t n, const RotationEntry& entry);

}  // namespace campus::kiosk
