// The kiosk's loop: the thin shell around the pages.
//
// Each frame is the header, the current page of the rotation and a thin
// footer, in one full-screen ImGui window without background or padding.
//
// Idle like a good citizen: the loop blocks in glfwWaitEventsTimeout until the
// next thing is due (page change, the clock's minute, a font atlas or a feed
// the worker threads announce with glfwPostEmptyEvent), and draws only when
// something changed: a still page costs no frames at all.
//
// Thread safety: construct, run() and dump() on the main thread.
#pragma once

#include <memory>

#include "kiosk/options.hpp"

namespace campus::kiosk {

class App {
public:
    explicit App(Options options);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // The screen, until the window closes or SIGINT/SIGTERM. Returns the exit
    // code: 3 when the GL context was lost or failed (motion::check_context_health),
    // so a supervisor starts a fresh kiosk. With --bench-frames, the frame benchmark.
    int run();
    // --dump: every entry of the rotation into options.dump_dir. Returns the exit code.
    int dump();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace campus::kiosk
