// The CPU side of the crossfade: see pixel_sink.hpp.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <sys/mman.h>

#include "kiosk/motion/pixel_sink.hpp"

namespace campus::kiosk::motion {

// Built twice, for AVX2 and for plain x86-64 (the loader picks one once, by
// what the CPU has): the loop below is the whole cost of a crossfade step, and
// AVX2's 32-byte lanes halve it on the mini-PCs that have them.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx2", "default")))
#endif
void blend_toward_packed(std::uint8_t* dst, std::size_t dst_stride, const std::uint8_t* packed, int width, int rows,
                         float keep, const std::vector<std::uint8_t>& spans) {
    if (dst == nullptr || packed == nullptr || width <= 0 || rows <= 0) return;
    const std::size_t bytes = static_cast<std::size_t>(width) * 4;
    const std::size_t per_row = (static_cast<std::size_t>(width) + kBlendSpan - 1) / kBlendSpan;
    if (spans.size() != per_row * static_cast<std::size_t>(rows)) return;
    const unsigned k = static_cast<unsigned>(std::lround(std::clamp(keep, 0.0f, 1.0f) * 256.0f));
    if (k == 256) return;
    const unsigned take = 256 - k;
    const std::uint8_t* s = packed;
    for (int y = 0; y < rows; ++y) {
        std::uint8_t* d = dst + static_cast<std::size_t>(y) * dst_stride;
        for (std::size_t span = 0; span < per_row; ++span) {
            if (spans[static_cast<std::size_t>(y) * per_row + span] == 0) continue;
            const std::size_t from = span * kBlendSpan * 4, to = std::min(bytes, from + kBlendSpan * 4);
            if (k == 0) {
                std::memcpy(d + from, s, to - from);
            } else {
                // 16-bit lanes: the compiler turns this into SIMD multiplies (pmullw) at -O2 and above.
                for (std::size_t i = from; i < to; ++i)
                    d[i] = static_cast<std::uint8_t>((d[i] * k + s[i - from] * take + 128u) >> 8);
            }
            s += to - from;
        }
    }
}

std::size_t pack_differing(const std::uint8_t* on_screen, std::size_t on_screen_stride, const std::uint8_t* incoming,
                           std::size_t incoming_stride, int width, int rows, std::vector<std::uint8_t>& spans,
                           std::uint8_t* packed) {
    if (on_screen == nullptr || incoming == nullptr || packed == nullptr || width <= 0 || rows <= 0) return 0;
    const std::size_t bytes = static_cast<std::size_t>(width) * 4;
    const std::size_t per_row = (static_cast<std::size_t>(width) + kBlendSpan - 1) / kBlendSpan;
    std::uint8_t* out = packed;
    for (int y = 0; y < rows; ++y) {
        const std::uint8_t* a = on_screen + static_cast<std::size_t>(y) * on_screen_stride;
        const std::uint8_t* b = incoming + static_cast<std::size_t>(y) * incoming_stride;
        for (std::size_t span = 0; span < per_row; ++span) {
            const std::size_t from = span * kBlendSpan * 4, to = std::min(bytes, from + kBlendSpan * 4);
            const bool differ = std::memcmp(a + from, b + from, to - from) != 0;
            spans.push_back(differ ? 1 : 0);
            if (differ) {
                std::memcpy(out, b + from, to - from);
                out += to - from;
            }
        }
    }
    return static_cast<std::size_t>(out - packed);
}

void flip_rows(std::uint8_t* pixels, std::size_t stride, std::size_t row_bytes, int rows) {
    if (pixels == nullptr || rows < 2) return;
    std::vector<std::uint8_t> spare(row_bytes);
    for (int top = 0, bottom = rows - 1; top < bottom; ++top, --bottom) {
        std::uint8_t* a = pixels + static_cast<std::size_t>(top) * stride;
        std::uint8_t* b = pixels + static_cast<std::size_t>(bottom) * stride;
        std::memcpy(spare.data(), a, row_bytes);
        std::memcpy(a, b, row_bytes);
        std::memcpy(b, spare.data(), row_bytes);
    }
}

bool AreaBuffer::allocate(std::size_t bytes) {
    release();
    if (bytes == 0) return false;
    // Not MADV_HUGEPAGE: measured at 4K on this machine, clearing the huge
    // pages on their first touch cost far more than the 4 KB faults it saves
    // (27 % of the kiosk's samples in clear_page_erms against 1 %).
    void* mapping = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED) return false;
    data_ = static_cast<std::uint8_t*>(mapping);
    size_ = bytes;
    return true;
}

void AreaBuffer::release() {
    if (data_ != nullptr) munmap(data_, size_);
    data_ = nullptr;
    size_ = 0;
}

}  // namespace campus::kiosk::motion
