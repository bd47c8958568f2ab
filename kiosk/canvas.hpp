// Canvas: what a page draws through.
//
// Pages never call ImGui text functions directly: the Canvas drops what is
// never drawn (text::visible_text: zero-width and format characters, scripts
// it cannot shape), wraps the rest with the CJK line breaker (kiosk/text),
// hands ImGui each line in the atlas's form (text::atlas_text: stand-ins for
// characters above U+FFFF, nothing without a glyph, so never a `?`), draws it with
// ImGui::TextUnformatted (feed text is never a format string), and records
// every piece of text it drew in the layout report that `--dump` writes and
// the render tests read.
//
// Sizes: everything scales from the screen's short side, so 1920×1080,
// 3840×2160, 1024×768 and 1080×1920 all look designed. No text is ever drawn
// below TextStyle::caption, which is 2.2 % of the short side (24 px at 1080p).
//
// Thread safety: main (render) thread only, between NewFrame and Render.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "kiosk/geometry.hpp"
#include "kiosk/layout_report.hpp"

namespace campus::kiosk {

enum class Align { left, center, right };

// A wrapped block of text at one style, measured but not yet drawn.
struct TextBlock {
    std::string text;                // the whole string, as given
    std::string visible;             // what is laid out: text::visible_text(text) (no U+200B, U+FE0F, …)
    std::vector<std::string> lines;  // `visible`, as wrapped
    TextStyle style = TextStyle::body;
    float px = 0;                    // font size in pixels
    float width = 0;                 // widest line
    float height = 0;                // lines × line height
    bool fits = true;                // false when it did not fit the box even at the floor style
    std::size_t missing = 0;         // characters of `visible` with no glyph, and scripts not drawn: left out
};

class FontSet;
class LayoutReport;

class Canvas {
public:
    Canvas(const ScreenMetrics& metrics, const FontSet& fonts, LayoutReport* report);

    const ScreenMetrics& metrics() const { return metrics_; }
    float px(TextStyle style) const { return metrics_.px(style); }
    float line_height(TextStyle style) const;  // px × 1.3: CJK needs the air

    // Wraps `text` to `max_width` at `style`. The title, display and hero fonts hold
    // only the glyphs planned for them (kiosk/fonts.hpp): a string they lack is
    // laid out at the largest smaller style that has it all (block.style says
    // which), never drawn with missing glyphs.
    TextBlock layout(std::string_view text, TextStyle style, float max_width) const;
    // The largest style from `largest` down to `smallest` at which the text fits
    // `box`; when even `smallest` does not fit, returns it at `smallest` with
    // fits = false (the caller paginates; it never shrinks below the floor).
    TextBlock fit(std::string_view text, TextStyle largest, TextStyle smallest, float box_w, float box_h) const;

    // Draws a laid-out block with its top-left (or top-centre/-right, per
    // align, relative to `box_w`) at `pos`; records it in the report, marking
    // it clipped when it leaves `clip` (default: the whole screen).
    // Returns the rectangle it covers.
    Rect draw(const TextBlock& block, ImVec2 pos, ImU32 color, Align align = Align::left, float box_w = 0);
    // layout + draw in one step.
    Rect text(std::string_view text, TextStyle style, ImVec2 pos, float max_width, ImU32 color,
              Align align = Align::left);

    // Shapes (no text, nothing recorded).
    void fill(const Rect& r, ImU32 color, float rounding = 0) const;
    void outline(const Rect& r, ImU32 color, float thickness, float rounding = 0) const;
    void progress_bar(const Rect& r, float fraction, ImU32 fill_color, ImU32 track_color) const;
    // The red flag (流动红旗): a drawn flag on a pole, not an emoji. `t` is the
    // wave's time in seconds (PageContext::motion); the still flag (calm mode,
    // --dump) is t = 0. Drawn by the motion layer's shader when it is
    // installed, else on the CPU.
    void red_flag(const Rect& r, float t = 0) const;
    // Movement arrow: up (green), down (grey-red), same (dash), new (a dot).
    void movement_mark(const Rect& r, int movement, bool is_new) const;

    // A picture drawn into `rect` (the caller fitted it), recorded in the
    // report; `texture` null records the place while it is being decoded.
    void picture(ImTextureID texture, const Rect& rect, const PictureEntry& entry) const;
    // A QR code of `modules` (size × size, 1 = dark) with its quiet zone,
    // as crisp squares of whole pixels, dark on light, centred in `box`.
    // Returns the rectangle drawn (light background included), recorded in the report.
    Rect qr_code(const std::vector<std::uint8_t>& modules, int size, int quiet, const Rect& box,
                 const std::string& link) const;

    ImDrawList* draw_list() const;

    // Clipping bounds for the report's `clipped` flag (pages set their area).
    void set_clip(const Rect& r) { clip_ = r; }
    const Rect& clip() const { return clip_; }

private:
    ScreenMetrics metrics_;
    const FontSet& fonts_;
    LayoutReport* report_;
    Rect clip_;
};

}  // namespace campus::kiosk
