// xml_scan: the fast reader for worksheets and shared strings (see xml_scan.hpp).
//
// [SECTION] Characters: names, spaces, UTF-8, references
// [SECTION] Tokens: declaration, start tag, end tag, text
// [SECTION] The loop over a buffer
//
// Everything is decoded in place: a reference is never shorter than the UTF-8
// it stands for, so the decoded text is written over the raw text it came
// from, and names and values are ended with a NUL where their delimiter was.
// A token is read in one pass that checks every byte and changes none; only
// once it is complete in the buffer are its names ended and its references
// decoded, so an unfinished token at the end of a chunk stays as it arrived.
// One table says what each byte may be, so the loops over names, values and
// text test one bit per byte; a NUL after the buffer's last byte stops them
// at its end (a NUL is never part of a name, a value or text).
#include "publish/xml_scan.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

namespace campus::publish::xml_scan {

namespace {

//-----------------------------------------------------------------------------
// [SECTION] Characters
//-----------------------------------------------------------------------------

constexpr std::size_t kMaxToken = 1u << 20;  // a longer unfinished token: expat's turn
constexpr std::size_t kMaxOpen = 1024;       // the reader stops at 128 anyway

// What a byte may be. ASCII names only: every name in SpreadsheetML is
// ASCII; a non-ASCII one is expat's.
enum : std::uint8_t {
    kNameStart = 1,   // A-Z a-z _ :
    kNameChar = 2,    // those, 0-9 - .
    kSpace = 4,       // SP TAB LF CR (between attributes; CR is not allowed in text)
    kPlainValue = 8,  // an attribute value's byte with nothing to check: printable ASCII but & < " '
    kPlainText = 16,  // text's: printable ASCII but & < ] >, and TAB LF
};

struct ByteClasses {
    std::uint8_t of[256] = {};
    constexpr ByteClasses() {
        for (int c = 0x20; c < 0x7F; ++c) {
            of[c] |= kPlainValue | kPlainText;
            const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (letter || c == '_' || c == ':') of[c] |= kNameStart | kNameChar;
            if ((c >= '0' && c <= '9') || c == '-' || c == '.') of[c] |= kNameChar;
        }
        for (int c : {'&', '<', '"', '\''}) of[c] &= static_cast<std::uint8_t>(~kPlainValue);
        for (int c : {'&', '<', ']', '>'}) of[c] &= static_cast<std::uint8_t>(~kPlainText);
        of[static_cast<int>('\t')] |= kPlainText;
        of[static_cast<int>('\n')] |= kPlainText;
        for (int c : {' ', '\t', '\n', '\r'}) of[c] |= kSpace;
    }
};
constexpr ByteClasses kBytes;

inline bool is(char c, std::uint8_t what) { return (kBytes.of[static_cast<unsigned char>(c)] & what) != 0; }
inline bool is_space(char c) { return is(c, kSpace); }

// The length of the well-formed UTF-8 sequence at p (lead byte ≥ 0x80) that is
// an XML character, or 0. Stricter than XML where in doubt (U+0080–U+009F,
// noncharacters U+FFFE/U+FFFF): in doubt, expat decides.
inline int utf8_char(const unsigned char* p, const unsigned char* end) {
    const unsigned char c = p[0];
    auto cont = [&](std::ptrdiff_t i) { return p + i < end && (p[i] & 0xC0u) == 0x80u; };
    if (c < 0xC2) return 0;
    if (c < 0xE0) {
        if (!cont(1)) return 0;
        if (c == 0xC2 && p[1] < 0xA0) return 0;  // C1 controls
        return 2;
    }
    if (c < 0xF0) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
        if (c == 0xED && p[1] >= 0xA0) return 0;  // surrogates
        if (c == 0xEF && p[1] == 0xBF && p[2] >= 0xBE) return 0;  // U+FFFE, U+FFFF
        return 3;
    }
    if (c < 0xF5) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;  // overlong
        if (c == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
        return 4;
    }
    return 0;
}

inline char* put_utf8(char* w, std::uint32_t cp) {
    if (cp < 0x80) {
        *w++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
        *w++ = static_cast<char>(0xC0 | (cp >> 6));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = static_cast<char>(0xE0 | (cp >> 12));
        *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        *w++ = static_cast<char>(0xF0 | (cp >> 18));
        *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
    return w;
}

// A reference at q ('&') before `end`: decoded at w. Returns the byte after
// its ';' and moves w, or nullptr for anything but the five predefined
// entities and character references to XML characters (U+007F–U+009F left to
// expat, like the raw bytes).
inline char* reference(char* q, char* end, char*& w) {
    char* semi = q + 1;
    while (semi < end && *semi != ';' && semi - q < 12) ++semi;
    if (semi >= end || *semi != ';') return nullptr;
    const std::string_view name(q + 1, static_cast<std::size_t>(semi - q - 1));
    if (name.size() >= 2 && name[0] == '#') {
        std::uint32_t cp = 0;
        std::size_t i = 1;
        const bool hex = name[1] == 'x';
        if (hex) ++i;
        if (i == name.size() || name.size() - i > 8) return nullptr;
        for (; i < name.size(); ++i) {
            const char c = name[i];
            std::uint32_t d;
            if (c >= '0' && c <= '9') d = static_cast<std::uint32_t>(c - '0');
            else if (hex && c >= 'a' && c <= 'f') d = static_cast<std::uint32_t>(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F') d = static_cast<std::uint32_t>(c - 'A' + 10);
            else return nullptr;
            cp = cp * (hex ? 16 : 10) + d;
        }
        const bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp < 0x7F) ||
                        (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
                        (cp >= 0x10000 && cp <= 0x10FFFF);
        if (!ok) return nullptr;
        w = put_utf8(w, cp);
        return semi + 1;
    }
    char c;
    if (name == "lt") c = '<';
    else if (name == "gt") c = '>';
    else if (name == "amp") c = '&';
    else if (name == "quot") c = '"';
    else if (name == "apos") c = '\'';
    else return nullptr;
    *w++ = c;
    return semi + 1;
}

//-----------------------------------------------------------------------------
// [SECTION] Tokens
//-----------------------------------------------------------------------------

// <?xml version="1.0" encoding="UTF-8" standalone="yes"?>, body between
// "<?" and "?>". Only version 1.0 and UTF-8 (the part is read as UTF-8 either way).
bool xml_declaration(const char* p, const char* end) {
    std::string_view s(p, static_cast<std::size_t>(end - p));
    if (!s.starts_with("xml") || s.size() < 4 || !is_space(s[3])) return false;
    s.remove_prefix(3);
    auto skip = [&] {
        while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    };
    // One pseudo-attribute: S name S? = S? quoted value.
    auto pseudo = [&](std::string_view want, std::string_view& value) {
        std::string_view rest = s;
        if (rest.empty() || !is_space(rest.front())) return false;
        while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
        if (!rest.starts_with(want)) return false;
        rest.remove_prefix(want.size());
        while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
        if (rest.empty() || rest.front() != '=') return false;
        rest.remove_prefix(1);
        while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
        if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) return false;
        const char quote = rest.front();
        const std::size_t close = rest.find(quote, 1);
        if (close == std::string_view::npos) return false;
        value = rest.substr(1, close - 1);
        s = rest.substr(close + 1);
        return true;
    };
    std::string_view value;
    if (!pseudo("version", value) || value != "1.0") return false;
    if (pseudo("encoding", value)) {
        if (value.size() != 5) return false;
        for (std::size_t i = 0; i < 5; ++i) {
            const char c = value[i] >= 'a' && value[i] <= 'z' ? static_cast<char>(value[i] - 32) : value[i];
            if (c != "UTF-8"[i]) return false;
        }
    } else if (!s.empty() && !is_space(s.front())) {
        return false;
    }
    if (pseudo("standalone", value) && value != "yes" && value != "no") return false;
    skip();
    return s.empty();
}

// Decodes the references in [p, end) in place (the bytes are checked
// already); returns the new end, or nullptr for a reference we do not read.
inline char* decode(char* p, char* end) {
    char* w = static_cast<char*>(std::memchr(p, '&', static_cast<std::size_t>(end - p)));
    if (w == nullptr) return end;
    char* q = w;
    while (q < end) {
        if (*q == '&') {
            q = reference(q, end, w);
            if (q == nullptr) return nullptr;
        } else {
            *w++ = *q++;
        }
    }
    return w;
}

// A truncated UTF-8 sequence at the buffer's end may be complete with the next chunk.
inline int utf8_or_incomplete(const char* q, const char* end, bool& incomplete) {
    const int n = utf8_char(reinterpret_cast<const unsigned char*>(q), reinterpret_cast<const unsigned char*>(end));
    if (n == 0 && end - q < 4) incomplete = true;
    return n;
}

}  // namespace

// <name attr="v" …> or <name …/> at p ('<').
int Scanner::start_tag(char* p, char* end, char*& next) {
    char* q = p + 1;
    char* const name = q;
    if (!is(*q, kNameStart)) return q >= end ? 0 : -1;
    ++q;
    while (is(*q, kNameChar)) ++q;
    if (q >= end) return 0;
    char* const name_end = q;
    std::size_t n = 0;
    bool empty_element = false;
    while (true) {
        char c = *q;
        if (c == '>') break;
        if (c == '/') {
            if (q + 1 >= end) return 0;
            if (q[1] != '>') return -1;
            empty_element = true;
            ++q;
            break;
        }
        if (!is_space(c)) return -1;
        ++q;
        while (is_space(*q)) ++q;
        if (q >= end) return 0;
        c = *q;
        if (c == '>' || c == '/') continue;
        // An attribute: name S? = S? "value".
        if (!is(c, kNameStart) || n == kMaxAttributes) return -1;
        Attribute& a = attributes_[n];
        a.name = q;
        ++q;
        while (is(*q, kNameChar)) ++q;
        a.name_end = q;
        while (is_space(*q)) ++q;
        if (q >= end) return 0;
        if (*q != '=') return -1;
        ++q;
        while (is_space(*q)) ++q;
        if (q >= end) return 0;
        const char quote = *q;
        if (quote != '"' && quote != '\'') return -1;
        a.value = ++q;
        a.references = false;
        while (true) {
            while (is(*q, kPlainValue)) ++q;
            if (q >= end) return 0;
            const char v = *q;
            if (v == quote) break;
            if (v == '"' || v == '\'' || v == '&') {  // the other quote; a reference, decoded below
                a.references |= v == '&';
                ++q;
            } else if (static_cast<unsigned char>(v) >= 0x80) {
                bool incomplete = false;
                const int k = utf8_or_incomplete(q, end, incomplete);
                if (k == 0) return incomplete ? 0 : -1;
                q += k;
            } else {
                return -1;  // '<', a control, or TAB/LF/CR (expat turns those into spaces)
            }
        }
        a.value_end = q;
        ++q;  // past the closing quote
        if (q >= end) return 0;
        c = *q;
        if (c != '>' && c != '/' && !is_space(c)) return -1;  // a="1"b="2"
        ++n;
    }
    next = q + 1;

    // Complete: names and values ended in place, references decoded.
    if (static_cast<std::size_t>(name_end - name) > kMaxName) return -1;
    for (std::size_t i = 0; i < n; ++i) {
        Attribute& a = attributes_[i];
        const std::size_t size = static_cast<std::size_t>(a.name_end - a.name);
        for (std::size_t j = 0; j < i; ++j) {  // expat: a duplicate attribute is an error
            const Attribute& b = attributes_[j];
            if (static_cast<std::size_t>(b.name_end - b.name) == size && std::memcmp(a.name, b.name, size) == 0) return -1;
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        Attribute& a = attributes_[i];
        *a.name_end = '\0';
        if (a.references) {
            a.value_end = decode(a.value, a.value_end);
            if (a.value_end == nullptr) return -1;
        }
        *a.value_end = '\0';
        attrs_[2 * i] = a.name;
        attrs_[2 * i + 1] = a.value;
    }
    attrs_[2 * n] = nullptr;
    const std::size_t name_size = static_cast<std::size_t>(name_end - name);
    *name_end = '\0';
    if (depth_ >= kMaxOpen) return -1;
    if (!events_.start(name, attrs_)) return -1;
    if (empty_element) {
        if (!events_.end(name)) return -1;
        if (depth_ == 0) root_closed_ = true;
        return 1;
    }
    if (depth_ == open_.size()) open_.emplace_back();
    OpenElement& open = open_[depth_];
    open.size = static_cast<unsigned char>(name_size);
    std::memcpy(open.name, name, name_size);
    ++depth_;
    return 1;
}

// </name S?> at p ('<'): it must close the element open last.
int Scanner::end_tag(char* p, char* end, char*& next) {
    char* q = p + 2;
    char* const name = q;
    if (!is(*q, kNameStart)) return q >= end ? 0 : -1;
    ++q;
    while (is(*q, kNameChar)) ++q;
    char* const name_end = q;
    while (is_space(*q)) ++q;
    if (q >= end) return 0;
    if (*q != '>') return -1;
    const OpenElement& open = open_[depth_ - 1];
    const std::size_t size = static_cast<std::size_t>(name_end - name);
    if (size != open.size) return -1;
    for (std::size_t i = 0; i < size; ++i)
        if (name[i] != open.name[i]) return -1;
    next = q + 1;
    *name_end = '\0';
    if (!events_.end(name)) return -1;
    if (--depth_ == 0) root_closed_ = true;
    return 1;
}

// Character data at p up to the next '<', checked, decoded and reported.
int Scanner::text_run(char* p, char* end, char*& next) {
    char* q = p;
    bool references = false;
    int brackets = 0;  // raw ']' just before: "]]>" is not allowed in text
    while (true) {
        while (is(*q, kPlainText)) ++q;
        if (q >= end) return 0;  // the text goes on in the next chunk
        const char c = *q;
        if (c == '<') break;
        if (c == ']') {
            ++brackets;
            ++q;
            continue;
        }
        if (c == '>') {
            if (brackets >= 2 && q[-1] == ']' && q[-2] == ']') return -1;
        } else if (c == '&') {
            references = true;
        } else if (static_cast<unsigned char>(c) >= 0x80) {
            bool incomplete = false;
            const int k = utf8_or_incomplete(q, end, incomplete);
            if (k == 0) return incomplete ? 0 : -1;
            q += k;
            brackets = 0;
            continue;
        } else {
            return -1;  // a control character, or CR (expat folds CR LF into LF)
        }
        ++q;
        brackets = 0;
    }
    next = q;
    char* text_end = q;
    if (references) {
        text_end = decode(p, q);
        if (text_end == nullptr) return -1;
    }
    if (text_end > p && !events_.text(p, static_cast<std::size_t>(text_end - p))) return -1;
    return 1;
}

//-----------------------------------------------------------------------------
// [SECTION] The loop over a buffer
//-----------------------------------------------------------------------------

char* Scanner::buffer(std::size_t n) {
    if (begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (buf_.size() < end_ + n + 1) buf_.resize(end_ + n + 1);
    return buf_.data() + end_;
}

bool Scanner::parse(std::size_t n, bool last) {
    if (failed_) return false;
    end_ += n;
    buf_[end_] = '\0';  // the sentinel (buffer() left room for it)
    return run(last);
}

bool Scanner::run(bool last) {
    char* const base = buf_.data();
    char* p = base + begin_;
    char* const end = base + end_;
    char* next = nullptr;
    while (p < end) {
        if (depth_ == 0) {
            // Before and after the root element: spaces, the declaration first of all.
            if (is_space(*p)) {
                ++p;
                at_start_ = false;
                continue;
            }
            if (*p != '<' || root_closed_) return fail();
            if (end - p < 2) break;
            if (p[1] == '?') {
                if (!at_start_) return fail();
                const char* close = nullptr;
                for (const char* q = p + 2; q + 1 < end; ++q) {
                    if (q[0] == '?' && q[1] == '>') {
                        close = q;
                        break;
                    }
                }
                if (close == nullptr) {
                    if (end - p > 1024) return fail();
                    break;
                }
                if (!xml_declaration(p + 2, close)) return fail();
                p += close + 2 - p;
                at_start_ = false;
                continue;
            }
            if (p[1] == '!' || p[1] == '/') return fail();  // DOCTYPE, comment: expat's
        } else {
            if (*p != '<') {
                const int r = text_run(p, end, next);
                if (r == 0) break;
                if (r < 0) return fail();
                p = next;
            }
            if (end - p < 2) break;
            if (p[1] == '/') {
                const int r = end_tag(p, end, next);
                if (r == 0) break;
                if (r < 0) return fail();
                p = next;
                continue;
            }
            if (p[1] == '!' || p[1] == '?') return fail();  // comment, CDATA, PI: expat's
        }
        at_start_ = false;
        const int r = start_tag(p, end, next);
        if (r == 0) break;
        if (r < 0) return fail();
        p = next;
    }
    begin_ = static_cast<std::size_t>(p - base);
    if (last) return root_closed_ && begin_ == end_ ? true : fail();
    if (end_ - begin_ > kMaxToken) return fail();
    return true;
}

}  // namespace campus::publish::xml_scan
