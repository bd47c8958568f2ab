// The screen's fitted photos kept as small JPEGs. See fitted_cache.hpp.
#include "picture/fitted_cache.hpp"

#include <sys/stat.h>

#include <chrono>

namespace campus::picture {

namespace {

bool opaque(const Image& image) {
    const std::uint8_t* p = image.rgba.data();
    const std::uint8_t* end = p + image.rgba.size();
    for (p += 3; p < end; p += 4) {
        if (*p != 255) return false;
    }
    return true;
}

}  // namespace

bool FittedCache::identify(const std::string& path, FileIdentity& out) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    out.device = st.st_dev;
    out.inode = st.st_ino;
    out.size = st.st_size;
    out.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    return true;
}

Result<Image> FittedCache::decode_file(const std::string& path, const std::string& expected_sha256, int box_w,
                                       int box_h, const Limits& limits) {
    // The identity is taken before the file is read: a file replaced while it
    // is read has another identity next time, so its copy is never trusted.
    FileIdentity file;
    const bool identified = !expected_sha256.empty() && identify(path, file);
    const Key key{expected_sha256, box_w, box_h};
    if (identified) {
        std::shared_ptr<const std::string> jpeg;
        {
            std::lock_guard lock(mutex_);
            if (const auto it = entries_.find(key); it != entries_.end()) {
                if (it->second.file == file) {
                    jpeg = it->second.jpeg;
                } else {
                    counters_.bytes -= it->second.jpeg->size();
                    entries_.erase(it);
                    ++counters_.stale;
                }
            }
        }
        if (jpeg) {
            Result<Image> r = decode(*jpeg, box_w, box_h, limits);
            std::lock_guard lock(mutex_);
            if (r.ok()) {
                ++counters_.kept_hits;
                return r;
            }
            // Cannot happen with our own encoder's bytes; if it did, the file is the truth.
            if (const auto it = entries_.find(key); it != entries_.end() && it->second.jpeg == jpeg) {
                counters_.bytes -= jpeg->size();
                entries_.erase(it);
            }
        }
    }

    const auto started = std::chrono::steady_clock::now();
    Result<Image> r = picture::decode_file(path, expected_sha256, box_w, box_h, limits);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    {
        std::lock_guard lock(mutex_);
        ++counters_.file_decodes;
    }
    if (r.ok() && identified && ms >= settings_.min_decode_ms) keep(key, file, *r.value);
    return r;
}

void FittedCache::keep(const Key& key, const FileIdentity& file, const Image& image) {
    {
        std::lock_guard lock(mutex_);
        if (refused_.count(key)) return;
        if (counters_.bytes >= settings_.budget_bytes) {
            ++counters_.over_budget;
            refused_.insert(key);
            return;
        }
    }
    if (!opaque(image)) return;
    Result<std::string> jpeg = encode_jpeg(image, settings_.quality);
    std::lock_guard lock(mutex_);
    ++counters_.encodes;
    if (!jpeg.ok()) return;
    auto bytes = std::make_shared<const std::string>(std::move(*jpeg.value));
    if (counters_.bytes + bytes->size() > settings_.budget_bytes) {
        ++counters_.over_budget;
        refused_.insert(key);
        return;
    }
    if (const auto it = entries_.find(key); it != entries_.end()) counters_.bytes -= it->second.jpeg->size();
    counters_.bytes += bytes->size();
    entries_[key] = Entry{file, std::move(bytes)};
}

void FittedCache::retain_only(const std::set<std::string>& sha256s, int box_w, int box_h) {
    std::lock_guard lock(mutex_);
    refused_.clear();  // room may have been freed, or the box is another
    for (auto it = entries_.begin(); it != entries_.end();) {
        const auto& [sha256, w, h] = it->first;
        if (w == box_w && h == box_h && sha256s.count(sha256)) {
            ++it;
        } else {
            counters_.bytes -= it->second.jpeg->size();
            it = entries_.erase(it);
        }
    }
}

FittedCache::Counters FittedCache::counters() const {
    std::lock_guard lock(mutex_);
    Counters c = counters_;
    c.entries = entries_.size();
    return c;
}

}  // namespace campus::picture
