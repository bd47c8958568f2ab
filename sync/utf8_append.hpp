// One code point appended to a UTF-8 string: what both of the project's readers
// of untrusted text (sync/json_limited for the feed, publish/ for workbooks) do
// when they turn an escape (\uXXXX, _xHHHH_) into text.
//
// Thread safety: a pure function.
#pragma once

#include <string>

namespace campus {

// `cp` must be a Unicode scalar value (≤ U+10FFFF, no surrogate); the callers
// check that before, as each reports a bad escape in its own words.
inline void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace campus
