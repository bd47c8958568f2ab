// An info announcement's turn in the rotation (通知): the 通知 tag and the
// dates it runs ("11月20日—11月27日"), its title large, its body wrapped in a
// reading column. A body too long for one screen continues on the next
// (1/2, 2/2), each screen repeating the tag and the title so a passer-by who
// arrives on page 2 still knows what it is about.
//
// Sections:
//   [plan]  choosing sizes and cutting the body's lines into screens
//   [draw]
#include <algorithm>
#include <array>

#include "kiosk/page.hpp"
#include "kiosk/pages/notice_extras.hpp"
#include "kiosk/pages/notice_util.hpp"
#include "kiosk/pages/page_util.hpp"
#include "kiosk/theme.hpp"
#include "sync/announcements.hpp"

namespace campus::kiosk {
namespace {

constexpr const char* kTag = "通知";

// ---- [plan] ----------------------------------------------------------------

struct Plan {
    Rect content;
    float width = 0;      // the reading column, centred
    TextBlock tag;        // 通知
    TextBlock window;     // 11月20日—11月27日
    TextBlock marker_room;  // "10/10": room kept right of the tag row for the page marker
    TextBlock title;
    float head_h = 0;     // tag row, title and rule, with their gaps
    TextStyle body_style = TextStyle::body;
    std::vector<TextBlock> body_pages;  // the body's lines, one block per screen
};

struct Gaps {
    float tag, title, rule;
};
Gaps gaps(const Canvas& canvas) {
    const float u = canvas.metrics().unit();
    return {1.8f * u, 2.2f * u, 3.0f * u};
}

Plan plan_at(Canvas& canvas, const PageContext& ctx, const Announcement& notice, const Rect& content,
             TextStyle title_style, TextStyle body_style) {
    const Gaps g = gaps(canvas);
    Plan plan;
    plan.content = content;
    plan.body_style = body_style;
    // About 30 body characters a line on a wide screen; the whole width on a
    // narrow one.
    plan.width = std::min(content.w, std::max(content.w * 0.72f, canvas.px(body_style) * 32));
    plan.tag = canvas.layout(kTag, TextStyle::subtitle, plan.width);
    plan.marker_room = canvas.layout("10/10", TextStyle::subtitle, plan.width);
    const float tag_w = plan.tag.width + 2.4f * canvas.metrics().unit();
    const std::string window = pages::window_text(ctx.feed, notice, ctx.day.local.date);
    if (!window.empty())
        plan.window = canvas.layout(window, TextStyle::subtitle,
                                    std::max(1.0f, plan.width - tag_w - plan.marker_room.width - 2 * g.tag));
    plan.title = pages::balance_lines(canvas, canvas.layout(notice.title, title_style, plan.width));
    plan.head_h = std::max(plan.tag.height, plan.window.height) + g.tag + plan.title.height + g.rule;

    // Runs of blank lines read as one paragraph break and never make a page
    // of their own (notice_util.hpp).
    const std::string text = pages::body_text(notice.body);
    const TextBlock body = canvas.layout(text, body_style, plan.width);
    const float line = canvas.line_height(body_style);
    const auto per_page = static_cast<std::size_t>(std::max(1.0f, (content.h - plan.head_h) / line));
    plan.body_pages = pages::split_into_screens(canvas, body, per_page);
    if (plan.body_pages.empty()) plan.body_pages.push_back(TextBlock{});  // no body: the title alone
    return plan;
}

Plan make_plan(Canvas& canvas, const PageContext& ctx, const Announcement& notice, const Rect& area) {
    // The notice's photo and QR code take their side; the words the rest.
    const Rect content =
        pages::split_for_extras(ctx, canvas, pages::content_area(canvas, area), notice.image, notice.link).text;
    // Fewest screens first (the last option decides how many are unavoidable),
    // then the largest type that needs no more. Body text never goes below
    // TextStyle::body: a notice is read, not glanced at.
    static constexpr std::array<std::pair<TextStyle, TextStyle>, 3> kStyles = {
        std::pair{TextStyle::title, TextStyle::subtitle}, std::pair{TextStyle::title, TextStyle::body},
        std::pair{TextStyle::subtitle, TextStyle::body}};
    std::vector<Plan> plans;
    for (const auto& [title_style, body_style] : kStyles)
        plans.push_back(plan_at(canvas, ctx, notice, content, title_style, body_style));
    const std::size_t fewest = plans.back().body_pages.size();
    for (Plan& plan : plans)
        if (plan.body_pages.size() <= fewest) return std::move(plan);
    return std::move(plans.back());
}

// ---- [draw] ----------------------------------------------------------------

class AnnouncementPage final : public Page {
public:
    explicit AnnouncementPage(std::string id) : id_(std::move(id)) {}

    std::string name() const override { return "notice-" + id_; }

    int page_count(const PageContext& ctx, Canvas& canvas, const Rect& area) override {
        const Announcement* notice = shown(ctx);
        if (notice == nullptr) return 0;
        return static_cast<int>(make_plan(canvas, ctx, *notice, area).body_pages.size());
    }

    void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) override {
        const Announcement* notice = shown(ctx);
        if (notice == nullptr) return;
        const Plan plan = make_plan(canvas, ctx, *notice, area);
        const int count = static_cast<int>(plan.body_pages.size());
        if (index < 0 || index >= count) return;
        const Gaps g = gaps(canvas);
        const float u = canvas.metrics().unit();
        const Rect& c = plan.content;
        const TextBlock& body = plan.body_pages[static_cast<std::size_t>(index)];

        // The whole screen's text as one block, centred vertically when short.
        const float block_h = plan.head_h + body.height;
        const float left = c.x + (c.w - plan.width) / 2;
        float y = c.y + std::max(0.0f, (c.h - block_h) / 2 - 2 * u);
        const Rect previous_clip = canvas.clip();
        canvas.set_clip(c);

        // Tag row: 通知 as a red tag, the dates beside it, the page marker far right.
        const float tag_pad = 1.2f * u;
        const float row_h = std::max(plan.tag.height, plan.window.height);
        canvas.fill(Rect{left, y, plan.tag.width + 2 * tag_pad, plan.tag.height}, theme::flag_red, 0.6f * u);
        canvas.draw(plan.tag, {left + tag_pad, y}, theme::header_ink);
        if (!plan.window.text.empty())
            canvas.draw(plan.window, {left + plan.tag.width + 2 * tag_pad + g.tag, y}, theme::ink_secondary);
        if (count > 1) {
            const TextBlock marker = canvas.layout(pages::page_marker(index, count), TextStyle::subtitle, plan.width);
            canvas.draw(marker, {left + plan.width - marker.width, y}, theme::ink_secondary);
        }
        y += row_h + g.tag;

        canvas.draw(plan.title, {left, y}, theme::ink);
        y += plan.title.height + g.rule / 2;
        pages::accent_rule(canvas, {left, y - 0.25f * u}, std::min(plan.width, 10 * u));
        y += g.rule / 2;

        if (!body.lines.empty()) canvas.draw(body, {left, y}, theme::ink);
        canvas.set_clip(previous_clip);
        const Rect whole = pages::content_area(canvas, area);
        pages::draw_notice_extras(ctx, canvas, pages::split_for_extras(ctx, canvas, whole, notice->image, notice->link).side,
                                  notice->image, notice->link);
    }

    std::vector<std::string> pictures(const PageContext& ctx, int) const override {
        const Announcement* notice = shown(ctx);
        if (notice == nullptr || notice->image.empty()) return {};
        return {notice->image};
    }

private:
    // The notice while it is in the feed and inside its window; the app
    // decides targeting, this only keeps a page from outliving its notice.
    const Announcement* shown(const PageContext& ctx) const {
        const Announcement* notice = pages::find_announcement(ctx.feed, id_);
        if (notice == nullptr || !is_active(*notice, ctx.now)) return nullptr;
        return notice;
    }

    std::string id_;
};

}  // namespace

std::unique_ptr<Page> make_announcement_page(std::string announcement_id) {
    return std::make_unique<AnnouncementPage>(std::move(announcement_id));
}

}  // namespace campus::kiosk
