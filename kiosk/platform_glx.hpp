// Partial presents under X11/GLX: GLX_MESA_copy_sub_buffer copies a region
// of the back buffer to the window without a swap, so a motion frame that
// changed a flag's few thousand pixels puts only those on the screen (under
// Xvfb or any software GL, a full present is a copy of the whole screen) and
// the back buffer keeps the rest of the frame for the next one.
//
// Kept in its own file: the one place that reaches below GLFW to GLX.
//
// Thread safety: main thread, the window's GL context current.
#pragma once

#include <functional>

struct GLFWwindow;

namespace campus::kiosk {

// Copies x, y, w, h (window pixels, GL's bottom-left origin) of the back
// buffer to the window. Empty when the window is not a GLX window or the
// extension is missing (Wayland, EGL, another driver): present whole frames.
using CopyRegion = std::function<void(int x, int y, int w, int h)>;
CopyRegion glx_copy_sub_buffer(GLFWwindow* window);

}  // namespace campus::kiosk
