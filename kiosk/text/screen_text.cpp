// The screen's form of a text: visible characters, then ImGui's. See screen_text.hpp.
#include "kiosk/text/screen_text.hpp"

#include <algorithm>

#include "kiosk/text/utf8.hpp"
#include "sync/drawable_text.hpp"

namespace campus::kiosk::text {

PrivateUseMap PrivateUseMap::for_code_points(std::vector<char32_t> code_points, std::size_t* left_out) {
    std::sort(code_points.begin(), code_points.end());
    code_points.erase(std::unique(code_points.begin(), code_points.end()), code_points.end());
    code_points.erase(std::remove_if(code_points.begin(), code_points.end(), [](char32_t cp) { return cp <= 0xFFFF; }),
                      code_points.end());
    const std::size_t slots = std::min<std::size_t>(kCapacity, kLast - kFirst + 1);
    if (left_out) *left_out = code_points.size() > slots ? code_points.size() - slots : 0;
    PrivateUseMap map;
    const std::size_t n = std::min(code_points.size(), slots);
    map.entries_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) map.entries_.emplace_back(code_points[i], kFirst + static_cast<char32_t>(i));
    return map;
}

char32_t PrivateUseMap::stand_in(char32_t cp) const {
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), cp,
                                     [](const std::pair<char32_t, char32_t>& e, char32_t c) { return e.first < c; });
    return it != entries_.end() && it->first == cp ? it->second : 0;
}

char32_t PrivateUseMap::original(char32_t stand_in) const {
    // Stand-ins are given in the order of the characters: the index is the offset.
    if (stand_in < kFirst || stand_in - kFirst >= entries_.size()) return 0;
    return entries_[stand_in - kFirst].first;
}

std::string visible_text(std::string_view utf8, std::size_t* not_drawn) {
    return campus::drawable_text(utf8, not_drawn);
}

std::string atlas_text(std::string_view visible, const PrivateUseMap& map, const HasGlyphFn& has_glyph,
                       std::size_t* missing) {
    if (missing) *missing = 0;
    const bool ascii = std::all_of(visible.begin(), visible.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b >= 0x20 && b < 0x7F;
    });
    if (ascii) return std::string(visible);  // the atlas always holds ASCII
    std::string out;
    out.reserve(visible.size());
    for (const Utf8Char& c : utf8_chars(visible)) {
        if (!c.valid) {
            out.append(visible.substr(c.offset, c.length));
            continue;
        }
        char32_t cp = c.codepoint;
        if (cp == U'\n') {
            out.push_back('\n');
            continue;
        }
        if (cp == U'\t') cp = U' ';
        if (cp > 0xFFFF) cp = map.stand_in(cp);
        if (cp == 0 || !has_glyph(cp)) {
            if (missing) ++*missing;
            continue;
        }
        append_utf8(out, cp);
    }
    return out;
}

}  // namespace campus::kiosk::text
