// Countdowns to the school's coming events (运动会, 期中考试, 开放日 …): the
// number of days in display type, then the event, its date with the weekday,
// its time and place. Nothing coming: the rotation skips the page.
//
// One event coming is the page's whole subject: it becomes a hero countdown
// (the title, "还有 8 天" at hero size, a calendar leaf with the date, the
// time and place), side by side on a landscape screen and stacked on a
// portrait one, so neither leaves most of the screen empty.
//
// Sections:
//   [plan]  measuring the cards, setting them in rows (a grid read left to
//           right, soonest first) and flowing the rows into pages
//   [hero]  the single event: measuring its countdown; make_plan() chooses
//           between the hero and the cards
//   [draw]
#include <algorithm>
#include <array>
#include <optional>

#include "kiosk/page.hpp"
#include "kiosk/pages/notice_extras.hpp"
#include "kiosk/pages/notice_util.hpp"
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

struct Hero {
    ComingEvent event;
    TextBlock title;                  // the event, in even lines
    TextBlock lead, number, unit;     // 还有 / 8 / 天, or 今天 / 明天 alone
    TextBlock leaf_month, leaf_day, leaf_weekday;  // the calendar leaf: 11月 / 26 / 星期四
    bool leaf = false;                // false: the date goes into `details`
    TextBlock details;                // 08:00 · 学校田径场 (with the date when there is no leaf)
    bool stacked = false;             // countdown above the leaf (portrait), else side by side
    float spread = 0;                 // air added to each gap so the block fills a tall screen
    float height = 0;                 // with the spread
};

struct Plan {
    Rect content;
    int columns = 1;
    float column_w = 0, column_gap = 0, card_gap = 0;
    float count_w = 0;  // the countdown's width, the same on every card so titles line up
    std::vector<Card> cards;
    std::vector<float> row_heights;      // a row holds `columns` cards, as tall as its tallest
    std::vector<pages::FlowPage> pages;  // flows rows, not cards: one column of rows per page
    std::optional<Hero> hero;           // one event: its countdown is the page
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
    // Spread over the pages needed: a continued page is no stub.
    plan.pages = pages::flow_even(items, content.h, plan.card_gap, 1);
    return plan;
}

// ---- [hero] ----------------------------------------------------------------

struct HeroGaps {
    float title, row, details, beside, leaf_pad, count_pad;
};
HeroGaps hero_gaps(const Canvas& canvas) {
    const float u = canvas.metrics().unit();
    return {4.0f * u, 4.0f * u, 3.5f * u, 8.0f * u, 1.2f * u, 0.8f * u};
}

// Type sizes for one attempt, largest first.
struct HeroLevel {
    TextStyle title, number, words, details;
    bool leaf;
};
constexpr std::array<HeroLevel, 3> kHeroLevels = {{
    {TextStyle::display, TextStyle::hero, TextStyle::title, TextStyle::title, true},
    {TextStyle::display, TextStyle::hero, TextStyle::title, TextStyle::subtitle, false},
    {TextStyle::title, TextStyle::display, TextStyle::subtitle, TextStyle::subtitle, false},
}};

float count_width(const Canvas& canvas, const Hero& h) {
    if (h.lead.text.empty()) return h.number.width;
    return h.lead.width + h.number.width + h.unit.width + 2 * hero_gaps(canvas).count_pad;
}
float leaf_height(const Canvas& canvas, const Hero& h) {
    const float pad = hero_gaps(canvas).leaf_pad;
    return h.leaf_month.height + 2 * pad + h.leaf_day.height + h.leaf_weekday.height + pad;
}
// Stacked, the leaf is nearly square: a calendar, not a strip.
float leaf_width(const Canvas& canvas, const Hero& h) {
    const float pad = 2.5f * hero_gaps(canvas).leaf_pad;
    const float text_w = std::max({h.leaf_month.width, h.leaf_day.width, h.leaf_weekday.width}) + 2 * pad;
    return h.stacked ? std::max(text_w, 0.85f * leaf_height(canvas, h)) : text_w;
}
// The countdown and the leaf: their row (side by side) or column (stacked).
float middle_height(const Canvas& canvas, const Hero& h) {
    if (!h.leaf) return h.number.height;
    if (h.stacked) return h.number.height + hero_gaps(canvas).row + h.spread + leaf_height(canvas, h);
    return std::max(h.number.height, leaf_height(canvas, h));
}

Hero measure_hero(Canvas& canvas, const PageContext& ctx, const ComingEvent& e, const Rect& content,
                  const HeroLevel& level) {
    const HeroGaps g = hero_gaps(canvas);
    const float unbounded = 1e6f;
    Hero h;
    h.event = e;
    h.leaf = level.leaf;
    h.stacked = canvas.metrics().portrait();
    const SchoolEvent& event = *e.event;
    // A title over two lines or more is set in even lines: no stub of a line.
    h.title = pages::balance_lines(canvas, canvas.layout(event.title, level.title, content.w));
    if (e.days_left == 0) {
        h.number = canvas.layout("今天", level.number, unbounded);
    } else if (e.days_left == 1) {
        h.number = canvas.layout("明天", level.number, unbounded);
    } else {
        h.lead = canvas.layout("还有", level.words, unbounded);
        h.number = canvas.layout(std::to_string(e.days_left), level.number, unbounded);
        h.unit = canvas.layout("天", level.words, unbounded);
    }
    const Date today = ctx.day.local.date;
    std::string details;
    if (h.leaf) {
        const std::string month = event.date.year == today.year
                                      ? std::to_string(event.date.month) + "月"
                                      : pages::year_month_text(event.date.year, event.date.month);
        // Beside the countdown the day is a size smaller, so the countdown
        // leads; stacked on a portrait screen, the leaf is the second hero.
        h.leaf_month = canvas.layout(month, level.words, unbounded);
        h.leaf_weekday = canvas.layout(pages::weekday_name(event.date.weekday()), level.words, unbounded);
        const auto leaf_day = [&](TextStyle style) {
            h.leaf_day = canvas.layout(std::to_string(event.date.day), style, unbounded);
        };
        leaf_day(h.stacked ? level.number : TextStyle::display);
        // Side by side only when both fit the width with air between.
        if (!h.stacked && count_width(canvas, h) + g.beside + leaf_width(canvas, h) > content.w) {
            h.stacked = true;
            leaf_day(level.number);
        }
        // The time and the place: one line under a row, a line each under a column.
        if (event.time) details = pages::time_text(*event.time);
        if (!event.place.empty()) details += (details.empty() ? "" : h.stacked ? "\n" : " · ") + event.place;
    } else {
        details = when_text(event, today);
    }
    if (!details.empty()) h.details = canvas.layout(details, level.details, content.w);

    h.height = h.title.height + g.title + middle_height(canvas, h);
    int gaps = h.leaf && h.stacked ? 2 : 1;
    if (!h.details.text.empty()) {
        h.height += g.details + h.details.height;
        ++gaps;
    }
    // A tall screen: the gaps grow (up to twice their size) until the block
    // fills 85 % of the content, rather than float in the middle.
    const float want = content.h * 0.85f - h.height;
    if (want > 0) {
        h.spread = std::min(want / float(gaps), g.title);
        h.height += h.spread * float(gaps);
    }
    return h;
}

// The largest level whose hero fits the content, or nullopt (the cards take over).
std::optional<Hero> plan_hero(Canvas& canvas, const PageContext& ctx, const ComingEvent& e, const Rect& content) {
    for (const HeroLevel& level : kHeroLevels) {
        Hero h = measure_hero(canvas, ctx, e, content, level);
        const bool fits = h.title.fits && h.height <= content.h + 0.5f && count_width(canvas, h) <= content.w + 0.5f &&
                          (!h.leaf || leaf_width(canvas, h) <= content.w + 0.5f);
        if (fits) return h;
    }
    return std::nullopt;
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
    if (events.size() == 1) {
        plan.content = content;
        plan.hero = plan_hero(canvas, ctx, events.front(), content);
        if (plan.hero) {
            plan.pages.resize(1);
            return plan;
        }
    }
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

// `height`: the card's row, at least card.height (taller when the page has room).
void draw_card(Canvas& canvas, const Plan& plan, const Card& card, float x, float y, float height) {
    const float u = canvas.metrics().unit();
    const float pad = card_pad(canvas);
    const Rect box{x, y, plan.column_w, height};
    const bool soon = card.event.days_left <= 1;
    canvas.fill(box, theme::panel, 0.8f * u);
    canvas.outline(box, soon ? theme::flag_red : theme::panel_border, std::max(1.0f, (soon ? 0.3f : 0.15f) * u),
                   0.8f * u);

    // The countdown, right-aligned in its slot so the numbers' last digits line
    // up down the page; "还有" and "天" sit on the number's baseline (bottom of
    // the line boxes, nudged for the smaller type's shallower descent).
    const float slot_right = x + pad + plan.count_w;
    const float num_y = y + (height - card.number.height) / 2;
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
    canvas.fill(Rect{rule_x, y + pad, std::max(1.0f, 0.15f * u), height - 2 * pad}, theme::panel_border);

    const float tx = slot_right + 2.5f * u;
    const float text_h = card.title.height + 0.5f * u + card.when.height;
    const float ty = y + (height - text_h) / 2;
    canvas.draw(card.title, {tx, ty}, theme::ink);
    canvas.draw(card.when, {tx, ty + card.title.height + 0.5f * u}, theme::ink_secondary);
}

// The countdown: the number on its own, or "还有" and "天" on its baseline
// (the bottom of the line boxes, nudged for the smaller type's shallower descent).
void draw_countdown(Canvas& canvas, const Hero& h, float x, float y) {
    const float pad = hero_gaps(canvas).count_pad;
    if (h.lead.text.empty()) {
        canvas.draw(h.number, {x, y}, theme::flag_red_dark);
        return;
    }
    const float small_y = y + h.number.height - h.unit.height - 0.12f * (h.number.height - h.unit.height);
    canvas.draw(h.lead, {x, small_y}, theme::ink_secondary);
    x += h.lead.width + pad;
    canvas.draw(h.number, {x, y}, theme::flag_red_dark);
    x += h.number.width + pad;
    canvas.draw(h.unit, {x, small_y}, theme::ink_secondary);
}

// A leaf of a desk calendar: the month on a red band, the day large, the weekday.
void draw_leaf(Canvas& canvas, const Hero& h, float x, float y) {
    const float u = canvas.metrics().unit();
    const float pad = hero_gaps(canvas).leaf_pad;
    const Rect box{x, y, leaf_width(canvas, h), leaf_height(canvas, h)};
    const float band_h = h.leaf_month.height + 2 * pad;
    canvas.fill(box, theme::panel, 0.8f * u);
    canvas.draw_list()->AddRectFilled(box.min(), {box.right(), box.y + band_h}, theme::flag_red, 0.8f * u,
                                      ImDrawFlags_RoundCornersTop);
    canvas.outline(box, theme::panel_border, std::max(1.0f, 0.15f * u), 0.8f * u);
    canvas.draw(h.leaf_month, {box.x, box.y + pad}, theme::header_ink, Align::center, box.w);
    float cy = box.y + band_h;
    canvas.draw(h.leaf_day, {box.x, cy}, theme::ink, Align::center, box.w);
    cy += h.leaf_day.height;
    canvas.draw(h.leaf_weekday, {box.x, cy}, theme::ink_secondary, Align::center, box.w);
}

// The hero, centred as one block in the content.
void draw_hero(Canvas& canvas, const Hero& h, const Rect& c) {
    const HeroGaps g = hero_gaps(canvas);
    float y = c.y + std::max(0.0f, (c.h - h.height) / 2);
    canvas.draw(h.title, {c.x, y}, theme::ink, Align::center, c.w);
    y += h.title.height + g.title + h.spread;

    const float count_w = count_width(canvas, h);
    const float middle_h = middle_height(canvas, h);
    if (!h.leaf) {
        draw_countdown(canvas, h, c.x + (c.w - count_w) / 2, y);
    } else if (h.stacked) {
        draw_countdown(canvas, h, c.x + (c.w - count_w) / 2, y);
        draw_leaf(canvas, h, c.x + (c.w - leaf_width(canvas, h)) / 2, y + h.number.height + g.row + h.spread);
    } else {
        const float leaf_w = leaf_width(canvas, h);
        const float x = c.x + (c.w - (count_w + g.beside + leaf_w)) / 2;
        draw_countdown(canvas, h, x, y + (middle_h - h.number.height) / 2);
        draw_leaf(canvas, h, x + count_w + g.beside, y + (middle_h - leaf_height(canvas, h)) / 2);
    }
    y += middle_h;
    if (!h.details.text.empty())
        canvas.draw(h.details, {c.x, y + g.details + h.spread}, theme::ink_secondary, Align::center, c.w);
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
        if (plan.hero) {
            draw_hero(canvas, *plan.hero, plan.content);
            canvas.set_clip(previous_clip);
            return;
        }
        const pages::FlowPage& page = plan.pages[static_cast<std::size_t>(index)];
        const auto per_row = static_cast<std::size_t>(plan.columns);
        const std::size_t first = page.columns.front().first, last = page.columns.front().last;
        // Rows grow into the room the page leaves (a portrait screen with a
        // few events), by at most half their height: cards, not gaps.
        float used = 0;
        for (std::size_t r = first; r < last; ++r) used += (r == first ? 0 : plan.card_gap) + plan.row_heights[r];
        const float room = std::max(0.0f, plan.content.h - used) / float(std::max<std::size_t>(1, last - first));
        float y = plan.content.y;
        for (std::size_t r = first; r < last; ++r) {
            const float row_h = plan.row_heights[r] + std::min(room, 0.5f * plan.row_heights[r]);
            for (std::size_t c = 0; c < per_row && r * per_row + c < plan.cards.size(); ++c) {
                const float x = plan.content.x + float(c) * (plan.column_w + plan.column_gap);
                draw_card(canvas, plan, plan.cards[r * per_row + c], x, y, row_h);
            }
            y += row_h + plan.card_gap;
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
