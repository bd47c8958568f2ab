// feed_text: the feed as kiosk-feed writes it (see workbook_feed.hpp).
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "publish/workbook_build.hpp"
#include "publish/workbook_feed.hpp"
#include "sync/feed_parse.hpp"

namespace campus::publish {

namespace {

using workbook_build::code_points;
using Json = nlohmann::ordered_json;

// The sample feed's layout (scripts/make_sample_feed.py): small flat objects
// and lists on one line, so a round reads as a table and a large school's
// feed stays within the screens' 4 MiB.
constexpr std::size_t kLineWidth = 150;

void write_string(std::string& out, std::string_view text) {
    out += '"';
    std::size_t done = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;  // UTF-8 as is; the screens' check rejects a malformed sequence
        out.append(text.data() + done, i - done);
        done = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: {
                static constexpr char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            }
        }
    }
    out.append(text.data() + done, text.size() - done);
    out += '"';
}

// Scalars by hand: nlohmann's dump() per value costs more than the whole
// rest of a large school's build.
void write_scalar(std::string& out, const Json& value) {
    char buffer[32];
    switch (value.type()) {
        case Json::value_t::string: write_string(out, value.get_ref<const std::string&>()); return;
        case Json::value_t::number_integer: {
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.get<std::int64_t>());
            out.append(buffer, ec == std::errc() ? end : buffer);
            return;
        }
        case Json::value_t::number_unsigned: {
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.get<std::uint64_t>());
            out.append(buffer, ec == std::errc() ? end : buffer);
            return;
        }
        case Json::value_t::number_float: {
            const double d = value.get<double>();
            if (!std::isfinite(d)) {
                out += "null";
                return;
            }
            const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
            out.append(buffer, ec == std::errc() ? end : buffer);
            return;
        }
        case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
        default: out += "null"; return;
    }
}

// `pretty`: two-space indent, small flat objects and lists on one line;
// otherwise no whitespace at all.
// Returns false once `out` is past `limit` (the pretty form is then given up).
bool write_json(std::string& out, const Json& value, std::size_t indent, bool pretty, std::size_t limit) {
    const bool object = value.is_object();
    if (!object && !value.is_array()) {
        write_scalar(out, value);
        return true;
    }
    if (value.empty()) {
        out += object ? "{}" : "[]";
        return true;
    }
    if (!pretty) {
        out += object ? '{' : '[';
        bool first = true;
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!first) out += ',';
            first = false;
            if (object) {
                write_string(out, it.key());
                out += ':';
            }
            write_json(out, *it, 0, false, limit);
        }
        out += object ? '}' : ']';
        return true;
    }
    bool flat = true;
    for (const auto& item : value) {
        if (item.is_structured()) {
            flat = false;
            break;
        }
    }
    if (flat) {
        const std::size_t mark = out.size();
        out += object ? "{ " : "[";
        bool first = true;
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!first) out += ", ";
            first = false;
            if (object) {
                write_string(out, it.key());
                out += ": ";
            }
            write_scalar(out, *it);
        }
        out += object ? " }" : "]";
        // The measure make_sample_feed.py uses: the value's own indent plus
        // its length in characters (the key before it is not counted), so
        // this writes the sample byte for byte.
        if (2 * indent + code_points(std::string_view(out).substr(mark)) <= kLineWidth) return true;
        out.resize(mark);
    }
    out += object ? "{\n" : "[\n";
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out += ",\n";
        first = false;
        out.append(2 * (indent + 1), ' ');
        if (object) {
            write_string(out, it.key());
            out += ": ";
        }
        if (!write_json(out, *it, indent + 1, true, limit) || out.size() > limit) return false;
    }
    out += '\n';
    out.append(2 * indent, ' ');
    out += object ? '}' : ']';
    return true;
}

// Bytes the pretty form of `value` (at `indent`) takes at least, as
// write_json lays it out: a container with a container inside is written one
// item a line, indented; a flat one on one line, or one item a line when that
// is too long (more bytes, so the one-line size is the bound). Strings are
// counted unescaped. Walking the tree is far cheaper than writing it.
std::size_t digits(std::uint64_t v) {
    std::size_t n = 1;
    for (; v >= 10; v /= 10) ++n;
    return n;
}

std::size_t pretty_lower_bound(const Json& value, std::size_t indent) {
    switch (value.type()) {
        case Json::value_t::object:
        case Json::value_t::array: break;
        case Json::value_t::string: return value.get_ref<const std::string&>().size() + 2;
        case Json::value_t::number_integer: {
            const auto v = value.get<std::int64_t>();
            return v < 0 ? 1 + digits(0 - static_cast<std::uint64_t>(v)) : digits(static_cast<std::uint64_t>(v));
        }
        case Json::value_t::number_unsigned: return digits(value.get<std::uint64_t>());
        case Json::value_t::boolean: return value.get<bool>() ? 4 : 5;
        default: return 1;  // a float: at least a digit; null is 4
    }
    // The containers' own vectors, not nlohmann's iterators: this visits every value.
    const bool object = value.is_object();
    const std::size_t items = value.size();
    if (items == 0) return 2;
    bool flat = true;
    std::size_t n = 0;
    if (object) {
        for (const auto& [key, item] : value.get_ref<const Json::object_t&>()) {
            flat = flat && !item.is_structured();
            n += key.size() + 4 + pretty_lower_bound(item, indent + 1);  // "key": value
        }
    } else {
        for (const Json& item : value.get_ref<const Json::array_t&>()) {
            flat = flat && !item.is_structured();
            n += pretty_lower_bound(item, indent + 1);
        }
    }
    // "{ ", ", " between, " }" on one line; "{\n", ",\n" between, "\n" + indent + "}" on many.
    if (flat) return n + (object ? 4 : 2) + 2 * (items - 1);
    return n + 2 + 2 * (items - 1) + 2 + 2 * indent + items * 2 * (indent + 1);
}

}  // namespace
std::string feed_text(const nlohmann::ordered_json& feed) {
    const std::size_t limit = FeedLimits{}.max_bytes;
    std::string out;
    // One allocation: growing by doubling would copy and fault in the pages
    // of every smaller buffer (untouched reserved pages cost nothing).
    out.reserve(limit + (1u << 16));
    // A very large school (2,000 classes × 14 weeks) would pass the screens'
    // 4 MiB in the readable layout; without the spaces it still fits. When
    // even the bound says so, the readable attempt is not made at all (the
    // same text, without writing 4 MiB to throw away).
    if (pretty_lower_bound(feed, 0) + 1 > limit || !write_json(out, feed, 0, true, limit) || out.size() + 1 > limit) {
        out.clear();  // keeps the capacity
        write_json(out, feed, 0, false, limit);
    }
    out += '\n';
    return out;
}

}  // namespace campus::publish
