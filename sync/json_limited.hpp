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

#include "sync/feed_parse.hpp"

namespace campus::json_limited {

enum class Type : std::uint8_t { null, boolean, integer, real, string, array, object };

class Document;

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

private:
    const Document* doc_ = nullptr;
    std::uint32_t index_ = 0;
};

class Document {
public:
    Value root() const { return Value(this, 0); }

private:
    friend class Value;
    friend class Reader;
    struct Node {
        Type type = Type::null;
        std::uint32_t count = 0;  // items or members
        std::uint32_t first = 0;  // index of the first member in members_
        union {
            bool flag;
            std::int64_t integer;
            double real;
        } scalar{};
        std::string_view text;  // strings
    };
    struct Member {
        std::string_view key;  // empty for array items
        std::uint32_t value = 0;
    };
    std::vector<Node> nodes_;
    std::vector<Member> members_;
    std::deque<std::string> unescaped_;  // strings that had escapes; deque: stable addresses
};

inline Type Value::type() const { return doc_->nodes_[index_].type; }
inline bool Value::as_bool() const { return doc_->nodes_[index_].scalar.flag; }
inline std::int64_t Value::as_integer() const { return doc_->nodes_[index_].scalar.integer; }
inline double Value::as_number() const {
    const auto& n = doc_->nodes_[index_];
    return n.type == Type::integer ? static_cast<double>(n.scalar.integer) : n.scalar.real;
}
inline std::string_view Value::as_string() const { return doc_->nodes_[index_].text; }
inline std::size_t Value::size() const {
    const auto& n = doc_->nodes_[index_];
    return (n.type == Type::array || n.type == Type::object) ? n.count : 0;
}
inline Value Value::operator[](std::size_t i) const {
    return Value(doc_, doc_->members_[doc_->nodes_[index_].first + i].value);
}
inline std::string_view Value::key(std::size_t i) const {
    return doc_->members_[doc_->nodes_[index_].first + i].key;
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
