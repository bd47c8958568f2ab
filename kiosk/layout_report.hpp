// LayoutReport: every piece of text a page drew, for `--dump` and the render
// tests. The Canvas records each drawn block with its whole string (even when
// it wrapped over several lines), the lines as drawn, the rectangle it covers,
// its font size and whether it left the page's clip rectangle or the screen;
// which part of the screen drew it (the header with its urgent banner, the
// page, the footer), and the rectangle the page was given, so a test can see
// a table run under the footer or off the edge.
//
// JSON: { "page": "...", "size": [w, h], "page_area": [x, y, w, h] or null,
//         "texts": [ { "text", "lines", "rect": [x, y, w, h], "px", "clipped", "part",
//                      "missing", ["drawn"] } ],
//         "pictures": [ { "kind": "photo"|"qr", "name", "rect", "pixels": [w, h], "drawn" } ] }
// `missing` counts the characters of the text that were not drawn (no glyph
// in any font, or a script the screen cannot set); `drawn`, present only when
// it differs from `text`, is the string that was laid out (zero-width and
// format characters dropped).
// A picture's `name` is its media id (or the QR code's link); `pixels` what it
// was decoded to (a QR code: its modules with the quiet zone); `drawn` false
// while a photo was still being decoded (the page is drawn again when it is).
//
// Thread safety: one thread at a time (the render thread).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kiosk/geometry.hpp"

namespace campus::kiosk {

struct LayoutEntry {
    std::string text;                // the whole string, as in the feed or the program
    std::vector<std::string> lines;  // as drawn
    Rect rect;
    float px = 0;
    bool clipped = false;
    std::string drawn;        // the string laid out, when not `text` itself; else empty
    std::size_t missing = 0;  // characters not drawn
    std::string part;  // "header", "page" or "footer"; empty: the report's current part
};

struct PictureEntry {
    std::string kind;  // "photo" or "qr"
    std::string name;  // media id, or the link a QR code holds
    Rect rect;
    int pixels_w = 0, pixels_h = 0;
    bool drawn = true;
};

class LayoutReport {
public:
    LayoutReport() = default;
    LayoutReport(std::string page, int width, int height) : page_(std::move(page)), width_(width), height_(height) {}

    // Starts a new page: forgets the entries recorded so far and the page's
    // area; the part is "page" again.
    void reset(std::string page, int width, int height);
    // Entries added without a part of their own get this one.
    void set_part(std::string part) { part_ = std::move(part); }
    void set_page_area(const Rect& area) { page_area_ = area; has_page_area_ = true; }
    void add(LayoutEntry entry) {
        if (entry.part.empty()) entry.part = part_;
        entries_.push_back(std::move(entry));
    }
    void add_picture(PictureEntry entry) { pictures_.push_back(std::move(entry)); }
    const std::vector<PictureEntry>& pictures() const { return pictures_; }

    const std::string& page() const { return page_; }
    int width() const { return width_; }
    int height() const { return height_; }
    const std::vector<LayoutEntry>& entries() const { return entries_; }

    nlohmann::json to_json() const;
    // Writes to_json() to `path` (pretty-printed, UTF-8). Throws
    // std::runtime_error naming the path when it cannot be written.
    void write(const std::filesystem::path& path) const;

private:
    std::string page_;
    int width_ = 0;
    int height_ = 0;
    std::string part_ = "page";
    Rect page_area_;
    bool has_page_area_ = false;
    std::vector<LayoutEntry> entries_;
    std::vector<PictureEntry> pictures_;
};

}  // namespace campus::kiosk
