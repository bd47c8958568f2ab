// png_compare: the screen's pixels against a committed reference, for
// check_reference.py (tests/render/reference/README.md says why the
// references are small).
//
//   png_compare shrink IN.png OUT.png FACTOR
//       OUT = IN averaged over FACTOR×FACTOR blocks (a box filter), RGB.
//   png_compare diff ACTUAL.png REFERENCE.png FACTOR TOLERANCE MAX_FRACTION [DIFF.png]
//       ACTUAL is shrunk by FACTOR first (1: compared as it is); a pixel
//       differs when any channel differs by more than TOLERANCE. Prints
//       "differing N of M (F %), largest D at (x,y)"; exit 0 when
//       N ≤ MAX_FRACTION × M, 1 when more, 2 on a bad input (sizes differ, a
//       file that does not read). DIFF.png, when given, shows the differing
//       pixels in red over a faded copy of the reference.
//
// Anti-aliasing noise (a glyph edge one step lighter, a blend rounded the
// other way) moves single pixels by a few levels; averaged over a block it
// all but disappears. A page that changed (a line moved, a colour, a missing
// card) moves whole blocks by far more than the tolerance.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

namespace {

struct Rgb {
    int width = 0, height = 0;
    std::vector<unsigned char> pixels;  // RGB, top row first
};

bool load(const char* path, Rgb& out) {
    int channels = 0;
    unsigned char* data = stbi_load(path, &out.width, &out.height, &channels, 3);
    if (data == nullptr) {
        std::fprintf(stderr, "png_compare: %s: cannot read the PNG (%s)\n", path, stbi_failure_reason());
        return false;
    }
    out.pixels.assign(data, data + static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * 3);
    stbi_image_free(data);
    return true;
}

// Box filter; a partial block at the right or bottom edge averages what it has.
Rgb shrink(const Rgb& in, int factor) {
    if (factor <= 1) return in;
    Rgb out;
    out.width = (in.width + factor - 1) / factor;
    out.height = (in.height + factor - 1) / factor;
    out.pixels.assign(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * 3, 0);
    std::vector<unsigned> sums(static_cast<std::size_t>(out.width) * 3);
    std::vector<unsigned> counts(static_cast<std::size_t>(out.width));
    for (int oy = 0; oy < out.height; ++oy) {
        std::fill(sums.begin(), sums.end(), 0u);
        std::fill(counts.begin(), counts.end(), 0u);
        for (int y = oy * factor; y < std::min(in.height, (oy + 1) * factor); ++y) {
            const unsigned char* row = &in.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(in.width) * 3];
            for (int x = 0; x < in.width; ++x) {
                const auto ox = static_cast<std::size_t>(x / factor);
                sums[ox * 3 + 0] += row[x * 3 + 0];
                sums[ox * 3 + 1] += row[x * 3 + 1];
                sums[ox * 3 + 2] += row[x * 3 + 2];
                ++counts[ox];
            }
        }
        unsigned char* dst = &out.pixels[static_cast<std::size_t>(oy) * static_cast<std::size_t>(out.width) * 3];
        for (std::size_t ox = 0; ox < static_cast<std::size_t>(out.width); ++ox)
            for (std::size_t c = 0; c < 3; ++c)
                dst[ox * 3 + c] = static_cast<unsigned char>((sums[ox * 3 + c] + counts[ox] / 2) / counts[ox]);
    }
    return out;
}

int usage() {
    std::fprintf(stderr,
                 "usage: png_compare shrink IN.png OUT.png FACTOR\n"
                 "       png_compare diff ACTUAL.png REFERENCE.png FACTOR TOLERANCE MAX_FRACTION [DIFF.png]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string command = argv[1];
    if (command == "shrink" && argc == 5) {
        Rgb in;
        if (!load(argv[2], in)) return 2;
        const Rgb out = shrink(in, std::atoi(argv[4]));
        if (stbi_write_png(argv[3], out.width, out.height, 3, out.pixels.data(), out.width * 3) == 0) {
            std::fprintf(stderr, "png_compare: %s: cannot write the PNG\n", argv[3]);
            return 2;
        }
        return 0;
    }
    if (command != "diff" || (argc != 7 && argc != 8)) return usage();
    Rgb actual_full, reference;
    if (!load(argv[2], actual_full) || !load(argv[3], reference)) return 2;
    const int factor = std::atoi(argv[4]);
    const int tolerance = std::atoi(argv[5]);
    const double max_fraction = std::atof(argv[6]);
    const Rgb actual = shrink(actual_full, factor);
    if (actual.width != reference.width || actual.height != reference.height) {
        std::fprintf(stderr, "png_compare: %s is %dx%d shrunk by %d = %dx%d, the reference %s is %dx%d\n", argv[2],
                     actual_full.width, actual_full.height, factor, actual.width, actual.height, argv[3],
                     reference.width, reference.height);
        return 2;
    }
    std::size_t differing = 0;
    int largest = 0, largest_x = 0, largest_y = 0;
    std::vector<unsigned char> diff(reference.pixels.size());
    for (int y = 0; y < reference.height; ++y) {
        for (int x = 0; x < reference.width; ++x) {
            const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(reference.width) + x) * 3;
            int worst = 0;
            for (std::size_t c = 0; c < 3; ++c) worst = std::max(worst, std::abs(actual.pixels[i + c] - reference.pixels[i + c]));
            if (worst > largest) {
                largest = worst;
                largest_x = x;
                largest_y = y;
            }
            const bool differs = worst > tolerance;
            if (differs) ++differing;
            for (std::size_t c = 0; c < 3; ++c)
                diff[i + c] = differs ? (c == 0 ? 255 : 0) : static_cast<unsigned char>(191 + reference.pixels[i + c] / 4);
        }
    }
    const std::size_t total = static_cast<std::size_t>(reference.width) * static_cast<std::size_t>(reference.height);
    std::printf("differing %zu of %zu (%.3f %%), largest %d at (%d,%d)\n", differing, total,
                100.0 * static_cast<double>(differing) / static_cast<double>(total), largest, largest_x, largest_y);
    if (argc == 8 && stbi_write_png(argv[7], reference.width, reference.height, 3, diff.data(), reference.width * 3) == 0)
        std::fprintf(stderr, "png_compare: %s: cannot write the difference image\n", argv[7]);
    return static_cast<double>(differing) <= max_fraction * static_cast<double>(total) ? 0 : 1;
}
