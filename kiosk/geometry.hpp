// The screen's measures, shared by everything that places or sizes text:
// rectangles (Rect), the text styles (TextStyle) and their pixel sizes for a
// screen (ScreenMetrics). The Canvas draws with them (kiosk/canvas.hpp), the
// font atlas bakes one font per style (kiosk/fonts.hpp), the layout report
// records rectangles (kiosk/layout_report.hpp); none of those needs the others
// for these names.
//
// Sizes scale from the screen's short side, so 1920×1080, 3840×2160, 1024×768
// and 1080×1920 all look designed.
//
// Thread safety: plain values; any thread.
#pragma once

#include <algorithm>
#include <cmath>

#include <imgui.h>  // ImVec2, what ImGui's draw calls take

namespace campus::kiosk {

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
    float right() const { return x + w; }
    float bottom() const { return y + h; }
    ImVec2 min() const { return {x, y}; }
    ImVec2 max() const { return {x + w, y + h}; }
    Rect inset(float d) const { return {x + d, y + d, w - 2 * d, h - 2 * d}; }
    Rect take_top(float height) const { return {x, y, w, height}; }
    Rect below(float height, float gap = 0) const { return {x, y + height + gap, w, h - height - gap}; }
};

// Text sizes, smallest first. Their pixel sizes come from ScreenMetrics::px.
enum class TextStyle {
    caption,   // 2.2 % of the short side: the floor, for secondary info
    body,      // 2.8 %: list rows, details
    subtitle,  // 3.6 %: section heads, goal titles
    title,     // 5 %: page titles, the header's school name
    display,   // 8 %: the habit of the month, countdown numbers
    hero,      // 14 %: the assembly's class name (glyphs restricted to the hero strings)
};
constexpr int kTextStyleCount = 6;

struct ScreenMetrics {
    int width = 1920;
    int height = 1080;
    float short_side() const { return float(width < height ? width : height); }
    bool portrait() const { return height > width; }
    // 1 % of the short side: the unit for margins and gaps.
    float unit() const { return short_side() * 0.01f; }
    // The pixel size of a text style: a percent of the short side, rounded to
    // whole pixels so FreeType bakes crisp glyphs (caption at 1080p: 23.76 →
    // 24 px), and never below the caption's size.
    float px(TextStyle style) const {
        float percent = 2.2f;
        switch (style) {
            case TextStyle::caption: percent = 2.2f; break;
            case TextStyle::body: percent = 2.8f; break;
            case TextStyle::subtitle: percent = 3.6f; break;
            case TextStyle::title: percent = 5.0f; break;
            case TextStyle::display: percent = 8.0f; break;
            case TextStyle::hero: percent = 14.0f; break;
        }
        const float floor_px = std::max(1.0f, std::round(short_side() * 0.022f));
        return std::max(floor_px, std::round(short_side() * percent / 100.0f));
    }
};

}  // namespace campus::kiosk
