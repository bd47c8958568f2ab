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

// Linear too: called when a model is derived, not per frame.
const MediaItem* Feed::find_media(std::string_view id) const {
    for (const MediaItem& m : media) {
        if (m.id == id) return &m;
    }
    return nullptr;
}

}  // namespace campus
