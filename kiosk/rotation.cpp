// The rotation (see kiosk/rotation.hpp). Sections: [roles] [rotation]
#include "kiosk/rotation.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "sync/announcements.hpp"

namespace campus::kiosk {

// [SECTION] roles --------------------------------------------------------------------
std::string config_kind(const std::string& spec_kind) {
    return spec_kind == "announcement" ? std::string("announcements") : spec_kind;
}

std::vector<PageSpec> pages_for_role(const Feed& feed, const ScreenSetup& screen, Instant now) {
    return pages_for_role(feed, screen, active_announcements(feed, screen.identity, now).info);
}

std::vector<PageSpec> pages_for_role(const Feed& feed, const ScreenSetup& screen,
                                     const std::vector<const Announcement*>& active_info) {
    std::vector<PageSpec> specs;
    if (screen.role == Role::assembly) {
        // The presenter's sequence for every competition, in feed order; the
        // config's "pages" does not apply: the ceremony shows what it shows.
        for (const auto& competition : feed.competitions) specs.push_back({"assembly", competition.id});
        return specs;
    }
    const auto standings = [&] {
        for (const auto& competition : feed.competitions) specs.push_back({"standings", competition.id});
    };
    if (screen.role == Role::classroom) {
        // This class first, then what the class works on this month, where it
        // stands, and the school's goals.
        specs.push_back({"class", screen.identity.class_id});
        specs.push_back({"habit", {}});
        standings();
        specs.push_back({"goals", {}});
    } else {
        specs.push_back({"goals", {}});
        specs.push_back({"habit", {}});
        standings();
    }
    // The events page reports 0 sub-pages when nothing is coming; the rotation skips it then.
    specs.push_back({"events", {}});
    // 校园风采: 0 sub-pages without a gallery or with none of its pictures at hand.
    if (feed.gallery) specs.push_back({"gallery", {}});
    // Each active info notice for this screen takes its own turn.
    for (const Announcement* a : active_info)
        specs.push_back({"announcement", a->id});

    if (!screen.enabled.empty()) {
        std::erase_if(specs, [&](const PageSpec& spec) {
            return std::find(screen.enabled.begin(), screen.enabled.end(), config_kind(spec.kind)) == screen.enabled.end();
        });
    }
    return specs;
}

std::vector<PageSpec> fallback_pages(const Feed& feed, const ScreenSetup& screen,
                                     const std::vector<const Announcement*>& active_info) {
    std::vector<PageSpec> specs;
    const auto add = [&](const std::vector<PageSpec>& more) {
        for (const PageSpec& spec : more)
            if (std::find(specs.begin(), specs.end(), spec) == specs.end()) specs.push_back(spec);
    };
    ScreenSetup unfiltered = screen;
    unfiltered.enabled.clear();
    add(pages_for_role(feed, unfiltered, active_info));
    if (screen.role != Role::lobby) {
        ScreenSetup lobby = unfiltered;
        lobby.role = Role::lobby;
        add(pages_for_role(feed, lobby, active_info));
    }
    // The term itself: a feed always has one (its name, dates, the school week).
    specs.push_back({"term", {}});
    return specs;
}

std::unique_ptr<Page> make_page(const PageSpec& spec) {
    if (spec.kind == "class") return make_class_card_page(spec.id);
    if (spec.kind == "goals") return make_goals_page();
    if (spec.kind == "habit") return make_habit_page();
    if (spec.kind == "standings") return make_standings_page(spec.id);
    if (spec.kind == "events") return make_events_page();
    if (spec.kind == "gallery") return make_gallery_page();
    if (spec.kind == "announcement") return make_announcement_page(spec.id);
    if (spec.kind == "assembly") return make_assembly_sequence(spec.id);
    if (spec.kind == "term") return make_term_page();
    return nullptr;
}

// [SECTION] rotation -----------------------------------------------------------------
std::string RotationEntry::name() const {
    std::string base = page != nullptr ? page->name() : std::string("page");
    if (count > 1) base.append("-").append(std::to_string(index + 1));
    return base;
}

namespace {

void build(Rotation::PageSet& set, const std::vector<PageSpec>& specs) {
    set.pages.clear();
    set.kinds.clear();
    for (const auto& spec : specs) {
        if (auto page = make_page(spec)) {
            set.pages.push_back(std::move(page));
            set.kinds.push_back(spec.kind);
        }
    }
}

}  // namespace

void Rotation::set_pages(const std::vector<PageSpec>& specs, const std::vector<PageSpec>& fallback) {
    if (initialised_ && specs == specs_ && fallback == fallback_specs_) return;
    initialised_ = true;
    const RotationEntry* was = current();
    const std::string was_name = was != nullptr ? was->page->name() : std::string();
    const int was_index = was != nullptr ? was->index : 0;
    specs_ = specs;
    fallback_specs_ = fallback;
    build(primary_, specs_);
    fallback_.pages.clear();  // made again when first needed
    fallback_.kinds.clear();
    fallback_built_ = false;
    entries_.clear();
    // Until the next expand(), one entry per page, so current() is meaningful;
    // the sub-page is kept so expand() can find it again.
    position_ = 0;
    for (std::size_t i = 0; i < primary_.pages.size(); ++i)
        entries_.push_back({primary_.pages[i].get(), 0, 1, primary_.kinds[i]});
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].page->name() == was_name) {
            position_ = i;
            entries_[i].index = was_index;
            break;
        }
    }
}

void Rotation::expand(const PageContext& ctx, Canvas& canvas, const Rect& area) {
    // Where we are now, as (page, sub-page), to find it again afterwards.
    Page* was_page = nullptr;
    int was_index = 0;
    if (const RotationEntry* entry = current()) {
        was_page = entry->page;
        was_index = entry->index;
    }
    const auto expand_set = [&](const PageSet& set, std::size_t& new_position, bool& found) {
        std::size_t was_page_order = 0;
        for (std::size_t i = 0; i < set.pages.size(); ++i)
            if (set.pages[i].get() == was_page) was_page_order = i;
        std::vector<RotationEntry> expanded;
        for (std::size_t p = 0; p < set.pages.size(); ++p) {
            Page* page = set.pages[p].get();
            const int count = page->page_count(ctx, canvas, area);
            if (!found && p >= was_page_order && count > 0 && was_page != nullptr) {
                // The same page, the same sub-page (or its last, if it shrank);
                // else the first page after the one that vanished.
                new_position =
                    expanded.size() + (page == was_page ? static_cast<std::size_t>(std::min(was_index, count - 1)) : 0);
                found = true;
            }
            for (int i = 0; i < count; ++i) expanded.push_back({page, i, count, set.kinds[p]});
        }
        return expanded;
    };
    std::size_t new_position = 0;
    bool found = false;
    entries_ = expand_set(primary_, new_position, found);
    on_fallback_ = false;
    if (entries_.empty() && !fallback_specs_.empty()) {
        // Nothing of the list has anything to show now: the pages that do,
        // rather than a header over an empty page.
        if (!fallback_built_) {
            build(fallback_, fallback_specs_);
            fallback_built_ = true;
        }
        found = false;
        entries_ = expand_set(fallback_, new_position, found);
        // The term page is the last resort: only when nothing else has anything.
        const auto is_term = [](const RotationEntry& e) { return e.kind == "term"; };
        if (std::any_of(entries_.begin(), entries_.end(), [&](const RotationEntry& e) { return !is_term(e); })) {
            const std::optional<RotationEntry> at =
                found && new_position < entries_.size() ? std::optional(entries_[new_position]) : std::nullopt;
            std::erase_if(entries_, is_term);
            const auto same = std::find_if(entries_.begin(), entries_.end(), [&](const RotationEntry& e) {
                return at && e.page == at->page && e.index == at->index;
            });
            found = same != entries_.end();
            new_position = found ? static_cast<std::size_t>(same - entries_.begin()) : 0;
        }
        on_fallback_ = !entries_.empty();
    }
    position_ = found ? new_position : 0;
}

bool Rotation::advance(bool wrap) {
    if (entries_.empty()) return false;
    const std::size_t was = position_;
    if (position_ + 1 < entries_.size())
        ++position_;
    else if (wrap)
        position_ = 0;
    return position_ != was;
}

bool Rotation::back(bool wrap) {
    if (entries_.empty()) return false;
    const std::size_t was = position_;
    if (position_ > 0)
        --position_;
    else if (wrap)
        position_ = entries_.size() - 1;
    return position_ != was;
}

void Rotation::go_to(std::size_t position) {
    if (!entries_.empty()) position_ = position % entries_.size();
}

std::string dump_stem(std::size_t n, std::string_view name) {
    // Three digits: a listing sorts in rotation order up to 999 pages (80
    // classes over several standings pages and a dozen notices pass 99).
    char number[24];
    std::snprintf(number, sizeof number, "%03zu", n + 1);
    std::string stem(number);
    stem.append("-").append(name);
    return stem;
}

std::string dump_stem(std::size_t n, const RotationEntry& entry) { return dump_stem(n, entry.name()); }

}  // namespace campus::kiosk
