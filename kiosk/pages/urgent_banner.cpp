// The urgent banner: see urgent_banner.hpp.
//
// Amber, not red: red is the emergency's (and the flag's) colour, and a banner
// that sits on every page for days must not read as an alarm. Dark ink on
// amber is 11:1; the 紧急 label is white on the school's dark red.
#include "kiosk/pages/urgent_banner.hpp"

#include <algorithm>
#include <array>

#include "kiosk/theme.hpp"

namespace campus::kiosk {
namespace {

constexpr const char* kLabel = "紧急";
constexpr ImU32 kBannerBackground = theme::rgb(0xFF, 0xD5, 0x4F);  // amber; ink on it 11.6:1
constexpr ImU32 kBannerEdge = theme::rgb(0xE0, 0xA8, 0x00);

struct Plan {
    TextBlock label;
    std::vector<TextBlock> titles;
    float pad_x = 0, pad_y = 0, gap = 0, label_w = 0;
    float height = 0;
};

Plan plan_at(Canvas& canvas, float width, const std::vector<const Announcement*>& urgent, TextStyle style) {
    const float u = canvas.metrics().unit();
    Plan plan;
    plan.pad_x = 1.6f * u;
    plan.pad_y = 0.9f * u;
    plan.gap = 0.6f * u;
    plan.label = canvas.layout(kLabel, style, 1e6f);
    plan.label_w = plan.label.width + 2 * plan.pad_x;
    const float text_x = plan.label_w + plan.pad_x;
    const float text_w = std::max(1.0f, width - text_x - plan.pad_x);
    float h = 0;
    for (const Announcement* a : urgent) {
        if (a == nullptr) continue;
        plan.titles.push_back(canvas.layout(a->title, style, text_w));
        h += (plan.titles.size() > 1 ? plan.gap : 0) + plan.titles.back().height;
    }
    if (plan.titles.empty()) return plan;
    plan.height = std::max(h, plan.label.height) + 2 * plan.pad_y;
    return plan;
}

Plan make_plan(Canvas& canvas, float width, const std::vector<const Announcement*>& urgent) {
    // The largest type whose strip leaves two thirds of the screen to the page.
    const float budget = static_cast<float>(canvas.metrics().height) / 3.0f;
    static constexpr std::array<TextStyle, 3> kStyles = {TextStyle::subtitle, TextStyle::body, TextStyle::caption};
    Plan plan;
    for (TextStyle style : kStyles) {
        plan = plan_at(canvas, width, urgent, style);
        if (plan.height <= budget) break;
    }
    return plan;
}

}  // namespace

float urgent_banner_height(Canvas& canvas, float width, const std::vector<const Announcement*>& urgent) {
    if (urgent.empty()) return 0;
    return make_plan(canvas, width, urgent).height;
}

void draw_urgent_banner(const PageContext& ctx, Canvas& canvas, const Rect& area,
                        const std::vector<const Announcement*>& urgent) {
    (void)ctx;  // the banner says the same on every role; ctx keeps the pages' signature
    if (urgent.empty() || area.h <= 0) return;
    const Plan plan = make_plan(canvas, area.w, urgent);
    if (plan.titles.empty()) return;
    const float u = canvas.metrics().unit();

    canvas.fill(area, kBannerBackground);
    canvas.fill(Rect{area.x, area.bottom() - std::max(1.0f, 0.25f * u), area.w, std::max(1.0f, 0.25f * u)},
                kBannerEdge);
    // The label: a red block the full height of the strip, its word level with
    // the first title.
    canvas.fill(Rect{area.x, area.y, plan.label_w, area.h}, theme::header_background);
    const float first_y = area.y + plan.pad_y;
    canvas.draw(plan.label, {area.x + plan.pad_x, first_y}, theme::header_ink);

    float y = first_y;
    const float x = area.x + plan.label_w + plan.pad_x;
    for (std::size_t i = 0; i < plan.titles.size(); ++i) {
        if (i > 0) {
            // A hairline between notices, so two one-liners never read as one.
            canvas.fill(Rect{x, y + plan.gap / 2 - 0.05f * u, area.right() - x - plan.pad_x, std::max(1.0f, 0.1f * u)},
                        kBannerEdge);
            y += plan.gap;
        }
        canvas.draw(plan.titles[i], {x, y}, theme::ink);
        y += plan.titles[i].height;
    }
}

}  // namespace campus::kiosk
