// Wrapping, fitting and paginating feed text, without a window.
//
// Widths come from a measure callback, so this is tested with a fake font and
// the screen passes ImFont::CalcTextSizeA. The breaker measures each unbreakable
// segment once and sums (ImGui has no kerning across segments), so wrapping is
// linear in the text, never a re-measure of the growing line.
//
// Feed text is never truncated: there is no max_lines or ellipsis here, on
// purpose. A title that does not fit is shown smaller (down to the floor) or
// paginated, never cut (shared/domain.md: "never clipped, never shrunk below a
// floor that still reads").
//
// Thread safety: pure functions; any thread, as long as the callback is safe there.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace campus::kiosk::text {

// Advance width of a run of text at the current font size, in the caller's
// units (px). Called with views into the text being wrapped.
using MeasureFn = std::function<float(std::string_view run)>;
// The same at a given font size in px (for fitting).
using MeasureAtSizeFn = std::function<float(std::string_view run, float font_px)>;

// A wrapped line as a byte range of the text: [begin, end), without the
// spaces and newline it was broken at.
struct LineRange {
    std::size_t begin = 0;
    std::size_t end = 0;
    float width = 0;  // sum of the measured widths of its pieces
};

// Greedy fill at the break opportunities of find_line_breaks():
//   - hard newlines end a line ("a\n\nb" gives "a", "", "b"; a final newline
//     adds no empty line; empty text gives no lines);
//   - a piece with no break opportunity wider than `max_width` (a URL) goes to
//     a line of its own and is cut between characters as a last resort, still
//     never before closing punctuation or after opening punctuation
//     (may_cut_before());
//   - clreq wins over the width: when the line is exactly full before "，", the
//     character before the comma is carried down with it (the screen never
//     lets a line overflow, so the comma is never squeezed in). Only when no
//     allowed cut exists at all (`max_width` narrower than "中，") does a line
//     exceed `max_width`; fit_text() reports that as not fitting.
//   - no orphan: a paragraph's last line that would hold one character
//     alone ("木。") takes one more from the line before, when that is allowed
//     (orphan_free_start() in line_break.hpp) and still fits;
//   - the spaces (and U+3000, tabs) where a line ends are trimmed; leading
//     spaces of a paragraph are kept. Apart from those and the newlines, the
//     lines concatenate back to the text.
// `max_width` <= 0 (or NaN) puts every character on its own line, as far as clreq allows.
std::vector<LineRange> wrap_line_ranges(std::string_view text, float max_width, const MeasureFn& measure);
std::vector<std::string> wrap_lines(std::string_view text, float max_width, const MeasureFn& measure);

struct FittedText {
    float font_px = 0;               // the size chosen (the floor when !fits)
    std::vector<std::string> lines;  // wrapped at that size
    float width = 0;                 // widest line
    float height = 0;                // lines × font_px × line_height_factor
    bool fits = false;               // false: does not fit even at the floor; paginate, don't shrink
};

// The largest of `sizes_px` (ordered largest first, the last one being the
// floor) at which the wrapped text fits `box_width` × `box_height`. When even
// the floor does not fit, returns the floor's wrapping with fits = false.
// Empty `sizes_px` returns fits = false and no lines. Empty text fits at the
// largest size with no lines.
FittedText fit_text(std::string_view text, float box_width, float box_height, std::span<const float> sizes_px,
                    float line_height_factor, const MeasureAtSizeFn& measure);

// Items [first, first + count) of one page.
struct Page {
    std::size_t first = 0;
    std::size_t count = 0;
    bool overfull = false;  // a single item taller than the page: it gets a page of its own anyway
};

// Splits items (goals, class rows) into pages, greedily, never splitting an
// item: a page holds items while their heights plus `gap` between each two fit
// `page_height`. No items give no pages. For "目标 1/2, 2/2".
std::vector<Page> paginate(std::span<const float> item_heights, float page_height, float gap = 0);

}  // namespace campus::kiosk::text
