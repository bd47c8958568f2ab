// Pictures made for the tests: encoded here (libjpeg, libpng, libwebp) from
// a pattern, so every test knows what each pixel should be.
//
// Thread safety: every function is reentrant.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace campus::picture::test {

struct Rgba {
    std::uint8_t r = 0, g = 0, b = 0, a = 255;
};
using Pattern = std::function<Rgba(int x, int y)>;

// `exif_orientation` 0 = no EXIF block at all.
std::string make_jpeg(int w, int h, const Pattern& pattern, int quality = 90, int exif_orientation = 0);
std::string make_png(int w, int h, const Pattern& pattern, bool alpha, bool interlaced = false);
std::string make_webp(int w, int h, const Pattern& pattern);
// A PNG whose IHDR claims w×h (with a valid CRC) and holds no pixel data.
std::string png_header_claiming(std::uint32_t w, std::uint32_t h);

}  // namespace campus::picture::test
