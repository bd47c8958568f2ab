// A notice's photo and QR code beside its text. See notice_extras.hpp.
#include "kiosk/pages/notice_extras.hpp"

#include <algorithm>
#include <cmath>

#include "kiosk/pages/qr_block.hpp"
#include "kiosk/picture_shelf.hpp"

namespace campus::kiosk::pages {

namespace {

bool shows_image(const PageContext& ctx, const std::string& image) {
    return !image.empty() && ctx.pictures && ctx.pictures->available(image);
}

}  // namespace

NoticeSplit split_for_extras(const PageContext& ctx, const Canvas& canvas, const Rect& content,
                             const std::string& image, const std::string& link) {
    NoticeSplit split{content, Rect{content.right(), content.y, 0, 0}};
    const bool photo = shows_image(ctx, image), code = !link.empty();
    if (!photo && !code) return split;
    const float gap = 3 * canvas.metrics().unit();
    if (canvas.metrics().portrait()) {
        // Under the text: the code's block, or a third of the height for a photo.
        const float h = std::max(code ? qr_block_height(canvas) : 0.0f, photo ? content.h * 0.34f : 0.0f);
        split.text.h = content.h - h - gap;
        split.side = Rect{content.x, split.text.bottom() + gap, content.w, h};
    } else {
        const float w = std::max(code ? qr_block_side(canvas) : 0.0f, photo ? content.w * 0.34f : 0.0f);
        split.text.w = content.w - w - gap;
        split.side = Rect{split.text.right() + gap, content.y, w, content.h};
    }
    return split;
}

void draw_notice_extras(const PageContext& ctx, Canvas& canvas, const Rect& side, const std::string& image,
                        const std::string& link) {
    if (side.w <= 0 || side.h <= 0) return;
    const float gap = 2 * canvas.metrics().unit();
    Rect photo_box = side;
    if (!link.empty()) {
        // The code at the far end (right column: the bottom; portrait: the right), the photo in the rest.
        const float qh = qr_block_height(canvas), qw = qr_block_side(canvas);
        const bool portrait = canvas.metrics().portrait();
        const Rect code_box = portrait ? Rect{side.right() - qw, side.y, qw, qh}
                                       : Rect{side.x, side.bottom() - qh, side.w, qh};
        draw_qr_block(canvas, code_box, link);
        photo_box = portrait ? Rect{side.x, side.y, side.w - qw - gap, side.h}
                             : Rect{side.x, side.y, side.w, side.h - qh - gap};
    }
    if (!shows_image(ctx, image) || photo_box.w <= 0 || photo_box.h <= 0) return;
    const std::optional<PictureTexture> texture = ctx.pictures->texture(image);
    const MediaItem* media = ctx.feed.find_media(image);
    const float pw = texture ? static_cast<float>(texture->width) : static_cast<float>(media ? media->width : 1);
    const float ph = texture ? static_cast<float>(texture->height) : static_cast<float>(media ? media->height : 1);
    const float scale = std::min(photo_box.w / pw, photo_box.h / ph);
    const float w = std::floor(pw * scale), h = std::floor(ph * scale);
    const Rect photo{std::floor(photo_box.x + (photo_box.w - w) * 0.5f), std::floor(photo_box.y), w, h};
    PictureEntry entry;
    entry.kind = "photo";
    entry.name = image;
    entry.pixels_w = texture ? texture->width : 0;
    entry.pixels_h = texture ? texture->height : 0;
    canvas.picture(texture ? texture->id : nullptr, photo, entry);
}

}  // namespace campus::kiosk::pages
