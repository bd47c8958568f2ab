// The crossfade's pixels put on the window through the X server's shared
// memory (MIT-SHM): the motion layer blends the page area on the CPU
// (kiosk/motion/pixel_sink.hpp) and this shows it, with no GL pass and no
// copy through the X connection.
//
// Kept beside platform_glx.cpp: the places that reach below GLFW to X11.
//
// Thread safety: main thread (the one that owns the window).
#pragma once

#include <memory>

#include "kiosk/motion/pixel_sink.hpp"

struct GLFWwindow;

namespace campus::kiosk {

// Null when the window is not an X11 window, the server lacks MIT-SHM or is
// remote (the segment cannot be attached), or its visual is not 24-bit
// TrueColor in B, G, R byte order: the motion layer then blends with GL.
// The window must outlive the sink.
std::unique_ptr<motion::PixelSink> open_xshm_sink(GLFWwindow* window);

}  // namespace campus::kiosk
