// Reading untrusted JSON within limits, in one pass, into a compact tree.
//
// Why not nlohmann::json: its DOM can be as deep as the input (copies and
// dumps recurse), and building it (a std::map and a heap node per member)
// costs several times the parse itself; a 2,000-class feed must be read and
// checked in a few tens of milliseconds on a school's mini PC. This reader is
// iterative (an explicit stack, never recursion), checks every limit while it
// reads (depth, string length in code points, array length, body size), and
// stops at the first breach, so no tree deeper than the limit ever exists. It
// validates UTF-8 as it goes.
//
// The tree lives in a few flat vectors; strings without escapes point into
// the input, which must outlive the Document.
//
// Internal to sync/: parse_feed is the public entry point.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/feed_limits.hpp"
#include "sync/problem.hpp"

namespace campus::json_limited {

enum class Type : std::uint8_t { null, boolean, integer, real, string, array, object };

class Document;
class Members;

// A handle to one value of a Document; cheap to copy.
class Value {
public:
    Value() = default;
    Value(const Document* doc, std::uint32_t index) : doc_(doc), index_(index) {}

    Type type() const;  // the accessors are inline below: they run once per value checked
    bool is_null() const { return type() == Type::null; }
    bool is_bool() const { return type() == Type::boolean; }
    bool is_integer() const { return type() == Type::integer; }  // written without fraction or exponent, fits int64
    bool is_number() const { return type() == Type::integer || type() == Type::real; }
    bool is_string() const { return type() == Type::string; }
    bool is_array() const { return type() == Type::array; }
    bool is_object() const { return type() == Type::object; }

    bool as_bool() const;
    std::int64_t as_integer() const;  // only when is_integer()
    double as_number() const;         // any number
    std::string_view as_string() const;

    // Arrays and objects.
    std::size_t size() const;
    bool empty() const { return size() == 0; }
    Value operator[](std::size_t i) const;     // i-th item or member value
    std::string_view key(std::size_t i) const;  // i-th member's name (objects)
    // The member named `name` (the last one, if written twice, as most
    // readers do); nullopt when absent or when this is not an object.
    std::optional<Value> find(std::string_view name) const;
    // All members (or items) at once, for loops over many of them.
    Members members() const;

private:
    const Document* doc_ = nullptr;
    std::uint32_t index_ = 0;
};

class Document {
public:
    Value root() const { return Value(this, 0); }

private:
    friend class Value;
    friend class Members;
    friend class Reader;
    // 16 bytes a value and 16 a member: a 2,000-class feed has ~10^6 of each,
    // and every byte of them is written once and read at least once.
    struct Node {
        Type type = Type::null;
        std::uint32_t count = 0;  // items or members (containers); length in bytes (strings)
        union {
            bool flag;
            std::int64_t integer;
            double real;
            std::uint32_t first;  // containers: index of the first member in members_
            const char* text;     // strings: into the input or into unescaped_
        } scalar{};
    };
    struct Member {
        const char* key = nullptr;  // null for array items
        std::uint32_t key_size = 0;
        std::uint32_t value = 0;
    };
    std::vector<Node> nodes_;
    std::vector<Member> members_;
    std::deque<std::string> unescaped_;  // strings that had escapes; deque: stable addresses
};

// The members of an object or the items of an array, which the document
// keeps contiguous: walking them needs no lookup of the container per member.
class Members {
public:
    Members() = default;
    std::size_t size() const { return count_; }
    std::string_view key(std::size_t i) const { return std::string_view(first_[i].key, first_[i].key_size); }
    Value value(std::size_t i) const { return Value(doc_, first_[i].value); }

private:
    friend class Value;
    Members(const Document* doc, const Document::Member* first, std::size_t count)
        : doc_(doc), first_(first), count_(count) {}
    const Document* doc_ = nullptr;
    const Document::Member* first_ = nullptr;
    std::size_t count_ = 0;
};

inline Type Value::type() const { return doc_->nodes_[index_].type; }
inline bool Value::as_bool() const { return doc_->nodes_[index_].scalar.flag; }
inline std::int64_t Value::as_integer() const { return doc_->nodes_[index_].scalar.integer; }
inline double Value::as_number() const {
    const auto& n = doc_->nodes_[index_];
    return n.type == Type::integer ? static_cast<double>(n.scalar.integer) : n.scalar.real;
}
inline std::string_view Value::as_string() const {
    const auto& n = doc_->nodes_[index_];
    return n.type == Type::string ? std::string_view(n.scalar.text, n.count) : std::string_view();
}
inline std::size_t Value::size() const {
    const auto& n = doc_->nodes_[index_];
    return (n.type == Type::array || n.type == Type::object) ? n.count : 0;
}
inline Value Value::operator[](std::size_t i) const {
    return Value(doc_, doc_->members_[doc_->nodes_[index_].scalar.first + i].value);
}
inline std::string_view Value::key(std::size_t i) const {
    const auto& m = doc_->members_[doc_->nodes_[index_].scalar.first + i];
    return std::string_view(m.key, m.key_size);  // (nullptr, 0) for array items
}
inline Members Value::members() const {
    const auto& n = doc_->nodes_[index_];
    if (n.type != Type::array && n.type != Type::object) return Members();
    return Members(doc_, doc_->members_.data() + n.scalar.first, n.count);
}
inline std::optional<Value> Value::find(std::string_view name) const {
    const auto& n = doc_->nodes_[index_];
    if (n.type != Type::object) return std::nullopt;
    // Feed objects have a handful of members: a backwards scan beats a hash.
    const Document::Member* members = doc_->members_.data() + n.scalar.first;
    for (std::uint32_t i = n.count; i-- > 0;) {
        const auto& m = members[i];
        if (m.key_size == name.size() && std::string_view(m.key, m.key_size) == name) return Value(doc_, m.value);
    }
    return std::nullopt;
}

struct ReadResult {
    Document document;             // meaningless when `error` is set
    std::optional<Problem> error;  // the first limit breach or syntax error
};

// Never throws for bad input; the error names the place (JSON Pointer of the
// offending value when known, else line and column) and the reason.
ReadResult read(std::string_view bytes, const FeedLimits& limits);

// Number of Unicode code points in well-formed UTF-8.
std::size_t count_code_points(std::string_view utf8);

// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1").
void append_pointer_token(std::string& pointer, std::string_view token);

}  // namespace campus::json_limited
