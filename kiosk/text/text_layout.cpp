// Wrapping, fitting and paginating.
//
// [SECTION] Segments: the unbreakable pieces between break opportunities
// [SECTION] Greedy wrapping, with the last-resort cut
// [SECTION] fit_text
// [SECTION] paginate
#include "kiosk/text/text_layout.hpp"

#include <algorithm>
#include <utility>

#include "kiosk/text/line_break.hpp"

namespace campus::kiosk::text {

namespace {

// Sums of per-piece widths differ from one measure of the whole line by float
// rounding; allow that much so an exactly full line is not wrapped early.
bool wider_than(float width, float max_width) { return width > max_width + max_width * 1e-5f; }

// [SECTION] Segments: the unbreakable pieces between break opportunities

// chars[first, end) ends at a break opportunity; chars[content_end, end) are the
// spaces and newline it ends with, which vanish when the line ends there.
struct Segment {
    std::size_t first = 0;
    std::size_t content_end = 0;
    std::size_t end = 0;
    bool hard = false;  // a mandatory break: newline or end of text
};

std::vector<Segment> split_segments(std::span<const BreakChar> chars) {
    std::vector<Segment> segments;
    std::size_t first = 0;
    for (std::size_t i = 0; i < chars.size(); ++i) {
        if (chars[i].after == LineBreak::prohibited) continue;
        Segment segment{first, i + 1, i + 1, chars[i].after == LineBreak::mandatory};
        while (segment.content_end > first && is_line_end_space(chars[segment.content_end - 1].codepoint))
            --segment.content_end;
        segments.push_back(segment);
        first = i + 1;
    }
    return segments;
}

// [SECTION] Greedy wrapping, with the last-resort cut

class LineWrapper {
public:
    LineWrapper(std::string_view text, std::span<const BreakChar> chars, float max_width, const MeasureFn& measure)
        : text_(text), chars_(chars), max_width_(max_width >= 0 ? max_width : 0.0f), measure_(measure) {}

    std::vector<LineRange> wrap() {
        for (const Segment& segment : split_segments(chars_)) add(segment);
        return std::move(lines_);
    }

private:
    std::size_t byte_at(std::size_t index) const {
        return index < chars_.size() ? chars_[index].offset : text_.size();
    }
    float width_of(std::size_t first, std::size_t end) const {
        if (first >= end) return 0;
        return measure_(text_.substr(byte_at(first), byte_at(end) - byte_at(first)));
    }

    void emit(std::size_t end, float width) {
        lines_.push_back(LineRange{byte_at(line_first_), byte_at(end), width});
        line_chars_.emplace_back(line_first_, end);
    }

    // The paragraph just ended: no orphan on its last line when the line
    // before can give a character (orphan_free_start) and the last line,
    // one character longer, still fits.
    void mend_orphan() {
        const std::size_t n = lines_.size();
        if (n < paragraph_first_line_ + 2) return;
        auto& [prev_first, prev_end] = line_chars_[n - 2];
        auto& [last_first, last_end] = line_chars_[n - 1];
        const std::size_t start = orphan_free_start(chars_, prev_first, last_first, last_end);
        if (start == last_first) return;
        const float last_width = width_of(start, last_end);
        if (wider_than(last_width, max_width_)) return;
        std::size_t new_prev_end = start;
        while (new_prev_end > prev_first && is_line_end_space(chars_[new_prev_end - 1].codepoint)) --new_prev_end;
        prev_end = new_prev_end;
        last_first = start;
        lines_[n - 2] = LineRange{byte_at(prev_first), byte_at(prev_end), width_of(prev_first, prev_end)};
        lines_[n - 1] = LineRange{byte_at(start), byte_at(last_end), last_width};
    }
    void start_line(std::size_t first) {
        line_first_ = first;
        advance_ = 0;
        has_content_ = false;
    }

    void add(const Segment& segment) {
        const bool has_content = segment.content_end > segment.first;
        const float content_width = has_content ? width_of(segment.first, segment.content_end) : 0.0f;
        // The spaces after the content count only if the line goes on.
        const float space_width = segment.hard ? 0.0f : width_of(segment.content_end, segment.end);

        if (has_content) {
            if (has_content_ && wider_than(advance_ + content_width, max_width_)) {
                emit(content_end_, content_width_);
                start_line(segment.first);
            }
            if (!has_content_ && wider_than(advance_ + content_width, max_width_))
                cut_as_last_resort(segment);
            else
                append_content(segment.content_end, advance_ + content_width);
        }
        advance_ += space_width;

        if (segment.hard) {
            emit(has_content_ ? content_end_ : line_first_, has_content_ ? content_width_ : 0.0f);
            mend_orphan();
            paragraph_first_line_ = lines_.size();
            start_line(segment.end);
        }
    }

    void append_content(std::size_t content_end, float content_width) {
        content_end_ = content_end;
        content_width_ = content_width;
        advance_ = content_width;
        has_content_ = true;
    }

    // The segment is wider than a line on its own: cut it between characters
    // where may_cut_before() allows, each line as full as it can be; the rest
    // stays on the current line for the following segments.
    void cut_as_last_resort(const Segment& segment) {
        std::vector<float> widths;
        widths.reserve(segment.content_end - segment.first);
        float remaining = 0;
        for (std::size_t i = segment.first; i < segment.content_end; ++i) {
            widths.push_back(width_of(i, i + 1));
            remaining += widths.back();
        }
        auto width_at = [&](std::size_t i) { return widths[i - segment.first]; };

        std::size_t start = segment.first;
        while (wider_than(advance_ + remaining, max_width_)) {
            // The characters that fit; at least one, or nothing would move.
            std::size_t fill = start;
            float filled = advance_;
            while (fill < segment.content_end && (fill == start || !wider_than(filled + width_at(fill), max_width_))) {
                filled += width_at(fill);
                ++fill;
            }
            // Carry characters down until the cut is allowed; if none is, let
            // the line run on to the first allowed cut (clreq wins over width).
            // (A cut at the segment's end would leave nothing to move.)
            std::size_t cut = std::min(fill, segment.content_end - 1);
            while (cut > start && !may_cut_before(chars_, cut)) --cut;
            if (cut == start) {
                cut = fill + 1;
                while (cut < segment.content_end && !may_cut_before(chars_, cut)) ++cut;
                if (cut >= segment.content_end) break;  // no allowed cut left: the rest is one piece
            }
            // A cut after an inner space ("a b" in a URL-like run) trims it too.
            std::size_t line_end = cut;
            while (line_end > start && is_line_end_space(chars_[line_end - 1].codepoint)) --line_end;
            float line_width = advance_;
            for (std::size_t i = start; i < line_end; ++i) line_width += width_at(i);
            emit(line_end, line_width);
            for (std::size_t i = start; i < cut; ++i) remaining -= width_at(i);
            start_line(cut);
            start = cut;
        }
        append_content(segment.content_end, advance_ + remaining);
    }

    std::string_view text_;
    std::span<const BreakChar> chars_;
    float max_width_;
    const MeasureFn& measure_;
    std::vector<LineRange> lines_;
    std::vector<std::pair<std::size_t, std::size_t>> line_chars_;  // each line's [first, end) characters
    std::size_t paragraph_first_line_ = 0;                          // the current paragraph's first line

    std::size_t line_first_ = 0;   // first character of the current line
    std::size_t content_end_ = 0;  // end of its last non-space character
    float content_width_ = 0;      // width up to content_end_
    float advance_ = 0;            // width including the spaces after the content
    bool has_content_ = false;
};

std::vector<std::string> to_strings(std::string_view text, const std::vector<LineRange>& ranges) {
    std::vector<std::string> lines;
    lines.reserve(ranges.size());
    for (const LineRange& range : ranges) lines.emplace_back(text.substr(range.begin, range.end - range.begin));
    return lines;
}

}  // namespace

std::vector<LineRange> wrap_line_ranges(std::string_view text, float max_width, const MeasureFn& measure) {
    const std::vector<BreakChar> chars = find_line_breaks(text);
    return LineWrapper(text, chars, max_width, measure).wrap();
}

std::vector<std::string> wrap_lines(std::string_view text, float max_width, const MeasureFn& measure) {
    return to_strings(text, wrap_line_ranges(text, max_width, measure));
}

// [SECTION] fit_text

FittedText fit_text(std::string_view text, float box_width, float box_height, std::span<const float> sizes_px,
                    float line_height_factor, const MeasureAtSizeFn& measure) {
    FittedText result;
    if (sizes_px.empty()) return result;
    const std::vector<BreakChar> chars = find_line_breaks(text);  // once, for every size

    std::vector<LineRange> ranges;
    for (const float font_px : sizes_px) {
        const MeasureFn measure_at_size = [&measure, font_px](std::string_view run) { return measure(run, font_px); };
        ranges = LineWrapper(text, chars, box_width, measure_at_size).wrap();
        result.font_px = font_px;
        result.width = 0;
        for (const LineRange& range : ranges) result.width = std::max(result.width, range.width);
        result.height = static_cast<float>(ranges.size()) * font_px * line_height_factor;
        // A line may exceed the box only where clreq allowed no cut: that does not fit either.
        result.fits = !wider_than(result.width, box_width) && !wider_than(result.height, box_height);
        if (result.fits) break;
    }
    result.lines = to_strings(text, ranges);
    return result;
}

// [SECTION] paginate

std::vector<Page> paginate(std::span<const float> item_heights, float page_height, float gap) {
    std::vector<Page> pages;
    std::size_t next = 0;
    while (next < item_heights.size()) {
        Page page{next, 1, wider_than(item_heights[next], page_height)};
        float used = item_heights[next];
        ++next;
        while (!page.overfull && next < item_heights.size() &&
               !wider_than(used + gap + item_heights[next], page_height)) {
            used += gap + item_heights[next];
            ++page.count;
            ++next;
        }
        pages.push_back(page);
    }
    return pages;
}

}  // namespace campus::kiosk::text
