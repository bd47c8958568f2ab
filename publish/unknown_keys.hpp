// Keys the feed contract does not know, with the nearest known one:
//   /term/goal: unknown key; did you mean "goals"?
//   /announcements/2/untill: unknown key; did you mean "until"?
//
// The contract ignores unknown keys (forward compatibility), so a screen never
// complains about `untill`; it just shows an announcement that never ends.
// `kiosk-feed validate` warns about them instead (exit 0; --strict makes them
// count). The office's tool, not the screen: it walks the document with
// nlohmann::json.
//
// The known keys of each kind of object are one table (known_key_table()):
// the contract's fields, which sync/schema/campus-feed-1.schema.json lists as
// `properties` (a unit test holds the two together). `contract_only` is for a
// field the contract gains before the schema does (none today).
//
// Thread safety: every function is reentrant; the table is immutable.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace campus::publish {

struct UnknownKey {
    std::string pointer;     // JSON Pointer of the key itself, e.g. /term/goal
    std::string key;         // the key as written
    std::string suggestion;  // the nearest known key of that object; "" when none is near
};

// `pointer: unknown key; did you mean "x"?`, or `pointer: unknown key` with no suggestion.
std::string to_string(const UnknownKey& unknown);

// Every unknown key of a feed document: object by object in the contract's
// order, keys alphabetically within an object (nlohmann::json sorts). Walks only the
// places the contract defines (an unknown key's value is not looked into);
// parts of the wrong type are skipped (the contract check reports them).
// Score rows know `class`, `note` and their competition's criterion ids.
std::vector<UnknownKey> find_unknown_keys(const nlohmann::json& feed);

// The same from the file's bytes: nothing when they are not JSON (the contract
// check says why).
std::vector<UnknownKey> find_unknown_keys_in_bytes(std::string_view bytes);

// One kind of object the contract defines, and its keys.
struct KnownObject {
    std::string_view name;                 // the schema's $defs name ("goal"), "feed" for the top level
    std::vector<std::string_view> keys;    // in the contract's order
    std::vector<std::string_view> contract_only;  // among `keys`: the contract's, not (yet) in the schema
};
const std::vector<KnownObject>& known_key_table();

// Damerau–Levenshtein distance (optimal string alignment: insert, delete,
// substitute, swap two neighbours), counted in Unicode code points, ASCII
// letters compared without case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The nearest of `known` to `key`, or "" when none is close enough to be the
// key that was meant: at most 1 edit for keys of up to 4 characters, 2 up to
// 8, 3 beyond (a typo, a plural, a swapped pair; not a different word).
std::string nearest_key(std::string_view key, const std::vector<std::string_view>& known);

}  // namespace campus::publish
