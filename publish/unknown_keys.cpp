// Unknown keys of a feed, and the nearest known one. See unknown_keys.hpp.
//
// [SECTION] the table of known keys
// [SECTION] edit distance
// [SECTION] the walk
#include "publish/unknown_keys.hpp"

#include <algorithm>
#include <limits>

#include "sync/json_limited.hpp"

namespace campus::publish {

namespace {

// ---------------------------------------------------------------------------
// [SECTION] the table of known keys

// shared/feed-contract.md, field by field. `score` is {class, note} plus the
// competition's criterion ids (added per competition by the walk).
const std::vector<KnownObject> kTable = {
    {"feed",
     {"format", "format_version", "feed_id", "version", "generated_at", "expires_at", "school", "term", "habits",
      "classes", "competitions", "announcements", "events", "media", "gallery"},
     {}},
    {"school", {"name", "short_name", "motto", "timezone"}, {}},
    {"term", {"name", "start", "end", "theme", "goals"}, {}},
    {"goal", {"id", "title", "category", "detail", "progress"}, {}},
    {"progress", {"current", "target", "unit"}, {}},
    {"habit", {"month", "title", "detail", "tips"}, {}},
    {"class", {"id", "grade", "name", "teacher"}, {}},
    {"competition",
     {"id", "name", "period", "awards", "scope", "criteria", "ties", "tiebreak", "display", "rounds"},
     {}},
    {"criterion", {"id", "name", "max", "weight"}, {}},
    {"round", {"week", "start", "scores"}, {}},
    {"score", {"class", "note"}, {}},
    {"announcement", {"id", "level", "title", "body", "from", "until", "targets", "image", "link"}, {}},
    {"event", {"id", "title", "date", "time", "place", "image", "link"}, {}},
    {"media", {"id", "url", "sha256", "width", "height", "alt"}, {}},
    {"gallery", {"title", "items"}, {}},
    {"gallery_item", {"media", "caption", "date"}, {}},
};

const std::vector<std::string_view>& keys_of(std::string_view name) {
    for (const KnownObject& o : kTable)
        if (o.name == name) return o.keys;
    static const std::vector<std::string_view> none;
    return none;  // a programmer error: every name used below is in the table
}

// ---------------------------------------------------------------------------
// [SECTION] edit distance

// Code points of UTF-8 text; ASCII letters folded to lower case. Invalid bytes
// count as one code point each: this is for comparing, not for decoding.
std::vector<char32_t> folded_code_points(std::string_view s) {
    std::vector<char32_t> out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
        if (i + static_cast<std::size_t>(len) > s.size()) len = 1;
        char32_t cp = len == 1 ? c : c & (0x7F >> len);
        for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
        if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
        out.push_back(cp);
        i += static_cast<std::size_t>(len);
    }
    return out;
}


// ---------------------------------------------------------------------------
// [SECTION] the walk

class Walker {
public:
    std::vector<UnknownKey> found;

    // Reports the keys of `object` not in `known` (and not in `extra`).
    void check(const nlohmann::json& object, const std::string& pointer, const std::vector<std::string_view>& known,
               const std::vector<std::string_view>& extra = {}) {
        if (!object.is_object()) return;
        for (auto it = object.begin(); it != object.end(); ++it) {
            const std::string& key = it.key();
            if (std::find(known.begin(), known.end(), key) != known.end()) continue;
            if (std::find(extra.begin(), extra.end(), key) != extra.end()) continue;
            std::vector<std::string_view> candidates = known;
            candidates.insert(candidates.end(), extra.begin(), extra.end());
            std::string where = pointer;
            json_limited::append_pointer_token(where, key);
            found.push_back({std::move(where), key, nearest_key(key, candidates)});
        }
    }

    // Each object of the array at object[key], checked as `kind`; `inner` goes deeper.
    template <typename Inner>
    void each(const nlohmann::json& parent, const std::string& pointer, const char* key, std::string_view kind,
              Inner inner) {
        if (!parent.is_object()) return;
        const auto it = parent.find(key);
        if (it == parent.end() || !it->is_array()) return;
        const std::string base = pointer + "/" + key;
        for (std::size_t i = 0; i < it->size(); ++i) {
            const nlohmann::json& item = (*it)[i];
            const std::string here = base + "/" + std::to_string(i);
            check(item, here, keys_of(kind));
            inner(item, here);
        }
    }

    void feed(const nlohmann::json& doc) {
        if (!doc.is_object()) return;
        check(doc, "", keys_of("feed"));
        const auto none = [](const nlohmann::json&, const std::string&) {};
        if (auto it = doc.find("school"); it != doc.end()) check(*it, "/school", keys_of("school"));
        if (auto term = doc.find("term"); term != doc.end() && term->is_object()) {
            check(*term, "/term", keys_of("term"));
            each(*term, "/term", "goals", "goal", [&](const nlohmann::json& goal, const std::string& here) {
                if (goal.is_object())
                    if (auto p = goal.find("progress"); p != goal.end()) check(*p, here + "/progress", keys_of("progress"));
            });
        }
        each(doc, "", "habits", "habit", none);
        each(doc, "", "classes", "class", none);
        each(doc, "", "competitions", "competition", [&](const nlohmann::json& c, const std::string& here) {
            each(c, here, "criteria", "criterion", none);
            // A score row's other keys are criterion ids: those of this competition.
            std::vector<std::string_view> criteria;
            if (auto cr = c.find("criteria"); cr != c.end() && cr->is_array())
                for (const auto& criterion : *cr)
                    if (criterion.is_object())
                        if (auto id = criterion.find("id"); id != criterion.end() && id->is_string())
                            criteria.push_back(id->get_ref<const std::string&>());
            each(c, here, "rounds", "round", [&](const nlohmann::json& round, const std::string& round_here) {
                if (!round.is_object()) return;
                const auto scores = round.find("scores");
                if (scores == round.end() || !scores->is_array()) return;
                for (std::size_t i = 0; i < scores->size(); ++i)
                    check((*scores)[i], round_here + "/scores/" + std::to_string(i), keys_of("score"), criteria);
            });
        });
        each(doc, "", "announcements", "announcement", none);
        each(doc, "", "events", "event", none);
        each(doc, "", "media", "media", none);
        if (auto g = doc.find("gallery"); g != doc.end() && g->is_object()) {
            check(*g, "/gallery", keys_of("gallery"));
            each(*g, "/gallery", "items", "gallery_item", none);
        }
    }
};

}  // namespace

const std::vector<KnownObject>& known_key_table() { return kTable; }

std::size_t edit_distance(std::string_view a_text, std::string_view b_text) {
    const std::vector<char32_t> a = folded_code_points(a_text), b = folded_code_points(b_text);
    const std::size_t n = a.size(), m = b.size();
    // Three rows: the swap of neighbours looks two rows back.
    std::vector<std::size_t> before(m + 1), prev(m + 1), cur(m + 1);
    for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], before[j - 2] + 1);
        }
        std::swap(before, prev);
        std::swap(prev, cur);
    }
    return prev[m];
}

std::string nearest_key(std::string_view key, const std::vector<std::string_view>& known) {
    const std::size_t length = folded_code_points(key).size();
    const std::size_t allowed = length <= 4 ? 1 : length <= 8 ? 2 : 3;
    std::size_t best = std::numeric_limits<std::size_t>::max();
    std::string_view chosen;
    for (std::string_view candidate : known) {
        const std::size_t d = edit_distance(key, candidate);
        if (d < best) {  // ties: the first in the contract's order
            best = d;
            chosen = candidate;
        }
    }
    return best <= allowed ? std::string(chosen) : std::string();
}

std::string to_string(const UnknownKey& unknown) {
    std::string out = unknown.pointer + ": unknown key";
    if (!unknown.suggestion.empty()) out += "; did you mean \"" + unknown.suggestion + "\"?";
    return out;
}

std::vector<UnknownKey> find_unknown_keys(const nlohmann::json& feed) {
    Walker walker;
    walker.feed(feed);
    return std::move(walker.found);
}

std::vector<UnknownKey> find_unknown_keys_in_bytes(std::string_view bytes) {
    // nlohmann's parser keeps its own stack (no recursion on depth); values
    // nested deeper than any the contract defines are dropped while reading,
    // so a nesting bomb costs nothing here (the contract check reports it).
    constexpr int kDeepest = 16;  // the contract's nesting limit
    const nlohmann::json doc = nlohmann::json::parse(
        bytes.begin(), bytes.end(),
        [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) { return depth <= kDeepest; }, false);
    if (doc.is_discarded()) return {};
    return find_unknown_keys(doc);
}

}  // namespace campus::publish
