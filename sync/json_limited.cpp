// Reading untrusted JSON within limits (see json_limited.hpp for why).
//
// [SECTION] Helpers: code points, pointers, places
// [SECTION] Value: reading the compact tree
// [SECTION] Reader: RFC 8259 grammar with an explicit stack
// [SECTION] read()
#include "sync/json_limited.hpp"

#include <charconv>
#include <exception>
#include <system_error>

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

void append_utf8(std::string& out, std::uint32_t cp) {
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

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Value
//-----------------------------------------------------------------------------

std::optional<Value> Value::find(std::string_view name) const {
    const auto& n = doc_->nodes_[index_];
    if (n.type != Type::object) return std::nullopt;
    // Feed objects have a handful of members: a backwards scan beats a hash.
    for (std::uint32_t i = n.count; i-- > 0;) {
        const auto& m = doc_->members_[n.first + i];
        if (m.key == name) return Value(doc_, m.value);
    }
    return std::nullopt;
}

//-----------------------------------------------------------------------------
// [SECTION] Reader
//-----------------------------------------------------------------------------

class Reader {
public:
    Reader(std::string_view in, const FeedLimits& limits, Document& doc) : in_(in), limits_(limits), doc_(doc) {
        // A node per ~8 input bytes is typical of feeds; this avoids most regrowth.
        doc_.nodes_.reserve(in.size() / 8 + 16);
        doc_.members_.reserve(in.size() / 8 + 16);
    }

    std::optional<Problem> error;

    bool run() {
        if (in_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // a byte-order mark, as Windows editors write
        skip_space();
        if (pos_ >= in_.size()) return fail_syntax("the file is empty");
        if (!read_value()) return false;
        for (;;) {
            // After a value: close containers or go on to the next item.
            skip_space();
            if (stack_.empty()) {
                if (pos_ < in_.size()) return fail_syntax("unexpected text after the end of the document");
                return true;
            }
            if (pos_ >= in_.size()) return fail_syntax("the file ends before the document is complete");
            const char c = in_[pos_];
            Frame& top = stack_.back();
            if (c == ',') {
                ++pos_;
                skip_space();
                if (!top.is_array && !read_key()) return false;
                if (!read_value()) return false;
            } else if ((c == '}' && !top.is_array) || (c == ']' && top.is_array)) {
                ++pos_;
                close_container();
            } else {
                return fail_syntax(top.is_array ? "expected ',' or ']' after an item of a list"
                                                : "expected ',' or '}' after a member of an object");
            }
        }
    }

private:
    struct Frame {
        std::uint32_t node = 0;
        bool is_array = false;
        std::size_t pending_start = 0;  // where this container's members begin in pending_
        std::size_t count = 0;          // items or members so far
        std::string_view key;           // the member being read (objects)
    };

    // ---- errors ------------------------------------------------------------
    bool fail(std::string pointer, std::string message) {
        if (!error) error = Problem{std::move(pointer), std::move(message)};
        return false;
    }
    bool fail_syntax(const std::string& what) {
        return fail("", "not valid JSON at " + line_and_column(in_, pos_) + ": " + what);
    }
    bool fail_utf8(std::size_t at) {
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
    void skip_space() {
        while (pos_ < in_.size()) {
            const char c = in_[pos_];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
            ++pos_;
        }
    }

    // A new node for the value about to be read, registered with its container.
    bool new_node(std::uint32_t& index) {
        if (doc_.nodes_.size() >= 0xFFFFFFF0u) return fail("", "the feed has too many values");
        index = static_cast<std::uint32_t>(doc_.nodes_.size());
        doc_.nodes_.emplace_back();
        if (!stack_.empty()) {
            Frame& f = stack_.back();
            ++f.count;
            if (f.is_array && f.count > limits_.max_array_items) {
                return fail(pointer(stack_.size() - 1), "the list has more than " +
                                                           std::to_string(limits_.max_array_items) +
                                                           " items, over the limit");
            }
            pending_.push_back(Document::Member{f.is_array ? std::string_view() : f.key, index});
        }
        return true;
    }

    bool open_container(bool is_array, std::uint32_t node) {
        if (static_cast<long long>(stack_.size()) + 1 > static_cast<long long>(limits_.max_depth)) {
            return fail(pointer(), "nested more than " + std::to_string(limits_.max_depth) +
                                       " levels deep, over the limit");
        }
        doc_.nodes_[node].type = is_array ? Type::array : Type::object;
        stack_.push_back(Frame{node, is_array, pending_.size(), 0, {}});
        return true;
    }

    // Members are collected on `pending_` while a container is open and moved
    // to the document, contiguous, when it closes.
    void close_container() {
        const Frame f = stack_.back();
        stack_.pop_back();
        Document::Node& n = doc_.nodes_[f.node];
        n.first = static_cast<std::uint32_t>(doc_.members_.size());
        n.count = static_cast<std::uint32_t>(pending_.size() - f.pending_start);
        doc_.members_.insert(doc_.members_.end(), pending_.begin() + static_cast<std::ptrdiff_t>(f.pending_start),
                             pending_.end());
        pending_.resize(f.pending_start);
    }

    // Reads `"name" :` of an object member into the top frame.
    bool read_key() {
        if (pos_ >= in_.size()) return fail_syntax("the file ends where a member name was expected");
        if (in_[pos_] != '"') return fail_syntax("expected a member name in double quotes");
        std::string_view key;
        if (!read_string(key, true)) return false;
        stack_.back().key = key;
        skip_space();
        if (pos_ >= in_.size() || in_[pos_] != ':') return fail_syntax("expected ':' after a member name");
        ++pos_;
        skip_space();
        return true;
    }

    // Reads one value; containers are opened and their first member or item
    // read, so the caller's loop carries on inside them (no recursion).
    bool read_value() {
        for (;;) {
            if (pos_ >= in_.size()) return fail_syntax("the file ends where a value was expected");
            std::uint32_t node = 0;
            if (!new_node(node)) return false;
            const char c = in_[pos_];
            if (c == '{' || c == '[') {
                const bool is_array = c == '[';
                if (!open_container(is_array, node)) return false;
                ++pos_;
                skip_space();
                if (pos_ < in_.size() && in_[pos_] == (is_array ? ']' : '}')) {
                    ++pos_;
                    close_container();
                    return true;
                }
                if (!is_array && !read_key()) return false;
                continue;  // the first item or member's value
            }
            Document::Node scalar;
            if (c == '"') {
                scalar.type = Type::string;
                if (!read_string(scalar.text, false)) return false;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                if (!read_number(scalar)) return false;
            } else if (in_.substr(pos_, 4) == "true") {
                scalar.type = Type::boolean;
                scalar.scalar.flag = true;
                pos_ += 4;
            } else if (in_.substr(pos_, 5) == "false") {
                scalar.type = Type::boolean;
                scalar.scalar.flag = false;
                pos_ += 5;
            } else if (in_.substr(pos_, 4) == "null") {
                pos_ += 4;
            } else {
                const auto b = static_cast<unsigned char>(c);
                return fail_syntax(b >= 0x20 && b < 0x7F ? std::string("unexpected character '") + c + "'"
                                                         : "unexpected byte " + hex_byte(b));
            }
            doc_.nodes_[node] = scalar;
            return true;
        }
    }

    bool read_number(Document::Node& out) {
        const std::size_t start = pos_;
        const auto digit = [&] { return pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9'; };
        if (in_[pos_] == '-') ++pos_;
        if (!digit()) return fail_syntax("expected a digit in a number");
        if (in_[pos_] == '0') {
            ++pos_;
            if (digit()) return fail_syntax("numbers must not start with 0");
        } else {
            while (digit()) ++pos_;
        }
        bool whole = true;
        if (pos_ < in_.size() && in_[pos_] == '.') {
            ++pos_;
            if (!digit()) return fail_syntax("expected a digit after the decimal point");
            while (digit()) ++pos_;
            whole = false;
        }
        if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
            if (!digit()) return fail_syntax("expected a digit in the exponent");
            while (digit()) ++pos_;
            whole = false;
        }
        const char* first = in_.data() + start;
        const char* last = in_.data() + pos_;
        if (whole) {
            std::int64_t v = 0;
            if (std::from_chars(first, last, v).ec == std::errc()) {
                out.type = Type::integer;
                out.scalar.integer = v;
                return true;
            }
        }
        double d = 0;
        if (std::from_chars(first, last, d).ec != std::errc()) {
            pos_ = start;
            return fail_syntax("the number " + std::string(first, last) + " is too large");
        }
        out.type = Type::real;
        out.scalar.real = d;
        return true;
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

    // At the opening quote. Validates UTF-8 and counts code points as it goes.
    bool read_string(std::string_view& out, bool is_key) {
        const auto* s = reinterpret_cast<const unsigned char*>(in_.data());
        const std::size_t n = in_.size();
        ++pos_;
        std::size_t run_start = pos_;  // start of the bytes not yet copied to `decoded`
        std::string* decoded = nullptr;  // set at the first escape
        std::size_t chars = 0;
        for (;;) {
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
            if (b < 0x80) {
                ++pos_;
                ++chars;
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
        if (chars > limits_.max_string_chars) {
            std::string where = pointer();
            if (is_key) append_pointer_token(where, out);
            return fail(std::move(where), std::string(is_key ? "a field name" : "text") + " of " +
                                              std::to_string(chars) + " characters is over the limit of " +
                                              std::to_string(limits_.max_string_chars));
        }
        return true;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    const FeedLimits& limits_;
    Document& doc_;
    std::vector<Frame> stack_;
    std::vector<Document::Member> pending_;
};

//-----------------------------------------------------------------------------
// [SECTION] read()
//-----------------------------------------------------------------------------

ReadResult read(std::string_view bytes, const FeedLimits& limits) {
    ReadResult result;
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
