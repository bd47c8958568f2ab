// Reading untrusted JSON within limits (see json_limited.hpp for why).
//
// [SECTION] Helpers: code points, pointers, places
// [SECTION] Value: reading the compact tree
// [SECTION] Reader: RFC 8259 grammar with an explicit stack
// [SECTION] read()
#include "sync/json_limited.hpp"

#include "sync/utf8_append.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <exception>
#include <system_error>
#include <unordered_set>

namespace campus::json_limited {

//-----------------------------------------------------------------------------
// [SECTION] Helpers
//-----------------------------------------------------------------------------

std::size_t count_code_points(std::string_view utf8) {
    std::size_t n = 0;
    for (char c : utf8) {
        // Every code point has exactly one byte that is not a continuation byte.
        if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++n;
    }
    return n;
}

void append_pointer_token(std::string& pointer, std::string_view token) {
    pointer += '/';
    for (char c : token) {
        if (c == '~') {
            pointer += "~0";
        } else if (c == '/') {
            pointer += "~1";
        } else {
            pointer += c;
        }
    }
}

namespace {

// "line 3, column 7" for a byte offset, as an editor counts (columns in code points).
std::string line_and_column(std::string_view bytes, std::size_t offset) {
    if (offset > bytes.size()) offset = bytes.size();
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (bytes[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    const std::size_t column = count_code_points(bytes.substr(line_start, offset - line_start)) + 1;
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string hex_byte(unsigned char b) {
    static const char digits[] = "0123456789ABCDEF";
    return std::string("0x") + digits[b >> 4] + digits[b & 0xF];
}


}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Value
//-----------------------------------------------------------------------------
// Value's accessors are inline in the header: the checker calls them ~10^6
// times for a large feed.

//-----------------------------------------------------------------------------
// [SECTION] Reader
//-----------------------------------------------------------------------------

namespace {

// Bytes a string can take as they are: not '"', '\\', a control character or
// the start of a multi-byte sequence (those need a closer look).
bool plain_text_byte(unsigned char b) { return b >= 0x20 && b != '"' && b != '\\' && b < 0x80; }

// Index of the first byte of `word` (8 bytes, little-endian) that is not plain
// text, or 8. SWAR: each test sets a byte's top bit where it matches; only the
// lowest set bit of each is exact (borrows can mark bytes after a match),
// which is all that is used.
unsigned first_special_byte(std::uint64_t word) {
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    const auto zero_byte = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    const std::uint64_t special = zero_byte(word ^ (ones * '"')) | zero_byte(word ^ (ones * '\\')) |
                                  ((word - ones * 0x20) & ~word & highs)  // below 0x20
                                  | (word & highs);                        // 0x80 and above
    return special ? static_cast<unsigned>(std::countr_zero(special)) / 8 : 8;
}

// Exact powers of ten as doubles (10^22 is the largest one a double holds).
constexpr double kExactPowersOf10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

}  // namespace

class Reader {
public:
    Reader(std::string_view in, const FeedLimits& limits, Document& doc) : in_(in), limits_(limits), doc_(doc) {
        // Feeds have about one value per 8 input bytes (a score like "d":18.5,
        // is one member and one value); this avoids most regrowth.
        doc_.nodes_.reserve(in.size() / 8 + 16);
        doc_.members_.reserve(in.size() / 8 + 16);
        stack_.reserve(static_cast<std::size_t>(limits.max_depth > 0 ? limits.max_depth : 0) + 1);
    }

    std::optional<Problem> error;

    // The hot functions below pass the read position as a local pointer `p`
    // (a member would be reloaded after every store the compiler cannot
    // tell apart from it); the cold ones (errors, unusual text and numbers)
    // use pos_, set from `p` just before they are called.
    bool run() {
        const char* const end = in_.data() + in_.size();
        const char* p = in_.data();
        if (in_.substr(0, 3) == "\xEF\xBB\xBF") p += 3;  // a byte-order mark, as Windows editors write
        skip_space(p, end);
        if (p >= end) return fail_syntax_at(p, "the file is empty");
        if (!read_value(p, end)) return false;
        for (;;) {
            // After a value: close containers or go on to the next item.
            skip_space(p, end);
            if (stack_.empty()) {
                if (p < end) return fail_syntax_at(p, "unexpected text after the end of the document");
                return true;
            }
            if (p >= end) return fail_syntax_at(p, "the file ends before the document is complete");
            const char c = *p;
            const bool in_array = stack_.back().is_array;
            if (c == ',') {
                ++p;  // read_key and read_value skip the space after it
                if (!in_array && !read_key(p, end)) return false;
                if (!read_value(p, end)) return false;
            } else if ((c == '}' && !in_array) || (c == ']' && in_array)) {
                ++p;
                if (!close_container()) return false;
            } else {
                return fail_syntax_at(p, in_array ? "expected ',' or ']' after an item of a list"
                                                  : "expected ',' or '}' after a member of an object");
            }
        }
    }

private:
    // A container's members go straight to the document while it is the
    // innermost open container (`direct`), so a container with only scalars
    // inside (most of a feed: one score) is contiguous there from the start.
    // When a container opens inside it, its members so far move to
    // `pending_`, where it collects the rest, to be copied to the document,
    // contiguous, when it closes.
    struct Frame {
        std::uint32_t node = 0;
        bool is_array = false;
        bool direct = true;
        std::size_t start = 0;  // where this container's members begin: in members_ if direct, else in pending_
        std::size_t count = 0;  // items so far (lists only: for the limit and the pointer)
        std::string_view key;   // the member being read (objects; empty for lists)
    };

    // ---- errors ------------------------------------------------------------
    // Out of line and marked cold, so the hot paths that may fail stay small.
#define KIOSK_COLD [[gnu::cold, gnu::noinline]]
#define KIOSK_HOT_INLINE [[gnu::always_inline]] inline
    KIOSK_COLD bool fail(std::string pointer, std::string message) {
        if (!error) error = Problem{std::move(pointer), std::move(message)};
        return false;
    }
    KIOSK_COLD bool fail_syntax(const std::string& what) {
        return fail("", "not valid JSON at " + line_and_column(in_, pos_) + ": " + what);
    }
    KIOSK_COLD bool fail_syntax_at(const char* p, const char* what) {
        pos_ = static_cast<std::size_t>(p - in_.data());
        return fail_syntax(what);
    }
    KIOSK_COLD bool fail_unexpected_at(const char* p) {
        pos_ = static_cast<std::size_t>(p - in_.data());
        const char c = *p;
        const auto b = static_cast<unsigned char>(c);
        return fail_syntax(b >= 0x20 && b < 0x7F ? std::string("unexpected character '") + c + "'"
                                                 : "unexpected byte " + hex_byte(b));
    }
    KIOSK_COLD bool fail_utf8(std::size_t at) {
        return fail("", "not valid UTF-8 text: bad byte " + hex_byte(static_cast<unsigned char>(in_[at])) + " at " +
                            line_and_column(in_, at) + " (byte " + std::to_string(at) + ")");
    }

    // JSON Pointer of the value being read now; built only for an error.
    std::string pointer(std::size_t frames) const {
        std::string p;
        for (std::size_t i = 0; i < frames && i < stack_.size(); ++i) {
            const Frame& f = stack_[i];
            if (f.is_array) {
                append_pointer_token(p, std::to_string(f.count == 0 ? 0 : f.count - 1));
            } else {
                append_pointer_token(p, f.key);
            }
        }
        return p;
    }
    std::string pointer() const { return pointer(stack_.size()); }

    // ---- structure -----------------------------------------------------------
    static bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

    KIOSK_HOT_INLINE static void skip_space(const char*& p, const char* end) {
        // Generated feeds have no space at all, hand-written ones a little:
        // one comparison rules out all four kinds of space.
        while (p < end && static_cast<unsigned char>(*p) <= ' ' && is_space(*p)) ++p;
    }

    // A new node for the value about to be read, registered with its container.
    KIOSK_HOT_INLINE bool new_node(std::uint32_t& index) {
        const std::size_t size = doc_.nodes_.size();
        if (size >= 0xFFFFFFF0u) [[unlikely]] return fail("", "the feed has too many values");  // 32-bit indices
        index = static_cast<std::uint32_t>(size);
        doc_.nodes_.emplace_back();
        if (!stack_.empty()) {
            Frame& f = stack_.back();
            if (f.is_array && ++f.count > max_array_items_) [[unlikely]] return fail_array_limit();
            const Document::Member member{f.key.data(), static_cast<std::uint32_t>(f.key.size()), index};
            (f.direct ? doc_.members_ : pending_).push_back(member);
        }
        return true;
    }

    KIOSK_COLD bool fail_array_limit() {
        return fail(pointer(stack_.size() - 1),
                    "the list has more than " + std::to_string(limits_.max_array_items) + " items, over the limit");
    }

    bool open_container(bool is_array, std::uint32_t node) {
        if (static_cast<long long>(stack_.size()) + 1 > static_cast<long long>(limits_.max_depth)) {
            return fail(pointer(), "nested more than " + std::to_string(limits_.max_depth) +
                                       " levels deep, over the limit");
        }
        doc_.nodes_[node].type = is_array ? Type::array : Type::object;
        if (!stack_.empty() && stack_.back().direct) {
            // The container it opens in is no longer the innermost (see Frame).
            Frame& outer = stack_.back();
            const auto from = doc_.members_.begin() + static_cast<std::ptrdiff_t>(outer.start);
            const std::size_t pending_start = pending_.size();
            pending_.insert(pending_.end(), from, doc_.members_.end());
            doc_.members_.erase(from, doc_.members_.end());
            outer.direct = false;
            outer.start = pending_start;
        }
        stack_.push_back(Frame{node, is_array, true, doc_.members_.size(), 0, {}});
        return true;
    }

    // Refuses an object that names a member twice (the config file does the
    // same): most readers keep the last value without a word, so a clerk's
    // copy-paste slip would silently change what the hallway sees.
    KIOSK_HOT_INLINE bool close_container() {
        const Frame& f = stack_.back();
        if (!f.is_array) {
            const Document::Member* members = (f.direct ? doc_.members_.data() : pending_.data()) + f.start;
            const std::size_t count = (f.direct ? doc_.members_.size() : pending_.size()) - f.start;
            if (!keys_unique(members, count)) return false;
        }
        Document::Node& n = doc_.nodes_[f.node];
        if (f.direct) {
            n.scalar.first = static_cast<std::uint32_t>(f.start);
            n.count = static_cast<std::uint32_t>(doc_.members_.size() - f.start);
        } else {
            n.scalar.first = static_cast<std::uint32_t>(doc_.members_.size());
            n.count = static_cast<std::uint32_t>(pending_.size() - f.start);
            doc_.members_.insert(doc_.members_.end(), pending_.begin() + static_cast<std::ptrdiff_t>(f.start),
                                 pending_.end());
            pending_.resize(f.start);
        }
        stack_.pop_back();
        return true;
    }

    // Up to this many members (a score row has ~8, the top level ~12), a
    // 64-bit filter of each name's length and end letters: a name whose bit
    // is new cannot be a repeat, and only one whose bit is taken is compared
    // with the names before it. Above it (an object of thousands of members,
    // which pairwise would make reading quadratic), a hash set.
    static constexpr std::size_t kFilteredKeyCheck = 16;

    static bool same_key(const Document::Member& a, const Document::Member& b) {
        return a.key_size == b.key_size && std::memcmp(a.key, b.key, a.key_size) == 0;
    }

    KIOSK_HOT_INLINE bool keys_unique(const Document::Member* members, std::size_t count) {
        if (count > kFilteredKeyCheck) [[unlikely]] return keys_unique_hashed(members, count);
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const Document::Member& m = members[i];
            const unsigned ends = m.key_size == 0 ? 0u
                                                  : static_cast<unsigned char>(m.key[0]) * 3u +
                                                        static_cast<unsigned char>(m.key[m.key_size - 1]);
            const std::uint64_t bit = 1ull << ((m.key_size * 7u + ends) & 63u);
            if (seen & bit) [[unlikely]] {
                for (std::size_t j = 0; j < i; ++j) {
                    if (same_key(m, members[j])) return fail_duplicate_key(m);
                }
            }
            seen |= bit;
        }
        return true;
    }

    KIOSK_COLD bool keys_unique_hashed(const Document::Member* members, std::size_t count) {
        seen_keys_.clear();
        seen_keys_.reserve(count);
        for (std::size_t i = 0; i < count; ++i) {
            if (!seen_keys_.emplace(members[i].key, members[i].key_size).second) return fail_duplicate_key(members[i]);
        }
        return true;
    }

    // Called with the object still on the stack: its pointer, then the name.
    KIOSK_COLD bool fail_duplicate_key(const Document::Member& second) {
        const std::string_view key(second.key, second.key_size);
        std::string where = pointer(stack_.size() - 1);
        append_pointer_token(where, key);
        return fail(std::move(where), "duplicate key \"" + std::string(key) +
                                          "\": the object gives this field twice (keep one; a screen never guesses "
                                          "which one was meant)");
    }

    // Reads `"name" :` of an object member into the top frame.
    // Space before the name is skipped here, after the ':' by read_value.
    KIOSK_HOT_INLINE bool read_key(const char*& p, const char* end) {
        if (p >= end || *p != '"') {
            skip_space(p, end);
            if (p >= end) return fail_syntax_at(p, "the file ends where a member name was expected");
            if (*p != '"') return fail_syntax_at(p, "expected a member name in double quotes");
        }
        std::string_view key;
        if (!read_string(p, end, key, true)) return false;
        stack_.back().key = key;
        if (p < end && *p == ':') [[likely]] {  // written without space, as generated feeds are
            ++p;
        } else {
            skip_space(p, end);
            if (p >= end || *p != ':') return fail_syntax_at(p, "expected ':' after a member name");
            ++p;
        }
        return true;
    }

    // Reads one value, after skipping the space before it; containers are
    // opened and their first member or item read, so the caller's loop
    // carries on inside them (no recursion).
    KIOSK_HOT_INLINE bool read_value(const char*& p, const char* end) {
        for (;;) {
            if (p >= end || static_cast<unsigned char>(*p) <= ' ') {
                skip_space(p, end);
                if (p >= end) return fail_syntax_at(p, "the file ends where a value was expected");
            }
            std::uint32_t node = 0;
            if (!new_node(node)) return false;
            const char c = *p;
            if (c == '{' || c == '[') {
                const bool is_array = c == '[';
                if (!open_container(is_array, node)) return false;
                ++p;
                skip_space(p, end);
                if (p < end && *p == (is_array ? ']' : '}')) {
                    ++p;
                    close_container();  // empty: nothing to check
                    return true;
                }
                if (!is_array && !read_key(p, end)) return false;
                continue;  // the first item or member's value
            }
            // The node is written in place: `nodes_` does not grow until the next value.
            if (c == '"') {
                std::string_view text;
                if (!read_string(p, end, text, false)) return false;
                Document::Node& n = doc_.nodes_[node];
                n.type = Type::string;
                n.count = static_cast<std::uint32_t>(text.size());
                n.scalar.text = text.data();
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                if (!read_number(p, end, doc_.nodes_[node])) return false;
            } else if (end - p >= 4 && std::memcmp(p, "true", 4) == 0) {
                doc_.nodes_[node].type = Type::boolean;
                doc_.nodes_[node].scalar.flag = true;
                p += 4;
            } else if (end - p >= 5 && std::memcmp(p, "false", 5) == 0) {
                doc_.nodes_[node].type = Type::boolean;
                doc_.nodes_[node].scalar.flag = false;
                p += 5;
            } else if (end - p >= 4 && std::memcmp(p, "null", 4) == 0) {
                p += 4;
            } else {
                return fail_unexpected_at(p);
            }
            return true;
        }
    }

    // The usual numbers of a feed, 17 or 18.5: an integer of up to 18 digits
    // or a decimal of up to 15 digits without exponent. Anything else,
    // including every malformed number, goes to read_number_in_full.
    KIOSK_HOT_INLINE bool read_number(const char*& start, const char* end, Document::Node& out) {
        const char* p = start;
        const auto digit = [&] { return p < end && static_cast<unsigned char>(*p - '0') < 10; };
        const bool negative = *p == '-';
        if (negative) ++p;
        const char* const int_start = p;
        std::uint64_t mantissa = 0;
        while (digit()) mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p++ - '0');
        const auto int_digits = static_cast<std::size_t>(p - int_start);
        if (int_digits == 0 || int_digits > 15 || (*int_start == '0' && int_digits > 1)) {
            return read_number_in_full(start, out);
        }
        if (p < end && *p == '.') {
            const char* const frac_start = ++p;
            while (digit()) mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p++ - '0');
            const auto decimals = static_cast<std::size_t>(p - frac_start);
            if (decimals == 0 || int_digits + decimals > 15 || (p < end && (*p == 'e' || *p == 'E'))) {
                return read_number_in_full(start, out);
            }
            // Both the digits (below 10^15 < 2^53) and 10^decimals (decimals
            // <= 14) are exact doubles, so one IEEE division is correctly
            // rounded: the very double from_chars gives (Clinger's fast path).
            const double d = static_cast<double>(mantissa) / kExactPowersOf10[decimals];
            out.type = Type::real;
            out.scalar.real = negative ? -d : d;
            start = p;
            return true;
        }
        if (p < end && (*p == 'e' || *p == 'E')) return read_number_in_full(start, out);
        out.type = Type::integer;
        out.scalar.integer = negative ? -static_cast<std::int64_t>(mantissa) : static_cast<std::int64_t>(mantissa);
        start = p;
        return true;
    }

    KIOSK_COLD bool read_number_in_full(const char*& p, Document::Node& out) {
        pos_ = static_cast<std::size_t>(p - in_.data());
        const bool ok = read_number_in_full(out);
        p = in_.data() + pos_;
        return ok;
    }

    bool read_number_in_full(Document::Node& out) {
        const std::size_t start = pos_;
        const char* s = in_.data();
        const std::size_t n = in_.size();
        const auto digit = [&] { return pos_ < n && s[pos_] >= '0' && s[pos_] <= '9'; };
        if (s[pos_] == '-') ++pos_;
        if (!digit()) return fail_syntax("expected a digit in a number");
        if (s[pos_] == '0') {
            ++pos_;
            if (digit()) return fail_syntax("numbers must not start with 0");
        } else {
            while (digit()) ++pos_;
        }
        bool whole = true;
        if (pos_ < n && s[pos_] == '.') {
            ++pos_;
            if (!digit()) return fail_syntax("expected a digit after the decimal point");
            while (digit()) ++pos_;
            whole = false;
        }
        if (pos_ < n && (s[pos_] == 'e' || s[pos_] == 'E')) {
            ++pos_;
            if (pos_ < n && (s[pos_] == '+' || s[pos_] == '-')) ++pos_;
            if (!digit()) return fail_syntax("expected a digit in the exponent");
            while (digit()) ++pos_;
            whole = false;
        }
        const char* first = s + start;
        const char* last = s + pos_;
        if (whole) {
            std::int64_t v = 0;
            if (std::from_chars(first, last, v).ec == std::errc()) {
                out.type = Type::integer;
                out.scalar.integer = v;
                return true;
            }
        }
        double d = 0;
        if (std::from_chars(first, last, d).ec != std::errc()) return fail_unrepresentable(first, last);
        out.type = Type::real;
        out.scalar.real = d;
        return true;
    }

    // Valid JSON that a double cannot hold: past ±1.8e308, or so close to 0
    // that it would read as 0 (1e-400). Refused either way, at its place:
    // reading 1e-400 as 0 would turn a target the clerk wrote as above 0 into
    // a misleading "must be above 0, got 0".
    KIOSK_COLD bool fail_unrepresentable(const char* first, const char* last) {
        // Which side: the order of magnitude of the first significant digit
        // (1.5e2 -> 2, 0.004 -> -3), plus the exponent.
        long long int_digits = 0, digit_index = 0, first_significant = -1;
        bool after_point = false;
        const char* p = first + (*first == '-' ? 1 : 0);
        for (; p < last && *p != 'e' && *p != 'E'; ++p) {
            if (*p == '.') {
                after_point = true;
                continue;
            }
            if (!after_point) ++int_digits;
            if (first_significant < 0 && *p != '0') first_significant = digit_index;
            ++digit_index;
        }
        long long exponent = 0;
        if (p < last) {
            const char* e = p + 1 + (p[1] == '+' ? 1 : 0);
            // An exponent beyond long long is beyond any double either way.
            if (std::from_chars(e, last, exponent).ec != std::errc()) exponent = *e == '-' ? -(1ll << 62) : (1ll << 62);
        }
        const long long magnitude = int_digits - 1 - std::max(first_significant, 0ll);
        const bool tiny = exponent < -(1ll << 61) || (exponent < (1ll << 61) && magnitude + exponent < 0);
        // A number can be megabytes of digits: the message quotes its start.
        std::string number(first, std::min<std::size_t>(static_cast<std::size_t>(last - first), 40));
        if (first + number.size() < last) number += "…";
        return fail(pointer(), tiny ? "the number " + number +
                                          " is too close to 0 to hold (the least is about 5e-324; write 0 if 0 is meant)"
                                    : "the number " + number + " is too large to hold (the most is about 1.8e308)");
    }

    static int hex_value(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    bool read_hex4(std::uint32_t& out) {
        if (pos_ + 4 > in_.size()) return fail_syntax("the file ends inside a \\u escape");
        out = 0;
        for (int i = 0; i < 4; ++i) {
            const int h = hex_value(in_[pos_ + static_cast<std::size_t>(i)]);
            if (h < 0) return fail_syntax("expected 4 hexadecimal digits after \\u");
            out = out * 16 + static_cast<std::uint32_t>(h);
        }
        pos_ += 4;
        return true;
    }

    // At the opening quote. Plain ASCII text without escapes (ids, keys,
    // numbers' neighbours: nearly every string of a feed) is taken here, as
    // it is, 8 bytes a step; anything else goes to read_string_in_full.
    KIOSK_HOT_INLINE bool read_string(const char*& quote, const char* end, std::string_view& out, bool is_key) {
        const char* const start = quote + 1;
        const char* p = start;
        if constexpr (std::endian::native == std::endian::little) {
            while (end - p >= 8) {
                std::uint64_t word;
                std::memcpy(&word, p, 8);
                const unsigned k = first_special_byte(word);
                p += k;
                if (k < 8) break;
            }
        }
        while (p < end && plain_text_byte(static_cast<unsigned char>(*p))) ++p;
        // Every byte is one code point; over the limit, the full reader says why.
        if (p >= end || *p != '"' || static_cast<std::size_t>(p - start) > max_plain_string_) [[unlikely]] {
            return read_string_in_full(quote, out, is_key);
        }
        out = std::string_view(start, static_cast<std::size_t>(p - start));
        quote = p + 1;
        return true;
    }

    KIOSK_COLD bool read_string_in_full(const char*& p, std::string_view& out, bool is_key) {
        pos_ = static_cast<std::size_t>(p - in_.data());
        const bool ok = read_string_in_full(out, is_key);
        p = in_.data() + pos_;
        return ok;
    }

    KIOSK_COLD bool fail_string_limit(std::string_view text, std::size_t chars, bool is_key) {
        std::string where = pointer();
        if (is_key) append_pointer_token(where, text);
        return fail(std::move(where), std::string(is_key ? "a field name" : "text") + " of " + std::to_string(chars) +
                                          " characters is over the limit of " +
                                          std::to_string(limits_.max_string_chars));
    }

    // Validates UTF-8, decodes escapes and counts code points as it goes.
    bool read_string_in_full(std::string_view& out, bool is_key) {
        const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
        const std::size_t n = in_.size();
        ++pos_;
        std::size_t run_start = pos_;  // start of the bytes not yet copied to `decoded`
        std::string* decoded = nullptr;  // set at the first escape
        std::size_t chars = 0;
        for (;;) {
            // Plain ASCII runs (almost all of a feed's text) go 8 bytes a step;
            // each of their bytes is one code point.
            std::size_t p = pos_;
            if constexpr (std::endian::native == std::endian::little) {
                while (p + 8 <= n) {
                    std::uint64_t word;
                    std::memcpy(&word, s + p, 8);
                    const unsigned k = first_special_byte(word);
                    p += k;
                    if (k < 8) break;
                }
            }
            while (p < n && plain_text_byte(s[p])) ++p;
            chars += p - pos_;
            pos_ = p;
            if (pos_ >= n) return fail_syntax("the file ends inside text (a closing '\"' is missing)");
            const unsigned char b = s[pos_];
            if (b == '"') break;
            if (b < 0x20) return fail_syntax("a control character (such as a line break) inside text must be escaped");
            if (b == '\\') {
                if (!decoded) decoded = &doc_.unescaped_.emplace_back();
                decoded->append(in_.data() + run_start, pos_ - run_start);
                ++pos_;
                if (pos_ >= n) return fail_syntax("the file ends inside an escape");
                const char e = in_[pos_++];
                switch (e) {
                    case '"': *decoded += '"'; break;
                    case '\\': *decoded += '\\'; break;
                    case '/': *decoded += '/'; break;
                    case 'b': *decoded += '\b'; break;
                    case 'f': *decoded += '\f'; break;
                    case 'n': *decoded += '\n'; break;
                    case 'r': *decoded += '\r'; break;
                    case 't': *decoded += '\t'; break;
                    case 'u': {
                        std::uint32_t cp = 0;
                        if (!read_hex4(cp)) return false;
                        if (cp >= 0xD800 && cp <= 0xDBFF) {
                            std::uint32_t low = 0;
                            if (in_.substr(pos_, 2) != "\\u") return fail_syntax("a \\u escape of a lone surrogate");
                            pos_ += 2;
                            if (!read_hex4(low)) return false;
                            if (low < 0xDC00 || low > 0xDFFF) return fail_syntax("a \\u escape of a lone surrogate");
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                            return fail_syntax("a \\u escape of a lone surrogate");
                        }
                        append_utf8(*decoded, cp);
                        break;
                    }
                    default:
                        pos_ -= 1;
                        return fail_syntax(std::string("unknown escape '\\") + e + "'");
                }
                ++chars;
                run_start = pos_;
                continue;
            }
            // A multi-byte sequence (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
            std::size_t len = 0;
            unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
            if (b >= 0xC2 && b <= 0xDF) {
                len = 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                len = 3;
                if (b == 0xE0) lo = 0xA0;
                if (b == 0xED) hi = 0x9F;
            } else if (b >= 0xF0 && b <= 0xF4) {
                len = 4;
                if (b == 0xF0) lo = 0x90;
                if (b == 0xF4) hi = 0x8F;
            } else {
                return fail_utf8(pos_);
            }
            if (pos_ + len > n || s[pos_ + 1] < lo || s[pos_ + 1] > hi) return fail_utf8(pos_);
            for (std::size_t k = 2; k < len; ++k) {
                if ((s[pos_ + k] & 0xC0u) != 0x80u) return fail_utf8(pos_);
            }
            pos_ += len;
            ++chars;
        }
        if (decoded) {
            decoded->append(in_.data() + run_start, pos_ - run_start);
            out = *decoded;
        } else {
            out = in_.substr(run_start, pos_ - run_start);
        }
        ++pos_;  // the closing quote
        if (chars > limits_.max_string_chars) return fail_string_limit(out, chars, is_key);
        if (out.size() > 0xFFFFFFFFu) {  // only with limits far above the contract's: lengths are 32-bit
            return fail(pointer(), std::string(is_key ? "a field name" : "text") + " of " + std::to_string(chars) +
                                       " characters is too long to hold");
        }
        return true;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    const FeedLimits& limits_;
    // The longest plain string the fast path takes: within the limit, and
    // short enough for a Node's 32-bit length.
    std::size_t max_plain_string_ = std::min<std::size_t>(limits_.max_string_chars, 0xFFFFFFFFu);
    std::size_t max_array_items_ = limits_.max_array_items;
    Document& doc_;
    std::vector<Frame> stack_;
    std::vector<Document::Member> pending_;
    std::unordered_set<std::string_view> seen_keys_;  // keys_unique_hashed's, kept to reuse its buckets
#undef KIOSK_COLD
#undef KIOSK_HOT_INLINE
};

//-----------------------------------------------------------------------------
// [SECTION] read()
//-----------------------------------------------------------------------------

namespace {

// A feed saved as UTF-16 (Windows Notepad's "Unicode", Excel's "Unicode
// text"): its byte-order mark, or, without one, a JSON text's first ASCII
// character with a zero byte beside it. A zero byte is never in UTF-8 JSON
// (not even in a string, where it must be escaped), so the second test
// cannot mistake a UTF-8 feed for one.
const char* utf16_kind(std::string_view bytes) {
    if (bytes.size() < 2) return nullptr;
    const auto b0 = static_cast<unsigned char>(bytes[0]);
    const auto b1 = static_cast<unsigned char>(bytes[1]);
    if (b0 == 0xFF && b1 == 0xFE) return "little-endian, with a byte-order mark";
    if (b0 == 0xFE && b1 == 0xFF) return "big-endian, with a byte-order mark";
    if (b0 != 0 && b1 == 0) return "little-endian";
    if (b0 == 0 && b1 != 0) return "big-endian";
    return nullptr;
}

}  // namespace

ReadResult read(std::string_view bytes, const FeedLimits& limits) {
    ReadResult result;
    // Before the size: the same feed in UTF-16 is twice as large, and "over
    // the limit" would send the clerk looking for the wrong fault.
    if (const char* kind = utf16_kind(bytes)) {
        result.error = Problem{"", std::string("the file is UTF-16 text (") + kind +
                                       "), not UTF-8: save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)"};
        return result;
    }
    if (bytes.size() > limits.max_bytes) {
        result.error = Problem{"", "the feed is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                                       std::to_string(limits.max_bytes) + " bytes"};
        return result;
    }
    Reader reader(bytes, limits, result.document);
    if (!reader.run()) {
        result.error = reader.error ? std::move(reader.error) : Problem{"", "not valid JSON"};
        result.document = Document();
    }
    return result;
}

}  // namespace campus::json_limited
