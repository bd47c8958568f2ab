#include "kiosk/rotation.hpp"

#include <algorithm>
#include <cstdio>

namespace campus::kiosk {

std::vector<PageSpec> pages_for_role(const Feed& feed, Role role) {
    // Every role shows the full rotation for now; issue 5 (roles) gives the
    // classroom its own card first and the assembly its sequence.
    (void)role;
    std::vector<PageSpec> specs;
    specs.push_back({"goals", {}});
    specs.push_back({"habit", {}});
    for (const auto& competition : feed.competitions) specs.push_back({"standings", competition.id});
    // The events page reports 0 sub-pages when nothing is coming; the rotation skips it then.
    specs.push_back({"events", {}});
    return specs;
}

std::unique_ptr<Page> make_page(const PageSpec& spec) {
    if (spec.kind == "goals") return make_goals_page();
    if (spec.kind == "habit") return make_habit_page();
    if (spec.kind == "standings") return make_standings_page(spec.competition_id);
    if (spec.kind == "events") return make_events_page();
    return nullptr;
}

std::string RotationEntry::name() const {
    std::string base = page != nullptr ? page->name() : std::string("page");
    if (count > 1) base.append("-").append(std::to_string(index + 1));
    return base;
}

void Rotation::set_pages(const std::vector<PageSpec>& specs) {
    if (specs == specs_ && pages_.size() == specs.size()) return;
    const RotationEntry* was = current();
    const std::string was_name = was != nullptr ? was->page->name() : std::string();
    specs_ = specs;
    pages_.clear();
    entries_.clear();
    for (const auto& spec : specs_) {
        if (auto page = make_page(spec)) pages_.push_back(std::move(page));
    }
    // Until the next expand(), one entry per page, so current() is meaningful.
    position_ = 0;
    for (auto& page : pages_) entries_.push_back({page.get(), 0, 1});
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].page->name() == was_name) {
            position_ = i;
            break;
        }
    }
}

void Rotation::expand(const PageContext& ctx, Canvas& canvas, const Rect& area) {
    // Where we are now, as (page, sub-page), to find it again afterwards.
    Page* was_page = nullptr;
    int was_index = 0;
    std::size_t was_page_order = 0;
    if (const RotationEntry* entry = current()) {
        was_page = entry->page;
        was_index = entry->index;
        for (std::size_t i = 0; i < pages_.size(); ++i)
            if (pages_[i].get() == was_page) was_page_order = i;
    }

    std::vector<RotationEntry> expanded;
    std::size_t new_position = 0;
    bool found = false;
    for (std::size_t p = 0; p < pages_.size(); ++p) {
        Page* page = pages_[p].get();
        const int count = page->page_count(ctx, canvas, area);
        if (!found && p >= was_page_order && count > 0 && was_page != nullptr) {
            // The same page, the same sub-page (or its last, if it shrank);
            // else the first page after the one that vanished.
            new_position = expanded.size() + (page == was_page ? static_cast<std::size_t>(std::min(was_index, count - 1)) : 0);
            found = true;
        }
        for (int i = 0; i < count; ++i) expanded.push_back({page, i, count});
    }
    entries_ = std::move(expanded);
    position_ = found ? new_position : 0;
}

void Rotation::advance() {
    if (entries_.empty()) return;
    position_ = (position_ + 1) % entries_.size();
}

void Rotation::go_to(std::size_t position) {
    if (!entries_.empty()) position_ = position % entries_.size();
}

std::string dump_stem(std::size_t n, const RotationEntry& entry) {
    char number[16];
    std::snprintf(number, sizeof number, "%02zu", n + 1);
    std::string stem(number);
    stem.append("-").append(entry.name());
    return stem;
}

}  // namespace campus::kiosk
