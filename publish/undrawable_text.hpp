// Characters of a feed that the screens will not draw, by place:
//   /announcements/1/title: 6 characters the screens will not draw (U+0626 …,
//   from character 3): Arabic script (Arabic, Uyghur, Kazakh): needs shaping, …
//
// The rule is the screen's own (sync/drawable_text): a feed that passes the
// contract may still hold text the hallway will not see, such as a Uyghur
// name, a Tibetan greeting, a private-use character from a font on the office
// computer. `kiosk-feed validate` warns (exit 0; --strict makes it count).
// Zero-width and format characters (U+200B, U+FE0F, …) are not warned about:
// the screens drop them on purpose and nothing visible is lost.
//
// Thread safety: every function is reentrant.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace campus::publish {

// A run of characters of one string that the screens will not draw, for one reason.
struct UndrawableText {
    std::string pointer;      // JSON Pointer of the string, e.g. /announcements/1/title
    std::size_t first = 0;    // the first such character's position, in code points from 0
    char32_t codepoint = 0;   // that character
    std::size_t count = 0;    // how many characters of this string share the reason
    std::string reason;       // sync/drawable_text's why_not_drawn
};

// `pointer: N characters the screens will not draw (U+XXXX…, from character K): reason`.
std::string to_string(const UndrawableText& text);

// Every string value of the document, in document order (object keys as the
// file has them); one entry per string and reason.
std::vector<UndrawableText> find_undrawable_text(const nlohmann::ordered_json& feed);

// The same from the file's bytes: nothing when they are not JSON (the contract
// check says why).
std::vector<UndrawableText> find_undrawable_text_in_bytes(std::string_view bytes);

}  // namespace campus::publish
