// kiosk: the campus screen. Parses the options and hands over to App; every
// failure ends here as one clear line on stderr and a non-zero exit.
//
// Exit codes: 0 done, 1 runtime failure (no display, no font, bad feed for
// --dump, …), 2 bad command line or config.
#include <malloc.h>

#include <cstdio>
#include <exception>
#include <optional>

#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "kiosk/app.hpp"
#include "kiosk/options.hpp"

int main(int argc, char** argv) {
    // Memory that stays small over months: a fixed mmap threshold keeps
    // glibc from raising it after the first large free (a page texture, an
    // atlas), so large buffers always go back to the system when freed
    // instead of staying in the heap; two arenas are plenty for a loop, a
    // sync thread and a font worker (llvmpipe's threads allocate little).
    // Measured on the lobby rotation (1080p, llvmpipe): PSS 105 → 71 MB; a
    // 1 MB threshold keeps 97 MB. The price is a few page faults a frame.
    // 256 KiB is also the size of the chunks imgui's FreeType builder
    // rasterises into (four bytes a pixel, 128 MB of them for a 4K atlas):
    // each is a mapping of its own, gone when the build is, instead of a
    // heap grown by that much and left in pieces.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_ARENA_MAX, 2);
    // The log goes to stderr (journald picks it up under systemd); stdout stays
    // free for --help.
    spdlog::set_default_logger(spdlog::stderr_color_mt("kiosk"));
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
    spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL=debug shows every frame drawn and why

    std::optional<campus::kiosk::Options> options;
    try {
        options = campus::kiosk::parse_options(argc, argv);
    } catch (const campus::kiosk::OptionsError& e) {
        std::fprintf(stderr, "kiosk: %s\nRun kiosk --help for the options.\n", e.what());
        return 2;
    }
    if (!options) return 0;  // --help

    try {
        const bool dumping = !options->dump_dir.empty();
        campus::kiosk::App app(std::move(*options));
        return dumping ? app.dump() : app.run();
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return 1;
    } catch (...) {
        spdlog::critical("stopped by an unknown exception");
        return 1;
    }
}
