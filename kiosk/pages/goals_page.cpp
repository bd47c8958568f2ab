// The term's goals (学期工作目标), grouped by area, with progress bars.
//
// Every title is shown whole: titles wrap, and when the goals do not fit at a
// legible size the page splits into several screens (1/2, 2/2) rather than
// shrinking text below the floor. plan() makes that split; page_count() and
// draw() both read it, so they always agree.
//
// Sections:
//   [plan]  measuring the goals and flowing them into columns and pages
//   [draw]  drawing one page of the plan
#include <algorithm>
#include <array>
#include <optional>

#include "kiosk/page.hpp"
#include "kiosk/pages/page_util.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk {
namespace {

using pages::FlowItem;
using pages::FlowPage;

constexpr const char* kPageTitle = "学期工作目标";
constexpr const char* kThemeLabel = "本学期主题：";
// Goals without a category, when others have one.
constexpr const char* kGeneralArea = "综合";
// Marks an area's heading repeated at the top of a column it continues into.
constexpr const char* kContinued = "（续）";

// ---- [plan] ----------------------------------------------------------------

struct GoalItem {
    bool is_heading = false;
    const Goal* goal = nullptr;
    std::size_t heading_item = 0;  // goals: the index of their area's heading item, when they have one
    bool has_heading = false;
    TextBlock heading;   // area name (headings), "教学（续）" (goals, for a continued column)
    TextBlock title;
    TextBlock detail;    // empty text when the goal has none
    TextBlock progress;  // "3 / 5 项"; empty text without progress
    bool progress_below_bar = false;  // the numbers do not fit beside the bar
    float height = 0;
};

struct Plan {
    Rect content;      // below the title bar
    int columns = 1;
    float column_w = 0;
    float column_gap = 0;
    float item_gap = 0;
    std::vector<GoalItem> items;
    std::vector<FlowPage> pages;
};

// Geometry of a goal card, in units of the screen (metrics().unit()).
struct CardMetrics {
    float pad, pad_x, title_gap, bar_gap, bar_h;
};
CardMetrics card_metrics(const Canvas& canvas) {
    const float u = canvas.metrics().unit();
    return {1.2f * u, 1.8f * u, 0.5f * u, 0.8f * u, 1.4f * u};
}

// Room left of an area's name for its red bar.
float heading_indent(const Canvas& canvas) { return 1.6f * canvas.metrics().unit(); }

// The areas in the order they first appear in the feed, so the office decides
// the order; goals without one last, under a general heading.
std::vector<std::pair<std::string, std::vector<const Goal*>>> group_by_area(const std::vector<Goal>& goals) {
    std::vector<std::pair<std::string, std::vector<const Goal*>>> groups;
    std::vector<const Goal*> general;
    for (const Goal& goal : goals) {
        if (goal.category.empty()) {
            general.push_back(&goal);
            continue;
        }
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == goal.category; });
        if (it == groups.end()) {
            groups.push_back({goal.category, {}});
            it = groups.end() - 1;
        }
        it->second.push_back(&goal);
    }
    if (!general.empty()) groups.push_back({groups.empty() ? std::string() : std::string(kGeneralArea), general});
    return groups;
}

GoalItem measure_goal(Canvas& canvas, const Goal& goal, TextStyle title_style, TextStyle small_style, float width,
                      bool details) {
    const CardMetrics m = card_metrics(canvas);
    const float u = canvas.metrics().unit();
    const float inner = std::max(1.0f, width - 2 * m.pad_x);
    GoalItem item;
    item.goal = &goal;
    item.title = canvas.layout(goal.title, title_style, inner);
    float h = m.pad + item.title.height;
    if (details && !goal.detail.empty()) {
        item.detail = canvas.layout(goal.detail, small_style, inner);
        h += m.title_gap + item.detail.height;
    }
    if (goal.progress) {
        const GoalProgress& p = *goal.progress;
        // The numbers are what is read from afar: as large as the title.
        const std::string numbers = pages::progress_text(p.current, p.target, p.unit);
        item.progress = canvas.layout(numbers, title_style, 1e6f);
        // The bar needs at least a third of the card to read as a bar.
        item.progress_below_bar = item.progress.width + 2 * u > inner * 2 / 3;
        if (item.progress_below_bar) item.progress = canvas.layout(numbers, title_style, inner);
        const float row = item.progress_below_bar ? m.bar_h + 0.6f * u + item.progress.height
                                                  : std::max(m.bar_h, item.progress.height);
        h += m.bar_gap + row;
    }
    item.height = h + m.pad;
    return item;
}

Plan plan_at(Canvas& canvas, const Feed& feed, const Rect& content, int columns, TextStyle title_style,
             TextStyle small_style, bool details) {
    const float u = canvas.metrics().unit();
    Plan plan;
    plan.content = content;
    plan.columns = columns;
    plan.column_gap = 4 * u;
    plan.item_gap = 1.2f * u;
    plan.column_w = (content.w - float(columns - 1) * plan.column_gap) / float(columns);

    std::vector<FlowItem> flow;
    const float heading_w = plan.column_w - heading_indent(canvas);
    for (const auto& [area, goals] : group_by_area(feed.term.goals)) {
        TextBlock continued;
        const std::size_t heading_index = plan.items.size();
        if (!area.empty()) {
            GoalItem heading;
            heading.is_heading = true;
            heading.heading = canvas.layout(area, TextStyle::subtitle, heading_w);
            heading.height = heading.heading.height + 0.3f * u;
            plan.items.push_back(heading);
            flow.push_back({heading.height, true, 0});
            continued = canvas.layout(area + kContinued, TextStyle::subtitle, heading_w);
        }
        for (const Goal* goal : goals) {
            GoalItem item = measure_goal(canvas, *goal, title_style, small_style, plan.column_w, details);
            float continuation = 0;
            if (!area.empty()) {
                item.has_heading = true;
                item.heading_item = heading_index;
                item.heading = continued;
                continuation = continued.height + 0.3f * u + plan.item_gap;
            }
            flow.push_back({item.height, false, continuation});
            plan.items.push_back(std::move(item));
        }
    }
    // Spread over the pages needed, so a continued page is as full as the first.
    plan.pages = pages::flow_even(flow, content.h, plan.item_gap, columns);
    return plan;
}

Plan make_plan(Canvas& canvas, const Feed& feed, const Rect& area) {
    const Rect inner = pages::content_area(canvas, area);
    const std::string theme_line = feed.term.theme.empty() ? std::string() : kThemeLabel + feed.term.theme;
    const Rect content = pages::title_bar(canvas, inner, kPageTitle, theme_line, 0, 1, /*measure_only=*/true);

    // Two columns in landscape, when there are enough goals for two columns
    // to balance; a portrait screen reads best as one column of wide cards.
    const bool two = !canvas.metrics().portrait() && feed.term.goals.size() > 3;
    const int columns = two ? 2 : 1;

    // Largest type that fits on one screen. Details are a bonus for a screen
    // with room to spare: from the hall door the titles are what is read, so
    // details go before the type gets smaller. Below body size we split into
    // pages instead, so titles stay readable from the hall door.
    struct Option {
        TextStyle title, small;
        bool details;
    };
    static constexpr std::array<Option, 3> kOptions = {{
        {TextStyle::subtitle, TextStyle::body, true},
        {TextStyle::subtitle, TextStyle::body, false},
        {TextStyle::body, TextStyle::caption, false},
    }};
    // The smallest option decides how many pages are unavoidable; the first
    // (largest) option that needs no more than that wins.
    std::vector<Plan> plans;
    for (const Option& option : kOptions)
        plans.push_back(plan_at(canvas, feed, content, columns, option.title, option.small, option.details));
    const std::size_t fewest = plans.back().pages.size();
    Plan plan;
    for (Plan& candidate : plans) {
        if (candidate.pages.size() <= fewest) {
            plan = std::move(candidate);
            break;
        }
    }
    return plan;
}

// ---- [draw] ----------------------------------------------------------------

// Returns the height drawn.
float draw_heading(Canvas& canvas, const TextBlock& heading, float x, float y) {
    const float u = canvas.metrics().unit();
    // A red bar left of the area's name marks where a new area starts.
    const float line = canvas.line_height(heading.style);
    canvas.fill(Rect{x, y + 0.2f * line, 0.6f * u, 0.6f * line}, theme::flag_red, 0.2f * u);
    canvas.draw(heading, {x + heading_indent(canvas), y}, theme::flag_red_dark);
    return heading.height + 0.3f * u;
}

void draw_goal(Canvas& canvas, const GoalItem& item, float x, float y, float width) {
    const CardMetrics m = card_metrics(canvas);
    const float u = canvas.metrics().unit();
    const Rect card{x, y, width, item.height};
    canvas.fill(card, theme::panel, 0.8f * u);
    canvas.outline(card, theme::panel_border, std::max(1.0f, 0.15f * u), 0.8f * u);

    const float ix = x + m.pad_x;
    const float inner = width - 2 * m.pad_x;
    float cy = y + m.pad;
    canvas.draw(item.title, {ix, cy}, theme::ink);
    cy += item.title.height;
    if (!item.detail.text.empty()) {
        cy += m.title_gap;
        canvas.draw(item.detail, {ix, cy}, theme::ink_secondary);
        cy += item.detail.height;
    }
    if (item.goal->progress) {
        cy += m.bar_gap;
        const auto fraction = static_cast<float>(item.goal->progress->fraction());
        if (item.progress_below_bar) {
            canvas.progress_bar(Rect{ix, cy, inner, m.bar_h}, fraction, theme::progress_fill, theme::progress_track);
            canvas.draw(item.progress, {ix, cy + m.bar_h + 0.6f * u}, theme::ink);
        } else {
            const float row = std::max(m.bar_h, item.progress.height);
            const float bar_w = inner - item.progress.width - 2 * u;
            canvas.progress_bar(Rect{ix, cy + (row - m.bar_h) / 2, bar_w, m.bar_h}, fraction, theme::progress_fill,
                                theme::progress_track);
            canvas.draw(item.progress, {ix + inner - item.progress.width, cy + (row - item.progress.height) / 2},
                        theme::ink);
        }
    }
}

class GoalsPage final : public Page {
public:
    std::string name() const override { return "goals"; }

    int page_count(const PageContext& ctx, Canvas& canvas, const Rect& area) override {
        if (ctx.feed.term.goals.empty()) return 0;
        return static_cast<int>(plan_for(ctx, canvas, area).pages.size());
    }

    void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) override {
        if (ctx.feed.term.goals.empty()) return;
        const Plan& plan = plan_for(ctx, canvas, area);
        const int count = static_cast<int>(plan.pages.size());
        if (index < 0 || index >= count) return;

        const std::string& theme_text = ctx.feed.term.theme;
        const std::string theme_line = theme_text.empty() ? std::string() : kThemeLabel + theme_text;
        pages::title_bar(canvas, pages::content_area(canvas, area), kPageTitle, theme_line, index, count, false);

        const Rect previous_clip = canvas.clip();
        canvas.set_clip(plan.content);
        const FlowPage& page = plan.pages[static_cast<std::size_t>(index)];
        for (std::size_t c = 0; c < page.columns.size(); ++c) {
            const float x = plan.content.x + float(c) * (plan.column_w + plan.column_gap);
            float y = plan.content.y;
            const pages::FlowColumn& column = page.columns[c];
            if (column.continued) y += draw_heading(canvas, plan.items[column.first].heading, x, y) + plan.item_gap;
            for (std::size_t i = column.first; i < column.last; ++i) {
                const GoalItem& item = plan.items[i];
                if (item.is_heading)
                    draw_heading(canvas, item.heading, x, y);
                else
                    draw_goal(canvas, item, x, y, plan.column_w);
                y += item.height + plan.item_gap;
            }
        }
        canvas.set_clip(previous_clip);
    }

private:
    // The plan depends only on the feed (immutable, so its address and
    // version identify it) and the area; it is measured once per change
    // rather than every frame.
    const Plan& plan_for(const PageContext& ctx, Canvas& canvas, const Rect& area) {
        const Key key{&ctx.feed, ctx.feed.version, ctx.feed.generated_at.instant, area.x, area.y, area.w, area.h, canvas.metrics().width,
                      canvas.metrics().height};
        if (!cached_ || !(cached_->first == key)) cached_.emplace(key, make_plan(canvas, ctx.feed, area));
        return cached_->second;
    }
    struct Key {
        const Feed* feed;
        int64_t version;
        Instant generated_at;  // with the address and version: this exact feed
        float x, y, w, h;
        int screen_w, screen_h;
        bool operator==(const Key&) const = default;
    };
    std::optional<std::pair<Key, Plan>> cached_;
};

}  // namespace

std::unique_ptr<Page> make_goals_page() { return std::make_unique<GoalsPage>(); }

}  // namespace campus::kiosk
