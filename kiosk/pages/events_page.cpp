// Countdowns to the school's coming events (运动会, 期中考试, 开放日 …): the
// number of days in display type, then the event, its date with the weekday,
// its time and place. Nothing coming: the rotation skips the page.
//
// Sections:
//   [plan]  measuring the cards, setting them in rows (a grid read left to
//           right, soonest first) and flowing the rows into pages
//   [draw]
#include <algorithm>
#include <array>
#include <optional>

#include "kiosk/page.hpp"
#include "kiosk/pages/notice_extras.hpp"
#include "kiosk/pages/page_util.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk {
namespace {

constexpr const char* kPageTitle = "活动倒计时";

// ---- [plan] ----------------------------------------------------------------

struct Card {
    ComingEvent event;
    TextBlock lead;    // 还有
    TextBlock number;  // 12, or 今天 / 明天
    TextBlock unit;    // 天
    TextBlock title;
    TextBlock when;    // 11月20日 星期五 · 08:30 · 操场
    float height = 0;
};

struct Plan {
    Rect content;
    int columns = 1;
    float column_w = 0, column_gap = 0, card_gap = 0;
    float count_w = 0;  // the countdown's width, the same on every card so titles line up
    std::vector<Card> cards;
    std::vector<float> row_heights;      // a row holds `columns` cards, as tall as its tallest
    std::vector<pages::FlowPage> pages;  // flows rows, not cards: one column of rows per page
};

float card_pad(const Canvas& canvas) { return 1.6f * canvas.metrics().unit(); }

std::string when_text(const SchoolEvent& event, const Date& today) {
    std::string text = event.date.year == today.year ? pages::date_weekday_text(event.date)
                                                     : std::to_string(event.date.year) + "年" +
                                                           pages::date_weekday_text(event.date);
    if (event.time) text += " · " + pages::time_text(*event.time);
    if (!event.place.empty()) text += " · " + event.place;
    return text;
}

Plan plan_at(Canvas& canvas, const PageContext& ctx, const std::vector<ComingEvent>& events, const Rect& content,
             int columns, TextStyle number_style, TextStyle title_style, TextStyle small_style) {
    const float u = canvas.metrics().unit();
    const float pad = card_pad(canvas);
    Plan plan;
    plan.content = content;
    plan.columns = columns;
    plan.column_gap = 4 * u;
    plan.card_gap = 1.5f * u;
    plan.column_w = (content.w - float(columns - 1) * plan.column_gap) / float(columns);

    const float unbounded = 1e6f;
    for (const ComingEvent& e : events) {
        Card card;
        card.event = e;
        if (e.days_left == 0) {
            card.number = canvas.layout("今天", number_style, unbounded);
        } else if (e.days_left == 1) {
            card.number = canvas.layout("明天", number_style, unbounded);
        } else {
            card.lead = canvas.layout("还有", title_style, unbounded);
            card.number = canvas.layout(std::to_string(e.days_left), number_style, unbounded);
            card.unit = canvas.layout("天", title_style, unbounded);
        }
        const float w = card.lead.width + card.number.width + card.unit.width +
                        (card.lead.text.empty() ? 0 : 2 * 0.6f * u);
        plan.count_w = std::max(plan.count_w, w);
        plan.cards.push_back(std::move(card));
    }
    const float text_x = pad + plan.count_w + 2.5f * u;
    const float text_w = std::max(1.0f, plan.column_w - text_x - pad);
    for (Card& card : plan.cards) {
        card.title = canvas.layout(card.event.event->title, title_style, text_w);
        card.when = canvas.layout(when_text(*card.event.event, ctx.day.local.date), small_style, text_w);
        const float text_h = card.title.height + 0.5f * u + card.when.height;
        card.height = std::max(card.number.height, text_h) + 2 * pad;
    }
    // Cards in a row share its height, so the grid's lines stay straight.
    std::vector<pages::FlowItem> items;
    for (std::size_t i = 0; i < plan.cards.size(); i += static_cast<std::size_t>(columns)) {
        float h = 0;
        for (std::size_t k = i; k < std::min(plan.cards.size(), i + static_cast<std::size_t>(columns)); ++k)
            h = std::max(h, plan.cards[k].height);
        plan.row_heights.push_back(h);
        items.push_back({h, false, 0});
    }
    for (std::size_t i = 0; i < plan.cards.size(); ++i)
        plan.cards[i].height = plan.row_heights[i / static_cast<std::size_t>(columns)];
    plan.pages = pages::flow_into_pages(items, content.h, plan.card_gap, 1);
    return plan;
}

// The soonest coming event with a photo or a link: its photo and QR code
// take a side of the page (notice_extras), the cards the rest.
const SchoolEvent* featured_event(const PageContext& ctx) {
    for (const ComingEvent& e : coming_events(ctx.feed, ctx.now))
        if (!e.event->image.empty() || !e.event->link.empty()) return e.event;
    return nullptr;
}

pages::NoticeSplit split_of(const PageContext& ctx, const Canvas& canvas, const Rect& area) {
    const Rect whole = pages::content_area(canvas, area);
    const SchoolEvent* featured = featured_event(ctx);
    if (featured == nullptr) return {whole, Rect{whole.right(), whole.y, 0, 0}};
    return pages::split_for_extras(ctx, canvas, whole, featured->image, featured->link);
}

Plan make_plan(Canvas& canvas, const PageContext& ctx, const Rect& area) {
    const std::vector<ComingEvent> events = coming_events(ctx.feed, ctx.now);
    const Rect inner = split_of(ctx, canvas, area).text;
    const Rect content = pages::title_bar(canvas, inner, kPageTitle, {}, 0, 1, /*measure_only=*/true);
    Plan plan;
    if (events.empty()) return plan;
    // Two columns only when a landscape screen has enough events to fill them.
    const int columns = !canvas.metrics().portrait() && events.size() > 3 ? 2 : 1;
    // Fewest pages first (the floor option decides how many are unavoidable),
    // then the largest type that needs no more.
    static constexpr std::array<std::array<TextStyle, 3>, 3> kStyles = {{
        {TextStyle::display, TextStyle::title, TextStyle::subtitle},
        {TextStyle::display, TextStyle::subtitle, TextStyle::body},
        {TextStyle::title, TextStyle::body, TextStyle::caption},
    }};
    std::vector<Plan> plans;
    for (const auto& styles : kStyles)
        plans.push_back(plan_at(canvas, ctx, events, content, columns, styles[0], styles[1], styles[2]));
    const std::size_t fewest = plans.back().pages.size();
    for (Plan& candidate : plans) {
        if (candidate.pages.size() <= fewest) {
            plan = std::move(candidate);
            break;
        }
    }
    return plan;
}

// ---- [draw] ----------------------------------------------------------------

void draw_card(Canvas& canvas, const Plan& plan, const Card& card, float x, float y) {
    const float u = canvas.metrics().unit();
    const float pad = card_pad(canvas);
    const Rect box{x, y, plan.column_w, card.height};
    const bool soon = card.event.days_left <= 1;
    canvas.fill(box, theme::panel, 0.8f * u);
    canvas.outline(box, soon ? theme::flag_red : theme::panel_border, std::max(1.0f, (soon ? 0.3f : 0.15f) * u),
                   0.8f * u);

    // The countdown, right-aligned in its slot so the numbers' last digits line
    // up down the page; "还有" and "天" sit on the number's baseline (bottom of
    // the line boxes, nudged for the smaller type's shallower descent).
    const float slot_right = x + pad + plan.count_w;
    const float num_y = y + (card.height - card.number.height) / 2;
    const ImU32 number_color = soon ? theme::flag_red_dark : theme::ink;
    if (card.lead.text.empty()) {
        canvas.draw(card.number, {slot_right - card.number.width, num_y}, number_color);
    } else {
        const float small_y = num_y + card.number.height - card.unit.height -
                              0.12f * (card.number.height - card.unit.height);
        float cx = slot_right - card.unit.width;
        canvas.draw(card.unit, {cx, small_y}, theme::ink_secondary);
        cx -= 0.6f * u + card.number.width;
        canvas.draw(card.number, {cx, num_y}, number_color);
        cx -= 0.6f * u + card.lead.width;
        canvas.draw(card.lead, {cx, small_y}, theme::ink_secondary);
    }
    // A hairline between the countdown and the event.
    const float rule_x = slot_right + 1.25f * u;
    canvas.fill(Rect{rule_x, y + pad, std::max(1.0f, 0.15f * u), card.height - 2 * pad}, theme::panel_border);

    const float tx = slot_right + 2.5f * u;
    const float text_h = card.title.height + 0.5f * u + card.when.height;
    const float ty = y + (card.height - text_h) / 2;
    canvas.draw(card.title, {tx, ty}, theme::ink);
    canvas.draw(card.when, {tx, ty + card.title.height + 0.5f * u}, theme::ink_secondary);
}

class EventsPage final : public Page {
public:
    std::string name() const override { return "events"; }

    int page_count(const PageContext& ctx, Canvas& canvas, const Rect& area) override {
        return static_cast<int>(make_plan(canvas, ctx, area).pages.size());
    }

    void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) override {
        const Plan plan = make_plan(canvas, ctx, area);
        const int count = static_cast<int>(plan.pages.size());
        if (index < 0 || index >= count) return;
        const pages::NoticeSplit split = split_of(ctx, canvas, area);
        pages::title_bar(canvas, split.text, kPageTitle, {}, index, count, false);
        if (const SchoolEvent* featured = featured_event(ctx))
            pages::draw_notice_extras(ctx, canvas, split.side, featured->image, featured->link);
        const Rect previous_clip = canvas.clip();
        canvas.set_clip(plan.content);
        const pages::FlowPage& page = plan.pages[static_cast<std::size_t>(index)];
        const auto per_row = static_cast<std::size_t>(plan.columns);
        float y = plan.content.y;
        for (std::size_t r = page.columns.front().first; r < page.columns.front().last; ++r) {
            for (std::size_t c = 0; c < per_row && r * per_row + c < plan.cards.size(); ++c) {
                const float x = plan.content.x + float(c) * (plan.column_w + plan.column_gap);
                draw_card(canvas, plan, plan.cards[r * per_row + c], x, y);
            }
            y += plan.row_heights[r] + plan.card_gap;
        }
        canvas.set_clip(previous_clip);
    }

    std::vector<std::string> pictures(const PageContext& ctx, int) const override {
        const SchoolEvent* featured = featured_event(ctx);
        if (featured == nullptr || featured->image.empty()) return {};
        return {featured->image};
    }
};

}  // namespace

std::unique_ptr<Page> make_events_page() { return std::make_unique<EventsPage>(); }

}  // namespace campus::kiosk
