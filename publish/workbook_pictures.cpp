// The workbook → feed builder, pictures: the 校园风采 sheet (图片, 说明, 日期)
// and the 图片 column of 通知 and 活动 (see workbook_feed.hpp; the contract is
// shared/workbook-contract.md).
//
// [SECTION] one picture file: read, measured, rewritten when it must be
// [SECTION] 图片 on 通知 and 活动
// [SECTION] 校园风采
//
// A picture is named by its bytes: media/<sha256>.<ext>, so publishing the same
// photo again changes nothing, and a screen that has it never fetches it again.
// The media id is the first 12 hex digits of that hash: stable whatever the
// order of the rows.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "picture/picture.hpp"
#include "publish/workbook_build.hpp"
#include "sync/sha256.hpp"

namespace campus::publish::workbook_build {

namespace fs = std::filesystem;

namespace {

// The longest side the screens need (a 4K screen's width); larger photos are shrunk before publishing.
constexpr int kPublishedSide = 3840;
constexpr std::size_t kMaxPictureBytes = 20u << 20;  // the contract's limit on one picture

const char* extension_of(picture::Format format) {
    switch (format) {
        case picture::Format::jpeg: return "jpg";
        case picture::Format::png: return "png";
        case picture::Format::webp: return "webp";
    }
    return "bin";
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] one picture file
//-----------------------------------------------------------------------------

std::optional<std::string> Builder::read_picture(const Table& t, int row, std::size_t spec, bool& bad) {
    auto name = text(t, row, spec, bad);
    if (!name) return std::nullopt;
    const fs::path base = options_.picture_dir.empty() ? fs::path(".") : fs::path(options_.picture_dir);
    const fs::path path = (base / fs::u8path(*name)).lexically_normal();
    auto fail = [&](std::string message) -> std::optional<std::string> {
        problem(t, row, spec, std::move(message));
        bad = true;
        return std::nullopt;
    };
    if (const auto it = media_by_file_.find(path.string()); it != media_by_file_.end()) return it->second;

    std::error_code ec;
    if (!fs::exists(path, ec)) return fail("找不到图片文件" + quote_cn(*name) + "：图片要放在工作簿所在的文件夹里（或写出它相对于工作簿的路径）");
    if (!fs::is_regular_file(path, ec)) return fail(quote_cn(*name) + " 不是图片文件（是一个文件夹？）");
    const auto size = fs::file_size(path, ec);
    if (ec) return fail("读不出图片" + quote_cn(*name) + "：" + ec.message());
    if (size > kMaxPictureBytes)
        return fail("图片" + quote_cn(*name) + "有 " + std::to_string(size / 1000000) + " MB，超过屏幕的上限 20 MB：请缩小后再放进来");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes_stream;
    bytes_stream << in.rdbuf();
    if (!in.good() && !in.eof()) return fail("读不出图片" + quote_cn(*name));
    std::string bytes = bytes_stream.str();

    // Larger photos are accepted here (they are shrunk below); the screens' 8192 px limit applies to what is published.
    picture::Limits limits;
    limits.max_side = 20000;
    const auto info = picture::probe(bytes, limits);
    if (!info.ok()) return fail(quote_cn(*name) + " 不是屏幕能显示的图片（JPEG、PNG 或 WebP）：" + info.error);

    PictureFile file;
    int width = info.value->shown_width(), height = info.value->shown_height();
    std::string ext = extension_of(info.value->format);
    const bool too_large = std::max(width, height) > kPublishedSide;
    // A phone's JPEG carries EXIF: the camera, the time, often where it was
    // taken. Rewritten without it (upright, so nothing needs the orientation tag).
    if (too_large || info.value->has_metadata) {
        limits.max_bytes = kMaxPictureBytes;
        const auto image = picture::decode(bytes, kPublishedSide, kPublishedSide, limits);
        if (!image.ok()) return fail("图片" + quote_cn(*name) + "打不开：" + image.error);
        auto jpeg = picture::encode_jpeg(*image.value, 90);
        if (!jpeg.ok()) return fail("图片" + quote_cn(*name) + "缩小失败：" + jpeg.error);
        width = image.value->width;
        height = image.value->height;
        ext = "jpg";
        file.bytes = std::move(*jpeg.value);
        bytes = file.bytes;
    } else {
        file.source = path.string();
    }
    const std::string digest = sha256_hex(bytes);
    const std::string id = "p-" + digest.substr(0, 12);
    file.name = "media/" + digest + "." + ext;
    const std::string at = child("/media", media_.size());
    Json m = Json::object();
    m["id"] = id;
    m["url"] = file.name;
    m["sha256"] = digest;
    m["width"] = width;
    m["height"] = height;
    // The same bytes under two file names: one media entry.
    for (const Json& existing : media_) {
        if (existing["sha256"] == digest) {
            media_by_file_.emplace(path.string(), existing["id"].get<std::string>());
            return existing["id"].get<std::string>();
        }
    }
    media_.push_back(std::move(m));
    record(at, t, row, spec);
    pictures_.push_back(std::move(file));
    media_by_file_.emplace(path.string(), id);
    return id;
}

//-----------------------------------------------------------------------------
// [SECTION] 图片 on 通知 and 活动
//-----------------------------------------------------------------------------

void Builder::read_image(const Table& t, int row, std::size_t spec, Json& into, const std::string& at) {
    bool bad = false;
    if (auto id = read_picture(t, row, spec, bad)) {
        into["image"] = *id;
        record(child(at, "image"), t, row, spec);
    }
}

//-----------------------------------------------------------------------------
// [SECTION] 校园风采
//-----------------------------------------------------------------------------

void Builder::read_gallery() {
    const Sheet* sheet = find_sheet({words::sheet_gallery, "gallery"});
    if (!sheet) return;
    auto table = open_table(*sheet, {{{words::col_gallery_picture, "picture", "image"}, true},
                                     {{words::col_gallery_caption, "caption"}},
                                     {{words::col_gallery_date, "date"}}});
    if (!table) return;
    const Table& t = *table;
    enum { picture_spec, caption, date_spec };
    Json items = Json::array();
    record_sheet("/gallery", *sheet);
    for (int r : t.data_rows()) {
        bool bad = false;
        const std::string at = child("/gallery/items", items.size());
        auto id = read_picture(t, r, picture_spec, bad);
        require(t, r, picture_spec, id.has_value(), bad);
        Json item = Json::object();
        item["media"] = id.value_or("?");
        if (!id) taint(child(at, "media"));
        record(at, t, r, picture_spec);
        record(child(at, "media"), t, r, picture_spec);
        if (auto c = text(t, r, caption, bad)) item["caption"] = *c, record(child(at, "caption"), t, r, caption);
        if (auto d = date(t, r, date_spec, bad)) item["date"] = d->to_string(), record(child(at, "date"), t, r, date_spec);
        items.push_back(std::move(item));
    }
    if (items.empty()) return;  // a sheet with its header only: no gallery page
    gallery_ = Json::object();
    (*gallery_)["title"] = std::string(words::sheet_gallery);
    (*gallery_)["items"] = std::move(items);
}

}  // namespace campus::publish::workbook_build
