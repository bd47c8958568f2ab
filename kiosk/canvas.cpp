// Canvas: text and shapes for the pages.
//
// [SECTION] Sizes
// [SECTION] Laying out text (wrapping, fitting)
// [SECTION] Drawing text (and recording it in the layout report)
// [SECTION] Shapes
// [SECTION] The red flag
#include "kiosk/canvas.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include <imgui_internal.h>

#include "kiosk/fonts.hpp"
#include "kiosk/layout_report.hpp"
#include "kiosk/motion/flag_renderer.hpp"
#include "kiosk/text/screen_text.hpp"
#include "kiosk/text/text_layout.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk {

namespace {

constexpr float kLineHeight = 1.3f;  // CJK needs the air; also what fit_text is told
// Float sums of glyph advances differ from one measure of the whole line by
// rounding; a rectangle that misses the clip by less than this is not clipped.
constexpr float kClipTolerance = 0.5f;

}  // namespace

// [SECTION] Sizes

Canvas::Canvas(const ScreenMetrics& metrics, const FontSet& fonts, LayoutReport* report)
    : metrics_(metrics), fonts_(fonts), report_(report),
      clip_{0, 0, static_cast<float>(metrics.width), static_cast<float>(metrics.height)} {}

float Canvas::line_height(TextStyle style) const { return px(style) * kLineHeight; }

// [SECTION] Laying out text (wrapping, fitting)

namespace {

ImFont* font_or_default(const FontSet& fonts, TextStyle style) {
    if (ImFont* f = fonts.font(style)) return f;
    // A Canvas before the first build_now() is a programmer error; in a
    // release build measure with whatever ImGui has rather than crash.
    IM_ASSERT(false && "Canvas used before FontSet::build_now()");
    if (ImGui::GetCurrentContext()) return ImGui::GetFont() ? ImGui::GetFont() : ImGui::GetIO().Fonts->Fonts[0];
    throw std::logic_error("Canvas used before FontSet::build_now() and without an ImGui context");
}

float measure(const ImFont* font, float size_px, std::string_view run) {
    if (run.empty()) return 0;
    return font->CalcTextSizeA(size_px, FLT_MAX, 0.0f, run.data(), run.data() + run.size()).x;
}

}  // namespace

TextBlock Canvas::layout(std::string_view given, TextStyle style, float max_width) const {
    std::size_t not_drawn = 0;
    const std::string text = text::visible_text(given, &not_drawn);
    // Title, display and hero fonts hold only the glyphs planned for them; a
    // string they lack is set at the largest smaller style that has it all
    // (the text tier, subtitle and below, holds every string of the feed),
    // never with holes.
    if (tier_of(style) != GlyphTier::text && !fonts_.covers(style, text)) {
        TextStyle s = style;
        while (s > TextStyle::subtitle) {
            s = static_cast<TextStyle>(static_cast<int>(s) - 1);
            if (tier_of(s) == GlyphTier::text || fonts_.covers(s, text)) break;
        }
        style = s;
    }
    TextBlock block;
    block.text = std::string(given);
    block.style = style;
    block.px = px(style);
    const ImFont* font = font_or_default(fonts_, style);
    const float size = block.px;
    const auto ranges = text::wrap_line_ranges(text, max_width, [&](std::string_view run) {
        return measure(font, size, fonts_.atlas_text(style, run));
    });
    block.lines.reserve(ranges.size());
    for (const text::LineRange& r : ranges) {
        block.lines.emplace_back(text.substr(r.begin, r.end - r.begin));
        block.width = std::max(block.width, r.width);
    }
    block.height = static_cast<float>(block.lines.size()) * line_height(style);
    block.fits = block.width <= max_width + kClipTolerance;
    std::size_t no_glyph = 0;
    fonts_.atlas_text(style, text, &no_glyph);
    block.missing = not_drawn + no_glyph;
    block.visible = text;
    return block;
}

TextBlock Canvas::fit(std::string_view given, TextStyle largest, TextStyle smallest, float box_w, float box_h) const {
    if (largest < smallest) std::swap(largest, smallest);
    std::size_t not_drawn = 0;
    const std::string text = text::visible_text(given, &not_drawn);
    // Candidates, largest first; the title/display/hero sizes only when their
    // glyph tier holds the whole string.
    std::vector<TextStyle> styles;
    for (int s = static_cast<int>(largest); s >= static_cast<int>(smallest); --s) {
        const auto style = static_cast<TextStyle>(s);
        if (tier_of(style) == GlyphTier::text || fonts_.covers(style, text)) styles.push_back(style);
    }
    if (styles.empty()) styles.push_back(smallest);  // nothing covers: the floor, with fallback glyphs
    std::vector<float> sizes;
    for (TextStyle s : styles) sizes.push_back(px(s));
    const auto style_at = [&](float size) {
        for (TextStyle s : styles)
            if (px(s) == size) return s;
        return styles.back();
    };
    const text::FittedText fitted = text::fit_text(
        text, box_w, box_h, sizes, kLineHeight, [&](std::string_view run, float size) {
            const TextStyle st = style_at(size);
            return measure(font_or_default(fonts_, st), size, fonts_.atlas_text(st, run));
        });
    TextBlock block;
    block.text = std::string(given);
    block.visible = text;
    block.style = style_at(fitted.font_px);
    block.px = px(block.style);
    block.lines = fitted.lines;
    block.width = fitted.width;
    block.height = static_cast<float>(block.lines.size()) * line_height(block.style);
    block.fits = fitted.fits;
    std::size_t no_glyph = 0;
    fonts_.atlas_text(block.style, text, &no_glyph);
    block.missing = not_drawn + no_glyph;
    return block;
}

// [SECTION] Drawing text (and recording it in the layout report)

Rect Canvas::draw(const TextBlock& block, ImVec2 pos, ImU32 color, Align align, float box_w) {
    if (block.lines.empty()) {
        // Nothing to draw. A text that had characters, all left out (a name
        // in Uyghur, only zero-width spaces), is still recorded: the report
        // must show what the screen did not draw.
        if (report_ && !block.text.empty())
            report_->add(LayoutEntry{block.text, {}, Rect{pos.x, pos.y, 0, 0}, block.px, false, block.visible,
                                     block.missing, {}});
        return Rect{pos.x, pos.y, 0, 0};
    }
    ImFont* font = font_or_default(fonts_, block.style);
    const float size = block.px;
    const float lh = size * kLineHeight;
    const float box = box_w > 0 ? box_w : block.width;
    // The line box is 1.3 em; centre the ink of a Han character in it (the
    // font's ascent alone would leave the air all above the glyphs).
    const float scale = size / font->FontSize;
    float ink_offset = (lh - size) * 0.5f;
    if (const ImFontGlyph* han = font->FindGlyphNoFallback(static_cast<ImWchar>(kInkReference)))  // 中, in every tier
        ink_offset = (lh - (han->Y0 + han->Y1) * scale) * 0.5f;
    // TextUnformatted draws at the font's baked size; a block laid out for
    // another size (a resize whose atlas is still being rebuilt) goes through
    // AddText, which scales.
    const bool baked_size = std::fabs(font->FontSize - size) < 0.01f && ImGui::GetCurrentContext() &&
                            ImGui::GetCurrentContext()->CurrentWindow != nullptr;

    float left = FLT_MAX, right = -FLT_MAX;
    if (baked_size) {
        ImGui::PushFont(font);
        ImGui::PushStyleColor(ImGuiCol_Text, color);
    }
    for (std::size_t i = 0; i < block.lines.size(); ++i) {
        const std::string line = fonts_.atlas_text(block.style, block.lines[i]);
        const float w = measure(font, size, line);
        float x = pos.x;
        if (align == Align::center) x += (box - w) * 0.5f;
        else if (align == Align::right) x += box - w;
        const float y = pos.y + static_cast<float>(i) * lh;
        left = std::min(left, x);
        right = std::max(right, x + w);
        if (line.empty()) continue;
        if (baked_size) {
            ImGui::SetCursorScreenPos(ImVec2(x, y + ink_offset));
            ImGui::TextUnformatted(line.data(), line.data() + line.size());  // feed text: never a format
        } else {
            draw_list()->AddText(font, size, ImVec2(x, y + ink_offset), color, line.data(), line.data() + line.size());
        }
    }
    if (baked_size) {
        ImGui::PopStyleColor();
        ImGui::PopFont();
    }
    if (right < left) left = right = pos.x;  // only empty lines
    const Rect covered{left, pos.y, right - left, static_cast<float>(block.lines.size()) * lh};

    if (report_) {
        const float sw = static_cast<float>(metrics_.width), sh = static_cast<float>(metrics_.height);
        const float cx0 = std::max(clip_.x, 0.0f), cy0 = std::max(clip_.y, 0.0f);
        const float cx1 = std::min(clip_.right(), sw), cy1 = std::min(clip_.bottom(), sh);
        const bool clipped = covered.x < cx0 - kClipTolerance || covered.y < cy0 - kClipTolerance ||
                             covered.right() > cx1 + kClipTolerance || covered.bottom() > cy1 + kClipTolerance;
        // What was drawn, when it is not the text as given (a zero-width
        // space dropped, a script not drawn): render tests read both.
        std::string drawn = block.visible == block.text ? std::string() : block.visible;
        report_->add(LayoutEntry{block.text, block.lines, covered, size, clipped, std::move(drawn), block.missing, {}});
    }
    return covered;
}

Rect Canvas::text(std::string_view text, TextStyle style, ImVec2 pos, float max_width, ImU32 color, Align align) {
    return draw(layout(text, style, max_width), pos, color, align, max_width);
}

// [SECTION] Shapes

ImDrawList* Canvas::draw_list() const {
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    IM_ASSERT(ctx && ctx->CurrentWindow && "Canvas draws between Begin and End of the app's window");
    if (ctx && ctx->CurrentWindow) return ImGui::GetWindowDrawList();
    return ImGui::GetForegroundDrawList();
}

void Canvas::picture(ImTextureID texture, const Rect& rect, const PictureEntry& entry) const {
    if (texture) draw_list()->AddImage(texture, rect.min(), rect.max());
    if (report_) {
        PictureEntry e = entry;
        e.rect = rect;
        e.drawn = texture != nullptr;
        report_->add_picture(std::move(e));
    }
}

Rect Canvas::qr_code(const std::vector<std::uint8_t>& modules, int size, int quiet, const Rect& box,
                     const std::string& link) const {
    const int total = size + 2 * quiet;
    // Whole pixels per module, so every square has sharp edges (no smoothing).
    const float module = std::floor(std::min(box.w, box.h) / static_cast<float>(total));
    if (module < 1) return Rect{box.x, box.y, 0, 0};
    const float side = module * static_cast<float>(total);
    const float x0 = std::floor(box.x + (box.w - side) * 0.5f), y0 = std::floor(box.y + (box.h - side) * 0.5f);
    const Rect drawn{x0, y0, side, side};
    draw_list()->AddRectFilled(drawn.min(), drawn.max(), IM_COL32(255, 255, 255, 255));
    const ImU32 dark = IM_COL32(0, 0, 0, 255);
    for (int y = 0; y < size; ++y) {
        // One rectangle per run of dark modules in a row: fewer vertices, the same squares.
        for (int x = 0; x < size;) {
            if (!modules[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) + static_cast<std::size_t>(x)]) {
                ++x;
                continue;
            }
            int end = x;
            while (end < size && modules[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) + static_cast<std::size_t>(end)]) ++end;
            const float left = x0 + static_cast<float>(quiet + x) * module, top = y0 + static_cast<float>(quiet + y) * module;
            draw_list()->AddRectFilled(ImVec2(left, top), ImVec2(left + static_cast<float>(end - x) * module, top + module), dark);
            x = end;
        }
    }
    if (report_) report_->add_picture(PictureEntry{"qr", link, drawn, total, total, true});
    return drawn;
}

void Canvas::fill(const Rect& r, ImU32 color, float rounding) const {
    draw_list()->AddRectFilled(r.min(), r.max(), color, rounding);
}

void Canvas::outline(const Rect& r, ImU32 color, float thickness, float rounding) const {
    // ImGui strokes centred on the edge; inset by half so the stroke stays inside r.
    const float h = thickness * 0.5f;
    draw_list()->AddRect(ImVec2(r.x + h, r.y + h), ImVec2(r.right() - h, r.bottom() - h), color, rounding, 0,
                         thickness);
}

void Canvas::progress_bar(const Rect& r, float fraction, ImU32 fill_color, ImU32 track_color) const {
    if (!(fraction >= 0)) fraction = 0;  // NaN too
    fraction = std::min(fraction, 1.0f);
    const float rounding = r.h * 0.5f;
    ImDrawList* dl = draw_list();
    dl->AddRectFilled(r.min(), r.max(), track_color, rounding);
    if (fraction <= 0) return;
    // Never thinner than the bar is tall: a sliver of 1 % must still read as "started".
    const float w = std::max(r.w * fraction, std::min(r.h, r.w));
    dl->AddRectFilled(r.min(), ImVec2(r.x + w, r.bottom()), fill_color, rounding);
}

void Canvas::movement_mark(const Rect& r, int movement, bool is_new) const {
    ImDrawList* dl = draw_list();
    const float s = std::min(r.w, r.h);
    const ImVec2 c(r.x + r.w * 0.5f, r.y + r.h * 0.5f);
    if (is_new) {
        dl->AddCircleFilled(c, s * 0.22f, theme::gold, 24);
    } else if (movement > 0) {
        dl->AddTriangleFilled(ImVec2(c.x, c.y - s * 0.34f), ImVec2(c.x + s * 0.38f, c.y + s * 0.28f),
                              ImVec2(c.x - s * 0.38f, c.y + s * 0.28f), theme::up);
    } else if (movement < 0) {
        dl->AddTriangleFilled(ImVec2(c.x - s * 0.38f, c.y - s * 0.28f), ImVec2(c.x + s * 0.38f, c.y - s * 0.28f),
                              ImVec2(c.x, c.y + s * 0.34f), theme::down);
    } else {
        const float half_w = s * 0.26f, half_h = std::max(1.0f, s * 0.06f);
        dl->AddRectFilled(ImVec2(c.x - half_w, c.y - half_h), ImVec2(c.x + half_w, c.y + half_h),
                          theme::ink_secondary, half_h);
    }
}

// [SECTION] The red flag
//
// A school's rotating red flag, not the national flag: a plain red field with
// one gold star near the hoist, on a wooden pole with a gold finial. The cloth
// is a strip of quads whose vertical displacement is a travelling wave pinned
// at the pole; each column is shaded by the wave's slope (lit where the cloth
// faces up, darker in the troughs). wave = 0 is the still flag; the ripple
// fades in over the first π radians so an animation starting at 0 never jumps.

namespace {

ImU32 mix(ImU32 a, ImU32 b, float t) {
    t = std::clamp(t, 0.0f, 1.0f);
    const auto channel = [&](int shift) {
        const float ca = static_cast<float>((a >> shift) & 0xFF), cb = static_cast<float>((b >> shift) & 0xFF);
        return static_cast<ImU32>(std::lround(ca + (cb - ca) * t)) << shift;
    };
    return channel(IM_COL32_R_SHIFT) | channel(IM_COL32_G_SHIFT) | channel(IM_COL32_B_SHIFT) |
           channel(IM_COL32_A_SHIFT);
}

}  // namespace

void Canvas::red_flag(const Rect& r, float t) const {
    ImDrawList* dl = draw_list();
    // The shader flag (kiosk/motion/flag_renderer.hpp) when the motion layer
    // is installed and its program compiled; otherwise (headless tests, a
    // failed shader) the CPU flag below, which waves in step with it.
    if (motion::add_flag(dl, r.min(), r.max(), t)) return;
    const float pi = std::numbers::pi_v<float>;
    const float wave = t * 2 * pi / motion::kFlagWavePeriod;  // phase in radians
    // Geometry: a 3:2 flag hung from the top of a pole on the left of r.
    const float pole_w = std::max(2.0f, r.w * 0.05f);
    const float finial = pole_w * 1.1f;  // the gold knob's radius
    const float pole_x = r.x + finial;   // centre line of pole and knob
    const float top = r.y + finial * 2.2f;
    const float x0 = pole_x + pole_w * 0.5f;
    // The cloth's anti-aliased outline reaches half its width plus a pixel of
    // fringe beyond the cloth: keep that inside r too.
    const float edge = std::max(1.0f, r.w * 0.008f);
    const float pad = edge * 0.5f + 1.0f;
    float flag_w = r.right() - pad - x0;
    float flag_h = flag_w * 2.0f / 3.0f;
    if (flag_h > (r.bottom() - top) * 0.62f) {
        flag_h = (r.bottom() - top) * 0.62f;
        flag_w = flag_h * 1.5f;
    }

    dl->AddRectFilled(ImVec2(pole_x - pole_w * 0.5f, r.y + finial), ImVec2(pole_x + pole_w * 0.5f, r.bottom()),
                      theme::pole, pole_w * 0.3f);
    dl->AddCircleFilled(ImVec2(pole_x, r.y + finial), finial, theme::gold, 20);

    const float ramp = std::min(std::fabs(wave) / pi, 1.0f);
    const float amplitude = flag_h * 0.07f * ramp;
    const float waves_across = 1.25f;
    // Displacement and slope of the cloth at u ∈ [0, 1] from the pole.
    const auto dy = [&](float u) { return amplitude * u * std::sin(wave - u * 2 * pi * waves_across); };
    const auto light = [&](float u) {
        if (amplitude == 0) return 0.25f * u;  // still cloth: a soft fold towards the fly
        const float slope = std::cos(wave - u * 2 * pi * waves_across);
        return 0.5f - 0.5f * slope * ramp;
    };

    constexpr int kColumns = 32;
    const ImVec2 uv = ImGui::GetFontTexUvWhitePixel();
    dl->PrimReserve(kColumns * 6, (kColumns + 1) * 2);
    const auto base = static_cast<ImDrawIdx>(dl->_VtxCurrentIdx);
    for (int i = 0; i <= kColumns; ++i) {
        const float u = static_cast<float>(i) / kColumns;
        // The fly end is pulled in a little where the cloth waves: it is not elastic.
        const float x = x0 + u * flag_w * (1.0f - 0.03f * ramp);
        const float d = dy(u);
        const ImU32 col = mix(theme::flag_red, theme::flag_red_dark, light(u) * 0.8f);
        dl->PrimWriteVtx(ImVec2(x, top + d), uv, col);
        dl->PrimWriteVtx(ImVec2(x, top + flag_h + d), uv, col);
    }
    for (int i = 0; i < kColumns; ++i) {
        const auto a = static_cast<ImDrawIdx>(base + i * 2);
        dl->PrimWriteIdx(a);
        dl->PrimWriteIdx(static_cast<ImDrawIdx>(a + 1));
        dl->PrimWriteIdx(static_cast<ImDrawIdx>(a + 3));
        dl->PrimWriteIdx(a);
        dl->PrimWriteIdx(static_cast<ImDrawIdx>(a + 3));
        dl->PrimWriteIdx(static_cast<ImDrawIdx>(a + 2));
    }
    // Anti-aliased edges (PrimReserve draws none): the outline of the cloth.
    ImVector<ImVec2> outline;
    for (int i = 0; i <= kColumns; ++i) {
        const float u = static_cast<float>(i) / kColumns;
        outline.push_back(ImVec2(x0 + u * flag_w * (1.0f - 0.03f * ramp), top + dy(u)));
    }
    for (int i = kColumns; i >= 0; --i) {
        const float u = static_cast<float>(i) / kColumns;
        outline.push_back(ImVec2(x0 + u * flag_w * (1.0f - 0.03f * ramp), top + flag_h + dy(u)));
    }
    dl->AddPolyline(outline.Data, outline.Size, theme::flag_red_dark, ImDrawFlags_Closed, edge);

    // One gold star in the upper hoist, riding the wave.
    const float su = 0.2f;
    const ImVec2 sc(x0 + su * flag_w, top + flag_h * 0.3f + dy(su));
    const float outer = flag_h * 0.17f, inner = outer * 0.382f;
    ImVec2 star[10];
    for (int k = 0; k < 10; ++k) {
        const float a = -pi / 2 + static_cast<float>(k) * pi / 5;
        const float rad = (k % 2 == 0) ? outer : inner;
        star[k] = ImVec2(sc.x + rad * std::cos(a), sc.y + rad * std::sin(a));
    }
    dl->PrimReserve(30, 11);
    const auto sbase = static_cast<ImDrawIdx>(dl->_VtxCurrentIdx);
    dl->PrimWriteVtx(sc, uv, theme::flag_star);
    for (const ImVec2& p : star) dl->PrimWriteVtx(p, uv, theme::flag_star);
    for (int k = 0; k < 10; ++k) {
        dl->PrimWriteIdx(sbase);
        dl->PrimWriteIdx(static_cast<ImDrawIdx>(sbase + 1 + k));
        dl->PrimWriteIdx(static_cast<ImDrawIdx>(sbase + 1 + (k + 1) % 10));
    }
    dl->AddPolyline(star, 10, theme::flag_star, ImDrawFlags_Closed, std::max(1.0f, outer * 0.04f));
}

}  // namespace campus::kiosk
