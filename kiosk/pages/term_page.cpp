// The term (本学期): its name, its dates, the school week and the school's
// theme for the term. Not in any role's list: the rotation shows it only when
// every page of the screen has nothing to show (rotation.hpp's
// fallback_pages), so that a screen never shows its header over an empty
// page. A feed always has a term, so this page always has something.
//
//   ┌────────────────────────────────────────────┐
//   │ 2026—2027学年第一学期      9月1日—1月22日    │  title bar
//   │                                            │
//   │              凝心聚力、务实奋进               │  display (the theme, else the motto, else the school)
//   │                 第12周                      │  title
//   └────────────────────────────────────────────┘
#include <algorithm>

#include "kiosk/page.hpp"
#include "kiosk/pages/notice_util.hpp"  // balance_lines
#include "kiosk/pages/page_util.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk {
namespace {

constexpr const char* kBefore = "开学：";
constexpr const char* kAfter = "本学期已结束";

std::string short_date(const Date& date, const Date& today) {
    std::string text = std::to_string(date.month) + "月" + std::to_string(date.day) + "日";
    return date.year == today.year ? text : std::to_string(date.year) + "年" + text;
}

// Where the school is in its term: 第12周, 开学：9月1日, 本学期已结束.
std::string week_text(const PageContext& ctx) {
    switch (ctx.day.phase) {
        case TermPhase::before: return kBefore + short_date(ctx.feed.term.start, ctx.day.local.date);
        case TermPhase::after: return kAfter;
        case TermPhase::during: break;
    }
    return "第" + std::to_string(std::max(1, ctx.day.week)) + "周";
}

class TermPage final : public Page {
public:
    std::string name() const override { return "term"; }

    int page_count(const PageContext&, Canvas&, const Rect&) override { return 1; }

    void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) override {
        if (index != 0) return;
        const Term& term = ctx.feed.term;
        const Date& today = ctx.day.local.date;
        const std::string dates = short_date(term.start, today) + "—" + short_date(term.end, today);
        const Rect content =
            pages::title_bar(canvas, pages::content_area(canvas, area), term.name, dates, 0, 1, false);
        const float u = canvas.metrics().unit();
        const std::string& words = !term.theme.empty()           ? term.theme
                                   : !ctx.feed.school.motto.empty() ? ctx.feed.school.motto
                                                                    : ctx.feed.school.name;
        const Rect previous_clip = canvas.clip();
        canvas.set_clip(content);
        const float w = content.w * 0.9f;
        const TextBlock week = canvas.layout(week_text(ctx), TextStyle::title, w);
        const TextBlock big = pages::balance_lines(
            canvas, canvas.fit(words, TextStyle::display, TextStyle::subtitle, w, content.h - week.height - 4 * u));
        const float block_h = big.height + 3 * u + week.height;
        const float x = content.x + (content.w - w) / 2;
        float y = content.y + std::max(0.0f, (content.h - block_h) / 2 - 2 * u);
        canvas.draw(big, {x, y}, theme::flag_red_dark, Align::center, w);
        y += big.height + 3 * u;
        canvas.draw(week, {x, y}, theme::ink_secondary, Align::center, w);
        canvas.set_clip(previous_clip);
    }
};

}  // namespace

std::unique_ptr<Page> make_term_page() { return std::make_unique<TermPage>(); }

}  // namespace campus::kiosk
