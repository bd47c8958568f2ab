// PixelSink: a way to put pixels made on the CPU on the window without the
// GL rasteriser, and the two loops that make them for a crossfade.
//
// Why: under Mesa's llvmpipe (a school's mini-PC without a GPU, and every
// test machine) a textured pass costs about 8 ns a pixel whatever the shader
// (one texel read and the unorm ↔ float conversions around it), while
// blending two 8-bit pictures in a plain loop costs about 1 ns, and handing
// the result to the X server through shared memory (MIT-SHM) costs the
// kiosk nothing per pixel. A crossfade is ten such blends of the page area a
// turn, so it is done here: the two pages are read back once (glReadPixels,
// a copy), each step blends them on the CPU into the sink's image, and the
// sink shows it. Everything else (the pages, the flags, the header's clock)
// is still drawn with GL. MotionLayer::set_pixel_sink (motion_layer.hpp)
// uses it; kiosk/platform_xshm.cpp implements it under X11.
//
// Pixels are 32-bit B, G, R, A bytes in memory (X's 24-bit TrueColor
// ZPixmap on a little-endian machine, and GL_BGRA/GL_UNSIGNED_BYTE), rows
// top to bottom.
//
// Thread safety: main (render) thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace campus::kiosk::motion {

class PixelSink {
public:
    virtual ~PixelSink() = default;
    // The sink's image, `width`×`height` pixels, rows `stride` bytes apart,
    // ready to be written (an earlier show() has been taken by the server).
    // Null when no image of that size can be had: the caller falls back to GL.
    virtual std::uint8_t* image(int width, int height, std::size_t& stride) = 0;
    // Shows the image with its top-left corner at window pixel (x, y)
    // (top-left origin). False when the server refused it.
    virtual bool show(int x, int y) = 0;
    // Before the image is written, in a turn that presents nothing: the
    // server takes in the image's memory now, so that the first show() does
    // not wait for that (under Xvfb at 1080p 4-6 ms). The image's pixels are
    // then unspecified. Optional.
    virtual void prepare(int x, int y) {
        (void)x;
        (void)y;
    }
    // The image's memory goes back (the crossfade has landed).
    virtual void release() = 0;
};

// Pixels a span of a row: the unit pack_differing marks and the blend skips.
inline constexpr int kBlendSpan = 64;

// The incoming page kept only where it differs from the page on screen: for
// `rows` rows of `width` pixels of `incoming` (a band of the page area read
// back), the spans that differ from `on_screen` are marked in `spans` (one
// byte a span of kBlendSpan pixels, appended row by row) and their pixels
// copied one after the other to `packed`, which must have room for the whole
// band. Returns the bytes written. Why: a fresh page of memory costs the
// kernel about 2 µs to hand over and clear (a 4K page area is 8,000 of them
// a turn), and where the pages are alike (the paper) the blend never reads
// the incoming page, so only the differing spans are kept and touched.
std::size_t pack_differing(const std::uint8_t* on_screen, std::size_t on_screen_stride, const std::uint8_t* incoming,
                           std::size_t incoming_stride, int width, int rows, std::vector<std::uint8_t>& spans,
                           std::uint8_t* packed);

// One step of the blend: dst = dst × keep + src × (1 − keep), per 8-bit
// channel, in the spans `spans` marks (pack_differing's), src being
// pack_differing's `packed` (the marked spans' pixels one after the other),
// for `rows` rows of `width` pixels, dst's rows `dst_stride` bytes apart.
// `keep` is taken in steps of 1/256 (0: the incoming page exactly, 1: dst
// unchanged). Where the two pages are alike a blend changes nothing, so the
// unmarked spans are skipped: exact, not an approximation.
void blend_toward_packed(std::uint8_t* dst, std::size_t dst_stride, const std::uint8_t* packed, int width, int rows,
                         float keep, const std::vector<std::uint8_t>& spans);

// Turns `rows` rows of `row_bytes` upside down in place (GL reads bottom-up, X shows top-down).
void flip_rows(std::uint8_t* pixels, std::size_t stride, std::size_t row_bytes, int rows);

// The incoming page's area for one turn's blend: memory mapped fresh for the
// turn and unmapped when it lands (a 4K page area is 33 MB; kept between
// turns it would be a third of the screen's memory). Not zero-filled first:
// only what is written is ever touched (std::vector's resize wrote 33 MB of
// zeros at 4K first, a pass of its own), and pack_differing writes only the
// spans that differ, so the kernel hands over only those pages.
class AreaBuffer {
public:
    AreaBuffer() = default;
    ~AreaBuffer() { release(); }
    AreaBuffer(const AreaBuffer&) = delete;
    AreaBuffer& operator=(const AreaBuffer&) = delete;
    // `bytes` of it, contents undefined; false (and empty) when the memory cannot be had.
    bool allocate(std::size_t bytes);
    void release();
    std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }
    bool empty() const { return data_ == nullptr; }

private:
    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace campus::kiosk::motion
