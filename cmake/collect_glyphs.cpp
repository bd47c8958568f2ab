// collect_glyphs: the kiosk's own non-ASCII characters, for the font atlas.
//
// imgui 1.86 bakes only the glyphs it is given. The feed's text is known at
// run time, but the program's own strings (星期三, 第N周, 流动红旗, 还有N天, …)
// live in the source, and a page author adding a new one must never have to
// remember to add its glyphs somewhere. So the build scans every source file
// under kiosk/ and writes the code points found inside string and character
// literals (comments are skipped: their characters are never drawn) to an
// include file that kiosk/fonts.cpp compiles in.
//
// Usage: collect_glyphs OUTPUT.inc SOURCE...
// Understands ordinary, prefixed (u8 u U L) and raw string literals, and the
// \u / \U / \x / octal escapes inside them. Writes OUTPUT only when its content
// changes, so an edit that adds no character rebuilds nothing.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length (1 for an invalid byte,
// which yields no code point).
std::size_t decode(const std::string& s, std::size_t i, char32_t& cp) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (b < 0x80) { cp = b; return 1; }
    if ((b & 0xE0) == 0xC0) { len = 2; cp = b & 0x1Fu; }
    else if ((b & 0xF0) == 0xE0) { len = 3; cp = b & 0x0Fu; }
    else if ((b & 0xF8) == 0xF0) { len = 4; cp = b & 0x07u; }
    else { cp = 0; return 1; }
    if (i + len > s.size()) { cp = 0; return 1; }
    for (std::size_t k = 1; k < len; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) { cp = 0; return 1; }
        cp = (cp << 6) | (c & 0x3Fu);
    }
    return len;
}

void add(std::set<char32_t>& out, char32_t cp) {
    // Only what the screen draws: no controls, no ASCII (always baked), no surrogates.
    if (cp < 0xA0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return;
    out.insert(cp);
}

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// Scans the body of a non-raw literal starting after its opening quote; returns
// the index after its closing quote.
std::size_t scan_literal(const std::string& s, std::size_t i, char quote, std::set<char32_t>& out) {
    while (i < s.size() && s[i] != quote && s[i] != '\n') {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char e = s[i + 1];
            if (e == 'u' || e == 'U') {
                const std::size_t digits = e == 'u' ? 4 : 8;
                std::size_t k = 0;
                while (k < digits && i + 2 + k < s.size() && is_hex(s[i + 2 + k])) ++k;
                if (k == digits) add(out, static_cast<char32_t>(std::stoul(s.substr(i + 2, digits), nullptr, 16)));
                i += 2 + k;
            } else {
                i += 2;  // \x and octal escapes in narrow literals are bytes, not characters
            }
            continue;
        }
        char32_t cp = 0;
        i += decode(s, i, cp);
        add(out, cp);
    }
    return i < s.size() ? i + 1 : i;
}

void scan(const std::string& s, std::set<char32_t>& out) {
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
            i = s.find('\n', i);
            if (i == std::string::npos) return;
        } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
            i = s.find("*/", i + 2);
            if (i == std::string::npos) return;
            i += 2;
        } else if (c == 'R' && i + 1 < s.size() && s[i + 1] == '"' &&
                   (i == 0 || !(std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '_') ||
                    s[i - 1] == '8' || s[i - 1] == 'u' || s[i - 1] == 'U' || s[i - 1] == 'L')) {
            const std::size_t open = s.find('(', i + 2);
            if (open == std::string::npos) return;
            const std::string close = ")" + s.substr(i + 2, open - i - 2) + "\"";
            const std::size_t end = s.find(close, open + 1);
            const std::size_t stop = end == std::string::npos ? s.size() : end;
            for (std::size_t k = open + 1; k < stop;) {
                char32_t cp = 0;
                k += decode(s, k, cp);
                add(out, cp);
            }
            i = end == std::string::npos ? s.size() : end + close.size();
        } else if (c == '"') {
            i = scan_literal(s, i + 1, '"', out);
        } else if (c == '\'') {
            // A digit separator (1'000'000) is not a character literal.
            if (i > 0 && std::isxdigit(static_cast<unsigned char>(s[i - 1])) && i + 1 < s.size() &&
                std::isxdigit(static_cast<unsigned char>(s[i + 1])) && !(i >= 2 && s[i - 2] == 'u' && s[i - 1] == '8')) {
                ++i;
                continue;
            }
            i = scan_literal(s, i + 1, '\'', out);
        } else {
            ++i;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: collect_glyphs OUTPUT.inc SOURCE...\n";
        return 2;
    }
    std::set<char32_t> found;
    for (int a = 2; a < argc; ++a) {
        std::ifstream in(argv[a], std::ios::binary);
        if (!in) {
            std::cerr << "collect_glyphs: cannot read " << argv[a] << "\n";
            return 1;
        }
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        scan(text, found);
    }
    std::ostringstream out;
    out << "// Generated by cmake/collect_glyphs.cpp from the string literals under kiosk/. Do not edit.\n"
        << "// " << found.size() << " code points.\n";
    int column = 0;
    for (char32_t cp : found) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "0x%04X,", static_cast<unsigned>(cp));
        out << buf << (++column % 12 == 0 ? "\n" : " ");
    }
    out << "\n";
    const std::string content = out.str();
    {
        std::ifstream old(argv[1], std::ios::binary);
        if (old) {
            const std::string previous((std::istreambuf_iterator<char>(old)), std::istreambuf_iterator<char>());
            if (previous == content) return 0;
        }
    }
    std::ofstream file(argv[1], std::ios::binary | std::ios::trunc);
    file << content;
    if (!file) {
        std::cerr << "collect_glyphs: cannot write " << argv[1] << "\n";
        return 1;
    }
    return 0;
}
