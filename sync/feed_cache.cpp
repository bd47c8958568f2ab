// The cache directory: atomic, durable writes and paranoid reads. See feed_cache.hpp.
//
// [SECTION] helpers: errno text, reading a file with a cap, BLAKE2b hex
// [SECTION] atomic write
// [SECTION] container encode/decode
// [SECTION] FeedCache
#include "sync/feed_cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace campus {

namespace {

// ---------------------------------------------------------------------------
// [SECTION] helpers

constexpr std::string_view kMagic = "campus-kiosk-cache 1\n";
constexpr const char* kTempMarker = ".tmp-";
// Nothing legitimate in the cache is larger: a 4 MiB feed plus a small signature.
// A bigger file is not ours (or is garbage) and is not read into memory.
constexpr std::size_t kMaxCacheFileBytes = 64u << 20;

std::string errno_text(int err) { return std::strerror(err); }

// Reads a whole file. nullopt with *error empty when it does not exist.
std::optional<std::string> read_file(const std::string& path, std::string* error) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT && error) *error = path + ": cannot open: " + errno_text(errno);
        return std::nullopt;
    }
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (error) *error = path + ": read failed: " + errno_text(errno);
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0) break;
        if (out.size() + static_cast<std::size_t>(n) > kMaxCacheFileBytes) {
            if (error) *error = path + ": larger than " + std::to_string(kMaxCacheFileBytes) + " bytes, not a cache file";
            ::close(fd);
            return std::nullopt;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

std::string blake2b_hex(std::string_view data) {
    unsigned char hash[32];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                       nullptr, 0);
    char hex[sizeof hash * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return hex;
}

bool write_all(int fd, std::string_view bytes, int* err) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            *err = errno;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

// ---------------------------------------------------------------------------
// [SECTION] atomic write

std::string write_file_atomically(const std::string& path, std::string_view bytes) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    fs::path dir = target.parent_path();
    if (dir.empty()) dir = ".";
    // The pid in the name keeps two processes sharing a directory apart, and
    // lets prepare() tell a dead writer's leftover from a live one's.
    const std::string temp = path + kTempMarker + std::to_string(::getpid());

    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return temp + ": cannot create: " + errno_text(errno);
    int err = 0;
    if (!write_all(fd, bytes, &err)) {
        ::close(fd);
        ::unlink(temp.c_str());
        return temp + ": write failed: " + errno_text(err);
    }
    // Without this fsync a crash after the rename can leave the new name
    // pointing at an empty or partly written file (ext4 delalloc, xfs).
    if (::fsync(fd) != 0) {
        err = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        return temp + ": fsync failed: " + errno_text(err);
    }
    if (::close(fd) != 0) {
        err = errno;
        ::unlink(temp.c_str());
        return temp + ": close failed: " + errno_text(err);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        err = errno;
        ::unlink(temp.c_str());
        return path + ": rename from " + temp + " failed: " + errno_text(err);
    }
    // The rename itself lives in the directory: sync it so it survives a power cut.
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return dir.string() + ": cannot open directory to fsync: " + errno_text(errno);
    if (::fsync(dfd) != 0) {
        err = errno;
        ::close(dfd);
        return dir.string() + ": fsync of directory failed: " + errno_text(err);
    }
    ::close(dfd);
    return {};
}

std::string default_cache_dir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') return std::string(xdg) + "/campus-kiosk";
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/campus-kiosk";
    return "/var/cache/campus-kiosk";
}

// ---------------------------------------------------------------------------
// [SECTION] container encode/decode

std::string FeedCache::encode(const CachedFeed& feed) {
    nlohmann::json meta = {
        {"source", feed.source},
        {"etag", feed.etag},
        {"last_modified", feed.last_modified},
        {"fetched_at", feed.fetched_at},
        {"body_bytes", feed.body.size()},
        {"body_blake2b", blake2b_hex(feed.body)},
        {"signature_bytes", feed.signature.size()},
        {"signature_blake2b", blake2b_hex(feed.signature)},
    };
    std::string out(kMagic);
    // dump with error_handler replace: an etag with invalid UTF-8 must not throw.
    out += meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
    out += feed.body;
    out += feed.signature;
    return out;
}

std::optional<CachedFeed> FeedCache::decode(std::string_view bytes, std::string* error) {
    auto fail = [&](std::string why) -> std::optional<CachedFeed> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    if (!bytes.starts_with(kMagic)) return fail("not a campus-kiosk cache (bad header; zeroed or truncated?)");
    bytes.remove_prefix(kMagic.size());
    auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) return fail("truncated: metadata line incomplete");
    nlohmann::json meta = nlohmann::json::parse(bytes.substr(0, nl), nullptr, false);
    bytes.remove_prefix(nl + 1);
    if (!meta.is_object()) return fail("metadata is not valid JSON");
    CachedFeed feed;
    try {
        feed.source = meta.at("source").get<std::string>();
        feed.etag = meta.at("etag").get<std::string>();
        feed.last_modified = meta.at("last_modified").get<std::string>();
        feed.fetched_at = meta.at("fetched_at").get<int64_t>();
        auto body_bytes = meta.at("body_bytes").get<std::size_t>();
        auto sig_bytes = meta.at("signature_bytes").get<std::size_t>();
        if (body_bytes > kMaxCacheFileBytes || sig_bytes > kMaxCacheFileBytes)
            return fail("metadata announces impossible sizes");
        if (bytes.size() != body_bytes + sig_bytes)
            return fail("length mismatch: metadata says " + std::to_string(body_bytes + sig_bytes) +
                        " bytes of content, file has " + std::to_string(bytes.size()) + " (truncated?)");
        feed.body = std::string(bytes.substr(0, body_bytes));
        feed.signature = std::string(bytes.substr(body_bytes));
        if (blake2b_hex(feed.body) != meta.at("body_blake2b").get<std::string>())
            return fail("feed checksum mismatch (corrupted on disk)");
        if (blake2b_hex(feed.signature) != meta.at("signature_blake2b").get<std::string>())
            return fail("signature checksum mismatch (corrupted on disk)");
    } catch (const nlohmann::json::exception& e) {
        return fail(std::string("metadata incomplete: ") + e.what());
    }
    return feed;
}

// ---------------------------------------------------------------------------
// [SECTION] FeedCache

FeedCache::FeedCache(std::string dir) : dir_(dir.empty() ? default_cache_dir() : std::move(dir)) {
    // crypto_generichash works without init (reference code); sodium_init only
    // picks the fastest implementation, so its failure is harmless here.
    [[maybe_unused]] const int rc = sodium_init();
}

std::string FeedCache::feed_path() const { return dir_ + "/feed.cache"; }
std::string FeedCache::guard_path() const { return dir_ + "/guard.json"; }

std::string FeedCache::prepare() {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return dir_ + ": cannot create cache directory: " + ec.message();
    // Leftover temp files from a writer killed mid-write: remove those whose
    // process is gone, never a live writer's.
    DIR* d = ::opendir(dir_.c_str());
    if (!d) return dir_ + ": cannot list cache directory: " + errno_text(errno);
    while (dirent* entry = ::readdir(d)) {
        std::string_view name(entry->d_name);
        auto pos = name.rfind(kTempMarker);
        if (pos == std::string_view::npos) continue;
        auto pid_text = name.substr(pos + std::strlen(kTempMarker));
        char* end = nullptr;
        std::string pid_str(pid_text);
        long pid = std::strtol(pid_str.c_str(), &end, 10);
        if (pid_str.empty() || *end != '\0' || pid <= 0) continue;
        if (pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            ::unlink((dir_ + "/" + std::string(name)).c_str());
    }
    ::closedir(d);
    return {};
}

std::optional<CachedFeed> FeedCache::load_feed(std::string* error) const {
    std::string read_error;
    auto bytes = read_file(feed_path(), &read_error);
    if (!bytes) {
        if (error) *error = read_error;
        return std::nullopt;
    }
    std::string why;
    auto feed = decode(*bytes, &why);
    if (!feed && error) *error = feed_path() + ": " + why;
    return feed;
}

std::string FeedCache::store_feed(const CachedFeed& feed) const {
    return write_file_atomically(feed_path(), encode(feed));
}

RollbackGuard FeedCache::load_guard(std::string* error) const {
    RollbackGuard guard;
    std::string read_error;
    auto bytes = read_file(guard_path(), &read_error);
    if (!bytes) {
        if (error) *error = read_error;
        return guard;
    }
    auto j = nlohmann::json::parse(*bytes, nullptr, false);
    if (!j.is_object() || !j.contains("feed_id") || !j["feed_id"].is_string() ||
        !j.contains("highest_version") || !j["highest_version"].is_number_integer()) {
        if (error) *error = guard_path() + ": unreadable rollback guard (corrupt); treating as empty";
        return guard;
    }
    guard.feed_id = j["feed_id"].get<std::string>();
    guard.highest_version = j["highest_version"].get<int64_t>();
    return guard;
}

std::string FeedCache::store_guard(const RollbackGuard& guard) const {
    nlohmann::json j = {{"feed_id", guard.feed_id}, {"highest_version", guard.highest_version}};
    return write_file_atomically(guard_path(), j.dump(2) + "\n");
}

}  // namespace campus
