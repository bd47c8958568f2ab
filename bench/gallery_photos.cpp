// gallery_photos: the 校园风采 pictures bench/run's gallery section shows: N
// distinct 12-megapixel JPEGs (4000x3000, quality 90, noise over gradients as
// photo_decode makes them: about as hard to decode as a phone's photo), made
// here because the bench installs no image tool.
//
//   gallery_photos DIR N
//
// Writes DIR/photo-01.jpg … DIR/photo-N.jpg; prints one line per file on
// stdout: "NAME WIDTH HEIGHT".
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "picture/picture.hpp"

int main(int argc, char** argv) {
    if (argc != 3 || std::atoi(argv[2]) < 1) {
        std::fprintf(stderr, "usage: gallery_photos DIR N\n");
        return 2;
    }
    const std::string dir = argv[1];
    const int count = std::atoi(argv[2]);
    const int w = 4000, h = 3000;
    campus::picture::Image photo;
    photo.width = w;
    photo.height = h;
    photo.rgba.resize(static_cast<std::size_t>(w) * h * 4);
    std::uint32_t state = 12;
    for (int n = 1; n <= count; ++n) {
        // Each photo its own gradients and noise: distinct bytes, distinct media.
        const int shift = n * 37;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                state ^= state << 13, state ^= state >> 17, state ^= state << 5;  // xorshift32: cheap noise
                const int noise = static_cast<int>(state % 49) - 24;
                std::uint8_t* p = &photo.rgba[(static_cast<std::size_t>(y) * w + x) * 4];
                p[0] = static_cast<std::uint8_t>(std::clamp((x * 255 / w + shift) % 256 + noise, 0, 255));
                p[1] = static_cast<std::uint8_t>(std::clamp((y * 255 / h + shift * 3) % 256 + noise, 0, 255));
                p[2] = static_cast<std::uint8_t>(std::clamp(128 + noise * 3, 0, 255));
                p[3] = 255;
            }
        auto encoded = campus::picture::encode_jpeg(photo, 90);
        if (!encoded.ok()) {
            std::fprintf(stderr, "gallery_photos: %s\n", encoded.error.c_str());
            return 1;
        }
        char name[32];
        std::snprintf(name, sizeof name, "photo-%02d.jpg", n);
        std::ofstream out(dir + "/" + name, std::ios::binary);
        out << *encoded.value;
        if (!out.good()) {
            std::fprintf(stderr, "gallery_photos: cannot write %s/%s\n", dir.c_str(), name);
            return 1;
        }
        std::printf("%s %d %d\n", name, w, h);
    }
    return 0;
}
