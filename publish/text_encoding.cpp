// Text encodings and escapes for the workbook readers (see text_encoding.hpp for why).
#include "publish/text_encoding.hpp"

#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace campus::publish::text_encoding {

WideEncoding detect_wide_encoding(std::string_view bytes) {
    const auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    // BOMs first; UTF-32 LE's BOM starts like UTF-16 LE's, so it is tested first.
    if (bytes.size() >= 4 && at(0) == 0xFF && at(1) == 0xFE && at(2) == 0 && at(3) == 0) return WideEncoding::utf32le;
    if (bytes.size() >= 4 && at(0) == 0 && at(1) == 0 && at(2) == 0xFE && at(3) == 0xFF) return WideEncoding::utf32be;
    if (bytes.size() >= 2 && at(0) == 0xFF && at(1) == 0xFE) return WideEncoding::utf16le;
    if (bytes.size() >= 2 && at(0) == 0xFE && at(1) == 0xFF) return WideEncoding::utf16be;

    // Without a BOM: where the NUL bytes stand. A sample is enough: a UTF-16
    // CSV has a NUL beside every comma and line end within its first line.
    const std::size_t sample = bytes.size() < 4096 ? bytes.size() : 4096;
    const void* first_nul = std::memchr(bytes.data(), 0, sample);
    if (first_nul == nullptr) {
        // A NUL after the sample still makes the file binary, not text.
        if (sample < bytes.size() && std::memchr(bytes.data() + sample, 0, bytes.size() - sample) != nullptr)
            return WideEncoding::binary;
        return WideEncoding::none;
    }
    if (sample >= 4 && sample % 4 == 0) {
        bool le = true, be = true;  // every 4-byte unit's high (LE: last two) bytes are zero
        for (std::size_t i = 0; i < sample; i += 4) {
            if (at(i + 2) != 0 || at(i + 3) != 0) le = false;
            if (at(i) != 0 || at(i + 1) != 0) be = false;
        }
        if (le) return WideEncoding::utf32le;
        if (be) return WideEncoding::utf32be;
    }
    std::size_t nul_even = 0, nul_odd = 0;
    for (std::size_t i = 0; i < sample; ++i) {
        if (at(i) == 0) (i % 2 == 0 ? nul_even : nul_odd) += 1;
    }
    if (nul_even == 0) return WideEncoding::utf16le;
    if (nul_odd == 0) return WideEncoding::utf16be;
    return WideEncoding::binary;
}

std::string_view wide_encoding_name(WideEncoding encoding) {
    switch (encoding) {
        case WideEncoding::none: return "";
        case WideEncoding::utf16le: return "UTF-16 LE";
        case WideEncoding::utf16be: return "UTF-16 BE";
        case WideEncoding::utf32le: return "UTF-32 LE";
        case WideEncoding::utf32be: return "UTF-32 BE";
        case WideEncoding::binary: return "二进制";
    }
    return "";
}

bool has_utf8_bom(std::string_view bytes) { return bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF"; }

std::size_t find_invalid_utf8(std::string_view bytes) {
    const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    while (i < n) {
        // ASCII runs are most of a CSV: eight bytes at a time while none has the high bit.
        while (i + 8 <= n) {
            std::uint64_t word;
            std::memcpy(&word, s + i, 8);
            if (word & 0x8080808080808080ull) break;
            i += 8;
        }
        if (i >= n) break;
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;       // no overlongs
            else if (c == 0xED) hi = 0x9F;  // no surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            else if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
        } else {
            return i;
        }
        if (i + len > n) return i;
        if (s[i + 1] < lo || s[i + 1] > hi) return i;
        for (std::size_t k = 2; k < len; ++k)
            if ((s[i + k] & 0xC0) != 0x80) return i;
        i += len;
    }
    return std::string_view::npos;
}

std::optional<std::string> gb18030_to_utf8(std::string_view bytes, std::size_t* bad_offset) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        if (bad_offset) *bad_offset = 0;
        return std::nullopt;
    }
    // A GB18030 character of 1, 2 or 4 bytes is at most 1, 3 or 4 bytes of
    // UTF-8, so 1.5× (plus slack) never runs out; one allocation per file.
    std::string out(bytes.size() + bytes.size() / 2 + 16, '\0');
    char* in_ptr = const_cast<char*>(bytes.data());
    std::size_t in_left = bytes.size();
    char* out_ptr = out.data();
    std::size_t out_left = out.size();
    std::optional<std::string> result;
    while (true) {
        const std::size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
        if (rc != static_cast<std::size_t>(-1)) {
            out.resize(out.size() - out_left);
            result = std::move(out);
            break;
        }
        if (errno == E2BIG) {  // cannot happen by the bound above, but stay correct if it does
            const std::size_t used = out.size() - out_left;
            out.resize(out.size() * 2);
            out_ptr = out.data() + used;
            out_left = out.size() - used;
            continue;
        }
        if (bad_offset) *bad_offset = static_cast<std::size_t>(in_ptr - bytes.data());
        break;
    }
    iconv_close(cd);
    return result;
}

std::size_t line_of_offset(std::string_view bytes, std::size_t offset) {
    if (offset > bytes.size()) offset = bytes.size();
    std::size_t line = 1;
    for (std::size_t i = 0; i < offset; ++i) {
        if (bytes[i] == '\n') ++line;
        else if (bytes[i] == '\r' && (i + 1 >= bytes.size() || bytes[i + 1] != '\n')) ++line;
    }
    return line;
}


namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The code unit of an escape `_xHHHH_` starting at text[i], or -1.
int escape_at(const std::string& text, std::size_t i) {
    if (i + 7 > text.size() || text[i] != '_' || text[i + 1] != 'x' || text[i + 6] != '_') return -1;
    int value = 0;
    for (std::size_t k = 2; k < 6; ++k) {
        const int h = hex_value(text[i + k]);
        if (h < 0) return -1;
        value = value * 16 + h;
    }
    return value;
}

}  // namespace

void decode_ooxml_escapes(std::string& text) {
    std::size_t i = text.find("_x");
    if (i == std::string::npos) return;  // nearly every string: no copy at all
    std::string out;
    out.reserve(text.size());
    out.append(text, 0, i);
    while (i < text.size()) {
        const int unit = escape_at(text, i);
        if (unit < 0) {
            out += text[i++];
            continue;
        }
        i += 7;
        char32_t cp = static_cast<char32_t>(unit);
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            const int low = escape_at(text, i);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) + (static_cast<char32_t>(low) - 0xDC00);
                i += 7;
            } else {
                cp = 0xFFFD;
            }
        } else if ((unit >= 0xDC00 && unit <= 0xDFFF) || unit == 0) {
            cp = 0xFFFD;
        }
        append_utf8(out, cp);
    }
    text = std::move(out);
}

}  // namespace campus::publish::text_encoding
