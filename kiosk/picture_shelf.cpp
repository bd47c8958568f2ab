// The feed's pictures as textures. See picture_shelf.hpp.
//
// [SECTION] worker: decode off the render thread
// [SECTION] main thread: requests, uploads, what is kept
#include "kiosk/picture_shelf.hpp"

#include <spdlog/spdlog.h>

#include <GL/gl.h>

#include <cstdint>

namespace campus::kiosk {

// ---------------------------------------------------------------------------
// [SECTION] worker

PictureShelf::PictureShelf(bool synchronous, std::function<void()> on_ready)
    : synchronous_(synchronous), on_ready_(std::move(on_ready)) {
    if (!synchronous_) worker_ = std::thread([this] { work(); });
}

PictureShelf::~PictureShelf() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void PictureShelf::work() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        // What is on disk now is what is shown, whatever happened since the
        // sync side stored it: the file is read and its hash checked again,
        // or, for a photo kept fitted, its kept copy is used only while the
        // file is still the one whose bytes were checked (FittedCache).
        Done done{job.id, job.generation, fitted_.decode_file(job.file.path, job.file.sha256, job.box_w, job.box_h)};
        if (spdlog::should_log(spdlog::level::debug)) {
            const picture::FittedCache::Counters c = fitted_.counters();
            spdlog::debug("picture {}: decoded; {} from kept copies, {} from files, {} kept ({} KiB)", job.id,
                          c.kept_hits, c.file_decodes, c.entries, c.bytes >> 10);
        }
        {
            std::lock_guard lock(mutex_);
            done_.push_back(std::move(done));
        }
        if (on_ready_) on_ready_();
    }
}

// ---------------------------------------------------------------------------
// [SECTION] main thread

void PictureShelf::set_media(std::shared_ptr<const MediaFiles> media, int box_w, int box_h) {
    if (!media) media = std::make_shared<const MediaFiles>();
    const bool same_size = box_w == box_w_ && box_h == box_h_;
    if (media == media_ && same_size) return;
    if (!same_size || !(*media == *media_)) {
        // Pictures whose file changed, or all of them for a new size, start over.
        for (auto it = textures_.begin(); it != textures_.end();) {
            const MediaFile* now = media->find(it->first);
            const MediaFile* was = media_->find(it->first);
            if (!same_size || !now || !was || now->sha256 != was->sha256) {
                GLuint name = static_cast<GLuint>(reinterpret_cast<std::uintptr_t>(it->second.id));
                glDeleteTextures(1, &name);
                it = textures_.erase(it);
            } else {
                ++it;
            }
        }
        failed_.clear();  // a new file may decode where the old one did not
        decoded_.clear();
        queued_.clear();
        ++generation_;
        {
            std::lock_guard lock(mutex_);
            jobs_.clear();
        }
        std::set<std::string> sha256s;
        for (const auto& [id, file] : media->by_id) sha256s.insert(file.sha256);
        fitted_.retain_only(sha256s, box_w, box_h);
    }
    media_ = std::move(media);
    box_w_ = box_w;
    box_h_ = box_h;
}

bool PictureShelf::available(const std::string& id) {
    if (media_->find(id) == nullptr) return false;
    if (synchronous_ && !decoded_.count(id)) request(id);
    return !failed_.count(id);
}

void PictureShelf::request(const std::string& id) {
    if (textures_.count(id) || queued_.count(id) || failed_.count(id)) return;
    // A dump asks available() before it draws: the texture made then is kept for the draw.
    const MediaFile* file = media_->find(id);
    if (!file || box_w_ <= 0 || box_h_ <= 0) return;
    if (synchronous_) {
        // A dump shows each picture once and exits: nothing to keep it for.
        install(id, picture::decode_file(file->path, file->sha256, box_w_, box_h_));
        return;
    }
    queued_.insert(id);
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(Job{id, *file, box_w_, box_h_, generation_});
    }
    wake_.notify_one();
}

std::optional<PictureTexture> PictureShelf::texture(const std::string& id) {
    if (const auto it = textures_.find(id); it != textures_.end()) return it->second;
    request(id);
    if (const auto it = textures_.find(id); it != textures_.end()) return it->second;
    return std::nullopt;
}

void PictureShelf::keep_only(const std::set<std::string>& ids) {
    for (auto it = textures_.begin(); it != textures_.end();) {
        if (ids.count(it->first)) {
            ++it;
            continue;
        }
        GLuint name = static_cast<GLuint>(reinterpret_cast<std::uintptr_t>(it->second.id));
        glDeleteTextures(1, &name);
        it = textures_.erase(it);
    }
    for (const std::string& id : ids) request(id);
}

void PictureShelf::install(const std::string& id, picture::Result<picture::Image> result) {
    queued_.erase(id);
    if (!result.ok()) {
        spdlog::warn("picture {}: {}; left out with its caption", id, result.error);
        failed_.insert(id);
        return;
    }
    const picture::Image& image = *result.value;
    GLint last_texture = 0, last_alignment = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &last_texture);
    glGetIntegerv(GL_UNPACK_ALIGNMENT, &last_alignment);
    GLuint name = 0;
    glGenTextures(1, &name);
    glBindTexture(GL_TEXTURE_2D, name);
    // Linear: the page draws it at or below the decoded size.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, image.width, image.height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                 image.rgba.data());
    const GLenum error = glGetError();
    glPixelStorei(GL_UNPACK_ALIGNMENT, last_alignment);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last_texture));
    if (error != GL_NO_ERROR) {
        glDeleteTextures(1, &name);
        spdlog::warn("picture {}: uploading {}x{} failed (GL error {}); left out", id, image.width, image.height, error);
        failed_.insert(id);
        return;
    }
    decoded_.insert(id);
    textures_[id] = PictureTexture{reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(name)), image.width,
                                   image.height};
    // `result` (the CPU pixels) is freed when this returns.
}

bool PictureShelf::upload_ready() {
    std::deque<Done> done;
    {
        std::lock_guard lock(mutex_);
        done.swap(done_);
    }
    bool changed = false;
    for (Done& d : done) {
        if (d.generation != generation_ || !queued_.count(d.id)) continue;  // asked for before a change
        install(d.id, std::move(d.result));
        changed = true;
    }
    return changed;
}

void PictureShelf::release_gl() {
    for (auto& [id, texture] : textures_) {
        GLuint name = static_cast<GLuint>(reinterpret_cast<std::uintptr_t>(texture.id));
        glDeleteTextures(1, &name);
    }
    textures_.clear();
}

}  // namespace campus::kiosk
