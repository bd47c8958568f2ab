#include "kiosk/platform_glx.hpp"

#include <glad/gl.h>  // before GLFW: the one set of GL declarations

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

// GLFW's native access (glfw3native.h), declared here rather than included:
// that header pulls in the X11 and Xrandr development headers for two
// functions whose types are an opaque pointer and an XID.
struct _XDisplay;
extern "C" {
_XDisplay* glfwGetX11Display(void);
unsigned long glfwGetGLXWindow(GLFWwindow* window);
}

namespace campus::kiosk {

CopyRegion glx_copy_sub_buffer(GLFWwindow* window) {
    if (glfwExtensionSupported("GLX_MESA_copy_sub_buffer") != GLFW_TRUE) return {};
    using Copy = void (*)(_XDisplay*, unsigned long, int, int, int, int);
    auto copy = reinterpret_cast<Copy>(glfwGetProcAddress("glXCopySubBufferMESA"));
    _XDisplay* display = glfwGetX11Display();
    const unsigned long drawable = glfwGetGLXWindow(window);
    if (copy == nullptr || display == nullptr || drawable == 0) return {};
    return [copy, display, drawable](int x, int y, int w, int h) { copy(display, drawable, x, y, w, h); };
}

}  // namespace campus::kiosk
