// PictureShelf: the feed's pictures as GL textures, for the pages that show
// them (the 校园风采 gallery, a notice's photo).
//
// Decoding runs on the shelf's own worker thread (campus_picture: scaled to
// the screen while it decodes, never a full-resolution copy), and the upload
// runs between frames on the main thread (upload_ready), after which the CPU
// pixels are freed. Each picture is decoded once to fit the box it is given,
// the largest a page draws a picture in (largest_picture_box: the gallery's
// photo with no words under it); pages draw it smaller through the GPU's
// linear filter, but only a little (a gallery photo with its caption at 85 %
// of its width, where fitting the whole screen drew it at half: a 4K screen
// then decoded, kept and uploaded four times the pixels it showed, and the
// 2:1 minification shimmered). Textures exist only for the pictures of the
// page on screen and the one after it (keep_only): a 4:3 photo is 2.8 MB at
// 1080p and 11 MB at 4K.
// A photo that was slow to decode is kept, fitted, as a small JPEG
// (picture::FittedCache, at most 16 MB in all) while its file is unchanged,
// so the rotation's next visit decodes that instead of the 12-megapixel file.
//
// A picture that fails (its bytes no longer match, corrupt, over a limit) is
// logged once and reported failed(): its page leaves it out with its caption.
//
// With `synchronous` (kiosk --dump), texture() decodes and uploads at once, so
// a dump shows every picture without waiting for the worker.
//
// Thread safety: main (render) thread only, with the GL context current;
// the worker touches only its queue. on_ready is called on the worker.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include <imgui.h>

#include "picture/fitted_cache.hpp"
#include "picture/picture.hpp"
#include "sync/media_files.hpp"

namespace campus::kiosk {

struct PictureTexture {
    ImTextureID id = nullptr;
    int width = 0;   // of the decoded picture, upright
    int height = 0;
};

class PictureShelf {
public:
    PictureShelf(bool synchronous, std::function<void()> on_ready);
    ~PictureShelf();  // stops the worker; call release_gl() before the GL context goes
    PictureShelf(const PictureShelf&) = delete;
    PictureShelf& operator=(const PictureShelf&) = delete;

    // The snapshot's pictures and the box they are decoded to fit
    // (largest_picture_box). A change of either forgets what no longer applies.
    void set_media(std::shared_ptr<const MediaFiles> media, int box_w, int box_h);

    // Whether a page may plan on `id`: it is on disk and has not failed. In
    // synchronous mode (a dump) it is decoded here once, so a page count
    // never includes a picture that then fails.
    bool available(const std::string& id);
    bool failed(const std::string& id) const { return failed_.count(id) > 0; }

    // The texture for `id`, or nullopt while it is being decoded (queued by
    // this call) or when it is not available.
    std::optional<PictureTexture> texture(const std::string& id);

    // Queues `ids` for decoding (the next page's pictures, before it shows)
    // and frees the textures of every other picture.
    void keep_only(const std::set<std::string>& ids);

    // Between frames: uploads what the worker decoded. True when a picture
    // arrived or failed, so the page on screen should be drawn again.
    bool upload_ready();

    void release_gl();

private:
    struct Job {
        std::string id;
        MediaFile file;
        int box_w = 0, box_h = 0;
        std::uint64_t generation = 0;
    };
    struct Done {
        std::string id;
        std::uint64_t generation = 0;
        picture::Result<picture::Image> result;
    };

    void request(const std::string& id);
    void install(const std::string& id, picture::Result<picture::Image> result);
    void work();

    bool synchronous_;
    std::function<void()> on_ready_;
    std::shared_ptr<const MediaFiles> media_ = std::make_shared<const MediaFiles>();
    int box_w_ = 0, box_h_ = 0;  // what pictures are decoded to fit
    std::uint64_t generation_ = 0;  // bumped when media or size change: older results are dropped

    std::map<std::string, PictureTexture> textures_;
    std::set<std::string> queued_;  // asked for, not uploaded yet
    std::set<std::string> failed_;
    std::set<std::string> decoded_;  // decoded at least once since the media changed (synchronous mode)
    picture::FittedCache fitted_;     // the worker's decodes go through it (a dump decodes each picture once)

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> jobs_;
    std::deque<Done> done_;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace campus::kiosk
