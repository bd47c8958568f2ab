// Which of the feed's pictures a screen may show, as the sync side hands it
// over inside each snapshot (sync/feed_sync.hpp): media id -> a file whose
// bytes matched the feed's sha256 when it was stored. Its own header so the
// screen reads it without MediaStore's fetching machinery.
//
// Thread safety: plain values; a snapshot holds them immutable.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace campus {

// The feed contract's limits on one picture ("Media").
struct MediaLimits {
    std::size_t max_bytes = 20u << 20;  // a file; more is refused while downloading and when decoding
    int max_side = 8192;                // pixels, each side (the decoder checks the real size)
};

// A picture the screen may show: a file whose bytes matched `sha256` when it
// was written (the decoder checks them again when it reads them).
struct MediaFile {
    std::string path;
    std::string sha256;
};

// Media id -> file. A media id that is not here is left out of its page, with its caption.
struct MediaFiles {
    std::unordered_map<std::string, MediaFile> by_id;
    const MediaFile* find(std::string_view id) const;
    bool operator==(const MediaFiles& other) const;
};

}  // namespace campus
