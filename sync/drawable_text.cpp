// Which characters the screens draw. See drawable_text.hpp.
//
// [SECTION] Decoding (just enough: feed text is valid UTF-8 once parsed)
// [SECTION] The rule
// [SECTION] Texts
#include "sync/drawable_text.hpp"

#include <cstdio>

namespace campus {

namespace {

// [SECTION] Decoding (just enough: feed text is valid UTF-8 once parsed)

struct Decoded {
    char32_t cp = 0;
    std::size_t length = 1;
    bool valid = false;
};

// One character at `i`. An ill-formed sequence is one byte, not valid: the
// rule leaves it alone (the screen's own decoder shows it as U+FFFD).
Decoded decode_at(std::string_view s, std::size_t i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) return {lead, 1, true};
    std::size_t length = 0;
    char32_t cp = 0;
    if (lead >= 0xC2 && lead <= 0xDF) length = 2, cp = lead & 0x1F;
    else if (lead >= 0xE0 && lead <= 0xEF) length = 3, cp = lead & 0x0F;
    else if (lead >= 0xF0 && lead <= 0xF4) length = 4, cp = lead & 0x07;
    else return {};
    if (i + length > s.size()) return {};
    for (std::size_t k = 1; k < length; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return {};
        cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are ill-formed.
    const char32_t min = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
    return {cp, length, true};
}

bool in(char32_t cp, char32_t first, char32_t last) { return cp >= first && cp <= last; }

// [SECTION] The rule

// A script the screen cannot set, with the reason the office is told.
struct UnsetScript {
    char32_t first, last;
    std::string_view why;
};

// Sorted by first; ranges from the Unicode blocks of each script.
constexpr UnsetScript kUnsetScripts[] = {
    {0x0590, 0x05FF, "Hebrew script: written right to left, which the screens do not do"},
    {0x0600, 0x06FF, "Arabic script (Arabic, Uyghur, Kazakh): needs shaping, which the screens do not do"},
    {0x0700, 0x074F, "Syriac script: needs shaping, which the screens do not do"},
    {0x0750, 0x077F, "Arabic script (Arabic, Uyghur, Kazakh): needs shaping, which the screens do not do"},
    {0x0780, 0x07BF, "Thaana script: written right to left, which the screens do not do"},
    {0x07C0, 0x07FF, "N'Ko script: needs shaping, which the screens do not do"},
    {0x0800, 0x086F, "a right-to-left script (Samaritan, Mandaic, Syriac): the screens do not draw it"},
    {0x0870, 0x08FF, "Arabic script (Arabic, Uyghur, Kazakh): needs shaping, which the screens do not do"},
    {0x0900, 0x0DFF, "an Indic script (Devanagari, Bengali, Tamil, …): needs shaping, which the screens do not do"},
    {0x0E00, 0x0EFF, "Thai or Lao script: needs shaping, which the screens do not do"},
    {0x0F00, 0x0FFF, "Tibetan script: needs shaping, which the screens do not do"},
    {0x1000, 0x109F, "Myanmar script: needs shaping, which the screens do not do"},
    {0x1700, 0x17FF, "a Southeast Asian script (Khmer, Tagalog, …): needs shaping, which the screens do not do"},
    {0x1800, 0x18AF, "Mongolian script: needs shaping, which the screens do not do"},
    {0x1900, 0x1AAF, "a Southeast Asian script (Tai Le, Buginese, Tai Tham, …): needs shaping, which the screens do not do"},
    {0x1B00, 0x1C4F, "a Southeast Asian script (Balinese, Sundanese, Lepcha, …): needs shaping, which the screens do not do"},
    {0x1CD0, 0x1CFF, "Vedic marks: need shaping, which the screens do not do"},
    {0xA800, 0xA8FF, "an Indic script (Syloti Nagri, Phags-pa, Saurashtra, …): needs shaping, which the screens do not do"},
    {0xA900, 0xA9FF, "a Southeast Asian script (Kayah Li, Rejang, Javanese, …): needs shaping, which the screens do not do"},
    {0xAA00, 0xAAFF, "a Southeast Asian script (Cham, Tai Viet, Meetei Mayek, …): needs shaping, which the screens do not do"},
    {0xABC0, 0xABFF, "Meetei Mayek script: needs shaping, which the screens do not do"},
    {0xE000, 0xF8FF, "a private-use character: it means something only in one font, not on the screens"},
    {0xFB1D, 0xFB4F, "Hebrew script: written right to left, which the screens do not do"},
    {0xFB50, 0xFDFF, "Arabic script (Arabic, Uyghur, Kazakh): needs shaping, which the screens do not do"},
    {0xFE70, 0xFEFE, "Arabic script (Arabic, Uyghur, Kazakh): needs shaping, which the screens do not do"},
    {0x10800, 0x10FFF, "a right-to-left script (Phoenician, Avestan, Hanifi Rohingya, …): the screens do not draw it"},
    {0x11000, 0x11FFF, "an Indic script (Brahmi, Chakma, Sharada, …): needs shaping, which the screens do not do"},
    {0x1E800, 0x1EFFF, "a right-to-left script (Mende Kikakui, Adlam, Arabic math): the screens do not draw it"},
    {0x40000, 0xDFFFF, "a code point no script uses (planes 4 to 13 are unassigned)"},
    {0xF0000, 0x10FFFF, "a private-use character: it means something only in one font, not on the screens"},
};

bool is_noncharacter(char32_t cp) { return in(cp, 0xFDD0, 0xFDEF) || (cp & 0xFFFE) == 0xFFFE; }

}  // namespace

CharacterFate character_fate(char32_t cp) {
    // Controls: a newline ends a line and a tab is white space (the line
    // breaker reads both); every other C0 or C1 control draws nothing. NUL,
    // ESC, a carriage return from a Windows paste.
    if (cp < 0x20) return cp == U'\n' || cp == U'\t' ? CharacterFate::drawn : CharacterFate::invisible;
    if (in(cp, 0x7F, 0x9F)) return CharacterFate::invisible;
    if (cp < 0x00AD) return CharacterFate::drawn;  // the fast path for ASCII and Latin-1
    switch (cp) {
        case 0x00AD:  // soft hyphen: a hyphen only at a break, and the screens break CJK text anywhere
        case 0x034F:  // combining grapheme joiner
        case 0x061C:  // Arabic letter mark (a bidi control)
        case 0x180E:  // Mongolian vowel separator
        case 0xFEFF:  // byte order mark, zero-width no-break space
            return CharacterFate::invisible;
        default: break;
    }
    if (in(cp, 0x180B, 0x180F)) return CharacterFate::invisible;  // Mongolian variation selectors
    if (in(cp, 0x200B, 0x200F)) return CharacterFate::invisible;  // ZWSP, ZWNJ, ZWJ, LRM, RLM
    if (in(cp, 0x2028, 0x2029)) return CharacterFate::invisible;  // line and paragraph separators
    if (in(cp, 0x202A, 0x202E)) return CharacterFate::invisible;  // bidi embeddings and overrides
    if (in(cp, 0x2060, 0x206F)) return CharacterFate::invisible;  // word joiner, invisible operators, isolates
    if (in(cp, 0xFE00, 0xFE0F)) return CharacterFate::invisible;  // variation selectors (U+FE0F: emoji style)
    if (in(cp, 0xFFF9, 0xFFFB)) return CharacterFate::invisible;  // interlinear annotation
    if (in(cp, 0x1BCA0, 0x1BCA3)) return CharacterFate::invisible;  // shorthand format controls
    if (in(cp, 0x1D173, 0x1D17A)) return CharacterFate::invisible;  // musical format controls
    if (in(cp, 0xE0000, 0xE007F)) return CharacterFate::invisible;  // tags (emoji subdivision flags)
    if (in(cp, 0xE0100, 0xE01EF)) return CharacterFate::invisible;  // variation selectors supplement
    if (is_noncharacter(cp)) return CharacterFate::not_drawn;
    return why_not_drawn(cp).empty() ? CharacterFate::drawn : CharacterFate::not_drawn;
}

std::string_view why_not_drawn(char32_t cp) {
    if (is_noncharacter(cp)) return "a noncharacter: no font draws it";
    for (const UnsetScript& s : kUnsetScripts) {
        if (cp < s.first) break;
        if (cp <= s.last) return s.why;
    }
    return {};
}

// [SECTION] Texts

bool is_drawable_as_is(std::string_view utf8) {
    for (std::size_t i = 0; i < utf8.size();) {
        const auto b = static_cast<unsigned char>(utf8[i]);
        if (b >= 0x20 && b < 0x7F) {  // ASCII letters, digits, punctuation
            ++i;
            continue;
        }
        const Decoded d = decode_at(utf8, i);
        if (d.valid && character_fate(d.cp) != CharacterFate::drawn) return false;
        i += d.length;
    }
    return true;
}

std::string drawable_text(std::string_view utf8, std::size_t* not_drawn) {
    if (not_drawn) *not_drawn = 0;
    if (is_drawable_as_is(utf8)) return std::string(utf8);
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) {
        const Decoded d = decode_at(utf8, i);
        const CharacterFate fate = d.valid ? character_fate(d.cp) : CharacterFate::drawn;
        if (fate == CharacterFate::drawn) out.append(utf8.substr(i, d.length));
        else if (fate == CharacterFate::not_drawn && not_drawn) ++*not_drawn;
        i += d.length;
    }
    return out;
}

std::vector<UndrawableCharacter> undrawable_characters(std::string_view utf8) {
    std::vector<UndrawableCharacter> out;
    std::size_t index = 0;
    for (std::size_t i = 0; i < utf8.size(); ++index) {
        const Decoded d = decode_at(utf8, i);
        if (d.valid && character_fate(d.cp) == CharacterFate::not_drawn) out.push_back({index, d.cp});
        i += d.length;
    }
    return out;
}

std::string code_point_name(char32_t cp) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(cp));
    return buffer;
}

}  // namespace campus
