// The feed's pictures in the cache directory. See media_store.hpp.
//
// [SECTION] URL references (RFC 3986, 5.2)
// [SECTION] MediaFiles
// [SECTION] MediaStore: directory, verification, fetching, removal
// [SECTION] local_media_files (previews of a feed file)
#include "sync/media_store.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sync/feed_cache.hpp"
#include "sync/sha256.hpp"

namespace campus {

namespace {

// ---------------------------------------------------------------------------
// [SECTION] URL references

struct UrlParts {
    std::string scheme;  // without ':'; "" when none
    bool has_authority = false;
    std::string authority;
    std::string path;
    bool has_query = false;
    std::string query;
    std::string fragment;
    bool has_fragment = false;
};

// RFC 3986 appendix B, by hand: ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?
UrlParts split_url(std::string_view url) {
    UrlParts p;
    std::size_t i = url.find_first_of(":/?#");
    if (i != std::string_view::npos && i > 0 && url[i] == ':') {
        p.scheme = std::string(url.substr(0, i));
        url.remove_prefix(i + 1);
    }
    if (url.substr(0, 2) == "//") {
        url.remove_prefix(2);
        const std::size_t end = url.find_first_of("/?#");
        p.has_authority = true;
        p.authority = std::string(url.substr(0, end));
        url.remove_prefix(end == std::string_view::npos ? url.size() : end);
    }
    const std::size_t hash = url.find('#');
    if (hash != std::string_view::npos) {
        p.has_fragment = true;
        p.fragment = std::string(url.substr(hash + 1));
        url = url.substr(0, hash);
    }
    const std::size_t q = url.find('?');
    if (q != std::string_view::npos) {
        p.has_query = true;
        p.query = std::string(url.substr(q + 1));
        url = url.substr(0, q);
    }
    p.path = std::string(url);
    return p;
}

// RFC 3986 5.2.4.
std::string remove_dot_segments(std::string_view input) {
    std::string out;
    while (!input.empty()) {
        if (input.substr(0, 3) == "../") {
            input.remove_prefix(3);
        } else if (input.substr(0, 2) == "./") {
            input.remove_prefix(2);
        } else if (input.substr(0, 3) == "/./") {
            input.remove_prefix(2);
        } else if (input == "/.") {
            input = "/";
        } else if (input.substr(0, 4) == "/../" || input == "/..") {
            input = input.size() == 3 ? std::string_view("/") : input.substr(3);
            const std::size_t last = out.rfind('/');
            out.erase(last == std::string::npos ? 0 : last);
        } else if (input == "." || input == "..") {
            input = {};
        } else {
            const std::size_t next = input.find('/', input.front() == '/' ? 1 : 0);
            const std::size_t n = next == std::string_view::npos ? input.size() : next;
            out.append(input.substr(0, n));
            input.remove_prefix(n);
        }
    }
    return out;
}

std::string join(const UrlParts& p) {
    std::string out;
    if (!p.scheme.empty()) out += p.scheme + ":";
    if (p.has_authority) out += "//" + p.authority;
    out += p.path;
    if (p.has_query) out += "?" + p.query;
    if (p.has_fragment) out += "#" + p.fragment;
    return out;
}

bool is_hex_digest_name(std::string_view name) {
    if (name.size() != 64) return false;
    for (const char c : name) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

// Where a picture is in the feed, for messages: "/media/2 (sports-day)".
std::string where_in_feed(const Feed& feed, const MediaItem& item) {
    return "/media/" + std::to_string(&item - feed.media.data()) + " (" + item.id + ")";
}

bool too_large_declared(const MediaItem& item, const MediaLimits& limits) {
    return item.width > limits.max_side || item.height > limits.max_side;
}

std::string declared_too_large(const MediaItem& item, const MediaLimits& limits) {
    return std::to_string(item.width) + "×" + std::to_string(item.height) + " pixels is over the limit of " +
           std::to_string(limits.max_side) + "×" + std::to_string(limits.max_side) + "; not fetched";
}

constexpr const char* kTempMarker = ".tmp-";  // as write_file_atomically names its temp files

}  // namespace

std::string resolve_reference(const std::string& base_text, const std::string& reference) {
    const UrlParts r = split_url(reference);
    const UrlParts base = split_url(base_text);
    UrlParts t;
    if (!r.scheme.empty()) {
        t = r;
        t.path = remove_dot_segments(r.path);
    } else {
        t.scheme = base.scheme;
        if (r.has_authority) {
            t.has_authority = true;
            t.authority = r.authority;
            t.path = remove_dot_segments(r.path);
            t.has_query = r.has_query;
            t.query = r.query;
        } else {
            t.has_authority = base.has_authority;
            t.authority = base.authority;
            if (r.path.empty()) {
                // "?x" or "": the base's path (a picture's url is never empty:
                // the parser says so); the base's query only for "".
                t.path = base.path;
                t.has_query = r.has_query || base.has_query;
                t.query = r.has_query ? r.query : base.query;
            } else {
                if (r.path.front() == '/') {
                    t.path = remove_dot_segments(r.path);
                } else {
                    // 5.2.3 merge: the base's path up to its last '/', then the reference.
                    std::string merged;
                    if (base.has_authority && base.path.empty()) {
                        merged = "/" + r.path;
                    } else {
                        const std::size_t slash = base.path.rfind('/');
                        merged = (slash == std::string::npos ? std::string() : base.path.substr(0, slash + 1)) + r.path;
                    }
                    t.path = remove_dot_segments(merged);
                }
                t.has_query = r.has_query;
                t.query = r.query;
            }
        }
    }
    // A fragment names a part of a document; the server never sees it.
    t.has_fragment = false;
    t.fragment.clear();
    return join(t);
}

// ---------------------------------------------------------------------------
// [SECTION] MediaFiles

const MediaFile* MediaFiles::find(std::string_view id) const {
    const auto it = by_id.find(std::string(id));
    return it == by_id.end() ? nullptr : &it->second;
}

bool MediaFiles::operator==(const MediaFiles& other) const {
    if (by_id.size() != other.by_id.size()) return false;
    for (const auto& [id, file] : by_id) {
        const MediaFile* o = other.find(id);
        if (!o || o->path != file.path || o->sha256 != file.sha256) return false;
    }
    return true;
}

// ---------------------------------------------------------------------------
// [SECTION] MediaStore

MediaStore::MediaStore(const std::string& cache_dir, MediaLimits limits)
    : dir_((cache_dir.empty() ? default_cache_dir() : cache_dir) + "/media"), limits_(limits) {}

std::string MediaStore::path_for(std::string_view sha256) const { return dir_ + "/" + std::string(sha256); }

std::string MediaStore::prepare() {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return dir_ + ": cannot create the pictures' directory: " + ec.message();
    return {};
}

MediaFiles MediaStore::on_disk(const Feed& feed) const {
    MediaFiles files;
    for (const MediaItem& item : feed.media) {
        if (too_large_declared(item, limits_)) continue;
        const std::string path = path_for(item.sha256);
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            static_cast<std::size_t>(st.st_size) <= limits_.max_bytes) {
            files.by_id.emplace(item.id, MediaFile{path, item.sha256});
        }
    }
    return files;
}

MediaFiles MediaStore::available(const Feed& feed) const {
    MediaFiles files;
    for (const MediaItem& item : feed.media) {
        if (verified_.count(item.sha256) && !too_large_declared(item, limits_))
            files.by_id.emplace(item.id, MediaFile{path_for(item.sha256), item.sha256});
    }
    return files;
}

bool MediaStore::complete(const Feed& feed) const {
    for (const MediaItem& item : feed.media) {
        if (!too_large_declared(item, limits_) && !verified_.count(item.sha256)) return false;
    }
    return true;
}

MediaPass MediaStore::update(const Feed& feed, const std::string& feed_url, const FetchRequest& prototype,
                             bool network) {
    MediaPass pass;
    // The directory may have gone (an operator's cleanup): a failure shows as each picture's "not stored".
    if (network && !feed.media.empty()) prepare();
    std::unordered_set<std::string> tried;  // one attempt per hash: two ids may name the same bytes
    for (const MediaItem& item : feed.media) {
        const std::string where = where_in_feed(feed, item);
        if (too_large_declared(item, limits_)) {
            pass.problems.push_back(where + ": " + declared_too_large(item, limits_));
            continue;
        }
        if (verified_.count(item.sha256) || !tried.insert(item.sha256).second) continue;
        const std::string path = path_for(item.sha256);

        // A cached file is trusted only once this process has read it back.
        if (struct stat st {}; ::stat(path.c_str(), &st) == 0) {
            std::string read_error;
            const auto digest = sha256_hex_of_file(path, limits_.max_bytes, &read_error);
            if (digest && *digest == item.sha256) {
                verified_.insert(item.sha256);
                ++pass.verified;
                continue;
            }
            // Bit rot, or a hand-copied file: not these bytes. Fetched again below.
            ::unlink(path.c_str());
            pass.problems.push_back(where + ": the cached file " + path + " was not its picture (" +
                                    (digest ? "its sha256 is " + *digest : read_error) + "); removed");
        }
        if (!network) {
            ++pass.missing;
            continue;
        }

        FetchRequest request = prototype;
        request.url = resolve_reference(source_to_url(feed_url), item.url);
        request.etag.clear();
        request.last_modified.clear();
        request.limits.max_bytes = limits_.max_bytes;
        const auto known_bad = mismatch_.find(request.url);
        if (known_bad != mismatch_.end() && known_bad->second.expected_sha256 == item.sha256) {
            request.etag = known_bad->second.etag;
            request.last_modified = known_bad->second.last_modified;
        }
        FetchResult result = fetch_source(request);
        if (prototype.cancel && prototype.cancel->load()) return pass;  // stopping
        if (result.outcome == FetchResult::Outcome::not_modified) {
            ++pass.not_modified;
            ++pass.missing;
            pass.problems.push_back(where + ": " + request.url +
                                    ": unchanged since its bytes did not match the feed's sha256; left out");
            continue;
        }
        if (result.outcome != FetchResult::Outcome::body) {
            ++pass.missing;
            pass.problems.push_back(where + ": " + (result.error.empty() ? request.url + ": no body" : result.error) +
                                    "; left out");
            continue;
        }
        const std::string digest = sha256_hex(result.body);
        if (digest != item.sha256) {
            ++pass.missing;
            mismatch_[request.url] = Mismatch{result.etag, result.last_modified, item.sha256};
            pass.problems.push_back(where + ": " + result.effective_url + ": its bytes have sha256 " + digest +
                                    ", the feed says " + item.sha256 + "; left out");
            continue;
        }
        mismatch_.erase(request.url);
        if (std::string err = write_file_atomically(path, result.body); !err.empty()) {
            ++pass.missing;
            pass.problems.push_back(where + ": not stored: " + err + "; left out");
            continue;
        }
        verified_.insert(item.sha256);
        ++pass.fetched;
    }
    return pass;
}

std::size_t MediaStore::remove_unreferenced(const Feed& feed, std::string* error) {
    std::unordered_set<std::string> named;
    for (const MediaItem& item : feed.media) named.insert(item.sha256);
    DIR* d = ::opendir(dir_.c_str());
    if (!d) {
        if (error && errno != ENOENT) *error = dir_ + ": cannot list: " + std::strerror(errno);
        return 0;
    }
    std::size_t removed = 0;
    while (dirent* entry = ::readdir(d)) {
        const std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        if (is_hex_digest_name(name) && named.count(name)) continue;
        // A temp file is removed only when its writer is gone (another process may share the directory).
        if (const std::size_t marker = name.rfind(kTempMarker); marker != std::string::npos) {
            const std::string pid_text = name.substr(marker + std::strlen(kTempMarker));
            char* end = nullptr;
            const long pid = std::strtol(pid_text.c_str(), &end, 10);
            if (!pid_text.empty() && *end == '\0' && pid > 0 &&
                (pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH))
                continue;
        }
        const std::string path = dir_ + "/" + name;
        if (::unlink(path.c_str()) == 0) {
            ++removed;
            verified_.erase(name);
        } else if (error && errno != ENOENT) {
            *error = path + ": cannot remove: " + std::strerror(errno);
        }
    }
    ::closedir(d);
    return removed;
}

// ---------------------------------------------------------------------------
// [SECTION] local_media_files

MediaFiles local_media_files(const Feed& feed, const std::string& feed_path, const MediaLimits& limits,
                             std::vector<std::string>* problems) {
    MediaFiles files;
    const std::string base = source_to_url(feed_path);
    for (const MediaItem& item : feed.media) {
        const std::string where = where_in_feed(feed, item);
        auto problem = [&](const std::string& why) {
            if (problems) problems->push_back(where + ": " + why + "; left out");
        };
        if (too_large_declared(item, limits)) {
            problem(declared_too_large(item, limits));
            continue;
        }
        const std::string url = resolve_reference(base, item.url);
        if (url.rfind("file://", 0) != 0) {
            problem(url + " is not a local file (a preview reads no network)");
            continue;
        }
        // file:///a%20b.jpg -> /a b.jpg: fetch_source knows how; a local read
        // through it also keeps the size limit in one place.
        FetchRequest request;
        request.url = url;
        request.limits.max_bytes = limits.max_bytes;
        FetchResult result = fetch_source(request);
        if (result.outcome != FetchResult::Outcome::body) {
            problem(result.error.empty() ? url + ": unreadable" : result.error);
            continue;
        }
        const std::string digest = sha256_hex(result.body);
        if (digest != item.sha256) {
            problem(url + ": its bytes have sha256 " + digest + ", the feed says " + item.sha256);
            continue;
        }
        // The preview shows the file where it is; the path is the URL's.
        std::string path;
        const std::string rest = url.substr(std::string_view("file://").size());
        for (std::size_t i = 0; i < rest.size(); ++i) {
            auto hex = [](char c) {
                return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            };
            if (rest[i] == '%' && i + 2 < rest.size() && hex(rest[i + 1]) >= 0 && hex(rest[i + 2]) >= 0) {
                path += static_cast<char>(hex(rest[i + 1]) * 16 + hex(rest[i + 2]));
                i += 2;
            } else {
                path += rest[i];
            }
        }
        files.by_id.emplace(item.id, MediaFile{path, item.sha256});
    }
    return files;
}

}  // namespace campus
