// UTF-8 decoding for feed text: never trusts the bytes, never reads past the end.
//
// Feed text has been validated as JSON strings, but the screen must survive any
// bytes (a cached file cut short, a hand-edited seed). Every ill-formed sequence
// decodes to U+FFFD, one per "maximal subpart" as the Unicode Standard (ch. 3,
// "U+FFFD Substitution of Maximal Subparts") recommends, so an invalid byte
// swallows no valid character after it.
//
// Thread safety: all functions are pure; call them from any thread.
#pragma once

#include <cstddef>
#include <iterator>
#include <set>
#include <string>
#include <string_view>

namespace campus::kiosk::text {

inline constexpr char32_t kReplacementCharacter = U'\uFFFD';

// One decoded character of a UTF-8 string.
struct Utf8Char {
    std::size_t offset = 0;   // byte offset of the sequence in the string
    std::size_t length = 0;   // bytes it takes (1..4); an invalid sequence takes >= 1
    char32_t codepoint = 0;   // kReplacementCharacter when !valid
    bool valid = true;
};

// Decodes the character starting at `offset` (< text.size()). Reads only
// text[offset .. text.size()).
Utf8Char decode_utf8_at(std::string_view text, std::size_t offset);

// Range over the characters of a string: `for (Utf8Char c : utf8_chars(s))`.
class Utf8Chars {
public:
    class iterator {
    public:
        using value_type = Utf8Char;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;
        iterator() = default;
        iterator(std::string_view text, std::size_t offset) : text_(text), current_{offset, 0, 0, true} { load(); }
        const Utf8Char& operator*() const { return current_; }
        const Utf8Char* operator->() const { return &current_; }
        iterator& operator++() {
            current_.offset += current_.length;
            load();
            return *this;
        }
        iterator operator++(int) {
            iterator before = *this;
            ++*this;
            return before;
        }
        bool operator==(const iterator& other) const { return current_.offset == other.current_.offset; }

    private:
        void load() {
            if (current_.offset < text_.size()) current_ = decode_utf8_at(text_, current_.offset);
            else current_ = Utf8Char{text_.size(), 0, 0, true};
        }
        std::string_view text_;
        Utf8Char current_;
    };

    explicit Utf8Chars(std::string_view text) : text_(text) {}
    iterator begin() const { return iterator(text_, 0); }
    iterator end() const { return iterator(text_, text_.size()); }

private:
    std::string_view text_;
};
inline Utf8Chars utf8_chars(std::string_view text) { return Utf8Chars(text); }

// Number of characters, each ill-formed subsequence counting as one U+FFFD.
std::size_t count_codepoints(std::string_view text);

bool is_valid_utf8(std::string_view text);

// Appends `codepoint` encoded as UTF-8; surrogates and values above U+10FFFF
// append U+FFFD instead.
void append_utf8(std::string& out, char32_t codepoint);

// The text with every ill-formed sequence replaced by U+FFFD.
std::string sanitize_utf8(std::string_view text);

// Adds every character the text will draw to `glyphs`, for building a font's
// glyph ranges from the feed. Control characters (U+0000..U+001F, U+007F..U+009F:
// newlines, tabs) draw nothing and are left out; ill-formed bytes add U+FFFD,
// because that is what the screen will draw for them.
void collect_codepoints(std::string_view text, std::set<char32_t>& glyphs);

}  // namespace campus::kiosk::text
