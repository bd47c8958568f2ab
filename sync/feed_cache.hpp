// The screen's memory across restarts: the last good feed, its signature, the
// validators for conditional requests, and the rollback guard.
//
// Files in the cache directory:
//   feed.cache   one container, so feed, signature and metadata change together:
//                  line 1  "campus-kiosk-cache 1"
//                  line 2  JSON metadata: source, etag, last_modified, fetched_at,
//                          body_bytes, body_blake2b, signature_bytes, signature_blake2b
//                  then    body bytes, then signature bytes (nothing after)
//   guard.json   {"feed_id": pinned id, "highest_version": n}: the rollback guard,
//                kept apart so it survives a corrupt feed.cache.
// Every write: temp file -> fsync -> rename -> fsync(directory), so after a crash
// at any moment each file is either the old one or the new one, whole.
// A read checks lengths and BLAKE2b checksums; the caller also re-parses and
// re-verifies the signature before trusting what it reads.
//
// Thread safety: a FeedCache is used by one thread (the sync thread). Two
// processes sharing a directory never corrupt a file (unique temp names and
// atomic renames), the last writer wins.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace campus {

struct CachedFeed {
    std::string body;
    std::string signature;  // .minisig text; empty when the feed came unsigned
    std::string source;     // the URL it was fetched from
    std::string etag;
    std::string last_modified;
    int64_t fetched_at = 0;  // unix seconds of the last time the server confirmed it
};

struct RollbackGuard {
    std::string feed_id;         // pinned; empty = not pinned yet
    int64_t highest_version = 0; // highest version ever shown; 0 = none
};

// Writes `bytes` to `path` atomically and durably. Returns "" or what failed, with the path.
std::string write_file_atomically(const std::string& path, std::string_view bytes);

// The default cache directory: $XDG_CACHE_HOME/campus-kiosk, else ~/.cache/campus-kiosk,
// else /var/cache/campus-kiosk (a service with no HOME).
std::string default_cache_dir();

class FeedCache {
public:
    explicit FeedCache(std::string dir);  // "" = default_cache_dir()

    const std::string& dir() const { return dir_; }
    std::string feed_path() const;
    std::string guard_path() const;

    // Creates the directory if needed and removes temp files left by dead writers.
    // Returns "" or the error (with the path).
    std::string prepare();

    // nullopt when absent; nullopt with *error set when present but unusable
    // (truncated, zeroed, wrong checksum, unreadable).
    std::optional<CachedFeed> load_feed(std::string* error) const;
    std::string store_feed(const CachedFeed& feed) const;

    // A missing or unreadable guard reads as "nothing shown yet" (with *error set when unreadable).
    RollbackGuard load_guard(std::string* error) const;
    std::string store_guard(const RollbackGuard& guard) const;

    // Serialisation of the container, exposed for tests and the crash checker.
    static std::string encode(const CachedFeed& feed);
    static std::optional<CachedFeed> decode(std::string_view bytes, std::string* error);

private:
    std::string dir_;
};

}  // namespace campus
