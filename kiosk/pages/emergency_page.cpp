// The emergency alert (紧急通知): drawn by the app INSTEAD of the header and
// the page, over the whole screen, on every targeted screen, until its window
// ends or it leaves the feed.
//
// It must read from 10–50 m: white on a deep red (7.9:1), the title in the
// largest type whose glyphs the atlas holds (kiosk/fonts.cpp bakes emergency
// titles into the hero and display tiers, their bodies into display), the
// body as large as fits. No motion: nothing blinks.
//
//   ┌──────────────────────────────────────────────────────────┐
//   │ [紧急通知]                     发布于 今天 09:30 · 至 11:00 │
//   │                                                          │
//   │              暴雨红色预警：今日停课                         │  hero
//   │      请各班留在教室，等候家长接送……                          │  display … subtitle
//   └──────────────────────────────────────────────────────────┘
//
// Sections:
//   [plan]  the label row, then the largest title and body that fit
//   [draw]
#include <algorithm>

#include "kiosk/page.hpp"
#include "kiosk/pages/notice_util.hpp"
#include "kiosk/pages/page_util.hpp"
#include "kiosk/theme.hpp"
#include "sync/announcements.hpp"

namespace campus::kiosk {
namespace {

constexpr const char* kLabel = "紧急通知";
constexpr const char* kIssued = "发布于 ";
constexpr const char* kUntil = "至 ";

constexpr ImU32 kAlarmRed = theme::rgb(0xA3, 0x15, 0x15);  // white on it: 7.9:1
constexpr ImU32 kWhite = theme::rgb(0xFF, 0xFF, 0xFF);

// ---- [plan] ----------------------------------------------------------------

struct Plan {
    Rect inner;            // inside the frame
    TextBlock label;       // 紧急通知
    TextBlock issued;      // 发布于 今天 09:30 · 至 11:00
    float label_pad = 0;
    float row_h = 0;       // the label row's height
    bool issued_below = false;  // a narrow screen puts the time under the label
    Rect text_area;        // below the label row
    TextBlock title;
    std::vector<TextBlock> body_pages;  // one per screen; usually one
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

Plan make_plan(Canvas& canvas, const PageContext& ctx, const Announcement& alert, const Rect& area) {
    const float u = canvas.metrics().unit();
    Plan plan;
    plan.inner = area.inset(4 * u);
    const Rect& in = plan.inner;
    plan.label_pad = 1.5f * u;
    // The label at display size (a program string: every tier holds it), the
    // time at title size: both read from the back of the hall.
    plan.label = canvas.fit(kLabel, TextStyle::display, TextStyle::title, in.w - 2 * plan.label_pad, in.h * 0.2f);
    const float label_w = plan.label.width + 2 * plan.label_pad;
    const float gap = 3 * u;
    const std::string issued = issued_text(ctx, alert);
    const TextBlock one_line = canvas.layout(issued, TextStyle::title, 1e6f);
    if (one_line.width <= in.w - label_w - gap) {
        plan.issued = one_line;
        plan.row_h = std::max(plan.label.height, plan.issued.height);
    } else {
        plan.issued_below = true;
        plan.issued = canvas.fit(issued, TextStyle::title, TextStyle::subtitle, in.w, in.h * 0.2f);
        plan.row_h = plan.label.height + 1.2f * u + plan.issued.height;
    }
    plan.text_area = in.below(plan.row_h, 4 * u);
    const Rect& t = plan.text_area;

    // The title takes what it needs, up to half the room when there is a body;
    // the body gets the rest at the largest size that fits.
    const float gap_title = 3 * u;
    const float title_box = alert.body.empty() ? t.h : t.h * 0.5f;
    plan.title = pages::balance_lines(canvas, canvas.fit(alert.title, TextStyle::hero, TextStyle::subtitle, t.w, title_box));
    if (alert.body.empty()) {
        plan.body_pages.push_back(TextBlock{});
        return plan;
    }
    const float body_h = t.h - plan.title.height - gap_title;
    const TextBlock body = canvas.fit(alert.body, TextStyle::display, TextStyle::subtitle, t.w, body_h);
    if (body.fits) {
        plan.body_pages.push_back(body);
        return plan;
    }
    // An alert longer than a screen even at subtitle size: continue it on the
    // next screen rather than set it below what reads from the back of a hall.
    const TextBlock whole = canvas.layout(alert.body, TextStyle::subtitle, t.w);
    const auto per_page =
        static_cast<std::size_t>(std::max(1.0f, body_h / canvas.line_height(TextStyle::subtitle)));
    for (std::size_t first = 0; first < whole.lines.size(); first += per_page)
        plan.body_pages.push_back(pages::slice_lines(canvas, whole, first, std::min(whole.lines.size(), first + per_page)));
    return plan;
}

// ---- [draw] ----------------------------------------------------------------

class EmergencyPage final : public Page {
public:
    explicit EmergencyPage(std::string id) : id_(std::move(id)) {}

    std::string name() const override { return "emergency"; }

    int page_count(const PageContext& ctx, Canvas& canvas, const Rect& area) override {
        const Announcement* alert = pages::find_announcement(ctx.feed, id_);
        if (alert == nullptr || !is_active(*alert, ctx.now)) return 0;
        return static_cast<int>(make_plan(canvas, ctx, *alert, area).body_pages.size());
    }

    void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) override {
        const Announcement* alert = pages::find_announcement(ctx.feed, id_);
        if (alert == nullptr || !is_active(*alert, ctx.now)) return;
        const Plan plan = make_plan(canvas, ctx, *alert, area);
        const int count = static_cast<int>(plan.body_pages.size());
        if (index < 0 || index >= count) return;
        const float u = canvas.metrics().unit();

        canvas.fill(area, kAlarmRed);
        // A white frame: the screen reads as an alert even from the side.
        canvas.outline(area.inset(1.5f * u), kWhite, std::max(2.0f, 0.6f * u), 1.0f * u);
        const Rect previous_clip = canvas.clip();
        canvas.set_clip(area);

        const Rect& in = plan.inner;
        canvas.fill(Rect{in.x, in.y, plan.label.width + 2 * plan.label_pad, plan.label.height}, kWhite, 0.8f * u);
        canvas.draw(plan.label, {in.x + plan.label_pad, in.y}, kAlarmRed);
        if (plan.issued_below) {
            canvas.draw(plan.issued, {in.x, in.y + plan.label.height + 1.2f * u}, kWhite);
        } else {
            // Level with the label's baseline.
            canvas.draw(plan.issued, {in.right() - plan.issued.width, in.y + plan.label.height - plan.issued.height},
                        kWhite);
        }
        if (count > 1) {
            const TextBlock marker = canvas.layout(pages::page_marker(index, count), TextStyle::subtitle, in.w);
            canvas.draw(marker, {in.right() - marker.width, in.bottom() - marker.height}, kWhite);
        }

        // Title and body as one block, centred in the room below the label.
        const Rect& t = plan.text_area;
        const TextBlock& body = plan.body_pages[static_cast<std::size_t>(index)];
        const float gap_title = 3 * u;
        const float block_h = plan.title.height + (body.lines.empty() ? 0 : gap_title + body.height);
        float y = t.y + std::max(0.0f, (t.h - block_h) / 2);
        canvas.draw(plan.title, {t.x, y}, kWhite, Align::center, t.w);
        y += plan.title.height + gap_title;
        if (!body.lines.empty()) {
            // One line centres under the title; a paragraph keeps a straight
            // left edge, centred as a block.
            if (body.lines.size() == 1)
                canvas.draw(body, {t.x, y}, kWhite, Align::center, t.w);
            else
                canvas.draw(body, {t.x + (t.w - body.width) / 2, y}, kWhite);
        }
        canvas.set_clip(previous_clip);
    }

private:
    std::string id_;
};

}  // namespace

std::unique_ptr<Page> make_emergency_page(std::string announcement_id) {
    return std::make_unique<EmergencyPage>(std::move(announcement_id));
}

}  // namespace campus::kiosk
