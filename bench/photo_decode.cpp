// photo_decode: what one 12-megapixel photo costs the screen's picture worker:
// the time to decode a 4000x3000 JPEG to fit 1920x1080 (libjpeg-turbo's DCT
// scaling at 1/2, then the row averaging; campus_picture), and the memory the
// decode adds at its peak (the output, one row of sums, libjpeg's buffers:
// never the 48 MB of a full-resolution RGBA copy).
//
// The photo is made here (noise over gradients, quality 90: about as hard to
// decode as a phone's photo) and decoded --reps times; the median is printed.
//
//   photo_decode [--reps K]
//
// Prints on stdout:
//   photo_decode_ms 123.4 ms
//   photo_decode_peak_mb 12.3 MB
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "picture/picture.hpp"

int main(int argc, char** argv) {
    int reps = 7;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            reps = std::max(1, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: photo_decode [--reps K]\n");
            return 2;
        }
    }
    const int w = 4000, h = 3000;
    std::string jpeg;
    {
        campus::picture::Image photo;
        photo.width = w;
        photo.height = h;
        photo.rgba.resize(static_cast<std::size_t>(w) * h * 4);
        std::mt19937 rng(12);
        std::uniform_int_distribution<int> noise(-24, 24);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                std::uint8_t* p = &photo.rgba[(static_cast<std::size_t>(y) * w + x) * 4];
                p[0] = static_cast<std::uint8_t>(std::clamp(x * 255 / w + noise(rng), 0, 255));
                p[1] = static_cast<std::uint8_t>(std::clamp(y * 255 / h + noise(rng), 0, 255));
                p[2] = static_cast<std::uint8_t>(std::clamp(128 + noise(rng) * 3, 0, 255));
                p[3] = 255;
            }
        auto encoded = campus::picture::encode_jpeg(photo, 90);
        if (!encoded.ok()) {
            std::fprintf(stderr, "photo_decode: %s\n", encoded.error.c_str());
            return 1;
        }
        jpeg = std::move(*encoded.value);
    }  // the source pixels are freed: the peak below is the decode's own
    std::fprintf(stderr, "photo_decode: a %dx%d JPEG of %zu bytes, to fit 1920x1080, %d runs\n", w, h, jpeg.size(), reps);
    // The decode's own peak: VmHWM reset (clear_refs 5, Linux 4.0+), then
    // the high-water mark above the resident set before the decode.
    const auto status_kib = [](const char* field) {
        std::FILE* f = std::fopen("/proc/self/status", "r");
        long value = -1;
        char line[256];
        while (f && std::fgets(line, sizeof line, f))
            if (std::strncmp(line, field, std::strlen(field)) == 0) value = std::atol(line + std::strlen(field));
        if (f) std::fclose(f);
        return value;
    };
    malloc_trim(0);  // what the encode freed goes back first
    if (std::FILE* clear = std::fopen("/proc/self/clear_refs", "w")) {
        std::fputs("5", clear);
        std::fclose(clear);
        const long base = status_kib("VmRSS:");
        const auto image = campus::picture::decode(jpeg, 1920, 1080);
        const long peak = status_kib("VmHWM:");
        if (image.ok() && base > 0 && peak >= base)
            std::printf("photo_decode_peak_mb %.1f MB\n", static_cast<double>(peak - base) / 1024.0);
        std::fflush(stdout);
    }
    std::vector<double> ms;
    for (int r = 0; r < reps; ++r) {
        const auto start = std::chrono::steady_clock::now();
        const auto image = campus::picture::decode(jpeg, 1920, 1080);
        const auto end = std::chrono::steady_clock::now();
        if (!image.ok()) {
            std::fprintf(stderr, "photo_decode: %s\n", image.error.c_str());
            return 1;
        }
        ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
        std::fprintf(stderr, "  run %d: %.1f ms -> %dx%d\n", r + 1, ms.back(), image.value->width, image.value->height);
    }
    std::sort(ms.begin(), ms.end());
    std::printf("photo_decode_ms %.1f ms\n", ms[ms.size() / 2]);
    std::fflush(stdout);

    return 0;
}
