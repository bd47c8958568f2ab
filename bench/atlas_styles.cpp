// atlas_styles: what the glyph atlas holds for one feed at one screen size,
// style by style: how many glyphs each text style's font has, and the pixels
// their boxes take in the texture. The texture is one byte a pixel (GL_R8) and,
// under llvmpipe, ordinary memory of the kiosk: its width × height is what the
// atlas adds to the kiosk's PSS.
//
//   atlas_styles [--feed FILE] [--size WxH] [--role lobby|corridor|classroom|assembly]
//
// Defaults: the bundled sample feed, 3840x2160, the plan for every role (the
// kiosk plans for its own role). Prints on stdout one line a style and the totals:
//   style hero px 302 glyphs 120 box_px 1234567
//   atlas 4096x2345 px 9605120 bytes
// No window or GL context is needed.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <imgui.h>

#include "kiosk/fonts.hpp"
#include "sync/feed_parse.hpp"

namespace {

const char* kStyleNames[] = {"caption", "body", "subtitle", "title", "display", "hero"};

[[noreturn]] void usage(const char* problem) {
    std::fprintf(stderr, "atlas_styles: %s\nusage: atlas_styles [--feed FILE] [--size WxH] [--role ROLE]\n", problem);
    std::exit(2);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

}  // namespace

int main(int argc, char** argv) {
    std::string feed_path = KIOSK_SOURCE_DIR "/assets/sample-feed.json";
    int width = 3840, height = 2160;
    std::optional<campus::kiosk::Role> role;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--feed" && i + 1 < argc) {
            feed_path = argv[++i];
        } else if (arg == "--size" && i + 1 < argc) {
            if (std::sscanf(argv[++i], "%dx%d", &width, &height) != 2 || width < 64 || height < 64)
                usage("--size needs WxH, e.g. 3840x2160");
        } else if (arg == "--role" && i + 1 < argc) {
            const std::string_view r = argv[++i];
            using campus::kiosk::Role;
            if (r == "lobby") role = Role::lobby;
            else if (r == "corridor") role = Role::corridor;
            else if (r == "classroom") role = Role::classroom;
            else if (r == "assembly") role = Role::assembly;
            else usage("--role needs lobby, corridor, classroom or assembly");
        } else {
            usage("unknown argument");
        }
    }
    try {
        campus::ParseResult parsed = campus::parse_feed(read_file(feed_path));
        if (!parsed.ok()) throw std::runtime_error(feed_path + " was rejected by parse_feed");
        ImGui::CreateContext();
        {
            campus::kiosk::FontSet fonts;
            fonts.build_now(campus::kiosk::ScreenMetrics{width, height}, campus::kiosk::glyph_plan_for(parsed.feed.get(), role));
            double all_boxes = 0;
            for (int s = 0; s < campus::kiosk::kTextStyleCount; ++s) {
                const auto style = static_cast<campus::kiosk::TextStyle>(s);
                const ImFont* font = fonts.font(style);
                double boxes = 0;
                for (const ImFontGlyph& g : font->Glyphs)
                    if (g.Visible) boxes += (g.X1 - g.X0 + 1) * (g.Y1 - g.Y0 + 1);
                all_boxes += boxes;
                std::printf("style %s px %.0f glyphs %d box_px %.0f\n", kStyleNames[s], fonts.px(style),
                            font->Glyphs.Size, boxes);
            }
            std::printf("atlas %dx%d px %zu bytes (glyph boxes %.0f px, %.0f %% of it)\n", fonts.atlas_width(),
                        fonts.atlas_height(), fonts.atlas_pixels(), all_boxes,
                        100.0 * all_boxes / static_cast<double>(fonts.atlas_pixels()));
        }
        ImGui::DestroyContext();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "atlas_styles: %s\n", e.what());
        return 1;
    }
}
