// parse_feed: bytes -> Feed, or every problem found (shared/feed-contract.md).
//
// [SECTION] Places and values in messages (Path, describe)
// [SECTION] FeedChecker: typed field access that reports what is wrong
// [SECTION] Top level, school, term
// [SECTION] Habits, classes
// [SECTION] Competitions, rounds, scores
// [SECTION] Announcements, events
// [SECTION] Media, gallery, pictures and links of notices
// [SECTION] parse_feed, to_string
//
// Two stages: json_limited::read enforces the size/depth/length limits while it
// builds the DOM (one pass), then FeedChecker walks the DOM once, building the
// Feed and collecting every problem rather than stopping at the first: a clerk
// fixing a spreadsheet export wants the whole list at once.
//
// Messages are written for the office that publishes: they name the value, the
// rule, and where relevant the criterion's own name (卫生), never C++ types.
#include "sync/feed_parse.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

#include "sync/json_limited.hpp"

namespace campus {

namespace {

using json_limited::Type;
using json_limited::Value;

//-----------------------------------------------------------------------------
// [SECTION] Places and values in messages
//-----------------------------------------------------------------------------

// A JSON Pointer kept as a chain of stack frames, turned into text only when a
// problem is reported: a 3 MB feed has ~10^5 places and almost never a problem.
class Path {
public:
    Path() = default;
    Path child(std::string_view key) const { return Path(this, key, npos); }
    Path at(std::size_t index) const { return Path(this, {}, index); }

    std::string pointer() const {
        std::string out = parent_ ? parent_->pointer() : std::string();
        if (!parent_) return out;
        if (index_ != npos) {
            json_limited::append_pointer_token(out, std::to_string(index_));
        } else {
            json_limited::append_pointer_token(out, key_);
        }
        return out;
    }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    Path(const Path* parent, std::string_view key, std::size_t index) : parent_(parent), key_(key), index_(index) {}
    const Path* parent_ = nullptr;
    std::string_view key_;
    std::size_t index_ = npos;
};

std::string quote_value(std::string_view text) {
    // Long values are cut so one problem stays one readable line.
    constexpr std::size_t max_chars = 60;
    std::string out = "\"";
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        if ((b & 0xC0u) != 0x80u && ++chars > max_chars) {
            out += "…";
            break;
        }
        if (b == '\n') {
            out += "\\n";
        } else if (b < 0x20) {
            out += ' ';
        } else {
            out += text[i];
        }
    }
    out += '"';
    return out;
}

// 23 -> "23", 23.5 -> "23.5": the shortest text that reads back as the same number.
std::string format_number(double value) {
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec != std::errc()) return std::to_string(value);
    return std::string(buffer, end);
}

// What a clerk would call the value they wrote.
std::string describe(Value value) {
    switch (value.type()) {
        case Type::string: return quote_value(value.as_string());
        case Type::integer: return std::to_string(value.as_integer());
        case Type::real: return format_number(value.as_number());
        case Type::boolean: return value.as_bool() ? "true" : "false";
        case Type::null: return "null";
        case Type::object: return "an object { … }";
        case Type::array: return "a list [ … ]";
    }
    return "a value";
}

// True when `text` has the shape of `pattern`, where '9' stands for any digit.
bool has_shape(std::string_view text, std::string_view pattern) {
    if (text.size() != pattern.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (pattern[i] == '9') {
            if (text[i] < '0' || text[i] > '9') return false;
        } else if (text[i] != pattern[i]) {
            return false;
        }
    }
    return true;
}

bool all_digits(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

std::optional<int> small_whole_number(std::string_view digits) {
    if (!all_digits(digits) || digits.size() > 9) return std::nullopt;
    int n = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), n);
    return n;
}

bool valid_feed_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

//-----------------------------------------------------------------------------
// [SECTION] FeedChecker
//-----------------------------------------------------------------------------

enum class Need { required, optional };

// Equal texts; inline for the short ids and keys of a feed, where a call to
// memcmp would cost more than the comparison.
inline bool same_text(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.size() > 16) return a == b;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] != b[i]) return false;
    }
    return true;
}

// Names (class ids) to their position in a list, for the lookups done once
// per score. Open addressing in one flat array: no allocation per name, and a
// hash (FNV-1a) that is cheap on the few bytes of an id like "12-9".
class NameIndex {
public:
    static constexpr std::uint32_t npos = 0xFFFFFFFFu;

    // Keeps the first position of a name, like unordered_map::emplace.
    void emplace(std::string_view name, std::uint32_t position) {
        if ((size_ + 1) * 2 > slots_.size()) grow();
        if (insert(name, position)) ++size_;
    }

    std::uint32_t find(std::string_view name) const {
        if (slots_.empty()) return npos;
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash(name) & mask;; i = (i + 1) & mask) {
            const Slot& slot = slots_[i];
            if (slot.position == npos) return npos;
            if (same_text(slot.name, name)) return slot.position;
        }
    }
    bool contains(std::string_view name) const { return find(name) != npos; }

private:
    struct Slot {
        std::string_view name;
        std::uint32_t position = npos;
    };

    static std::size_t hash(std::string_view name) {
        std::uint64_t h = 0xcbf29ce484222325ull;
        for (const char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
        return static_cast<std::size_t>(h ^ (h >> 29));
    }

    bool insert(std::string_view name, std::uint32_t position) {
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash(name) & mask;; i = (i + 1) & mask) {
            Slot& slot = slots_[i];
            if (slot.position == npos) {
                slot = Slot{name, position};
                return true;
            }
            if (same_text(slot.name, name)) return false;
        }
    }

    void grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
        for (const Slot& slot : old) {
            if (slot.position != npos) insert(slot.name, slot.position);
        }
    }

    std::vector<Slot> slots_;
    std::size_t size_ = 0;
};


// Ids already seen in one array, with where they were first seen.
class IdRegistry {
public:
    // True when new; otherwise the pointer of the first use in `first_use`.
    bool add(std::string_view id, const Path& where, std::string& first_use) {
        auto [it, inserted] = seen_.try_emplace(std::string(id), std::string());
        if (inserted) {
            it->second = where.pointer();
            return true;
        }
        first_use = it->second;
        return false;
    }

private:
    std::unordered_map<std::string, std::string> seen_;
};

struct CriterionCheck {
    std::string id;             // empty when the criterion's id was unusable
    std::string name;           // for messages: "卫生"
    std::optional<double> max;  // unset when the criterion's max was unusable
};

// Which criterion a member of a score object is, by its key. Built once per
// competition. Offices write a score's members in the criteria's order, so
// the next criterion is tried first; otherwise a scan, or a hash for the
// (unusual) competition with many criteria, keeps the lookup cheap.
class ScoreKeys {
public:
    static constexpr std::size_t none = static_cast<std::size_t>(-1);

    explicit ScoreKeys(const std::vector<CriterionCheck>& criteria) {
        max_.reserve(criteria.size());
        for (const CriterionCheck& c : criteria) {
            // No usable maximum: nothing is above it.
            max_.push_back(c.max ? *c.max : std::numeric_limits<double>::infinity());
        }
        for (std::size_t c = 0; c < criteria.size(); ++c) {
            // An unusable id (empty here) was reported under /criteria: no member is it.
            if (!criteria[c].id.empty()) keys_.push_back({criteria[c].id, c});
        }
        if (keys_.size() > 8) {
            by_key_.reserve(keys_.size());
            for (std::size_t k = 0; k < keys_.size(); ++k) by_key_.emplace(keys_[k].id, k);
        }
    }

    // The criterion whose id is `key` if it is the one expected next (`next`
    // is where the previous member was found plus one), else `none`.
    std::size_t expected_criterion(std::string_view key, std::size_t& next) const {
        const std::size_t k = next;
        if (k >= keys_.size() || !same_text(keys_[k].id, key)) return none;
        next = k + 1;
        return keys_[k].criterion;
    }
    // The criterion whose id is `key`, or `none`.
    std::size_t criterion(std::string_view key, std::size_t& next) const {
        const std::size_t k = find(key);
        if (k == none) return none;
        next = k + 1;
        return keys_[k].criterion;
    }

    // Criterion c's maximum, or infinity when it had none usable.
    double max(std::size_t c) const { return max_[c]; }

private:
    std::size_t find(std::string_view key) const {
        if (!by_key_.empty()) {
            const auto it = by_key_.find(key);
            return it == by_key_.end() ? none : it->second;
        }
        for (std::size_t k = 0; k < keys_.size(); ++k) {
            if (same_text(keys_[k].id, key)) return k;
        }
        return none;
    }

    struct Key {
        std::string_view id;  // into the CriterionCheck, which outlives this
        std::size_t criterion = 0;
    };
    std::vector<Key> keys_;
    std::unordered_map<std::string_view, std::size_t> by_key_;  // key -> index in keys_, when there are many
    std::vector<double> max_;
};

constexpr std::uint32_t kAbsentMember = 0xFFFFFFFFu;  // a field not in a score object

// Thrown when a feed has so many problems that listing more helps nobody; it
// also bounds the work on a hostile feed (5,000 criteria missing from each of
// 250,000 scores would otherwise be a billion messages).
struct TooManyProblems {};
constexpr std::size_t kMaxProblems = 500;

class FeedChecker {
public:
    std::vector<Problem> problems;

    void check_feed(Value root, Feed& feed);

private:
    // ---- reporting -------------------------------------------------------
    void problem(const Path& at, std::string message) {
        problems.push_back({at.pointer(), std::move(message)});
        if (problems.size() >= kMaxProblems) throw TooManyProblems{};
    }

    void missing(const Path& at, std::string_view key) {
        problem(at, "missing: \"" + std::string(key) + "\" is required here");
    }

    void expected(const Path& at, std::string_view what, Value got) {
        problem(at, "expected " + std::string(what) + ", got " + describe(got));
    }

    // ---- typed access ------------------------------------------------------
    // Each returns nullopt (after reporting) when the value is absent where
    // required or of the wrong kind; absent optional members are silent.
    std::optional<Value> member(Value object, const Path& at, std::string_view key, Need need) {
        auto v = object.find(key);
        if (!v && need == Need::required) missing(at.child(key), key);
        return v;
    }

    bool is_object(Value value, const Path& at) {
        if (value.is_object()) return true;
        expected(at, "an object { … }", value);
        return false;
    }

    std::optional<Value> object_member(Value object, const Path& at, std::string_view key, Need need) {
        std::optional<Value> v = member(object, at, key, need);
        if (v && !is_object(*v, at.child(key))) return std::nullopt;
        return v;
    }

    std::optional<Value> list_member(Value object, const Path& at, std::string_view key, Need need) {
        std::optional<Value> v = member(object, at, key, need);
        if (v && !v->is_array()) {
            expected(at.child(key), "a list [ … ]", *v);
            return std::nullopt;
        }
        return v;
    }

    std::optional<std::string> text_value(Value value, const Path& at, bool allow_empty) {
        if (!value.is_string()) {
            expected(at, "text in quotes", value);
            return std::nullopt;
        }
        const std::string_view s = value.as_string();
        if (s.empty() && !allow_empty) {
            problem(at, "must not be empty");
            return std::nullopt;
        }
        return std::string(s);
    }

    // Required text must be non-empty: an empty name or id is a mistake.
    std::optional<std::string> text(Value object, const Path& at, std::string_view key, Need need) {
        std::optional<Value> v = member(object, at, key, need);
        if (!v) return std::nullopt;
        return text_value(*v, at.child(key), need == Need::optional);
    }

    std::optional<double> number_value(Value value, const Path& at) {
        if (!value.is_number()) {
            expected(at, "a number", value);
            return std::nullopt;
        }
        return value.as_number();
    }

    std::optional<double> number(Value object, const Path& at, std::string_view key, Need need) {
        std::optional<Value> v = member(object, at, key, need);
        if (!v) return std::nullopt;
        return number_value(*v, at.child(key));
    }

    // JSON Schema counts 3.0 as an integer, and so do we.
    std::optional<std::int64_t> whole_value(Value value, const Path& at) {
        if (value.is_integer()) return value.as_integer();
        if (value.type() == Type::real) {
            const double d = value.as_number();
            if (std::trunc(d) == d && std::fabs(d) <= 9007199254740992.0) return static_cast<std::int64_t>(d);
        }
        expected(at, "a whole number", value);
        return std::nullopt;
    }

    std::optional<std::int64_t> whole(Value object, const Path& at, std::string_view key, Need need) {
        std::optional<Value> v = member(object, at, key, need);
        if (!v) return std::nullopt;
        return whole_value(*v, at.child(key));
    }

    std::optional<Date> date_value(Value value, const Path& at) {
        const auto s = text_value(value, at, false);
        if (!s) return std::nullopt;
        if (auto d = parse_date(*s)) return d;
        if (has_shape(*s, "9999-99-99")) {
            problem(at, quote_value(*s) + " is not a real date: there is no such day in the calendar");
        } else {
            problem(at, quote_value(*s) + " is not a date: write it as YYYY-MM-DD, e.g. 2023-09-01");
        }
        return std::nullopt;
    }

    std::optional<Date> date(Value object, const Path& at, std::string_view key, Need need) {
        std::optional<Value> v = member(object, at, key, need);
        if (!v) return std::nullopt;
        return date_value(*v, at.child(key));
    }

    std::optional<ZonedStamp> stamp(Value object, const Path& at, std::string_view key, Need need) {
        std::optional<Value> v = member(object, at, key, need);
        if (!v) return std::nullopt;
        const Path here = at.child(key);
        const auto s = text_value(*v, here, false);
        if (!s) return std::nullopt;
        if (auto t = parse_rfc3339(*s)) return t;
        problem(here, quote_value(*s) +
                          " is not an RFC 3339 time with an offset: write it like 2023-11-06T07:30:00+08:00");
        return std::nullopt;
    }

    // Reports a duplicate; returns true when the id is new.
    bool unique_id(IdRegistry& ids, std::string_view id, const Path& at, std::string_view what) {
        std::string first;
        if (ids.add(id, at, first)) return true;
        problem(at, "duplicate " + std::string(what) + " id " + quote_value(id) + ": already used at " + first);
        return false;
    }

    // One criterion's score in a score object (`member` is its place among
    // the object's members, or absent): the value, or 0 after reporting.
    double criterion_value(const json_limited::Members& fields, std::uint32_t member, const CriterionCheck& criterion,
                           double max, const Path& here) {
        if (member == kAbsentMember) [[unlikely]] {
            if (criterion.id.empty()) return 0;  // already reported under /criteria
            problem(here.child(criterion.id), "missing: the score for " + criterion.name + " (\"" + criterion.id +
                                                  "\") is required for every class");
            return 0;
        }
        const Value v = fields.value(member);
        if (!v.is_number()) [[unlikely]] {
            expected(here.child(criterion.id), "a number", v);
            return 0;
        }
        const double value = v.as_number();
        if (value < 0) [[unlikely]] {
            problem(here.child(criterion.id), format_number(value) + " is below the minimum 0 for " + criterion.name);
        } else if (value > max) [[unlikely]] {
            problem(here.child(criterion.id), format_number(value) + " is above the maximum " +
                                                  format_number(*criterion.max) + " for " + criterion.name);
        }
        return value;
    }

    // ---- the contract's parts ---------------------------------------------------
    void check_school(Value object, const Path& at, School& school);
    void check_term(Value object, const Path& at, Term& term);
    void check_goal(Value object, const Path& at, Goal& goal, IdRegistry& ids);
    void check_habits(Value list, const Path& at, std::vector<Habit>& habits);
    void check_classes(Value list, const Path& at, std::vector<SchoolClass>& classes);
    void check_competition(Value object, const Path& at, Competition& competition, IdRegistry& ids);
    void check_criteria(Value list, const Path& at, Competition& competition,
                        std::vector<CriterionCheck>& checks);
    // Returns true when the round's start date is usable.
    bool check_round(Value object, const Path& at, const std::vector<CriterionCheck>& criteria,
                     const ScoreKeys& keys, Round& round);
    void check_announcements(Value list, const Path& at, std::vector<Announcement>& announcements);
    std::optional<AnnouncementTarget> check_target(Value value, const Path& at);
    void check_events(Value list, const Path& at, std::vector<SchoolEvent>& events);
    void check_media(Value list, const Path& at, std::vector<MediaItem>& media);
    void check_gallery(Value object, const Path& at, Gallery& gallery);
    // The optional `image` (a known media id) and `link` (https://) of an announcement or event.
    void check_image_and_link(Value object, const Path& at, std::string& image, std::string& link);
    // A media id that must be listed in /media: true when it is.
    bool known_media(Value value, const Path& at, std::string& id);

    // Media ids of /media (only usable ones), for image and gallery references.
    NameIndex media_index_;
    // Class ids of /classes (only usable ones) to their position there, for
    // scores and targets. The views point into the document, which outlives
    // the checker.
    NameIndex class_index_;
    std::vector<std::string_view> class_at_position_;  // the id indexed at each position of /classes, or empty
    std::size_t class_count_ = 0;  // length of /classes
    // Finding a class scored twice in a round: the round a class (by its
    // position in /classes) was last scored in, and where. Rounds are
    // numbered across competitions, so nothing is cleared between rounds.
    std::vector<std::uint32_t> scored_in_round_;
    std::vector<std::size_t> scored_at_;
    std::uint32_t rounds_checked_ = 0;
};

//-----------------------------------------------------------------------------
// [SECTION] Top level, school, term
//-----------------------------------------------------------------------------

constexpr std::string_view kFormat = "campus-kiosk-feed";
constexpr std::int64_t kKnownFormatVersion = 1;

void FeedChecker::check_feed(Value root, Feed& feed) {
    const Path top;
    if (!root.is_object()) {
        problem(top, "the feed must be a JSON object { … }, got " + describe(root));
        return;
    }

    // A document of another kind or another major version means different
    // things by the same words: checking its fields against format 1 would
    // bury the one message that matters under misleading ones.
    bool foreign = false;
    if (const auto format = text(root, top, "format", Need::required); format && *format != kFormat) {
        problem(top.child("format"),
                quote_value(*format) + " is not a campus kiosk feed: format must be \"" + std::string(kFormat) + "\"");
        foreign = true;
    }
    if (const auto v = whole(root, top, "format_version", Need::required)) {
        if (*v != kKnownFormatVersion) {
            problem(top.child("format_version"), "format version " + std::to_string(*v) +
                                                     " is not known to this screen: it knows format version " +
                                                     std::to_string(kKnownFormatVersion) + " only");
            foreign = true;
        } else {
            feed.format_version = static_cast<int>(*v);
        }
    }
    if (foreign) return;

    if (const auto id = text(root, top, "feed_id", Need::required)) {
        if (valid_feed_id(*id)) {
            feed.feed_id = *id;
        } else {
            problem(top.child("feed_id"),
                    quote_value(*id) + " is not a valid feed id: use 1 to 64 lowercase letters a-z, digits 0-9 or \"-\"");
        }
    }
    if (const auto v = whole(root, top, "version", Need::required)) {
        if (*v >= 1) {
            feed.version = *v;
        } else {
            problem(top.child("version"), "the version must be 1 or more, got " + std::to_string(*v));
        }
    }
    if (auto t = stamp(root, top, "generated_at", Need::required)) feed.generated_at = *t;
    feed.expires_at = stamp(root, top, "expires_at", Need::optional);

    if (std::optional<Value> school = object_member(root, top, "school", Need::required)) {
        check_school(*school, top.child("school"), feed.school);
    }
    if (std::optional<Value> term = object_member(root, top, "term", Need::required)) {
        check_term(*term, top.child("term"), feed.term);
    }
    if (std::optional<Value> habits = list_member(root, top, "habits", Need::required)) {
        check_habits(*habits, top.child("habits"), feed.habits);
    }
    // Classes before competitions and announcements, which refer to them.
    if (std::optional<Value> classes = list_member(root, top, "classes", Need::required)) {
        check_classes(*classes, top.child("classes"), feed.classes);
    }
    if (std::optional<Value> competitions = list_member(root, top, "competitions", Need::required)) {
        const Path at = top.child("competitions");
        IdRegistry ids;
        feed.competitions.resize(competitions->size());
        for (std::size_t i = 0; i < competitions->size(); ++i) {
            Value c = (*competitions)[i];
            const Path here = at.at(i);
            if (!is_object(c, here)) continue;
            check_competition(c, here, feed.competitions[i], ids);
        }
    }
    // Media before the announcements, events and gallery that refer to them.
    if (std::optional<Value> media = list_member(root, top, "media", Need::optional)) {
        check_media(*media, top.child("media"), feed.media);
    }
    if (std::optional<Value> announcements = list_member(root, top, "announcements", Need::optional)) {
        check_announcements(*announcements, top.child("announcements"), feed.announcements);
    }
    if (std::optional<Value> events = list_member(root, top, "events", Need::optional)) {
        check_events(*events, top.child("events"), feed.events);
    }
    if (std::optional<Value> gallery = object_member(root, top, "gallery", Need::optional)) {
        check_gallery(*gallery, top.child("gallery"), feed.gallery.emplace());
    }
}

void FeedChecker::check_school(Value object, const Path& at, School& school) {
    if (auto name = text(object, at, "name", Need::required)) school.name = std::move(*name);
    if (auto s = text(object, at, "short_name", Need::optional)) school.short_name = std::move(*s);
    if (auto s = text(object, at, "motto", Need::optional)) school.motto = std::move(*s);
    if (std::optional<Value> tz = member(object, at, "timezone", Need::optional)) {
        const auto name = text_value(*tz, at.child("timezone"), false);
        if (!name) return;
        school.timezone_name = *name;
    }
    school.timezone = TimeZone::load(school.timezone_name);
    if (!school.timezone) {
        problem(at.child("timezone"), quote_value(school.timezone_name) +
                                          " is not a known IANA time zone: use a name like \"Asia/Shanghai\"");
    }
}

void FeedChecker::check_term(Value object, const Path& at, Term& term) {
    if (auto name = text(object, at, "name", Need::required)) term.name = std::move(*name);
    const auto start = date(object, at, "start", Need::required);
    const auto end = date(object, at, "end", Need::required);
    if (start) term.start = *start;
    if (end) term.end = *end;
    if (start && end && *end < *start) {
        problem(at.child("end"),
                "the term ends on " + end->to_string() + ", before it starts on " + start->to_string());
    }
    if (auto theme = text(object, at, "theme", Need::optional)) term.theme = std::move(*theme);

    // Goals may be left out: a term without published goals still has a calendar.
    if (std::optional<Value> goals = list_member(object, at, "goals", Need::optional)) {
        const Path goals_at = at.child("goals");
        IdRegistry ids;
        term.goals.resize(goals->size());
        for (std::size_t i = 0; i < goals->size(); ++i) {
            const Path here = goals_at.at(i);
            if (is_object((*goals)[i], here)) check_goal((*goals)[i], here, term.goals[i], ids);
        }
    }
}

void FeedChecker::check_goal(Value object, const Path& at, Goal& goal, IdRegistry& ids) {
    if (auto id = text(object, at, "id", Need::required)) {
        unique_id(ids, *id, at.child("id"), "goal");
        goal.id = std::move(*id);
    }
    if (auto s = text(object, at, "title", Need::required)) goal.title = std::move(*s);
    if (auto s = text(object, at, "category", Need::optional)) goal.category = std::move(*s);
    if (auto s = text(object, at, "detail", Need::optional)) goal.detail = std::move(*s);

    std::optional<Value> progress = object_member(object, at, "progress", Need::optional);
    if (!progress) return;
    const Path here = at.child("progress");
    GoalProgress p;
    if (const auto current = number(*progress, here, "current", Need::required)) {
        if (*current < 0) {
            problem(here.child("current"), "the progress so far must be 0 or more, got " + format_number(*current));
        }
        p.current = *current;
    }
    if (const auto target = number(*progress, here, "target", Need::required)) {
        if (*target <= 0) {
            problem(here.child("target"), "the target must be above 0, got " + format_number(*target));
        }
        p.target = *target;
    }
    if (auto unit = text(*progress, here, "unit", Need::optional)) p.unit = std::move(*unit);
    goal.progress = std::move(p);
}

//-----------------------------------------------------------------------------
// [SECTION] Habits, classes
//-----------------------------------------------------------------------------

void FeedChecker::check_habits(Value list, const Path& at, std::vector<Habit>& habits) {
    habits.resize(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        Value h = list[i];
        const Path here = at.at(i);
        if (!is_object(h, here)) continue;
        Habit& habit = habits[i];
        if (std::optional<Value> m = member(h, here, "month", Need::required)) {
            const Path month_at = here.child("month");
            if (const auto s = text_value(*m, month_at, false)) {
                if (const auto ym = parse_year_month(*s)) {
                    habit.month = *ym;
                } else {
                    problem(month_at, quote_value(*s) + " is not a month: write it as YYYY-MM, e.g. 2023-11");
                }
            }
        }
        if (auto s = text(h, here, "title", Need::required)) habit.title = std::move(*s);
        if (auto s = text(h, here, "detail", Need::optional)) habit.detail = std::move(*s);
        if (std::optional<Value> tips = list_member(h, here, "tips", Need::optional)) {
            const Path tips_at = here.child("tips");
            for (std::size_t k = 0; k < tips->size(); ++k) {
                if (auto tip = text_value((*tips)[k], tips_at.at(k), true)) habit.tips.push_back(std::move(*tip));
            }
        }
    }
}

void FeedChecker::check_classes(Value list, const Path& at, std::vector<SchoolClass>& classes) {
    IdRegistry ids;
    class_count_ = list.size();
    class_at_position_.assign(list.size(), std::string_view());
    classes.resize(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        Value c = list[i];
        const Path here = at.at(i);
        if (!is_object(c, here)) continue;
        SchoolClass& school_class = classes[i];
        if (auto id = text(c, here, "id", Need::required)) {
            // A class with a bad grade or name is still a known class: scores
            // naming it should not add a second, misleading "unknown class".
            if (unique_id(ids, *id, here.child("id"), "class")) {
                class_index_.emplace(c.find("id")->as_string(), static_cast<std::uint32_t>(i));
                class_at_position_[i] = c.find("id")->as_string();
            }
            school_class.id = std::move(*id);
        }
        if (const auto grade = whole(c, here, "grade", Need::required)) {
            if (*grade >= 1 && *grade <= 12) {
                school_class.grade = static_cast<int>(*grade);
            } else {
                problem(here.child("grade"), "grade " + std::to_string(*grade) + " is outside grades 1 to 12");
            }
        }
        if (auto s = text(c, here, "name", Need::required)) school_class.name = std::move(*s);
        if (auto s = text(c, here, "teacher", Need::optional)) school_class.teacher = std::move(*s);
    }
}

//-----------------------------------------------------------------------------
// [SECTION] Competitions, rounds, scores
//-----------------------------------------------------------------------------

void FeedChecker::check_competition(Value object, const Path& at, Competition& competition,
                                    IdRegistry& ids) {
    if (auto id = text(object, at, "id", Need::required)) {
        unique_id(ids, *id, at.child("id"), "competition");
        competition.id = std::move(*id);
    }
    if (auto s = text(object, at, "name", Need::required)) competition.name = std::move(*s);
    if (auto period = text(object, at, "period", Need::required)) {
        if (*period == "week") {
            competition.period = std::move(*period);
        } else {
            problem(at.child("period"), "unknown period " + quote_value(*period) + ": format 1 knows only \"week\"");
        }
    }
    if (const auto awards = whole(object, at, "awards", Need::required)) {
        if (*awards >= 1 && *awards <= std::numeric_limits<int>::max()) {
            competition.awards = static_cast<int>(*awards);
        } else {
            problem(at.child("awards"),
                    "awards (how many classes get the flag) must be 1 or more, got " + std::to_string(*awards));
        }
    }
    if (const auto scope = text(object, at, "scope", Need::required)) {
        if (*scope == "school") {
            competition.scope = CompetitionScope::school;
        } else if (*scope == "grade") {
            competition.scope = CompetitionScope::grade;
        } else {
            problem(at.child("scope"), "unknown scope " + quote_value(*scope) + ": use \"school\" or \"grade\"");
        }
    }

    std::vector<CriterionCheck> criteria;
    if (std::optional<Value> list = list_member(object, at, "criteria", Need::required)) {
        check_criteria(*list, at.child("criteria"), competition, criteria);
    }

    if (const auto ties = text(object, at, "ties", Need::optional)) {
        if (*ties == "share") {
            competition.ties = TiePolicy::share;
        } else if (*ties == "tiebreak") {
            competition.ties = TiePolicy::tiebreak;
        } else {
            problem(at.child("ties"), "unknown ties policy " + quote_value(*ties) + ": use \"share\" or \"tiebreak\"");
        }
    }
    std::optional<Value> tiebreak = list_member(object, at, "tiebreak", Need::optional);
    if (tiebreak) {
        const Path tb_at = at.child("tiebreak");
        for (std::size_t k = 0; k < tiebreak->size(); ++k) {
            const auto id = text_value((*tiebreak)[k], tb_at.at(k), false);
            if (!id) continue;
            std::size_t found = criteria.size();
            for (std::size_t c = 0; c < criteria.size(); ++c) {
                if (criteria[c].id == *id) found = c;
            }
            if (found == criteria.size()) {
                problem(tb_at.at(k), quote_value(*id) + " is not one of this competition's criteria");
            } else {
                competition.tiebreak.push_back(static_cast<int>(found));
            }
        }
    }
    if (competition.ties == TiePolicy::tiebreak && (!tiebreak || tiebreak->empty())) {
        problem(at.child("tiebreak"),
                "ties is \"tiebreak\" but no criteria are listed in tiebreak to break ties with");
    }

    if (const auto display = text(object, at, "display", Need::optional)) {
        std::optional<int> top_n;
        if (display->rfind("top:", 0) == 0) top_n = small_whole_number(std::string_view(*display).substr(4));
        if (*display == "all") {
            competition.display.kind = DisplayPolicy::Kind::all;
        } else if (*display == "winners") {
            competition.display.kind = DisplayPolicy::Kind::winners;
        } else if (top_n && *top_n >= 1) {
            competition.display.kind = DisplayPolicy::Kind::top;
            competition.display.top_n = *top_n;
        } else {
            problem(at.child("display"), quote_value(*display) +
                                             " is not a display policy: use \"all\", \"winners\" or \"top:N\" "
                                             "with N 1 or more, e.g. \"top:10\"");
        }
    }

    std::optional<Value> rounds = list_member(object, at, "rounds", Need::required);
    if (!rounds) return;
    const Path rounds_at = at.child("rounds");
    // Two rounds on one start date (or with one week number) leave "the
    // current round" ambiguous, so the standings would depend on feed order.
    std::unordered_map<std::int64_t, std::size_t> start_days;
    std::unordered_map<int, std::size_t> weeks;
    competition.rounds.resize(rounds->size());
    const ScoreKeys keys(criteria);
    for (std::size_t i = 0; i < rounds->size(); ++i) {
        const Path here = rounds_at.at(i);
        if (!is_object((*rounds)[i], here)) continue;
        Round& round = competition.rounds[i];
        const bool has_start = check_round((*rounds)[i], here, criteria, keys, round);
        if (round.week >= 1) {
            if (auto [it, inserted] = weeks.try_emplace(round.week, i); !inserted) {
                problem(here.child("week"), "week " + std::to_string(round.week) + " already has a round at " +
                                                rounds_at.at(it->second).pointer());
            }
        }
        if (has_start) {
            if (auto [it, inserted] = start_days.try_emplace(round.start.days_since_epoch(), i); !inserted) {
                problem(here.child("start"), "another round also starts on " + round.start.to_string() + ", at " +
                                                 rounds_at.at(it->second).pointer());
            }
        }
    }
}

void FeedChecker::check_criteria(Value list, const Path& at, Competition& competition,
                                 std::vector<CriterionCheck>& checks) {
    if (list.empty()) {
        problem(at, "a competition needs at least one criterion to score");
        return;
    }
    IdRegistry ids;
    competition.criteria.resize(list.size());
    checks.resize(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        Value c = list[i];
        const Path here = at.at(i);
        if (!is_object(c, here)) continue;
        Criterion& criterion = competition.criteria[i];
        CriterionCheck& check = checks[i];
        if (auto id = text(c, here, "id", Need::required)) {
            // Scores put criteria next to "class" and "note" in one object.
            if (*id == "class" || *id == "note") {
                problem(here.child("id"), quote_value(*id) + " cannot be a criterion id: scores use it for another field");
            } else if (unique_id(ids, *id, here.child("id"), "criterion")) {
                check.id = *id;
            }
            criterion.id = std::move(*id);
        }
        if (auto name = text(c, here, "name", Need::required)) criterion.name = std::move(*name);
        check.name = criterion.name.empty() ? criterion.id : criterion.name;
        if (const auto max = number(c, here, "max", Need::required)) {
            if (*max > 0) {
                criterion.max = *max;
                check.max = *max;
            } else {
                problem(here.child("max"), "the maximum must be above 0, got " + format_number(*max));
            }
        }
        if (const auto weight = number(c, here, "weight", Need::optional)) {
            if (*weight >= 0) {
                criterion.weight = *weight;
            } else {
                problem(here.child("weight"), "the weight must be 0 or more, got " + format_number(*weight));
            }
        }
    }
}

bool FeedChecker::check_round(Value object, const Path& at, const std::vector<CriterionCheck>& criteria,
                              const ScoreKeys& keys, Round& round) {
    if (const auto week = whole(object, at, "week", Need::required)) {
        if (*week >= 1 && *week <= 1000) {
            round.week = static_cast<int>(*week);
        } else {
            problem(at.child("week"), "school week " + std::to_string(*week) + " is not a week of a term (1 or more)");
        }
    }
    const auto start = date(object, at, "start", Need::required);
    if (start) round.start = *start;

    std::optional<Value> scores_value = list_member(object, at, "scores", Need::required);
    if (!scores_value) return start.has_value();
    const Path scores_at = at.child("scores");
    const json_limited::Members scores = scores_value->members();
    const std::size_t criterion_count = criteria.size();

    // Scoring twice: known classes by their position in /classes (see
    // scored_in_round_), unknown ones (already a problem) by name.
    const std::uint32_t this_round = ++rounds_checked_;
    if (scored_in_round_.size() < class_count_) {
        scored_in_round_.resize(class_count_, 0);
        scored_at_.resize(class_count_, 0);
    }
    std::unordered_map<std::string_view, std::size_t> unknown_scored;

    // Where each criterion's score is among a score object's members; on the
    // stack for the usual handful of criteria.
    constexpr std::uint32_t absent = kAbsentMember;
    std::uint32_t member_on_stack[16];
    std::vector<std::uint32_t> member_on_heap;
    if (criterion_count > std::size(member_on_stack)) member_on_heap.resize(criterion_count);
    std::uint32_t* const member_of_criterion =
        criterion_count > std::size(member_on_stack) ? member_on_heap.data() : member_on_stack;

    round.scores.resize(scores.size());
    for (std::size_t i = 0; i < scores.size(); ++i) {
        const Value s = scores.value(i);
        const Path here = scores_at.at(i);
        if (!is_object(s, here)) continue;
        Score& score = round.scores[i];
        const json_limited::Members fields = s.members();

        // One pass over the members finds each field; a key written twice
        // counts by its last value, as Value::find does.
        std::uint32_t class_member = absent, note_member = absent;
        std::fill(member_of_criterion, member_of_criterion + criterion_count, absent);
        std::size_t next_key = 0;
        for (std::uint32_t m = 0; m < fields.size(); ++m) {
            const std::string_view key = fields.key(m);
            // "class" and "note" are never criterion ids (check_criteria).
            if (const std::size_t c = keys.expected_criterion(key, next_key); c != ScoreKeys::none) {
                member_of_criterion[c] = m;
            } else if (same_text(key, "class")) {
                class_member = m;
            } else if (same_text(key, "note")) {
                note_member = m;
            } else if (const std::size_t other = keys.criterion(key, next_key); other != ScoreKeys::none) {
                member_of_criterion[other] = m;
            }
        }

        if (class_member == absent) {
            missing(here.child("class"), "class");
        } else if (const Value cls = fields.value(class_member); !cls.is_string() || cls.as_string().empty()) {
            text_value(cls, here.child("class"), false);  // reports the wrong type or the empty text
        } else {
            const std::string_view id = cls.as_string();
            // Offices list a round's scores in the order of /classes: try
            // the class at this score's position before the index.
            const std::uint32_t known = i < class_at_position_.size() && same_text(class_at_position_[i], id)
                                            ? static_cast<std::uint32_t>(i)
                                            : class_index_.find(id);
            std::size_t first_at = i;
            if (known == NameIndex::npos) {
                problem(here.child("class"), "unknown class " + quote_value(id) + ": it is not listed in /classes");
                first_at = unknown_scored.try_emplace(id, i).first->second;
            } else if (scored_in_round_[known] == this_round) {
                first_at = scored_at_[known];
            } else {
                scored_in_round_[known] = this_round;
                scored_at_[known] = i;
            }
            if (first_at != i) {
                problem(here.child("class"), "class " + quote_value(id) + " is scored twice in this round: also at " +
                                                 scores_at.at(first_at).pointer());
            }
            score.class_id = id;
        }

        // Every criterion gets a value, 0 where its score is unusable (the
        // feed is rejected then anyway); reserve + push_back writes each once.
        score.values.reserve(criterion_count);
        for (std::size_t c = 0; c < criterion_count; ++c) {
            score.values.push_back(criterion_value(fields, member_of_criterion[c], criteria[c], keys.max(c), here));
        }
        if (note_member != absent) {
            if (auto note = text_value(fields.value(note_member), here.child("note"), true)) {
                score.note = std::move(*note);
            }
        }
    }
    return start.has_value();
}

//-----------------------------------------------------------------------------
// [SECTION] Announcements, events
//-----------------------------------------------------------------------------

std::optional<AnnouncementTarget> FeedChecker::check_target(Value value, const Path& at) {
    const auto text = text_value(value, at, false);
    if (!text) return std::nullopt;
    const std::string_view t = *text;
    AnnouncementTarget target;
    if (t == "all") {
        target.kind = AnnouncementTarget::Kind::all;
        return target;
    }
    if (t == "lobby" || t == "corridor" || t == "classroom" || t == "assembly") {
        target.kind = AnnouncementTarget::Kind::role;
        target.value = std::string(t);
        return target;
    }
    if (t.rfind("grade:", 0) == 0) {
        const auto grade = small_whole_number(t.substr(6));
        if (grade && *grade >= 1 && *grade <= 12) {
            target.kind = AnnouncementTarget::Kind::grade;
            target.grade = *grade;
            return target;
        }
        problem(at, quote_value(t) + " does not name a grade: use grade:N with N from 1 to 12, e.g. \"grade:3\"");
        return std::nullopt;
    }
    if (t.rfind("class:", 0) == 0) {
        const std::string_view id = t.substr(6);
        if (class_index_.contains(id)) {
            target.kind = AnnouncementTarget::Kind::class_id;
            target.value = std::string(id);
            return target;
        }
        problem(at, quote_value(t) + " names unknown class " + quote_value(id) + ": it is not listed in /classes");
        return std::nullopt;
    }
    if (t.rfind("screen:", 0) == 0 && t.size() > 7) {
        target.kind = AnnouncementTarget::Kind::screen;
        target.value = std::string(t.substr(7));
        return target;
    }
    problem(at, quote_value(t) +
                    " is not a target: use all, lobby, corridor, classroom, assembly, grade:N, class:ID or screen:ID");
    return std::nullopt;
}

void FeedChecker::check_announcements(Value list, const Path& at, std::vector<Announcement>& announcements) {
    IdRegistry ids;
    announcements.resize(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        Value a = list[i];
        const Path here = at.at(i);
        if (!is_object(a, here)) continue;
        Announcement& announcement = announcements[i];
        if (auto id = text(a, here, "id", Need::required)) {
            unique_id(ids, *id, here.child("id"), "announcement");
            announcement.id = std::move(*id);
        }
        if (const auto level = text(a, here, "level", Need::required)) {
            if (*level == "info") {
                announcement.level = AnnouncementLevel::info;
            } else if (*level == "urgent") {
                announcement.level = AnnouncementLevel::urgent;
            } else if (*level == "emergency") {
                announcement.level = AnnouncementLevel::emergency;
            } else {
                problem(here.child("level"),
                        "unknown level " + quote_value(*level) + ": use \"info\", \"urgent\" or \"emergency\"");
            }
        }
        if (auto s = text(a, here, "title", Need::required)) announcement.title = std::move(*s);
        if (auto s = text(a, here, "body", Need::optional)) announcement.body = std::move(*s);
        const auto from = stamp(a, here, "from", Need::optional);
        const auto until = stamp(a, here, "until", Need::optional);
        if (from) announcement.from = from->instant;
        if (until) announcement.until = until->instant;
        if (from && until && !(from->instant < until->instant)) {
            problem(here.child("until"), "the announcement ends (" + std::string(a.find("until")->as_string()) +
                                             ") before or when it starts (" + std::string(a.find("from")->as_string()) + ")");
        }
        if (std::optional<Value> targets = list_member(a, here, "targets", Need::optional)) {
            const Path targets_at = here.child("targets");
            if (targets->empty()) {
                problem(targets_at, "the list of targets is empty: leave \"targets\" out to show it on every screen");
            }
            for (std::size_t k = 0; k < targets->size(); ++k) {
                if (auto t = check_target((*targets)[k], targets_at.at(k))) announcement.targets.push_back(std::move(*t));
            }
        }
        if (announcement.targets.empty()) announcement.targets.push_back(AnnouncementTarget{});
        check_image_and_link(a, here, announcement.image, announcement.link);
    }
}

void FeedChecker::check_events(Value list, const Path& at, std::vector<SchoolEvent>& events) {
    IdRegistry ids;
    events.resize(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        Value e = list[i];
        const Path here = at.at(i);
        if (!is_object(e, here)) continue;
        SchoolEvent& event = events[i];
        if (auto id = text(e, here, "id", Need::required)) {
            unique_id(ids, *id, here.child("id"), "event");
            event.id = std::move(*id);
        }
        if (auto s = text(e, here, "title", Need::required)) event.title = std::move(*s);
        if (const auto d = date(e, here, "date", Need::required)) event.date = *d;
        if (const auto s = text(e, here, "time", Need::optional)) {
            if (const auto t = parse_time_of_day(*s)) {
                event.time = *t;
            } else {
                problem(here.child("time"), quote_value(*s) + " is not a time of day: write it as HH:MM, e.g. 08:30");
            }
        }
        if (auto s = text(e, here, "place", Need::optional)) event.place = std::move(*s);
        check_image_and_link(e, here, event.image, event.link);
    }
}

//-----------------------------------------------------------------------------
// [SECTION] Media, gallery, pictures and links of notices
//-----------------------------------------------------------------------------

bool is_lower_hex_digest(std::string_view text) {
    if (text.size() != 64) return false;
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

// The scheme of an absolute URL ("https" of "https://…"), lower-cased, or ""
// for a relative reference (RFC 3986: a scheme is a letter, then letters,
// digits, + - ., then ':'; a ':' after a '/' is part of a path).
std::string url_scheme(std::string_view url) {
    std::string scheme;
    for (std::size_t i = 0; i < url.size(); ++i) {
        const char c = url[i];
        if (c == ':') return i == 0 ? std::string() : scheme;
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!letter && !(i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) return {};
        scheme += static_cast<char>(letter && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    return {};
}

bool has_space_or_control(std::string_view text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return true;
    }
    return false;
}

void FeedChecker::check_media(Value list, const Path& at, std::vector<MediaItem>& media) {
    IdRegistry ids;
    media.resize(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
        Value m = list[i];
        const Path here = at.at(i);
        if (!is_object(m, here)) continue;
        MediaItem& item = media[i];
        if (auto id = text(m, here, "id", Need::required)) {
            if (unique_id(ids, *id, here.child("id"), "media")) item.id = std::move(*id);
        }
        if (auto url = text(m, here, "url", Need::required)) {
            const std::string scheme = url_scheme(*url);
            if (has_space_or_control(*url)) {
                problem(here.child("url"), quote_value(*url) + " is not a URL: spaces and control characters must be "
                                                               "percent-encoded (%20)");
            } else if (!scheme.empty() && scheme != "https" && scheme != "http") {
                problem(here.child("url"), quote_value(*url) + " is a " + scheme +
                                               ": address: a picture's url is relative to the feed, or https:// or http://");
            } else {
                item.url = std::move(*url);
            }
        }
        if (auto digest = text(m, here, "sha256", Need::required)) {
            if (is_lower_hex_digest(*digest)) {
                item.sha256 = std::move(*digest);
            } else {
                problem(here.child("sha256"), quote_value(*digest) +
                                                  " is not a SHA-256 digest: write the 64 lowercase hex digits of "
                                                  "the file's hash (sha256sum prints it)");
            }
        }
        for (const std::string_view side : {std::string_view("width"), std::string_view("height")}) {
            if (const auto n = whole(m, here, side, Need::required)) {
                if (*n >= 1 && *n <= 1000000) {
                    (side == "width" ? item.width : item.height) = static_cast<int>(*n);
                } else {
                    problem(here.child(side), "the " + std::string(side) + " in pixels must be 1 or more, got " +
                                                  std::to_string(*n));
                }
            }
        }
        if (auto s = text(m, here, "alt", Need::optional)) item.alt = std::move(*s);
        // A picture with a bad url or hash is still a known id: the images
        // naming it should not add a second, misleading "unknown media id".
        if (!item.id.empty()) media_index_.emplace(m.find("id")->as_string(), static_cast<std::uint32_t>(i));
    }
}

bool FeedChecker::known_media(Value value, const Path& at, std::string& id) {
    const auto text = text_value(value, at, false);
    if (!text) return false;
    if (!media_index_.contains(*text)) {
        problem(at, "unknown media id " + quote_value(*text) + ": it is not listed in /media");
        return false;
    }
    id = std::move(*text);
    return true;
}

void FeedChecker::check_image_and_link(Value object, const Path& at, std::string& image, std::string& link) {
    if (std::optional<Value> v = member(object, at, "image", Need::optional)) known_media(*v, at.child("image"), image);
    if (auto url = text(object, at, "link", Need::optional)) {
        const Path here = at.child("link");
        if (url_scheme(*url) != "https" || url->size() <= 8 || url->compare(0, 8, "https://") != 0) {
            problem(here, quote_value(*url) + " is not an https:// address: a link is shown as a QR code that "
                                              "phones open, so it must start with https://");
        } else if (has_space_or_control(*url)) {
            problem(here, quote_value(*url) + " is not a URL: spaces and control characters must be "
                                              "percent-encoded (%20)");
        } else {
            link = std::move(*url);
        }
    }
}

void FeedChecker::check_gallery(Value object, const Path& at, Gallery& gallery) {
    if (auto s = text(object, at, "title", Need::optional)) gallery.title = std::move(*s);
    std::optional<Value> items = list_member(object, at, "items", Need::required);
    if (!items) return;
    const Path items_at = at.child("items");
    gallery.items.resize(items->size());
    for (std::size_t i = 0; i < items->size(); ++i) {
        Value g = (*items)[i];
        const Path here = items_at.at(i);
        if (!is_object(g, here)) continue;
        GalleryItem& item = gallery.items[i];
        if (std::optional<Value> v = member(g, here, "media", Need::required)) known_media(*v, here.child("media"), item.media);
        if (auto s = text(g, here, "caption", Need::optional)) item.caption = std::move(*s);
        item.date = date(g, here, "date", Need::optional);
    }
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] parse_feed, to_string
//-----------------------------------------------------------------------------

ParseResult parse_feed(std::string_view bytes, const FeedLimits& limits) {
    ParseResult result;
    try {
        json_limited::ReadResult read = json_limited::read(bytes, limits);
        if (read.error) {
            result.problems.push_back(std::move(*read.error));
            return result;
        }
        FeedChecker checker;
        auto feed = std::make_shared<Feed>();
        try {
            checker.check_feed(read.document.root(), *feed);
        } catch (const TooManyProblems&) {
            checker.problems.push_back({"", "stopped after " + std::to_string(kMaxProblems) +
                                                " problems: fix these and check the feed again"});
        }
        if (checker.problems.empty()) {
            result.feed = std::move(feed);
        } else {
            result.problems = std::move(checker.problems);
        }
    } catch (const std::exception& e) {
        // Allocation failure, or a bug: reject the feed with the reason rather
        // than take the screen down (the screen keeps its last good feed).
        result.feed = nullptr;
        result.problems.push_back({"", std::string("could not check the feed: ") + e.what()});
    }
    return result;
}

std::string to_string(const Problem& problem) {
    if (problem.pointer.empty()) return problem.message;
    return problem.pointer + ": " + problem.message;
}

}  // namespace campus
