// The string the screen draws for a piece of text, in two steps.
//
//   visible_text()  drops the characters the screen never draws (the rule is
//                   sync/drawable_text: format and control characters such as
//                   U+200B, U+200D, U+FE0F, U+FEFF, bidi controls, the soft
//                   hyphen, NUL, ESC; and scripts that need shaping). Done
//                   once per text, before anything else, so that line
//                   breaking, fitting, drawing and the layout report all see
//                   the same string.
//   atlas_text()    the form ImGui is handed, for each measured run and each
//                   drawn line. Debian's imgui 1.86 has a 16-bit ImWchar: a
//                   character above U+FFFF (CJK Extension B in people's
//                   names, most emoji) would decode to U+FFFD. Each one the
//                   font atlas holds is replaced by its private-use stand-in
//                   (U+E000…U+F8FF, PrivateUseMap), whose glyph FontSet
//                   rasterised into the atlas itself; a character the atlas
//                   has no glyph for is left out (and counted), never shown
//                   as ImGui's `?`.
// The line breaker sees the visible text with its real code points, so
// clreq's rules (a break between two Han characters, Extension B included)
// apply to the characters themselves, not to their stand-ins.
//
// Thread safety: pure functions and an immutable map; any thread.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace campus::kiosk::text {

// The characters one font atlas holds beyond U+FFFF, each with its private-use
// stand-in. Made per atlas build from the glyph plan; deterministic (the
// same plan gives the same map) and bounded.
class PrivateUseMap {
public:
    static constexpr char32_t kFirst = 0xE000;
    static constexpr char32_t kLast = 0xF8FF;
    // Slots used at most: 6,000 characters above U+FFFF in one feed is far
    // beyond any school's names; past it the rest are left out (logged).
    static constexpr std::size_t kCapacity = 6000;

    PrivateUseMap() = default;
    // From the code points above U+FFFF to bake (any order, duplicates
    // allowed): sorted, the first kCapacity get U+E000, U+E001, … in order.
    // `left_out`, when given, receives how many did not get a slot.
    static PrivateUseMap for_code_points(std::vector<char32_t> code_points, std::size_t* left_out = nullptr);

    // The stand-in of `cp`, or 0 when it has none.
    char32_t stand_in(char32_t cp) const;
    // The character a stand-in stands for, or 0.
    char32_t original(char32_t stand_in) const;
    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    // (character, stand-in), sorted by character.
    const std::vector<std::pair<char32_t, char32_t>>& entries() const { return entries_; }
    bool operator==(const PrivateUseMap&) const = default;

private:
    std::vector<std::pair<char32_t, char32_t>> entries_;
};

// The text without the characters the screen never draws; `not_drawn`
// (optional) receives how many of those were scripts it cannot set (not
// counting the invisible ones, which mean nothing on a screen).
std::string visible_text(std::string_view utf8, std::size_t* not_drawn = nullptr);

// Whether the atlas has a glyph for a character as ImGui sees it (≤ U+FFFF,
// a stand-in for those above).
using HasGlyphFn = std::function<bool(char32_t)>;

// The visible text as ImGui must be given it: characters above U+FFFF
// replaced by their stand-ins, a tab by a space (ImGui has no tab), every
// character without a glyph left out. `missing` (optional) receives how many
// were left out. Ill-formed bytes are kept (ImGui draws U+FFFD, which the
// atlas always holds). ASCII-only text is returned unchanged at once.
std::string atlas_text(std::string_view visible, const PrivateUseMap& map, const HasGlyphFn& has_glyph,
                       std::size_t* missing = nullptr);

}  // namespace campus::kiosk::text
