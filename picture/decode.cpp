// Decoding the feed's pictures to the size drawn. See picture.hpp.
//
// [SECTION] sniffing, sizes, messages
// [SECTION] RowAverager: rows in, a smaller image out
// [SECTION] EXIF orientation
// [SECTION] JPEG (libjpeg-turbo, DCT scaling)
// [SECTION] PNG (libpng, row by row)
// [SECTION] WebP (libwebp, scaled while decoding)
// [SECTION] probe, decode, decode_file
//
// libjpeg and libpng report errors by longjmp. Everything a decode owns lives
// in a heap struct created before setjmp and reached through one pointer that
// never changes after it, so a longjmp leaves nothing indeterminate and the
// struct's destructor frees it all; no C++ object with a destructor is
// created between setjmp and the calls that may jump.
#include "picture/picture.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>
#include <png.h>
#include <webp/decode.h>

#include "sync/sha256.hpp"

namespace campus::picture {

namespace {

// ---------------------------------------------------------------------------
// [SECTION] sniffing, sizes, messages

std::string size_text(int w, int h) { return std::to_string(w) + "×" + std::to_string(h); }

std::string over_limit(int w, int h, const Limits& limits) {
    return size_text(w, h) + " pixels is over the limit of " + size_text(limits.max_side, limits.max_side);
}

// "<!DOCTYPE" for an HTML error page saved as .jpg: printable ASCII only.
std::string first_bytes(std::string_view bytes) {
    std::string out;
    for (std::size_t i = 0; i < bytes.size() && out.size() < 12; ++i) {
        const unsigned char c = static_cast<unsigned char>(bytes[i]);
        out += (c >= 0x20 && c < 0x7F && c != '"') ? static_cast<char>(c) : '.';
    }
    return out;
}

std::string not_a_picture(std::string_view bytes) {
    if (bytes.empty()) return "an empty file, not a picture";
    return "not a JPEG, PNG or WebP picture (it starts with \"" + first_bytes(bytes) + "\")";
}

// ---------------------------------------------------------------------------
// [SECTION] RowAverager

// Box filter from in_w×in_h to out_w×out_h (out ≤ in on each side), fed one
// premultiplied RGBA row at a time: memory is one row of 64-bit sums.
class RowAverager {
public:
    RowAverager(int in_w, int in_h, Image& out) : in_w_(in_w), in_h_(in_h), out_(out) {
        const auto ow = static_cast<std::size_t>(out.width);
        sums_.assign(ow * 4, 0);
        column_of_.resize(static_cast<std::size_t>(in_w));
        columns_per_.assign(ow, 0);
        for (int x = 0; x < in_w; ++x) {
            const auto ox = static_cast<std::size_t>(static_cast<std::int64_t>(x) * out.width / in_w);
            column_of_[static_cast<std::size_t>(x)] = static_cast<std::uint32_t>(ox);
            ++columns_per_[ox];
        }
    }

    void push(const std::uint8_t* rgba) {
        const int oy = static_cast<int>(static_cast<std::int64_t>(y_) * out_.height / in_h_);
        if (oy != row_) flush();
        row_ = oy;
        ++rows_;
        for (int x = 0; x < in_w_; ++x) {
            std::uint64_t* s = &sums_[column_of_[static_cast<std::size_t>(x)] * 4];
            const std::uint8_t* p = rgba + static_cast<std::size_t>(x) * 4;
            s[0] += p[0];
            s[1] += p[1];
            s[2] += p[2];
            s[3] += p[3];
        }
        ++y_;
        if (y_ == in_h_) flush();
    }

private:
    void flush() {
        if (rows_ == 0) return;
        std::uint8_t* dst = out_.rgba.data() + static_cast<std::size_t>(row_) * static_cast<std::size_t>(out_.width) * 4;
        for (std::size_t ox = 0; ox < columns_per_.size(); ++ox) {
            const std::uint64_t n = static_cast<std::uint64_t>(columns_per_[ox]) * static_cast<std::uint64_t>(rows_);
            for (int c = 0; c < 4; ++c) {
                dst[ox * 4 + static_cast<std::size_t>(c)] =
                    static_cast<std::uint8_t>(n ? (sums_[ox * 4 + static_cast<std::size_t>(c)] + n / 2) / n : 0);
            }
        }
        std::fill(sums_.begin(), sums_.end(), 0);
        rows_ = 0;
    }

    int in_w_, in_h_;
    Image& out_;
    std::vector<std::uint64_t> sums_;
    std::vector<std::uint32_t> column_of_;
    std::vector<std::uint32_t> columns_per_;
    int y_ = 0;
    int row_ = -1;
    int rows_ = 0;
};

void premultiply(std::uint8_t* rgba, int width) {
    for (int x = 0; x < width; ++x) {
        std::uint8_t* p = rgba + static_cast<std::size_t>(x) * 4;
        const unsigned a = p[3];
        if (a == 255) continue;
        p[0] = static_cast<std::uint8_t>((p[0] * a + 127) / 255);
        p[1] = static_cast<std::uint8_t>((p[1] * a + 127) / 255);
        p[2] = static_cast<std::uint8_t>((p[2] * a + 127) / 255);
    }
}

// The decode size in stored orientation for a shown box.
void stored_target(const Info& info, int box_w, int box_h, int& w, int& h) {
    int sw = 0, sh = 0;
    fit_size(info.shown_width(), info.shown_height(), box_w, box_h, sw, sh);
    if (info.orientation >= 5) {
        w = sh;
        h = sw;
    } else {
        w = sw;
        h = sh;
    }
}

// ---------------------------------------------------------------------------
// [SECTION] EXIF orientation

// The Orientation tag (0x0112) of IFD0 in an APP1 "Exif\0\0" payload; 1 when absent or unreadable.
int exif_orientation(const std::uint8_t* data, std::size_t size) {
    if (size < 14 || std::memcmp(data, "Exif\0\0", 6) != 0) return 1;
    const std::uint8_t* tiff = data + 6;
    const std::size_t n = size - 6;
    bool little;
    if (tiff[0] == 'I' && tiff[1] == 'I') {
        little = true;
    } else if (tiff[0] == 'M' && tiff[1] == 'M') {
        little = false;
    } else {
        return 1;
    }
    auto u16 = [&](std::size_t at) -> std::uint32_t {
        return little ? tiff[at] | (tiff[at + 1] << 8) : (tiff[at] << 8) | tiff[at + 1];
    };
    auto u32 = [&](std::size_t at) -> std::uint32_t {
        return little ? u16(at) | (u16(at + 2) << 16) : (u16(at) << 16) | u16(at + 2);
    };
    if (u16(2) != 42) return 1;
    const std::size_t ifd = u32(4);
    if (ifd + 2 > n) return 1;
    const std::size_t count = u16(ifd);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t entry = ifd + 2 + i * 12;
        if (entry + 12 > n) return 1;
        if (u16(entry) == 0x0112 && u16(entry + 2) == 3) {  // SHORT
            const std::uint32_t v = u16(entry + 8);
            return v >= 1 && v <= 8 ? static_cast<int>(v) : 1;
        }
    }
    return 1;
}

// An upright copy of `stored` for EXIF orientation 2..8.
Image orient(Image stored, int orientation) {
    if (orientation <= 1 || orientation > 8) return stored;
    const int w = stored.width, h = stored.height;
    Image out;
    out.width = orientation >= 5 ? h : w;
    out.height = orientation >= 5 ? w : h;
    out.rgba.resize(stored.rgba.size());
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            int dx = x, dy = y;
            switch (orientation) {
                case 2: dx = w - 1 - x; break;                      // mirrored
                case 3: dx = w - 1 - x; dy = h - 1 - y; break;      // 180°
                case 4: dy = h - 1 - y; break;                      // mirrored vertically
                case 5: dx = y; dy = x; break;                      // transposed
                case 6: dx = h - 1 - y; dy = x; break;              // 90° clockwise to stand up
                case 7: dx = h - 1 - y; dy = w - 1 - x; break;      // transversed
                case 8: dx = y; dy = w - 1 - x; break;              // 90° counter-clockwise
                default: break;
            }
            std::memcpy(&out.rgba[(static_cast<std::size_t>(dy) * static_cast<std::size_t>(out.width) + static_cast<std::size_t>(dx)) * 4],
                        &stored.rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 4], 4);
        }
    }
    return out;
}

// ---------------------------------------------------------------------------
// [SECTION] JPEG

struct JpegError {
    jpeg_error_mgr mgr;  // first: libjpeg's err pointer is cast back to this
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    int warnings;
    char first_warning[JMSG_LENGTH_MAX];
};

extern "C" void jpeg_fail(j_common_ptr cinfo) {
    auto* e = reinterpret_cast<JpegError*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, e->message);
    std::longjmp(e->jump, 1);
}

// Warnings (level -1) are corrupt data: "Premature end of JPEG file" on a
// truncated photo, which libjpeg would otherwise show padded with grey.
extern "C" void jpeg_note(j_common_ptr cinfo, int level) {
    auto* e = reinterpret_cast<JpegError*>(cinfo->err);
    if (level < 0) {
        if (e->warnings++ == 0) (*cinfo->err->format_message)(cinfo, e->first_warning);
    }
}

struct JpegDecode {
    jpeg_decompress_struct cinfo{};
    JpegError error{};
    bool created = false;
    std::vector<std::uint8_t> row;
    std::unique_ptr<RowAverager> averager;
    Image image;
    Info info;
    ~JpegDecode() {
        if (created) jpeg_destroy_decompress(&cinfo);
    }
};

// Reads the header into d->info; "" or the problem. `box_w` 0 = header only.
std::string jpeg_run(JpegDecode* d, std::string_view bytes, const Limits& limits, int box_w, int box_h) {
    d->cinfo.err = jpeg_std_error(&d->error.mgr);
    d->error.mgr.error_exit = jpeg_fail;
    d->error.mgr.emit_message = jpeg_note;
    if (setjmp(d->error.jump)) return std::string("corrupt JPEG: ") + d->error.message;
    jpeg_create_decompress(&d->cinfo);
    d->created = true;
    jpeg_mem_src(&d->cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
    jpeg_save_markers(&d->cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&d->cinfo, TRUE);
    d->info.format = Format::jpeg;
    d->info.width = static_cast<int>(d->cinfo.image_width);
    d->info.height = static_cast<int>(d->cinfo.image_height);
    for (jpeg_saved_marker_ptr m = d->cinfo.marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 1) {
            if (m->data_length >= 6 && std::memcmp(m->data, "Exif\0\0", 6) == 0) d->info.has_metadata = true;
            const int o = exif_orientation(m->data, m->data_length);
            if (o != 1) {
                d->info.orientation = o;
                break;
            }
        }
    }
    if (d->info.width > limits.max_side || d->info.height > limits.max_side)
        return over_limit(d->info.width, d->info.height, limits);
    if (d->info.width < 1 || d->info.height < 1) return "a JPEG without pixels";
    if (d->cinfo.jpeg_color_space == JCS_CMYK || d->cinfo.jpeg_color_space == JCS_YCCK)
        return "a CMYK JPEG (a print file): save it as an RGB JPEG";
    if (box_w <= 0) return {};

    int tw = 0, th = 0;
    stored_target(d->info, box_w, box_h, tw, th);
    // The smallest DCT scale that still gives at least the target size: the
    // averaging below does the rest, so quality is that of the full decode.
    unsigned denom = 8;
    while (denom > 1 && ((d->cinfo.image_width + denom - 1) / denom < static_cast<unsigned>(tw) ||
                         (d->cinfo.image_height + denom - 1) / denom < static_cast<unsigned>(th)))
        denom /= 2;
    d->cinfo.scale_num = 1;
    d->cinfo.scale_denom = denom;
    d->cinfo.out_color_space = JCS_EXT_RGBA;
    d->cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&d->cinfo);
    const int ow = static_cast<int>(d->cinfo.output_width), oh = static_cast<int>(d->cinfo.output_height);
    tw = std::min(tw, ow);
    th = std::min(th, oh);
    d->image.width = tw;
    d->image.height = th;
    d->image.rgba.assign(static_cast<std::size_t>(tw) * static_cast<std::size_t>(th) * 4, 0);
    d->row.resize(static_cast<std::size_t>(ow) * 4);
    d->averager = std::make_unique<RowAverager>(ow, oh, d->image);
    while (d->cinfo.output_scanline < d->cinfo.output_height) {
        JSAMPROW rows[1] = {d->row.data()};
        if (jpeg_read_scanlines(&d->cinfo, rows, 1) != 1) return "corrupt JPEG: no more rows";
        d->averager->push(d->row.data());
    }
    jpeg_finish_decompress(&d->cinfo);
    if (d->error.warnings > 0) return std::string("corrupt or truncated JPEG: ") + d->error.first_warning;
    return {};
}

// ---------------------------------------------------------------------------
// [SECTION] PNG

struct PngDecode {
    png_structp png = nullptr;
    png_infop info_ptr = nullptr;
    std::string_view bytes;
    std::size_t at = 0;
    char message[256] = {0};
    std::vector<std::uint8_t> row;
    std::vector<std::uint8_t> whole;  // an interlaced PNG only (small ones: see below)
    std::vector<png_bytep> row_pointers;  // into `whole`
    std::unique_ptr<RowAverager> averager;
    Image image;
    Info info;
    ~PngDecode() {
        if (png) png_destroy_read_struct(&png, info_ptr ? &info_ptr : nullptr, nullptr);
    }
};

extern "C" void png_fail(png_structp png, png_const_charp message) {
    auto* d = static_cast<PngDecode*>(png_get_error_ptr(png));
    std::snprintf(d->message, sizeof d->message, "%s", message);
    png_longjmp(png, 1);
}
extern "C" void png_note(png_structp, png_const_charp) {}

extern "C" void png_read_bytes(png_structp png, png_bytep out, png_size_t n) {
    auto* d = static_cast<PngDecode*>(png_get_io_ptr(png));
    if (d->bytes.size() - d->at < n) png_error(png, "the file ends early (truncated)");
    std::memcpy(out, d->bytes.data() + d->at, n);
    d->at += n;
}

// An interlaced PNG's passes need the whole image at once; allowed up to
// this many pixels (16 MB of RGBA), refused above (a photo is rarely one).
constexpr std::int64_t kMaxInterlacedPixels = 4'000'000;

std::string png_run(PngDecode* d, std::string_view bytes, const Limits& limits, int box_w, int box_h) {
    d->bytes = bytes;
    // The size from IHDR (always the first chunk) before libpng reads on:
    // a header claiming 60000×60000 is refused here, whatever follows it.
    if (bytes.size() >= 24 && bytes.substr(12, 4) == "IHDR") {
        auto be32 = [&](std::size_t at) {
            return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
        };
        const std::uint32_t w = be32(16), h = be32(20);
        if (w > static_cast<std::uint32_t>(limits.max_side) || h > static_cast<std::uint32_t>(limits.max_side))
            return over_limit(static_cast<int>(std::min<std::uint32_t>(w, 0x7fffffff)),
                              static_cast<int>(std::min<std::uint32_t>(h, 0x7fffffff)), limits);
    }
    d->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, d, png_fail, png_note);
    if (!d->png) return "out of memory";
    d->info_ptr = png_create_info_struct(d->png);
    if (!d->info_ptr) return "out of memory";
    if (setjmp(png_jmpbuf(d->png))) return std::string("corrupt PNG: ") + d->message;
    png_set_read_fn(d->png, d, png_read_bytes);
    // Our own limit says it in our words below; libpng's only guards the rest.
    png_set_user_limits(d->png, 0x7fffffff, 0x7fffffff);
    png_set_chunk_malloc_max(d->png, 8u << 20);
    png_read_info(d->png, d->info_ptr);
    png_uint_32 w = 0, h = 0;
    int depth = 0, color = 0, interlace = 0;
    png_get_IHDR(d->png, d->info_ptr, &w, &h, &depth, &color, &interlace, nullptr, nullptr);
    d->info.format = Format::png;
    if (w > static_cast<png_uint_32>(limits.max_side) || h > static_cast<png_uint_32>(limits.max_side))
        return over_limit(static_cast<int>(std::min<png_uint_32>(w, 0x7fffffff)),
                          static_cast<int>(std::min<png_uint_32>(h, 0x7fffffff)), limits);
    d->info.width = static_cast<int>(w);
    d->info.height = static_cast<int>(h);
    d->info.has_alpha = (color & PNG_COLOR_MASK_ALPHA) || png_get_valid(d->png, d->info_ptr, PNG_INFO_tRNS);
    if (box_w <= 0) return {};

    png_set_expand(d->png);  // palette, gray < 8 bits, tRNS -> 8-bit channels with alpha
    png_set_strip_16(d->png);
    png_set_gray_to_rgb(d->png);
    png_set_filler(d->png, 0xFF, PNG_FILLER_AFTER);
    const int passes = png_set_interlace_handling(d->png);
    png_read_update_info(d->png, d->info_ptr);
    if (png_get_rowbytes(d->png, d->info_ptr) != static_cast<std::size_t>(w) * 4) return "unsupported PNG layout";

    int tw = 0, th = 0;
    stored_target(d->info, box_w, box_h, tw, th);
    d->image.width = tw;
    d->image.height = th;
    d->image.rgba.assign(static_cast<std::size_t>(tw) * static_cast<std::size_t>(th) * 4, 0);
    d->averager = std::make_unique<RowAverager>(static_cast<int>(w), static_cast<int>(h), d->image);
    if (passes > 1) {
        if (static_cast<std::int64_t>(w) * h > kMaxInterlacedPixels)
            return "an interlaced PNG of " + size_text(static_cast<int>(w), static_cast<int>(h)) +
                   " pixels (over 4 megapixels interlaced): save it without interlacing";
        d->whole.resize(static_cast<std::size_t>(w) * h * 4);
        // In the struct, not a local: png_read_image may longjmp past this frame.
        std::vector<png_bytep>& rows = d->row_pointers;
        rows.resize(h);
        for (png_uint_32 y = 0; y < h; ++y) rows[y] = d->whole.data() + static_cast<std::size_t>(y) * w * 4;
        png_read_image(d->png, rows.data());
        for (png_uint_32 y = 0; y < h; ++y) {
            premultiply(rows[y], static_cast<int>(w));
            d->averager->push(rows[y]);
        }
    } else {
        d->row.resize(static_cast<std::size_t>(w) * 4);
        for (png_uint_32 y = 0; y < h; ++y) {
            png_read_row(d->png, d->row.data(), nullptr);
            premultiply(d->row.data(), static_cast<int>(w));
            d->averager->push(d->row.data());
        }
    }
    png_read_end(d->png, nullptr);
    return {};
}

// ---------------------------------------------------------------------------
// [SECTION] WebP

std::string webp_run(Info& info, Image* image, std::string_view bytes, const Limits& limits, int box_w, int box_h) {
    WebPBitstreamFeatures features;
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    if (WebPGetFeatures(data, bytes.size(), &features) != VP8_STATUS_OK) return "corrupt WebP: unreadable header";
    info.format = Format::webp;
    info.width = features.width;
    info.height = features.height;
    info.has_alpha = features.has_alpha != 0;
    if (info.width > limits.max_side || info.height > limits.max_side) return over_limit(info.width, info.height, limits);
    if (features.has_animation) return "an animated WebP: the screens show still pictures only";
    if (!image) return {};
    int tw = 0, th = 0;
    stored_target(info, box_w, box_h, tw, th);
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config)) return "libwebp version mismatch";
    if (tw != info.width || th != info.height) {
        config.options.use_scaling = 1;
        config.options.scaled_width = tw;
        config.options.scaled_height = th;
    }
    image->width = tw;
    image->height = th;
    image->rgba.assign(static_cast<std::size_t>(tw) * static_cast<std::size_t>(th) * 4, 0);
    config.output.colorspace = MODE_rgbA;  // premultiplied
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = image->rgba.data();
    config.output.u.RGBA.stride = tw * 4;
    config.output.u.RGBA.size = image->rgba.size();
    const VP8StatusCode status = WebPDecode(data, bytes.size(), &config);
    WebPFreeDecBuffer(&config.output);
    if (status == VP8_STATUS_NOT_ENOUGH_DATA) return "corrupt or truncated WebP: the file ends early";
    if (status != VP8_STATUS_OK) return "corrupt WebP (libwebp status " + std::to_string(static_cast<int>(status)) + ")";
    return {};
}

std::string size_problem(std::size_t size, const Limits& limits) {
    return std::to_string(size) + " bytes is over the limit of " + std::to_string(limits.max_bytes) + " bytes";
}

}  // namespace

// ---------------------------------------------------------------------------
// [SECTION] probe, decode, decode_file

const char* format_name(Format format) {
    switch (format) {
        case Format::jpeg: return "JPEG";
        case Format::png: return "PNG";
        case Format::webp: return "WebP";
    }
    return "picture";
}

std::optional<Format> sniff(std::string_view b) {
    if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8 &&
        static_cast<unsigned char>(b[2]) == 0xFF)
        return Format::jpeg;
    if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return Format::png;
    if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return Format::webp;
    return std::nullopt;
}

void fit_size(int shown_w, int shown_h, int box_w, int box_h, int& out_w, int& out_h) {
    if (shown_w <= 0 || shown_h <= 0 || box_w <= 0 || box_h <= 0) {
        out_w = out_h = 0;
        return;
    }
    const double scale = std::min({1.0, static_cast<double>(box_w) / shown_w, static_cast<double>(box_h) / shown_h});
    out_w = std::max(1, static_cast<int>(shown_w * scale + 0.5));
    out_h = std::max(1, static_cast<int>(shown_h * scale + 0.5));
    out_w = std::min(out_w, std::max(box_w, 1));
    out_h = std::min(out_h, std::max(box_h, 1));
}

Result<Info> probe(std::string_view bytes, const Limits& limits) {
    Result<Info> r;
    if (bytes.size() > limits.max_bytes) {
        r.error = size_problem(bytes.size(), limits);
        return r;
    }
    const auto format = sniff(bytes);
    if (!format) {
        r.error = not_a_picture(bytes);
        return r;
    }
    switch (*format) {
        case Format::jpeg: {
            auto d = std::make_unique<JpegDecode>();
            r.error = jpeg_run(d.get(), bytes, limits, 0, 0);
            if (r.error.empty()) r.value = d->info;
            break;
        }
        case Format::png: {
            auto d = std::make_unique<PngDecode>();
            r.error = png_run(d.get(), bytes, limits, 0, 0);
            if (r.error.empty()) r.value = d->info;
            break;
        }
        case Format::webp: {
            Info info;
            r.error = webp_run(info, nullptr, bytes, limits, 0, 0);
            if (r.error.empty()) r.value = info;
            break;
        }
    }
    return r;
}

Result<Image> decode(std::string_view bytes, int box_w, int box_h, const Limits& limits) {
    Result<Image> r;
    if (box_w <= 0 || box_h <= 0) {
        r.error = "nothing to decode into (a box of " + size_text(box_w, box_h) + ")";
        return r;
    }
    if (bytes.size() > limits.max_bytes) {
        r.error = size_problem(bytes.size(), limits);
        return r;
    }
    const auto format = sniff(bytes);
    if (!format) {
        r.error = not_a_picture(bytes);
        return r;
    }
    try {
        Image image;
        int orientation = 1;
        switch (*format) {
            case Format::jpeg: {
                auto d = std::make_unique<JpegDecode>();
                r.error = jpeg_run(d.get(), bytes, limits, box_w, box_h);
                image = std::move(d->image);
                orientation = d->info.orientation;
                break;
            }
            case Format::png: {
                auto d = std::make_unique<PngDecode>();
                r.error = png_run(d.get(), bytes, limits, box_w, box_h);
                image = std::move(d->image);
                break;
            }
            case Format::webp: {
                Info info;
                r.error = webp_run(info, &image, bytes, limits, box_w, box_h);
                break;
            }
        }
        if (r.error.empty()) r.value = orient(std::move(image), orientation);
    } catch (const std::bad_alloc&) {
        r.error = "out of memory while decoding";
    }
    return r;
}

Result<Image> decode_file(const std::string& path, const std::string& expected_sha256, int box_w, int box_h,
                          const Limits& limits) {
    Result<Image> r;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        r.error = path + ": cannot open: " + std::strerror(errno);
        return r;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        r.error = path + ": not a regular file";
        return r;
    }
    if (static_cast<std::uint64_t>(st.st_size) > limits.max_bytes) {
        ::close(fd);
        r.error = path + ": " + size_problem(static_cast<std::size_t>(st.st_size), limits);
        return r;
    }
    std::string bytes;
    bytes.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (got != bytes.size()) {
        r.error = path + ": read " + std::to_string(got) + " of " + std::to_string(bytes.size()) + " bytes";
        return r;
    }
    if (!expected_sha256.empty()) {
        const std::string digest = sha256_hex(bytes);
        if (digest != expected_sha256) {
            r.error = path + ": its bytes have sha256 " + digest + ", the feed says " + expected_sha256;
            return r;
        }
    }
    r = decode(bytes, box_w, box_h, limits);
    if (!r.ok()) r.error = path + ": " + r.error;
    return r;
}

namespace {

struct JpegEncode {
    jpeg_compress_struct cinfo{};
    JpegError error{};
    bool created = false;
    unsigned char* out = nullptr;
    unsigned long size = 0;
    std::vector<std::uint8_t> row;
    ~JpegEncode() {
        if (created) jpeg_destroy_compress(&cinfo);
        std::free(out);
    }
};

std::string jpeg_encode_run(JpegEncode* e, const Image& image, int quality) {
    e->cinfo.err = jpeg_std_error(&e->error.mgr);
    e->error.mgr.error_exit = jpeg_fail;
    if (setjmp(e->error.jump)) return std::string("JPEG encoding failed: ") + e->error.message;
    jpeg_create_compress(&e->cinfo);
    e->created = true;
    jpeg_mem_dest(&e->cinfo, &e->out, &e->size);
    e->cinfo.image_width = static_cast<JDIMENSION>(image.width);
    e->cinfo.image_height = static_cast<JDIMENSION>(image.height);
    e->cinfo.input_components = 3;
    e->cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&e->cinfo);
    jpeg_set_quality(&e->cinfo, quality, TRUE);
    jpeg_start_compress(&e->cinfo, TRUE);
    e->row.resize(static_cast<std::size_t>(image.width) * 3);
    while (e->cinfo.next_scanline < e->cinfo.image_height) {
        const std::uint8_t* src =
            image.rgba.data() + static_cast<std::size_t>(e->cinfo.next_scanline) * static_cast<std::size_t>(image.width) * 4;
        for (int x = 0; x < image.width; ++x) {
            const std::uint8_t* p = src + static_cast<std::size_t>(x) * 4;
            const unsigned white = 255u - p[3];  // premultiplied over white
            for (int c = 0; c < 3; ++c) e->row[static_cast<std::size_t>(x) * 3 + static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(std::min(255u, p[c] + white));
        }
        JSAMPROW rows[1] = {e->row.data()};
        jpeg_write_scanlines(&e->cinfo, rows, 1);
    }
    jpeg_finish_compress(&e->cinfo);
    return {};
}

}  // namespace

Result<std::string> encode_jpeg(const Image& image, int quality) {
    Result<std::string> r;
    if (image.width <= 0 || image.height <= 0 ||
        image.rgba.size() != static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 4) {
        r.error = "no image to encode";
        return r;
    }
    auto e = std::make_unique<JpegEncode>();
    r.error = jpeg_encode_run(e.get(), image, std::clamp(quality, 1, 100));
    if (r.error.empty()) r.value = std::string(reinterpret_cast<const char*>(e->out), e->size);
    return r;
}

}  // namespace campus::picture
