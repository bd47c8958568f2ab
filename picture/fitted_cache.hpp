// FittedCache: the screen's photos, once fitted to it, kept in memory as
// small JPEGs, so that a rotation which comes back to the same 校园风采 photo
// every few minutes all day does not read, hash and decode its 12-megapixel
// file each time.
//
// Why: a texture exists only while the page that shows it is current or next
// (memory stays bounded by the screen, not by the gallery), so without this
// every photo of the rotation is decoded from its file on every turn: ≈ 150 ms
// of CPU for a 6 MB photo at 1080p (the read, the SHA-256 of its bytes, the
// 1/2-scale DCT decode and the averaging). Its fitted copy re-encoded at
// quality 90 is ~0.3–1 MB and decodes in a fraction of that at scale 1/1.
//
// What is kept: only pictures that were slow to decode (min_decode_ms), are
// fully opaque (a JPEG has no alpha) and fit in what is left of the budget;
// once the budget is spent, later pictures are decoded from their files as
// before (no eviction: a rotation visits its photos in a cycle, and a cache
// that evicts the oldest would miss on every one of them). A picture that did
// not fit is remembered as such, so it is not encoded again on every round
// only to be refused (at 4K that was ≈ 50 ms a photo a turn) until the feed
// or the screen size changes.
//
// Trust: a kept copy was decoded from a file whose bytes matched the feed's
// sha256. It is used only while that file is still the one that was verified:
// same device, inode, size and modification time (stat, no read). A file
// replaced or touched since is read, hashed and decoded again, as if never
// kept; a file gone fails as it would have.
//
// Thread safety: decode_file may run on a worker thread while retain_only
// and counters run on another; one mutex guards the entries.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

#include "picture/picture.hpp"

namespace campus::picture {

class FittedCache {
public:
    struct Settings {
        std::size_t budget_bytes = 16u << 20;  // the JPEG bytes kept, in all
        double min_decode_ms = 20.0;            // a picture quicker to decode from its file is not kept
        int quality = 90;
    };
    struct Counters {
        std::uint64_t kept_hits = 0;     // decoded from a kept copy
        std::uint64_t file_decodes = 0;  // decoded from the file (first time, not kept, or the file changed)
        std::uint64_t stale = 0;         // kept copies dropped because their file changed
        std::uint64_t over_budget = 0;   // pictures worth keeping that did not fit
        std::uint64_t encodes = 0;       // fitted pictures encoded to be kept (kept or not)
        std::size_t entries = 0;
        std::size_t bytes = 0;
    };

    FittedCache() : FittedCache(Settings{}) {}
    explicit FittedCache(const Settings& settings) : settings_(settings) {}

    // As picture::decode_file: `path` decoded to fit box_w×box_h, its bytes
    // checked against `expected_sha256`, or the same picture from its kept
    // copy while the file is unchanged. Nothing is kept without a sha256.
    Result<Image> decode_file(const std::string& path, const std::string& expected_sha256, int box_w, int box_h,
                              const Limits& limits = {});

    // Drops every kept copy except those of `sha256s` fitted to box_w×box_h
    // (the screen's new feed and size).
    void retain_only(const std::set<std::string>& sha256s, int box_w, int box_h);

    Counters counters() const;

private:
    struct FileIdentity {
        dev_t device = 0;
        ino_t inode = 0;
        off_t size = 0;
        std::int64_t mtime_ns = 0;
        bool operator==(const FileIdentity&) const = default;
    };
    struct Entry {
        FileIdentity file;
        std::shared_ptr<const std::string> jpeg;
    };
    using Key = std::tuple<std::string, int, int>;  // sha256, box

    static bool identify(const std::string& path, FileIdentity& out);
    void keep(const Key& key, const FileIdentity& file, const Image& image);

    Settings settings_;
    mutable std::mutex mutex_;
    std::map<Key, Entry> entries_;
    std::set<Key> refused_;  // did not fit the budget: not encoded again
    Counters counters_;
};

}  // namespace campus::picture
