// Pictures of the feed (校园风采, a notice's photo), decoded to the size they are
// drawn at: JPEG (libjpeg-turbo), PNG (libpng), WebP (libwebp).
//
// Memory is bounded by the size drawn, not by the photo: a 12-megapixel JPEG
// is decoded at 1/2, 1/4 or 1/8 by libjpeg's DCT scaling (the smallest scale
// still at least as large as the box), then averaged row by row into the
// output; a PNG is read row by row into the same averaging; a WebP is scaled
// by libwebp while it decodes. No full-resolution RGBA copy of a large photo
// ever exists.
//
// Limits (the feed contract, "Media"): more than 20 MiB of bytes, or a side
// over 8192 pixels, is refused from the header, before any pixel buffer is
// allocated (a PNG claiming 60000×60000 costs nothing). A truncated or
// corrupt file is refused, not shown half grey. EXIF orientation (JPEG) is
// applied, so a phone's portrait photo stands upright.
//
// No window, no GL: the kiosk decodes on a worker thread and uploads the
// result between frames; kiosk-feed publish uses the same decoder to measure
// and shrink the office's photos.
//
// Thread safety: every function is reentrant; call them from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace campus::picture {

struct Limits {
    std::size_t max_bytes = 20u << 20;
    int max_side = 8192;
};

enum class Format { jpeg, png, webp };
const char* format_name(Format format);  // "JPEG", "PNG", "WebP"

// What the header says, before any pixel is decoded.
struct Info {
    Format format = Format::jpeg;
    int width = 0;        // as stored
    int height = 0;
    int orientation = 1;  // EXIF 1..8 (1 = as stored); always 1 for PNG and WebP
    bool has_alpha = false;
    bool has_metadata = false;  // an EXIF block (camera, time, maybe GPS location): JPEG only
    // The size as shown, after orientation (5..8 swap the sides).
    int shown_width() const { return orientation >= 5 ? height : width; }
    int shown_height() const { return orientation >= 5 ? width : height; }
};

// Premultiplied RGBA, 8 bits a channel, rows top to bottom, upright.
struct Image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgba;  // width × height × 4
};

template <typename T>
struct Result {
    std::optional<T> value;
    std::string error;  // what is wrong, for the log: "not a JPEG, PNG or WebP picture (it starts with \"<!DOCTYPE\")"
    bool ok() const { return value.has_value(); }
};

// The format from the first bytes, or nullopt.
std::optional<Format> sniff(std::string_view bytes);

// Reads the header: format, size, orientation. Refuses what is over `limits`.
Result<Info> probe(std::string_view bytes, const Limits& limits = {});

// The largest size that fits `box_w`×`box_h` with the picture's shown aspect
// ratio, never larger than the picture itself (the GPU scales up, not the decoder).
void fit_size(int shown_w, int shown_h, int box_w, int box_h, int& out_w, int& out_h);

// Decodes to fit `box_w`×`box_h` (aspect kept, never enlarged), upright.
Result<Image> decode(std::string_view bytes, int box_w, int box_h, const Limits& limits = {});

// Reads a file (at most limits.max_bytes: more is refused without reading it
// all), checks that its SHA-256 is `expected_sha256` when that is not empty,
// and decodes it as decode() does. Errors start with the path.
Result<Image> decode_file(const std::string& path, const std::string& expected_sha256, int box_w, int box_h,
                          const Limits& limits = {});

// A baseline JPEG of `image` (premultiplied RGBA, shown over white where it is
// transparent), with no metadata at all: no EXIF, so no GPS location.
Result<std::string> encode_jpeg(const Image& image, int quality = 90);

}  // namespace campus::picture
