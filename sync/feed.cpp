// The Feed model's few lookups (the data itself is built by parse_feed).
#include "sync/feed.hpp"

namespace campus {

// A linear scan: a school has at most a few hundred classes, and callers that
// look up many ids at once (validation) keep their own index.
const SchoolClass* Feed::find_class(std::string_view id) const {
    for (const SchoolClass& c : classes) {
        if (c.id == id) return &c;
    }
    return nullptr;
}

}  // namespace campus
