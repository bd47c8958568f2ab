// Which characters the screens draw: one rule, for the screen (kiosk/, which
// lays out only what it will draw) and for the office (`kiosk-feed validate`,
// which warns about what it will not), with no font, ImGui or GL in it.
//
// Every code point has one fate:
//   drawn      a glyph from the screen's fonts: Noto Sans CJK SC (Latin, Greek,
//              Cyrillic, CJK with the extension planes it carries, kana,
//              Hangul, CJK punctuation) and the fallback fonts fontconfig gives
//              (Symbola: emoji and symbols, monochrome). A drawn character no
//              installed font has is left out by the screen and counted in the
//              layout report's `missing`; it is never a `?`.
//   invisible  format and control characters that mean something only to a
//              shaping engine or a terminal: zero-width space and joiners, the
//              BOM, bidi controls, the soft hyphen, variation selectors, tags,
//              C0/C1 controls. Dropped before line breaking, silently: WeChat
//              puts U+FE0F after every emoji and U+200D inside its sequences.
//              A newline (U+000A) and a tab stay (the line breaker reads them).
//   not_drawn  scripts the screen cannot set without shaping or bidi (Arabic
//              and Uyghur, Hebrew, Syriac, Thaana, N'Ko, the Indic scripts,
//              Thai, Lao, Tibetan, Myanmar, Khmer, Mongolian, …), private-use
//              characters (the screen uses U+E000–U+F8FF itself for characters
//              above U+FFFF) and noncharacters. Dropped, and warned about by
//              `kiosk-feed validate`: the office learns before a parent does.
//
// Thread safety: pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace campus {

enum class CharacterFate : std::uint8_t { drawn, invisible, not_drawn };

CharacterFate character_fate(char32_t cp);

// Why a not_drawn character is not drawn, in the office's words ("Arabic
// script: needs shaping, which the screens do not do"); "" for the others.
std::string_view why_not_drawn(char32_t cp);

// The text as the screens lay it out and draw it: invisible and not_drawn
// characters removed, everything else byte for byte (ill-formed UTF-8 is kept
// as it is: the screen's decoder shows it as U+FFFD). `not_drawn`, when given,
// receives the number of not_drawn characters removed.
std::string drawable_text(std::string_view utf8, std::size_t* not_drawn = nullptr);

// True when drawable_text() would change nothing (the common case: no copy).
bool is_drawable_as_is(std::string_view utf8);

// A character of a text that the screens will not draw.
struct UndrawableCharacter {
    std::size_t index = 0;  // the character's position in the text, counted in code points from 0
    char32_t codepoint = 0;
};
std::vector<UndrawableCharacter> undrawable_characters(std::string_view utf8);

// "U+0627" (four hex digits at least, as the Unicode Standard writes them).
std::string code_point_name(char32_t cp);

}  // namespace campus
