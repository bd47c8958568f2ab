// Line-break opportunities: libunibreak's UAX #14, then the clreq tailoring.
//
// [SECTION] Character classes
// [SECTION] clreq rules shared by the tailoring and the last-resort cut
// [SECTION] find_line_breaks
// [SECTION] Orphans
//
// Where Debian's libunibreak 1.1 (UAX #14 data of its time, language "zh")
// fell short of clreq, found by probing it with the school plans' text:
//   - "2023—2024": breaks on both sides of a lone em dash (class B2), and after
//     an en dash ("2023–|2024"), splitting a number range; clreq treats a lone
//     dash, ～ or 〜 as a 连接号 (connector), which never starts a line.
//   - "中|～|文", "3|～|5": breaks before and after the wave dash.
//   - "中|·|文": breaks before the middle dot (间隔号), which never starts a line.
//   - "中|\t|文", "a|　|b": breaks before a tab or U+3000, which would start the
//     next line with white space.
//   - "９|０％", "Ｐ|ｙ|ｔ|ｈ|ｏ|ｎ": full-width digits and letters are class ID,
//     so numbers and words written in them break anywhere.
// It already kept "100%", "3-2", "Python", "……" and "——" whole, never broke
// before ，。、；：？！）」』》 or after （「『《“, and breaks between any two Han
// characters, including the extension planes; the rules below restate those
// guarantees so a different libunibreak cannot silently lose them.
// ASCII quotes " and ' are left to libunibreak (class QU: no break on either
// side), since nothing tells an opening one from a closing one.
#include "kiosk/text/line_break.hpp"

#include <linebreak.h>

#include <mutex>

#include "kiosk/text/utf8.hpp"

namespace campus::kiosk::text {

// [SECTION] Character classes

bool is_han(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF)       // CJK Unified Ideographs
           || (c >= 0x3400 && c <= 0x4DBF)    // Extension A
           || (c >= 0xF900 && c <= 0xFAFF)    // Compatibility Ideographs
           || (c >= 0x20000 && c <= 0x3134F)  // Extensions B..H and the compatibility supplement
           || c == 0x3007;                    // 〇, the ideographic zero of 二〇二三年
}

bool is_closing_punctuation(char32_t c) {
    switch (c) {
        // ASCII, as the seeds mix them into Chinese text
        case U',': case U'.': case U';': case U':': case U'?': case U'!':
        case U')': case U']': case U'}': case U'%':
        // 点号 (pause, comma, full stop, colon, semicolon, exclamation, question)
        case U'，': case U'。': case U'、': case U'；': case U'：': case U'？': case U'！':
        case U'．': case U'｡': case U'､': case U'‼': case U'⁇': case U'⁈': case U'⁉':
        case U'﹐': case U'﹑': case U'﹒': case U'﹔': case U'﹕': case U'﹖': case U'﹗':
        // closing quotes, brackets and title marks
        case U'”': case U'’': case U'〞': case U'〟':
        case U'）': case U'］': case U'｝': case U'」': case U'』': case U'》': case U'〉':
        case U'】': case U'〕': case U'〗': case U'〙': case U'〛': case U'｠': case U'｣':
        case U'﹚': case U'﹜': case U'﹞':
        // 间隔号 (middle dots) and postfix units that belong to the number before them
        case U'·': case U'・': case U'％': case U'‰': case U'℃': case U'°': case U'′': case U'″':
            return true;
        default:
            return false;
    }
}

bool is_opening_punctuation(char32_t c) {
    switch (c) {
        case U'(': case U'[': case U'{':
        case U'“': case U'‘': case U'〝':
        case U'（': case U'［': case U'｛': case U'「': case U'『': case U'《': case U'〈':
        case U'【': case U'〔': case U'〖': case U'〘': case U'〚': case U'｟': case U'｢':
        case U'﹙': case U'﹛': case U'﹝':
            return true;
        default:
            return false;
    }
}

bool is_line_end_space(char32_t c) {
    switch (c) {
        case U' ': case U'\t': case U'\u3000':
        case U'\n': case U'\r': case U'\v': case U'\f': case U'\u0085': case U'\u2028': case U'\u2029':
            return true;
        default:
            return false;
    }
}

namespace {

// Dashes that, alone, are a 连接号 (connector: 2023—2024, 3～5): never at a line start.
bool is_connector_dash(char32_t c) {
    switch (c) {
        case U'‐': case U'‑': case U'‒': case U'–': case U'—': case U'―': case U'～': case U'〜': case U'－':
            return true;
        default:
            return false;
    }
}

// Marks written doubled as one sign (破折号 ——, 省略号 ……): never split.
bool is_doubled_mark(char32_t c) { return c == U'—' || c == U'―' || c == U'─' || c == U'…' || c == U'⋯'; }

bool is_fullwidth_alnum(char32_t c) {
    return (c >= U'０' && c <= U'９') || (c >= U'Ａ' && c <= U'Ｚ') || (c >= U'ａ' && c <= U'ｚ');
}

bool is_alnum(char32_t c) {
    return (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z') || is_fullwidth_alnum(c);
}

// Characters that belong to the grapheme cluster of the character before them:
// combining marks, variation selectors, emoji modifiers and tags, the joiner.
// libunibreak 1.1 has no grapheme segmentation; these ranges cover what feed
// text can carry.
bool extends_cluster(char32_t c) {
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
           (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xFE20 && c <= 0xFE2F) ||
           (c >= 0x3099 && c <= 0x309A) || (c >= 0x1F3FB && c <= 0x1F3FF) || (c >= 0xE0020 && c <= 0xE007F) ||
           (c >= 0xE0100 && c <= 0xE01EF) || c == 0x200D;
}

// [SECTION] clreq rules shared by the tailoring and the last-resort cut

char32_t codepoint_at(std::span<const BreakChar> chars, std::size_t index) {
    return index < chars.size() ? chars[index].codepoint : 0;
}

// A connector dash not doubled with a neighbour.
bool is_lone_connector(std::span<const BreakChar> chars, std::size_t index) {
    const char32_t c = chars[index].codepoint;
    if (!is_connector_dash(c)) return false;
    const bool same_before = index > 0 && chars[index - 1].codepoint == c;
    const bool same_after = codepoint_at(chars, index + 1) == c;
    return !same_before && !same_after;
}

// Does clreq forbid ending a line between chars[index - 1] and chars[index]?
bool clreq_forbids_break_before(std::span<const BreakChar> chars, std::size_t index) {
    const char32_t before = chars[index - 1].codepoint;
    const char32_t after = chars[index].codepoint;
    if (is_closing_punctuation(after) || is_line_end_space(after)) return true;  // spaces hang at the line end
    // Opening punctuation, even with spaces after it: the spaces would be
    // trimmed and leave "（" ending the line.
    for (std::size_t i = index; i > 0; --i) {
        const char32_t c = chars[i - 1].codepoint;
        if (is_opening_punctuation(c)) return true;
        if (!is_line_end_space(c)) break;
    }
    if (before == after && is_doubled_mark(after)) return true;  // —— and …… stay whole
    if (is_lone_connector(chars, index)) return true;            // a connector never starts a line
    // 2023—2024, 3～5, A–B: a connector between two alphanumerics is one unit.
    if (index >= 2 && is_lone_connector(chars, index - 1) && is_alnum(chars[index - 2].codepoint) && is_alnum(after))
        return true;
    return false;
}

}  // namespace

bool may_cut_before(std::span<const BreakChar> chars, std::size_t index) {
    if (index == 0 || index >= chars.size()) return false;
    if (extends_cluster(chars[index].codepoint) || chars[index - 1].codepoint == 0x200D) return false;
    if (chars[index - 1].codepoint == U'\r' && chars[index].codepoint == U'\n') return false;
    return !clreq_forbids_break_before(chars, index);
}

// [SECTION] find_line_breaks

std::vector<BreakChar> find_line_breaks(std::string_view text) {
    std::vector<BreakChar> chars;
    if (text.empty()) return chars;

    // Decode ourselves and hand libunibreak UTF-32: its UTF-8 reader trusts the
    // bytes, ours turns every ill-formed sequence into one U+FFFD of known length.
    std::vector<utf32_t> codepoints;
    chars.reserve(text.size() / 2 + 1);
    codepoints.reserve(text.size() / 2 + 1);
    for (const Utf8Char& c : utf8_chars(text)) {
        chars.push_back(BreakChar{c.offset, c.length, c.codepoint, LineBreak::prohibited});
        codepoints.push_back(static_cast<utf32_t>(c.codepoint));
    }

    static std::once_flag initialised;
    std::call_once(initialised, [] { init_linebreak(); });
    std::vector<char> breaks(codepoints.size());
    set_linebreaks_utf32(codepoints.data(), codepoints.size(), "zh", breaks.data());

    for (std::size_t i = 0; i < chars.size(); ++i) {
        switch (breaks[i]) {
            case LINEBREAK_MUSTBREAK: chars[i].after = LineBreak::mandatory; break;
            case LINEBREAK_ALLOWBREAK: chars[i].after = LineBreak::allowed; break;
            default: chars[i].after = LineBreak::prohibited; break;
        }
    }
    chars.back().after = LineBreak::mandatory;  // the end of the text ends the line (UAX #14 LB3)

    for (std::size_t i = 1; i < chars.size(); ++i) {
        LineBreak& rule = chars[i - 1].after;
        if (rule == LineBreak::mandatory) continue;
        const char32_t before = chars[i - 1].codepoint;
        const char32_t after = chars[i].codepoint;
        if (clreq_forbids_break_before(chars, i)) rule = LineBreak::prohibited;
        else if (is_han(before) && is_han(after)) rule = LineBreak::allowed;
        else if (is_fullwidth_alnum(before) && is_fullwidth_alnum(after)) rule = LineBreak::prohibited;
    }
    return chars;
}

// [SECTION] Orphans

namespace {

// A character the reader counts: not punctuation that leans on its
// neighbour, not a space, not a mark that extends the one before it.
bool counts_as_character(char32_t c) {
    return !is_closing_punctuation(c) && !is_opening_punctuation(c) && !is_line_end_space(c) && !extends_cluster(c) &&
           c != 0x200D;
}

std::size_t characters_in(std::span<const BreakChar> chars, std::size_t first, std::size_t end) {
    std::size_t n = 0;
    for (std::size_t i = first; i < end && i < chars.size(); ++i) n += counts_as_character(chars[i].codepoint) ? 1 : 0;
    return n;
}

}  // namespace

std::size_t orphan_free_start(std::span<const BreakChar> chars, std::size_t prev_first, std::size_t last_first,
                              std::size_t last_end) {
    if (prev_first >= last_first || last_first >= last_end || last_end > chars.size()) return last_first;
    if (characters_in(chars, last_first, last_end) != 1) return last_first;
    // A break at a space separates words (Latin text): moving a word is not
    // moving a character, and the space would start the line.
    if (is_line_end_space(chars[last_first - 1].codepoint)) return last_first;
    // The piece to move: back from the break to the nearest allowed one, so
    // a character keeps the punctuation that may not start a line ("草，").
    std::size_t k = last_first - 1;
    while (k > prev_first && chars[k - 1].after != LineBreak::allowed) --k;
    if (k <= prev_first || characters_in(chars, k, last_first) != 1) return last_first;
    // The line before keeps two characters, or the orphan only moves up.
    if (characters_in(chars, prev_first, k) < 2) return last_first;
    return k;
}

}  // namespace campus::kiosk::text
