// atlas_build: how long the kiosk takes to rasterise its glyph atlas, and how
// big the atlas is, for a feed that uses about 3,500 distinct Han characters.
//
// imgui 1.86 has no dynamic atlas: the kiosk bakes every code point the feed
// can show, at every size it draws (kiosk/fonts.hpp, GlyphPlan), and rebuilds
// the whole atlas on a worker thread when a new feed brings new characters.
// This is that cost, for a feed near the worst a school would publish.
//
// The feed is the bundled sample plus announcements holding the whole GB2312
// level-1 set (3,755 characters: the commonest Han characters, decoded with
// iconv from GB2312 bytes 0xB0A1-0xD7F9), parsed and validated like any feed,
// and planned by glyph_plan_for(): the text tier gets every one of them (it is
// baked at caption, body, subtitle and title), the display and hero tiers only
// what pages draw that large. The screen is 1920x1080, the kiosk's sizes there.
// FontSet::build_now runs synchronously; the time is FontSet::last_build_ms()
// (FreeType rasterisation and packing, wall clock), the median of --reps
// builds. No window or GL context is needed: the texture upload is not timed.
//
//   atlas_build [--reps K] [--size WxH]
//
// Prints on stdout:
//   atlas_build_ms 1234.5 ms
//   atlas_px 16777216 px
// and on stderr the glyph counts, the atlas's width x height and, for scale,
// the same build for the sample feed alone.

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>
#include <nlohmann/json.hpp>

#include "kiosk/fonts.hpp"
#include "sync/feed_parse.hpp"

namespace {

struct Options {
    int reps = 5;
    int width = 1920;
    int height = 1080;
};

[[noreturn]] void usage(const char* problem) {
    std::fprintf(stderr, "atlas_build: %s\nusage: atlas_build [--reps K] [--size WxH]\n", problem);
    std::exit(2);
}

Options parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--reps" && i + 1 < argc) {
            o.reps = std::atoi(argv[++i]);
            if (o.reps < 1 || o.reps > 100) usage("--reps needs 1..100");
        } else if (arg == "--size" && i + 1 < argc) {
            if (std::sscanf(argv[++i], "%dx%d", &o.width, &o.height) != 2 || o.width < 64 || o.height < 64)
                usage("--size needs WxH, e.g. 1920x1080");
        } else {
            usage("unknown argument");
        }
    }
    return o;
}

// The GB2312 level-1 characters as UTF-8 strings: rows 16-55 (lead bytes
// 0xB0-0xD7) of 94 cells (0xA1-0xFE); row 55 ends at 0xF9. Decoded by glibc's
// iconv rather than a table copied here, so the set is the standard's.
std::vector<std::string> gb2312_level1() {
    iconv_t cd = iconv_open("UTF-8", "GB2312");
    if (cd == reinterpret_cast<iconv_t>(-1))
        throw std::runtime_error(std::string("iconv_open(UTF-8, GB2312) failed: ") + std::strerror(errno));
    std::vector<std::string> out;
    for (int lead = 0xB0; lead <= 0xD7; ++lead) {
        const int last = lead == 0xD7 ? 0xF9 : 0xFE;
        for (int trail = 0xA1; trail <= last; ++trail) {
            char in[2] = {static_cast<char>(lead), static_cast<char>(trail)};
            char utf8[8] = {};
            char* in_p = in;
            char* out_p = utf8;
            std::size_t in_left = 2, out_left = sizeof utf8;
            if (iconv(cd, &in_p, &in_left, &out_p, &out_left) == static_cast<std::size_t>(-1)) {
                iconv_close(cd);
                throw std::runtime_error("iconv: cannot decode GB2312 bytes " + std::to_string(lead) + "," +
                                         std::to_string(trail) + ": " + std::strerror(errno));
            }
            out.emplace_back(utf8, static_cast<std::size_t>(out_p - utf8));
        }
    }
    iconv_close(cd);
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

std::shared_ptr<const campus::Feed> parse_or_throw(const std::string& json, const char* what) {
    campus::ParseResult result = campus::parse_feed(json);
    if (!result.ok()) {
        std::string message = std::string(what) + " was rejected:";
        for (const auto& problem : result.problems) message += "\n  " + campus::to_string(problem);
        throw std::runtime_error(message);
    }
    return result.feed;
}

// The sample feed plus announcements that use every level-1 character once,
// 500 to a body (the contract allows 2,000 code points per string).
std::string feed_with_level1(const std::string& sample_json, const std::vector<std::string>& chars) {
    nlohmann::json doc = nlohmann::json::parse(sample_json);
    nlohmann::json& notices = doc["announcements"];
    constexpr std::size_t per_notice = 500;
    for (std::size_t start = 0, n = 1; start < chars.size(); start += per_notice, ++n) {
        std::string body;
        for (std::size_t i = start; i < std::min(chars.size(), start + per_notice); ++i) body += chars[i];
        notices.push_back({{"id", "level1-" + std::to_string(n)},
                           {"level", "info"},
                           {"title", "常用字" + std::to_string(n)},
                           {"body", body},
                           {"targets", {"all"}}});
    }
    return doc.dump();
}

struct Measured {
    double median_ms = 0;
    std::size_t pixels = 0;
    int width = 0, height = 0;
};

Measured measure(campus::kiosk::FontSet& fonts, const campus::kiosk::ScreenMetrics& metrics,
                 const campus::kiosk::GlyphPlan& plan, int reps) {
    std::vector<double> ms;
    for (int i = 0; i < reps; ++i) {
        fonts.build_now(metrics, plan);
        ms.push_back(fonts.last_build_ms());
        std::fprintf(stderr, "  build %d: %.1f ms\n", i + 1, ms.back());
    }
    std::sort(ms.begin(), ms.end());
    const std::size_t n = ms.size();
    return {n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2, fonts.atlas_pixels(), fonts.atlas_width(),
            fonts.atlas_height()};
}

std::size_t count_han(const std::vector<char32_t>& cps) {
    return static_cast<std::size_t>(
        std::count_if(cps.begin(), cps.end(), [](char32_t c) { return c >= 0x4E00 && c <= 0x9FFF; }));
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    try {
        const std::string sample = read_file(KIOSK_SOURCE_DIR "/assets/sample-feed.json");
        const std::vector<std::string> level1 = gb2312_level1();
        const auto sample_feed = parse_or_throw(sample, "the sample feed");
        const auto big_feed = parse_or_throw(feed_with_level1(sample, level1), "the level-1 feed");

        ImGui::CreateContext();
        int status = 0;
        {
            campus::kiosk::FontSet fonts;
            const campus::kiosk::ScreenMetrics metrics{options.width, options.height};

            const campus::kiosk::GlyphPlan small_plan = campus::kiosk::glyph_plan_for(sample_feed.get());
            std::fprintf(stderr, "atlas_build: the sample feed alone: %zu Han in the text tier, %zu glyphs in all\n",
                         count_han(small_plan.text), small_plan.glyph_count());
            const Measured small = measure(fonts, metrics, small_plan, std::min(options.reps, 3));
            std::fprintf(stderr, "atlas_build: sample feed: %.1f ms, %dx%d px\n", small.median_ms, small.width,
                         small.height);

            const campus::kiosk::GlyphPlan plan = campus::kiosk::glyph_plan_for(big_feed.get());
            const std::size_t han = count_han(plan.text);
            std::fprintf(stderr,
                         "atlas_build: %zu GB2312 level-1 characters added; %zu distinct Han in the text tier "
                         "(x4 sizes), %zu display, %zu hero; %zu glyphs in all, at %dx%d\n",
                         level1.size(), han, count_han(plan.display), count_han(plan.hero), plan.glyph_count(),
                         options.width, options.height);
            if (han < 3500) {
                std::fprintf(stderr, "atlas_build: only %zu distinct Han characters planned, expected 3,500+\n", han);
                status = 1;
            }
            const Measured big = measure(fonts, metrics, plan, options.reps);
            std::fprintf(stderr, "atlas_build: atlas %dx%d px\n", big.width, big.height);
            if (status == 0) {
                std::printf("atlas_build_ms %.1f ms\n", big.median_ms);
                std::printf("atlas_px %zu px\n", big.pixels);
            }
        }
        ImGui::DestroyContext();
        return status;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "atlas_build: %s\n", e.what());
        return 1;
    }
}
