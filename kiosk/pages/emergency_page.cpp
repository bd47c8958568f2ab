// The emergency alert (紧急通知): drawn by the app INSTEAD of the header and
// the page, over the whole screen, on every targeted screen, until its window
// ends or it leaves the feed. Every active emergency for the screen is on it:
// a fire alarm must not hide a typhoon dismissal.
//
// It must read from 10–50 m: white on a deep red (7.9:1), the title in the
// largest type whose glyphs the atlas holds (kiosk/fonts.cpp bakes emergency
// titles into the hero and display tiers, their bodies into display), the
// body as large as fits. No motion: nothing blinks.
//
// One alert:
//   ┌──────────────────────────────────────────────────────────┐
//   │ [紧急通知]                     发布于 今天 09:30 · 至 11:00 │
//   │              暴雨红色预警：今日停课                         │  hero
//   │      请各班留在教室，等候家长接送……                          │  display … subtitle
//   │                                                     1/2  │  only for a long body, in a band of its own
//   └──────────────────────────────────────────────────────────┘
// Several at once share the takeover, newest first: every title always
// visible (the one whose body is shown on a white band), the count beside
// the label, then that alert's own time and body; the bodies take turns,
// each for as long as it needs (runner::emergency_part_seconds):
//   ┌──────────────────────────────────────────────────────────┐
//   │ [紧急通知] 共3条                                           │
//   │ ██ 火警：请立即按疏散路线撤离 ██████████████████████████   │  the one shown
//   │    三楼走廊燃气泄漏，请勿使用明火                            │
//   │    台风红色预警：今天下午停课                                │
//   │ 发布于 今天 09:50 · 至 11:00                                │
//   │ 实验楼二楼发生火情。请各班按疏散路线……                        │
//   │                                                     1/2  │
//   └──────────────────────────────────────────────────────────┘
//
// [SECTION] plan   the label row, the titles, the largest bodies that fit, the parts
// [SECTION] draw
#include <algorithm>

#include "kiosk/page.hpp"
#include "kiosk/pages/notice_util.hpp"
#include "kiosk/pages/emergency_page.hpp"
#include "kiosk/pages/page_util.hpp"
#include "kiosk/text/utf8.hpp"
#include "kiosk/theme.hpp"
#include "sync/announcements.hpp"

namespace campus::kiosk {
namespace {

constexpr const char* kLabel = "紧急通知";
constexpr const char* kIssued = "发布于 ";
constexpr const char* kUntil = "至 ";
constexpr const char* kCountBefore = "共";  // 共3条: how many alerts share the screen
constexpr const char* kCountAfter = "条";

constexpr ImU32 kAlarmRed = theme::rgb(0xA3, 0x15, 0x15);  // white on it: 7.9:1
constexpr ImU32 kWhite = theme::rgb(0xFF, 0xFF, 0xFF);


// [SECTION] plan ---------------------------------------------------------------

struct AlertPlan {
    const Announcement* alert = nullptr;
    TextBlock title;                    // the headline (one alert) or its line in the list (several)
    TextBlock issued;                   // several: its own time, above its body
    std::vector<TextBlock> body_parts;  // ≥ 1; one empty block when it has no body
};

// One screen of the takeover: alert `alert`'s body part `body`.
struct Part {
    std::size_t alert = 0;
    std::size_t body = 0;
};

struct Plan {
    Rect inner;            // inside the frame
    TextBlock label;       // 紧急通知
    TextBlock count;       // 共3条 (several only)
    TextBlock issued;      // one alert: 发布于 今天 09:30 · 至 11:00, in or under the label row
    float label_pad = 0;
    float row_h = 0;       // the label row's height
    bool issued_below = false;  // a narrow screen puts the time under the label
    Rect text_area;        // below the label row
    float title_pad = 0;   // several: inside each title's band
    float title_gap = 0;
    float titles_h = 0;    // several: the list of titles
    float issued_h = 0;    // several: the tallest alert time, so the body starts at one height
    float marker_band = 0; // room kept at the bottom for "1/2" when a body has parts
    std::vector<AlertPlan> alerts;
    std::vector<Part> parts;
};

std::string issued_text(const PageContext& ctx, const Announcement& alert) {
    // "Issued" is the alert's own start; without one, when the office published the feed.
    const Instant issued = alert.from.value_or(ctx.feed.generated_at.instant);
    std::string text = kIssued + pages::moment_text(ctx.feed, issued, ctx.day.local.date);
    if (alert.until) {
        const LocalTime end = school_local_time(ctx.feed, *alert.until);
        // Ending today: the hour says it all.
        text += " · ";
        text += kUntil;
        text += end.date == ctx.day.local.date ? pages::time_text(end.time)
                                               : pages::moment_text(ctx.feed, *alert.until, ctx.day.local.date);
    }
    return text;
}

// The body in one block at the largest size from `largest` to subtitle that
// fits `box_h`; else continued over parts at subtitle (set below what reads
// from the back of a hall it would not be), each part leaving `marker_band`
// at the bottom for its "1/2".
std::vector<TextBlock> body_parts(Canvas& canvas, std::string_view body, TextStyle largest, float box_w, float box_h,
                                  float marker_band) {
    if (body.empty()) return {TextBlock{}};
    const TextBlock fitted = canvas.fit(body, largest, TextStyle::subtitle, box_w, box_h);
    if (fitted.fits) return {fitted};
    const TextBlock whole = canvas.layout(body, TextStyle::subtitle, box_w);
    const auto per_part = static_cast<std::size_t>(
        std::max(1.0f, (box_h - marker_band) / canvas.line_height(whole.style)));
    std::vector<TextBlock> parts = pages::split_into_screens(canvas, whole, per_part);
    if (parts.empty()) parts.push_back(TextBlock{});
    return parts;
}

float marker_band_of(const Canvas& canvas) {
    return canvas.line_height(TextStyle::subtitle) + 1.5f * canvas.metrics().unit();
}

// The label row: 紧急通知 (and 共N条, or the one alert's time).
void plan_label_row(Plan& plan, Canvas& canvas, const PageContext& ctx, const std::vector<const Announcement*>& alerts) {
    const float u = canvas.metrics().unit();
    const Rect& in = plan.inner;
    plan.label_pad = 1.5f * u;
    // The label at display size (a program string: every tier holds it), the
    // time and the count at title size: both read from the back of the hall.
    plan.label = canvas.fit(kLabel, TextStyle::display, TextStyle::title, in.w - 2 * plan.label_pad, in.h * 0.2f);
    const float label_w = plan.label.width + 2 * plan.label_pad;
    const float gap = 3 * u;
    plan.row_h = plan.label.height;
    if (alerts.size() > 1) {
        plan.count = canvas.layout(kCountBefore + std::to_string(alerts.size()) + kCountAfter, TextStyle::title,
                                   std::max(1.0f, in.w - label_w - gap));
        plan.row_h = std::max(plan.label.height, plan.count.height);
        return;
    }
    const std::string issued = issued_text(ctx, *alerts.front());
    const TextBlock one_line = canvas.layout(issued, TextStyle::title, 1e6f);
    if (one_line.width <= in.w - label_w - gap) {
        plan.issued = one_line;
        plan.row_h = std::max(plan.label.height, plan.issued.height);
    } else {
        plan.issued_below = true;
        plan.issued = canvas.fit(issued, TextStyle::title, TextStyle::subtitle, in.w, in.h * 0.2f);
        plan.row_h = plan.label.height + 1.2f * u + plan.issued.height;
    }
}

void plan_one(Plan& plan, Canvas& canvas, const Announcement& alert) {
    const float u = canvas.metrics().unit();
    const Rect& t = plan.text_area;
    AlertPlan a;
    a.alert = &alert;
    const std::string body = pages::body_text(alert.body);
    // The title takes what it needs, up to half the room when there is a body;
    // the body gets the rest at the largest size that fits.
    const float gap_title = 3 * u;
    const float title_box = body.empty() ? t.h : t.h * 0.5f;
    a.title = pages::balance_lines(canvas, canvas.fit(alert.title, TextStyle::hero, TextStyle::subtitle, t.w, title_box));
    const float body_h = t.h - a.title.height - gap_title;
    a.body_parts = body_parts(canvas, body, TextStyle::display, t.w, body_h, marker_band_of(canvas));
    if (a.body_parts.size() > 1) plan.marker_band = marker_band_of(canvas);
    plan.alerts.push_back(std::move(a));
}

void plan_several(Plan& plan, Canvas& canvas, const PageContext& ctx, const std::vector<const Announcement*>& alerts) {
    const float u = canvas.metrics().unit();
    const Rect& t = plan.text_area;
    plan.title_pad = 1.0f * u;
    plan.title_gap = 1.0f * u;
    const float n = static_cast<float>(alerts.size());
    // Every title, always: the largest style at which the list takes at most
    // 45 % of the room (70 % when that is not enough), down to the floor.
    static constexpr TextStyle kTitleStyles[] = {TextStyle::display, TextStyle::title, TextStyle::subtitle,
                                                 TextStyle::body, TextStyle::caption};
    const float title_w = std::max(1.0f, t.w - 4 * plan.title_pad);
    std::vector<TextBlock> titles;
    for (const float share : {0.45f, 0.7f}) {
        for (const TextStyle style : kTitleStyles) {
            std::vector<TextBlock> trial;
            float h = (n - 1) * plan.title_gap;
            for (const Announcement* a : alerts) {
                trial.push_back(canvas.layout(a->title, style, title_w));
                h += trial.back().height + 2 * plan.title_pad;
            }
            if (h <= t.h * share || (share > 0.5f && style == TextStyle::caption)) {
                titles = std::move(trial);
                plan.titles_h = h;
                break;
            }
        }
        if (!titles.empty()) break;
    }
    const TextStyle title_style = titles.front().style;
    // Each alert's own time, and the room left for the bodies below it.
    float issued_h = 0;
    for (const Announcement* a : alerts) {
        AlertPlan ap;
        ap.alert = a;
        ap.title = titles[plan.alerts.size()];
        ap.issued = canvas.layout(issued_text(ctx, *a), TextStyle::subtitle, t.w);
        issued_h = std::max(issued_h, ap.issued.height);
        plan.alerts.push_back(std::move(ap));
    }
    plan.issued_h = issued_h;
    const float body_h = t.h - plan.titles_h - 3 * u - issued_h - 1.2f * u;
    // A body never in larger type than the titles above it: they are what
    // every passer-by must read.
    const TextStyle body_largest = std::max(TextStyle::subtitle, std::min(TextStyle::title, title_style));
    for (AlertPlan& ap : plan.alerts) {
        ap.body_parts = body_parts(canvas, pages::body_text(ap.alert->body), body_largest, t.w, body_h,
                                   marker_band_of(canvas));
        if (ap.body_parts.size() > 1) plan.marker_band = marker_band_of(canvas);
    }
}

// `alerts`: active, newest first, at least one.
Plan make_plan(Canvas& canvas, const PageContext& ctx, const std::vector<const Announcement*>& alerts, const Rect& area) {
    const float u = canvas.metrics().unit();
    Plan plan;
    plan.inner = area.inset(4 * u);
    plan_label_row(plan, canvas, ctx, alerts);
    plan.text_area = plan.inner.below(plan.row_h, 4 * u);
    if (alerts.size() == 1)
        plan_one(plan, canvas, *alerts.front());
    else
        plan_several(plan, canvas, ctx, alerts);
    for (std::size_t a = 0; a < plan.alerts.size(); ++a)
        for (std::size_t b = 0; b < plan.alerts[a].body_parts.size(); ++b) plan.parts.push_back({a, b});
    return plan;
}

std::size_t visible_characters(std::string_view text) {
    std::size_t n = 0;
    for (const text::Utf8Char c : text::utf8_chars(text))
        if (c.codepoint > U' ' && c.codepoint != U'\u3000') ++n;
    return n;
}

// [SECTION] draw ---------------------------------------------------------------

class EmergencyPage final : public EmergencyTakeover {
public:
    explicit EmergencyPage(std::vector<std::string> ids) : ids_(std::move(ids)) {}

    std::string name() const override { return "emergency"; }
    const std::vector<std::string>& alert_ids() const override { return ids_; }

    std::size_t part_characters(int index) const override {
        if (index < 0 || static_cast<std::size_t>(index) >= part_characters_.size()) return 0;
        return part_characters_[static_cast<std::size_t>(index)];
    }

    int page_count(const PageContext& ctx, Canvas& canvas, const Rect& area) override {
        const std::vector<const Announcement*> alerts = shown(ctx);
        if (alerts.empty()) {
            part_characters_.clear();
            return 0;
        }
        return static_cast<int>(remember(make_plan(canvas, ctx, alerts, area)).parts.size());
    }

    void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) override {
        const std::vector<const Announcement*> alerts = shown(ctx);
        if (alerts.empty()) return;
        const Plan plan = make_plan(canvas, ctx, alerts, area);
        remember(plan);
        const int count = static_cast<int>(plan.parts.size());
        if (index < 0 || index >= count) return;
        const Part part = plan.parts[static_cast<std::size_t>(index)];
        const AlertPlan& current = plan.alerts[part.alert];
        const float u = canvas.metrics().unit();

        canvas.fill(area, kAlarmRed);
        // A white frame: the screen reads as an alert even from the side.
        canvas.outline(area.inset(1.5f * u), kWhite, std::max(2.0f, 0.6f * u), 1.0f * u);
        const Rect previous_clip = canvas.clip();
        canvas.set_clip(area);

        const Rect& in = plan.inner;
        const float label_w = plan.label.width + 2 * plan.label_pad;
        canvas.fill(Rect{in.x, in.y, label_w, plan.label.height}, kWhite, 0.8f * u);
        canvas.draw(plan.label, {in.x + plan.label_pad, in.y}, kAlarmRed);
        if (!plan.count.lines.empty()) {
            canvas.draw(plan.count, {in.x + label_w + 3 * u, in.y + plan.label.height - plan.count.height}, kWhite);
        } else if (plan.issued_below) {
            canvas.draw(plan.issued, {in.x, in.y + plan.label.height + 1.2f * u}, kWhite);
        } else {
            // Level with the label's baseline.
            canvas.draw(plan.issued, {in.right() - plan.issued.width, in.y + plan.label.height - plan.issued.height},
                        kWhite);
        }
        // The counter of a long body's parts, in its own band: it never covers the text.
        const int parts_of_alert = static_cast<int>(current.body_parts.size());
        if (parts_of_alert > 1) {
            const TextBlock marker =
                canvas.layout(pages::page_marker(static_cast<int>(part.body), parts_of_alert), TextStyle::subtitle, in.w);
            canvas.draw(marker, {in.right() - marker.width, in.bottom() - marker.height}, kWhite);
        }
        const TextBlock& body = current.body_parts[part.body];
        if (plan.alerts.size() == 1)
            draw_one(canvas, plan, current, body);
        else
            draw_several(canvas, plan, part.alert, body);
        canvas.set_clip(previous_clip);
    }

private:
    // Title and body as one block, centred in the room below the label (and
    // above the counter's band).
    static void draw_one(Canvas& canvas, const Plan& plan, const AlertPlan& alert, const TextBlock& body) {
        const float u = canvas.metrics().unit();
        const Rect& t = plan.text_area;
        const float gap_title = 3 * u;
        const float room = t.h - plan.marker_band;
        const float block_h = alert.title.height + (body.lines.empty() ? 0 : gap_title + body.height);
        float y = t.y + std::max(0.0f, (room - block_h) / 2);
        canvas.draw(alert.title, {t.x, y}, kWhite, Align::center, t.w);
        y += alert.title.height + gap_title;
        if (body.lines.empty()) return;
        // One line centres under the title; a paragraph keeps a straight
        // left edge, centred as a block.
        if (body.lines.size() == 1)
            canvas.draw(body, {t.x, y}, kWhite, Align::center, t.w);
        else
            canvas.draw(body, {t.x + (t.w - body.width) / 2, y}, kWhite);
    }

    // Every title, newest first, the shown one on a white band; then its time and body.
    static void draw_several(Canvas& canvas, const Plan& plan, std::size_t shown, const TextBlock& body) {
        const float u = canvas.metrics().unit();
        const Rect& t = plan.text_area;
        float y = t.y;
        for (std::size_t i = 0; i < plan.alerts.size(); ++i) {
            const TextBlock& title = plan.alerts[i].title;
            const Rect band{t.x, y, t.w, title.height + 2 * plan.title_pad};
            if (i == shown) {
                canvas.fill(band, kWhite, 0.8f * u);
                canvas.draw(title, {t.x + 2 * plan.title_pad, y + plan.title_pad}, kAlarmRed);
            } else {
                canvas.outline(band, kWhite, std::max(1.0f, 0.2f * u), 0.8f * u);
                canvas.draw(title, {t.x + 2 * plan.title_pad, y + plan.title_pad}, kWhite);
            }
            y += band.h + plan.title_gap;
        }
        y += 3 * u - plan.title_gap;
        const AlertPlan& alert = plan.alerts[shown];
        canvas.draw(alert.issued, {t.x, y}, kWhite);
        y += plan.issued_h + 1.2f * u;
        if (!body.lines.empty()) canvas.draw(body, {t.x, y}, kWhite);
    }

    // The alerts still in the feed and inside their window, in the given order.
    std::vector<const Announcement*> shown(const PageContext& ctx) const {
        std::vector<const Announcement*> alerts;
        for (const std::string& id : ids_) {
            const Announcement* alert = pages::find_announcement(ctx.feed, id);
            if (alert != nullptr && is_active(*alert, ctx.now)) alerts.push_back(alert);
        }
        return alerts;
    }

    const Plan& remember(const Plan& plan) {
        part_characters_.clear();
        for (const Part& part : plan.parts) {
            const AlertPlan& a = plan.alerts[part.alert];
            part_characters_.push_back(visible_characters(a.alert->title) +
                                       visible_characters(a.body_parts[part.body].text));
        }
        return plan;
    }

    std::vector<std::string> ids_;
    std::vector<std::size_t> part_characters_;
};

}  // namespace

std::unique_ptr<EmergencyTakeover> make_emergency_takeover(std::vector<std::string> alert_ids) {
    return std::make_unique<EmergencyPage>(std::move(alert_ids));
}

std::unique_ptr<Page> make_emergency_page(std::string announcement_id) {
    return make_emergency_takeover({std::move(announcement_id)});
}

}  // namespace campus::kiosk
