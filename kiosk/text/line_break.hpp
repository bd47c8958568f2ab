// Where a line of Chinese feed text may end: UAX #14 (libunibreak) tailored to
// clreq, the W3C's Requirements for Chinese Text Layout.
//
// libunibreak gives the Unicode line-breaking opportunities; on top of them this
// file enforces the school's rules (shared/domain.md, Typography), which win
// over libunibreak wherever the two disagree:
//   - never break before closing punctuation  ，。、；：？！）」』》” and , . ; : ? ! ) ] }
//     (also the middle dot ·, a lone dash used as a range mark, % ％ ℃ ‰ °);
//   - never break after opening punctuation   （「『《“ and ( [ {;
//   - never split "——" or "……" (nor a number range such as 2023—2024 or 3～5);
//   - never break before a space (spaces hang at the end of the line and are trimmed);
//   - always allow a break between two Han characters;
//   - never break inside a run of full-width digits or letters (９０％);
//   - no orphan: a paragraph's last line holds two characters, not one
//     (orphan_free_start(), applied by the wrapper).
// What libunibreak 1.1 needed these for is listed in line_break.cpp.
//
// Thread safety: any thread; libunibreak is initialised once behind std::call_once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace campus::kiosk::text {

enum class LineBreak : std::uint8_t {
    mandatory,   // the line must end here: a hard newline, or the end of the text
    allowed,     // the line may end here
    prohibited,  // the line must not end here
};

// One character of the text with the break rule after it.
struct BreakChar {
    std::size_t offset = 0;   // byte offset in the text
    std::size_t length = 0;   // byte length; an ill-formed sequence is one U+FFFD
    char32_t codepoint = 0;
    LineBreak after = LineBreak::prohibited;
};

// The characters of `text` (any bytes; ill-formed UTF-8 reads as U+FFFD) with
// the break rule after each. The last character is always `mandatory`.
// Empty text gives an empty vector.
std::vector<BreakChar> find_line_breaks(std::string_view text);

// Last resort for a run with no break opportunity that is wider than a line
// (a long URL or English word): may the line be cut before chars[index]?
// Yes between any two grapheme clusters, except where clreq forbids it even
// then: before closing punctuation or whitespace, after opening punctuation,
// inside "——"/"……" or a number range. False for index 0 and index >= size.
bool may_cut_before(std::span<const BreakChar> chars, std::size_t index);

// clreq's rule against an orphan (孤字): a paragraph's last line should not
// hold one character alone, with or without the punctuation after it ("木。"
// under "……爱护学校的一草一"). When the line before can give one character
// (with the closing punctuation that must follow it), that character moves
// down, so the last line holds at least two characters plus punctuation
// ("一草" / "一木。"). `prev_first` and `last_first` index the first
// characters of the paragraph's last two lines, `last_end` the end of the
// last line's content. Returns where the last line should begin:
// `last_first` when it is no orphan or nothing may move (the break before
// the moved piece must be allowed, the piece must be one character, the
// line before must keep two). The caller checks that the longer last line
// still fits its width.
std::size_t orphan_free_start(std::span<const BreakChar> chars, std::size_t prev_first, std::size_t last_first,
                              std::size_t last_end);

// The classes the rules above use, exposed for tests and for the screen.
bool is_han(char32_t c);
bool is_closing_punctuation(char32_t c);  // may never start a line (excluding the context-dependent dashes)
bool is_opening_punctuation(char32_t c);  // may never end a line
bool is_line_end_space(char32_t c);       // trimmed where a line ends: spaces, tabs, U+3000, newlines

}  // namespace campus::kiosk::text
