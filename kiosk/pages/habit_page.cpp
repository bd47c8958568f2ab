// The month's focus habit (每月习惯养成重点), the hero of its page: the month,
// the habit's title in display type, its detail and tips. Marked as a preview
// (下月预告) when this month has none and the feed names an upcoming one.
// With no habit at all the page has nothing to say, and the rotation skips it.
//
// Sections:
//   [plan]  choosing sizes and, for very long tips, splitting into screens
//   [draw]
#include <algorithm>
#include <array>
#include <optional>

#include "kiosk/page.hpp"
#include "kiosk/pages/page_util.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk {
namespace {

constexpr const char* kThisMonth = "本月习惯养成重点";
constexpr const char* kNextMonth = "下月预告";
constexpr const char* kLater = "预告";
constexpr const char* kFocus = "习惯养成重点";

// ---- [plan] ----------------------------------------------------------------

struct Plan {
    const Habit* habit = nullptr;
    Rect content;
    float width = 0;        // the column the text is set in, centred
    TextBlock month;        // 十一月 (2027年1月 in another year)
    TextBlock label;        // 本月习惯养成重点
    TextBlock tag;          // 下月预告 (upcoming only)
    TextBlock title;        // the habit
    TextBlock detail;
    std::vector<TextBlock> tips;
    float tips_w = 0;       // the widest tip with its bullet: the list is centred as a block
    float hero_height = 0;  // month, label, title and detail, with their gaps
    std::vector<pages::FlowPage> pages;  // item 0 is the hero, then one item per tip
};

struct Gaps {
    float label, rule, title, detail, tip;
};
Gaps gaps(const Canvas& canvas) {
    const float u = canvas.metrics().unit();
    return {0.8f * u, 3.0f * u, 2.5f * u, 3.0f * u, 1.2f * u};
}

float bullet_indent(const Canvas& canvas, TextStyle style) { return canvas.px(style) * 1.2f; }

Plan plan_at(Canvas& canvas, const PageContext& ctx, const HabitOfMonth& hm, const Rect& content,
             TextStyle title_style, TextStyle text_style) {
    const Habit& habit = *hm.habit;
    const Gaps g = gaps(canvas);
    Plan plan;
    plan.habit = &habit;
    plan.content = content;
    // A measure of about 30 characters of body text reads best; on a wide
    // screen the column is narrower than the screen.
    plan.width = std::min(content.w, std::max(content.w * 0.7f, canvas.px(TextStyle::display) * 10));

    // The month is said once, in red: "十一月"; as "2027年1月" when it is not
    // this year's (a preview in December of January's habit).
    const Date today = ctx.day.local.date;
    const std::string month = habit.month.year == today.year
                                  ? pages::month_name(habit.month.month)
                                  : pages::year_month_text(habit.month.year, habit.month.month);
    plan.month = canvas.layout(month, TextStyle::title, plan.width);
    const std::string label = hm.upcoming ? kFocus : kThisMonth;
    if (hm.upcoming) {
        const bool next = (habit.month.year * 12 + habit.month.month) == (today.year * 12 + today.month + 1);
        plan.tag = canvas.layout(next ? kNextMonth : kLater, TextStyle::subtitle, plan.width);
    }
    plan.label = canvas.layout(label, TextStyle::subtitle, plan.width);
    plan.title = canvas.layout(habit.title, title_style, plan.width);
    if (!habit.detail.empty()) plan.detail = canvas.layout(habit.detail, text_style, plan.width);
    for (const std::string& tip : habit.tips)
        plan.tips.push_back(canvas.layout(tip, text_style, plan.width - bullet_indent(canvas, text_style)));
    for (const TextBlock& tip : plan.tips)
        plan.tips_w = std::max(plan.tips_w, bullet_indent(canvas, text_style) + tip.width);

    plan.hero_height = plan.month.height + g.label + plan.label.height + g.rule + plan.title.height;
    if (!plan.tag.text.empty()) plan.hero_height += plan.tag.height + g.label;
    if (!plan.detail.text.empty()) plan.hero_height += g.title + plan.detail.height;

    std::vector<pages::FlowItem> items{{plan.hero_height + g.detail - g.tip, false}};
    for (const TextBlock& tip : plan.tips) items.push_back({tip.height, false});
    plan.pages = pages::flow_into_pages(items, content.h, g.tip, 1);
    return plan;
}

Plan make_plan(Canvas& canvas, const PageContext& ctx, const HabitOfMonth& hm, const Rect& area) {
    const Rect content = pages::content_area(canvas, area);
    // Biggest first: the title at display size is the point of the page.
    static constexpr std::array<std::pair<TextStyle, TextStyle>, 5> kStyles = {
        std::pair{TextStyle::display, TextStyle::subtitle}, std::pair{TextStyle::display, TextStyle::body},
        std::pair{TextStyle::title, TextStyle::body}, std::pair{TextStyle::title, TextStyle::caption},
        std::pair{TextStyle::subtitle, TextStyle::caption},
    };
    Plan plan;
    for (const auto& [title_style, text_style] : kStyles) {
        plan = plan_at(canvas, ctx, hm, content, title_style, text_style);
        if (plan.pages.size() <= 1) break;
    }
    return plan;
}

// ---- [draw] ----------------------------------------------------------------

class HabitPage final : public Page {
public:
    std::string name() const override { return "habit"; }

    int page_count(const PageContext& ctx, Canvas& canvas, const Rect& area) override {
        const HabitOfMonth hm = habit_of_month(ctx.feed, ctx.day.local.date);
        if (hm.habit == nullptr) return 0;
        return static_cast<int>(make_plan(canvas, ctx, hm, area).pages.size());
    }

    void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) override {
        const HabitOfMonth hm = habit_of_month(ctx.feed, ctx.day.local.date);
        if (hm.habit == nullptr) return;
        const Plan plan = make_plan(canvas, ctx, hm, area);
        const int count = static_cast<int>(plan.pages.size());
        if (index < 0 || index >= count) return;
        const Gaps g = gaps(canvas);
        const Rect& c = plan.content;
        const float left = c.x + (c.w - plan.width) / 2;
        const float centre_x = c.x + c.w / 2;
        const float tips_x = std::max(left, centre_x - plan.tips_w / 2);

        // The page's items, centred vertically as one block.
        const pages::FlowColumn column = plan.pages[static_cast<std::size_t>(index)].columns.front();
        float block_h = 0;
        for (std::size_t i = column.first; i < column.last; ++i) {
            block_h += (i == column.first ? 0 : g.tip) + (i == 0 ? plan.hero_height + g.detail - g.tip
                                                                  : plan.tips[i - 1].height);
        }
        float y = c.y + std::max(0.0f, (c.h - block_h) / 2);

        const Rect previous_clip = canvas.clip();
        canvas.set_clip(c);
        if (count > 1) {
            const TextBlock marker = canvas.layout(pages::page_marker(index, count), TextStyle::subtitle, c.w);
            canvas.draw(marker, {c.right() - marker.width, c.y}, theme::ink_secondary);
        }
        for (std::size_t i = column.first; i < column.last; ++i) {
            if (i == 0) {
                y = draw_hero(canvas, plan, left, centre_x, y) + g.detail;
                continue;
            }
            const TextBlock& tip = plan.tips[i - 1];
            // Tips are set as a left-aligned list in the centred column; a
            // drawn dot, so no bullet glyph depends on the font.
            const float line = canvas.line_height(tip.style);
            const float dot = 0.18f * canvas.px(tip.style);
            canvas.draw_list()->AddCircleFilled({tips_x + dot, y + line / 2}, dot, theme::flag_red);
            canvas.draw(tip, {tips_x + bullet_indent(canvas, tip.style), y}, theme::ink);
            y += tip.height + g.tip;
        }
        canvas.set_clip(previous_clip);
    }

private:
    // Returns the y below the hero.
    static float draw_hero(Canvas& canvas, const Plan& plan, float left, float centre_x, float y) {
        const Gaps g = gaps(canvas);
        const float u = canvas.metrics().unit();
        // "下月预告" as a red tag above the month, so an upcoming habit is
        // never mistaken for this month's.
        if (!plan.tag.text.empty()) {
            const float pad = 1.2f * u;
            const float x = centre_x - plan.tag.width / 2;
            canvas.fill(Rect{x - pad, y, plan.tag.width + 2 * pad, plan.tag.height}, theme::flag_red, 0.6f * u);
            canvas.draw(plan.tag, {x, y}, theme::header_ink);
            y += plan.tag.height + g.label;
        }
        canvas.draw(plan.month, {left, y}, theme::flag_red, Align::center, plan.width);
        y += plan.month.height + g.label;

        canvas.draw(plan.label, {left, y}, theme::ink_secondary, Align::center, plan.width);
        y += plan.label.height + g.rule / 2;
        pages::accent_rule(canvas, {centre_x - 5 * u, y - 0.25f * u}, 10 * u);
        y += g.rule / 2;

        canvas.draw(plan.title, {left, y}, theme::ink, Align::center, plan.width);
        y += plan.title.height;
        if (!plan.detail.text.empty()) {
            y += g.title;
            // One line sits centred under the title; a paragraph reads better
            // with a straight left edge, so it is centred as a block instead.
            if (plan.detail.lines.size() <= 1)
                canvas.draw(plan.detail, {left, y}, theme::ink, Align::center, plan.width);
            else
                canvas.draw(plan.detail, {centre_x - plan.detail.width / 2, y}, theme::ink);
            y += plan.detail.height;
        }
        return y;
    }
};

}  // namespace

std::unique_ptr<Page> make_habit_page() { return std::make_unique<HabitPage>(); }

}  // namespace campus::kiosk
