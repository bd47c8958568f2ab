// 校园风采: the school's photos, one at a time with its caption (the sports
// day, the flag-raising, the 红领巾广播站's good deeds).
//
// One screen per photo that can be shown: a photo whose file is missing,
// wrong or undecodable is left out with its caption (PictureShelf says which),
// and the page shows the rest. Layout, top to bottom: the title bar (the
// gallery's title, "3/12"), the photo fitted into what is left (its aspect
// kept: never stretched, never cropped), the caption and the date right under
// it, the two centred as one block.
// The caption is laid out first and takes the room it needs, at body size or
// down to the caption floor, so it is never clipped; the photo gets the rest.
//
// Thread safety: render thread only.
#include <algorithm>
#include <cmath>

#include "kiosk/page.hpp"
#include "kiosk/pages/page_util.hpp"
#include "kiosk/picture_shelf.hpp"
#include "kiosk/theme.hpp"

namespace campus::kiosk {

namespace {

constexpr const char* kDefaultTitle = "校园风采";

class GalleryPage final : public Page {
public:
    std::string name() const override { return "gallery"; }

    int page_count(const PageContext& ctx, Canvas&, const Rect&) override {
        return static_cast<int>(shown_items(ctx).size());
    }

    std::vector<std::string> pictures(const PageContext& ctx, int index) const override {
        const auto items = shown_items(ctx);
        if (index < 0 || static_cast<std::size_t>(index) >= items.size()) return {};
        return {items[static_cast<std::size_t>(index)]->media};
    }

    void draw(const PageContext& ctx, Canvas& canvas, const Rect& area, int index) override {
        const auto items = shown_items(ctx);
        if (items.empty()) return;
        const int count = static_cast<int>(items.size());
        index = std::clamp(index, 0, count - 1);
        const GalleryItem& item = *items[static_cast<std::size_t>(index)];
        const std::string title = gallery_title(ctx);

        const Rect rest = pages::title_bar(canvas, pages::content_area(canvas, area), title, {}, index, count, false);
        const float unit = canvas.metrics().unit();

        // The caption and date first: they take what they need.
        std::string words = item.caption;
        // The date on a line of its own under the caption (a line break, not a space: never split).
        if (item.date) {
            if (!words.empty()) words += '\n';
            words += pages::date_text(*item.date);
        }
        float caption_h = 0;
        TextBlock caption;
        if (!words.empty()) {
            // At most 40 % of the height for words; a 200-character caption
            // at body size fits that at every supported size.
            caption = canvas.fit(words, TextStyle::body, TextStyle::caption, rest.w, rest.h * 0.4f);
            caption_h = caption.height + 2 * unit;
        }
        const Rect photo_box{rest.x, rest.y + unit, rest.w, std::max(0.0f, rest.h - caption_h - unit)};
        // The words right under the photo: photo and words centred as one block
        // (a wide photo on a portrait screen would otherwise float far above them).
        float words_y = photo_box.bottom() + unit;

        if (ctx.pictures) {
            const std::optional<PictureTexture> texture = ctx.pictures->texture(item.media);
            // Until decoded, the declared size places it (the page is drawn again when it arrives).
            const MediaItem* media = ctx.feed.find_media(item.media);
            const float pw = texture ? static_cast<float>(texture->width) : static_cast<float>(media ? media->width : 1);
            const float ph = texture ? static_cast<float>(texture->height) : static_cast<float>(media ? media->height : 1);
            const float scale = std::min(photo_box.w / pw, photo_box.h / ph);
            const float w = std::floor(pw * scale), h = std::floor(ph * scale);
            const Rect photo{std::floor(photo_box.x + (photo_box.w - w) * 0.5f),
                             std::floor(photo_box.y + (photo_box.h - h) * 0.5f), w, h};
            PictureEntry entry;
            entry.kind = "photo";
            entry.name = item.media;
            entry.pixels_w = texture ? texture->width : 0;
            entry.pixels_h = texture ? texture->height : 0;
            canvas.picture(texture ? texture->id : nullptr, photo, entry);
            words_y = photo.bottom() + unit;
        }
        if (!words.empty()) {
            canvas.draw(caption, ImVec2(rest.x, words_y), theme::ink, Align::center, rest.w);
        }
    }

    static std::string gallery_title(const PageContext& ctx) {
        return ctx.feed.gallery && !ctx.feed.gallery->title.empty() ? ctx.feed.gallery->title
                                                                    : std::string(kDefaultTitle);
    }

private:
    // The items whose pictures may be shown, in the gallery's order.
    static std::vector<const GalleryItem*> shown_items(const PageContext& ctx) {
        std::vector<const GalleryItem*> out;
        if (!ctx.feed.gallery || !ctx.pictures) return out;
        for (const GalleryItem& item : ctx.feed.gallery->items) {
            if (ctx.pictures->available(item.media)) out.push_back(&item);
        }
        return out;
    }
};

}  // namespace

std::unique_ptr<Page> make_gallery_page() { return std::make_unique<GalleryPage>(); }

Rect largest_picture_box(const PageContext& ctx, Canvas& canvas, const Rect& area) {
    // As GalleryPage::draw lays out a photo without words under it; the page
    // marker's room is the same for any count (pages::title_bar).
    const Rect rest = pages::title_bar(canvas, pages::content_area(canvas, area), GalleryPage::gallery_title(ctx), {},
                                       0, 2, true);
    const float unit = canvas.metrics().unit();
    return Rect{rest.x, rest.y + unit, rest.w, std::max(0.0f, rest.h - unit)};
}

}  // namespace campus::kiosk
