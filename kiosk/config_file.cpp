// The kiosk's JSON config file (see kiosk/config_file.hpp).
//
// Sections: [helpers] [reading JSON] [keys] [checks] [merge] [public]
#include "kiosk/config_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sync/display_hours.hpp"
#include "sync/minisign.hpp"

namespace campus::kiosk {

namespace {

using nlohmann::json;

//-----------------------------------------------------------------------------
// [SECTION] helpers
//-----------------------------------------------------------------------------

std::string in_quotes(std::string_view s) { return json(std::string(s)).dump(); }

// A JSON pointer token: "~" and "/" escaped (RFC 6901), so the path in a
// message can be pasted into jq or a JSON editor.
std::string pointer_token(std::string_view key) {
    std::string out;
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

[[noreturn]] void fail(std::string_view origin, const std::string& pointer, const std::string& why) {
    throw ConfigError(std::string(origin) + ": " + pointer + ": " + why);
}

// What a value is, for "expected X, got Y".
std::string describe(const json& v) {
    switch (v.type()) {
        case json::value_t::string: {
            std::string s = v.get<std::string>();
            if (s.size() > 60) s = s.substr(0, 57) + "...";
            return "the string " + in_quotes(s);
        }
        case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
        case json::value_t::null: return "null";
        case json::value_t::array: return "an array";
        case json::value_t::object: return "an object";
        default: return "the number " + v.dump();
    }
}

template <std::size_t N>
std::string list_of(const std::string_view (&names)[N]) {
    std::string out;
    for (std::string_view n : names) {
        if (!out.empty()) out += ", ";
        out += n;
    }
    return out;
}

template <std::size_t N>
bool one_of(const std::string_view (&names)[N], std::string_view value) {
    return std::find(std::begin(names), std::end(names), value) != std::end(names);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string normalised_key(std::string_view key) {
    std::string out;
    for (char c : key) {
        out += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// The known name a misspelt one most likely meant, or "" when none is close:
// "rol" → "role", "trusted-key" → "trusted_keys", "class_id" → "class".
template <std::size_t N>
std::string closest(const std::string_view (&names)[N], std::string_view wrong) {
    const std::string w = normalised_key(wrong);
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, w.size() / 3) + 1;
    for (std::string_view name : names) {
        const std::size_t d = edit_distance(w, name);
        if (d < best_distance) {
            best_distance = d;
            best = name;
        }
    }
    if (best.empty()) {
        for (std::string_view name : names) {
            if (w.size() >= 3 && (name.starts_with(w) || std::string_view(w).starts_with(name))) return std::string(name);
        }
    }
    return best;
}

constexpr std::string_view kKeys[] = {"feed",  "trusted_keys", "role",    "class",     "grade",
                                      "screen_id", "poll_seconds", "page_seconds", "pages", "hours",
                                      "monitor", "cache_dir",    "status_file", "calm"};

//-----------------------------------------------------------------------------
// [SECTION] reading JSON
//-----------------------------------------------------------------------------

// Parses the text, refusing duplicate keys: nlohmann keeps the last of two
// equal keys without a word, and a config that says "role" twice is a mistake
// that should be seen, not resolved by position.
json read_json(std::string_view text, std::string_view origin) {
    struct Frame {
        bool object = false;
        std::set<std::string> keys;
        std::string key;        // the member being read, in an object
        std::size_t index = 0;  // the element being read, in an array
    };
    std::vector<Frame> frames;
    std::optional<std::string> duplicate;  // its JSON pointer
    const auto path = [&frames] {
        std::string p;
        for (const Frame& f : frames) p += "/" + (f.object ? pointer_token(f.key) : std::to_string(f.index));
        return p;
    };
    const auto element_done = [&frames] {
        if (!frames.empty() && !frames.back().object) ++frames.back().index;
    };
    const json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start: frames.push_back(Frame{true, {}, {}, 0}); break;
            case json::parse_event_t::array_start: frames.push_back(Frame{false, {}, {}, 0}); break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!frames.empty()) frames.pop_back();
                element_done();
                break;
            case json::parse_event_t::key: {
                Frame& f = frames.back();
                f.key = parsed.get<std::string>();
                if (!f.keys.insert(f.key).second && !duplicate) duplicate = path();
                break;
            }
            case json::parse_event_t::value: element_done(); break;
        }
        return true;
    };
    json document;
    try {
        document = json::parse(text.begin(), text.end(), callback);
    } catch (const json::parse_error& e) {
        // e.what() is "[json.exception.parse_error.101] parse error at line 3, column 14: …":
        // keep the part after the library's tag.
        std::string why = e.what();
        if (const auto tag_end = why.find("] "); why.starts_with("[json.") && tag_end != std::string::npos) {
            why = why.substr(tag_end + 2);
        }
        throw ConfigError(std::string(origin) + ": not valid JSON: " + why);
    }
    if (duplicate) fail(origin, *duplicate, "the key is given twice; keep one");
    return document;
}

//-----------------------------------------------------------------------------
// [SECTION] keys
//-----------------------------------------------------------------------------

// Type checks and extraction. Values are checked against their rules later,
// in check_config, so that the command line's values meet the same rules.
struct KeyReader {
    std::string_view origin;

    std::string text(const json& v, const std::string& at) const {
        if (!v.is_string()) fail(origin, at, "expected a string, got " + describe(v));
        return v.get<std::string>();
    }
    // A string whose empty value would only repeat the default, which is
    // more likely a half-finished edit than a wish.
    std::string non_empty_text(const json& v, const std::string& at) const {
        std::string s = text(v, at);
        if (s.empty()) fail(origin, at, "is empty: leave the key out to get the default");
        return s;
    }
    int whole_number(const json& v, const std::string& at) const {
        if (!v.is_number_integer()) fail(origin, at, "expected a whole number, got " + describe(v));
        // Every whole-number key is small; this only keeps the cast to int exact.
        const bool in_range = v.is_number_unsigned() ? v.get<std::uint64_t>() <= 1'000'000'000u
                                                     : std::abs(v.get<std::int64_t>() / 2) <= 500'000'000;
        if (!in_range) fail(origin, at, v.dump() + " is out of range");
        return static_cast<int>(v.get<std::int64_t>());
    }
    double seconds(const json& v, const std::string& at) const {
        if (!v.is_number()) fail(origin, at, "expected a number of seconds, got " + describe(v));
        return v.get<double>();
    }
    bool boolean(const json& v, const std::string& at) const {
        if (!v.is_boolean()) fail(origin, at, "expected true or false, got " + describe(v));
        return v.get<bool>();
    }
    std::vector<std::string> texts(const json& v, const std::string& at) const {
        if (!v.is_array()) fail(origin, at, "expected an array of strings, got " + describe(v));
        std::vector<std::string> out;
        for (std::size_t i = 0; i < v.size(); ++i) out.push_back(text(v[i], at + "/" + std::to_string(i)));
        return out;
    }
};

void read_key(KioskConfig& config, const std::string& key, const json& v, const KeyReader& r) {
    const std::string at = "/" + pointer_token(key);
    if (key == "feed") {
        config.feed = r.non_empty_text(v, at);
    } else if (key == "trusted_keys") {
        config.trusted_keys = r.texts(v, at);
    } else if (key == "role") {
        config.role = r.text(v, at);
    } else if (key == "class") {
        config.class_id = r.non_empty_text(v, at);
    } else if (key == "grade") {
        config.grade = r.whole_number(v, at);
    } else if (key == "screen_id") {
        config.screen_id = r.non_empty_text(v, at);
    } else if (key == "poll_seconds") {
        config.poll_seconds = r.whole_number(v, at);
    } else if (key == "page_seconds") {
        if (v.is_object()) {
            for (const auto& [page, seconds] : v.items()) {
                const std::string page_at = at + "/" + pointer_token(page);
                if (page == "default") {
                    config.page_seconds = r.seconds(seconds, page_at);
                } else {
                    config.page_seconds_by_page[page] = r.seconds(seconds, page_at);
                }
            }
        } else if (v.is_number()) {
            config.page_seconds = v.get<double>();
        } else {
            fail(r.origin, at,
                 "expected a number of seconds or an object like {\"default\": 15, \"standings\": 30}, got " + describe(v));
        }
    } else if (key == "pages") {
        config.pages = r.texts(v, at);
    } else if (key == "hours") {
        config.hours = r.text(v, at);
    } else if (key == "monitor") {
        config.monitor = r.whole_number(v, at);
    } else if (key == "cache_dir") {
        config.cache_dir = r.non_empty_text(v, at);
    } else if (key == "status_file") {
        config.status_file = r.non_empty_text(v, at);
    } else if (key == "calm") {
        config.calm = r.boolean(v, at);
    } else {
        std::string why = "unknown key";
        if (const std::string guess = closest(kKeys, key); !guess.empty()) why += "; did you mean " + in_quotes(guess) + "?";
        fail(r.origin, at, why + " (the keys are " + list_of(kKeys) + ")");
    }
}

//-----------------------------------------------------------------------------
// [SECTION] checks
//-----------------------------------------------------------------------------

std::string format_seconds(double s) {
    std::ostringstream out;
    out << s;
    return out.str();
}

void check_page_seconds(double s, std::string_view origin, const std::string& at) {
    // 3 s is the least in which a passer-by reads a title; over an hour a
    // "rotation" is a still picture, which hours and burn-in handle better.
    if (!std::isfinite(s) || s < 3 || s > 3600) {
        fail(origin, at, format_seconds(s) + " seconds is out of range: a page stays 3 to 3600 seconds");
    }
}

void check_page_kind(std::string_view kind, std::string_view origin, const std::string& at) {
    if (one_of(kPageKinds, kind)) return;
    std::string why = in_quotes(kind) + " is not a page";
    if (const std::string guess = closest(kPageKinds, kind); !guess.empty()) why += "; did you mean " + in_quotes(guess) + "?";
    fail(origin, at, why + " (" + list_of(kPageKinds) + ")");
}

}  // namespace

void check_config(const KioskConfig& c, std::string_view origin) {
    if (!one_of(kRoles, c.role)) fail(origin, "/role", in_quotes(c.role) + " is not a role (" + list_of(kRoles) + ")");
    for (std::size_t i = 0; i < c.trusted_keys.size(); ++i) {
        const auto key = parse_minisign_public_key(c.trusted_keys[i]);
        if (!key.value) {
            fail(origin, "/trusted_keys/" + std::to_string(i),
                 "not a minisign public key (the base64 line of minisign.pub): " + key.error);
        }
    }
    if (c.grade != 0 && (c.grade < 1 || c.grade > 12)) {
        fail(origin, "/grade", std::to_string(c.grade) + " is not a grade: 1 to 12");
    }
    if (c.poll_seconds < 5 || c.poll_seconds > 86400) {
        // Under 5 s a school's 100 screens load the server for no gain: the
        // office does not publish that often.
        fail(origin, "/poll_seconds", std::to_string(c.poll_seconds) + " is out of range: poll every 5 to 86400 seconds");
    }
    check_page_seconds(c.page_seconds, origin, "/page_seconds");
    for (const auto& [page, seconds] : c.page_seconds_by_page) {
        const std::string at = "/page_seconds/" + pointer_token(page);
        check_page_kind(page, origin, at);
        check_page_seconds(seconds, origin, at);
    }
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < c.pages.size(); ++i) {
        const std::string at = "/pages/" + std::to_string(i);
        check_page_kind(c.pages[i], origin, at);
        if (!seen.insert(c.pages[i]).second) fail(origin, at, in_quotes(c.pages[i]) + " is listed twice");
    }
    try {
        (void)parse_display_hours(c.hours);
    } catch (const DisplayHoursError& e) {
        fail(origin, "/hours", e.what());
    }
    if (c.monitor < 0 || c.monitor > 63) {
        fail(origin, "/monitor", std::to_string(c.monitor) + " is not a monitor index: 0 (the primary) or more");
    }
}

//-----------------------------------------------------------------------------
// [SECTION] public
//-----------------------------------------------------------------------------

double KioskConfig::seconds_for_page(std::string_view kind) const {
    const auto it = page_seconds_by_page.find(kind);
    return it != page_seconds_by_page.end() ? it->second : page_seconds;
}

KioskConfig parse_config(std::string_view json_text, std::string_view origin) {
    const json document = read_json(json_text, origin);
    if (!document.is_object()) {
        throw ConfigError(std::string(origin) + ": expected a JSON object of settings ({\"role\": \"lobby\", …}), got " +
                          describe(document));
    }
    KioskConfig config;
    const KeyReader reader{origin};
    for (const auto& [key, value] : document.items()) read_key(config, key, value, reader);
    // An empty "pages" list would show nothing at all; saying so beats a black screen.
    if (const auto pages = document.find("pages"); pages != document.end() && pages->empty()) {
        fail(origin, "/pages", "is empty, which would show no page: leave the key out for every page of the role");
    }
    check_config(config, origin);
    return config;
}

KioskConfig load_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path + ": cannot open the config file: " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ConfigError(path + ": cannot read the config file: " + std::strerror(errno));
    return parse_config(text.str(), path);
}

//-----------------------------------------------------------------------------
// [SECTION] merge
//-----------------------------------------------------------------------------

KioskConfig merge(KioskConfig file, const KioskCliOverrides& cli) {
    KioskConfig c = std::move(file);
    const auto take = [](auto& field, const auto& override_value) {
        if (override_value) field = *override_value;
    };
    take(c.feed, cli.feed);
    take(c.trusted_keys, cli.trusted_keys);
    take(c.role, cli.role);
    take(c.class_id, cli.class_id);
    take(c.grade, cli.grade);
    take(c.screen_id, cli.screen_id);
    take(c.poll_seconds, cli.poll_seconds);
    if (cli.page_seconds) {
        c.page_seconds = *cli.page_seconds;
        c.page_seconds_by_page.clear();
    }
    take(c.pages, cli.pages);
    take(c.hours, cli.hours);
    take(c.monitor, cli.monitor);
    take(c.cache_dir, cli.cache_dir);
    take(c.status_file, cli.status_file);
    take(c.calm, cli.calm);
    return c;
}

}  // namespace campus::kiosk
