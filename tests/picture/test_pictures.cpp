// Encoders for the tests' pictures. See test_pictures.hpp.
#include "test_pictures.hpp"

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <jpeglib.h>
#include <png.h>
#include <webp/encode.h>
#include <zlib.h>

namespace campus::picture::test {

std::string make_jpeg(int w, int h, const Pattern& pattern, int quality, int exif_orientation) {
    jpeg_compress_struct c{};
    jpeg_error_mgr err{};
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    unsigned char* out = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &out, &size);
    c.image_width = static_cast<JDIMENSION>(w);
    c.image_height = static_cast<JDIMENSION>(h);
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    jpeg_start_compress(&c, TRUE);
    if (exif_orientation > 0) {
        // "Exif\0\0", a little-endian TIFF header, IFD0 with one entry: Orientation (SHORT).
        const unsigned char exif[] = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0,
                                      0x12, 0x01, 3, 0, 1, 0, 0, 0,
                                      static_cast<unsigned char>(exif_orientation), 0, 0, 0, 0, 0, 0, 0};
        jpeg_write_marker(&c, JPEG_APP0 + 1, exif, sizeof exif);
    }
    std::vector<unsigned char> row(static_cast<std::size_t>(w) * 3);
    while (c.next_scanline < c.image_height) {
        const int y = static_cast<int>(c.next_scanline);
        for (int x = 0; x < w; ++x) {
            const Rgba p = pattern(x, y);
            row[static_cast<std::size_t>(x) * 3] = p.r;
            row[static_cast<std::size_t>(x) * 3 + 1] = p.g;
            row[static_cast<std::size_t>(x) * 3 + 2] = p.b;
        }
        JSAMPROW rows[1] = {row.data()};
        jpeg_write_scanlines(&c, rows, 1);
    }
    jpeg_finish_compress(&c);
    std::string bytes(reinterpret_cast<const char*>(out), size);
    jpeg_destroy_compress(&c);
    std::free(out);
    return bytes;
}

namespace {
extern "C" void png_append(png_structp png, png_bytep data, png_size_t n) {
    static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), n);
}
extern "C" void png_flush_nothing(png_structp) {}
}  // namespace

std::string make_png(int w, int h, const Pattern& pattern, bool alpha, bool interlaced) {
    std::string bytes;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) throw std::runtime_error("png write failed");
    png_set_write_fn(png, &bytes, png_append, png_flush_nothing);
    png_set_IHDR(png, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), 8,
                 alpha ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB,
                 interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    const int channels = alpha ? 4 : 3;
    std::vector<unsigned char> image(static_cast<std::size_t>(w) * h * channels);
    std::vector<png_bytep> rows(static_cast<std::size_t>(h));
    for (int y = 0; y < h; ++y) {
        rows[static_cast<std::size_t>(y)] = image.data() + static_cast<std::size_t>(y) * w * channels;
        for (int x = 0; x < w; ++x) {
            const Rgba p = pattern(x, y);
            unsigned char* d = rows[static_cast<std::size_t>(y)] + static_cast<std::size_t>(x) * channels;
            d[0] = p.r;
            d[1] = p.g;
            d[2] = p.b;
            if (alpha) d[3] = p.a;
        }
    }
    png_write_image(png, rows.data());
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return bytes;
}

std::string make_webp(int w, int h, const Pattern& pattern) {
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w) * h * 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const Rgba p = pattern(x, y);
            std::uint8_t* d = &rgb[(static_cast<std::size_t>(y) * w + x) * 3];
            d[0] = p.r;
            d[1] = p.g;
            d[2] = p.b;
        }
    std::uint8_t* out = nullptr;
    const std::size_t size = WebPEncodeRGB(rgb.data(), w, h, w * 3, 90, &out);
    std::string bytes(reinterpret_cast<const char*>(out), size);
    WebPFree(out);
    return bytes;
}

std::string png_header_claiming(std::uint32_t w, std::uint32_t h) {
    std::string bytes("\x89PNG\r\n\x1a\n", 8);
    unsigned char chunk[4 + 13] = {'I', 'H', 'D', 'R',
                                   static_cast<unsigned char>(w >> 24), static_cast<unsigned char>(w >> 16),
                                   static_cast<unsigned char>(w >> 8), static_cast<unsigned char>(w),
                                   static_cast<unsigned char>(h >> 24), static_cast<unsigned char>(h >> 16),
                                   static_cast<unsigned char>(h >> 8), static_cast<unsigned char>(h),
                                   8, 6, 0, 0, 0};
    const unsigned char length[4] = {0, 0, 0, 13};
    bytes.append(reinterpret_cast<const char*>(length), 4);
    bytes.append(reinterpret_cast<const char*>(chunk), sizeof chunk);
    const uLong crc = crc32(0, chunk, sizeof chunk);
    const unsigned char crc_bytes[4] = {static_cast<unsigned char>(crc >> 24), static_cast<unsigned char>(crc >> 16),
                                        static_cast<unsigned char>(crc >> 8), static_cast<unsigned char>(crc)};
    bytes.append(reinterpret_cast<const char*>(crc_bytes), 4);
    return bytes;
}

}  // namespace campus::picture::test
