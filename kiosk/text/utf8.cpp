#include "kiosk/text/utf8.hpp"

namespace campus::kiosk::text {

namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0u) == 0x80u; }

}  // namespace

Utf8Char decode_utf8_at(std::string_view text, std::size_t offset) {
    Utf8Char result{offset, 1, kReplacementCharacter, false};
    if (offset >= text.size()) {
        result.length = 0;
        return result;
    }
    const auto lead = static_cast<unsigned char>(text[offset]);
    if (lead < 0x80u) {
        result.codepoint = lead;
        result.valid = true;
        return result;
    }

    // The lead byte gives the length, the first payload bits, and the range
    // the second byte must fall in: the narrowed ranges after E0, ED, F0 and
    // F4 are what rule out overlong forms, surrogates and values > U+10FFFF.
    std::size_t length = 0;
    char32_t value = 0;
    unsigned char second_min = 0x80u, second_max = 0xBFu;
    if (lead >= 0xC2u && lead <= 0xDFu) {
        length = 2;
        value = lead & 0x1Fu;
    } else if (lead >= 0xE0u && lead <= 0xEFu) {
        length = 3;
        value = lead & 0x0Fu;
        if (lead == 0xE0u) second_min = 0xA0u;
        if (lead == 0xEDu) second_max = 0x9Fu;
    } else if (lead >= 0xF0u && lead <= 0xF4u) {
        length = 4;
        value = lead & 0x07u;
        if (lead == 0xF0u) second_min = 0x90u;
        if (lead == 0xF4u) second_max = 0x8Fu;
    } else {
        return result;  // a stray continuation byte, C0/C1 (overlong) or F5..FF
    }

    for (std::size_t i = 1; i < length; ++i) {
        if (offset + i >= text.size()) {
            result.length = i;  // cut short by the end of the text
            return result;
        }
        const auto byte = static_cast<unsigned char>(text[offset + i]);
        const bool in_range = i == 1 ? (byte >= second_min && byte <= second_max) : is_continuation(byte);
        if (!in_range) {
            result.length = i;  // the maximal subpart ends before this byte
            return result;
        }
        value = (value << 6) | (byte & 0x3Fu);
    }
    result.length = length;
    result.codepoint = value;
    result.valid = true;
    return result;
}

std::size_t count_codepoints(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t offset = 0; offset < text.size(); offset += decode_utf8_at(text, offset).length) ++count;
    return count;
}

bool is_valid_utf8(std::string_view text) {
    for (const Utf8Char& c : utf8_chars(text))
        if (!c.valid) return false;
    return true;
}

void append_utf8(std::string& out, char32_t codepoint) {
    if ((codepoint >= 0xD800u && codepoint <= 0xDFFFu) || codepoint > 0x10FFFFu) codepoint = kReplacementCharacter;
    auto put = [&out](char32_t byte) { out.push_back(static_cast<char>(static_cast<unsigned char>(byte))); };
    if (codepoint < 0x80u) {
        put(codepoint);
    } else if (codepoint < 0x800u) {
        put(0xC0u | (codepoint >> 6));
        put(0x80u | (codepoint & 0x3Fu));
    } else if (codepoint < 0x10000u) {
        put(0xE0u | (codepoint >> 12));
        put(0x80u | ((codepoint >> 6) & 0x3Fu));
        put(0x80u | (codepoint & 0x3Fu));
    } else {
        put(0xF0u | (codepoint >> 18));
        put(0x80u | ((codepoint >> 12) & 0x3Fu));
        put(0x80u | ((codepoint >> 6) & 0x3Fu));
        put(0x80u | (codepoint & 0x3Fu));
    }
}

std::string sanitize_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const Utf8Char& c : utf8_chars(text)) {
        if (c.valid) out.append(text.substr(c.offset, c.length));
        else append_utf8(out, kReplacementCharacter);
    }
    return out;
}

void collect_codepoints(std::string_view text, std::set<char32_t>& glyphs) {
    for (const Utf8Char& c : utf8_chars(text)) {
        const bool control = c.codepoint < 0x20u || (c.codepoint >= 0x7Fu && c.codepoint <= 0x9Fu);
        if (!control) glyphs.insert(c.codepoint);
    }
}

}  // namespace campus::kiosk::text
