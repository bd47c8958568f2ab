// The feed's pictures on the screen's disk: fetched after the feed is
// accepted, kept in the cache directory under their hash, and handed to the
// screen as "these media ids have a verified file here".
//
//   CACHE_DIR/media/<sha256>   the bytes whose SHA-256 is the name (no extension:
//                              the decoder reads the format from the bytes)
//
// A picture is written only once its bytes match the feed's `sha256`, through
// temp file -> fsync -> rename -> fsync(directory) (write_file_atomically), so
// a file under a hash's name is that hash's bytes, whole, after a crash at any
// moment. A verified picture is never asked for again: its hash names its
// bytes, so a new request could only bring the same ones. Conditional requests
// (If-None-Match / If-Modified-Since) are for the pictures that are not right
// yet: bytes that did not match are remembered by their validators, and while
// the server answers 304 to them nothing is downloaded again.
//
// Limits (the feed contract, "Media"): more than 20 MiB is refused while it
// downloads; a picture the feed says is over 8192×8192 is not fetched; the
// same redirect rules and protocols as the feed (sync/feed_fetch.hpp).
//
// Thread safety: a MediaStore is used by one thread (the sync thread).
// MediaFiles is an immutable value the screen reads from any thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sync/feed.hpp"
#include "sync/feed_fetch.hpp"
#include "sync/media_files.hpp"

namespace campus {

// RFC 3986 reference resolution (section 5.2) of a picture's url against the
// feed's URL: "media/a.jpg" against "https://s/feeds/feed.json" is
// "https://s/feeds/media/a.jpg"; "/a.jpg", "//host/a.jpg", "../a.jpg" and an
// absolute URL as the RFC says. The base's query and fragment never carry over.
std::string resolve_reference(const std::string& base, const std::string& reference);

// What one pass over a feed's pictures did, for the log and the tests.
struct MediaPass {
    std::size_t fetched = 0;       // downloaded, verified and stored
    std::size_t not_modified = 0;  // 304 to bytes that did not match: nothing downloaded
    std::size_t verified = 0;      // found in the cache and verified (once per process)
    std::size_t missing = 0;       // not available after the pass
    // One line per picture left out: "/media/2 (sports-day): URL: HTTP 404".
    std::vector<std::string> problems;
};

class MediaStore {
public:
    // Pictures go in cache_dir/media ("" = default_cache_dir()).
    explicit MediaStore(const std::string& cache_dir, MediaLimits limits = {});

    const std::string& dir() const { return dir_; }
    std::string path_for(std::string_view sha256) const;

    // Creates the directory and removes temp files left by dead writers.
    // Returns "" or what failed, with the path.
    std::string prepare();

    // The feed's pictures that are on disk, by a stat each: what a screen
    // booting offline can show at once (the first pass verifies their bytes).
    MediaFiles on_disk(const Feed& feed) const;

    // Verifies the cached pictures not verified yet by this process (a bad
    // one is removed), then, when `network` is true, fetches the missing ones.
    // `prototype` gives the transfer settings (CA, proxy, timeouts, user agent,
    // cancel flag); its url and limits.max_bytes are set per picture.
    MediaPass update(const Feed& feed, const std::string& feed_url, const FetchRequest& prototype, bool network);

    // The feed's pictures verified so far (after update()).
    MediaFiles available(const Feed& feed) const;

    // Removes every file in the directory that `feed` does not name (old
    // pictures, a dead writer's temp files). Returns how many; *error is set
    // when the directory cannot be listed or a file cannot be removed.
    std::size_t remove_unreferenced(const Feed& feed, std::string* error);

    // Whether every picture of `feed` the screen could show is verified: then
    // update() has nothing to do.
    bool complete(const Feed& feed) const;

private:
    // Validators of a response whose bytes did not match: while the server
    // says 304 to them, the same wrong bytes are not downloaded again.
    struct Mismatch {
        std::string etag;
        std::string last_modified;
        std::string expected_sha256;  // what the feed asked for then; another hash asks afresh
    };

    std::string dir_;
    MediaLimits limits_;
    std::unordered_set<std::string> verified_;             // hashes verified in this process
    std::unordered_map<std::string, Mismatch> mismatch_;   // by resolved URL
};

// For a preview of a feed file (kiosk --dump FILE): each picture whose url,
// resolved against the file's own path, is a local file with the right
// bytes. Pictures elsewhere (http://) or wrong are left out, each with a line
// in *problems when it is not null.
MediaFiles local_media_files(const Feed& feed, const std::string& feed_path, const MediaLimits& limits,
                             std::vector<std::string>* problems);

}  // namespace campus
