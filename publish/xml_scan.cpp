// xml_scan: the fast reader for worksheets and shared strings (see xml_scan.hpp).
//
// [SECTION] Characters: names, spaces, UTF-8, references
// [SECTION] Tokens: declaration, start tag, end tag, text
// [SECTION] The loop over a buffer
//
// Everything is decoded in place: a reference is never shorter than the UTF-8
// it stands for, so the decoded text is written over the raw text it came
// from, and names and values are ended with a NUL where their delimiter was.
// A token is decoded only once it is complete in the buffer (its '>' found),
// so an unfinished token at the end of a chunk is kept as it arrived.
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
constexpr std::size_t kMaxAttributes = 64;   // duplicates are checked pairwise

inline bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// ASCII names only: every name in SpreadsheetML is ASCII; a non-ASCII one is expat's.
inline bool name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
inline bool name_char(char c) {
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

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

// The '>' that ends the tag whose body starts at p, outside quoted values;
// nullptr when it is not in the buffer yet. `bad` when a '<' comes first.
inline char* tag_end(char* p, char* end, bool& bad) {
    for (char* q = p; q < end; ++q) {
        const char c = *q;
        if (c == '>') return q;
        if (c == '"' || c == '\'') {
            q = static_cast<char*>(std::memchr(q + 1, c, static_cast<std::size_t>(end - q - 1)));
            if (q == nullptr) return nullptr;
        } else if (c == '<') {
            bad = true;
            return nullptr;
        }
    }
    return nullptr;
}

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

}  // namespace

// <name attr="v" …> or <name …/>, from p ('<') to gt ('>').
bool Scanner::start_tag(char* p, char* gt) {
    char* q = p + 1;
    const char* name = q;
    if (!name_start(*q)) return fail();
    while (name_char(*q)) ++q;
    char c = *q;
    *q = '\0';
    attrs_.clear();
    bool empty_element = false;
    while (true) {
        if (c == '>') break;
        if (c == '/') {
            if (q + 1 != gt) return fail();
            empty_element = true;
            break;
        }
        if (!is_space(c)) return fail();
        ++q;
        while (is_space(*q)) ++q;
        c = *q;
        if (c == '>' || c == '/') continue;
        // An attribute: name S? = S? "value".
        if (!name_start(c)) return fail();
        char* attr = q;
        while (name_char(*q)) ++q;
        char* attr_end = q;
        while (is_space(*q)) ++q;
        if (*q != '=') return fail();
        ++q;
        while (is_space(*q)) ++q;
        const char quote = *q;
        if (quote != '"' && quote != '\'') return fail();
        ++q;
        char* value = q;
        char* w = q;
        while (q < gt && *q != quote) {
            const auto u = static_cast<unsigned char>(*q);
            if (u >= 0x20 && u < 0x7F && u != '&' && u != '<') {
                *w++ = *q++;
            } else if (u == '&') {
                q = reference(q, gt, w);
                if (q == nullptr) return fail();
            } else if (u >= 0x80) {
                const int n = utf8_char(reinterpret_cast<const unsigned char*>(q), reinterpret_cast<const unsigned char*>(gt));
                if (n == 0) return fail();
                for (int k = 0; k < n; ++k) *w++ = *q++;
            } else {
                return fail();  // '<', a control, or TAB/LF/CR (expat turns those into spaces)
            }
        }
        if (q >= gt) return fail();
        *attr_end = '\0';
        *w = '\0';
        if (attrs_.size() >= 2 * kMaxAttributes) return fail();
        for (std::size_t i = 0; i < attrs_.size(); i += 2)
            if (std::strcmp(attrs_[i], attr) == 0) return fail();  // expat: duplicate attribute
        attrs_.push_back(attr);
        attrs_.push_back(value);
        ++q;  // past the closing quote
        c = *q;
        if (c != '>' && c != '/' && !is_space(c)) return fail();  // a="1"b="2"
    }
    attrs_.push_back(nullptr);
    if (depth_ >= kMaxOpen) return fail();
    if (!events_.start(name, attrs_.data())) return fail();
    if (empty_element) {
        if (!events_.end(name)) return fail();
        if (depth_ == 0) root_closed_ = true;
        return true;
    }
    if (depth_ == open_.size()) open_.emplace_back();
    open_[depth_].assign(name);
    ++depth_;
    return true;
}

// </name S?>, from p ('<') to gt ('>'): it must close the element open last.
bool Scanner::end_tag(char* p, char* gt) {
    char* q = p + 2;
    const char* name = q;
    if (!name_start(*q)) return fail();
    while (name_char(*q)) ++q;
    char* name_end = q;
    while (is_space(*q)) ++q;
    if (q != gt) return fail();
    const std::string& open = open_[depth_ - 1];
    if (static_cast<std::size_t>(name_end - name) != open.size() || std::memcmp(name, open.data(), open.size()) != 0)
        return fail();
    *name_end = '\0';
    if (!events_.end(name)) return fail();
    if (--depth_ == 0) root_closed_ = true;
    return true;
}

// Character data from p to end (the next '<'), decoded and reported.
bool Scanner::text_run(char* p, char* end) {
    char* q = p;
    char* w = p;
    int brackets = 0;  // raw ']' just before: "]]>" is not allowed in text
    while (q < end) {
        const auto u = static_cast<unsigned char>(*q);
        if (u >= 0x20 && u < 0x7F && u != '&' && u != ']' && u != '>') {
            *w++ = *q++;
            brackets = 0;
        } else if (u == '&') {
            q = reference(q, end, w);
            if (q == nullptr) return fail();
            brackets = 0;
        } else if (u >= 0x80) {
            const int n = utf8_char(reinterpret_cast<const unsigned char*>(q), reinterpret_cast<const unsigned char*>(end));
            if (n == 0) return fail();
            for (int k = 0; k < n; ++k) *w++ = *q++;
            brackets = 0;
        } else if (u == ']') {
            *w++ = *q++;
            ++brackets;
        } else if (u == '>') {
            if (brackets >= 2) return fail();
            *w++ = *q++;
            brackets = 0;
        } else if (u == '\n' || u == '\t') {
            *w++ = *q++;
            brackets = 0;
        } else {
            return fail();  // a control character, or CR (expat folds CR LF into LF)
        }
    }
    if (w > p && !events_.text(p, static_cast<std::size_t>(w - p))) return fail();
    return true;
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
    if (buf_.size() < end_ + n) buf_.resize(end_ + n);
    return buf_.data() + end_;
}

bool Scanner::parse(std::size_t n, bool last) {
    if (failed_) return false;
    end_ += n;
    return run(last);
}

bool Scanner::run(bool last) {
    char* const base = buf_.data();
    char* p = base + begin_;
    char* const end = base + end_;
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
                char* lt = static_cast<char*>(std::memchr(p, '<', static_cast<std::size_t>(end - p)));
                if (lt == nullptr) break;  // the text goes on in the next chunk
                if (!text_run(p, lt)) return false;
                p = lt;
            }
            if (end - p < 2) break;
            if (p[1] == '/') {
                char* gt = static_cast<char*>(std::memchr(p + 2, '>', static_cast<std::size_t>(end - p - 2)));
                if (gt == nullptr) break;
                if (!end_tag(p, gt)) return false;
                p = gt + 1;
                continue;
            }
            if (p[1] == '!' || p[1] == '?') return fail();  // comment, CDATA, PI: expat's
        }
        at_start_ = false;
        bool bad = false;
        char* gt = tag_end(p + 1, end, bad);
        if (bad) return fail();
        if (gt == nullptr) break;
        if (!start_tag(p, gt)) return false;
        p = gt + 1;
    }
    begin_ = static_cast<std::size_t>(p - base);
    if (last) return root_closed_ && begin_ == end_ ? true : fail();
    if (end_ - begin_ > kMaxToken) return fail();
    return true;
}

}  // namespace campus::publish::xml_scan
